"""Team accounts: users with passwords, sessions, API tokens and the login rate limit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher

from kithkin import clock
from kithkin.errors import Conflict, Forbidden, InvalidInput, NotLoggedIn, TooManyAttempts
from kithkin.model import SOLO
from kithkin.services import accounts, sessions, team
from kithkin.store import Database
from kithkin.store import accounts as kept

pytestmark = pytest.mark.usefixtures("cheap_passwords")

PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _team(db: Database) -> None:
    accounts.add_user(db, actor=SOLO, username="ada", password=PASSWORD, role="owner")
    owner = team.actor_for(db, "ada")
    accounts.add_user(db, actor=owner, username="sam", password=PASSWORD + "!", role="viewer")


def test_the_first_user_is_an_owner_and_turns_team_mode_on(db: Database) -> None:
    with pytest.raises(InvalidInput, match="first user of a personal database must be an owner"):
        accounts.add_user(db, actor=SOLO, username="ada", password=PASSWORD, role="editor")
    assert not team.is_team(db)
    added = accounts.add_user(db, actor=SOLO, username="Ada", password=PASSWORD, role="owner")
    assert added.team_began and added.member.username == "ada"
    assert team.is_team(db)
    with db.read() as conn:
        hashed = kept.password_hash(conn, added.member.id)
    assert hashed is not None and hashed.startswith("$argon2id$") and PASSWORD not in hashed
    owner = team.actor_for(db, "ada")
    later = accounts.add_user(db, actor=owner, username="bo", password=PASSWORD, role="editor")
    assert not later.team_began
    editor = team.actor_for(db, "bo")
    with pytest.raises(Forbidden, match="adding a user needs the owner role"):
        accounts.add_user(db, actor=editor, username="cy", password=PASSWORD)
    with pytest.raises(Conflict):
        accounts.add_user(db, actor=owner, username="BO", password=PASSWORD)


def test_passwords_have_a_minimum_length(db: Database) -> None:
    with pytest.raises(InvalidInput, match="at least 12 characters"):
        accounts.add_user(db, actor=SOLO, username="ada", password="short", role="owner")
    with pytest.raises(InvalidInput, match="only spaces"):
        accounts.check_password(" " * 20)
    with pytest.raises(InvalidInput, match="too long"):
        accounts.check_password("x" * 2000)
    assert not team.is_team(db)


def test_the_last_owner_is_neither_removed_nor_demoted(db: Database) -> None:
    _team(db)
    owner = team.actor_for(db, "ada")
    with pytest.raises(Conflict, match="last owner"):
        accounts.remove_user(db, actor=owner, username="ada")
    with pytest.raises(Conflict, match="last owner"):
        accounts.set_role(db, actor=owner, username="ada", role="editor")
    assert accounts.set_role(db, actor=owner, username="sam", role="owner").role == "owner"
    assert accounts.set_role(db, actor=owner, username="ada", role="editor").role == "editor"
    sam = team.actor_for(db, "sam")
    assert accounts.remove_user(db, actor=sam, username="ada").username == "ada"
    assert [m.username for m in accounts.users(db, actor=sam)] == ["sam"]


def test_login_makes_a_signed_session_kept_hashed(db: Database) -> None:
    _team(db)
    with pytest.raises(NotLoggedIn, match="wrong user name or password"):
        sessions.log_in(db, username="ada", password="not the password", address="10.0.0.1")
    with pytest.raises(NotLoggedIn, match="wrong user name or password"):
        sessions.log_in(db, username="nobody", password=PASSWORD, address="10.0.0.1")
    done = sessions.log_in(db, username="ADA", password=PASSWORD, address="10.0.0.1")
    session_id, signature = done.cookie.split(".")
    assert done.visit.actor.username == "ada" and done.visit.actor.role == "owner"
    seen = sessions.visit(db, cookie=done.cookie)
    assert seen is not None and seen.actor == done.visit.actor
    with db.read() as conn:
        keys = [
            s.id for s in kept.sessions(conn, done.visit.actor.member_id or 0, idle=sessions.IDLE)
        ]
    assert len(keys) == 1
    # the database holds no session id, and a forged signature or id gets nowhere
    assert sessions.visit(db, cookie=f"{session_id}.{'0' * 64}") is None
    other = "B" if session_id.endswith("A") else "A"
    assert sessions.visit(db, cookie=f"{session_id[:-1]}{other}.{signature}") is None
    assert sessions.visit(db, cookie="garbage") is None
    sessions.log_out(db, cookie=done.cookie)
    assert sessions.visit(db, cookie=done.cookie) is None


def test_sessions_end_when_idle_or_old(db: Database) -> None:
    clock.freeze(T0)
    _team(db)
    done = sessions.log_in(db, username="ada", password=PASSWORD, address="10.0.0.1")
    clock.freeze(T0 + sessions.IDLE - timedelta(minutes=1))
    assert sessions.visit(db, cookie=done.cookie) is not None  # seen: idle again from now
    clock.freeze(T0 + 2 * sessions.IDLE - timedelta(minutes=2))
    assert sessions.visit(db, cookie=done.cookie) is not None
    clock.freeze(T0 + 3 * sessions.IDLE)
    assert sessions.visit(db, cookie=done.cookie) is None  # idle too long
    clock.freeze(T0)
    kept_alive = sessions.log_in(db, username="ada", password=PASSWORD, address="10.0.0.1")
    moment = T0
    while moment < T0 + sessions.LIFETIME - timedelta(days=1):
        moment += timedelta(days=1)
        clock.freeze(moment)
        assert sessions.visit(db, cookie=kept_alive.cookie) is not None
    clock.freeze(T0 + sessions.LIFETIME)
    assert sessions.visit(db, cookie=kept_alive.cookie) is None  # the absolute limit


def test_five_failures_for_a_user_lock_it_for_fifteen_minutes(db: Database) -> None:
    clock.freeze(T0)
    _team(db)
    for n in range(sessions.USER_LIMIT):
        clock.freeze(T0 + timedelta(minutes=n))
        with pytest.raises(NotLoggedIn):
            sessions.log_in(db, username="ada", password="wrong password", address=f"10.0.0.{n}")
    clock.freeze(T0 + timedelta(minutes=5))
    with pytest.raises(TooManyAttempts, match="too many failed logins for 'ada'") as refused:
        sessions.log_in(db, username="ada", password=PASSWORD, address="10.9.9.9")
    assert refused.value.retry_after == 10 * 60  # the first failure ages out at T0 + 15 min
    assert refused.value.http_status == 429
    assert "try again in 10 minutes" in str(refused.value)
    # another user is not locked
    sessions.log_in(db, username="sam", password=PASSWORD + "!", address="10.9.9.9")
    clock.freeze(T0 + timedelta(minutes=15, seconds=1))
    done = sessions.log_in(db, username="ada", password=PASSWORD, address="10.9.9.9")
    assert done.visit.actor.username == "ada"
    with db.read() as conn:
        for_ada, _ = kept.failures(conn, username="ada", address="-", window=sessions.WINDOW)
    assert for_ada == []  # a success clears the user's count


def test_twenty_failures_from_one_address_lock_it(db: Database) -> None:
    clock.freeze(T0)
    _team(db)
    for n in range(sessions.ADDRESS_LIMIT):
        with pytest.raises(NotLoggedIn):
            sessions.log_in(db, username=f"guess{n}", password=PASSWORD, address="203.0.113.5")
    with pytest.raises(TooManyAttempts, match="from this address"):
        sessions.log_in(db, username="ada", password=PASSWORD, address="203.0.113.5")
    sessions.log_in(db, username="ada", password=PASSWORD, address="203.0.113.6")
    clock.freeze(T0 + timedelta(hours=1))
    with pytest.raises(NotLoggedIn):  # old failures are forgotten as new ones come
        sessions.log_in(db, username="x", password=PASSWORD, address="198.51.100.1")
    with db.read() as conn:
        assert kept.failure_count(conn) == 1


def test_a_password_change_ends_every_other_session(db: Database) -> None:
    _team(db)
    here = sessions.log_in(db, username="ada", password=PASSWORD, address="a")
    there = sessions.log_in(db, username="ada", password=PASSWORD, address="b")
    owner = here.visit.actor
    listed = sessions.sessions(db, actor=owner, current=here.visit.session_key)
    assert len(listed) == 2 and sum(s.current for s in listed) == 1
    with pytest.raises(InvalidInput, match="current password is not right"):
        accounts.set_password(
            db, actor=owner, username="ada", password="a new password!", current="wrong"
        )
    ended = accounts.set_password(
        db,
        actor=owner,
        username="ada",
        password="a new password!",
        current=PASSWORD,
        keep_session=here.visit.session_key,
    )
    assert ended == 1
    assert sessions.visit(db, cookie=here.cookie) is not None
    assert sessions.visit(db, cookie=there.cookie) is None
    with pytest.raises(NotLoggedIn):
        sessions.log_in(db, username="ada", password=PASSWORD, address="a")
    sessions.log_in(db, username="ada", password="a new password!", address="a")
    sam = team.actor_for(db, "sam")
    with pytest.raises(Forbidden):
        accounts.set_password(db, actor=sam, username="ada", password="sam's own choice")


def test_log_out_everywhere_ends_sessions_and_optionally_tokens(db: Database) -> None:
    _team(db)
    one = sessions.log_in(db, username="ada", password=PASSWORD, address="a")
    two = sessions.log_in(db, username="ada", password=PASSWORD, address="b")
    sams = sessions.log_in(db, username="sam", password=PASSWORD + "!", address="c")
    owner = one.visit.actor
    made = accounts.add_token(db, actor=owner, label="script")
    done = sessions.log_out_everywhere(db, actor=owner)
    assert (done.sessions, done.tokens) == (2, 0)
    assert sessions.visit(db, cookie=one.cookie) is None
    assert sessions.visit(db, cookie=two.cookie) is None
    assert sessions.visit(db, cookie=sams.cookie) is not None
    assert sessions.visit(db, bearer=made.token) is not None
    sessions.log_in(db, username="ada", password=PASSWORD, address="a")
    done = sessions.log_out_everywhere(db, actor=owner, tokens=True)
    assert (done.sessions, done.tokens) == (1, 1)
    assert sessions.visit(db, bearer=made.token) is None


def test_tokens_carry_their_members_role_and_record_their_use(db: Database) -> None:
    clock.freeze(T0)
    _team(db)
    owner = team.actor_for(db, "ada")
    sam = team.actor_for(db, "sam")
    made = accounts.add_token(db, actor=owner, username="sam", label="laptop")
    assert made.token.startswith("kk_") and made.info.username == "sam"
    with db.read() as conn:
        assert made.token not in repr(kept.tokens(conn))
    assert made.info.last_used_at is None
    clock.freeze(T0 + timedelta(hours=1))
    seen = sessions.visit(db, bearer=made.token)
    assert seen is not None and seen.actor.username == "sam" and seen.actor.role == "viewer"
    (listed,) = accounts.tokens(db, actor=sam)
    assert listed.last_used_at == T0 + timedelta(hours=1)
    accounts.set_role(db, actor=owner, username="sam", role="editor")
    again = sessions.visit(db, bearer=made.token)
    assert again is not None and again.actor.role == "editor"
    assert sessions.visit(db, bearer=made.token + "x") is None
    # a member sees and revokes only their own; an owner everyone's
    mine = accounts.add_token(db, actor=owner)
    assert [t.id for t in accounts.tokens(db, actor=sam)] == [made.info.id]
    assert {t.id for t in accounts.tokens(db, actor=owner)} == {made.info.id, mine.info.id}
    with pytest.raises(Forbidden):
        accounts.tokens(db, actor=sam, username="ada")
    from kithkin.errors import NotFound

    with pytest.raises(NotFound):
        accounts.revoke_token(db, actor=sam, token_id=mine.info.id)
    accounts.revoke_token(db, actor=sam, token_id=made.info.id)
    assert sessions.visit(db, bearer=made.token) is None


def test_removing_a_user_ends_their_sessions_and_tokens(db: Database) -> None:
    _team(db)
    owner = team.actor_for(db, "ada")
    sams = sessions.log_in(db, username="sam", password=PASSWORD + "!", address="c")
    token = accounts.add_token(db, actor=owner, username="sam")
    accounts.remove_user(db, actor=owner, username="sam")
    assert sessions.visit(db, cookie=sams.cookie) is None
    assert sessions.visit(db, bearer=token.token) is None


def test_login_rehashes_a_password_hashed_with_older_parameters(db: Database) -> None:
    _team(db)
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with db.write() as conn:
        ada = team.actor_for(db, "ada").member_id or 0
        kept.set_password_hash(conn, ada, weak.hash(PASSWORD))
    sessions.log_in(db, username="ada", password=PASSWORD, address="a")
    with db.read() as conn:
        now = kept.password_hash(conn, ada)
    assert now is not None and not accounts.hasher().check_needs_rehash(now)
    assert "m=1024" not in now
    sessions.log_in(db, username="ada", password=PASSWORD, address="a")


def test_the_real_cost_is_argon2id_with_rfc_9106_parameters(db: Database) -> None:
    current = accounts.hasher()
    real = PasswordHasher()
    assert accounts.use_hasher(real) is current
    try:
        hashed = accounts.hash_password(PASSWORD)
        assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
        assert accounts.verify(hashed, PASSWORD) and not accounts.verify(hashed, "nope")
        assert not accounts.verify(None, PASSWORD)  # an unknown user: a dummy is checked
    finally:
        accounts.use_hasher(current)


def test_an_unknown_user_costs_the_same_work_as_a_wrong_password(db: Database) -> None:
    """Timing does not tell who has an account: with a hasher whose work dominates, an
    unknown user name takes as long as a known one with a wrong password."""
    import time

    old = accounts.use_hasher(PasswordHasher(time_cost=2, memory_cost=32768, parallelism=1))
    try:
        _team(db)

        def fastest(username: str) -> float:
            times = []
            for n in range(3):
                start = time.perf_counter()
                with pytest.raises(NotLoggedIn):
                    sessions.log_in(db, username=username, password="nope", address=f"t{n}")
                times.append(time.perf_counter() - start)
            return min(times)

        fastest("ada")  # the dummy hash and caches made once
        known, unknown = fastest("sam"), fastest("nobody-here")
        assert 0.5 < unknown / known < 2.0, (known, unknown)
    finally:
        accounts.use_hasher(old)


def test_only_the_signed_cookie_names_a_session(db: Database) -> None:
    """Any string a browser may send as the cookie, or as a token, is refused (and none
    raises); only the cookie the login made names the session."""
    from hypothesis import given
    from hypothesis import strategies as st

    _team(db)
    done = sessions.log_in(db, username="ada", password=PASSWORD, address="a")
    session_id, signature = done.cookie.split(".")

    @given(
        st.one_of(
            st.text(max_size=300),
            st.builds(lambda s: f"{session_id}.{s}", st.text(max_size=80)),
            st.builds(lambda s: f"{s}.{signature}", st.text(max_size=80)),
        )
    )
    def refused(cookie: str) -> None:
        if cookie == done.cookie:
            return
        assert sessions.session_key(db, cookie) is None
        assert sessions.visit(db, cookie=cookie) is None
        assert sessions.visit(db, bearer=cookie) is None

    refused()
    assert sessions.visit(db, cookie=done.cookie) is not None

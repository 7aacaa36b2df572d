"""Intro paths: who can introduce me to a person, an address, a domain or an organisation,
ranked by the weaker leg, with a hint when my own leg has gone quiet; and the CLI."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from kithkin import clock
from kithkin.errors import NotFound
from kithkin.services import knows, mail, people
from kithkin.store import Database
from tests.builders.mail import ME, as_me
from tests.graph.test_knows_mail import scenario
from tests.ingest.mailbox import BASE, message, write_mbox


@pytest.fixture
def imported(db: Database, tmp_path: Path) -> Database:
    clock.freeze(BASE + timedelta(days=10))
    mail.import_mail(as_me(db), locations=[str(write_mbox(tmp_path / "in.mbox", scenario()))])
    return db


def _legs(found: knows.IntroPaths) -> list[list[str]]:
    return [[leg.name for leg in p.legs] for p in found.paths]


def test_a_path_through_someone_i_know(imported: Database) -> None:
    found = knows.intro_paths(imported, to="Dana")
    assert (found.kind, found.target) == ("person", "Dana")
    assert _legs(found) == [["Bob", "Dana"]]
    [path] = found.paths
    mine, theirs = path.legs
    assert path.score == min(mine.score, theirs.score) > 0
    assert theirs.evidence.startswith("a reply on 'Re: Deal'")
    assert "last two-way contact 2024-03-06" in mine.evidence
    assert path.hint is None  # I spoke to Bob days ago


def test_targets_by_address_domain_and_organisation(imported: Database) -> None:
    assert _legs(knows.intro_paths(imported, to="dana@zeta.example")) == [["Bob", "Dana"]]
    by_domain = knows.intro_paths(imported, to="zeta.example")
    assert (by_domain.kind, by_domain.target) == ("domain", "anyone at zeta.example")
    assert _legs(by_domain) == [["Bob", "Dana"]]
    dana = people.get_person(imported, person="Dana")
    people.edit_person(imported, person=dana.id, changes={"organisation": "Zeta"})
    by_org = knows.intro_paths(imported, to="zeta")
    assert (by_org.kind, by_org.target) == ("organisation", "anyone at zeta")
    assert _legs(by_org) == [["Bob", "Dana"]]
    # someone I know myself is a path of one hop
    assert _legs(knows.intro_paths(imported, to="Bob")) == [["Bob"]]


def test_an_address_nobody_has_and_nobody_known(imported: Database) -> None:
    found = knows.intro_paths(imported, to="frank@uni.example")
    assert (found.kind, found.paths) == ("address", [])  # Erin knows Frank; I know neither
    with pytest.raises(NotFound, match="nobody, no address and no organisation"):
        knows.intro_paths(imported, to="Zed Nobody")


def test_paths_rank_by_the_weaker_leg_and_hint_a_cold_first_leg(
    db: Database, tmp_path: Path
) -> None:
    """Carol is my close friend but barely knows Tom (one list answer); Bob is a plain
    acquaintance who has had many exchanges with Tom: Bob's path is the better one."""
    lst = {"List_Id": "Dev <dev.lists.example.org>", "Precedence": "list"}
    mine = []
    for n in range(12):  # Carol and I: a dozen exchanges
        mine.append(message(f"c{n}@x", "Carol <carol@a.example>", ME, "Hi", day=n))
        mine.append(message(f"r{n}@x", ME, "carol@a.example", "Re: Hi", day=n, reply_to=f"c{n}@x"))
    mine.append(message("b1@x", "Bob <bob@b.example>", ME, "Hey", day=1))
    mine.append(message("b2@x", ME, "bob@b.example", "Re: Hey", day=2, reply_to="b1@x"))
    mine.append(message("t0@x", "Tom <tom@t.example>", "dev@lists.example.org", "Q", day=3, **lst))
    mine.append(
        message("t1@x", "Carol <carol@a.example>", "dev@lists.example.org", "Re: Q", day=4,
                reply_to="t0@x", **lst)
    )  # fmt: skip
    for n in range(10):  # Tom and Bob, with me copied
        mine.append(message(f"tb{n}@x", "Tom <tom@t.example>", "bob@b.example", "Work", day=5 + n,
                            cc=[ME]))  # fmt: skip
        mine.append(message(f"bt{n}@x", "Bob <bob@b.example>", "tom@t.example", "Re: Work",
                            day=5 + n, cc=[ME], reply_to=f"tb{n}@x"))  # fmt: skip
    clock.freeze(BASE + timedelta(days=20))
    mail.import_mail(as_me(db), locations=[str(write_mbox(tmp_path / "m.mbox", mine))])
    found = knows.intro_paths(db, to="tom@t.example")
    assert _legs(found)[:2] == [["Tom"], ["Bob", "Tom"]] or _legs(found)[0] == ["Bob", "Tom"]
    two_hops = [p for p in found.paths if len(p.legs) == 2]
    assert [p.legs[0].name for p in two_hops] == ["Bob", "Carol"]
    carol = two_hops[1]
    assert carol.legs[0].score > carol.legs[1].score == carol.score
    clock.freeze(BASE + timedelta(days=20 + 210))
    later = knows.intro_paths(db, to="tom@t.example")
    hints = [p.hint for p in later.paths if len(p.legs) == 2]
    assert hints and all(h and "you last spoke to" in h and "months ago" in h for h in hints)


def test_the_cli_lists_states_and_finds_paths(imported: Database, run: Any) -> None:
    out = run("intro", "path", "Dana", "--json")
    assert out.code == 0, out.err
    data = json.loads(out.out)
    assert data["kind"] == "person" and data["target"] == "Dana"
    assert [leg["name"] for leg in data["paths"][0]["legs"]] == ["Bob", "Dana"]
    assert set(data["paths"][0]["legs"][1]) >= {"tier", "score", "evidence", "last_at"}
    text = run("intro", "path", "Dana")
    assert "you → Bob → Dana" in text.out
    # a tie I state myself: Erin (no address) knows Bob
    people.add_person(imported, display_name="Erin")
    said = run("knows", "Erin", "Bob", "--tier", "strong")
    assert said.code == 0 and "know each other (strong" in said.out
    listed = json.loads(run("knows", "Bob", "--json").out)
    assert {t["name"]: t["stated"] for t in listed["ties"]} == {"Dana": None, "Erin": "strong"}
    assert "Erin" in run("knows", "Bob").out
    forgot = run("knows", "Erin", "Bob", "--forget")
    assert forgot.code == 0 and "took back" in forgot.out
    assert [t["name"] for t in json.loads(run("knows", "Bob", "--json").out)["ties"]] == ["Dana"]
    rebuilt = json.loads(run("knows", "--rebuild", "--json").out)
    assert rebuilt == {"ties": 2, "evidence": 2}
    bad = run("intro", "path", "Nobody At All")
    assert bad.code != 0 and "nobody, no address" in bad.err


def _introduced(db: Database, introducer: int, outcomes: list[str | None]) -> None:
    """Introductions `introducer` made between new people, with these outcomes."""
    from kithkin.store import intros as store_intros
    from tests.builders.people import person

    pairs = [
        (person(db, f"A{introducer}x{n}"), person(db, f"B{introducer}x{n}"))
        for n in range(len(outcomes))
    ]
    with db.write() as conn:
        for (a, b), outcome in zip(pairs, outcomes, strict=True):
            made = store_intros.create(
                conn, a_id=a, b_id=b, why="they should meet", parties=[], introducer_id=introducer
            )
            store_intros.set_status(conn, made.id, "introduced", introduced_at=clock.now())
            if outcome is not None:
                store_intros.set_outcome(conn, made.id, outcome)


def test_an_introducers_record_breaks_ties_and_is_shown(
    db: Database, tmp_path: Path, run: Any
) -> None:
    """Bob and Carol are equal paths to Tom (the same exchanges with me, each said to know Tom
    a little): by name Bob goes first, but Carol's introductions led to meetings and Bob's
    did not, so Carol goes first, and each path says how its introducer's intros went. The
    weaker leg still rules: a stronger path through an introducer with no record stays first."""
    mine = []
    for who in ("Bob <bob@b.example>", "Carol <carol@c.example>", "Dora <dora@d.example>"):
        name = who.split()[0].lower()
        address = who.split("<")[1].rstrip(">")
        for n in range(4):
            mine.append(message(f"{name}{n}@x", who, ME, "Hi", day=n))
            back = message(f"{name}r{n}@x", ME, address, "Re: Hi", day=n, reply_to=f"{name}{n}@x")
            mine.append(back)
    clock.freeze(BASE + timedelta(days=10))
    mail.import_mail(as_me(db), locations=[str(write_mbox(tmp_path / "m.mbox", mine))])
    from tests.builders.people import person

    tom = person(db, "Tom")
    ids = {n: people.get_person(db, person=n).id for n in ("Bob", "Carol", "Dora")}
    for n in ("Bob", "Carol"):
        knows.state(db, a=ids[n], b=tom, tier="weak")
    before = knows.intro_paths(db, to="Tom")
    assert _legs(before) == [["Bob", "Tom"], ["Carol", "Tom"]]
    assert [p.record for p in before.paths] == [None, None]
    _introduced(db, ids["Carol"], ["met", "met", "no"])
    _introduced(db, ids["Bob"], ["no", "not_yet"])
    after = knows.intro_paths(db, to="Tom")
    assert _legs(after) == [["Carol", "Tom"], ["Bob", "Tom"]]
    carol, bob = after.paths
    assert carol.score == bob.score  # a tie-breaker only: the weaker legs are equal
    assert carol.record == "2 of 3 intros they made led to a meeting"
    assert bob.record == "0 of 2 intros they made led to a meeting"
    assert carol.reliability is not None and bob.reliability is not None
    assert carol.reliability > bob.reliability
    # a stronger weaker leg wins over any record: Dora, with no intros, knows Tom strongly
    knows.state(db, a=ids["Dora"], b=tom, tier="moderate")
    ranked = knows.intro_paths(db, to="Tom")
    assert _legs(ranked)[0] == ["Dora", "Tom"] and ranked.paths[0].record is None
    # the CLI and its JSON show the record
    text = run("intro", "path", "Tom").out
    assert "2 of 3 intros they made led to a meeting" in text
    data = json.loads(run("intro", "path", "Tom", "--json").out)
    assert [p["record"] for p in data["paths"]][1:] == [
        "2 of 3 intros they made led to a meeting",
        "0 of 2 intros they made led to a meeting",
    ]
    # an introduction Bob made for me counts in his record too
    from kithkin.services import intros

    intros.record_received(db, by=f"#{ids['Bob']}", to=f"#{ids['Dora']}", outcome="met")
    bob_now = next(p for p in knows.intro_paths(db, to="Tom").paths if p.legs[0].name == "Bob")
    assert bob_now.record == "1 of 3 intros they made led to a meeting"

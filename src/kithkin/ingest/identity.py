"""Identity resolution: is this record someone we know, and which people are likely one person?

Exact matches merge automatically: the same email address (case-blind), profile URL
(normalised) or phone number (E.164) is the same person, because an address belongs to one
person. Likely matches — similar names at the same organisation, nicknames (Bob ~ Robert),
transposed given and family names, accents — are only *proposed*, with a score (0–1) and the
evidence, for the user to merge or dismiss.

Candidate pairs come from blocks (people sharing a key: the sorted words of their name, their
family name with a given initial, a formal given name with a family initial, a given name at
an organisation), so the search is near-linear in the number of people. Every rule that can
score a pair at or above `DEFAULT_MIN_SCORE` implies a shared block key, so blocking loses no
such pair unless a block is skipped for its size (reported).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from sqlalchemy import Connection

from kithkin.ingest.names import close_spelling, fold, name_tokens, org_key, split_name
from kithkin.ingest.nicknames import canonical, same_person_names
from kithkin.store import duplicates
from kithkin.store.duplicates import Candidate

DEFAULT_MIN_SCORE: Final = 0.6
MAX_BLOCK: Final = 200
FREE_MAIL: Final = frozenset(
    {
        "gmail.com",
        "googlemail.com",
        "yahoo.com",
        "hotmail.com",
        "outlook.com",
        "live.com",
        "msn.com",
        "icloud.com",
        "me.com",
        "mac.com",
        "aol.com",
        "proton.me",
        "protonmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "web.de",
        "mail.com",
        "yandex.ru",
        "qq.com",
        "163.com",
        "fastmail.com",
    }
)

# Name evidence and the score it starts from; organisation and email domain adjust it.
_NAME_SCORES: Final = {
    "same name": 0.75,
    "same name but for accents or case": 0.75,
    "same given and family name": 0.72,
    "transposed given/family names": 0.7,
    "nickname": 0.7,
    "spelling": 0.55,
    "nickname and family name spelling": 0.55,
    "initial": 0.55,
    "first name only": 0.45,
}
_SAME_ORG: Final = 0.2
_SIMILAR_ORG: Final = 0.1
_OTHER_ORG: Final = -0.25
_SAME_DOMAIN: Final = 0.1


@dataclass(frozen=True)
class Features:
    """A candidate's comparison keys, computed once."""

    id: int
    name: str
    folded: str
    given: str
    family: str
    tokens: tuple[str, ...]
    organisation: str | None
    org: str
    domains: frozenset[str]


@dataclass(frozen=True)
class Proposal:
    """Two people who are likely one, the score (0–1) and why."""

    a: int
    b: int
    score: float
    evidence: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.evidence)


@dataclass(frozen=True)
class Report:
    proposals: list[Proposal]
    people: int
    compared: int  # distinct candidate pairs scored
    all_pairs: int  # n(n-1)/2: what comparing everyone with everyone would cost
    skipped_blocks: list[tuple[str, int]] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.compared / self.all_pairs if self.all_pairs else 0.0


def features(candidate: Candidate) -> Features:
    given, family = split_name(candidate.display_name, candidate.given_name, candidate.family_name)
    return Features(
        id=candidate.id,
        name=candidate.display_name,
        folded=fold(candidate.display_name),
        given=given,
        family=family,
        tokens=name_tokens(candidate.display_name, given, family),
        organisation=candidate.organisation,
        org=org_key(candidate.organisation),
        domains=frozenset(d.lower() for d in candidate.email_domains) - FREE_MAIL,
    )


def block_keys(f: Features) -> set[str]:
    """The blocks a person falls in; two people are compared only when they share one."""
    keys: set[str] = set()
    if f.tokens:
        keys.add("t:" + " ".join(f.tokens))
    if f.family:
        keys.add(f"fg:{f.family}|{f.given[:1]}")
    if f.given:
        for formal in canonical(f.given):
            keys.add(f"gf:{formal}|{f.family[:1]}")
            if f.org:
                keys.add(f"go:{formal}|{f.org}")
    return keys


def name_match(a: Features, b: Features) -> str | None:
    """How the two names match, or None when they do not (see `_NAME_SCORES`)."""
    if a.tokens and a.tokens == b.tokens:
        if a.given == b.given and a.family == b.family:
            if a.name == b.name:
                return "same name"
            if a.folded == b.folded:
                return "same name but for accents or case"
            return "same given and family name"
        return "transposed given/family names"
    if a.family and a.family == b.family and a.given and b.given:
        if a.given == b.given:
            return "same given and family name"
        if same_person_names(a.given, b.given):
            return "nickname"
        if (len(a.given) == 1 or len(b.given) == 1) and a.given[0] == b.given[0]:
            return "initial"
        if close_spelling(a.given, b.given):
            return "spelling"
        return None
    if a.family and b.family and close_spelling(a.family, b.family) and a.given and b.given:
        if a.given == b.given:
            return "spelling"
        if same_person_names(a.given, b.given):
            return "nickname and family name spelling"
        return None
    if (
        bool(a.family) != bool(b.family)
        and a.given
        and b.given
        and (a.given == b.given or same_person_names(a.given, b.given))
        and a.org
        and a.org == b.org
    ):
        return "first name only"
    return None


def score(a: Features, b: Features) -> Proposal | None:
    """The likelihood that `a` and `b` are one person, with the evidence; None if no match."""
    kind = name_match(a, b)
    if kind is None:
        return None
    value = _NAME_SCORES[kind]
    evidence: list[str] = []
    if a.org and b.org:
        if a.org == b.org:
            value += _SAME_ORG
            evidence.append(f"same organisation {a.organisation}")
        elif set(a.org.split()) <= set(b.org.split()) or set(b.org.split()) <= set(a.org.split()):
            value += _SIMILAR_ORG
            evidence.append(f"similar organisations {a.organisation} / {b.organisation}")
        else:
            value += _OTHER_ORG
            evidence.append(f"different organisations {a.organisation} / {b.organisation}")
    shared = sorted(a.domains & b.domains)
    if shared and not (a.org and a.org == b.org):
        value += _SAME_DOMAIN
        evidence.append(f"same email domain {shared[0]}")
    if kind == "same name":
        evidence.append(f"same name {a.name}")
    else:
        evidence.append(f"names {a.name} ~ {b.name} ({kind})")
    low, high = min(a.id, b.id), max(a.id, b.id)
    return Proposal(low, high, round(max(0.0, min(1.0, value)), 2), tuple(evidence))


def propose(
    candidates: Iterable[Candidate],
    *,
    dismissed: Iterable[tuple[int, int]] = (),
    min_score: float = DEFAULT_MIN_SCORE,
    max_block: int = MAX_BLOCK,
) -> Report:
    """Likely duplicates among `candidates`, best first; `dismissed` pairs are left out."""
    people = [features(c) for c in candidates]
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, f in enumerate(people):
        for key in block_keys(f):
            blocks[key].append(index)
    skip = {(min(a, b), max(a, b)) for a, b in dismissed}
    seen: set[tuple[int, int]] = set()
    found: list[Proposal] = []
    skipped: list[tuple[str, int]] = []
    for key, members in blocks.items():
        if len(members) < 2:
            continue
        if len(members) > max_block:
            skipped.append((key, len(members)))
            continue
        for i, first in enumerate(members):
            for second in members[i + 1 :]:
                pair = (first, second) if first < second else (second, first)
                if pair in seen:
                    continue
                seen.add(pair)
                a, b = people[pair[0]], people[pair[1]]
                ids = (min(a.id, b.id), max(a.id, b.id))
                if ids in skip:
                    continue
                proposal = score(a, b)
                if proposal is not None and proposal.score >= min_score:
                    found.append(proposal)
    found.sort(key=lambda p: (-p.score, p.a, p.b))
    n = len(people)
    skipped.sort(key=lambda item: (-item[1], item[0]))
    return Report(found, n, len(seen), n * (n - 1) // 2, skipped)


def find_duplicates(
    conn: Connection, *, min_score: float = DEFAULT_MIN_SCORE, max_block: int = MAX_BLOCK
) -> Report:
    """Likely duplicates among the live people of the store, leaving out dismissed pairs."""
    return propose(
        duplicates.candidates(conn),
        dismissed=duplicates.dismissed(conn),
        min_score=min_score,
        max_block=max_block,
    )


# -- exact matches --------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactKey:
    """One contact point of a record, with the key that makes it unique."""

    kind: str
    value: str
    label: str | None
    normalized: str


def choose_owner(
    keys: Sequence[ContactKey], owners: Mapping[tuple[str, str], tuple[int, bool]]
) -> tuple[int | None, list[int], list[int]]:
    """The person a new record is (the live owner of most of its contact points, earliest
    first), the other live owners, and the owners in the trash. `owners` maps (kind, key) to
    (person id, live)."""
    votes: dict[int, int] = defaultdict(int)
    trashed: list[int] = []
    for key in keys:
        held = owners.get((key.kind, key.normalized))
        if held is None:
            continue
        person_id, live = held
        if live:
            votes[person_id] += 1
        elif person_id not in trashed:
            trashed.append(person_id)
    if not votes:
        return None, [], trashed
    ranked = sorted(votes, key=lambda pid: (-votes[pid], pid))
    return ranked[0], ranked[1:], trashed

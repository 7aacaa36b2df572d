"""The demo's "knows" graph: who of the demo people know each other, so intro paths show
out of the box.

As an import would see it: the people at a gathering of at most 12 (the team meeting, board
meetings, forum dinners, conference encounters) met there; the two sides of an introduction
answered each other; and colleagues at one organisation exchange mail now and then.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from kithkin.demo.people import Person, Touch
from kithkin.practices import knows as practice
from kithkin.store.knows import Piece


def pieces(
    rng: random.Random,
    people: Sequence[Person],
    touches: Sequence[Touch],
    ids: Mapping[int, int],
    end: datetime,
) -> list[Piece]:
    """The evidence the demo's history holds, up to `end`."""
    key = {p.idx: _key(p, ids) for p in people}
    out: list[Piece] = []
    for n, t in enumerate(touches):
        if t.at > end or len(t.who) < 2:
            continue
        here = [key[i] for i, _ in t.who]
        if t.kind == "email":
            x, y = here[0], here[1]
            out.append(Piece(x=x, y=y, kind="mail", ref=f"demo-touch-{n}", at=t.at,
                             weight=practice.mail_weight("person"), subject=t.subject))  # fmt: skip
            continue
        weight = practice.meeting_weight(len(here) + 1)
        for x, y in practice.meeting_pairs(here):
            out.append(Piece(x=x, y=y, kind="meeting", ref=f"demo-touch-{n}", at=t.at,
                             weight=weight, subject=t.subject))  # fmt: skip
    by_org: dict[str, list[Person]] = {}
    for p in people:
        if p.org is not None:
            by_org.setdefault(p.org.name, []).append(p)
    for staff in by_org.values():
        for i, a in enumerate(staff):
            for b in staff[i + 1 :]:
                for m in range(rng.randint(1, 6)):
                    at = end - timedelta(days=rng.uniform(3, 600))
                    out.append(Piece(x=key[a.idx], y=key[b.idx], kind="mail",
                                     ref=f"demo-colleagues-{a.idx}-{b.idx}-{m}", at=at,
                                     weight=practice.mail_weight("person"),
                                     subject=rng.choice(_SUBJECTS)))  # fmt: skip
    return out


def _key(p: Person, ids: Mapping[int, int]) -> str:
    mail = [value for kind, value in p.contacts if kind == "email"]
    return mail[0].lower() if mail else f"#{ids[p.idx]}"


_SUBJECTS = ("Re: Q3 plan", "Re: budget review", "Re: offsite", "Re: hiring", "Re: vendor call")

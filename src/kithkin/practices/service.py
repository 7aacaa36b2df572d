"""Service (practice P9): be of service — know what you can offer, notice what people need,
give before you ask.

Pure decisions: the balance of the ledger and the nudge before asking someone I never helped;
needs proposed from what I wrote in notes and story facts (suggestions for review, never
added silently); and the ranking of matches — my offers against people's needs, and people I
know against those needs — from a similarity function the caller brings (embeddings, or bm25
as the fallback), each match with its reason.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Final

from kithkin.model import Need, Offer, Record, record
from kithkin.practices.today import Item, fingerprint

# Similarity of two texts, many at once: for each query, a score per candidate (0..1, or any
# scale where higher is closer; 0 is unrelated).
Scorer = Callable[[Sequence[str], Sequence[str]], list[list[float]]]

# Sentences that say someone needs something, as people write them in notes: "is hiring a
# CISO", "looking for a job", "raising funds for the food bank", "needs a good lawyer".
_NEED = re.compile(
    r"\b(?:is |are |was |she's |he's |they're |i'm )?(?:"
    r"hiring(?: for)?|recruiting|looking for|searching for|seeking|in search of|trying to find"
    r"|raising (?:money|funds|a (?:seed|series \w) round)(?: for)?|fundraising for"
    r"|needs?|needing|wants? to (?:meet|find|hire|learn|move|get into)|could use"
    r"|struggling with|between jobs|out of work|laid off|job[- ]hunting|moving to|relocating to"
    r")\b[^.;!?\n]{0,120}",
    re.IGNORECASE,
)
_TRIVIAL: Final = re.compile(
    r"^(?:needs?|looking for)\s+(?:to|it|that|this|a reply|an answer)\b", re.I
)
MIN_SCORE: Final = 0.2  # below this an embedding similarity is no match


@record
class Balance(Record):
    person_id: int
    display_name: str
    gave: int
    asked: int

    @property
    def net(self) -> int:
        return self.gave - self.asked


@record
class Candidate(Record):
    """A person I know who could help, with the text about them (their work, a story fact)."""

    person_id: int
    display_name: str
    text: str


@record
class Match(Record):
    kind: str  # offer (one of my offers fits their need), person (someone I know could help)
    need: Need
    score: float
    reason: str
    offer: Offer | None = None
    helper: Candidate | None = None


def ask_nudge(name: str, gave: int, asked: int) -> str | None:
    """Before asking: a nudge when I have never helped them, or asked more than I gave."""
    if gave == 0:
        return (
            f"you have never helped {name}: give before you ask — an introduction, something "
            "you know, your time"
        )
    if asked >= gave + 2:
        return f"you have asked {name} {asked} times and given {gave}: time to give"
    return None


def proposed_needs(text: str) -> list[str]:
    """Needs a note or story fact speaks of, each as a short phrase ("hiring a CISO")."""
    found: list[str] = []
    for match in _NEED.finditer(text):
        phrase = " ".join(match.group(0).split()).strip(" ,:-")
        phrase = re.sub(r"^(?:is|are|was|she's|he's|they're|i'm)\s+", "", phrase, flags=re.I)
        if len(phrase.split()) < 2 or _TRIVIAL.match(phrase):
            continue
        if phrase.lower() not in (f.lower() for f in found):
            found.append(phrase[:200])
    return found


def match_offers(needs: Sequence[Need], offers: Sequence[Offer], score: Scorer) -> list[Match]:
    """Each need with the offer of mine that fits it best (when any does)."""
    if not needs or not offers:
        return []
    table = score([n.text for n in needs], [o.text for o in offers])
    out = []
    for need, row in zip(needs, table, strict=True):
        best = max(range(len(offers)), key=row.__getitem__)
        if row[best] < MIN_SCORE:
            continue
        offer = offers[best]
        out.append(
            Match(
                kind="offer",
                need=need,
                score=round(row[best], 3),
                reason=(
                    f"{need.display_name} is {_gerund(need.text)}; you offer {offer.text} "
                    f"({offer.kind})"
                ),
                offer=offer,
            )
        )
    return sorted(out, key=lambda m: -m.score)


def match_people(
    needs: Sequence[Need], candidates: Sequence[Candidate], score: Scorer, *, per_need: int = 2
) -> list[Match]:
    """Each need with the people I know whose work or story fits it (not the person in need)."""
    if not needs or not candidates:
        return []
    table = score([n.text for n in needs], [c.text for c in candidates])
    out = []
    for need, row in zip(needs, table, strict=True):
        best: dict[int, tuple[float, Candidate]] = {}
        for candidate, value in zip(candidates, row, strict=True):
            if candidate.person_id == need.person_id or value < MIN_SCORE:
                continue
            if candidate.person_id not in best or value > best[candidate.person_id][0]:
                best[candidate.person_id] = (value, candidate)
        for value, candidate in sorted(best.values(), key=lambda b: -b[0])[:per_need]:
            out.append(
                Match(
                    kind="person",
                    need=need,
                    score=round(value, 3),
                    reason=(
                        f"{need.display_name} is {_gerund(need.text)}; you know "
                        f"{candidate.display_name} ({candidate.text}) — introduce them?"
                    ),
                    helper=candidate,
                )
            )
    return sorted(out, key=lambda m: -m.score)


def _gerund(text: str) -> str:
    """ "hiring a CISO" reads after "is"; "a new job" needs "looking for"."""
    first = text.split()[0].lower() if text.split() else ""
    if text[:1].isupper() and text[1:2].islower():
        text = text[0].lower() + text[1:]  # "Raising funds..." as a note began it
    if first.endswith("ing") or first in ("between", "out", "in", "on", "at"):
        return text
    return f"in need of: {text}"


def opportunity_item(match: Match) -> Item:
    """Today's line for the best fresh opportunity to be of service."""
    need = match.need
    people: tuple[tuple[int, str], ...] = ((need.person_id, need.display_name),)
    if match.helper is not None:
        people += ((match.helper.person_id, match.helper.display_name),)
        advice = f"Introduce {need.display_name} and {match.helper.display_name}?"
    else:
        advice = "Offer your help: give before you ask."
    reason = match.reason  # the line already carries the name: "Dana — is hiring a CISO; ..."
    if reason.startswith(f"{need.display_name} "):
        reason = reason[len(need.display_name) + 1 :]
    return Item(
        key=f"service:{need.id}",
        section="service",
        kind="opportunity",
        reason=reason,
        fingerprint=fingerprint("service", need.id, match.reason),
        people=people,
        advice=advice,
        score=match.score,
    )

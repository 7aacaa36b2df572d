"""Matching by meaning: the embedding ranker against bm25 on labelled offers and needs.

    uv run python benchmarks/service_match.py

PAIRS below are written for this benchmark (kithkin's own text): each need with the one offer
that answers it. Every need is ranked against all the offers, by `practices.meaning`
(WordLlama, read from its wheel) and by `store.service.bm25_scores` (SQLite FTS5, Porter
stemming) — the two scorers `kithkin service matches` uses. Printed: top-1 and top-3 accuracy
of each, over all pairs and over the pairs that share no word (stop words aside, after
stemming-like folding), where bm25 can only guess.
"""

from __future__ import annotations

import re
import time

from sqlalchemy import create_engine

from kithkin.practices import meaning
from kithkin.store import service as store

# (need, the offer that answers it)
PAIRS: tuple[tuple[str, str], ...] = (
    ("hiring a chief information security officer", "can introduce you to CISOs in banking"),
    ("looking for a new job in IT leadership", "I know several executive recruiters for CIO roles"),
    ("raising funds for a food bank", "I know donors who give to hunger charities"),
    ("moving the company off SAP onto a new ERP", "20 years running ERP migrations"),
    ("wants to learn public speaking", "I coach people for conference keynotes"),
    ("their data centre lease ends next year", "I planned two moves from owned racks to the cloud"),
    ("struggling to hire software engineers", "I run a developer community of 3,000 members"),
    ("preparing for a board interview", "I sit on two boards and can rehearse with you"),
    ("setting up a mentoring programme", "I built the mentoring scheme at my last company"),
    ("needs a lawyer for a data protection question", "I know a GDPR privacy attorney"),
    (
        "launching a startup and looking for angel money",
        "I can introduce you to early-stage investors",
    ),
    ("moving to Singapore with the family", "I lived in Singapore for six years"),
    ("their daughter wants to study medicine", "my sister is a doctor who tutors applicants"),
    ("recovering from a ransomware attack", "I led our incident response after a cyber extortion"),
    ("writing a book about leadership", "I have an editor at a business publisher"),
    ("wants to get into machine learning", "I teach an evening course on AI for managers"),
    ("organising a charity run", "I can lend our company's event team"),
    (
        "negotiating a cloud contract with a hyperscaler",
        "I negotiated our AWS enterprise agreement",
    ),
    ("burned out after a tough year", "I know a good executive coach for resilience"),
    (
        "looking for a venue for a team offsite",
        "our office has a large meeting space you can borrow",
    ),
    ("needs a translator for a German contract", "I am fluent in German"),
    ("building a data platform from scratch", "I designed our lakehouse architecture"),
    ("their nonprofit needs a website", "I can build simple sites for charities for free"),
    ("applying for an MBA", "I did an executive MBA at INSEAD and can review essays"),
    ("wants to meet other women CIOs", "I host a dinner for women technology executives"),
    ("preparing for an ISO 27001 audit", "I took two companies through security certification"),
    ("starting a podcast", "I have a home recording studio and editing skills"),
    ("new to managing managers", "I ran a leadership course for first-time heads of department"),
    (
        "looking for a co-founder with technical skills",
        "I know engineers who want to found a company",
    ),
    ("selling their house", "my brother is an estate agent"),
    ("their team is drowning in legacy mainframe code", "I modernised COBOL systems at a bank"),
    ("planning a sabbatical", "I took a year off and can share how I planned it"),
    ("trying to reduce cloud costs", "I cut our AWS bill by forty percent"),
    ("outsourcing the service desk", "I can share our IT helpdesk vendor selection"),
    ("choosing a CRM", "I ran the Salesforce versus HubSpot evaluation"),
    ("wants to volunteer teaching kids to code", "I organise a weekend coding club for children"),
    ("their son is looking for an internship", "our graduate programme takes summer interns"),
    ("relocating to Berlin for work", "I know the city well and have friends there"),
    (
        "writing a grant application for a school",
        "I review funding proposals for an education trust",
    ),
    (
        "looking to join a non-executive board",
        "I can introduce you to a headhunter for board seats",
    ),
    (
        "their father was just diagnosed with dementia",
        "my mother had Alzheimer's; I know the support groups",
    ),
    ("setting up a security operations centre", "I built a SOC with a 24/7 team"),
    ("needs a speaker for an industry conference", "I give talks on digital transformation"),
    ("learning Spanish before a posting to Madrid", "I am a native Spanish speaker"),
    ("stuck on a merger's IT integration", "I integrated the systems of three acquisitions"),
    ("looking for a good accountant", "I can recommend my tax adviser"),
    ("building a diversity hiring plan", "I led inclusive recruiting at my firm"),
    ("want to run a hackathon", "I have run six internal innovation days"),
    ("needs help with a budget pitch to the CFO", "I was a finance director before IT"),
    ("hunting for a flat in London", "I have a spare room in Islington"),
    # paraphrases that share no word with their answer
    ("seeking a new employer", "I know headhunters"),
    ("collecting money for the homeless shelter", "I can connect you with philanthropists"),
    ("wants guidance on raising teenagers", "I am a parent of three grown children"),
    ("our factory robots keep breaking", "I ran industrial automation maintenance"),
    ("feeling lonely since retirement", "I chair a club for retired engineers"),
    ("needs a physician", "my cousin is a GP"),
    ("wants to write fiction", "I teach creative writing"),
    ("looking for a bicycle for commuting", "I restore old road bikes"),
    ("hoping to quit smoking", "I stopped cigarettes after twenty years"),
    ("planning a wedding", "I know a great marriage celebrant"),
    ("their car broke down", "I know an honest mechanic"),
    ("wants to grow vegetables", "I keep an allotment garden"),
    ("looking for a nanny", "I know a trusted childminder"),
    ("needs an architect for a house extension", "my friend designs homes"),
)

_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "for",
        "in",
        "on",
        "at",
        "by",
        "with",
        "from",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "i",
        "you",
        "we",
        "they",
        "their",
        "our",
        "my",
        "your",
        "his",
        "her",
        "its",
        "it",
        "this",
        "that",
        "these",
        "those",
        "can",
        "who",
        "what",
        "wants",
        "want",
        "needs",
        "need",
        "looking",
        "just",
        "new",
        "after",
        "before",
        "about",
        "into",
    ]
)


def _words(text: str) -> set[str]:
    return {w[:5] for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP}


def _accuracy(table: list[list[float]], rows: list[int]) -> tuple[float, float]:
    top1 = top3 = 0
    for i in rows:
        row = table[i]
        order = sorted(range(len(row)), key=lambda j: (-row[j], j))
        top1 += order[0] == i and row[i] > 0
        top3 += i in order[:3] and row[i] > 0
    return top1 / len(rows), top3 / len(rows)


def main() -> None:
    needs = [n for n, _ in PAIRS]
    offers = [o for _, o in PAIRS]
    disjoint = [i for i, (n, o) in enumerate(PAIRS) if not _words(n) & _words(o)]
    every = list(range(len(PAIRS)))
    started = time.perf_counter()
    embedded = meaning.similarities(needs, offers)
    t_embed = time.perf_counter() - started
    engine = create_engine("sqlite://")
    with engine.connect() as conn:
        started = time.perf_counter()
        bm25 = store.bm25_scores(conn, needs, offers)
        t_bm25 = time.perf_counter() - started
    print(f"{len(PAIRS)} labelled pairs; {len(disjoint)} of them share no word")
    print()
    print(f"{'ranker':<12}{'set':<18}{'top-1':>8}{'top-3':>8}{'time':>10}")
    for name, table, spent in (("embedding", embedded, t_embed), ("bm25", bm25, t_bm25)):
        for label, rows in (("all pairs", every), ("no shared word", disjoint)):
            one, three = _accuracy(table, rows)
            shown = f"{spent:.2f} s" if label == "all pairs" else ""
            print(f"{name:<12}{label:<18}{one:>8.0%}{three:>8.0%}{shown:>10}")
    e1, e3 = _accuracy(embedded, every)
    b1, b3 = _accuracy(bm25, every)
    print()
    print(f"embedding / bm25: top-1 x{e1 / b1:.2f}, top-3 x{e3 / b3:.2f} (all pairs)")
    print("(the embedding time includes loading the model from the wheel)")


if __name__ == "__main__":
    main()

"""Contacts import and duplicate detection at scale, on a generated, fictional network.

    uv run python benchmarks/contacts.py [--cards 100000] [--people 50000] [--seed 7]

- import: `--cards` vCards in one file (about 10 % near-duplicates of another card, 2 % exact
  duplicates: another card with the same email address), parsed and imported as
  `kithkin import contacts` does (`services.contacts.import_contacts`); then the same file
  again (unchanged since it was read: skipped), then read again anyway (every card
  unchanged). Cards per second for each.
- duplicate detection: `--people` people, imported from generated records the same way, then
  `people duplicates`: its time, the candidate pairs it compared against n(n-1)/2, and the
  precision and recall of the proposed pairs against the generator's known duplicates.

All names are made up here: given names from a list, family names and organisations from
syllables, addresses under .example.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from itertools import combinations
from pathlib import Path

from kithkin.ingest.contacts import import_contacts, read_paths
from kithkin.ingest.identity import find_duplicates
from kithkin.ingest.nicknames import formal_names, short_forms
from kithkin.services import contacts
from kithkin.sources.records import ContactRecord, Labelled
from kithkin.store import Database, sources

GIVEN = [
    *(name.capitalize() for name in formal_names()),
    "Aiko", "Amara", "Anders", "Aurélie", "Bjørn", "Chidi", "Dana", "Émile", "Farah", "Grete",
    "Hana", "Ines", "Jovana", "Kofi", "Lúcia", "Mateo", "Nadia", "Oskar", "Priya", "Quentin",
    "Rania", "Søren", "Tariq", "Umar", "Vera", "Wiebke", "Ximena", "Yusuf", "Zoë", "Zhen",
]  # fmt: skip
SHORT = {name: short_forms(name.lower()) for name in GIVEN}
SYLLABLES = [a + b for a in "bdhkmnprstv" for b in "aeiou"]
ACCENTED = {"a": "á", "e": "é", "o": "ø", "u": "ü", "i": "í"}


@dataclass(frozen=True)
class Card:
    record: ContactRecord
    identity: int  # cards of one identity are one person


def _word(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 5:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]  # swap two letters


class Network:
    """People with stable identities, and the cards an address book would hold for them."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        families = {_word(self.rng, self.rng.randint(2, 3)) for _ in range(30_000)}
        self.families = sorted(families)
        for n, name in enumerate(self.families[:1500]):  # some names carry accents
            self.families[n] = "".join(
                ACCENTED.get(c, c) if i == 1 else c for i, c in enumerate(name)
            )
        kinds = ["Labs", "Health", "Bank", "Logistics", "Energy", "Systems"]
        self.orgs = sorted({f"{_word(self.rng, 2)} {self.rng.choice(kinds)}" for _ in range(4000)})

    def cards(self, n: int, start: int = 0) -> list[Card]:
        rng, out = self.rng, []
        identity = start
        while len(out) < n:
            identity += 1
            given, family = rng.choice(GIVEN), rng.choice(self.families)
            org = rng.choice(self.orgs) if rng.random() < 0.9 else None
            domain = f"{_fold(org or family).lower().replace(' ', '')}.example"
            email = f"{_fold(given).lower()}.{_fold(family).lower()}{identity}@{domain}"
            base = self._record(identity, 0, given, family, org, [email])
            out.append(Card(base, identity))
            roll = rng.random()
            if roll < 0.10:
                out.append(Card(self._variant(identity, given, family, org), identity))
            elif roll < 0.12:  # another card with the same address: an exact match
                same = self._record(identity, 2, given.upper(), family, org, [email.upper()])
                out.append(Card(same, identity))
        return out[:n]

    def _variant(self, identity: int, given: str, family: str, org: str | None) -> ContactRecord:
        rng = self.rng
        kinds = ["typo-family", "initial", "accents", "no-org", "transposed", "typo-given"]
        if SHORT[given]:
            kinds += ["nickname"] * 3
        kind = rng.choice(kinds)
        personal = [f"{_fold(given).lower()}{identity}@home.example"]
        if kind == "nickname":
            return self._record(
                identity, 1, rng.choice(SHORT[given]).capitalize(), family, org, personal
            )
        if kind == "typo-family":
            return self._record(identity, 1, given, _typo(rng, family), org, personal)
        if kind == "typo-given":
            return self._record(identity, 1, _typo(rng, given), family, org, personal)
        if kind == "initial":
            return self._record(identity, 1, given[0] + ".", family, org, personal)
        if kind == "accents":
            return self._record(identity, 1, _fold(given), _fold(family), org, personal)
        if kind == "no-org":
            return self._record(identity, 1, given, family, None, personal)
        record = self._record(identity, 1, family, given, org, personal)  # given <-> family
        return replace(record, display_name=f"{family} {given}")

    def _record(
        self, identity: int, copy: int, given: str, family: str, org: str | None, emails: list[str]
    ) -> ContactRecord:
        return ContactRecord(
            source="vcard",
            source_file="generated.vcf",
            source_id=f"urn:uuid:{identity:08d}-0000-4000-8000-{copy:012d}",
            place=f"card {identity}.{copy}",
            raw="",
            display_name=f"{given} {family}",
            given_name=given,
            family_name=family,
            organisation=org,
            title=self.rng.choice(["CIO", "CTO", "VP Engineering", "Head of IT", None]),
            emails=tuple(Labelled(e, "work") for e in emails),
        )


def vcard(record: ContactRecord) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"UID:{record.source_id}", f"FN:{record.display_name}"]
    lines.append(f"N:{record.family_name};{record.given_name};;;")
    if record.organisation:
        lines.append(f"ORG:{record.organisation}")
    if record.title:
        lines.append(f"TITLE:{record.title}")
    lines += [f"EMAIL;TYPE=work:{e.value}" for e in record.emails]
    return "\r\n".join([*lines, "END:VCARD"]) + "\r\n"


def quality(db: Database, cards: list[Card], min_score: float) -> dict[str, float]:
    """Duplicate detection on the store against the generator's known duplicates."""
    with db.read() as conn:
        owner = sources.record_people(conn, "vcard")
        start = time.perf_counter()
        report = find_duplicates(conn, min_score=min_score)
        took = time.perf_counter() - start
    people_of: dict[int, set[int]] = defaultdict(set)
    for card in cards:
        people_of[card.identity].add(owner[card.record.source_id])
    truth = {pair for ids in people_of.values() for pair in combinations(sorted(ids), 2)}
    found = {(p.a, p.b) for p in report.proposals}
    hits = len(found & truth)
    return {
        "people": report.people,
        "seconds": took,
        "compared": report.compared,
        "all_pairs": report.all_pairs,
        "ratio": report.ratio,
        "skipped_blocks": len(report.skipped_blocks),
        "proposed": len(found),
        "known": len(truth),
        "precision": hits / len(found) if found else 1.0,
        "recall": hits / len(truth) if truth else 1.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cards", type=int, default=100_000, help="vCards to import")
    parser.add_argument(
        "--people", type=int, default=50_000, help="people for detection (0: no detection)"
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed")
    parser.add_argument("--min-score", type=float, default=0.6, help="proposal threshold")
    args = parser.parse_args()
    network = Network(args.seed)
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        cards = network.cards(args.cards)
        path = Path(folder) / "generated.vcf"
        path.write_text("".join(vcard(c.record) for c in cards), encoding="utf-8")
        size = path.stat().st_size
        db = Database(f"sqlite:///{Path(folder) / 'cards.db'}")
        timed = []
        for what in ("first import", "unchanged file", "read again"):
            start, cpu = time.perf_counter(), time.process_time()
            if what == "read again":  # without the files' state: every card is read
                summary = import_contacts(db, read_paths([path], []), label=path.name)
            else:
                summary = contacts.import_contacts(db, paths=[path]).summary
            took = (time.perf_counter() - start, time.process_time() - cpu)
            timed.append((what, *took, summary))
        small = quality(db, cards, args.min_score) if args.people else {}
        db.dispose()
        print(f"vCards: {args.cards:,} in one file ({size / 1e6:.1f} MB), parsed and imported")
        print(f"  {'':<14} {'wall s':>8} {'cards/s':>10} {'cpu s':>8} {'cards/cpu s':>12}")
        for what, seconds, cpu_s, summary in timed:
            rates = (
                f"{args.cards / seconds:10,.0f} {cpu_s:8.2f} {args.cards / max(cpu_s, 1e-9):12,.0f}"
            )
            print(f"  {what:<14} {seconds:8.2f} {rates}   {summary.line()}")
        print("  (cpu s: this process's CPU time, steadier than wall time on a busy machine)")
        if not args.people:
            return

        big_cards = network.cards(args.people, start=10_000_000)
        big = Database(f"sqlite:///{Path(folder) / 'people.db'}")
        start = time.perf_counter()
        built = import_contacts(
            big, (c.record for c in big_cards), label="generated", batch_size=1000
        )
        took_big = time.perf_counter() - start
        large = quality(big, big_cards, args.min_score)
        big.dispose()

    print(
        f"records for detection: {args.people:,} imported in {took_big:.1f} s "
        f"({args.people / took_big:,.0f} records/s): {built.line()}"
    )
    print()
    header = f"{'duplicate detection':<28} {'from the vCards':>18} {'at scale':>18}"
    print(header)
    print("-" * len(header))
    for key, label, fmt in (
        ("people", "people", "{:,.0f}"),
        ("seconds", "time (s)", "{:.2f}"),
        ("compared", "candidate pairs compared", "{:,.0f}"),
        ("all_pairs", "all pairs n(n-1)/2", "{:,.0f}"),
        ("ratio", "compared / all pairs", "{:.5%}"),
        ("skipped_blocks", "oversized blocks skipped", "{:,.0f}"),
        ("known", "known duplicate pairs", "{:,.0f}"),
        ("proposed", f"proposed (score >= {args.min_score})", "{:,.0f}"),
        ("precision", "precision", "{:.3f}"),
        ("recall", "recall", "{:.3f}"),
    ):
        rows.append((label, fmt.format(small[key]), fmt.format(large[key])))
    for label, a, b in rows:
        print(f"{label:<28} {a:>18} {b:>18}")


if __name__ == "__main__":
    main()

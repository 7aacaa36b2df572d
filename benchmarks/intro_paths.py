"""Intro paths: the "knows" graph built from a real list archive, and path queries on large
graphs against a networkx shortest-path baseline.

    uv run python benchmarks/intro_paths.py [--queries 1000] [--people 50000] [--ties 5000000]
                                            [--skip-ksummit] [--skip-enron] [--skip-generated]

1. ksummit: the archive (../shared/data/mail/lists) imported as its most active member, the
   clock at its last message: the graph's size, and for 20 people that member never wrote to
   (those with the most ties), the paths found, each leg with its evidence.
2. Enron (../shared/data/graphs/snap-email-enron, 36,692 people, 183,831 ties) loaded as ties
   between addresses, and a generated graph (50,000 people, 5,000,000 ties, uniform at random):
   "I" know the `--mine` best-connected people (a person each, with a two-way exchange), and
   each query asks `services.knows.intro_paths` for a random other address, end to end (the
   relationship check, the target, the SQL from the target's side, ranking). The SQL alone
   is timed too. Baseline: networkx `shortest_path` from "me" on the same graph, in memory.
   Target: p99 ≤ 5 ms at both sizes.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from array import array
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from kithkin import clock
from kithkin.ingest.mail import import_mail
from kithkin.services import knows, relationships
from kithkin.store import Database, people, settings
from kithkin.store import knows as store_knows
from kithkin.store.interactions import NewInteraction, add_interactions

sys.path.insert(0, str(Path(__file__).resolve().parent))
from list_suggestions import KSUMMIT, busiest  # a sibling benchmark

ENRON = Path(__file__).resolve().parents[2] / "shared/data/graphs/snap-email-enron/email-Enron.txt"
NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
_INDEXES = ("ix_knows_tie_b", "ix_knows_tie_a_domain", "ix_knows_tie_b_domain")


# -- 1. ksummit --------------------------------------------------------------------------------


def ksummit(folder: Path, targets: int) -> None:
    members, last = busiest(KSUMMIT, folder, 1)
    address, name, sent = members[0]
    db = Database(f"sqlite:///{folder / 'ksummit.db'}")
    with db.write() as conn:
        settings.set_me(conn, name=name, addresses=[address])
    started = time.perf_counter()
    import_mail(db, [str(KSUMMIT)], workers=0)
    took = time.perf_counter() - started
    clock.freeze(last)
    try:
        relationships.refresh(db, last)
        with db.read() as conn:
            ties, pieces = store_knows.counts(conn)
            ends = conn.execute(
                text("SELECT count(*) FROM (SELECT a FROM knows_tie UNION SELECT b FROM knows_tie)")
            ).scalar_one()
            by_kind = conn.execute(
                text("SELECT kind, count(*) FROM knows_evidence GROUP BY kind")
            ).all()
            known = conn.execute(text("SELECT count(*) FROM relationship")).scalar_one()
            wrote = {
                str(a)
                for (a,) in conn.execute(
                    text(
                        "SELECT DISTINCT cp.normalized FROM contact_point cp"
                        " JOIN interaction_participant ip ON ip.person_id = cp.person_id"
                        " JOIN interaction i ON i.id = ip.interaction_id"
                        " WHERE cp.kind = 'email' AND i.direction IN ('from_me', 'both')"
                    )
                )
            }
            degree = conn.execute(
                text(
                    "SELECT e, count(*) FROM (SELECT a AS e FROM knows_tie UNION ALL"
                    " SELECT b FROM knows_tie) GROUP BY e ORDER BY 2 DESC, 1"
                )
            ).all()
        print(f"\nksummit ({KSUMMIT.name}) imported as {name} <{address}>, {sent} messages sent,")
        print(f"  in {took:.1f} s; clock at its last message, {last:%Y-%m-%d %H:%M} UTC")
        kinds = ", ".join(f"{n} {k}" for k, n in by_kind)
        print(f"  graph: {ties} ties between {ends} addresses, {pieces} pieces of evidence "
              f"({kinds}); I have {known} relationships")  # fmt: skip
        chosen = [str(e) for e, _ in degree if str(e) not in wrote and str(e) != address]
        chosen = chosen[:targets]
        found_any = 0
        for n, target in enumerate(chosen, 1):
            started = time.perf_counter()
            found = knows.intro_paths(db, to=target, limit=3)
            ms = (time.perf_counter() - started) * 1000
            found_any += bool(found.paths)
            print(f"\n  {n:>2}. {found.target} ({found.kind}): "
                  f"{len(found.paths)} shown, {ms:.1f} ms")  # fmt: skip
            for p in found.paths:
                chain = " → ".join(["me", *(leg.name for leg in p.legs)])
                print(f"      {p.tier:<8} {p.score:>4.1f}  {chain}")
                for leg in p.legs:
                    print(f"          {leg.name}: {leg.tier} {leg.score:.1f}, {leg.evidence}")
                if p.hint:
                    print(f"          hint: {p.hint}")
        print(f"\n  {found_any} of {len(chosen)} people I never wrote to have a path")
    finally:
        clock.freeze(None)
        db.dispose()


# -- 2. large graphs ---------------------------------------------------------------------------


Edges = tuple["array[int]", "array[int]"]  # the two ends of each tie, a < b, in (a, b) order


def as_arrays(pairs: Iterator[tuple[int, int]]) -> Edges:
    xs, ys = array("i"), array("i")
    for x, y in pairs:
        xs.append(x)
        ys.append(y)
    return xs, ys


def enron_edges() -> tuple[int, Edges]:
    pairs: set[tuple[int, int]] = set()
    nodes: set[int] = set()
    with ENRON.open() as handle:
        for line in handle:
            if line.startswith("#") or not line.strip():
                continue
            x, y = (int(v) for v in line.split())
            if x != y:
                pairs.add((min(x, y), max(x, y)))
                nodes.update((x, y))
    return max(nodes) + 1, as_arrays(iter(sorted(pairs)))


def generated_edges(n: int, m: int, seed: int = 14) -> Iterator[tuple[int, int]]:
    """A uniform random graph of `n` nodes and about `m` ties, in (a, b) order, a < b."""
    rng = random.Random(seed)
    p = m / (n * (n - 1) / 2)
    for i in range(n - 1):
        rest = n - 1 - i
        mean = p * rest
        k = min(rest, max(0, int(mean + rng.gauss(0, mean**0.5) + 0.5)))
        yield from ((i, j) for j in sorted(rng.sample(range(i + 1, n), k)))


def key(node: int) -> str:
    return f"u{node:06d}@org{node % 500:03d}.example"


def load(db: Database, ends: Edges, n: int, mine: Sequence[int]) -> tuple[int, float]:
    """The ties (their secondary indexes made after, the journal off while loading), and
    my people with a relationship."""
    started = time.perf_counter()
    at = (NOW - timedelta(days=30)).replace(tzinfo=None).isoformat(" ")
    keys = [key(v) for v in range(n)]
    domains = [k.partition("@")[2] for k in keys]
    xs, ys = ends
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        assert raw is not None
        raw.execute("PRAGMA journal_mode = OFF")
        raw.execute("PRAGMA synchronous = OFF")
        raw.execute("PRAGMA cache_size = -524288")
        for index in _INDEXES:
            raw.execute(f"DROP INDEX {index}")
        insert = (
            "INSERT INTO knows_tie (a, b, a_domain, b_domain, weight, evidence, last_at,"
            " last_kind, computed_at) VALUES (?,?,?,?,?,1,?,'mail',?)"
        )
        step = 200_000
        for start in range(0, len(xs), step):
            raw.executemany(
                insert,
                (
                    (keys[x], keys[y], domains[x], domains[y], 1.0 + (x * y) % 7, at, at)
                    for x, y in zip(xs[start : start + step], ys[start : start + step], strict=True)
                ),
            )
        raw.commit()
        raw.execute("CREATE INDEX ix_knows_tie_b ON knows_tie (b)")
        raw.execute("CREATE INDEX ix_knows_tie_a_domain ON knows_tie (a_domain)")
        raw.execute("CREATE INDEX ix_knows_tie_b_domain ON knows_tie (b_domain)")
        raw.execute("ANALYZE")
        raw.commit()
        raw.execute("PRAGMA journal_mode = WAL")
    clock.freeze(NOW - timedelta(days=30))
    with db.write() as conn:
        settings.set_me(conn, name="Me", addresses=["me@bench.example"])
        ids = [
            people.add_person(conn, display_name=f"Person {n}", contacts=[("email", key(n))])
            for n in mine
        ]
        add_interactions(
            conn,
            [
                NewInteraction(
                    kind="email",
                    direction=way,
                    occurred_at=NOW - timedelta(days=d),
                    subject="Hello",
                    thread_key=f"t{pid}",
                    source_id=f"{pid}-{way}",
                    participants=((pid, "to" if way == "from_me" else "from"),),
                )
                for i, pid in enumerate(ids)
                for way, d in (("to_me", 40 + i % 300), ("from_me", 39 + i % 300))
            ],
            source="bench",
        )
    clock.freeze(NOW)
    relationships.refresh(db, NOW)
    return len(xs), time.perf_counter() - started


def percentiles(ms: list[float]) -> tuple[float, float]:
    ordered = sorted(ms)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def run_graph(label: str, folder: Path, n: int, ends: Edges, queries: int, mine_count: int) -> None:
    import networkx as nx

    started = time.perf_counter()
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(zip(*ends, strict=True))
    nx_load = time.perf_counter() - started
    degree = sorted(graph.degree, key=lambda d: (-d[1], d[0]))
    mine = [node for node, _ in degree[:mine_count]]
    graph.add_edges_from(("me", node) for node in mine)
    url = f"sqlite:///{folder / (label + '.db')}"
    loading = Database(url)
    ties, took = load(loading, ends, n, mine)
    loading.dispose()
    db = Database(url, keep_connection=True)  # as the CLI and the server open it
    rng = random.Random(7)
    mine_set = set(mine)
    others = [v for v in range(n) if v not in mine_set and graph.degree[v] > 0]
    targets = [rng.choice(others) for _ in range(queries)]
    for target in targets[:20]:  # warm up: the same pages a user's first queries read
        knows.intro_paths(db, to=key(target))
    service_ms, cpu_ms, sql_ms, nx_ms, found, two_hop = [], [], [], [], 0, 0
    for target in targets:
        c0, t0 = time.process_time(), time.perf_counter()
        result = knows.intro_paths(db, to=key(target))
        c1, t1 = time.process_time(), time.perf_counter()
        with db.read() as conn:
            t2 = time.perf_counter()
            store_knows.toward(conn, keys=[key(target)])
            t3 = time.perf_counter()
        with contextlib.suppress(nx.NetworkXNoPath):
            nx.shortest_path(graph, "me", target)
        t4 = time.perf_counter()
        service_ms.append((t1 - t0) * 1000)
        cpu_ms.append((c1 - c0) * 1000)
        sql_ms.append((t3 - t2) * 1000)
        nx_ms.append((t4 - t3) * 1000)
        found += bool(result.paths)
        two_hop += any(len(p.legs) == 2 for p in result.paths)
    db.dispose()
    size = (folder / (label + ".db")).stat().st_size / 2**20
    print(f"\n{label}: {n:,} people, {ties:,} ties; {mine_count} of them mine (the best connected)")
    print(f"  loaded into SQLite in {took:.1f} s ({size:,.0f} MB); networkx graph built in "
          f"{nx_load:.1f} s")  # fmt: skip
    print(f"  {queries} queries to random others: {found} with a path "
          f"({two_hop} through someone I know)")  # fmt: skip
    print(f"  {'':<44} {'p50 ms':>8} {'p99 ms':>8} {'p99 / networkx p99':>19}")
    _, nx99 = percentiles(nx_ms)
    for name, ms in (
        ("kithkin intro_paths (service, end to end)", service_ms),
        ("  the same, CPU time of this process", cpu_ms),
        ("  its SQL from the target's side", sql_ms),
        ("networkx shortest_path (baseline)", nx_ms),
    ):
        p50, p99 = percentiles(ms)
        print(f"  {name:<44} {p50:>8.2f} {p99:>8.2f} {p99 / nx99:>18.2f}×")
    verdict = "meets" if percentiles(service_ms)[1] <= 5 else "misses"
    busy = " ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"  target p99 ≤ 5 ms (wall): {verdict} it; load average {busy} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=1000, help="path queries per graph")
    parser.add_argument("--people", type=int, default=50_000, help="generated graph: people")
    parser.add_argument("--ties", type=int, default=5_000_000, help="generated graph: ties")
    parser.add_argument("--mine", type=int, default=300, help="the people I know in a graph")
    parser.add_argument("--targets", type=int, default=20, help="ksummit: people to find paths to")
    parser.add_argument("--skip-ksummit", action="store_true", help="no list archive")
    parser.add_argument("--skip-enron", action="store_true", help="no Enron graph")
    parser.add_argument("--skip-generated", action="store_true", help="no generated graph")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if not args.skip_ksummit:
            if not KSUMMIT.exists():
                raise SystemExit(f"{KSUMMIT} not found (the shared corpora live in ../shared/data)")
            ksummit(folder, args.targets)
        try:
            if not args.skip_enron:
                if not ENRON.exists():
                    raise SystemExit(f"{ENRON} not found")
                n, pairs = enron_edges()
                run_graph("enron", folder, n, pairs, args.queries, args.mine)
            if not args.skip_generated:
                people_n, ties_n = args.people, args.ties
                started = time.perf_counter()
                ends = as_arrays(generated_edges(people_n, ties_n))
                print(
                    f"\n(generated {len(ends[0]):,} ties in {time.perf_counter() - started:.1f} s)"
                )
                run_graph("generated", folder, people_n, ends, args.queries, args.mine)
        finally:
            clock.freeze(None)


if __name__ == "__main__":
    main()

"""`kithkin import contacts`, `kithkin export contacts`, `kithkin people duplicates` and
`kithkin people not-duplicates`: contacts in and out, and one person per person."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx, warn
from kithkin.model import count_of

if TYPE_CHECKING:
    from kithkin.services.contacts import ImportSummary, Report

_MIN_SCORE = 0.6  # kithkin.services.contacts.DEFAULT_MIN_SCORE, kept here so --help stays light


@click.command("contacts")
@click.argument(
    "paths",
    nargs=-1,
    required=True,
    type=click.Path(exists=True, path_type=Path),
    metavar="PATH...",
)
@click.option(
    "--region",
    metavar="CC",
    help="Country phone numbers without a country code belong to (default: the "
    "default_region setting, else US).",
)
@click.option(
    "--batch-size",
    default=1000,
    show_default=True,
    type=click.IntRange(1, 100_000),
    help="Records stored per transaction.",
)
@json_option
@pass_ctx
def import_contacts(
    ctx: Context, paths: tuple[Path, ...], region: str | None, batch_size: int, as_json: bool
) -> None:
    """Import contacts from vCard files (2.1, 3.0, 4.0), LinkedIn Connections.csv or its
    export zip, and Google Contacts CSV: files, folders or zip archives (PATH...).

    Re-running is safe: a file unchanged since it was imported is not read again,
    unchanged records change nothing, a newer export updates what changed but never what
    you edited by hand. Someone whose email, profile URL or phone is
    already known is merged into that person; likely duplicates are only proposed
    (`kithkin people duplicates`)."""
    from contextlib import ExitStack

    from kithkin.services import contacts

    with ExitStack() as stack:

        def bar(items: Any) -> Any:
            return stack.enter_context(
                click.progressbar(
                    items,
                    label="importing contacts",
                    file=sys.stderr,
                    show_pos=True,
                    update_min_steps=100,  # drawn every 100 records, not every one
                )
            )

        done = contacts.import_contacts(
            ctx.db,
            paths=paths,
            region=region,
            batch_size=batch_size,
            progress=bar if sys.stderr.isatty() else None,
        )
    if as_json:
        emit_json(done.as_json())
        return
    print_summary(done.summary, list(done.ignored))


def print_summary(summary: ImportSummary, ignored: list[str]) -> None:
    for what, n in summary.counts().items():
        click.echo(f"{what:<10} {n:>6}")
    for path in summary.unchanged_files:
        click.echo(f"unchanged: {path} (not read again)")
    for problem in summary.problems:
        click.echo(str(problem))
    if summary.warnings:
        click.echo(f"{len(summary.warnings)} stored with something left out:")
        for problem in summary.warnings:
            click.echo(f"  {problem}")
    if ignored:
        shown = ", ".join(ignored[:3]) + (
            f" and {len(ignored) - 3} more" if len(ignored) > 3 else ""
        )
        files = "1 file that holds" if len(ignored) == 1 else f"{len(ignored)} files that hold"
        click.echo(f"ignored {files} no contacts: {shown}", err=True)


@click.command("contacts")
@click.option(
    "--vcard",
    "vcard",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write every person as vCard 4.0 to this file ('-': standard output).",
)
@click.option("--tag", help="Only people with this tag.")
@pass_ctx
def export_contacts(ctx: Context, vcard: Path, tag: str | None) -> None:
    """Export people as vCard 4.0, one card per person: names, organisation, title, contact
    points with their labels, tags and notes (`kithkin import contacts` reads it back)."""
    from kithkin.services import contacts

    to = sys.stdout if str(vcard) == "-" else vcard
    done = contacts.export_vcard(ctx.db, to=to, tag=tag)
    click.echo(f"wrote {count_of(done.written, 'card')} to {vcard}", err=True)


@click.command("duplicates")
@click.option(
    "--min-score",
    type=click.FloatRange(0, 1),
    default=_MIN_SCORE,
    show_default=True,
    help="Only pairs scored at least this (0-1).",
)
@click.option("--limit", default=50, show_default=True, help="At most this many pairs.")
@json_option
@pass_ctx
def duplicates(ctx: Context, min_score: float, limit: int, as_json: bool) -> None:
    """Likely duplicates, best first: pairs of people who are probably one person, with a
    score and the evidence. `kithkin person merge` joins a pair; `kithkin people
    not-duplicates` dismisses it for good."""
    from kithkin.services import contacts

    found = contacts.duplicates(ctx.db, min_score=min_score, limit=limit)
    report = found.report
    if as_json:
        emit_json(
            {
                "pairs": [
                    {
                        "a": pair.a,
                        "b": pair.b,
                        "score": pair.proposal.score,
                        "evidence": list(pair.proposal.evidence),
                        "reason": pair.proposal.reason,
                    }
                    for pair in found.pairs
                ],
                **_figures(report),
            }
        )
        return
    for pair in found.pairs:
        proposal, a, b = pair.proposal, pair.a, pair.b
        click.echo(
            f"{proposal.score:.2f}  #{a.id} {a.display_name}{_org(a.organisation)}  ~  "
            f"#{b.id} {b.display_name}{_org(b.organisation)}"
        )
        click.echo(f"      {proposal.reason}")
    click.echo(
        f"{len(report.proposals)} likely duplicates among {report.people} people "
        f"({report.compared} pairs compared of {report.all_pairs})",
        err=True,
    )
    if found.pairs:
        click.echo(
            "merge one: kithkin person merge '#A' '#B'; dismiss: people not-duplicates", err=True
        )
    for key, size in report.skipped_blocks[:5]:
        warn(f"{size} people share the key {key!r}; that block was not searched")


def _figures(report: Report) -> dict[str, Any]:
    return {
        "people": report.people,
        "compared": report.compared,
        "all_pairs": report.all_pairs,
        "skipped_blocks": [{"key": k, "size": n} for k, n in report.skipped_blocks],
    }


def _org(organisation: str | None) -> str:
    return f" ({organisation})" if organisation else ""


@click.command("not-duplicates")
@click.argument("first", metavar="PERSON")
@click.argument("second", metavar="OTHER")
@pass_ctx
def not_duplicates(ctx: Context, first: str, second: str) -> None:
    """Say PERSON and OTHER are not the same person: the pair is not proposed again."""
    from kithkin.services import contacts

    done = contacts.not_duplicates(ctx.db, first=first, second=second)
    click.echo(
        f"#{done.first} and #{done.second} are not the same person"
        + ("" if done.added else " (already noted)")
    )

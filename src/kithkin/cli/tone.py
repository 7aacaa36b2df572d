"""`kithkin tone`: the tone check of outreach drafts (practice P10)."""

from __future__ import annotations

import sys

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx, warn


@click.command("tone")
@click.argument("files", metavar="[FILE...|-]", nargs=-1)
@click.option(
    "--to", "to", metavar="PERSON", help="Who it is for: the ledger says if you ever helped them."
)
@json_option
@pass_ctx
def tone(ctx: Context, files: tuple[str, ...], to: str | None, as_json: bool) -> None:
    """Check the tone of drafts: sales-y phrasing, pressure, self-focus, a favour asked of
    someone you never helped, length, hard sentences, clichés — each flag with a service-first
    rewrite. FILEs are plain text, HTML or whole mail messages; `-` (or none) reads standard
    input. One result per file, each with a 0–1 score."""
    from kithkin.errors import InvalidInput
    from kithkin.services import tone as service

    results = []
    failed = 0
    db = ctx.db if to else None
    for name in files or ("-",):
        try:
            raw = sys.stdin.buffer.read(service.MAX_READ) if name == "-" else _read(name)
        except OSError as exc:
            warn(f"{name}: {exc.strerror or exc}; skipped")
            failed += 1
            continue
        try:
            results.append(service.check_file(db, raw, source=name, to=to))
        except InvalidInput as exc:  # this file is no draft; the others go on
            warn(f"{exc}; skipped")
            failed += 1
    if as_json:
        emit_json([service.to_json(r) for r in results])
    else:
        for result in results:
            _show(result)
    if failed:
        sys.exit(1)


def _read(name: str) -> bytes:
    from kithkin.services.tone import MAX_READ

    with open(name, "rb") as f:
        return f.read(MAX_READ)


def _show(found: object) -> None:
    from kithkin.services.tone import ToneCheck

    assert isinstance(found, ToneCheck)
    t = found.tone
    verdict = "sales-y" if t.salesy else "reads as a person"
    click.echo(f"{found.source}: score {t.score:.2f} — {verdict} (threshold {t.threshold})")
    if found.to and not found.helped and t.asks:
        click.echo(f"  nudge: you have never helped {found.to}: give before you ask")
    if t.truncated:
        click.echo("  only its start was checked: it is very long")
    if not t.flags:
        click.echo("  no flags")
    for flag in t.flags:
        hits = f" ({', '.join(flag.hits)})" if flag.hits else ""
        click.echo(f"  [{flag.kind}] {flag.why}{hits}")
        click.echo(f"      instead: {flag.instead}")


COMMANDS = (tone,)

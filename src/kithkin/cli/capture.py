"""`kithkin capture`: a business card photo, a QR code, a vCard or a signature to a person."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx, warn
from kithkin.errors import InvalidInput

if TYPE_CHECKING:
    from kithkin.services.capture import CaptureDraft


@click.command("capture")
@click.argument(
    "paths",
    nargs=-1,
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
    metavar="FILE...",
)
@click.option(
    "--text",
    "texts",
    multiple=True,
    metavar="TEXT",
    help='Text pasted from a signature ("Dana Whitfield · COO, Northwind · dana@...").',
)
@click.option("--save", is_flag=True, help="Store each draft as a person (else only show it).")
@click.option(
    "--into",
    metavar="PERSON",
    help="With --save: add the card to this person (a name, an email address or #id).",
)
@click.option("--met-at", metavar="TEXT", help="With --save: where you met (a story fact).")
@click.option("--does", metavar="TEXT", help="With --save: what they do (a story fact).")
@click.option("--learned", metavar="TEXT", help="With --save: one thing you learned.")
@click.option(
    "--story/--no-story",
    default=None,
    help="With --save: ask where you met, what they do and one thing you learned "
    "(default: when the terminal is interactive).",
)
@json_option
@pass_ctx
def capture(
    ctx: Context,
    paths: tuple[Path, ...],
    texts: tuple[str, ...],
    save: bool,
    into: str | None,
    met_at: str | None,
    does: str | None,
    learned: str | None,
    story: bool | None,
    as_json: bool,
) -> None:
    """Read people from business-card photos (JPEG, PNG, HEIC...), QR codes (vCard, MECARD,
    URL, text), vCard files, or text pasted from an email signature (--text, or a file; "-"
    reads standard input).

    Each draft is shown with a confidence per field (? marks a low one) and who it may already
    be. With --save it becomes a person (merged into whoever holds one of its addresses), the
    photo kept with them, and kithkin asks for their story. Everything is read on this
    machine: Tesseract and zxing-cpp, no cloud."""
    from kithkin.services import capture as service

    if not paths and not texts:
        raise click.UsageError(
            "give a FILE to capture (a photo, a vCard, text; - for stdin) or --text"
        )
    stdin = [p for p in paths if str(p) == "-"]
    files = [p for p in paths if str(p) != "-"]
    found = service.Captured((), ())
    if files:
        found = service.capture_paths(ctx.db, paths=files)
    if stdin:
        text = sys.stdin.buffer.read(service.MAX_BYTES + 1)
        more = service.capture(ctx.db, inputs=[("standard input", text)], keep=False)
        found = service.Captured(found.drafts + more.drafts, found.errors + more.errors)
    for n, text in enumerate(texts, start=1):
        name = "--text" if len(texts) == 1 else f"--text #{n}"
        more = service.capture(ctx.db, inputs=[(name, text.encode("utf-8"))], keep=False)
        found = service.Captured(found.drafts + more.drafts, found.errors + more.errors)
    if into is not None and len(found.drafts) != 1:
        raise click.UsageError(f"--into takes one card; these files hold {len(found.drafts)}")
    saved = []
    failed: list[str] = []
    if save:
        ask = story if story is not None else (sys.stdin.isatty() and not as_json)
        for one in found.drafts:
            try:
                result = service.save(
                    ctx.db, draft=one.draft, file_name=one.file_name, image=one.image, into=into
                )
            except InvalidInput as exc:
                failed.append(str(exc))  # this draft; the others are saved
                continue
            saved.append(result)
            facts = _story(ctx, result.person_id, result.display_name, met_at, does, learned, ask)
            if not as_json:
                verb = {"new": "added", "added": "added to", "merged": "merged into"}.get(
                    result.outcome, result.outcome
                )
                click.echo(
                    f"{verb} #{result.person_id} {result.display_name}"
                    + (f" ({facts} story facts)" if facts else "")
                )
                for line in result.warnings:
                    warn(line)
    if as_json:
        emit_json(
            {
                **found.as_json(),
                "saved": [
                    {
                        "person_id": s.person_id,
                        "display_name": s.display_name,
                        "outcome": s.outcome,
                        "warnings": list(s.warnings),
                    }
                    for s in saved
                ],
            }
        )
    elif not save:
        for one in found.drafts:
            print_draft(one)
    errors = [*found.errors, *(failed if save else [])]
    for line in errors:
        click.echo(f"error: {line}", err=True)
    if errors:
        sys.exit(1)


def _story(
    ctx: Context,
    person_id: int,
    name: str,
    met_at: str | None,
    does: str | None,
    learned: str | None,
    ask: bool,
) -> int:
    from kithkin.services import capture as service

    answers = {"met_where": met_at, "what_they_do": does, "learned": learned}
    if ask:
        click.echo(f"{name}'s story (Enter to skip):")
        for key, question in service.STORY_QUESTIONS:
            if answers[key] is None:
                answers[key] = click.prompt(f"  {question}", default="", show_default=False)
    added = service.add_story(ctx.db, person=person_id, actor=ctx.actor, **answers)
    return len(added)


def print_draft(one: CaptureDraft) -> None:
    from kithkin.services.capture import LOW_CONFIDENCE

    head = f"{one.file_name}: {one.draft.source}"
    if one.rotation or one.skew:
        head += f" (turned {one.rotation}°, straightened {one.skew:+.1f}°)"
    click.echo(head)
    for f in one.draft.fields:
        mark = "?" if f.confidence < LOW_CONFIDENCE else " "
        label = f" ({f.label})" if f.label else ""
        click.echo(f"  {mark} {f.kind:<12} {f.value}{label}  [{f.confidence:.0%}]")
    for m in one.matches:
        how = "is" if m.exact else "looks like"
        click.echo(f"  → {how} #{m.person_id} {m.display_name}: {m.reason}")
    for line in one.draft.warnings:
        warn(line)


COMMANDS = [capture]

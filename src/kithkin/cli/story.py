"""`kithkin story ...`, `kithkin note add` and `kithkin log`: what you learn and what you did."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kithkin.cli.common import (
    Context,
    UserDate,
    emit_json,
    json_option,
    pass_ctx,
    private_mark,
    share_command,
    share_option,
    when,
)
from kithkin.model import DIRECTIONS, INTERACTION_KINDS, STORY_FIELDS, STORY_QUESTIONS

if TYPE_CHECKING:
    from datetime import date, datetime

    from kithkin.model import Person


@click.group()
def story() -> None:
    """Learn and recall a person's story: work, origin, education, passions, drivers."""


@story.command("set")
@click.argument("ref", metavar="PERSON")
@click.argument("field", metavar="FIELD", type=click.Choice(STORY_FIELDS))
@click.argument("text")
@click.option(
    "--learned-on",
    type=UserDate(),
    metavar="DATE",
    help='When you learned it: 2026-03-14, yesterday, "last friday", "2 weeks ago".',
)
@click.option("--where", "learned_where", help="Where you learned it (a dinner, a call...).")
@share_option
@pass_ctx
def story_set(
    ctx: Context,
    ref: str,
    field: str,
    text: str,
    learned_on: date | None,
    learned_where: str | None,
    shared: bool,
) -> None:
    """Add TEXT to FIELD of PERSON's story (a field can hold several facts)."""
    from kithkin.services import story as stories

    added = stories.add_fact(
        ctx.db,
        actor=ctx.actor,
        person=ref,
        field=field,
        text=text,
        learned_on=learned_on,
        learned_where=learned_where,
        shared=shared,
    )
    said = private_mark(added.fact.shared, added.fact.member_id)
    click.echo(f"{added.display_name}: {field} fact #{added.fact.id} stored{said}")


@story.command("remove")
@click.argument("ref", metavar="PERSON")
@click.argument("fact_id", type=int)
@pass_ctx
def story_remove(ctx: Context, ref: str, fact_id: int) -> None:
    """Remove story fact FACT_ID from PERSON."""
    from kithkin.services import story as stories

    stories.remove_fact(ctx.db, actor=ctx.actor, person=ref, fact_id=fact_id)
    click.echo(f"fact #{fact_id} removed")


@story.command("show")
@click.argument("ref", metavar="PERSON")
@json_option
@pass_ctx
def story_show(ctx: Context, ref: str, as_json: bool) -> None:
    """Show PERSON's story by field, with what is still unknown."""
    from kithkin.services import people

    found = people.get_person(ctx.db, actor=ctx.actor, person=ref)
    if as_json:
        emit_json(
            {
                "person_id": found.id,
                "display_name": found.display_name,
                "story": found.story_by_field(),
                "completeness": found.story_completeness(),
                "gaps": found.story_gaps(),
            }
        )
        return
    click.echo(found.display_name)
    print_story(found)


def print_story(found: Person) -> None:
    grouped = found.story_by_field()
    click.echo(f"Story ({found.story_completeness():.0%} known)")
    for field in STORY_FIELDS:
        facts = grouped[field]
        if not facts:
            if field != "other":
                click.echo(f"  {field:<10} ? you don't know {STORY_QUESTIONS[field]}")
            continue
        for index, fact in enumerate(facts):
            label = field if index == 0 else ""
            learned = ", ".join(p for p in (when(fact.learned_on), fact.learned_where or "") if p)
            click.echo(
                f"  {label:<10} {fact.text}"
                + (f"  ({learned})" if learned else "")
                + f"  [fact #{fact.id}]"
                + private_mark(fact.shared, fact.member_id)
            )


@click.group()
def note() -> None:
    """Notes about a person."""


@note.command("add")
@click.argument("ref", metavar="PERSON")
@click.argument("text")
@share_option
@pass_ctx
def note_add(ctx: Context, ref: str, text: str, shared: bool) -> None:
    """Add a note with TEXT to PERSON (team mode: private to you unless --share)."""
    from kithkin.services import story as stories

    added = stories.add_note(ctx.db, actor=ctx.actor, person=ref, text=text, shared=shared)
    click.echo(
        f"note #{added.note.id} stored{private_mark(added.note.shared, added.note.member_id)}"
    )


@note.command("remove")
@click.argument("ref", metavar="PERSON")
@click.argument("note_id", type=int)
@pass_ctx
def note_remove(ctx: Context, ref: str, note_id: int) -> None:
    """Remove note NOTE_ID from PERSON."""
    from kithkin.services import story as stories

    stories.remove_note(ctx.db, actor=ctx.actor, person=ref, note_id=note_id)
    click.echo(f"note #{note_id} removed")


share_command(note, "note", "note")
share_command(story, "fact", "story fact")


@click.command("log")
@click.argument("kind", type=click.Choice(INTERACTION_KINDS))
@click.argument("refs", metavar="PERSON...", nargs=-1, required=True)
@click.option("--subject", help="What it was about, in a line.")
@click.option("--summary", help="Longer notes on how it went.")
@click.option(
    "--at",
    "at_value",
    type=UserDate(moment=True),
    metavar="WHEN",
    help='When: 2026-03-14, "2026-03-14 09:30", yesterday, "last friday 3pm", "2 hours ago"; '
    "default now.",
)
@click.option(
    "--direction",
    type=click.Choice(DIRECTIONS),
    default="both",
    show_default=True,
    help="Who reached out: from_me, to_me, or both for a real two-way conversation.",
)
@json_option
@pass_ctx
def log_cmd(
    ctx: Context,
    kind: str,
    refs: tuple[str, ...],
    subject: str | None,
    summary: str | None,
    at_value: datetime | None,
    direction: str,
    as_json: bool,
) -> None:
    """Log a KIND of interaction (a call, a meeting, a coffee...) with one or more PERSONs."""
    from kithkin.services import interactions

    logged = interactions.log(
        ctx.db,
        kind=kind,
        people=refs,
        at=at_value,
        direction=direction,
        subject=subject,
        summary=summary,
        actor=ctx.actor,
    )
    interaction_id, ids, occurred_at = logged.id, list(logged.participants), logged.occurred_at
    if as_json:
        emit_json({"id": interaction_id, "participants": ids, "occurred_at": occurred_at})
    else:
        click.echo(
            f"logged {kind} #{interaction_id} with {len(ids)} "
            f"{'person' if len(ids) == 1 else 'people'} at {when(occurred_at)}"
        )


COMMANDS = [story, note, log_cmd]

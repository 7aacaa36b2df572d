"""`kithkin review ...`: the weekly review with its figures, the weekly goals and time budget,
and the reflections written after meetings and gatherings."""

from __future__ import annotations

from datetime import date

import click

from kithkin.cli.common import Context, UserDate, emit_json, json_option, pass_ctx
from kithkin.model import count_of

BARS = " ▁▂▃▄▅▆▇█"


def spark(values: list[float]) -> str:
    """Values as a line of block characters, the highest a full block."""
    top = max(values, default=0) or 1
    return "".join(BARS[round(v / top * (len(BARS) - 1))] for v in values)


@click.group(invoke_without_command=True)
@click.option("--week", type=UserDate(), help="A day of the week to review (default: this one).")
@json_option
@click.pass_context
def review(click_ctx: click.Context, week: date | None, as_json: bool) -> None:
    """The weekly review: the week against your goals, the circle's cadence, new people, who
    grew or faded, gatherings, reflections — and the figures of the Review page's charts.

    On Monday and Tuesday it reviews the week that just ended."""
    if click_ctx.invoked_subcommand is not None:
        return
    from kithkin.services import review as service

    ctx: Context = click_ctx.find_object(Context)  # type: ignore[assignment]
    found = service.review(ctx.db, week=week, actor=ctx.actor)
    if as_json:
        emit_json(service.to_json(found))
        return
    echo = click.echo
    echo(f"week of {found.week.isoformat()} to {found.last_day.isoformat()}")
    parts = []
    for g in found.goals:
        if g.actual is None:
            continue
        target = f"/{g.target}" if g.target else ""
        mark = " ✓" if g.target and g.actual >= g.target else ""
        parts.append(f"{g.name} {g.actual}{target}{mark}")
    untracked = [g.name for g in found.goals if g.actual is None]
    echo(
        "goals: "
        + ", ".join(parts)
        + (f" ({', '.join(untracked)}: not tracked yet)" if untracked else "")
    )
    budget = f" of a {found.budget_minutes}-minute budget" if found.budget_minutes else ""
    echo(f"time: {found.minutes} minutes{budget}")
    echo("touches per week, 12 weeks (mine / theirs):")
    echo(
        f"  mine   {spark([w.mine for w in found.touches])}  "
        + " ".join(str(w.mine) for w in found.touches)
    )
    echo(
        f"  theirs {spark([w.theirs for w in found.touches])}  "
        + " ".join(str(w.theirs) for w in found.touches)
    )
    strength = [p.value for p in found.circle_strength]
    if strength:
        ends = f"{strength[0]:.0f} → {strength[-1]:.0f}"
        echo(f"circle strength, 12 week ends: {spark(strength)}  {ends}")
    active = sum(1 for p in found.heatmap if p.value)
    echo(f"habit: active on {active} of the last {len(found.heatmap)} days")
    if found.kept or found.missed:
        echo(
            "circle due this week: "
            + f"kept {', '.join(n for _, n in found.kept) or '-'}; "
            + f"missed {', '.join(n for _, n in found.missed) or '-'}"
        )
    for label, people in (("new people", found.new_people),):
        if people:
            echo(f"{label}: " + ", ".join(f"#{i} {n}" for i, n in people))
    for pid, name, facts in found.learned:
        echo(f"learned about #{pid} {name}: " + "; ".join(facts))
    for label, changes in (("grew", found.grew), ("faded", found.faded)):
        if changes:
            echo(
                f"{label}: "
                + ", ".join(f"{c.display_name} {c.before:.0f}→{c.after:.0f}" for c in changes)
            )
    for name, day in found.gatherings:
        echo(f"gathering: {name} ({day.isoformat()})")
    for day, about, text in found.reflections:
        echo(f"reflection ({day.isoformat()}, {about}): {text}")


@review.command("goals")
@click.option("--minutes", help="Weekly time budget for the network, in minutes (0: none).")
@click.option("--conversations", help="People to have a two-way exchange with each week.")
@click.option("--gatherings", help="Gatherings to go to each week.")
@click.option("--intros", help="Introductions to make each week.")
@click.option("--shares", help="Things to share each week.")
@click.option("--favours", help="Favours to give each week.")
@json_option
@pass_ctx
def review_goals(
    ctx: Context,
    as_json: bool,
    minutes: str | None,
    conversations: str | None,
    gatherings: str | None,
    intros: str | None,
    shares: str | None,
    favours: str | None,
) -> None:
    """Show the weekly goals and time budget, or set some of them."""
    from kithkin.services import review as service

    targets = {
        "minutes": minutes,
        "conversations": conversations,
        "gatherings": gatherings,
        "intros": intros,
        "shares": shares,
        "favours": favours,
    }
    given = {k: v for k, v in targets.items() if v is not None}
    found = service.set_goals(ctx.db, **given) if given else service.goals(ctx.db)
    if as_json:
        emit_json(found)
        return
    for name, value in found.items():
        click.echo(f"{name:<14} {value if value else '-'}")


@review.command("pending")
@json_option
@pass_ctx
def review_pending(ctx: Context, as_json: bool) -> None:
    """Meetings and gatherings of the last three days with no reflection yet."""
    from kithkin.services import review as service

    found = service.pending(ctx.db, actor=ctx.actor)
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("nothing to reflect on")
    for p in found:
        who = f" with {', '.join(n for _, n in p.people)}" if p.people else ""
        click.echo(f"{p.key:<28} {p.day.isoformat()} {p.title}{who}")


@review.command("reflect")
@click.argument("text")
@click.option("--meeting", type=int, metavar="ID", help="The meeting, call or coffee (its id).")
@click.option("--gathering", metavar="GATHERING", help="The gathering (its name or #id).")
@click.option("--date", "day", type=UserDate(), help="The gathering's day (default: its last).")
@click.option("--person", help="Whom it is about (a name, an email address or #id).")
@click.option("--story", "story_field", help="Also keep it as a fact of this story field.")
@pass_ctx
def review_reflect(
    ctx: Context,
    text: str,
    meeting: int | None,
    gathering: str | None,
    day: date | None,
    person: str | None,
    story_field: str | None,
) -> None:
    """How did it go? What did you learn about them? One line after a meeting or gathering
    (`--story work` keeps it in the person's story too)."""
    from kithkin.services import review as service

    done = service.reflect(
        ctx.db,
        text=text,
        meeting=meeting,
        gathering=gathering,
        day=day,
        person=person,
        story_field=story_field,
        actor=ctx.actor,
    )
    fact = f"; kept as a {story_field} fact" if done.story_fact_id else ""
    click.echo(f"reflection on {done.title} ({done.on_day.isoformat()}){fact}")


COMMANDS = [review]
__all__ = ["COMMANDS", "count_of"]

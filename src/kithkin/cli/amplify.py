"""`kithkin share ...`, `kithkin amplify ...` and `kithkin import social`: what I share, how
much of it amplifies other people, and the amplify queue."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from kithkin.cli.common import Context, UserDate, emit_json, json_option, pass_ctx, warn, when
from kithkin.model import count_of


@click.command("social")
@click.argument(
    "paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="PATH..."
)
@json_option
@pass_ctx
def import_social(ctx: Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """Import share histories: a Mastodon archive (zip or outbox.json), a Bluesky repository
    (.car), an X/Twitter archive (zip, folder or tweets.js), a LinkedIn Shares.csv. The format
    is told from the content; re-importing adds only what is new."""
    from kithkin.services import amplify as service

    summary = service.import_social(ctx.db, paths=list(paths), actor=ctx.actor)
    if as_json:
        emit_json(
            {
                "read": summary.read,
                "added": summary.added,
                "unchanged": summary.unchanged,
                "direct_left_out": summary.direct,
                "networks": summary.by_network,
                "problems": summary.problems,
                "ignored": summary.ignored,
                "seconds": round(summary.seconds, 3),
            }
        )
        return
    for network, kinds in sorted(summary.by_network.items()):
        click.echo(f"{network:<10} {kinds['own']:>6} own  {kinds['amplify']:>6} amplified")
    click.echo(summary.line())
    for problem in summary.problems:
        warn(problem)


@click.group("share")
def share() -> None:
    """Your share log: what you posted of your own and what you amplified of others'."""


@share.command("log")
@click.argument("kind", type=click.Choice(["own", "amplify"]))
@click.option("--of", "of", metavar="PERSON", help="Whose voice you amplified.")
@click.option("--url", metavar="URL", help="The post or link shared.")
@click.option("--note", metavar="TEXT", help="What you said with it, or what it was.")
@click.option("--at", type=UserDate(moment=True), help="When (default: now).")
@pass_ctx
def share_log(
    ctx: Context,
    kind: str,
    of: str | None,
    url: str | None,
    note: str | None,
    at: datetime | None,
) -> None:
    """Log a share by hand: `own` (your idea, update, post) or `amplify` (someone else's)."""
    from kithkin.services import amplify as service

    found = service.log_share(ctx.db, kind=kind, of=of, url=url, note=note, at=at, actor=ctx.actor)
    whose = f" of {found.display_name} (#{found.person_id})" if found.person_id else ""
    click.echo(f"logged #{found.id}: {found.kind}{whose} {when(found.occurred_at)}")


@share.command("list")
@click.option("--limit", type=int, default=30, show_default=True, help="How many.")
@json_option
@pass_ctx
def share_list(ctx: Context, limit: int, as_json: bool) -> None:
    """The latest shares, newest first, with whose voice each amplified."""
    from kithkin.services import amplify as service

    found = service.shares(ctx.db, limit=limit, actor=ctx.actor)
    if as_json:
        emit_json([service.share_json(s) for s in found])
        return
    if not found:
        click.echo("nothing shared yet: kithkin import social PATH, or kithkin share log own")
    for s in found:
        who = s.display_name or s.author or ""
        click.echo(
            f"#{s.id:<6} {when(s.occurred_at)} {s.network:<9} {s.kind:<7} {s.style:<8} {who}"
        )


@click.group("amplify", invoke_without_command=True)
@click.option("--days", type=int, default=None, help="The rolling window in days (default 28).")
@json_option
@click.pass_context
def amplify(click_ctx: click.Context, days: int | None, as_json: bool) -> None:
    """How much of what you share amplifies others, against your target (default 50%),
    per network and overall; whom you amplify most; circle members you never amplify."""
    if click_ctx.invoked_subcommand is not None:
        return
    from kithkin.services import amplify as service

    ctx = click_ctx.find_object(Context)
    assert ctx is not None
    found = service.report(ctx.db, days=days, actor=ctx.actor)
    if as_json:
        emit_json(service.report_json(found))
        return
    o = found.overall
    if not o.total:
        click.echo(f"nothing shared in the last {found.days} days")
    else:
        click.echo(
            f"last {found.days} days: {o.percent}% amplification ({o.amplify} of {o.total} "
            f"shares); target {found.target}%"
        )
        for t in found.networks:
            click.echo(f"  {t.label:<10} {t.percent:>3}%  {t.amplify:>4} amplified  {t.own:>4} own")
    if found.voices:
        click.echo("whom you amplify most:")
        for v in found.voices:
            click.echo(f"  #{v.person_id:<5} {v.display_name:<28} {v.count}")
    if found.unknown_authors:
        click.echo(
            f"{found.unknown_authors} amplified posts by people not in kithkin (add their "
            "handle or profile URL to a person to link them)"
        )
        for author, n in found.unknown_voices:
            click.echo(f"  {author:<40} {n}")
    if found.unamplified:
        names = ", ".join(name for _, name in found.unamplified)
        click.echo(f"circle members you never amplified: {names}")
    for nudge in found.nudges:
        click.echo(f"! {nudge}")


@amplify.command("target")
@click.argument("percent", required=False)
@pass_ctx
def amplify_target(ctx: Context, percent: str | None) -> None:
    """Show the target share of amplification, or set it to PERCENT (0-100; default 50)."""
    from kithkin.services import amplify as service

    click.echo(f"target: {service.target(ctx.db, percent=percent)}% of what you share")


@amplify.command("link")
@click.argument("author")
@click.argument("person", metavar="PERSON")
@pass_ctx
def amplify_link(ctx: Context, author: str, person: str) -> None:
    """AUTHOR (as `kithkin amplify` lists them: @name@host, did:plc:..., @user) is PERSON:
    their handle or profile URL is added to PERSON, and their shares are PERSON's."""
    from kithkin.services import amplify as service

    done = service.link_author(ctx.db, author=author, person=person)
    click.echo(f"{author} is {done.display_name} (#{done.person_id}): {done.kind} {done.value}")


@amplify.group("feed")
def feed() -> None:
    """The feeds (RSS/Atom, or websites whose feed is discovered) of the amplify queue."""


@feed.command("add")
@click.argument("person", metavar="PERSON")
@click.argument("url", required=False)
@pass_ctx
def feed_add(ctx: Context, person: str, url: str | None) -> None:
    """Follow PERSON's feed at URL (a feed, or their website or blog: its feed is found when
    fetched); without URL, their website and blog URLs."""
    from kithkin.services import amplify as service

    done = service.add_feed(ctx.db, person=person, url=url)
    for link, new in done.urls:
        click.echo(f"{'added' if new else 'already there:'} {done.display_name}: {link}")


@feed.command("list")
@json_option
@pass_ctx
def feed_list(ctx: Context, as_json: bool) -> None:
    """The feeds followed, and how each last fetch went."""
    from kithkin.services import amplify as service

    found = service.feeds(ctx.db)
    if as_json:
        emit_json(found)
        return
    if not found:
        click.echo("no feeds yet: kithkin amplify feed add PERSON URL")
    for f in found:
        state = f"{when(f.fetched_at)} {f.status}" if f.fetched_at else "never fetched"
        click.echo(f"#{f.id:<4} {f.display_name:<24} {f.feed_url or f.url}  ({state})")


@feed.command("remove")
@click.argument("feed_id", type=int, metavar="ID")
@pass_ctx
def feed_remove(ctx: Context, feed_id: int) -> None:
    """Stop following feed ID (its undecided posts leave the queue)."""
    from kithkin.services import amplify as service

    click.echo("removed" if service.remove_feed(ctx.db, feed_id=feed_id) else "no such feed")


@amplify.command("fetch")
@click.option("--timeout", type=float, default=10.0, show_default=True, help="Seconds per step.")
@pass_ctx
def amplify_fetch(ctx: Context, timeout: float) -> None:
    """Fetch the feeds now (the only time kithkin reads them): new posts join the queue."""
    from kithkin.services import amplify as service

    done = service.fetch(ctx.db, timeout=timeout)
    for line in done.lines:
        click.echo(f"  {line}")
    click.echo(f"{count_of(done.feeds, 'feed')} fetched, {count_of(done.new_items, 'new post')}")


@amplify.command("queue")
@click.option("--limit", type=int, default=20, show_default=True, help="How many.")
@json_option
@pass_ctx
def amplify_queue(ctx: Context, limit: int, as_json: bool) -> None:
    """Recent posts worth sharing, best first: fresh ones by people you have not amplified
    lately."""
    from kithkin.services import amplify as service

    found = service.queue(ctx.db, limit=limit, actor=ctx.actor)
    if as_json:
        emit_json([service.item_json(r) for r in found])
        return
    if not found:
        click.echo("the queue is empty: kithkin amplify feed add PERSON URL, then amplify fetch")
    for r in found:
        click.echo(f"[{r.item.id}] {r.item.display_name}: {r.item.title or r.item.url}")
        click.echo(f"     {r.item.url or ''}  ({r.why})")


@amplify.command("shared")
@click.argument("item_id", type=int, metavar="ID")
@pass_ctx
def amplify_shared(ctx: Context, item_id: int) -> None:
    """Queue item ID: you shared it (logged as amplifying its author)."""
    from kithkin.services import amplify as service

    found = service.decide(ctx.db, item_id=item_id, action="shared", actor=ctx.actor)
    click.echo(f"shared: {found.title or found.url} (amplifying {found.display_name})")


@amplify.command("skip")
@click.argument("item_id", type=int, metavar="ID")
@pass_ctx
def amplify_skip(ctx: Context, item_id: int) -> None:
    """Queue item ID: not for me (it leaves the queue)."""
    from kithkin.services import amplify as service

    found = service.decide(ctx.db, item_id=item_id, action="dismissed", actor=ctx.actor)
    click.echo(f"not for me: {found.title or found.url}")


COMMANDS = [share, amplify]

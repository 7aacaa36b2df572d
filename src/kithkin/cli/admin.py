"""Set-up, search, counts, backups, undo and trash, the demo, and the web server."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from kithkin.services.access import Access

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx, when
from kithkin.model import count_of, to_jsonable


@click.command("init")
@click.option("--name", help="Your name as people write it.")
@click.option("--email", "emails", multiple=True, help="An address you write from (repeatable).")
@json_option
@pass_ctx
def init_cmd(ctx: Context, name: str | None, emails: tuple[str, ...], as_json: bool) -> None:
    """Create the database (if needed) and say who you are: your name and all your addresses.

    kithkin uses the addresses to tell mail you sent from mail you received."""
    from kithkin.services import me as myself

    me = myself.init(ctx.db, name=name, addresses=emails, actor=ctx.actor)
    if as_json:
        emit_json({"database": ctx.db_url, "me": me})
        return
    click.echo(f"database: {ctx.db_url}")
    click.echo(f"me: {me.name or '(no name yet: --name)'}")
    for address in me.addresses:
        click.echo(f"  {address}")


@click.command("me")
@click.option(
    "--style", type=click.Choice(["connector", "gatherer", "both"]),
    help="How you network: connectors see intros first on Today, gatherers their gatherings.",
)  # fmt: skip
@json_option
@pass_ctx
def me_cmd(ctx: Context, style: str | None, as_json: bool) -> None:
    """Show who kithkin thinks you are (set with `kithkin init`), and your networking style."""
    from kithkin.services import intros
    from kithkin.services import me as myself

    if style is not None:
        intros.set_style(ctx.db, style=style)
    me = myself.get_me(ctx.db, actor=ctx.actor)
    current = intros.get_style(ctx.db)
    if as_json:
        emit_json({**to_jsonable(me), "style": current})
        return
    click.echo(f"style: {current}")
    click.echo(me.name or "(no name: kithkin init --name ...)")
    for address in me.addresses:
        click.echo(f"  {address}")


@click.command("search")
@click.argument("query")
@click.option("--limit", default=20, show_default=True, help="At most this many.")
@json_option
@pass_ctx
def search_cmd(ctx: Context, query: str, limit: int, as_json: bool) -> None:
    """Full-text search over names, organisations, titles, story facts and notes, best first."""
    from kithkin.services import search

    hits = search.search(ctx.db, actor=ctx.actor, query=query, limit=limit)
    if as_json:
        emit_json(hits)
        return
    if not hits:
        click.echo(f"nothing matches {query!r}", err=True)
    for hit in hits:
        org = f" — {hit.person.organisation}" if hit.person.organisation else ""
        click.echo(f"#{hit.person.id:<6} {hit.person.display_name}{org}")
        click.echo("        " + " · ".join(hit.snippet.splitlines()))


@click.command("stats")
@json_option
@pass_ctx
def stats_cmd(ctx: Context, as_json: bool) -> None:
    """Counts of people, contact points, interactions, threads, story facts and notes."""
    from kithkin.services import search

    counts = search.stats(ctx.db, actor=ctx.actor)
    if as_json:
        emit_json(counts)
        return
    click.echo(f"people          {counts.people}")
    click.echo(f"contact points  {counts.contact_points}")
    click.echo(f"interactions    {counts.interactions}")
    for kind, n in counts.interactions_by_kind.items():
        click.echo(f"  {kind:<13} {n}")
    click.echo(f"threads         {counts.threads}")
    click.echo(f"story facts     {counts.story_facts}")
    click.echo(f"notes           {counts.notes}")
    click.echo(f"tags            {counts.tags}")
    click.echo(f"in the trash    {counts.in_trash}")


@click.group("export", invoke_without_command=True)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the backup to this file (default: standard output).",
)
@click.pass_context
def export_cmd(ctx: click.Context, output: Path | None) -> None:
    """Write a full JSON backup of every row (for safekeeping, or for leaving).

    `kithkin import backup FILE` restores it into an empty database."""
    if ctx.invoked_subcommand is not None:
        return
    from kithkin.services import backup

    obj: Context = ctx.obj
    if output is None:
        backup.export(obj.db, out=sys.stdout, actor=obj.actor)
        sys.stdout.flush()
    else:
        counts = backup.export(obj.db, path=output, actor=obj.actor)
    if output is not None:
        click.echo(f"wrote {count_of(sum(counts.values()), 'row')} to {output}", err=True)


@click.group("import")
def import_cmd() -> None:
    """Bring data in: contacts, mail, calendars, or a kithkin backup."""


@import_cmd.command("backup")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_option
@pass_ctx
def import_backup(ctx: Context, path: Path, as_json: bool) -> None:
    """Restore a JSON backup made by `kithkin export` into an empty database."""
    from kithkin.services import backup

    counts = backup.restore(ctx.db, actor=ctx.actor, path=path)
    if as_json:
        emit_json(counts)
        return
    click.echo(f"restored {count_of(sum(counts.values()), 'row')} from {path}:")
    for table, n in counts.items():
        click.echo(f"  {table:<24} {n}")


@click.command("undo")
@click.argument("activity_id", type=int, required=False)
@pass_ctx
def undo_cmd(ctx: Context, activity_id: int | None) -> None:
    """Undo the last delete or merge (or the one with ACTIVITY_ID, see `kithkin activity`)."""
    from kithkin.services import trash

    summary = trash.undo(ctx.db, actor=ctx.actor, activity_id=activity_id)
    click.echo(f"undone: {summary}")


@click.group("trash", invoke_without_command=True)
@json_option
@click.pass_context
def trash_cmd(ctx: click.Context, as_json: bool) -> None:
    """List the people in the trash (deleted in the last 30 days)."""
    if ctx.invoked_subcommand is not None:
        return
    from kithkin.services import trash

    obj: Context = ctx.obj
    items = trash.trash(obj.db, actor=obj.actor).deleted
    if as_json:
        emit_json([{"person": p, "deleted_at": at} for p, at in items])
        return
    if not items:
        click.echo("the trash is empty")
    for summary, at in items:
        click.echo(f"#{summary.id:<6} {summary.display_name}  (deleted {when(at)})")


@trash_cmd.command("restore")
@click.argument("person_id", type=int)
@pass_ctx
def trash_restore(ctx: Context, person_id: int) -> None:
    """Bring PERSON_ID back from the trash."""
    from kithkin.services import trash

    trash.restore(ctx.db, actor=ctx.actor, person_id=person_id)
    click.echo(f"restored #{person_id}")


@click.command("activity")
@click.option("--limit", default=30, show_default=True, help="At most this many.")
@json_option
@pass_ctx
def activity_cmd(ctx: Context, limit: int, as_json: bool) -> None:
    """The activity log: every change, newest first (undoable ones are marked)."""
    from kithkin.services import trash

    items = trash.activity(ctx.db, actor=ctx.actor, limit=limit)
    if as_json:
        emit_json(items)
        return
    for item in items:
        mark = " (undone)" if item.undone_at else (" [undoable]" if item.undoable else "")
        by = f"  {item.author}:" if item.author else ""  # team mode: who did it
        click.echo(f"#{item.id:<6} {when(item.at)}{by}  {item.summary}{mark}")


@click.command("demo")
@click.option("--seed", default=7, show_default=True, help="Random seed of the generated network.")
@click.option("--no-serve", is_flag=True, help="Build the demo database and exit.")
@click.option("--port", default=8765, show_default=True, help="Port of the web UI.")
@json_option
@click.pass_context
def demo_cmd(ctx: click.Context, seed: int, no_serve: bool, port: int, as_json: bool) -> None:
    """Build a fictional demo network in its own database and open the web UI on it.

    The demo database is rebuilt each time (default: demo.db in your user data folder; a
    `--db` path given before `demo` is used instead — and replaced). A PostgreSQL `--db` URL
    is filled with the demo when it holds no one yet, never replaced."""
    from kithkin.config import demo_db_path
    from kithkin.services import demo

    parent = ctx.find_root().params.get("db")
    if parent and "://" in parent and not parent.startswith("sqlite:"):
        built = demo.build_at(parent, seed=seed)  # a server's database: filled, when empty
        scheme, _, rest = parent.partition("://")
        user, at, host = rest.rpartition("@")
        if ":" in user:  # never print a password
            user = user.split(":", 1)[0] + ":***"
        shown = f"{scheme}://{user}{at}{host}"
    else:
        if parent and parent.startswith("sqlite:"):
            parent = parent.split(":///", 1)[-1]
        path = Path(parent) if parent else demo_db_path()
        built = demo.build(path=path, seed=seed)
        shown = str(path)
    url, summary = built.url, built.summary
    if as_json:
        emit_json({"database": shown, **vars(summary)})
    else:
        click.echo(f"demo network in {shown}")
        click.echo(f"  me               {summary.me}")
        click.echo(f"  people           {summary.people} at {summary.organisations} organisations")
        click.echo(f"  circle           {summary.circle} people tagged 'circle'")
        click.echo(
            f"  interactions     {summary.interactions} from {when(summary.first_interaction)} "
            f"to {when(summary.last_interaction)}"
        )
        for kind, n in sorted(summary.interactions_by_kind.items()):
            click.echo(f"    {kind:<14} {n}")
        click.echo(
            f"  stories          {summary.story_facts} facts; {summary.complete_stories} complete, "
            f"{summary.empty_stories} empty"
        )
        click.echo(f"  notes            {summary.notes}")
        click.echo(f"  inbox            {summary.mail_messages} messages: lists, newsletters, spam")
        click.echo(f"try: kithkin --db {shown} people --tag circle")
    if not no_serve:
        from kithkin.services.access import LOOPBACK_NAMES, Access

        _serve(url, "127.0.0.1", port, Access(LOOPBACK_NAMES, None), open_browser=False)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, help="Port to listen on.")
@click.option(
    "--allow-host",
    "allow_hosts",
    multiple=True,
    metavar="NAME",
    help="A host name the server may be reached by, beyond loopback (repeatable).",
)
@click.option(
    "--token",
    envvar="KITHKIN_TOKEN",
    help="The token browsers and API clients must give (or KITHKIN_TOKEN).",
)
@click.option("--new-token", is_flag=True, help="Make a token, keep it (hashed) and print it once.")
@click.option("--open", "open_browser", is_flag=True, help="Open the UI in your browser.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Server processes (default: one per core for a team — PostgreSQL or beyond "
    "loopback —, else one).",
)
@pass_ctx
def serve_cmd(
    ctx: Context,
    host: str,
    port: int,
    allow_hosts: tuple[str, ...],
    token: str | None,
    new_token: bool,
    open_browser: bool,
    workers: int | None,
) -> None:
    """Run the web UI and the JSON API (on 127.0.0.1 unless told otherwise).

    Beyond loopback it needs the host names it is reached by (--allow-host) and a token
    (--token, KITHKIN_TOKEN, or --new-token once: later runs use the kept one); browsers log
    in with the token once, API clients send `Authorization: Bearer TOKEN`. A team database
    (one with users: `kithkin user add`) needs no token: everyone logs in with their own
    account, on every bind, and API clients send their user's token."""
    from kithkin.services import access, database

    database.prepare(ctx.db)
    checks = access.serve_access(
        ctx.db, bind=host, allow_hosts=allow_hosts, token=token or None, new_token=new_token
    )
    if checks.new_token is not None:
        click.echo(f"token (shown once, kept hashed): {checks.new_token}", err=True)
    if workers is None:
        workers = access.default_workers(bind=host, dialect=ctx.db.dialect)
    _serve(ctx.db_url, host, port, checks, open_browser=open_browser, workers=workers)


def _serve(
    url: str, host: str, port: int, checks: Access, *, open_browser: bool, workers: int = 1
) -> None:
    from kithkin.web.app import serve

    if checks.token_sha256 is not None:
        names = ", ".join(checks.hosts)
        click.echo(f"listening on {host}: answering to {names}, with the token", err=True)
    if checks.team:
        click.echo("a team database: everyone logs in with their user name and password", err=True)
    processes = f", {workers} processes" if workers > 1 else ""
    click.echo(f"kithkin is at http://{host}:{port}/  (Ctrl-C stops it{processes})", err=True)
    serve(
        url,
        host=host,
        port=port,
        allowed_hosts=checks.hosts,
        token_sha256=checks.token_sha256,
        open_browser=open_browser,
        workers=workers,
    )


COMMANDS = [
    init_cmd,
    me_cmd,
    search_cmd,
    stats_cmd,
    export_cmd,
    import_cmd,
    undo_cmd,
    trash_cmd,
    activity_cmd,
    demo_cmd,
    serve_cmd,
]

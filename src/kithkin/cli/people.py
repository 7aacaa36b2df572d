"""`kithkin person ...` and `kithkin people`: adding, showing, editing, merging, deleting."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from kithkin.cli.common import Context, emit_json, json_option, pass_ctx, when
from kithkin.model import count_of

if TYPE_CHECKING:
    from kithkin.model import Person
    from kithkin.services.people import NewContact


@click.group()
def person() -> None:
    """Add, show, edit, merge or delete one person."""


@person.command("add")
@click.argument("name")
@click.option("--given", help="Given (first) name.")
@click.option("--family", help="Family (last) name.")
@click.option("--org", "organisation", help="Organisation they work for.")
@click.option("--title", help="Their job title.")
@click.option("--email", multiple=True, help="An email address (repeatable).")
@click.option("--phone", multiple=True, help="A phone number (repeatable).")
@click.option("--url", multiple=True, help="A web page or profile URL (repeatable).")
@click.option("--handle", multiple=True, help="A social handle such as @dana@mastodon.example.")
@click.option("--tag", "tags", multiple=True, help="A tag (repeatable).")
@json_option
@pass_ctx
def person_add(
    ctx: Context,
    name: str,
    given: str | None,
    family: str | None,
    organisation: str | None,
    title: str | None,
    email: tuple[str, ...],
    phone: tuple[str, ...],
    url: tuple[str, ...],
    handle: tuple[str, ...],
    tags: tuple[str, ...],
    as_json: bool,
) -> None:
    """Add a person called NAME."""
    from kithkin.services import people

    added = people.add_person(
        ctx.db,
        display_name=name,
        given_name=given,
        family_name=family,
        organisation=organisation,
        title=title,
        contacts=_contacts(email=email, phone=phone, url=url, handle=handle),
        tags=tags,
    )
    person_id = added.person.id
    if as_json:
        emit_json({"id": person_id, "display_name": name})
    else:
        click.echo(f"added #{person_id} {name}")


@person.command("show")
@click.argument("ref", metavar="PERSON")
@json_option
@pass_ctx
def person_show(ctx: Context, ref: str, as_json: bool) -> None:
    """Show a PERSON (a name, an email address or #id): contacts, story, notes, how strong
    the relationship is and why, timeline."""
    from kithkin.services import people

    page = people.person_page(ctx.db, person=ref, timeline=15, actor=ctx.actor)
    found, events, relationship = page.person, page.timeline, page.strength.report
    if as_json:
        emit_json(
            {
                **_person_json(found),
                "strength": relationship,
                "timeline": events,
            }
        )
        return
    _print_person(found)
    first, *inputs = relationship["explanation"]
    click.echo(f"\nRelationship: {first}")
    for line in inputs:
        click.echo(f"  {line}")
    if events:
        click.echo("\nTimeline")
        for event in events:
            click.echo(f"  {when(event.at)}  {event.summary}")


@person.command("edit")
@click.argument("ref", metavar="PERSON")
@click.option("--name", "display_name", help="New display name.")
@click.option("--given", "given_name", help="Given (first) name.")
@click.option("--family", "family_name", help="Family (last) name.")
@click.option("--org", "organisation", help="Organisation ('' clears it).")
@click.option("--title", help="Job title ('' clears it).")
@click.option("--add-email", multiple=True, help="Add an email address.")
@click.option("--add-phone", multiple=True, help="Add a phone number.")
@click.option("--add-url", multiple=True, help="Add a URL.")
@click.option("--add-handle", multiple=True, help="Add a social handle.")
@click.option("--remove-contact", type=int, multiple=True, help="Remove contact point by id.")
@click.option("--tag", "add_tags", multiple=True, help="Add a tag.")
@click.option("--untag", "remove_tags", multiple=True, help="Remove a tag.")
@pass_ctx
def person_edit(
    ctx: Context,
    /,
    ref: str,
    add_email: tuple[str, ...],
    add_phone: tuple[str, ...],
    add_url: tuple[str, ...],
    add_handle: tuple[str, ...],
    remove_contact: tuple[int, ...],
    add_tags: tuple[str, ...],
    remove_tags: tuple[str, ...],
    **fields: str | None,
) -> None:
    """Change a PERSON's names, organisation, title, contact points or tags."""
    from kithkin.services import people

    edited = people.edit_person(
        ctx.db,
        person=ref,
        changes={key: value for key, value in fields.items() if value is not None} or None,
        add_contacts=_contacts(email=add_email, phone=add_phone, url=add_url, handle=add_handle),
        remove_contacts=remove_contact,
        add_tags=add_tags,
        remove_tags=remove_tags,
    )
    done = edited.done
    click.echo(f"#{edited.person.id}: " + ("; ".join(done) if done else "nothing changed"))


@person.command("merge")
@click.argument("keep", metavar="KEEP")
@click.argument("other", metavar="OTHER")
@click.option("--yes", "-y", is_flag=True, help="Merge without asking (needed off a terminal).")
@json_option
@pass_ctx
def person_merge(ctx: Context, keep: str, other: str, yes: bool, as_json: bool) -> None:
    """Fold OTHER into KEEP: contacts, story, notes, tags and interactions move over.

    Shows first what will move and what KEEP keeps, then asks (or takes --yes).
    `kithkin undo` splits them again."""
    from kithkin.errors import InvalidInput
    from kithkin.services import people

    preview = people.merge_preview(ctx.db, keep=keep, other=other)
    if not as_json:
        click.echo(f"merge {preview.other.display_name} into {preview.keep.display_name}:")
        for line in preview.lines():
            click.echo(f"  {line}")
    if not yes:
        if not _interactive():
            raise InvalidInput("nothing merged: say --yes to merge without a terminal to ask on")
        click.confirm("Merge them?", default=False, abort=True, err=True)
    merged = people.merge_people(ctx.db, keep=preview.keep.id, other=preview.other.id)
    if as_json:
        emit_json({"preview": preview, "lines": preview.lines(), "merged": merged})
        return
    click.echo(
        f"merged #{merged.other_id} into #{merged.person.id} (kithkin undo splits them again)"
    )


def _interactive() -> bool:
    """Whether someone at a terminal can answer a question."""
    import sys

    return sys.stdin.isatty()


@person.command("delete")
@click.argument("ref", metavar="PERSON")
@pass_ctx
def person_delete(ctx: Context, ref: str) -> None:
    """Move a PERSON to the trash (kept 30 days; `kithkin undo` brings them back)."""
    from kithkin.services import people

    deleted = people.delete_person(ctx.db, person=ref)
    click.echo(
        f"deleted #{deleted.person_id} {deleted.display_name} (kithkin undo brings them back)"
    )


@person.command("photo")
@click.argument("ref", metavar="PERSON")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the image to this file (default: the name and the image's own extension).",
)
@json_option
@pass_ctx
def person_photo(ctx: Context, ref: str, out: str | None, as_json: bool) -> None:
    """Save a PERSON's photo (as a contacts import kept it: PNG, JPEG, GIF or WebP) to a file."""
    from pathlib import Path

    from kithkin.services import photos

    found = photos.photo(ctx.db, person=ref)
    extension = found.media_type.split("/")[1].replace("jpeg", "jpg")
    path = Path(out or f"person-{found.person_id}.{extension}")
    path.write_bytes(found.data)
    if as_json:
        emit_json(
            {
                "person_id": found.person_id,
                "media_type": found.media_type,
                "bytes": len(found.data),
                "path": str(path),
            }
        )
        return
    click.echo(f"wrote {path} ({found.media_type}, {count_of(len(found.data), 'byte')})")


class _ListOrSubcommand(click.Group):
    """`kithkin people [QUERY]` lists people; `kithkin people duplicates` runs a subcommand.

    A first word that names a subcommand is that subcommand, not a QUERY."""

    _SUBCOMMAND = "kithkin.people.subcommand"

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        subcommand = bool(args) and args[0] in self.commands
        ctx.meta[self._SUBCOMMAND] = subcommand
        if not subcommand:  # `people QUERY --json`: options may follow the query
            ctx.allow_interspersed_args = True
        return super().parse_args(ctx, args)

    def get_params(self, ctx: click.Context) -> list[click.Parameter]:
        params = super().get_params(ctx)
        if ctx.meta.get(self._SUBCOMMAND):
            return [p for p in params if not isinstance(p, click.Argument)]
        return params


@click.group("people", cls=_ListOrSubcommand, invoke_without_command=True)
@click.argument("query", required=False)
@click.option("--tag", help="Only people with this tag.")
@click.option("--limit", default=100, show_default=True, help="At most this many.")
@click.option("--offset", default=0, help="Skip this many (paging).")
@json_option
@pass_ctx
@click.pass_context
def people_cmd(
    click_ctx: click.Context,
    ctx: Context,
    tag: str | None,
    limit: int,
    offset: int,
    as_json: bool,
    query: str | None = None,
) -> None:
    """List people, or those whose name, organisation or address contains QUERY."""
    if click_ctx.invoked_subcommand is not None:
        return
    from kithkin.services import people

    listed = people.list_people(ctx.db, query=query, tag=tag, limit=limit, offset=offset)
    found, total = listed.people, listed.total
    if as_json:
        emit_json(found)
        return
    if not total and not (query or tag or offset):
        from kithkin.cli.welcome import welcome_if_empty

        if welcome_if_empty(ctx.db):
            return
    for one in found:
        click.echo(_summary_line(one.id, one.display_name, one.title, one.organisation, one.tags))
    click.echo(f"{len(found)} shown of {count_of(total, 'person', 'people')}", err=True)


def _contacts(**values: tuple[str, ...]) -> list[NewContact]:
    """The contact points given as --email/--phone/--url/--handle (or --add-...)."""
    from kithkin.services.people import NewContact

    return [NewContact(kind, value) for kind, given in values.items() for value in given]


def _summary_line(
    person_id: int, name: str, title: str | None, org: str | None, tags: tuple[str, ...]
) -> str:
    role = ", ".join(part for part in (title, org) if part)
    line = f"#{person_id:<6} {name}"
    if role:
        line += f" — {role}"
    if tags:
        line += "  [" + ", ".join(tags) + "]"
    return line


def _person_json(found: Person) -> dict[str, object]:
    from kithkin.model import to_jsonable

    data: dict[str, object] = to_jsonable(found)
    data["story_completeness"] = found.story_completeness()
    data["story_gaps"] = found.story_gaps()
    return data


def _print_person(found: Person) -> None:
    from kithkin.cli.story import print_story

    click.echo(
        _summary_line(found.id, found.display_name, found.title, found.organisation, found.tags)
    )
    for point in found.contact_points:
        label = f" ({point.label})" if point.label else ""
        click.echo(f"  {point.kind:<7} {point.value}{label}   [contact #{point.id}]")
    click.echo("")
    print_story(found)
    if found.notes:
        click.echo("\nNotes")
        for item in found.notes:
            click.echo(f"  {when(item.created_at)}  {item.text}")


COMMANDS = [person, people_cmd]

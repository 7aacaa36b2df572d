"""People: add, show, edit, merge, delete, list; their contact points and tags.

The CLI (`kithkin person ...`, `kithkin people`), the person pages and forms, and the JSON API
all come through here, so a person is added, edited or merged the same way whichever door the
user came in by.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import field
from typing import TYPE_CHECKING, Final

from kithkin.model import SOLO, Actor, Record, record
from kithkin.services import team
from kithkin.services.common import PersonRef, person_id
from kithkin.store.people import EDITABLE as EDITABLE  # the fields `edit_person` changes

if TYPE_CHECKING:
    from sqlalchemy import Connection

    from kithkin.model import ContactPoint, MailThread, Person, PersonSummary, TimelineEntry
    from kithkin.services.relationships import Strength
    from kithkin.store import Database


@record
class NewContact(Record):
    kind: str  # email, phone, url, handle
    value: str
    label: str | None = None


@record
class PersonAdded(Record):
    person: Person
    warnings: tuple[str, ...] = ()


@record
class PersonPage(Record):
    """All a person page (or `kithkin person show`) shows of one person."""

    person: Person
    timeline: list[TimelineEntry]
    strength: Strength
    threads: list[MailThread] = field(default_factory=list)
    other_tags: list[str] = field(default_factory=list)  # known tags the person lacks
    warnings: tuple[str, ...] = ()


@record
class PersonEdited(Record):
    person: Person
    done: tuple[str, ...]  # what changed, one short phrase each ("title changed", "tagged vc")
    changed: tuple[str, ...]  # the names of the fields that changed
    warnings: tuple[str, ...] = ()


@record
class ContactAdded(Record):
    person_id: int
    contact: ContactPoint
    warnings: tuple[str, ...] = ()


@record
class TagsChanged(Record):
    person_id: int
    changed: tuple[str, ...]  # the tags added (or removed)
    tags: tuple[str, ...]  # the person's tags now
    warnings: tuple[str, ...] = ()


@record
class PersonDeleted(Record):
    person_id: int
    display_name: str
    activity_id: int
    trash_days: int
    warnings: tuple[str, ...] = ()


@record
class PeopleMerged(Record):
    person: Person  # the one kept, with what came over
    other_id: int
    other_name: str
    activity_id: int
    warnings: tuple[str, ...] = ()


@record
class PeopleList(Record):
    people: list[PersonSummary]
    total: int  # people not in the trash
    warnings: tuple[str, ...] = ()


def add_person(
    db: Database,
    *,
    display_name: str | None = None,
    given_name: str | None = None,
    family_name: str | None = None,
    organisation: str | None = None,
    title: str | None = None,
    contacts: Sequence[NewContact] = (),
    tags: Sequence[str] = (),
    actor: Actor = SOLO,
) -> PersonAdded:
    """A new person, with their contact points and tags, in one transaction."""
    from kithkin.store import people

    with team.writing(db, actor, "adding a person") as conn:
        pid = people.add_person(
            conn,
            display_name=display_name,
            given_name=given_name,
            family_name=family_name,
            organisation=organisation,
            title=title,
            contacts=[(c.kind, c.value) for c in contacts if c.label is None],
            tags=tags,
        )
        for c in contacts:
            if c.label is not None:
                people.add_contact(conn, pid, c.kind, c.value, label=c.label)
        return PersonAdded(person=people.get_person(conn, pid, actor=actor))


def get_person(db: Database, *, person: PersonRef, actor: Actor = SOLO) -> Person:
    """One person with their contact points, story, notes and tags."""
    from kithkin.store import people

    with db.read() as conn:
        return people.get_person(conn, person_id(conn, person), actor=actor)


def person_page(
    db: Database,
    *,
    person: PersonRef,
    timeline: int = 100,
    threads: int = 0,
    actor: Actor = SOLO,
) -> PersonPage:
    """A person, their latest `timeline` interactions and `threads` mail threads, the tags
    they could be given, and how strong the relationship is and why."""
    from kithkin.services.relationships import strength
    from kithkin.store import interactions, mail_threads, people

    with db.read() as conn:
        found = people.get_person(conn, person_id(conn, person), actor=actor)
        entries = interactions.timeline(
            conn, found.id, limit=timeline, actor=actor, viewer=actor.member_id
        )
        found_threads = mail_threads.threads_of(conn, found.id, limit=threads) if threads else []
        others = [name for name, _ in people.all_tags(conn) if name not in found.tags]
    return PersonPage(
        person=found,
        timeline=entries,
        strength=strength(db, person=found.id, actor=actor),
        threads=found_threads,
        other_tags=others,
    )


def edit_person(
    db: Database,
    *,
    person: PersonRef,
    changes: Mapping[str, str | None] | None = None,
    add_contacts: Sequence[NewContact] = (),
    remove_contacts: Sequence[int] = (),
    add_tags: Sequence[str] = (),
    remove_tags: Sequence[str] = (),
    actor: Actor = SOLO,
) -> PersonEdited:
    """Change a person's names, organisation or title (`changes`, None for none), contact
    points and tags at once."""
    from kithkin.store import people

    with team.writing(db, actor, "changing a person") as conn:
        pid = person_id(conn, person)
        done: list[str] = []
        changed: tuple[str, ...] = ()
        if changes is not None:
            changed = tuple(people.edit_person(conn, pid, **changes))
            done += [f"{key} changed" for key in changed]
        for c in add_contacts:
            people.add_contact(conn, pid, c.kind, c.value, label=c.label)
            done.append(f"{c.kind} {c.value} added")
        for contact_id in remove_contacts:
            people.remove_contact(conn, pid, contact_id)
            done.append(f"contact #{contact_id} removed")
        for name in add_tags:
            if people.add_tag(conn, pid, name):
                done.append(f"tagged {name}")
        for name in remove_tags:
            if people.remove_tag(conn, pid, name):
                done.append(f"untagged {name}")
        return PersonEdited(
            person=people.get_person(conn, pid, actor=actor), done=tuple(done), changed=changed
        )


def add_contact(
    db: Database, *, person: PersonRef, contact: NewContact, actor: Actor = SOLO
) -> ContactAdded:
    """A new email address, phone number, URL or handle for a person."""
    from kithkin.store import people

    with team.writing(db, actor, "adding a contact point") as conn:
        pid = person_id(conn, person)
        contact_id = people.add_contact(conn, pid, contact.kind, contact.value, label=contact.label)
        points = people.get_person(conn, pid, actor=actor).contact_points
    return ContactAdded(person_id=pid, contact=next(c for c in points if c.id == contact_id))


def remove_contact(
    db: Database, *, person: PersonRef, contact_id: int, actor: Actor = SOLO
) -> Person:
    """Remove one of a person's contact points; the person as they are now."""
    from kithkin.store import people

    with team.writing(db, actor, "removing a contact point") as conn:
        pid = person_id(conn, person)
        people.remove_contact(conn, pid, contact_id)
        return people.get_person(conn, pid, actor=actor)


def add_tags(
    db: Database, *, person: PersonRef, tags: Sequence[str], actor: Actor = SOLO
) -> TagsChanged:
    """Tag a person; `changed` holds the tags they did not have yet."""
    from kithkin.store import people

    with team.writing(db, actor, "tagging a person") as conn:
        pid = person_id(conn, person)
        added = tuple(name for name in tags if people.add_tag(conn, pid, name))
        now = people.get_person(conn, pid, actor=actor).tags
    return TagsChanged(person_id=pid, changed=added, tags=tuple(now))


def remove_tag(db: Database, *, person: PersonRef, tag: str, actor: Actor = SOLO) -> TagsChanged:
    """Untag a person; `changed` is empty when they did not have the tag."""
    from kithkin.store import people

    with team.writing(db, actor, "untagging a person") as conn:
        pid = person_id(conn, person)
        removed = (tag,) if people.remove_tag(conn, pid, tag) else ()
        now = people.get_person(conn, pid, actor=actor).tags
    return TagsChanged(person_id=pid, changed=removed, tags=tuple(now))


def known_tags(db: Database) -> list[tuple[str, int]]:
    """Every tag in use, with how many people carry it."""
    from kithkin.store import people

    with db.read() as conn:
        return people.all_tags(conn)


def delete_person(db: Database, *, person: PersonRef, actor: Actor = SOLO) -> PersonDeleted:
    """Move a person to the trash (kept `trash_days`; undo brings them back)."""
    from kithkin.store import people, trash

    with team.writing(db, actor, "deleting a person") as conn:
        pid = person_id(conn, person)
        name = people.get_person(conn, pid, actor=actor).display_name
        activity_id = trash.delete_person(conn, pid)
    return PersonDeleted(
        person_id=pid, display_name=name, activity_id=activity_id, trash_days=trash.TRASH_DAYS
    )


def merge_people(
    db: Database, *, keep: PersonRef, other: PersonRef, actor: Actor = SOLO
) -> PeopleMerged:
    """Fold `other` into `keep`: contacts, story, notes, tags and interactions move over."""
    from kithkin.store import people, trash

    with team.writing(db, actor, "merging people") as conn:
        keep_id, other_id = person_id(conn, keep), person_id(conn, other)
        other_name = people.get_person(conn, other_id, actor=actor).display_name
        activity_id = trash.merge_people(conn, keep_id, other_id)
        kept = people.get_person(conn, keep_id, actor=actor)
    return PeopleMerged(
        person=kept, other_id=other_id, other_name=other_name, activity_id=activity_id
    )


@record
class MergePreview(Record):
    """What `merge_people(keep=..., other=...)` would do, before it is done: `keep` survives
    (with its names), everything of `other` moves over, and `other` goes (undoable)."""

    keep: Person
    other: Person
    filled: dict[str, str]  # empty fields of `keep` that take `other`'s value
    differing: dict[str, tuple[str, str]]  # field -> (kept value, `other`'s value, dropped)
    contacts: tuple[ContactPoint, ...]  # `other`'s contact points, all moving over
    tags_added: tuple[str, ...]
    keep_interactions: int
    other_interactions: int
    shared_interactions: int  # both took part: counted once after the merge
    also_moves: dict[str, int] = field(default_factory=dict)  # needs, intros, gatherings, ...

    @property
    def interactions_after(self) -> int:
        return self.keep_interactions + self.other_interactions - self.shared_interactions

    def lines(self) -> list[str]:
        """The preview in words, one line each (the CLI prints them; the web lists them)."""
        keep, other = self.keep, self.other
        said = [
            f"keeps {keep.display_name} (#{keep.id}); {other.display_name} (#{other.id}) "
            "is folded in and goes (undo splits them again)"
        ]
        said += [
            f"{_FIELD_NAMES[f]}: “{kept}” stays (“{theirs}” is dropped)"
            for f, (kept, theirs) in self.differing.items()
        ]
        said += [f"{_FIELD_NAMES[f]}: “{value}” comes over" for f, value in self.filled.items()]
        said += [
            f"{c.kind}{f' ({c.label})' if c.label else ''} {c.value} moves over"
            for c in self.contacts
        ]
        said += [f"{f.field} fact moves over: {f.text}" for f in other.story]
        if other.notes:
            n = len(other.notes)
            said.append(f"{n} note{'s' * (n != 1)} move{'s' * (n == 1)} over")
        if self.tags_added:
            said.append("tags added: " + ", ".join(self.tags_added))
        if self.also_moves:
            said.append(
                "also moves over: "
                + ", ".join(f"{n} {what}" for what, n in self.also_moves.items())
            )
        shared = f", {self.shared_interactions} shared" if self.shared_interactions else ""
        said.append(
            f"interactions: {self.keep_interactions} + {self.other_interactions}{shared} → "
            f"{self.interactions_after}"
        )
        return said


_FIELD_NAMES: Final = {
    "display_name": "name",
    "given_name": "given name",
    "family_name": "family name",
    "organisation": "organisation",
    "title": "title",
}


def merge_preview(
    db: Database, *, keep: PersonRef, other: PersonRef, actor: Actor = SOLO
) -> MergePreview:
    """What merging `other` into `keep` would move and keep; nothing is written."""
    with db.read() as conn:
        return _preview(conn, person_id(conn, keep), person_id(conn, other), actor)


def merge_previews(
    db: Database, *, pairs: Sequence[tuple[int, int]], actor: Actor = SOLO
) -> list[MergePreview]:
    """`merge_preview` of each (keep, other) pair, in one read."""
    with db.read() as conn:
        return [_preview(conn, keep, other, actor) for keep, other in pairs]


def _preview(conn: Connection, keep_id: int, other_id: int, actor: Actor = SOLO) -> MergePreview:
    from kithkin.errors import InvalidInput
    from kithkin.store import people, trash

    if keep_id == other_id:
        raise InvalidInput("cannot merge a person with themselves")
    keep = people.get_person(conn, keep_id, actor=actor)
    other = people.get_person(conn, other_id, actor=actor)
    differing = {
        f: (kept, theirs)
        for f in _FIELD_NAMES
        if (kept := getattr(keep, f)) and (theirs := getattr(other, f)) and kept != theirs
    }
    mine, theirs, shared = trash.merge_counts(conn, keep_id, other_id)
    return MergePreview(
        keep=keep,
        other=other,
        filled=trash.fillable(keep, other),
        differing=differing,
        contacts=other.contact_points,
        tags_added=tuple(t for t in other.tags if t not in keep.tags),
        keep_interactions=mine,
        other_interactions=theirs,
        shared_interactions=shared,
        also_moves=trash.merge_also_moves(conn, other_id),
    )


def list_people(
    db: Database,
    *,
    query: str | None = None,
    tag: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> PeopleList:
    """People by name (or those whose name, organisation or address contains `query`)."""
    from kithkin.store import people

    with db.read() as conn:
        found = people.list_people(conn, query=query, tag_name=tag, limit=limit, offset=offset)
        total = people.count_people(conn)
    return PeopleList(people=found, total=total)

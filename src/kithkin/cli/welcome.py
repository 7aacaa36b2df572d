"""What `kithkin today` and `kithkin people` say on a database with nothing in it yet: the
first run's three steps (the web's first-run page says the same)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from kithkin.store import Database


def welcome_if_empty(db: Database) -> bool:
    """Print the welcome and say True when the database holds nothing yet."""
    from kithkin.services.first_run import first_run

    found = first_run(db)
    if found is None:
        return False
    me = found.me
    click.echo("Welcome to kithkin: nothing is kept here yet.\n")
    if me.name or me.addresses:
        click.echo(f"You are {me.name or '(no name yet)'}: {', '.join(me.addresses) or '-'}")
        click.echo("  change:  kithkin init --name NAME --email ADDRESS")
    else:
        click.echo("Who are you? Your name and every address you write from:")
        click.echo(
            '  kithkin init --name "Your Name" --email you@work.example --email you@home.example'
        )
    click.echo("\nBring your network in:")
    click.echo("  kithkin import contacts FILE...      vCard, LinkedIn or Google Contacts exports")
    click.echo("  kithkin import mail PATH|URL...      mbox, Maildir or an IMAP folder")
    click.echo("  kithkin import calendar FILE.ics...  meetings, and briefs for the coming ones")
    click.echo("  kithkin person add NAME              one by hand")
    click.echo("\nOr look around first:")
    click.echo(
        "  kithkin demo                         a fictional network, in a database of its own"
    )
    click.echo("  kithkin serve --open                 the same steps in your browser")
    return True

"""Mail in: the stages of `kithkin import mail`, one module each, mirroring `sources.mail`.

An import is a session (`session.import_mail`) over its locations, one after the other. For
each location:

1. **plan** (`sources.mail.walk.plan`, then `plan.filter_tasks`): the reading tasks of the
   mailbox (mbox parts, groups of message files, an IMAP folder), less what an earlier run
   read already (an mbox's end offset and tail hash, the message files recorded, the last
   IMAP UID; a renamed Maildir file is a flag change, not a new message);
2. **read and parse** (`files`: mbox files and mail folders, through `sources.mail`, in
   worker processes for a large mailbox; `imap`: an IMAP folder): message records,
   headers only;
3. **prepare** (`prepare.prepare_values`, in the workers too): what a message is
   (`rules.classify`: person, list, bulk, spam), which way it went (`rules.direction`),
   its correspondents (`ingest.correspondents`);
4. **resolve people** (`people.with_whom`, `ingest.address_book.AddressBook`): whom the
   message is with, people made when first met;
5. **threads** (`threads.Threader`): the conversation each message belongs to;
6. **store** (`batch.store_batch`, `kithkin.store.mail`): a batch of messages, their
   interactions and threads, and how far reading got, in one transaction (a killed import
   leaves whole batches; the next run resumes after the last);
7. **report** (`batch.MailSummary`): what was read, made and skipped, logged as activity.

The session's names are read from here lazily, so that a parsing worker, which imports only
`prepare`, does not load the store and SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kithkin.ingest.mail.batch import MailSummary as MailSummary
    from kithkin.ingest.mail.session import BATCH_SIZE as BATCH_SIZE
    from kithkin.ingest.mail.session import import_mail as import_mail

__all__ = ["BATCH_SIZE", "MailSummary", "import_mail"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from kithkin.ingest.mail import session

        return getattr(session, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

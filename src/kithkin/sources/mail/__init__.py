"""Mail on disk (mbox, Maildir, message files) as plain records, from the headers alone.

    for item in read_mail(path):          # MessageRecord or SourceProblem, in a stable order
    for item in read_many(paths, workers=2):   # the same, parsed by a process pool

Never touches the database; storing the records is `kithkin.ingest`'s job.
"""

from __future__ import annotations

from kithkin.sources.mail.addresses import Address
from kithkin.sources.mail.parallel import read_many
from kithkin.sources.mail.records import MessageRecord
from kithkin.sources.mail.walk import read_mail
from kithkin.sources.records import SourceProblem

__all__ = ["Address", "MessageRecord", "SourceProblem", "read_mail", "read_many"]

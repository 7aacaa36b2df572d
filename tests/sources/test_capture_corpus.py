"""Capture on the real vCards in ../shared/data (iPhone, Android, Outlook, Gmail... exports):
every file gives drafts or one line naming it; each draft is a person that can be stored."""

from __future__ import annotations

import pytest

from kithkin.errors import InvalidInput
from kithkin.ingest.capture import to_record
from kithkin.sources.capture import read
from kithkin.sources.card_text import DRAFT_KINDS
from tests.conftest import shared_data

pytestmark = pytest.mark.corpus


def test_every_real_vcard_file_gives_drafts_or_one_line() -> None:
    folder = shared_data("contacts", "vcards")
    drafts = errors = 0
    for path in sorted(folder.rglob("*.vcf")):
        data = path.read_bytes()
        try:
            got = read(path.name, data)
        except InvalidInput as exc:
            message = str(exc)
            assert message.startswith(path.name) and "\n" not in message, message
            errors += 1
            continue
        for draft in got.drafts:
            drafts += 1
            assert draft.source == "vcard"
            assert all(f.kind in DRAFT_KINDS and f.value for f in draft.fields)
            record = to_record(draft, file_name=path.name)
            assert record.display_name == draft.name
    assert drafts > 80 and errors < 10, (drafts, errors)

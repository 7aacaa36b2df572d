"""The photos of the real vCards in ../shared/data/contacts/vcards: every inline one is a
JPEG or PNG the import keeps, served with the type its bytes say; the one card that only
links to a photo (ez-vcard's fullcontact.vcf) is noted and left out. Checked by reading the
files: 15 cards with a PHOTO, 14 inline (10 JPEG, 4 PNG by their bytes), 1 a URL; the cards
of one person from several clients (ez-vcard's John Doe) become one person with their
photos, 10 people in all."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from kithkin.model import image_type
from kithkin.services import contacts
from kithkin.store import Database, sources
from kithkin.web.app import create_app
from tests.conftest import shared_data

pytestmark = pytest.mark.corpus

INLINE = 14  # cards whose PHOTO is an image in the card itself
LINKED = ("ez-vcard/fullcontact.vcf",)


def test_the_corpora_s_photos_are_kept_and_served_as_images(tmp_path: Path) -> None:
    root = shared_data("contacts", "vcards")
    url = f"sqlite:///{tmp_path / 'photos.db'}"
    db = Database(url)
    done = contacts.import_contacts(db, paths=[root])
    noted = [w for w in done.summary.warnings if "PHOTO" in w.message]
    assert [w.message for w in noted] == [
        "PHOTO is a link, which kithkin does not fetch; left out"
    ] * len(LINKED)
    assert all(w.source_file.endswith(LINKED) for w in noted)
    with db.read() as conn:
        people = sorted(sources.with_photo(conn, range(1, 10_000)))
        kept = sources.photo_hashes(conn, people)
    db.dispose()
    assert len(kept) == INLINE  # every inline photo, once per person that holds it
    assert len(people) >= 2
    with TestClient(create_app(url), base_url="http://127.0.0.1") as client:
        for pid in people:
            served = client.get(f"/people/{pid}/photo")
            assert served.status_code == 200
            assert served.headers["content-type"] == image_type(served.content), pid

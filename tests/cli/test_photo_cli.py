"""`kithkin person photo`: the photo a contacts import kept, saved to a file; the one that is
no image noted by the import and not kept."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

from tests.builders.contacts import vcard
from tests.web.test_photos_web import PNG

Run = Any  # the `run` fixture: (*args, input=None) -> Result


def test_a_photo_imported_from_a_vcard_is_saved_to_a_file(run: Run, tmp_path: Path) -> None:
    photo = base64.b64encode(PNG).decode()
    text = base64.b64encode(b"%PDF-1.4 not a picture").decode()
    cards = tmp_path / "people.vcf"
    cards.write_bytes(
        vcard(
            ("dana", "Dana Whitfield", f"PHOTO;ENCODING=b;TYPE=PNG:{photo}\r\n"),
            ("sam", "Sam Okafor", f"PHOTO;ENCODING=b;TYPE=JPEG:{text}\r\n"),
        )
    )
    imported = run("import", "contacts", str(cards))
    assert imported.code == 0, imported.err
    assert "PHOTO is not a PNG, JPEG, GIF or WebP image; left out" in imported.out + imported.err

    out = tmp_path / "dana.png"
    saved = run("person", "photo", "Dana", "--out", str(out))
    assert saved.code == 0, saved.err
    assert out.read_bytes() == PNG
    assert f"wrote {out} (image/png, {len(PNG)} bytes)" in saved.out
    said = json.loads(run("person", "photo", "Dana", "--out", str(out), "--json").out)
    assert (said["media_type"], said["bytes"]) == ("image/png", len(PNG))

    none = run("person", "photo", "Sam")
    assert none.code != 0 and "has no photo" in none.err

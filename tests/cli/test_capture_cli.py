"""`kithkin capture`: drafts from photos, QR codes, vCards and text, --json, --save with the
story, and one-line errors for what holds no card."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from tests.builders.cards import Style, fonts, identity, qr_png, render

Run = Any  # the `run` fixture: (*args, input=None) -> Result

SIGNATURE = "Priya Rahman · Founder, Copperleaf Labs · priya@copperleaf.example · +44 20 7946 0111"


def test_text_is_shown_as_a_draft_and_saved_with_its_story(run: Run) -> None:
    shown = run("capture", "--text", SIGNATURE, "--json")
    assert shown.code == 0, shown.err
    draft = json.loads(shown.out)["drafts"][0]
    got = {f["kind"]: f["value"] for f in draft["fields"]}
    assert got == {
        "name": "Priya Rahman",
        "title": "Founder",
        "organisation": "Copperleaf Labs",
        "email": "priya@copperleaf.example",
        "phone": "+44 20 7946 0111",
    }
    assert all(0 < f["confidence"] <= 1 for f in draft["fields"])
    assert draft["matches"] == [] and draft["id"] is None

    saved = run(
        "capture", "--text", SIGNATURE, "--save", "--met-at", "Web Summit",
        "--does", "builds boats", "--learned", "rows at dawn",
    )  # fmt: skip
    assert saved.code == 0, saved.err
    assert "added #1 Priya Rahman (3 story facts)" in saved.out
    person = json.loads(run("person", "show", "Priya", "--json").out)
    facts = {(f["field"], f["text"], f["learned_where"]) for f in person["story"]}
    assert facts == {
        ("other", "Met at Web Summit", "Web Summit"),
        ("work", "builds boats", "Web Summit"),
        ("other", "rows at dawn", "Web Summit"),
    }

    again = json.loads(
        run("capture", "--text", "Priya R. · priya@copperleaf.example", "--json").out
    )
    match = again["drafts"][0]["matches"][0]
    assert match["person_id"] == 1 and match["exact"] is True
    assert match["evidence"] == ["same email priya@copperleaf.example"]


def test_a_look_alike_is_proposed_and_added_to_when_asked(run: Run) -> None:
    assert run("person", "add", "Dana Whitfield", "--org", "Northwind").code == 0
    shown = json.loads(
        run("capture", "--text", "Dana Whitfield\nCOO, Northwind\ndana@new.example", "--json").out
    )
    match = shown["drafts"][0]["matches"][0]
    assert match["display_name"] == "Dana Whitfield" and not match["exact"]
    saved = run(
        "capture",
        "--text",
        "Dana Whitfield\ndana@new.example",
        "--save",
        "--into",
        "#1",
        "--no-story",
    )
    assert saved.code == 0, saved.err
    assert "added to #1 Dana Whitfield" in saved.out
    person = json.loads(run("person", "show", "1", "--json").out)
    assert "dana@new.example" in [c["value"] for c in person["contact_points"]]


def test_a_qr_code_and_a_photo_are_saved_with_the_photo(run: Run, tmp_path: Path) -> None:
    code = tmp_path / "code.png"
    code.write_bytes(qr_png("MECARD:N:Okafor,Sam;EMAIL:sam@okafor.example;TEL:+442079460958;;"))
    saved = run("capture", str(code), "--save", "--no-story", "--json")
    assert saved.code == 0, saved.err
    said = json.loads(saved.out)
    assert said["saved"][0]["display_name"] == "Sam Okafor"
    out = tmp_path / "photo.png"
    assert run("person", "photo", "Sam", "--out", str(out)).code == 0
    assert out.read_bytes() == code.read_bytes()


@pytest.mark.usefixtures("ocr")
def test_a_card_photo_is_read(run: Run, tmp_path: Path) -> None:
    rng = random.Random(4)
    person = identity(rng)
    card = tmp_path / "card.jpg"
    card.write_bytes(render(person, Style(fonts()[0], jpeg=85), rng))
    assert run("settings", "region", person.region).code == 0
    shown = run("capture", str(card))
    assert shown.code == 0, shown.err
    assert person.email in shown.out and "card.jpg: ocr" in shown.out


def test_what_holds_no_card_is_one_line_and_the_rest_goes_on(run: Run, tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 4)
    vcf = tmp_path / "one.vcf"
    vcf.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë Østergaard\r\nEMAIL:zoe@x.example\r\nEND:VCARD\r\n"
    )
    result = run("capture", str(junk), str(vcf), "--json")
    assert result.code == 1
    assert json.loads(result.out)["drafts"][0]["fields"][0]["value"] == "Zoë Østergaard"
    assert result.err.strip() == f"error: {junk}: not an image, a vCard or text"


def test_with_save_an_input_without_anyone_is_one_line_and_the_others_are_saved(run: Run) -> None:
    sam, nobody = "Sam Okafor · sam@okafor.example", "Directrice, Beispiel GmbH"
    result = run("capture", "--text", sam, "--text", nobody, "--save", "--no-story")
    assert result.code == 1
    assert "added #1 Sam Okafor" in result.out
    assert result.err.strip() == "error: --text #2: no name, address or number found in the text"

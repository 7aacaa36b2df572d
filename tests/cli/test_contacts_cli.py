"""`kithkin import contacts`, `export contacts`, `people duplicates` and `not-duplicates`."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

Run = Any  # the `run` fixture: (*args, input=None) -> Result

CARDS = """BEGIN:VCARD
VERSION:3.0
UID:card-dana
FN:Dana Whitfield
N:Whitfield;Dana;;;
ORG:Acme
TITLE:CIO
EMAIL;TYPE=work:dana@acme.example
TEL;TYPE=cell:+1 415 555 0123
URL:https://www.linkedin.com/in/danaw
CATEGORIES:circle,cio
NOTE:Met at the CIO forum\\, Lisbon
END:VCARD
BEGIN:VCARD
VERSION:3.0
UID:card-bob
FN:Bob Smith
N:Smith;Bob;;;
ORG:Globex
EMAIL:bob@globex.example
END:VCARD
BEGIN:VCARD
VERSION:3.0
UID:card-robert
FN:Robert Smith
N:Smith;Robert;;;
ORG:Globex Inc.
EMAIL:robert.smith@globex.example
END:VCARD
BEGIN:VCARD
VERSION:3.0
UID:card-empty
NOTE:a card with nothing to import
END:VCARD
"""


def _file(tmp_path: Path, text: str = CARDS, name: str = "contacts.vcf") -> Path:
    path = tmp_path / name
    path.write_text(text.replace("\n", "\r\n"), encoding="utf-8")
    return path


def _counts(out: str) -> dict[str, int]:
    found = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit():
            found[parts[0]] = int(parts[1])
    return found


def test_import_prints_the_summary_with_each_problem_on_one_line(run: Run, tmp_path: Path) -> None:
    path = _file(tmp_path)
    result = run("import", "contacts", str(path))
    assert result.code == 0, result.err
    assert _counts(result.out) == {
        "new": 3,
        "updated": 0,
        "merged": 0,
        "unchanged": 0,
        "skipped": 1,
    }
    problem = next(line for line in result.out.splitlines() if "nothing to import" in line)
    assert problem.startswith(f"{path}: card 4 (line ")
    assert "importing contacts" not in result.err  # no progress bar when stderr is no TTY

    copy = _file(tmp_path, name="copy.vcf")  # the same cards in a file not read yet
    again = json.loads(run("import", "contacts", str(copy), "--json").out)
    assert (again["unchanged"], again["new"], again["skipped"]) == (3, 0, 1)
    assert again["problems"][0]["file"] == str(copy)
    assert again["problems"][0]["place"].startswith("card 4")
    third = run("import", "contacts", str(copy)).out
    assert f"unchanged: {copy.resolve()} (not read again)" in third
    assert _counts(third)["unchanged"] == 3

    dana = json.loads(run("person", "show", "dana@acme.example", "--json").out)
    assert dana["organisation"] == "Acme" and dana["tags"] == ["cio", "circle"]
    assert [n["text"] for n in dana["notes"]] == ["Met at the CIO forum, Lisbon"]
    log = json.loads(run("activity", "--json").out)
    assert [a["action"] for a in log] == ["import.contacts"] * 3


def test_a_zip_and_a_folder_are_walked(run: Run, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    _file(folder)
    (folder / "README.txt").write_text("not contacts", encoding="utf-8")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(folder / "contacts.vcf", "inner/contacts.vcf")
    result = json.loads(run("import", "contacts", str(folder), str(archive), "--json").out)
    # the zip holds the same cards (the same UIDs, the same content): nothing to change
    assert (result["new"], result["unchanged"], result["merged"]) == (3, 3, 0)
    assert result["ignored"] == [str(folder / "README.txt")]


def test_export_then_import_into_a_fresh_database_gives_the_same_people(
    run: Run, tmp_path: Path
) -> None:
    run("import", "contacts", str(_file(tmp_path)))
    run("person", "add", "Zoë Ødegård", "--email", "zoe@fjord.example", "--tag", "board")
    run("note", "add", "zoe", "two lines\nof note; with, punctuation")
    out = tmp_path / "everyone.vcf"
    exported = run("export", "contacts", "--vcard", str(out))
    assert exported.code == 0 and "wrote 4 cards" in exported.err
    assert out.read_text(encoding="utf-8").count("BEGIN:VCARD") == 4

    fresh = tmp_path / "fresh.db"
    result = run("--db", str(fresh), "import", "contacts", str(out), "--json")
    assert json.loads(result.out)["new"] == 4

    def people(*db: str) -> list[dict[str, Any]]:
        found = []
        for summary in json.loads(run(*db, "people", "--json").out):
            person = json.loads(run(*db, "person", "show", f"#{summary['id']}", "--json").out)
            found.append(
                {
                    "names": (person["display_name"], person["given_name"], person["family_name"]),
                    "org": (person["organisation"], person["title"]),
                    "contacts": sorted(
                        (c["kind"], c["value"], c["label"]) for c in person["contact_points"]
                    ),
                    "tags": person["tags"],
                    "notes": sorted(n["text"] for n in person["notes"]),
                }
            )
        return found

    assert people("--db", str(fresh)) == people()


def test_duplicates_are_proposed_with_evidence_and_can_be_dismissed(
    run: Run, tmp_path: Path
) -> None:
    run("import", "contacts", str(_file(tmp_path)))
    listed = run("people", "duplicates")
    assert listed.code == 0
    assert listed.out.splitlines() == [
        "0.90  #2 Bob Smith (Globex)  ~  #3 Robert Smith (Globex Inc.)",
        "      same organisation Globex; names Bob Smith ~ Robert Smith (nickname)",
    ]
    assert "1 likely duplicates among 3 people" in listed.err
    data = json.loads(run("people", "duplicates", "--json").out)
    assert data["pairs"][0]["a"]["display_name"] == "Bob Smith"
    assert data["pairs"][0]["score"] == 0.9
    assert data["all_pairs"] == 3 and data["compared"] <= 3
    assert (
        json.loads(run("people", "duplicates", "--min-score", "0.95", "--json").out)["pairs"] == []
    )

    dismissed = run("people", "not-duplicates", "Bob Smith", "#3")
    assert dismissed.out.strip() == "#2 and #3 are not the same person"
    assert run("people", "duplicates").out == ""
    again = run("people", "not-duplicates", "#3", "#2")
    assert "already noted" in again.out


def test_merging_a_proposed_pair_keeps_both_sides(run: Run, tmp_path: Path) -> None:
    run("import", "contacts", str(_file(tmp_path)))
    assert run("person", "merge", "#2", "#3", "--yes").code == 0
    bob = json.loads(run("person", "show", "#2", "--json").out)
    assert {c["value"] for c in bob["contact_points"]} == {
        "bob@globex.example",
        "robert.smith@globex.example",
    }
    assert run("people", "duplicates").out == ""
    assert run("undo").code == 0
    assert "Robert Smith" in run("people", "duplicates").out


def test_people_still_lists_and_searches(run: Run, tmp_path: Path) -> None:
    run("import", "contacts", str(_file(tmp_path)))
    assert [p["display_name"] for p in json.loads(run("people", "smith", "--json").out)] == [
        "Bob Smith",
        "Robert Smith",
    ]
    assert "Dana Whitfield" in run("people", "--tag", "circle").out


def test_a_file_that_is_not_contacts_is_a_problem_not_a_crash(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello", encoding="utf-8")
    result = run("import", "contacts", str(path))
    assert result.code == 0
    assert f"{path}: file: not a contacts file" in result.out
    assert run("import", "contacts", str(tmp_path / "missing.vcf")).code == 2


def test_phones_are_read_in_the_region_given(run: Run, tmp_path: Path) -> None:
    card = "BEGIN:VCARD\nVERSION:3.0\nFN:Olu Ade\nTEL:020 7946 0018\nEND:VCARD\n"
    path = _file(tmp_path, card, "uk.vcf")
    wrong = run("import", "contacts", str(path), "--region", "XX")
    assert wrong.code == 1 and "unknown region 'XX'" in wrong.err
    assert run("import", "contacts", str(path), "--region", "gb").code == 0
    olu = json.loads(run("person", "show", "Olu", "--json").out)
    assert [c["value"] for c in olu["contact_points"]] == ["020 7946 0018"]
    other = "BEGIN:VCARD\nVERSION:3.0\nFN:Olu A.\nTEL:+44 20 7946 0018\nEND:VCARD\n"
    merged = run("import", "contacts", str(_file(tmp_path, other, "intl.vcf")), "--json")
    assert json.loads(merged.out)["merged"] == 1  # one number, written two ways


def test_the_cli_default_score_is_the_resolvers() -> None:
    from kithkin.cli import contacts
    from kithkin.ingest.identity import DEFAULT_MIN_SCORE

    assert contacts._MIN_SCORE == DEFAULT_MIN_SCORE

"""The CLI end to end, in-process, against a temporary database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

Run = Any  # the `run` fixture: (*args, input=None) -> Result


def _add_dana(run: Run) -> None:
    assert run("init", "--name", "Alex Morgan", "--email", "alex@corp.example").code == 0
    result = run(
        "person",
        "add",
        "Dana Whitfield",
        "--org",
        "Acme",
        "--title",
        "CIO",
        "--email",
        "dana@acme.example",
        "--tag",
        "circle",
    )
    assert result.code == 0, result.err
    assert result.out.strip() == "added #1 Dana Whitfield"


def test_add_story_search_show(run: Run) -> None:
    _add_dana(run)
    assert (
        run(
            "story",
            "set",
            "dana",
            "passions",
            "weekends on the water in a sailboat",
            "--where",
            "CIO forum dinner",
            "--learned-on",
            "2026-05-02",
        ).code
        == 0
    )
    assert run("note", "add", "dana@acme.example", "prefers calls before 9").code == 0
    logged = run("log", "coffee", "Dana", "--subject", "sailing season", "--at", "2026-11-01T08:30")
    assert logged.code == 0 and "logged coffee #1" in logged.out

    hits = json.loads(run("search", "sailboat", "--json").out)
    assert [h["person"]["display_name"] for h in hits] == ["Dana Whitfield"]
    assert run("search", "sailing").err.strip() == "nothing matches 'sailing'"

    shown = json.loads(run("person", "show", "#1", "--json").out)
    assert shown["organisation"] == "Acme"
    assert shown["story"][0]["learned_where"] == "CIO forum dinner"
    assert shown["story_gaps"] == ["work", "origin", "education", "drivers"]
    assert shown["story_completeness"] == pytest.approx(0.2)
    assert [n["text"] for n in shown["notes"]] == ["prefers calls before 9"]
    assert any(e["summary"].startswith("coffee ↔ sailing season") for e in shown["timeline"])

    text = run("person", "show", "Dana").out
    assert "you don't know where they went to school" in text
    assert "sailboat" in text and "dana@acme.example" in text

    story_json = json.loads(run("story", "show", "dana", "--json").out)
    assert story_json["story"]["passions"][0]["text"] == "weekends on the water in a sailboat"


def test_people_list_filters_and_json(run: Run) -> None:
    _add_dana(run)
    run("person", "add", "Sam Okafor", "--org", "Globex")
    listed = json.loads(run("people", "--json").out)
    assert [p["display_name"] for p in listed] == ["Dana Whitfield", "Sam Okafor"]
    assert [p["display_name"] for p in json.loads(run("people", "globex", "--json").out)] == [
        "Sam Okafor"
    ]
    circle = json.loads(run("people", "--tag", "circle", "--json").out)
    assert [p["tags"] for p in circle] == [["circle"]]


def test_edit_merge_delete_undo(run: Run) -> None:
    _add_dana(run)
    run("person", "add", "D. Whitfield", "--email", "dw@home.example")
    edited = run(
        "person",
        "edit",
        "Dana Whitfield",
        "--title",
        "CTO",
        "--add-phone",
        "+1 555 0100",
        "--tag",
        "board",
        "--untag",
        "circle",
    )
    assert edited.code == 0, edited.err
    assert "title changed" in edited.out and "tagged board" in edited.out
    shown = json.loads(run("person", "show", "1", "--json").out)
    assert shown["title"] == "CTO" and shown["tags"] == ["board"]

    assert run("person", "merge", "#1", "#2", "--yes").code == 0
    assert json.loads(run("stats", "--json").out)["people"] == 1
    assert run("person", "show", "dw@home.example", "--json").code == 0
    assert "merged D. Whitfield" in run("undo").out
    assert json.loads(run("stats", "--json").out)["people"] == 2

    assert "kithkin undo brings them back" in run("person", "delete", "#2").out
    trash = json.loads(run("trash", "--json").out)
    assert [t["person"]["id"] for t in trash] == [2]
    assert run("trash", "restore", "2").code == 0
    assert run("trash").out.strip() == "the trash is empty"
    activity = json.loads(run("activity", "--json").out)
    assert activity[0]["action"] == "person.restore"


def test_ambiguous_and_unknown_names_are_one_clear_line_each(run: Run) -> None:
    _add_dana(run)
    run("person", "add", "Dana Okafor")
    ambiguous = run("person", "show", "dana")
    assert ambiguous.code == 1
    assert "'dana' fits 2 people; say which:" in ambiguous.err
    assert "#1  Dana Whitfield" in ambiguous.err and "#2  Dana Okafor" in ambiguous.err
    unknown = run("note", "add", "Zed", "hello")
    assert (unknown.code, unknown.err.strip()) == (1, "error: nobody called 'Zed'")
    bad_field = run("story", "set", "#1", "hobbies", "x")
    assert bad_field.code == 2 and "Invalid value for 'FIELD'" in bad_field.err
    bad_date = run("story", "set", "#1", "origin", "Porto", "--learned-on", "whenever")
    assert bad_date.code == 2
    assert bad_date.err.strip().startswith("Error: --learned-on: 'whenever' is not a date (try")
    assert len(bad_date.err.strip().splitlines()) == 1
    conflict = run("person", "add", "Copy", "--email", "DANA@acme.example")
    assert conflict.code == 1 and "already belongs to Dana Whitfield" in conflict.err
    assert "Traceback" not in ambiguous.err + unknown.err + conflict.err


def test_export_and_import_backup_round_trip(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _add_dana(run)
    run("story", "set", "dana", "origin", "grew up in Porto")
    out = tmp_path / "backup.json"
    assert run("export", "-o", str(out)).code == 0
    first = json.loads(out.read_text())["tables"]
    monkeypatch.setenv("KITHKIN_DB", str(tmp_path / "new.db"))
    restored = run("import", "backup", str(out), "--json")
    assert restored.code == 0, restored.err
    assert json.loads(restored.out)["person"] == 1
    second = json.loads(run("export").out)["tables"]
    assert second == first
    again = run("import", "backup", str(out))
    assert again.code == 1 and "not empty" in again.err and "person" in again.err


def test_db_option_wins_over_environment(run: Run, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    assert run("--db", str(other), "person", "add", "Only Here").code == 0
    assert json.loads(run("--db", str(other), "stats", "--json").out)["people"] == 1
    assert json.loads(run("stats", "--json").out)["people"] == 0


def test_help_is_fast_because_heavy_modules_load_lazily(tmp_path: Path) -> None:
    code = (
        "import sys; from kithkin.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "heavy = [m for m in ('sqlalchemy', 'fastapi', 'alembic', 'uvicorn', 'jinja2') "
        "if m in sys.modules]\nprint('HEAVY', heavy)"
    )
    env = {**os.environ, "KITHKIN_DB": str(tmp_path / "x.db")}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert "HEAVY []" in done.stdout
    assert not (tmp_path / "x.db").exists()  # --help opens no database


def test_python_dash_m_works(tmp_path: Path) -> None:
    env = {**os.environ, "KITHKIN_DB": str(tmp_path / "x.db")}
    done = subprocess.run(
        [sys.executable, "-m", "kithkin", "stats", "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    assert json.loads(done.stdout)["people"] == 0

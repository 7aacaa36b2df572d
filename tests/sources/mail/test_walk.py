"""Walking a mail folder: symbolic links (loops, dangling, out of the folder), folders met
twice, folders that cannot be listed; each is one problem naming its path, the rest is read.
And the plan is a stream: the first tasks come before the last folder is listed."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kithkin.sources.mail import MessageRecord, SourceProblem, read_mail, walk


def mail(n: int) -> bytes:
    return f"From: Dana <dana@example.org>\nSubject: m{n}\nMessage-ID: <{n}@x>\n\nbody\n".encode()


def maildir(base: Path, numbers: list[int]) -> None:
    for part in ("cur", "new", "tmp"):
        (base / part).mkdir(parents=True, exist_ok=True)
    for n in numbers:
        (base / "cur" / f"{1_700_000_000 + n}.M{n}P1.test:2,S").write_bytes(mail(n))


def split(path: Path) -> tuple[list[str], dict[str, str]]:
    """The subjects read, and each problem's message by the path it names (relative)."""
    subjects, problems = [], {}
    for item in read_mail(path):
        if isinstance(item, MessageRecord):
            subjects.append(item.subject or "")
        else:
            assert isinstance(item, SourceProblem)
            problems[os.path.relpath(item.source_file, path)] = f"{item.place}: {item.message}"
    return sorted(subjects), problems


def test_a_symlink_loop_is_reported_and_the_mail_beside_it_read(tmp_path: Path) -> None:
    """It made the whole folder 'cannot be listed' (ELOOP), the valid mail beside it lost."""
    root = tmp_path / "Mail"
    maildir(root, [1, 2])
    maildir(root / ".Archive", [3])
    os.symlink("b", root / "a")  # a -> b -> a: stat fails with ELOOP
    os.symlink("a", root / "b")
    os.symlink(".", root / "self")  # the folder itself, again
    os.symlink("..", root / ".Archive" / "up")  # the root, from below
    subjects, problems = split(root)
    assert subjects == ["m1", "m2", "m3"]
    assert problems == {
        "a": "link: a symbolic link loop: skipped",
        "b": "link: a symbolic link loop: skipped",
        "self": f"folder: a folder met before, as {root}: read once",
        ".Archive/up": f"folder: a folder met before, as {root}: read once",
    }


def test_links_to_nothing_or_out_of_the_folder_are_reported(tmp_path: Path) -> None:
    root, outside = tmp_path / "Mail", tmp_path / "elsewhere"
    maildir(root, [1])
    maildir(outside, [7])
    os.symlink("gone", root / "cur" / "dangling:2,S")
    os.symlink(outside / "cur" / os.listdir(outside / "cur")[0], root / "cur" / "x.eml")
    os.symlink(outside, root / "Other")
    subjects, problems = split(root)
    assert subjects == ["m1"]  # nothing read from outside the folder imported
    real = os.path.realpath(outside)
    assert problems == {
        "cur/dangling:2,S": "link: a symbolic link to nothing (gone): skipped",
        "cur/x.eml": (
            f"link: a symbolic link to a file out of the folder: {real}/cur/"
            + os.listdir(outside / "cur")[0]
        ),
        "Other": f"link: a symbolic link to a folder out of the folder: {real}",
    }


def test_a_link_to_a_folder_inside_is_followed_and_the_folder_read_once(tmp_path: Path) -> None:
    root = tmp_path / "Mail"
    maildir(root / "Lists", [1])
    maildir(root / "Work", [2])
    os.symlink("Work", root / "Alias")  # listed after the real folders: Work keeps its name
    os.symlink("../Lists/cur/" + os.listdir(root / "Lists" / "cur")[0], root / "Work" / "x.eml")
    items = list(read_mail(root))
    records = [i for i in items if isinstance(i, MessageRecord)]
    assert sorted((r.folder, r.subject) for r in records) == [
        ("Lists", "m1"),
        ("Work", "m1"),  # the linked file, in the folder it was found in
        ("Work", "m2"),
    ]
    (problem,) = [i for i in items if isinstance(i, SourceProblem)]
    assert problem.source_file == str(root / "Alias")
    assert problem.message == f"a folder met before, as {root / 'Work'}: read once"


def _as_unprivileged(path: Path) -> tuple[list[str], dict[str, str]]:
    """`split(path)` in a process that file permissions bind: root reads any folder, so as
    root the reading runs with its capabilities to bypass them dropped (setpriv)."""
    if os.geteuid() != 0:
        return split(path)
    setpriv = shutil.which("setpriv")
    assert setpriv is not None, "running as root, the test needs setpriv to drop privileges"
    code = (
        "import json, sys\n"
        "from tests.sources.mail.test_walk import split\n"
        "print(json.dumps(split(__import__('pathlib').Path(sys.argv[1]))))\n"
    )
    caps = "-dac_override,-dac_read_search"
    command = [setpriv, f"--bounding-set={caps}", f"--inh-caps={caps}", sys.executable]
    done = subprocess.run(
        [*command, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[3],
    )
    subjects, problems = json.loads(done.stdout)
    return subjects, problems


@pytest.fixture
def locked_folder(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "Mail"
    maildir(root, [1])
    maildir(root / "Locked", [2])
    maildir(root / "Open", [3])
    (root / "Locked").chmod(0)
    yield root
    (root / "Locked").chmod(0o755)


def test_an_unreadable_subfolder_is_reported_and_the_rest_read(locked_folder: Path) -> None:
    subjects, problems = _as_unprivileged(locked_folder)
    assert subjects == ["m1", "m3"]
    assert problems == {"Locked": "folder: cannot be listed: Permission denied"}


def test_the_folder_mark_enters_each_folder_once(tmp_path: Path) -> None:
    root = tmp_path / "Mail"
    maildir(root / "Inbox", [1])
    os.symlink("..", root / "Inbox" / "up")  # not followed: the mark is that of the tree
    old = os.stat(root).st_mtime_ns - 10**10
    for directory, _, _ in os.walk(root):
        os.utime(directory, ns=(old, old))
    mark = walk.folder_mark(str(root))
    assert mark is not None and mark == walk.folder_mark(str(root))
    os.unlink(root / "Inbox" / "up")
    os.utime(root / "Inbox", ns=(old, old))
    assert walk.folder_mark(str(root)) == mark  # the link added nothing to it


def test_the_plan_is_a_stream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first tasks come before later folders are listed: a folder's files are not all
    gathered before reading begins."""
    for name in ("A", "B", "C"):
        maildir(tmp_path / name, list(range(300)))
    listed: list[str] = []
    listing = walk._Walk._list

    def spy(self: walk._Walk, directory: str) -> walk._Listing:
        listed.append(os.path.relpath(directory, tmp_path))
        return listing(self, directory)

    monkeypatch.setattr(walk._Walk, "_list", spy)
    tasks = walk.plan(tmp_path)
    first = next(tasks)
    assert isinstance(first, walk.FileBatch) and len(first.files) == walk.BATCH
    assert "C" not in listed and "C/cur" not in listed
    assert sum(len(t.files) for t in tasks if isinstance(t, walk.FileBatch)) == 900 - walk.BATCH


# --- any tree of folders, files and links ---------------------------------------------------

_NODES = st.lists(
    st.tuples(
        st.sampled_from(["dir", "file", "link"]),
        st.integers(0, 6),  # parent: an earlier folder (0 is the root)
        st.integers(0, 9),  # a link's target: a node, the outside, or nothing
    ),
    max_size=14,
)


@given(_NODES)
def test_any_tree_of_links_is_walked_to_its_end(nodes: list[tuple[str, int, int]]) -> None:
    """Whatever links a tree holds: the walk ends, every message file in a real folder of it
    is read, nothing outside it is, and every link left out is one problem naming it."""
    with tempfile.TemporaryDirectory() as work:
        base = Path(work)
        outside, root = base / "outside", base / "root"
        outside.mkdir()
        (outside / "o.eml").write_bytes(mail(999))
        root.mkdir()
        folders, made = [root], [root]
        for number, (kind, parent, target) in enumerate(nodes):
            where = folders[parent % len(folders)] / f"n{number}"
            if kind == "dir":
                where.mkdir()
                folders.append(where)
            elif kind == "file":
                where.write_bytes(mail(number))
            else:
                choices = [*made, outside, outside / "o.eml", base / "nothing", where]
                os.symlink(choices[target % len(choices)], where)
            made.append(where)
        items = list(read_mail(root))
        read = {os.path.realpath(i.source_file) for i in items if isinstance(i, MessageRecord)}
        real_files = {
            os.path.realpath(os.path.join(d, f))
            for d, _, files in os.walk(root)
            for f in files
            if not os.path.islink(os.path.join(d, f))
        }
        assert real_files <= read
        assert all(path.startswith(os.path.realpath(root) + os.sep) for path in read)
        problems = [i for i in items if isinstance(i, SourceProblem)]
        assert all(p.place in ("link", "folder") for p in problems)
        assert len({p.source_file for p in problems}) == len(problems)


# --- the names of a large folder ------------------------------------------------------------

_NAME = st.text(st.characters(exclude_characters="\0/", exclude_categories=("Cs",)), min_size=1)


@given(st.lists(_NAME, unique=True), st.integers(1, 7))
def test_names_kept_in_runs_read_back_in_order(names: list[str], run: int) -> None:
    """A folder's names, kept as sorted runs of strings: read back merged, in reading order
    (numbers by value, then the rest by code point), each found by `in`. (It found that a
    file named "¹", a digit to `isdigit` but not to `int`, stopped the whole walk.)"""
    kept = walk._Names()
    for start in range(0, len(names), run):
        kept.add_run(names[start : start + run])
    assert list(kept) == sorted(names, key=walk._order)
    assert all(name in kept for name in names)
    assert "\0".join(names) + "x" not in kept or len(names) == 0
    numbered = [n for n in list(kept) if n.rstrip(".").isascii() and n.rstrip(".").isdigit()]
    assert list(kept)[: len(numbered)] == numbered  # "2" before "10", before any other name


def test_a_file_named_by_a_digit_int_cannot_read_is_read(tmp_path: Path) -> None:
    """ "¹" is a digit to `str.isdigit`, not to `int`: the walk stopped with a ValueError."""
    for name, n in (("¹", 1), ("2", 2), ("10", 3)):
        (tmp_path / name).write_bytes(mail(n))
    subjects = [i.subject for i in read_mail(tmp_path) if isinstance(i, MessageRecord)]
    assert subjects == ["m2", "m3", "m1"]

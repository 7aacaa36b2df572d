"""Share histories from social-network exports, as `SocialPost`s: what I posted of my own and
what I amplified of others'.

`read_social(path)` walks a file, a directory (sorted) or a zip archive (members sorted,
named "archive.zip!inner/path") and tells each file's format from its content, not its name
(one registry entry a format, see `FORMATS`):

- Mastodon: the account archive's `outbox.json` (ActivityStreams): `Create` is an own post (a
  reply is still own; a quote of someone else's post is amplification with a comment),
  `Announce` a boost of the post its object names; direct messages are no share.
- Bluesky: a repository export (CAR v1, DAG-CBOR, decoded by libipld): posts, reposts, quotes.
- X/Twitter: `tweets.js`, `tweet.js`, `tweets-part1.js` (`window.YTD... = [...]`): retweets,
  quote tweets (a status link to someone else), replies, own tweets.
- LinkedIn: `Shares.csv` / `Shares_<id>.csv`: a shared URL without commentary is a reshare,
  commentary on a shared URL amplification with a comment, commentary alone an own post.

A file named on its own that is none of them is a `SourceProblem`; inside a directory or an
archive it is ignored. Files larger than `MAX_FILE_BYTES` are refused with a problem.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from kithkin.sources import bluesky, linkedin_shares, mastodon, twitter
from kithkin.sources.records import SourceProblem
from kithkin.sources.social_common import Context, Item, Reader

MAX_FILE_BYTES = 256 * 1024 * 1024  # a file (or a zip member) larger than this is not read
MAX_FILES = 20_000  # files of one folder or archive looked at, at most
# Inside a folder or an archive only these are looked at (an X archive holds its media too);
# a file named on its own is read whatever its name.
EXPORT_SUFFIXES = (".json", ".js", ".car", ".csv", ".zip")


def detect(head: bytes) -> str | None:
    """The social format of a file from its first bytes (up to 4 KiB), or None."""
    for name, test in (
        ("bluesky", bluesky.looks_like),
        ("mastodon", mastodon.looks_like),
        ("x", twitter.looks_like),
        ("x-account", twitter.looks_like_account),
        ("linkedin", linkedin_shares.looks_like),
    ):
        if test(head):
            return name
    return None


def _readers() -> dict[str, Reader]:
    return {
        "mastodon": mastodon.read_outbox,
        "bluesky": bluesky.read_car,
        "x": twitter.read_tweets,
        "linkedin": linkedin_shares.read_shares,
    }


def read_social(path: Path, context: Context | None = None) -> Iterator[Item]:
    """Every share in the file, directory or zip archive at `path`."""
    context = context or Context()
    if not path.exists():
        yield SourceProblem(str(path), "file", "no such file or directory")
        return
    if path.is_dir():
        files: list[Path] = []
        for found in path.rglob("*"):
            if found.suffix.lower() in EXPORT_SUFFIXES and found.is_file():
                files.append(found)
                if len(files) > MAX_FILES:
                    yield SourceProblem(str(path), "folder", _too_many())
                    return
        named = [(str(p), _loader(p)) for p in sorted(files)]
        yield from _read_many(named, context)
        return
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            yield SourceProblem(str(path), "file", _too_large(size))
            return
        data = path.read_bytes()
    except OSError as exc:
        yield SourceProblem(str(path), "file", f"cannot read: {exc.strerror or exc}")
        return
    yield from read_social_bytes(data, str(path), context)


def read_social_bytes(data: bytes, name: str, context: Context | None = None) -> Iterator[Item]:
    """Every share in `data`, one file named `name` on its own (a zip archive is walked)."""
    context = context or Context()
    if data[:4] == b"PK\x03\x04":
        yield from _read_zip(data, name, context)
        return
    found = detect(data[:4096])
    if found is None or found == "x-account":
        yield SourceProblem(
            name,
            "file",
            "not a social export kithkin reads (a Mastodon outbox.json or archive, a Bluesky "
            "repository .car, an X tweets.js or archive, a LinkedIn Shares.csv)",
        )
        return
    yield from _readers()[found](data, name, context)


def _loader(path: Path) -> Callable[[], bytes | SourceProblem]:
    def load() -> bytes | SourceProblem:
        try:
            size = path.stat().st_size
            if size > MAX_FILE_BYTES:
                return SourceProblem(str(path), "file", _too_large(size))
            return path.read_bytes()
        except OSError as exc:
            return SourceProblem(str(path), "file", f"cannot read: {exc.strerror or exc}")

    return load


def _read_zip(data: bytes, name: str, context: Context) -> Iterator[Item]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = sorted(
            (i for i in archive.infolist() if not i.is_dir() and _exported(i.filename)),
            key=lambda i: i.filename,
        )
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        yield SourceProblem(name, "file", f"not a readable zip archive: {exc}")
        return

    def loader(info: zipfile.ZipInfo) -> Callable[[], bytes | SourceProblem]:
        def load() -> bytes | SourceProblem:
            where = f"{name}!{info.filename}"
            if info.file_size > MAX_FILE_BYTES:
                return SourceProblem(where, "file", _too_large(info.file_size))
            try:
                with archive.open(info) as member:
                    content = member.read(MAX_FILE_BYTES + 1)
            except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
                return SourceProblem(where, "file", f"cannot read from the archive: {exc}")
            if len(content) > MAX_FILE_BYTES:
                return SourceProblem(where, "file", _too_large(len(content)))
            return content

        return load

    if len(infos) > MAX_FILES:
        yield SourceProblem(name, "file", _too_many())
        return
    named = [(f"{name}!{i.filename}", loader(i)) for i in infos]
    yield from _read_many(named, context, in_archive=True)


def _read_many(
    named: list[tuple[str, Callable[[], bytes | SourceProblem]]],
    context: Context,
    *,
    in_archive: bool = False,
) -> Iterator[Item]:
    """The files of a directory or an archive, one in memory at a time: my X user name first
    (from account.js), then each file of a known format; the others are ignored, and so is an
    archive inside an archive."""
    for name, load in named:
        if name.lower().endswith("account.js"):
            data = load()
            if isinstance(data, bytes) and detect(data[:4096]) == "x-account":
                context.x_username = twitter.username(data) or context.x_username
    readers = _readers()
    for name, load in named:
        data = load()
        if isinstance(data, SourceProblem):
            yield data
            continue
        if data[:4] == b"PK\x03\x04":
            if in_archive:  # an archive in an archive is not opened (nor a bomb)
                context.ignored.append(name)
            else:
                yield from _read_zip(data, name, context)
            continue
        found = detect(data[:4096])
        if found is None or found == "x-account":
            context.ignored.append(name)
            continue
        yield from readers[found](data, name, context)


def _exported(name: str) -> bool:
    return name.lower().endswith(EXPORT_SUFFIXES)


def _too_many() -> str:
    return f"more than {MAX_FILES:,} files that could be exports: name the export itself"


def _too_large(size: int) -> str:
    return f"{size:,} bytes: larger than the {MAX_FILE_BYTES:,} kithkin reads from one file"

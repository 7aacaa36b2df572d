"""The tone check of a draft (practice P10), for the CLI, the web page, the API and every
place kithkin shows a draft: `check_tone(db, text, to=...)`.

With a recipient, the ledger says whether I have ever helped them: a favour asked of someone
I never helped is flagged, with the nudge to give first.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Final

from kithkin.errors import InvalidInput
from kithkin.model import Record, record
from kithkin.practices import tone as practice
from kithkin.practices.tone import Flag as Flag
from kithkin.practices.tone import Tone as Tone
from kithkin.services.common import PersonRef, person_id

if TYPE_CHECKING:
    from kithkin.store import Database


MAX_READ: Final = 2_000_000  # bytes of a draft file read: past that, its start only


@record
class ToneCheck(Record):
    source: str  # the file's name, "-", or "draft"
    tone: Tone
    to: str | None = None  # the recipient's name
    to_id: int | None = None
    helped: int = 0  # help given to the recipient, from the ledger


def check_tone(
    db: Database | None,
    text: str,
    to: PersonRef | None = None,
    *,
    source: str = "draft",
    outreach: bool = True,
) -> ToneCheck:
    """Check a draft; `to` (with a database) brings the ledger in."""
    name: str | None = None
    pid: int | None = None
    helped = 0
    if to is not None and str(to).strip() and db is not None:
        from kithkin.store import people
        from kithkin.store import service as store

        with db.read() as conn:
            pid = person_id(conn, to)
            name = people.get_person(conn, pid).display_name
            helped = store.balances(conn, person_id=pid).get(pid, (0, 0))[0]
    tone = practice.check(
        text,
        rules=rules_in_use(),
        never_helped=name if name and not helped else None,
        outreach=outreach,
    )
    return ToneCheck(source=source, tone=tone, to=name, to_id=pid, helped=helped)


RULES_ENV: Final = "KITHKIN_TONE_RULES"  # a rules file of your own, in place of the shipped one


def rules_in_use() -> practice.Rules:
    """The shipped rules, or the file `KITHKIN_TONE_RULES` names (a copy of
    `kithkin/practices/tone_rules.toml` to edit); a file that cannot be read or parsed is a
    one-line error naming it."""
    import os

    path = os.environ.get(RULES_ENV, "").strip()
    if not path:
        return practice.default_rules()
    try:
        return practice.parse_rules(Path(path).read_text("utf-8"), where=path)
    except OSError as exc:
        raise InvalidInput(f"{path} ({RULES_ENV}): {exc.strerror or exc}") from None
    except ValueError as exc:  # tomllib's errors are ValueErrors too, with line and column
        message = str(exc) if str(exc).startswith(path) else f"{path}: {exc}"
        raise InvalidInput(message) from None


def check_file(db: Database | None, raw: bytes, *, source: str, to: PersonRef | None) -> ToneCheck:
    """A draft file: plain text, HTML or a whole mail message (its body is checked)."""
    from kithkin.sources.draft import text_of

    if b"\x00" in raw[:8192]:
        raise InvalidInput(f"{source}: not a text, HTML or mail file (it holds binary data)")
    return check_tone(db, text_of(raw), to, source=source)


def to_json(found: ToneCheck) -> dict[str, object]:
    tone = found.tone
    return {
        "source": found.source,
        "score": tone.score,
        "threshold": tone.threshold,
        "salesy": tone.salesy,
        "words": tone.words,
        "reading_ease": tone.reading_ease,
        "asks": tone.asks,
        "truncated": tone.truncated,
        "to": found.to,
        "to_id": found.to_id,
        "helped": found.helped,
        "flags": [
            {
                "rule": f.rule,
                "kind": f.kind,
                "why": f.why,
                "instead": f.instead,
                "hits": f.hits,
                "weight": round(f.weight, 3),
            }
            for f in tone.flags
        ],
    }

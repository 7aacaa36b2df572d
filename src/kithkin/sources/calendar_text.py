"""The text of an .ics file cut into its calendars and their components, tolerantly.

An iCalendar file is content lines (`NAME;PARAM=x:value`), folded (a line that starts with a
space or a tab continues the one before), grouped by `BEGIN:X` ... `END:X`. This module reads
only that structure, without interpreting a value, so that the reader can parse each
component on its own: one broken event is one problem, and a file cut short (no END lines)
still gives every complete component before the cut, with a problem that says where it ends.

    calendars, troubles = split_calendars(text)
    for calendar in calendars:
        calendar.header  # the calendar's own property lines (VERSION, PRODID, CALSCALE, ...)
        calendar.blocks  # its top-level components: Block(name, line, text, uid), complete
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_DEPTH = 8  # VCALENDAR > VEVENT > VALARM is 3 deep; nothing real comes near 8
TOP_LEVEL = {"VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VAVAILABILITY"}
MAX_LINE = 1024 * 1024  # characters of one unfolded line; longer ones (inline files) are dropped
_LINE_BREAK = re.compile(r"\r\n|\n|\r")


@dataclass(frozen=True)
class Block:
    """One top-level component of a calendar, exactly as written (unfolded, CRLF-joined)."""

    name: str  # VEVENT, VTIMEZONE, VTODO, ...
    line: int  # the line of its BEGIN (1-based)
    text: str
    uid: str | None  # the value of its first UID line, for messages

    @property
    def place(self) -> str:
        what = self.name.lower().removeprefix("v") or "component"
        return f"line {self.line} ({what} {self.uid})" if self.uid else f"line {self.line}"


@dataclass
class CalendarText:
    line: int
    header: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Trouble:
    """Something wrong with the file's structure: where, and what was done about it."""

    place: str
    message: str


def split_calendars(text: str) -> tuple[list[CalendarText], list[Trouble]]:
    """The calendars of `text` with their complete top-level components, and the troubles:
    a component cut off by the end of the file, an END that closes nothing, a component
    nested deeper than MAX_DEPTH (skipped), a calendar without its END:VCALENDAR."""
    return _Splitter().run(text)


@dataclass
class _Open:
    name: str
    line: int
    lines: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)  # the components open inside it
    uid: str | None = None
    broken: str | None = None  # why it is skipped, once complete


class _Splitter:
    def __init__(self) -> None:
        self.calendars: list[CalendarText] = []
        self.troubles: list[Trouble] = []
        self.calendar: CalendarText | None = None
        self.block: _Open | None = None
        self.stray: int | None = None  # the first line of content outside any calendar

    def run(self, text: str) -> tuple[list[CalendarText], list[Trouble]]:
        last = 0
        for number, line in _logical_lines(text):
            last = number
            self._line(number, line)
        self._end_of_file(last)
        if self.stray is not None:
            where = f"line {self.stray}"
            self.troubles.append(Trouble(where, "text outside BEGIN:VCALENDAR ... END:VCALENDAR"))
        return self.calendars, self.troubles

    def _line(self, number: int, line: str) -> None:
        if len(line) > MAX_LINE:
            what = f"a line of {len(line):,} characters (over {MAX_LINE:,}): dropped"
            self.troubles.append(Trouble(f"line {number}", what))
            return
        name, _, value = _name_and_value(line)
        if name == "BEGIN":
            self._begin(number, value.strip().upper(), line)
        elif name == "END":
            self._end(number, value.strip().upper(), line)
        elif self.block is not None:
            self.block.lines.append(line)
            if name == "UID" and self.block.uid is None and not self.block.names:
                self.block.uid = " ".join(value.split())[:200] or None
        elif self.calendar is not None:
            self.calendar.header.append(line)
        elif line.strip() and self.stray is None:
            self.stray = number

    def _begin(self, number: int, name: str, line: str) -> None:
        block = self.block
        if block is not None:
            if name == "VCALENDAR":
                self._cut(block, f"line {number}: a new BEGIN:VCALENDAR")
                self._close_calendar(number, "a new BEGIN:VCALENDAR")
                self.calendar = CalendarText(number)
                return
            if name in TOP_LEVEL and name == block.name and not block.names:
                # an event inside an event: the first lost its END (a file spliced or cut)
                self._cut(block, f"line {number}: BEGIN:{name}")
                self.block = _Open(name, number, [line])
                return
            block.lines.append(line)
            block.names.append(name)
            if len(block.names) + 2 > MAX_DEPTH and block.broken is None:
                block.broken = f"components nested more than {MAX_DEPTH} deep: skipped"
            return
        if name == "VCALENDAR":
            if self.calendar is not None:
                self._close_calendar(number, "a new BEGIN:VCALENDAR")
            self.calendar = CalendarText(number)
        elif self.calendar is None:
            self.stray = number if self.stray is None else self.stray
        else:
            self.block = _Open(name, number, [line])

    def _end(self, number: int, name: str, line: str) -> None:
        block = self.block
        if block is None:
            if name == "VCALENDAR" and self.calendar is not None:
                self.calendars.append(self.calendar)
                self.calendar = None
            elif self.calendar is not None:
                self.troubles.append(Trouble(f"line {number}", f"END:{name} closes nothing"))
            return
        if name == "VCALENDAR":
            self._cut(block, f"line {number}: END:VCALENDAR")
            self._end(number, name, line)
            return
        block.lines.append(line)
        if not block.names:
            # END closes the innermost component whatever it names, as icalendar reads it
            # (END:VTOOD for END:VTODO is seen in real files)
            self._finish(block)
        elif name in block.names:
            while block.names.pop() != name:
                pass
        else:
            block.names.pop()

    def _finish(self, block: _Open) -> None:
        self.block = None
        done = Block(block.name, block.line, "\r\n".join(block.lines) + "\r\n", block.uid)
        if block.broken is not None:
            self.troubles.append(Trouble(done.place, block.broken))
        elif self.calendar is not None:
            self.calendar.blocks.append(done)

    def _cut(self, block: _Open, where: str) -> None:
        self.block = None
        place = Block(block.name, block.line, "", block.uid).place
        self.troubles.append(Trouble(place, f"no END:{block.name} before {where}: skipped"))

    def _close_calendar(self, number: int, why: str) -> None:
        if self.calendar is not None:
            self.troubles.append(
                Trouble(
                    f"line {self.calendar.line}",
                    f"calendar without END:VCALENDAR before {why} at line {number}",
                )
            )
            self.calendars.append(self.calendar)
            self.calendar = None

    def _end_of_file(self, last: int) -> None:
        block = self.block
        if block is not None:
            self.block = None
            place = Block(block.name, block.line, "", block.uid).place
            self.troubles.append(
                Trouble(
                    place,
                    f"truncated: the file ends (line {last}) before END:{block.name}; "
                    "this component is skipped, the complete ones before it are read",
                )
            )
        if self.calendar is not None:
            if block is None:
                self.troubles.append(
                    Trouble(f"line {last}", "truncated: the file ends before END:VCALENDAR")
                )
            self.calendars.append(self.calendar)
            self.calendar = None


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """The unfolded content lines of `text`, each with the number of its first physical line."""
    out: list[tuple[int, str]] = []
    parts: list[str] = []
    start = 0
    for number, physical in enumerate(_LINE_BREAK.split(text), start=1):
        if physical[:1] in (" ", "\t") and parts:
            parts.append(physical[1:])
            continue
        if parts:
            out.append((start, "".join(parts)))
        parts, start = [physical], number
    if parts:
        out.append((start, "".join(parts)))
    return [(number, line) for number, line in out if line.strip()]


def _name_and_value(line: str) -> tuple[str, str, str]:
    """The property name (upper case), its parameters and its value; names end at ; or :."""
    head, colon, value = line.partition(":")
    if not colon:
        return "", "", ""
    name, _, params = head.partition(";")
    return name.strip().upper(), params, value

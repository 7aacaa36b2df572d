"""Mail and calendars in from the browser: the page `/import/mail` and the API
`/api/import/mail` (start, follow) and `/api/import/calendar`.

A mail import runs in a thread of the server, since a large mailbox takes minutes: the page
and `GET /api/import/mail/{id}` follow it (messages read so far, their rate) until it ends
with the summary `kithkin import mail --json` prints. One mail import runs at a time, across
all the worker processes of a server (`serve --workers N`): their jobs are then kept as small
JSON files in a folder they share, so any worker answers for any import. The
locations are paths on this computer (the server is the user's own, on 127.0.0.1) or IMAP
URLs; an IMAP password comes from KITHKIN_IMAP_PASSWORD or the system keyring, else from the
form, and is then kept in memory for that import only: never stored, logged or shown.
A calendar import runs in the request, in the server's thread pool (never on its event
loop, so other requests are answered meanwhile), and is bounded: only a window of
occurrences is read, at most so many of one event, and what was cut is in the summary.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool
from starlette.responses import HTMLResponse, RedirectResponse

from kithkin import clock
from kithkin.errors import Conflict, InvalidInput, KithkinError, NotFound
from kithkin.model import SOLO, Actor
from kithkin.services.locations import without_passwords
from kithkin.services.team import is_team
from kithkin.store import Database
from kithkin.web import guard
from kithkin.web.render import Form, checked_form, database, redirect, render
from kithkin.web.schemas import ErrorOut

KEPT: Final = 20  # finished imports the page and the API still show
PUBLISH_EVERY: Final = 0.25  # seconds between two progress files of a shared job
Posted = Annotated[Form, Depends(checked_form)]


@dataclass(frozen=True)
class MailJobView:
    """A mail import as the API shows it (and the page reads it): a still picture of a job
    that may be running."""

    id: str
    locations: list[str]
    state: str
    read: int
    per_second: float
    seconds: float
    started_at: datetime
    finished_at: datetime | None
    summary: dict[str, Any] | None
    error: str | None
    member_id: int | None = None  # the team member who started it (None: one user's)

    @property
    def rate(self) -> float:
        return self.per_second

    def seen_by(self, actor: Actor) -> bool:
        """In team mode each member sees only the imports they started (their mailboxes'
        places and counts are theirs)."""
        return actor.member_id is None or self.member_id == actor.member_id

    def as_json(self) -> dict[str, Any]:
        found = asdict(self)
        found["started_at"] = self.started_at.isoformat()
        found["finished_at"] = self.finished_at.isoformat() if self.finished_at else None
        return found

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> MailJobView:
        ended = data["finished_at"]
        return cls(
            **{
                **data,
                "started_at": datetime.fromisoformat(data["started_at"]),
                "finished_at": datetime.fromisoformat(ended) if ended else None,
            }
        )


@dataclass
class MailJob:
    """One mail import started from the browser or the API."""

    id: str
    locations: list[str]
    started_at: datetime
    state: str = "running"  # running, done, failed
    read: int = 0  # messages read so far
    finished_at: datetime | None = None
    summary: dict[str, Any] | None = None  # as `kithkin import mail --json` prints it
    error: str | None = None
    actor: Actor = SOLO  # who started it: the mail is theirs (team mode)
    team_sees: str | None = None  # what the rest of the team sees of it (None: as it was)
    _clock: float = field(default_factory=time.perf_counter, repr=False)
    _seconds: float | None = field(default=None, repr=False)

    @property
    def seconds(self) -> float:
        return self._seconds if self._seconds is not None else time.perf_counter() - self._clock

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def view(self) -> MailJobView:
        return MailJobView(
            id=self.id,
            locations=self.locations,
            state=self.state,
            read=self.read,
            per_second=round(self.rate, 1),
            seconds=round(self.seconds, 3),
            started_at=self.started_at,
            finished_at=self.finished_at,
            summary=self.summary,
            error=self.error,
            member_id=self.actor.member_id,
        )


class MailJobs:
    """The mail imports of this server: at most one running, the last `KEPT` remembered.

    With a `folder` (the worker processes of one server share it), each job is also a JSON
    file there, rewritten as it progresses, and a lock file keeps the "one at a time" across
    processes; a job left running by a process that is gone reads as failed."""

    def __init__(self, folder: Path | None = None) -> None:
        self._jobs: dict[str, MailJob] = {}
        self._lock = threading.Lock()
        self._folder = folder
        self._published: dict[str, float] = {}

    def start(
        self,
        db: Database,
        locations: Sequence[str],
        password: str | None,
        actor: Actor = SOLO,
        team_sees: str | None = None,
    ) -> MailJob:
        from kithkin.model import TEAM_SEES
        from kithkin.services.mail import check_locations

        if team_sees is not None and team_sees not in TEAM_SEES:
            raise InvalidInput(f"the team sees {team_sees!r}? one of {', '.join(TEAM_SEES)}")

        checked = check_locations(locations=locations, password=password)
        with self._lock, self._shared():
            if any(job.state == "running" for job in self.recent()):
                raise Conflict("a mail import is running; wait for it to end")
            job = MailJob(
                id=secrets.token_hex(8),
                locations=list(checked.places),
                started_at=clock.now(),
                actor=actor,
                team_sees=team_sees,
            )
            self._jobs[job.id] = job
            for old in list(self._jobs)[:-KEPT]:
                if self._jobs[old].state != "running":
                    del self._jobs[old]
            self.publish(job, force=True)
            self._forget_old()
        worker = threading.Thread(
            target=_run, args=(job, db, checked.passwords, self), name=f"mail-import-{job.id}"
        )
        worker.daemon = True  # a server stopped mid-import: the next import resumes it
        worker.start()
        return job

    def publish(self, job: MailJob, *, force: bool = False) -> None:
        """Write `job` where the other workers read it (at most every `PUBLISH_EVERY` s)."""
        if self._folder is None:
            return
        now = time.monotonic()
        if not force and now - self._published.get(job.id, 0.0) < PUBLISH_EVERY:
            return
        self._published[job.id] = now
        data = {**job.view().as_json(), "pid": os.getpid()}
        path = self._folder / f"{job.id}.json"
        part = path.with_suffix(f".{threading.get_ident()}.part")
        part.write_text(json.dumps(data))
        part.replace(path)  # atomic: a reader sees the old file or the new one

    def get(self, job_id: str, actor: Actor = SOLO) -> MailJobView:
        """One import, if `actor` may see it (see `MailJobView.seen_by`)."""
        job = self._jobs.get(job_id)
        found = job.view() if job is not None else None
        if found is None and self._folder is not None and _is_job_id(job_id):
            found = self._read(self._folder / f"{job_id}.json")
        if found is not None and found.seen_by(actor):
            return found
        raise NotFound(f"no mail import {job_id!r} (the server remembers its last {KEPT})")

    def recent(self, actor: Actor = SOLO) -> list[MailJobView]:
        """The last `KEPT` imports of the server, newest first: those `actor` may see."""
        views = {job.id: job.view() for job in self._jobs.values()}
        if self._folder is not None:
            for path in self._folder.glob("*.json"):
                if path.stem not in views and (found := self._read(path)) is not None:
                    views[found.id] = found
        newest = sorted(views.values(), key=lambda job: job.started_at, reverse=True)[:KEPT]
        return [view for view in newest if view.seen_by(actor)]

    def wait(self, job_id: str, timeout: float) -> MailJobView:
        """The job once it has ended, or as it is after `timeout` seconds (tests, scripts)."""
        deadline = time.monotonic() + timeout
        job = self.get(job_id)
        while job.state == "running" and time.monotonic() < deadline:
            time.sleep(0.02)
            job = self.get(job_id)
        return job

    def _forget_old(self) -> None:
        """Only the newest `KEPT` files of ended jobs stay in the shared folder."""
        if self._folder is None:
            return
        files = sorted(self._folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        for path in files[:-KEPT]:
            found = self._read(path)
            if found is None or found.state != "running":
                path.unlink(missing_ok=True)

    @contextmanager
    def _shared(self) -> Iterator[None]:
        if self._folder is None:
            yield
            return
        with (self._folder / "lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @staticmethod
    def _read(path: Path) -> MailJobView | None:
        try:
            data = json.loads(path.read_text())
            pid = data.pop("pid")
            view = MailJobView.from_json(data)
        except (OSError, ValueError, KeyError, TypeError):
            return None
        if view.state == "running" and not _alive(pid):
            return MailJobView.from_json(
                {**view.as_json(), "state": "failed", "error": "the server process stopped"}
            )
        return view


def _is_job_id(text: str) -> bool:
    return bool(text) and all(c in "0123456789abcdef" for c in text)


def _alive(pid: object) -> bool:
    if not isinstance(pid, int):
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _run(job: MailJob, db: Database, passwords: Mapping[str, str], jobs: MailJobs) -> None:
    from kithkin.services.mail import import_mail

    def progress(count: int) -> None:
        job.read += count
        jobs.publish(job)

    state = "failed"
    try:
        done = import_mail(
            db,
            locations=job.locations,
            progress=progress,
            passwords=passwords,
            actor=job.actor,
            team_sees=job.team_sees,
        )
        job.summary = done.as_json(timed=False)
        job.read = done.summary.read
        state = "done"
    except Exception as exc:  # whatever stopped it is told on the page, in one line
        text = str(exc) if isinstance(exc, KithkinError) else f"{type(exc).__name__}: {exc}"
        job.error = " ".join(without_passwords(text).split())
    finally:
        job._seconds = time.perf_counter() - job._clock
        job.finished_at = clock.now()
        job.state = state  # last: whoever sees it ended sees all of it
        jobs.publish(job, force=True)


def jobs_of(request: Request) -> MailJobs:
    jobs: MailJobs = request.app.state.mail_jobs
    return jobs


def import_calendars(
    db: Database,
    paths: Sequence[str],
    zone: str | None,
    *,
    past_days: int | None = None,
    future_days: int | None = None,
    max_occurrences: int | None = None,
    actor: Actor = SOLO,
) -> dict[str, Any]:
    """Import .ics files of this computer; the summary `kithkin import calendar --json` prints.
    The window given is for this import (else the setting's)."""
    from kithkin.services.calendar import import_calendar

    return import_calendar(
        db,
        paths=paths,
        zone=(zone or "").strip() or None,
        past_days=past_days,
        future_days=future_days,
        max_occurrences=max_occurrences,
        actor=actor,
    ).as_json()


# -- the API ---------------------------------------------------------------------------------

api = APIRouter(
    prefix="/api/import",
    tags=["import"],
    responses={400: {"model": ErrorOut, "description": "A location that cannot be imported"}},
)


class MailImportIn(BaseModel):
    locations: list[str] = Field(min_length=1, description="Paths on this computer, IMAP URLs")
    password: str | None = Field(
        None, description="IMAP password, when KITHKIN_IMAP_PASSWORD and the keyring have none"
    )
    team_sees: Literal["metadata", "subjects", "everything"] | None = Field(
        None,
        description="Team database: what the other members see of this mail (null: as it "
        "was; metadata for a new mailbox)",
    )


class CalendarImportIn(BaseModel):
    paths: list[str] = Field(min_length=1, description=".ics files on this computer")
    zone: str | None = Field(None, description="Zone of floating times, e.g. Europe/Berlin")
    past_days: int | None = Field(
        None, ge=0, le=36_500, description="Read occurrences from this many days back"
    )
    future_days: int | None = Field(
        None, ge=0, le=3_650, description="Read occurrences up to this many days ahead"
    )
    max_occurrences: int | None = Field(
        None, ge=1, le=100_000, description="At most this many occurrences of one event"
    )


@api.post(
    "/mail",
    status_code=202,
    summary="Start importing mail (follow it at /api/import/mail/{id})",
    responses={409: {"model": ErrorOut, "description": "A mail import is running"}},
)
def start_mail_import(request: Request, body: MailImportIn) -> MailJobView:
    job = jobs_of(request).start(
        database(request), body.locations, body.password, guard.actor(request), body.team_sees
    )
    return job.view()


@api.get("/mail", summary="The mail imports, newest first")
def mail_imports(request: Request) -> list[MailJobView]:
    return jobs_of(request).recent(guard.actor(request))


@api.get(
    "/mail/{job_id}",
    summary="One mail import: messages read so far, then its summary",
    responses={404: {"model": ErrorOut, "description": "No such import"}},
)
def mail_import(request: Request, job_id: str) -> MailJobView:
    return jobs_of(request).get(job_id, guard.actor(request))


@api.post("/calendar", summary="Import calendar files (.ics) of this computer")
def calendar_import(request: Request, body: CalendarImportIn) -> dict[str, Any]:
    # a plain `def`: FastAPI runs it in its thread pool, off the event loop
    return import_calendars(
        database(request),
        body.paths,
        body.zone,
        past_days=body.past_days,
        future_days=body.future_days,
        max_occurrences=body.max_occurrences,
        actor=guard.actor(request),
    )


# -- the page ----------------------------------------------------------------------------------

pages = APIRouter(include_in_schema=False)


def _page(
    request: Request, *, job: MailJobView | None = None, status: int = 200, **context: Any
) -> HTMLResponse:
    """The page, showing `job` (if any) and the other recent imports; `context` fills the
    rest (an error, a calendar summary, what was typed into the forms)."""
    mine = jobs_of(request).recent(guard.actor(request))
    others = [j for j in mine if job is None or j.id != job.id][:5]
    values: dict[str, Any] = {"calendar": None, "error": None, "locations": "", "paths": ""}
    values["team"] = is_team(database(request))
    values.update({"zone": "", **context, "job": job, "jobs": others})
    return render(request, "import_mail.html", values, status=status)


@pages.get("/import/mail")
def mail_page(request: Request, job: str | None = None) -> HTMLResponse:
    shown = None
    if job:
        try:
            shown = jobs_of(request).get(job, guard.actor(request))
        except NotFound as exc:
            return _page(request, error=str(exc), status=404)
    return _page(request, job=shown)


@pages.post("/import/mail", response_model=None)
def start_from_form(request: Request, form: Posted) -> HTMLResponse | RedirectResponse:
    locations = form.text("locations").splitlines()
    try:
        password = form.values().get("password") or None  # as typed: not stripped
        sees = form.text("team_sees") or None
        job = jobs_of(request).start(
            database(request), locations, password, guard.actor(request), sees
        )
    except KithkinError as exc:
        typed = without_passwords(form.text("locations"))
        return _page(request, error=str(exc), locations=typed, status=exc.http_status)
    return redirect(f"/import/mail?job={job.id}")


@pages.post("/import/calendar")
async def calendar_from_form(request: Request, form: Posted) -> HTMLResponse:
    paths = form.text("paths").splitlines()
    zone = form.text("zone")
    try:
        summary = await run_in_threadpool(
            import_calendars, database(request), paths, zone, actor=guard.actor(request)
        )
    except KithkinError as exc:
        return _page(
            request, error=str(exc), paths=form.text("paths"), zone=zone, status=exc.http_status
        )
    return _page(request, calendar=summary)

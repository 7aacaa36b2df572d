"""Mailboxes written for the tests: messages as bytes, mbox files and Maildirs."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

BASE = datetime(2024, 3, 4, 9, 30, tzinfo=UTC)


def message(
    mid: str,
    sender: str,
    to: Sequence[str] | str,
    subject: str = "Hello",
    *,
    day: float = 0,
    cc: Sequence[str] = (),
    reply_to: str | None = None,
    refs: Sequence[str] = (),
    date: bool = True,
    **fields: str,
) -> bytes:
    """One message: `day` days after BASE; `reply_to` the parent's id; extra fields as
    keyword arguments with "_" for "-" (List_Id="...")."""
    to = [to] if isinstance(to, str) else list(to)
    lines = [f"From: {sender}", f"To: {', '.join(to)}"]
    if cc:
        lines.append(f"Cc: {', '.join(cc)}")
    lines += [f"Subject: {subject}", f"Message-ID: <{mid}>"]
    if date:
        lines.append(f"Date: {format_datetime(BASE + timedelta(days=day))}")
    if reply_to:
        lines.append(f"In-Reply-To: <{reply_to}>")
    if refs or reply_to:
        chain = [*refs, *([reply_to] if reply_to and reply_to not in refs else [])]
        lines.append("References: " + " ".join(f"<{r}>" for r in chain))
    lines += [f"{name.replace('_', '-')}: {value}" for name, value in fields.items()]
    return ("\n".join(lines) + "\n\nBody text the import never reads.\n").encode()


def mbox_bytes(messages: Iterable[bytes]) -> bytes:
    envelope = b"From someone@example.com Mon Mar  4 09:30:00 2024\n"
    return b"".join(envelope + data + b"\n" for data in messages)


def write_mbox(path: Path, messages: Iterable[bytes]) -> Path:
    path.write_bytes(mbox_bytes(messages))
    return path


def append_mbox(path: Path, messages: Iterable[bytes]) -> None:
    with path.open("ab") as handle:
        handle.write(mbox_bytes(messages))


def write_maildir(
    root: Path, messages: Iterable[tuple[bytes, str]], *, start: int = 0
) -> list[Path]:
    """A Maildir (cur/ new/ tmp/) holding `messages` with their flags; returns the files."""
    for sub in ("cur", "new", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    paths = []
    for number, (data, flags) in enumerate(messages, start=start + 1):
        path = root / "cur" / f"{1_700_000_000 + number}.M{number}P1.test:2,{flags}"
        path.write_bytes(data)
        paths.append(path)
    return paths


def synthetic_mbox(path: Path, count: int, *, me: str, seed: int = 7) -> Path:
    """A mailbox of `count` messages of every kind the import tells apart: conversations
    with References, Enron-like replies with only a subject, list posts (some of them mine or
    answering mine), newsletters; written in one go."""
    import random

    rng = random.Random(seed)
    people = [f"Person {i} <p{i}@corp{i % 7}.example>" for i in range(400)]
    lst = {"List_Id": "Dev <dev.lists.example.org>", "Precedence": "list"}
    out: list[bytes] = []
    recent: list[tuple[str, str, str]] = []  # (id, sender, subject)
    for n in range(count):
        day = n / 40
        mid = f"m{n}@synthetic"
        kind = rng.random()
        who = rng.choice(people)
        if kind < 0.35:
            if recent and rng.random() < 0.6:
                parent, to, subject = rng.choice(recent[-50:])
                out.append(
                    message(
                        mid,
                        me if rng.random() < 0.5 else who,
                        [to],
                        f"Re: {subject}",
                        day=day,
                        reply_to=parent,
                    )
                )
            else:
                subject = f"Topic {n}"
                out.append(message(mid, who, [me, rng.choice(people)], subject, day=day))
                recent.append((mid, who, subject))
        elif kind < 0.55:
            subject = f"Budget {n % 97}"
            sender = me if rng.random() < 0.3 else who
            out.append(
                message(mid, sender, [who if sender == me else me], f"RE: {subject}", day=day)
            )
        elif kind < 0.85:
            sender = me if rng.random() < 0.1 else who
            parent = f"m{rng.randrange(max(n, 1))}@synthetic" if n and rng.random() < 0.7 else None
            out.append(
                message(
                    mid,
                    sender,
                    ["dev@lists.example.org"],
                    "Re: Design",
                    day=day,
                    reply_to=parent,
                    **lst,
                )
            )
        else:
            out.append(
                message(
                    mid,
                    "Shop <news@shop.example>",
                    [me],
                    f"Deals {n}",
                    day=day,
                    List_Unsubscribe="<https://shop.example/u>",
                )
            )
    return write_mbox(path, out)

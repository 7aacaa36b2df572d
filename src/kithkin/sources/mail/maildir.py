"""Maildir: folders with cur/ and new/ (tmp/ holds deliveries in progress and is skipped),
nested as plain sub-folders (mu, notmuch) or as Maildir++ `.Folder.Sub` siblings (Dovecot,
Courier). A file's name carries its flags after ":2," (or "!2," where ":" is not allowed in
file names, as mu writes them) and, usually, its delivery time before the first dot.
"""

from __future__ import annotations

MAILDIR_PARTS = ("cur", "new")  # where messages are; "tmp" is never read


def flags_of(name: str) -> str:
    """The standard flag letters of a Maildir file name, sorted ("FRS"); lower-case letters
    are a server's own keywords and are left out."""
    at = name.rfind(":2,")
    if at < 0:
        at = name.rfind("!2,")
        if at < 0:
            return ""
    return "".join(sorted({c for c in name[at + 3 :] if "A" <= c <= "Z"}))


def has_info(name: str) -> bool:
    """Whether a file name ends in Maildir info (":2,..." or "!2,..."): a single message."""
    return ":2," in name or "!2," in name


def folder_name(parts: tuple[str, ...]) -> str:
    """The folder a directory stands for, from its path below the root: Maildir++ names
    (".Lists.ksummit") become "Lists/ksummit", Thunderbird's sub-folder directories
    ("Inbox.sbd") the folder they belong to ("Inbox")."""
    names: list[str] = []
    for part in parts:
        if part.startswith(".") and len(part) > 1:
            names.extend(piece for piece in part[1:].split(".") if piece)
        elif part.endswith(".sbd") and len(part) > 4:
            names.append(part[:-4])
        else:
            names.append(part)
    return "/".join(names)

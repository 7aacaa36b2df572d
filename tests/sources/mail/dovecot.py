"""A private Dovecot IMAP server for the tests: started as a subprocess, stopped at teardown.

It listens only on 127.0.0.1 (free ports for imap and imaps), knows one user from a
passwd-file, keeps mail in Maildir under a temporary directory, and serves a certificate
signed by a throwaway CA made with the `openssl` command. The mailbox is filled by writing
Maildir files before the server starts; tests add more through `admin()` afterwards.

Run as root, Dovecot refuses to run its login process or touch mail as root: logins then
run as `dovenull` (made by the Debian package) and mail belongs to `nobody`. Run as anyone
else, every process runs as that user.
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest

DOVECOT = "/usr/sbin/dovecot"
USER = "alice"
PASSWORD = "Tr0ub4dor-kithkin-73"  # fictional; tests check it never shows in an error

# A message to put in a folder (or raw bytes, for a broken one) and its Maildir flag letters.
Seeded = tuple[EmailMessage | bytes, str]


@dataclass
class Dovecot:
    root: Path
    imap_port: int
    imaps_port: int
    ca_file: Path
    process: subprocess.Popen[bytes]

    def url(self, folder: str = "", *, tls: bool = False, user: str = USER) -> str:
        scheme, port = ("imaps", self.imaps_port) if tls else ("imap", self.imap_port)
        return f"{scheme}://{user}@127.0.0.1:{port}/{folder}"

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.ca_file))

    @contextlib.contextmanager
    def admin(self) -> Iterator[imaplib.IMAP4]:
        """A logged-in read-write session for arranging a test (APPEND, CREATE, DELETE)."""
        conn = imaplib.IMAP4("127.0.0.1", self.imap_port, timeout=10)
        try:
            conn.login(USER, PASSWORD)
            yield conn
        finally:
            conn.logout()

    def log(self) -> str:
        path = self.root / "log" / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def available() -> bool:
    return Path(DOVECOT).exists() and shutil.which("openssl") is not None


def require() -> None:
    """Skip, saying why, where Dovecot is not installed; in CI (CI set) that is a failure."""
    if not available():
        reason = f"Dovecot is not installed ({DOVECOT}; apt-get install dovecot-imapd)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)


@contextlib.contextmanager
def running(folders: Mapping[str, Sequence[Seeded]]) -> Iterator[Dovecot]:
    """A Dovecot serving `folders` ("INBOX", "Archive", ...) for the duration of the block."""
    root = Path(tempfile.mkdtemp(prefix="kithkin-dovecot-"))
    try:
        server = _start(root, folders)
        try:
            yield server
        finally:
            server.stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _start(root: Path, folders: Mapping[str, Sequence[Seeded]]) -> Dovecot:
    as_root = os.geteuid() == 0
    if as_root:
        # Dovecot's processes run as unprivileged users, who must be able to walk to the
        # mail and the sockets; the temporary directory is made private by default.
        root.chmod(0o755)
        login_user, mail = "dovenull", pwd.getpwnam("nobody")
    else:
        mail = pwd.getpwuid(os.getuid())
        login_user = mail.pw_name
    for sub in ("run", "state", "log", "mail"):
        (root / sub).mkdir()
    ca_file, cert, key = _certificates(root / "tls")
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}::::::\n")
    for folder, messages in folders.items():
        _write_maildir(root / "mail" / USER, folder, messages)
    if as_root:
        for path in [root / "mail", *(root / "mail").rglob("*")]:
            os.chown(path, mail.pw_uid, mail.pw_gid)
    imap_port, imaps_port = _free_port(), _free_port()
    config = root / "dovecot.conf"
    config.write_text(
        _CONFIG.format(
            root=root,
            cert=cert,
            key=key,
            internal_user="root" if as_root else mail.pw_name,
            internal_group="root" if as_root else grp.getgrgid(mail.pw_gid).gr_name,
            login_user=login_user,
            uid=mail.pw_uid,
            gid=mail.pw_gid,
            imap_port=imap_port,
            imaps_port=imaps_port,
            chroot="" if as_root else "chroot =",
        )
    )
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Dovecot(root, imap_port, imaps_port, ca_file, process)
    try:
        _wait_for(server)
    except BaseException:
        server.stop()
        raise
    return server


_CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
instance_name = kithkin-test-{imap_port}
listen = 127.0.0.1
protocols = imap
log_path = {root}/log/dovecot.log
ssl = yes
ssl_cert = <{cert}
ssl_key = <{key}
disable_plaintext_auth = no
auth_mechanisms = plain login
# refuse a wrong password at once (2.3 still waits 0.5 s, and more per failure from one IP:
# tests of refused logins get a server of their own)
auth_failure_delay = 0
mail_location = maildir:{root}/mail/%u
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  {chroot}
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service anvil {{
  {chroot}
}}
"""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for(server: Dovecot, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"dovecot exited with {server.process.returncode}:\n{server.log()}")
        try:
            with socket.create_connection(("127.0.0.1", server.imap_port), timeout=1) as sock:
                if sock.recv(100).startswith(b"* OK"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"dovecot did not answer within {timeout} s:\n{server.log()}")


def _certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a certificate for 127.0.0.1 / localhost signed by it."""
    directory.mkdir()
    ca_key, ca_cert = directory / "ca.key", directory / "ca.pem"
    key, csr, cert = directory / "server.key", directory / "server.csr", directory / "server.pem"
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    quiet = {"check": True, "capture_output": True}
    subprocess.run(
        ["openssl", "req", "-x509", *ec, "-keyout", ca_key, "-out", ca_cert, "-days", "2",
         "-subj", "/CN=kithkin test CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"],
        **quiet,
    )  # fmt: skip
    subprocess.run(
        ["openssl", "req", "-new", *ec, "-keyout", key, "-out", csr, "-subj", "/CN=localhost"],
        **quiet,
    )
    extensions = directory / "server.ext"
    extensions.write_text(
        "basicConstraints = critical, CA:FALSE\n"
        "keyUsage = critical, digitalSignature\n"
        "extendedKeyUsage = serverAuth\n"
        "subjectAltName = IP:127.0.0.1, DNS:localhost\n"
        "authorityKeyIdentifier = keyid\n"
        "subjectKeyIdentifier = hash\n"
    )
    subprocess.run(
        ["openssl", "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
         "-CAcreateserial", "-out", cert, "-days", "2", "-extfile", extensions],
        **quiet,
    )  # fmt: skip
    return ca_cert, cert, key


def _write_maildir(home: Path, folder: str, messages: Sequence[Seeded]) -> None:
    """Maildir++: INBOX is the home itself, other folders are `.Name` beside it."""
    base = home if folder.upper() == "INBOX" else home / f".{folder}"
    for sub in ("cur", "new", "tmp"):
        (base / sub).mkdir(parents=True, exist_ok=True)
    for number, (message, flags) in enumerate(messages, start=1):
        name = f"{1_700_000_000 + number}.M{number}P{os.getpid()}.kithkin-test:2,{flags}"
        data = message if isinstance(message, bytes) else message.as_bytes()
        (base / "cur" / name).write_bytes(data)

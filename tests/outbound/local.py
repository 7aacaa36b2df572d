"""Real servers on 127.0.0.1 for the outbound tests: an HTTP(S) server that records what it
is sent, an SMTP server (aiosmtpd) that keeps what it receives, and DKIM keys made at test
time (their public half served by a dict instead of the DNS)."""

from __future__ import annotations

import base64
import email
import email.policy
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

# --- HTTP -------------------------------------------------------------------------------------


@dataclass
class Hit:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Server:
    base: str
    port: int
    hits: list[Hit] = field(default_factory=list)
    names: list[str | None] = field(default_factory=list)  # TLS SNI names seen
    release: threading.Event = field(default_factory=threading.Event)
    redirect_to: str = ""


def _handler(server: Server) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            server.hits.append(Hit("POST", self.path, dict(self.headers.items()), body))
            if self.path == "/slow":
                server.release.wait(5)
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", server.redirect_to)
            elif self.path == "/fail":
                self.send_response(500)
            else:
                self.send_response(200)
                self.send_header("Set-Cookie", "tracker=1")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def do_GET(self) -> None:
            server.hits.append(Hit("GET", self.path, dict(self.headers.items()), b""))
            self.send_response(200)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


class _Quiet(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that hung up early (the timeout test) is expected


def serve(context: ssl.SSLContext | None = None) -> Iterator[Server]:
    httpd = _Quiet(("127.0.0.1", 0), BaseHTTPRequestHandler)
    port = httpd.server_address[1]
    scheme = "https" if context is not None else "http"
    server = Server(f"{scheme}://127.0.0.1:{port}", port)
    httpd.RequestHandlerClass = _handler(server)
    if context is not None:
        context.sni_callback = lambda sock, name, ctx: server.names.append(name)  # type: ignore[assignment, func-returns-value]
        httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server
    finally:
        server.release.set()
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def self_signed(folder: Path, names: str) -> tuple[Path, Path]:
    """A self-signed certificate (and its key) for `names`, a subjectAltName value such as
    "DNS:unsub.test,IP:127.0.0.1", valid for a day: (certificate, key)."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-keyout", str(key), "-out", str(cert), "-subj", "/CN=kithkin test"),
            *("-addext", f"subjectAltName={names}"),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def tls_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    """The server side of TLS with that certificate."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


# --- SMTP -------------------------------------------------------------------------------------


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)
    logins: list[tuple[bytes, bytes]] = field(default_factory=list)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if address.startswith("nobody@"):
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), parsed))
        return "250 2.0.0 Ok: queued as 42"

    def authenticate(
        self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret", handled=False)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def smtp_server(handler: Handler, **options: Any) -> Iterator[int]:
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        server_hostname="smtp.test",  # else aiosmtpd asks socket.getfqdn(), maybe the DNS
        authenticator=handler.authenticate,
        auth_require_tls=False,
        **options,
    )
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


# --- DKIM -------------------------------------------------------------------------------------


def new_dkim_key(path: Path) -> tuple[bytes, bytes]:
    """(private key PEM, DNS TXT record) of a new 2048-bit RSA key written to `path`."""
    subprocess.run(
        ["openssl", "genrsa", "-out", str(path), "2048"], check=True, capture_output=True
    )
    public = subprocess.run(
        ["openssl", "rsa", "-in", str(path), "-pubout", "-outform", "DER"],
        check=True,
        capture_output=True,
    ).stdout
    return path.read_bytes(), b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)


def dns_of(records: dict[bytes, bytes]) -> Any:
    """A DKIM key lookup (dkimpy's dnsfunc) answered from `records`, never the DNS."""

    def lookup(name: bytes, timeout: float = 5) -> bytes | None:
        return records.get(name)

    return lookup

"""One-click unsubscribe (RFC 8058): a single POST of `List-Unsubscribe=One-Click` to the
HTTPS URL a signed message gave, and nothing more.

The URL comes from a stranger's mail, so it is checked before any connection is made
(`check_target`): HTTPS only, no user name or password in it, and every address its host
resolves to must be a public one, so that a message cannot make kithkin call a service on the
user's own network (a router, a cloud metadata endpoint, a local admin page). Loopback (and
plain HTTP to it) is allowed only on request, for tests and local relays.

The request then goes to one of the checked addresses, not to whatever the name resolves to
a moment later (a DNS rebinding attack would swap the answer between check and request):
the connection is made to the address while the Host header, TLS SNI and certificate check
keep the name. The client is fresh for each POST: no cookies, no credentials, no proxy or
netrc from the environment, and redirects are reported rather than followed. The response
body is never read. `timeout` bounds each phase (connect, send, wait for the reply), not the
whole exchange.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING

from kithkin.errors import UnsafeTarget

if TYPE_CHECKING:
    import httpx

Resolve = Callable[[str, int], list[str]]  # (host, port) -> its addresses
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

BODY = b"List-Unsubscribe=One-Click"
USER_AGENT = "kithkin"
_DEFAULT_PORTS = {"https": 443, "http": 80}
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # NAT64 well-known prefix: an IPv4 inside
_FORBIDDEN = (  # checked in this order: 0.0.0.0 and 169.254.x.x are also "private"
    ("is_unspecified", "an unspecified address"),
    ("is_link_local", "a link-local address"),
    ("is_multicast", "a multicast address"),
    ("is_private", "a private address"),
    ("is_reserved", "a reserved address"),
)


@dataclass(frozen=True)
class PostOutcome:
    """`ok` when the server answered 2xx; `status` is None when no answer came."""

    ok: bool
    status: int | None
    detail: str  # one line: "POST https://x/u → 200 OK"


def check_target(
    url: str, *, allow_loopback: bool = False, resolve: Resolve | None = None
) -> list[str]:
    """The addresses a one-click POST to `url` may connect to; raises `UnsafeTarget` when the
    URL is not HTTPS, carries credentials, or its host is or resolves to a non-public
    address (loopback allowed with `allow_loopback`, and plain HTTP then too)."""
    import httpx

    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise UnsafeTarget(f"{url}: not a valid URL ({exc})") from exc
    scheme = target.scheme
    if scheme not in _DEFAULT_PORTS:
        raise UnsafeTarget(f"{url}: only https URLs are used for one-click unsubscribe")
    if scheme == "http" and not allow_loopback:
        raise UnsafeTarget(f"{url}: plain http is refused; one-click unsubscribe needs https")
    if target.userinfo:
        raise UnsafeTarget(f"{url}: a user name or password in the URL is refused")
    host = target.raw_host.decode("ascii")
    if not host:
        raise UnsafeTarget(f"{url}: no host")
    addresses = _addresses(url, host, target.port or _DEFAULT_PORTS[scheme], resolve)
    for address in addresses:
        why = _why_refused(address, allow_loopback=allow_loopback)
        if why is not None:
            named = "" if str(address) == host else f"{host} resolves to {address}, "
            raise UnsafeTarget(f"{url}: {named}{why}; refused")
    if scheme == "http" and not all(address.is_loopback for address in addresses):
        raise UnsafeTarget(f"{url}: plain http is allowed only to loopback; refused")
    return [str(address) for address in addresses]


def post_one_click(
    url: str,
    *,
    allow_loopback: bool = False,
    timeout: float = 10.0,
    resolve: Resolve | None = None,
    verify: bool | ssl.SSLContext = True,
) -> PostOutcome:
    """POST `List-Unsubscribe=One-Click` to `url` once; raises `UnsafeTarget` (before any
    connection) when `check_target` refuses it."""
    addresses = check_target(url, allow_loopback=allow_loopback, resolve=resolve)
    import httpx

    shown = f"POST {url} →"
    failure = "no address to connect to"
    with httpx.Client(
        follow_redirects=False, trust_env=False, timeout=timeout, verify=verify
    ) as client:
        for address in addresses:
            try:
                return _post(client, httpx.URL(url), address, shown)
            except httpx.ConnectError as exc:  # nothing was sent: the next address may answer
                failure = f"cannot connect: {_one_line(exc)}"
            except httpx.TimeoutException:
                return PostOutcome(False, None, f"{shown} no answer within {timeout:g} s")
            except httpx.HTTPError as exc:
                return PostOutcome(False, None, f"{shown} failed: {_one_line(exc)}")
    return PostOutcome(False, None, f"{shown} {failure}")


def _post(client: httpx.Client, target: httpx.URL, address: str, shown: str) -> PostOutcome:
    """The POST, connected to `address` while Host, SNI and the certificate check keep the
    URL's name."""
    host = target.raw_host.decode("ascii")
    pinned = target.copy_with(host=address)
    headers = {
        "Host": target.netloc.decode("ascii"),
        "User-Agent": USER_AGENT,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    extensions = {} if _is_ip(host) else {"sni_hostname": host}
    request = client.build_request(
        "POST", pinned, content=BODY, headers=headers, extensions=extensions
    )
    response = client.send(request, stream=True)  # the body is never read
    try:
        status = response.status_code
        phrase = _one_line(response.reason_phrase) or _standard_phrase(status)
    finally:
        response.close()
    answer = f"{shown} {status} {phrase}".rstrip()
    if 200 <= status < 300:
        return PostOutcome(True, status, answer)
    if 300 <= status < 400:
        return PostOutcome(False, status, f"{answer} (redirect not followed)")
    return PostOutcome(False, status, answer)


def _addresses(url: str, host: str, port: int, resolve: Resolve | None) -> list[IPAddress]:
    """The host's addresses: itself when it is one, else what the resolver says."""
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        found = (resolve or _getaddrinfo)(host, port)
    except OSError as exc:
        raise UnsafeTarget(f"{url}: {host} cannot be resolved ({exc}); refused") from exc
    addresses: list[IPAddress] = []
    for text in found:
        try:
            address = ipaddress.ip_address(text)
        except ValueError as exc:
            raise UnsafeTarget(f"{url}: {host} resolves to {text!r}, not an address") from exc
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise UnsafeTarget(f"{url}: {host} resolves to no address; refused")
    return addresses


def _getaddrinfo(host: str, port: int) -> list[str]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


def _why_refused(address: IPAddress, *, allow_loopback: bool) -> str | None:
    """Why a POST may not go to `address`; None when it may."""
    inner = _embedded_ipv4(address)
    if inner is not None:
        why = _why_refused(inner, allow_loopback=allow_loopback)
        return None if why is None else f"{address} stands for {inner}, {why}"
    if address.is_loopback:
        return None if allow_loopback else "a loopback address"
    for attribute, words in _FORBIDDEN:
        if getattr(address, attribute):
            return words
    return None if address.is_global else "not a public address"


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries and reaches: IPv4-mapped, 6to4, NAT64."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _standard_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def _one_line(text: object) -> str:
    return " ".join(str(text).split())

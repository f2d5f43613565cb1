"""What the app's own routes read of a request: the URL the client used, and a body of a
size they choose.

Behind a proxy the server sees the proxy's connection: http, and the proxy's idea of the
host. Only a proxy listed in ASSETMAP_TRUSTED_PROXIES may say what the client used
(X-Forwarded-Proto, X-Forwarded-Host); from anyone else those headers are ignored.
"""

from __future__ import annotations

from starlette.datastructures import URL
from starlette.requests import Request

from assetmap.clients import is_trusted_peer
from assetmap.config import Settings


def public_url(request: Request) -> URL:
    """The request's URL as the client asked for it, for the absolute links the APIs answer
    with (next pages, the landing page's links).

    Behind a reverse proxy the server sees its own address; a trusted proxy
    (ASSETMAP_TRUSTED_PROXIES) says what the client used in X-Forwarded-Proto and
    X-Forwarded-Host, which nobody else may set.
    """
    url = request.url
    peer = request.client.host if request.client else ""
    if not is_trusted_peer(peer, Settings.from_env().trusted_proxies):
        return url
    scheme = _first(request.headers.get("x-forwarded-proto", "")).lower()
    host = _first(request.headers.get("x-forwarded-host", ""))
    if scheme in ("http", "https"):
        url = url.replace(scheme=scheme)
    if host:
        url = url.replace(netloc=host)
    return url


def _first(header: str) -> str:
    """The first (client-side) value of a header a chain of proxies may have extended."""
    return header.split(",")[0].strip()


async def limited_body(request: Request, most_bytes: int) -> bytes | None:
    """The request's body, or None once it grows past `most_bytes` (read no further: a
    route that takes a small JSON document never holds a large upload in memory)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > most_bytes:
            return None
    return body

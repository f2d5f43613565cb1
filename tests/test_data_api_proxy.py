"""The live data API behind a real reverse proxy (Debian's nginx): the links a client follows
(the next page, the landing page's links) lead back through the proxy, never to the app's
own port, and only when the proxy is trusted."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyogrio
import pytest

from .test_browser import Server
from .test_report_abuse import Nginx, behind_nginx

ADDRESS = ("198.51.100.7",)


@pytest.fixture
def proxied(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Nginx]:
    """nginx in front of the app, which trusts it when the parameter is True."""
    env = {"ASSETMAP_TRUSTED_PROXIES": "127.0.0.1"} if request.param else {}
    server = Server(db=tmp_path / "proxied.duckdb", env=env)
    server.start()
    proxy = behind_nginx(tmp_path, server, ADDRESS)
    yield proxy
    proxy.stop()
    server.stop()


def read_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=60) as answer:
        return json.load(answer)


def hrefs(document: dict[str, Any]) -> list[str]:
    return [link["href"] for link in document["links"]]


@pytest.mark.parametrize("proxied", [True], indirect=True)
def test_gdal_pages_through_a_trusted_proxy_and_every_link_leads_back_through_it(proxied):
    proxy = proxied
    public = proxy.url(0)
    page = read_json(f"{public}/ogc/collections/assets/items?limit=10")
    landing = read_json(f"{public}/ogc")
    assert page["numberMatched"] > 10
    assert all(href.startswith(f"{public}/ogc") for href in hrefs(page) + hrefs(landing))
    assert any(link["rel"] == "next" for link in page["links"])

    read = pyogrio.read_dataframe(f"OAPIF:{public}/ogc", layer="assets", PAGE_SIZE="10")
    assert len(read) == page["numberMatched"]


@pytest.mark.parametrize("proxied", [False], indirect=True)
def test_an_untrusted_proxy_cannot_choose_where_links_lead(proxied):
    proxy = proxied
    page = read_json(f"{proxy.url(0)}/ogc/collections/assets/items?limit=10")
    # nginx sends Host without its port; only a trusted proxy's X-Forwarded-Host counts.
    assert not any(str(proxy.ports[0]) in href for href in hrefs(page))

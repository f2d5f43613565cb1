"""OGC API - Features under /ogc, against a real `assetmap serve`: GDAL's own OAPIF client
reads every collection as `assetmap export` writes it, with a bbox and page by page; nothing
private leaves; a bad request gets a 400 or 404 with the OGC exception body, never a 500.

One server for the module, on a database seeded through the domain before it starts. The
parts that need a write while serving (a new ETag) or a URL prefix run the same routes on
uvicorn in this process, on a database of their own.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from email.message import Message
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely
import uvicorn
from browsing import ASSETMAP, Server, free_port
from shapely.geometry import shape
from starlette.applications import Starlette

from assetmap.api.features import CRS84, MAX_LIMIT, Period, parse_datetime
from assetmap.api.ogc import CONFORMANCE, ogc_routes
from assetmap.api.ogc_collections import COLLECTIONS
from assetmap.demo import load_demo
from assetmap.io.geojson import links_to_geojson
from assetmap.register.assets import approve_assets, register_asset
from assetmap.register.links import add_link, link_ends, links_to_lines
from assetmap.storage import Database, connect

from .conftest import ADMIN, TEAM, VISITOR
from .test_downloads import ASSOCIATION, Seeded, cell_centre, leaks, seed

OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


@dataclass(frozen=True)
class Served:
    server: Server
    seeded: Seeded
    link_id: str
    exports: dict[str, dict[str, Any]]
    """What `assetmap export assets` and `assetmap export areas` write, as GeoJSON."""

    @property
    def ogc(self) -> str:
        return f"{self.server.url}/ogc"


def exported(db_path: Path, folder: Path) -> dict[str, dict[str, Any]]:
    """What `assetmap export assets` and `assetmap export areas` write, run as a planner runs
    them while the app serves the file (the app runs them for the command line)."""
    for what in ("assets", "areas"):
        command = [ASSETMAP, "--db", str(db_path), "export", what, "-o", f"{what}.geojson"]
        subprocess.run(command, cwd=folder, check=True, capture_output=True, timeout=300)
    return {
        what: json.loads((folder / f"{what}.geojson").read_text(encoding="utf-8"))
        for what in ("assets", "areas")
    }


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("ogc")
    path = folder / "ogc.duckdb"
    with connect(str(path)) as db:
        load_demo(db, ADMIN, minimal=True)
        seeded = seed(db)
        link = add_link(db, TEAM, seeded.person, seeded.association, "member", "treasurer")
    with Server(db=path) as server:
        yield Served(server, seeded, link.id, exported(path, folder))


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    """Status, headers (looked up in any case) and raw body, for errors too."""
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as answer:
        return answer.code, answer.headers, answer.read()


def fetch_json(url: str) -> Any:
    status, _, body = fetch(url)
    assert status == 200, (url, body)
    return json.loads(body)


def gdal(source: str, layer: str, **options: Any) -> Any:
    return pyogrio.read_dataframe(f"OAPIF:{source}", layer=layer, **options)


@pytest.fixture
def gdal_requests(capfd: pytest.CaptureFixture[str]) -> Iterator[Any]:
    """The requests GDAL sends while the test runs, as curl prints them ("GET /ogc/...")."""
    pyogrio.set_gdal_config_options({"CPL_CURL_VERBOSE": "YES"})

    def sent() -> list[str]:
        return re.findall(r"^> GET (\S+)", capfd.readouterr().err, re.MULTILINE)

    yield sent
    pyogrio.set_gdal_config_options({"CPL_CURL_VERBOSE": None})


def positions(features: list[dict[str, Any]]) -> np.ndarray:
    return np.array([feature["geometry"]["coordinates"] for feature in features], dtype=float)


# GDAL's own client


@pytest.mark.parametrize("layer", ["assets", "areas"])
def test_gdal_reads_each_collection_as_the_export_writes_it(served: Served, layer: str):
    expected = served.exports[layer]["features"]
    frame = gdal(served.ogc, layer)
    assert len(frame) == len(expected) > 0
    assert list(frame["id"]) == [feature["id"] for feature in expected]
    exported_shapes = [shape(feature["geometry"]) for feature in expected]
    assert shapely.equals_exact(frame.geometry.to_numpy(), exported_shapes, tolerance=1e-7).all()
    assert frame.crs.to_epsg() == 4326
    for name in ("name", "kind") if layer == "assets" else ("name", "population"):
        assert list(frame[name]) == [feature["properties"][name] for feature in expected]


def test_gdal_reads_links_as_lines_between_public_positions(served: Served):
    frame = gdal(served.ogc, "links")
    assert list(frame["id"]) == [served.link_id]
    line = frame.iloc[0]
    assert (line["type"], line["role"], line["from_id"], line["to_id"]) == (
        "member",
        "treasurer",
        served.seeded.person,
        served.seeded.association,
    )
    start, end = shapely.get_coordinates(line.geometry)
    assert start == pytest.approx(cell_centre(), abs=1e-7)  # the person, generalised
    assert end == pytest.approx((ASSOCIATION["lon"], ASSOCIATION["lat"]), abs=1e-7)


def test_gdal_sends_the_bbox_and_gets_what_lies_in_it(served: Served, gdal_requests):
    box = (24.940, 60.165, 24.948, 60.172)
    frame = gdal(served.ogc, "assets", bbox=box)
    features = served.exports["assets"]["features"]
    xy = positions(features)
    inside = (
        (xy[:, 0] >= box[0]) & (xy[:, 0] <= box[2]) & (xy[:, 1] >= box[1]) & (xy[:, 1] <= box[3])
    )
    expected = [feature["id"] for feature, chosen in zip(features, inside, strict=True) if chosen]
    assert 0 < len(frame) < len(features)
    assert list(frame["id"]) == expected
    asked = [url for url in gdal_requests() if "/items?" in url and "bbox=" in url]
    assert asked, "GDAL filtered on its own side instead of asking the server"
    answer = fetch_json(f"{served.server.url}{asked[-1]}")
    assert answer["numberMatched"] == len(expected)


def test_gdal_pages_through_next_links(served: Served, gdal_requests):
    whole = gdal(served.ogc, "assets")
    gdal_requests()
    paged = gdal(served.ogc, "assets", PAGE_SIZE="10")
    pages = [url for url in gdal_requests() if "/collections/assets/items?" in url]
    assert len(pages) >= len(whole) // 10
    assert any("offset=60" in url for url in pages)
    assert list(paged["id"]) == list(whole["id"])
    assert shapely.equals_exact(paged.geometry.to_numpy(), whole.geometry.to_numpy()).all()


def test_gdal_pushes_a_where_on_a_queryable_to_the_server(served: Served, gdal_requests):
    frame = gdal(served.ogc, "assets", where="kind = 'person'")
    assert list(frame["id"]) == [served.seeded.person]
    assert any("kind=person" in url for url in gdal_requests())


# What leaves


def every_answer(served: Served) -> Iterator[tuple[str, bytes]]:
    """Every document the API serves, each collection's items whole and one by one."""
    for path in ("", "/conformance", "/api", "/collections"):
        yield path, fetch(served.ogc + path)[2]
    for name in COLLECTIONS:
        yield name, fetch(f"{served.ogc}/collections/{name}")[2]
        items = f"{served.ogc}/collections/{name}/items"
        status, _, body = fetch(f"{items}?limit={MAX_LIMIT}")
        assert status == 200
        yield f"{name} items", body
        for feature in json.loads(body)["features"]:
            yield feature["id"], fetch(f"{items}/{feature['id']}")[2]


def test_nothing_private_leaves_in_any_answer(served: Served):
    answers = dict(every_answer(served))
    assert served.seeded.person in answers and served.link_id in answers
    assert served.seeded.pending not in answers and served.seeded.hidden not in answers
    for what, body in answers.items():
        assert leaks(body.decode("utf-8")) == [], f"{what} holds private details"
    person = json.loads(answers[served.seeded.person])
    assert person["geometry"]["coordinates"] == pytest.approx(cell_centre(), abs=1e-7)
    assert (person["properties"]["address"], person["properties"]["phone"]) == ("", "")


def test_an_item_is_the_exported_feature_with_its_links(served: Served):
    expected = next(
        f for f in served.exports["assets"]["features"] if f["id"] == served.seeded.association
    )
    status, headers, body = fetch(f"{served.ogc}/collections/assets/items/{expected['id']}")
    assert status == 200 and headers["Content-Type"] == "application/geo+json"
    item = json.loads(body)
    assert {key: item[key] for key in expected} == expected
    assert {link["rel"] for link in item["links"]} == {"self", "collection"}


# The documents


def test_the_landing_page_and_conformance_lead_to_everything(served: Served):
    landing = fetch_json(served.ogc)
    rels = {link["rel"]: link for link in landing["links"]}
    assert rels["self"]["href"] == served.ogc
    assert rels["service-desc"] == {
        "href": f"{served.ogc}/api",
        "rel": "service-desc",
        "type": OPENAPI,
        "title": "The API definition",
    }
    assert rels["conformance"]["href"] == f"{served.ogc}/conformance"
    assert rels["data"]["href"] == f"{served.ogc}/collections"
    assert fetch_json(f"{served.ogc}/conformance")["conformsTo"] == CONFORMANCE


def test_each_collection_has_its_extent_and_items_link(served: Served):
    listed = fetch_json(f"{served.ogc}/collections")["collections"]
    assert [c["id"] for c in listed] == ["assets", "areas", "links"]
    for collection in listed:
        assert collection == fetch_json(f"{served.ogc}/collections/{collection['id']}")
        assert collection["itemType"] == "feature" and collection["crs"] == [CRS84]
        min_lon, min_lat, max_lon, max_lat = collection["extent"]["spatial"]["bbox"][0]
        items = fetch_json(f"{served.ogc}/collections/{collection['id']}/items?limit={MAX_LIMIT}")
        xy = shapely.get_coordinates([shape(f["geometry"]) for f in items["features"]])
        assert (xy[:, 0] >= min_lon).all() and (xy[:, 0] <= max_lon).all()
        assert (xy[:, 1] >= min_lat).all() and (xy[:, 1] <= max_lat).all()
        link = next(link for link in collection["links"] if link["rel"] == "items")
        assert link["type"] == "application/geo+json"


def resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    found: Any = document
    for part in ref[2:].split("/"):
        found = found[part]
    return found


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if "$ref" in node:
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def test_the_openapi_document_describes_every_path(served: Served):
    status, headers, body = fetch(f"{served.ogc}/api")
    assert status == 200 and headers["Content-Type"] == OPENAPI
    document = json.loads(body)
    assert re.fullmatch(r"3\.0\.\d+", document["openapi"])
    assert {"title", "version"} <= set(document["info"])
    assert document["servers"] == [{"url": served.ogc}]
    expected = {"/", "/conformance", "/api", "/collections", "/collections/{collectionId}"}
    for name in COLLECTIONS:
        expected |= {f"/collections/{name}/items", f"/collections/{name}/items/{{featureId}}"}
    assert set(document["paths"]) == expected
    for ref in refs(document):
        assert resolve(document, ref) is not None
    for path, item in document["paths"].items():
        operation = item["get"]
        assert "200" in operation["responses"], path
        for parameter in operation["parameters"]:
            parameter = resolve(document, parameter["$ref"]) if "$ref" in parameter else parameter
            assert {"name", "in", "schema"} <= set(parameter), (path, parameter)
            assert parameter["in"] in ("query", "path")
    limit = document["components"]["parameters"]["limit"]["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, MAX_LIMIT, 100)


# Paging, filters and refusals over plain HTTP


def test_pages_link_to_their_neighbours_and_keep_the_filter(served: Served):
    first = fetch_json(f"{served.ogc}/collections/assets/items?kind=place,institution&limit=10")
    matched = first["numberMatched"]
    assert first["numberReturned"] == 10 < matched
    assert "prev" not in {link["rel"] for link in first["links"]}
    pages = [first]
    while following := [link["href"] for link in pages[-1]["links"] if link["rel"] == "next"]:
        assert "kind=place%2Cinstitution" in following[0] and following[0].startswith(served.ogc)
        pages.append(fetch_json(following[0]))
    seen = [feature["id"] for page in pages for feature in page["features"]]
    assert len(seen) == len(set(seen)) == matched
    kinds = {feature["properties"]["kind"] for page in pages for feature in page["features"]}
    assert kinds == {"place", "institution"}
    back = next(link["href"] for link in pages[-1]["links"] if link["rel"] == "prev")
    assert fetch_json(back)["features"] == pages[-2]["features"]
    assert "T" in first["timeStamp"] and first["timeStamp"].endswith("Z")


def test_datetime_selects_on_when_an_asset_last_changed(served: Served):
    items = f"{served.ogc}/collections/assets/items"
    everything = fetch_json(f"{items}?limit={MAX_LIMIT}")["numberMatched"]
    assert fetch_json(f"{items}?datetime=2000-01-01T00:00:00Z/..")["numberMatched"] == everything
    assert fetch_json(f"{items}?datetime=../2000-01-01")["numberMatched"] == 0
    assert fetch_json(f"{items}?datetime=2000-01-01")["numberMatched"] == 0
    areas = fetch_json(f"{served.ogc}/collections/areas/items?datetime=2000-01-01")
    assert areas["numberMatched"] == len(served.exports["areas"]["features"])  # areas have no time


BAD_REQUESTS = {
    "bbox=24.9,60.1,25.0": "bbox",
    "bbox=a,b,c,d": "bbox",
    "bbox=24.9,60.2,25.0,60.1": "latitude",
    "bbox=25.0,60.1,24.9,60.2": "antimeridian",
    "bbox=24.9,100,25.0,101": "latitudes",
    "bbox=24.9,60.1,25.0,nan": "bbox",
    "limit=0": f"1 to {MAX_LIMIT}",
    f"limit={MAX_LIMIT + 1}": f"1 to {MAX_LIMIT}",
    "limit=abc": f"1 to {MAX_LIMIT}",
    "limit=10&limit=20": "once",
    "offset=-1": "offset",
    "colour=red": "colour",
    "name=Kallio": "name",
    "datetime=yesterday": "RFC 3339",
    "datetime=2026-02-30": "no such",
    "datetime=2026-05-02/2026-05-01": "ends before",
    "datetime=2026-01-01/2026-02-01/2026-03-01": "interval",
    "bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326": "CRS84",
    "crs=http://www.opengis.net/def/crs/EPSG/0/3857": "CRS84",
    "f=xml": "f=json",
}


@pytest.mark.parametrize("query", list(BAD_REQUESTS))
def test_a_bad_parameter_is_a_400_that_says_what_to_change(served: Served, query: str):
    status, headers, body = fetch(f"{served.ogc}/collections/assets/items?{query}")
    assert status == 400
    assert headers["Content-Type"] == "application/json"
    error = json.loads(body)
    assert error["code"] == "InvalidParameterValue"
    assert BAD_REQUESTS[query] in error["description"]


def test_an_unknown_parameter_names_what_the_collection_takes(served: Served):
    error = json.loads(fetch(f"{served.ogc}/collections/links/items?kind=person")[2])
    assert error["description"] == (
        "Unknown parameter 'kind'; this collection takes: bbox, bbox-crs, crs, limit, offset, "
        "datetime, f, type, from_id, to_id."
    )


@pytest.mark.parametrize(
    "path",
    ["/collections/nowhere", "/collections/nowhere/items", "/collections/assets/items/nobody",
     "/collections/areas/items/x/y"],
)  # fmt: skip
def test_what_does_not_exist_is_a_404(served: Served, path: str):
    status, _, body = fetch(served.ogc + path)
    assert status == 404 and json.loads(body)["code"] == "NotFound"


def test_what_gdal_sends_is_accepted(served: Served):
    """Every parameter GDAL 3.12's OAPIF driver may send (ogroapifdriver.cpp): limit, offset
    (our next links), bbox as %.18g with bbox-crs and crs, datetime in its own short forms."""
    items = f"{served.ogc}/collections/assets/items"
    for query in (
        "limit=20",
        "limit=1000&bbox=24.940000000000001,60.164999999999999,24.949999999999999,60.174999999999997",
        f"limit=1000&bbox=24.94,60.16,24.95,60.17&bbox-crs={CRS84}&crs={CRS84}",
        "limit=1000&kind=person&datetime=2020-01-01T%2F..",
        "datetime=..%2F2020-01-01T10:00:00Z",
        "datetime=2020-01-01T10Z%2F2030-01-01T10:30Z",
        "offset=10&limit=10&f=json",
    ):
        assert fetch(f"{items}?{query}")[0] == 200, query


ODD_VALUES = ["", "%00", "%FF", "%C3%BF", "1e309", "-0", "nan", "inf", "..", "/", "../..",
              "9" * 40, "1,2,3,4,5", "%E2%80%AE", "%27%22<>", "0x10", "1_000", "%D9%A1%D9%A2",
              "%205", "2026-05-01T25:00:00Z", "2026-05-01T10:00:00+99:00", "-180,-90,180,90",
              "180,90,-180,-90", ",,,", "1e-400,0,0,0"]  # fmt: skip
ODD_NAMES = ["bbox", "bbox-crs", "crs", "limit", "offset", "datetime", "f", "kind", "area_id",
             "type", "id", "", "%00", "bbox%5B%5D", "LIMIT"]  # fmt: skip


def test_no_odd_request_is_ever_a_500(served: Served):
    chance = random.Random(1913)
    paths = ["", "/conformance", "/api", "/collections", "/collections/assets",
             *(f"/collections/{name}/items" for name in COLLECTIONS),
             "/collections/assets/items/%00", "/collections/%E2%80%AE/items",
             "/collections/links/items/..%2F..", "/collections/areas/items/%FF"]  # fmt: skip
    statuses = set()
    for _ in range(300):
        pairs = [f"{chance.choice(ODD_NAMES)}={chance.choice(ODD_VALUES)}" for _ in range(2)]
        url = f"{served.ogc}{chance.choice(paths)}?{'&'.join(pairs)}"
        status, _, body = fetch(url)
        assert status < 500, (url, body)
        statuses.add(status)
    assert statuses <= {200, 400, 404}


# HTTP: conditional requests, gzip, CORS


def test_a_repeat_with_the_etag_is_not_modified(served: Served):
    for path in ("", "/collections", "/collections/assets/items?limit=5"):
        status, headers, _ = fetch(served.ogc + path)
        assert status == 200
        again = fetch(served.ogc + path, {"If-None-Match": headers["ETag"]})
        assert again[0] == 304 and again[2] == b""
        since = fetch(served.ogc + path, {"If-Modified-Since": headers["Last-Modified"]})
        assert since[0] == 304


def test_a_large_page_is_gzipped_and_open_to_other_sites(served: Served):
    url = f"{served.ogc}/collections/assets/items?limit={MAX_LIMIT}"
    status, headers, body = fetch(url, {"Accept-Encoding": "gzip", "Origin": "https://x.example"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(gzip.decompress(body))["numberReturned"] > 60


# The same routes in this process: behind a URL prefix, and across a write


@dataclass
class InProcess:
    db: Database
    url: str


@pytest.fixture
def in_process(demo_db: Database) -> Iterator[InProcess]:
    """The OGC routes under the prefix /map (server.baseUrlPath "map"), served by uvicorn in a
    thread, on the test's own database (which this process may then write to)."""
    port = free_port()
    app = Starlette(routes=ogc_routes(lambda: demo_db, "/map"))
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield InProcess(demo_db, f"http://127.0.0.1:{port}/map/ogc")
    server.should_exit = True
    thread.join(timeout=30)


def test_links_and_gdal_work_behind_a_prefix(in_process: InProcess):
    landing = fetch_json(in_process.url)
    assert {link["href"] for link in landing["links"]} >= {
        in_process.url,
        f"{in_process.url}/api",
        f"{in_process.url}/collections",
    }
    page = fetch_json(f"{in_process.url}/collections/assets/items?limit=7")
    following = next(link["href"] for link in page["links"] if link["rel"] == "next")
    assert following.startswith(f"{in_process.url}/collections/assets/items?")
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(following).query) == {
        "limit": ["7"],
        "offset": ["7"],
    }
    # GDAL holds this process's GIL while it reads, so it reads from another process here.
    read = f"import pyogrio; print(len(pyogrio.read_dataframe('OAPIF:{in_process.url}', "
    read += "layer='assets', PAGE_SIZE='7')))"
    done = subprocess.run([sys.executable, "-c", read], capture_output=True, timeout=120)
    assert int(done.stdout) == page["numberMatched"] > 7, done.stderr


def test_a_write_changes_the_etag_and_the_answer(in_process: InProcess):
    url = f"{in_process.url}/collections/assets/items?kind=place&limit={MAX_LIMIT}"
    status, headers, body = fetch(url)
    assert status == 200
    before = json.loads(body)["numberMatched"]
    added = register_asset(
        in_process.db,
        {"kind": "place", "category": "park", "name": "New park", "lon": 24.95, "lat": 60.17},
        VISITOR,
    )
    approve_assets(in_process.db, [str(added.id)], TEAM)
    status, changed, body = fetch(url, {"If-None-Match": headers["ETag"]})
    assert status == 200 and changed["ETag"] != headers["ETag"]
    answer = json.loads(body)
    assert answer["numberMatched"] == before + 1
    assert str(added.id) in {feature["id"] for feature in answer["features"]}


# The pure parts


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2026-05-01", datetime(2026, 5, 1), datetime(2026, 5, 2)),
        ("2026-05-01T", datetime(2026, 5, 1), datetime(2026, 5, 2)),  # GDAL's date
        ("2026-05-01T10Z", datetime(2026, 5, 1, 10), datetime(2026, 5, 1, 11)),
        ("2026-05-01T10:30Z", datetime(2026, 5, 1, 10, 30), datetime(2026, 5, 1, 10, 31)),
        (
            "2026-05-01t10:30:15z",
            datetime(2026, 5, 1, 10, 30, 15),
            datetime(2026, 5, 1, 10, 30, 16),
        ),
        (
            "2026-05-01T10:30:15.25Z",
            datetime(2026, 5, 1, 10, 30, 15, 250_000),
            datetime(2026, 5, 1, 10, 30, 15, 260_000),
        ),
        (
            "2026-05-01T12:30:15+02:00",
            datetime(2026, 5, 1, 10, 30, 15),
            datetime(2026, 5, 1, 10, 30, 16),
        ),
        ("2026-05-01/2026-05-03", datetime(2026, 5, 1), datetime(2026, 5, 4)),
        ("../2026-05-01T10:00:00Z", None, datetime(2026, 5, 1, 10, 0, 1)),
        ("2026-05-01/..", datetime(2026, 5, 1), None),
        ("/2026-05-01", None, datetime(2026, 5, 2)),
    ],
)
def test_a_datetime_names_the_period_its_precision_gives(text, start, end):
    assert parse_datetime(text) == Period(start, end)


def test_a_link_meets_a_period_while_it_runs():
    starts = pd.Series([None, date(2026, 1, 1), date(2026, 6, 1), None])
    last_days = pd.Series([None, date(2026, 3, 31), None, date(2025, 12, 31)])
    spring = parse_datetime("2026-04-01/2026-05-31")
    assert list(spring.overlaps(starts, last_days)) == [True, False, False, False]
    last_day = parse_datetime("2026-03-31")
    assert list(last_day.overlaps(starts, last_days)) == [True, True, False, False]


def test_links_become_lines_between_the_positions_given():
    links = pd.DataFrame(
        {
            "id": ["l1", "l2"],
            "from_id": ["a", "a"],
            "to_id": ["b", "gone"],
            "type": ["knows", "knows"],
            "role": ["", "chair"],
            "start_date": [date(2026, 5, 1), None],
            "end_date": [None, None],
            "from_name": ["A", "A"],
            "to_name": ["B", "Gone"],
        }
    )
    assets = pd.DataFrame({"id": ["b", "a"], "lon": [24.123456789, 25.0], "lat": [60.1, 60.2]})
    lines = links_to_geojson(link_ends(links, assets))["features"]
    assert [line["id"] for line in lines] == ["l1"]  # an end that is not public takes its link
    assert lines[0]["geometry"] == {"type": "LineString",
                                    "coordinates": [[25.0, 60.2], [24.1234568, 60.1]]}  # fmt: skip
    assert lines[0]["properties"] == {"type": "knows", "role": "", "start_date": "2026-05-01",
                                      "end_date": None, "from_id": "a", "to_id": "b",
                                      "from_name": "A", "to_name": "B"}  # fmt: skip
    drawn = links_to_lines(links, assets)["features"]
    drawn_at = [feature["geometry"]["coordinates"] for feature in drawn]
    assert drawn_at == [[[25.0, 60.2], [24.123456789, 60.1]]]

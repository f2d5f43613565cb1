"""The Open Referral HSDS 3.0 API under /hsds, asked over HTTP of a real `assetmap serve`:
every answer valid against Open Referral's openapi.json and schemas, people nowhere, the
filters and pages as the API reference describes them, the same ids as the file export, and
a 400 or 404 (never a 500) for what cannot be answered."""

from __future__ import annotations

import gzip
import json
import math
import subprocess
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import pytest
from browsing import ASSETMAP, Server

from assetmap.demo import load_demo
from assetmap.io.hsds import hsds_id
from assetmap.storage import connect

from .conftest import ADMIN
from .hsds_schemas import PAGE_FIELDS, hsds_validator, response_validator, schema_errors
from .test_downloads import ASSOCIATION, PERSON, Seeded, cell_centre, leaks, seed

PERSON_RECORD_TYPES = (
    "organization",
    "service",
    "location",
    "service_at_location",
    "phone:organization",
    "phone:service",
    "schedule",
    "attribute:kind",
    "attribute:category",
    "attribute:sector",
    "attribute:review-status",
)
"""Every kind of record io/hsds.py derives from an asset's id."""


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Hsds:
    url: str
    seeded: Seeded
    export: dict[str, list[dict[str, Any]]]
    """`assetmap export assets --format hsds` of the same data, run while the app serves it."""

    def get(self, path: str, query: str = "", **params: Any) -> Answer:
        """GET {url}{path}, with `query` as it is (odd ones too) or `params` encoded."""
        text = query or urlencode(params)
        return fetch(self.url + path + (f"?{text}" if text else ""))

    def ok(self, path: str, **params: Any) -> Any:
        answer = self.get(path, **params)
        assert answer.status == 200, (path, params, answer.body[:300])
        assert answer.headers["content-type"].startswith("application/json")
        return answer.json()

    def every(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every item of a list, page by page."""
        first = self.ok(path, per_page=1000, **params)
        items = list(first["contents"])
        for page in range(2, first["total_pages"] + 1):
            items += self.ok(path, per_page=1000, page=page, **params)["contents"]
        assert len(items) == first["total_items"]
        return items


def fetch(url: str, headers: dict[str, str] | None = None) -> Answer:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return Answer(response.status, _lower(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, _lower(error.headers.items()), error.read())


def _lower(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    return {name.lower(): value for name, value in headers}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hsds]:
    """One server for the module, on the demo with a consenting person (exact point,
    address, private phone and e-mail) and an association with private contacts added
    through the domain before it starts."""
    folder = tmp_path_factory.mktemp("hsds")
    path, exported = folder / "hsds.duckdb", folder / "export.json"
    with connect(str(path)) as db:
        load_demo(db, ADMIN, minimal=True)
        seeded = seed(db)
    with Server(db=path) as server:
        command = [ASSETMAP, "--db", str(path), "export", "assets", "--format", "hsds"]
        subprocess.run([*command, "-o", str(exported)], check=True, capture_output=True)
        yield Hsds(server.url + "/hsds", seeded, json.loads(exported.read_text("utf-8")))


def valid(validator: Any, record: Any) -> None:
    errors = schema_errors(validator, record)
    assert not errors, errors[:5]


def valid_page(body: dict[str, Any], spec_path: str) -> list[dict[str, Any]]:
    """A list's answer: valid as openapi.json says, with every field of a page."""
    valid(response_validator(spec_path), body)
    assert set(PAGE_FIELDS) <= set(body)
    assert body["size"] == len(body["contents"])
    assert body["empty"] == (not body["contents"])
    return list(body["contents"])


def by_code(api: Hsds, code: str) -> dict[str, Any]:
    [term] = [t for t in api.ok("/taxonomy_terms", per_page=1000)["contents"] if t["code"] == code]
    return term


# What the API is, and what its answers look like ---------------------------------------------


@pytest.mark.parametrize("path", ["", "/"])
def test_the_root_says_which_hsds_it_serves(api, path):
    body = api.ok(path)
    valid(response_validator("/"), body)
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/openapi.json") and body["profile"].startswith("https")


def test_services_page_through_and_each_page_is_valid(api):
    first = api.ok("/services", per_page=5)
    services = valid_page(first, "/services")
    total = first["total_items"]
    assert total == len(api.export["services"]) > 10
    assert first["total_pages"] == math.ceil(total / 5) >= 3
    assert (first["page_number"], first["first_page"], first["last_page"]) == (1, True, False)
    assert len(services) == 5
    for page in range(2, first["total_pages"] + 1):
        body = api.ok("/services", per_page=5, page=page)
        services += valid_page(body, "/services")
        assert body["first_page"] is False and body["last_page"] == (page == first["total_pages"])
    last = body
    assert last["size"] == total - 5 * (first["total_pages"] - 1) and not last["empty"]
    assert len({service["id"] for service in services}) == total
    for service in services:
        valid(hsds_validator("compiled/service_list.json"), service)
        assert datetime.fromisoformat(service["last_modified"]).tzinfo is not None
        assert service["organization"]["id"] == service["organization_id"]


def test_a_page_past_the_last_is_an_empty_page(api):
    last = api.ok("/services", per_page=5)["total_pages"]
    body = api.ok("/services", per_page=5, page=last + 1)
    assert valid_page(body, "/services") == []
    assert body["empty"] is True and body["size"] == 0 and body["page_number"] == last + 1
    assert body["first_page"] is False and body["last_page"] is True


def test_fully_nested_services_are_valid_and_carry_their_terms(api):
    services = api.ok("/services", per_page=1000)["contents"]
    with_schedule = next(s for s in api.export["services"] if s.get("schedules"))
    with_phone = next(s for s in api.export["services"] if s["phones"])
    chosen = [services[0]["id"], services[-1]["id"], with_schedule["id"], with_phone["id"]]
    for service_id in chosen:
        service = api.ok(f"/services/{service_id}")
        valid(response_validator("/services/{id}"), service)
        assert service["id"] == service_id
        assert service["organization"]["id"] == service["organization_id"]
        [at_location] = service["service_at_locations"]
        assert at_location["location"]["id"] == at_location["location_id"]
        assert {a["link_type"] for a in service["attributes"]} == {"kind", "category", "sector"}
        assert all(a["link_id"] == service_id for a in service["attributes"])
    assert api.ok(f"/services/{with_schedule['id']}")["schedules"][0]["description"]
    assert api.ok(f"/services/{with_phone['id']}")["phones"][0]["number"]


def test_private_contacts_do_not_become_phones_or_emails(api):
    """The association keeps its contacts private: the frame has them blank, and blank is
    no phone and no e-mail, not an empty one."""
    service_id = hsds_id("service", api.seeded.association)
    service = api.ok(f"/services/{service_id}")
    assert service["name"] == ASSOCIATION["name"]
    assert service["phones"] == [] and "email" not in service
    organization = api.ok(f"/organizations/{service['organization_id']}", full_service="true")
    assert organization["phones"] == [] and "email" not in organization
    assert organization["services"][0]["phones"] == []


def test_organizations_services_at_locations_and_the_taxonomy_are_valid(api):
    organizations = valid_page(api.ok("/organizations", per_page=7), "/organizations")
    assert len(organizations) == 7
    for organization in organizations[:3]:
        valid(hsds_validator("compiled/organization_list.json"), organization)
        for full_service in ("false", "true"):
            nested = api.ok(f"/organizations/{organization['id']}", full_service=full_service)
            valid(response_validator("/organizations/{id}"), nested)
            [service] = nested["services"]
            assert service["organization_id"] == organization["id"]
            assert ("attributes" in service) == (full_service == "true")
    full = api.ok("/organizations", per_page=3, full="true")
    valid_page(full, "/organizations")
    for organization in full["contents"]:
        valid(hsds_validator("compiled/organization.json"), organization)

    at_locations = valid_page(api.ok("/service_at_locations", per_page=7), "/service_at_locations")
    for at_location in at_locations[:3]:
        nested = api.ok(f"/service_at_locations/{at_location['id']}")
        # openapi.json points this path at compiled/service.json, a slip: the API reference
        # says it answers a service at location, which is what this validates.
        valid(hsds_validator("compiled/service_at_location.json"), nested)
        assert nested["service"]["id"] == at_location["service_id"]
        assert nested["location"]["id"] == at_location["location_id"]

    taxonomies = valid_page(api.ok("/taxonomies"), "/taxonomies")
    assert {t["name"] for t in taxonomies} >= {"Assetmap asset types", "Assetmap sectors"}
    for taxonomy in taxonomies:
        valid(response_validator("/taxonomies/{id}"), api.ok(f"/taxonomies/{taxonomy['id']}"))
    terms = valid_page(api.ok("/taxonomy_terms", per_page=1000), "/taxonomy_terms")
    assert {t["taxonomy_id"] for t in terms} == {t["id"] for t in taxonomies}
    for term in terms[:5]:
        valid(response_validator("/taxonomy_terms/{id}"), api.ok(f"/taxonomy_terms/{term['id']}"))
    library = by_code(api, "library")
    assert library["parent_id"] == by_code(api, "institution")["id"]
    assert library["name"] == "Library"
    children = api.ok("/taxonomy_terms", parent_id=library["parent_id"], per_page=1000)
    assert "library" in {t["code"] for t in children["contents"]}
    top = api.ok("/taxonomy_terms", top_only="true", per_page=1000)["contents"]
    assert "parent_id" not in {key for t in top for key in t} and "institution" in {
        t["code"] for t in top
    }


# People ------------------------------------------------------------------------------------


def test_no_person_appears_anywhere(api):
    """Every answer the API can give, in bytes: no person's name, nothing derived from a
    person asset's id, not their exact point nor their cell's, address, phone or e-mail."""
    paths = [
        "",
        "/services?per_page=1000&full=true",
        "/services?per_page=1000&minimal=true",
        "/organizations?per_page=1000&full_service=true",
        "/service_at_locations?per_page=1000&full=true",
        "/taxonomies",
        "/taxonomy_terms?per_page=1000",
        f"/services?search={PERSON['name'].split()[0]}",
    ]
    bodies = [api.get(path).body for path in paths]
    for service in api.every("/services"):
        bodies.append(api.get(f"/services/{service['id']}").body)
        bodies.append(api.get(f"/organizations/{service['organization_id']}").body)
    for at_location in api.every("/service_at_locations"):
        bodies.append(api.get(f"/service_at_locations/{at_location['id']}").body)
    for term in api.every("/taxonomy_terms"):
        bodies.append(api.get(f"/taxonomy_terms/{term['id']}").body)
    text = b"\n".join(bodies).decode("utf-8")

    person = api.seeded.person
    assert PERSON["name"] not in text and person not in text
    derived = [hsds_id(kind, person) for kind in PERSON_RECORD_TYPES]
    assert [record_id for record_id in derived if record_id in text] == []
    assert leaks(text) == []
    # Nor where the map shows them: their cell's centre, as the API would write it.
    assert [c for c in cell_centre() if json.dumps(round(c, 7)) in text] == []
    assert '"person"' not in text and '"skill"' not in text  # not even as taxonomy terms
    assert api.ok("/services", search=PERSON["name"])["total_items"] == 0


# Filters -----------------------------------------------------------------------------------


def test_search_finds_a_service_by_a_word_of_its_name(api):
    found = api.ok("/services", search="KANSALLISKIRJASTO")["contents"]
    assert "Kansalliskirjasto" in {service["name"] for service in found}
    assert all("kansalliskirjasto" in s["name"].casefold() for s in found)
    both = api.ok("/services", search="helsingin kirjasto")["contents"]
    assert both and all("helsingin" in s["name"].casefold() for s in both)
    assert api.ok("/services", search="no such words anywhere")["empty"] is True


def test_a_category_term_chooses_that_categorys_services(api):
    library = by_code(api, "library")
    body = api.ok("/services", taxonomy_term_id=library["id"], per_page=1000, full="true")
    services = valid_page(body, "/services")
    expected = {
        s["id"]
        for s in api.export["services"]
        if any(a["taxonomy_term_id"] == library["id"] for a in s["attributes"])
    }
    assert len(expected) >= 3 and {s["id"] for s in services} == expected
    for service in services:
        assert library["id"] in {a["taxonomy_term_id"] for a in service["attributes"]}
    assert api.ok("/services", taxonomy_term_id=by_code(api, "park")["id"])["total_items"] == 0
    assert api.ok("/services", taxonomy_term_id="no-such-term")["total_items"] == 0
    institutions = api.ok("/services", taxonomy_term_id=by_code(api, "institution")["id"])
    both = api.ok(
        "/services", taxonomy_term_id=library["id"], search="kansalliskirjasto", per_page=1000
    )
    assert institutions["total_items"] >= len(expected) and both["total_items"] == 1


def test_a_taxonomy_chooses_the_services_with_any_of_its_terms(api):
    taxonomies = {t["name"]: t["id"] for t in api.ok("/taxonomies")["contents"]}
    total = api.ok("/services")["total_items"]
    assert api.ok("/services", taxonomy_id=taxonomies["Assetmap asset types"])["total_items"] == (
        total
    )
    assert api.ok("/services", taxonomy_id=str(uuid.uuid4()))["total_items"] == 0


def test_an_organization_chooses_its_service(api):
    organization = api.ok("/organizations", per_page=3)["contents"][2]
    body = api.ok("/services", organization_id=organization["id"])
    [service] = valid_page(body, "/services")
    assert service["organization_id"] == organization["id"]
    [at_location] = api.ok("/service_at_locations", organization_id=organization["id"])["contents"]
    assert at_location["service_id"] == service["id"]


@pytest.mark.parametrize("path", ["/services", "/service_at_locations"])
def test_modified_after_the_future_is_none_and_after_the_past_is_all(api, path):
    total = api.ok(path)["total_items"]
    future = api.ok(path, modified_after="2999-01-01T00:00:00Z")
    assert future["total_items"] == 0 and future["empty"] is True
    assert valid_page(future, path) == []
    assert api.ok(path, modified_after="2000-01-01")["total_items"] == total
    assert api.ok(path, modified_after="2000-01-01T00:00:00+02:00")["total_items"] == total
    newest = max(s["last_modified"] for s in api.every("/services"))
    assert api.ok(path, modified_after=newest)["total_items"] >= 1  # on or after


# What cannot be answered -------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "page=0",
        "page=abc",
        "page=-1",
        "page=1.5",
        "per_page=0",
        "per_page=1001",
        "per_page=abc",
        "modified_after=garbage",
        "modified_after=2026-13-45",
        "full=maybe",
        "format=ndjson",
    ],
)
def test_bad_parameters_are_refused_with_a_400_that_says_why(api, query):
    answer = api.get("/services", query)
    assert answer.status == 400, answer.body
    body = answer.json()
    assert body["code"] == "InvalidParameterValue"
    assert query.split("=")[0] in body["description"]
    assert answer.headers["cache-control"] == "no-store"


@pytest.mark.parametrize(
    "path",
    [
        f"/services/{uuid.uuid4()}",
        "/services/not-a-uuid",
        f"/organizations/{uuid.uuid4()}",
        f"/service_at_locations/{uuid.uuid4()}",
        f"/taxonomies/{uuid.uuid4()}",
        f"/taxonomy_terms/{uuid.uuid4()}",
    ],
)
def test_an_unknown_id_is_a_404(api, path):
    answer = api.get(path)
    assert answer.status == 404 and answer.json()["code"] == "NotFound"


def test_an_id_of_another_kind_of_record_is_not_found(api):
    service = api.ok("/services", per_page=1)["contents"][0]
    assert api.get(f"/services/{service['organization_id']}").status == 404
    assert api.get(f"/organizations/{service['id']}").status == 404


ODD_QUERIES = [
    "page=99999999999999999",
    "page=999999999999999999999999999",
    "page=%EF%BC%91",
    "page=1&page=2&page=",
    "per_page=%00",
    "search=%00%ff%fe",
    "search=(%5B*%5C",
    "search=" + "a" * 5000,
    "taxonomy_term_id=%00",
    "organization_id=%27%20OR%201=1--",
    "modified_after=0001-01-01T00:00:00%2B01:00",
    "modified_after=9999-12-31T23:59:59-12:00",
    "modified_after=2026-01-01T10:00:00%2002:00",
    "modified_after=%00",
    "full=",
    "minimal=TRUE",
    "top_only=1",
    "parent_id=x",
    "postcode=00100",
    "proximity=-1",
    "format=",
    "&&&=&==",
    "%ZZ=%ZZ",
]


@pytest.mark.parametrize(
    "path", ["", "/services", "/organizations", "/service_at_locations", "/taxonomy_terms"]
)
def test_odd_query_strings_never_get_a_server_error(api, path):
    for query in ODD_QUERIES:
        answer = api.get(path, query)
        assert answer.status in (200, 400), (path, query, answer.status, answer.body[:200])
        assert isinstance(answer.json(), dict)


# The same records as the file export, and the publishing they share ----------------------------


def test_the_ids_are_those_of_the_file_export(api):
    export = api.export
    assert {s["id"] for s in api.every("/services")} == {s["id"] for s in export["services"]}
    assert {o["id"] for o in api.every("/organizations")} == {
        o["id"] for o in export["organizations"]
    }
    assert {a["id"] for a in api.every("/service_at_locations")} == {
        a["id"] for a in export["service_at_locations"]
    }
    assert {t["id"] for t in api.every("/taxonomy_terms")} == {
        t["id"] for t in export["taxonomy_terms"]
    }
    # Not only the ids: a nested service is the exported one with its relations inside.
    locations = {location["id"]: location for location in export["locations"]}
    for exported in export["services"][:5]:
        served = api.ok(f"/services/{exported['id']}")
        [at_location] = served.pop("service_at_locations")
        served.pop("organization")
        assert served == exported
        assert at_location["location"] == locations[at_location["location_id"]]


def test_answers_are_conditional_compressed_and_open_to_other_sites(api):
    url = api.url + "/services?per_page=1000"
    first = fetch(url, {"Accept-Encoding": "gzip", "Origin": "https://directory.example"})
    assert first.status == 200 and first.headers["content-encoding"] == "gzip"
    assert json.loads(gzip.decompress(first.body))["total_items"] > 10
    assert first.headers["access-control-allow-origin"] == "*"
    again = fetch(url, {"If-None-Match": first.headers["etag"]})
    assert again.status == 304 and again.body == b""


def test_the_export_file_is_valid_hsds_with_its_taxonomy(api):
    """The file the API's records match: its taxonomy resolves every term it uses."""
    export = api.export
    terms = {term["id"] for term in export["taxonomy_terms"]}
    for service in export["services"]:
        assert {a["taxonomy_term_id"] for a in service["attributes"]} <= terms
    for location in export["locations"]:
        assert {a["taxonomy_term_id"] for a in location["attributes"]} <= terms
    for taxonomy in export["taxonomies"]:
        valid(hsds_validator("taxonomy.json"), taxonomy)
    for term in export["taxonomy_terms"]:
        valid(hsds_validator("taxonomy_term.json"), term)

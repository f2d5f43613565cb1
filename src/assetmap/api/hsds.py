"""The Open Referral HSDS 3.0 API under /hsds: services, organizations, services at
locations and the taxonomy, as Open Referral's openapi.json describes them, for service
directories and validators (ORUK's among them).

Every answer is built from `publishing.released_to_anyone`: the approved assets through the
one privacy policy, read once per data version. People are never in it (io/hsds.py leaves
them out), and the records are those of the file export, with the same ids. Lists are pages
(total_items, total_pages, page_number, size, first_page, last_page, empty, contents) whose
filters add up (AND); a page past the last is empty, not an error. The spec describes no
error body, so errors have the OGC API's {code, description}, as under /ogc.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from assetmap.api.incoming import public_url
from assetmap.api.photos import photo_url
from assetmap.api.publishing import (
    ApiError,
    PublicData,
    data_response,
    ogc_exception,
    public_api,
    released_to_anyone,
)
from assetmap.io import hsds
from assetmap.storage import Database

HSDS_PATH = "/hsds"
DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 1000
"""One page holds at most this many records (a `minimal` list of services too)."""
OPENAPI_URL = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
PROFILE_URL = "https://github.com/openreferral/specification/tree/3.0"
"""Base HSDS 3.0, no profile of its own: the specification is where to read about it."""

SERVICE_FILTERS = frozenset(
    {"search", "taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after"}
)
"""What the lists of services (and of services at locations) may be filtered by."""
PAGING = frozenset({"page", "per_page", "format"})

Query = Mapping[str, str]
Record = dict[str, Any]


def hsds_routes(database: Callable[[], Database], prefix: str = "") -> list[Route]:
    """GET {prefix}/hsds and the HSDS 3.0 endpoints below it, on `database`."""
    base = prefix + HSDS_PATH

    async def about(request: Request) -> Response:
        return JSONResponse(
            {"version": hsds.HSDS_VERSION, "profile": PROFILE_URL, "openapi_url": OPENAPI_URL}
        )

    async def services(request: Request) -> Response:
        query = _known(request, SERVICE_FILTERS | {"full", "minimal"})
        record = hsds.service_summary
        if _flag(query, "full"):
            record = hsds.service_full
        if _flag(query, "minimal"):
            record = hsds.service_minimal
        return await _rows_page(request, database, query, _with_photo(request, prefix, record))

    async def service(request: Request) -> Response:
        return await _one(
            request, database, "service_id", _with_photo(request, prefix, hsds.service_full)
        )

    async def organizations(request: Request) -> Response:
        query = _known(request, {"search", "full", "full_service"})
        full_services = _flag(query, "full_service")
        nested = _flag(query, "full") or full_services

        def record(asset: Record) -> Record:
            if nested:
                return hsds.organization_full(asset, full_services)
            return hsds.organization_summary(asset)

        return await _rows_page(request, database, query, _with_photo(request, prefix, record))

    async def organization(request: Request) -> Response:
        query = _known(request, {"full_service"})
        full_services = _flag(query, "full_service")
        return await _one(
            request,
            database,
            "organization_id",
            _with_photo(
                request, prefix, lambda asset: hsds.organization_full(asset, full_services)
            ),
        )

    async def services_at_locations(request: Request) -> Response:
        query = _known(request, SERVICE_FILTERS | {"full", "postcode", "proximity"})
        for name in ("postcode", "proximity"):
            if query.get(name):
                raise ApiError(f"{name} is not offered: Assetmap knows no postcode areas.")
        full = _flag(query, "full")
        record = hsds.service_at_location_full if full else hsds.service_at_location_summary
        return await _rows_page(request, database, query, _with_photo(request, prefix, record))

    async def service_at_location(request: Request) -> Response:
        return await _one(
            request,
            database,
            "service_at_location_id",
            _with_photo(request, prefix, hsds.service_at_location_full),
        )

    async def taxonomies(request: Request) -> Response:
        query = _known(request, {"search"})
        words = _words(query)
        chosen = [
            hsds.taxonomy_record(taxonomy)
            for taxonomy in hsds.TAXONOMIES
            if _has_words(f"{taxonomy.name} {taxonomy.description}", words)
        ]
        return await _list_page(request, database, query, chosen)

    async def taxonomy(request: Request) -> Response:
        wanted = request.path_params["id"]
        found = next((t for t in hsds.TAXONOMIES if t.id == wanted), None)
        if found is None:
            raise _not_found("taxonomy", wanted)
        return await _static(request, database, hsds.taxonomy_record(found))

    async def taxonomy_terms(request: Request) -> Response:
        query = _known(request, {"search", "taxonomy_id", "top_only", "parent_id"})
        chosen = [hsds.taxonomy_term_record(term) for term in _terms_matching(query)]
        return await _list_page(request, database, query, chosen)

    async def taxonomy_term(request: Request) -> Response:
        wanted = request.path_params["id"]
        term = hsds.TERMS_BY_ID.get(wanted)
        if term is None:
            raise _not_found("taxonomy term", wanted)
        return await _static(request, database, hsds.taxonomy_term_record(term))

    return public_api(
        [
            Route(base, about),
            Route(base + "/", about),
            Route(base + "/services", services),
            Route(base + "/services/{id}", service),
            Route(base + "/organizations", organizations),
            Route(base + "/organizations/{id}", organization),
            Route(base + "/service_at_locations", services_at_locations),
            Route(base + "/service_at_locations/{id}", service_at_location),
            Route(base + "/taxonomies", taxonomies),
            Route(base + "/taxonomies/{id}", taxonomy),
            Route(base + "/taxonomy_terms", taxonomy_terms),
            Route(base + "/taxonomy_terms/{id}", taxonomy_term),
        ],
        error_body=ogc_exception,
    )


# Reading the query ---------------------------------------------------------------------------


def _known(request: Request, names: set[str] | frozenset[str]) -> Query:
    """The query's parameters this endpoint reads (the last of repeated ones), with empty
    values left out as not given; others are ignored, as web APIs usually do. The paging
    and format are checked here, so every list refuses a bad one before reading data."""
    wanted = names | PAGING
    query = {
        name: value.strip()
        for name, value in request.query_params.items()
        if name in wanted and value.strip()
    }
    fmt = query.get("format", "json").lower()
    if fmt != "json":
        raise ApiError(f"format {fmt[:40]!r} is not offered: this API answers in json only.")
    _paging(query)
    return query


_WHOLE_NUMBER = re.compile(r"[0-9]{1,18}")


def _whole_number(query: Query, name: str, default: int, most: int | None = None) -> int:
    text = query.get(name)
    if text is None:
        return default
    highest = f" up to {most}" if most is not None else ""
    if not _WHOLE_NUMBER.fullmatch(text) or int(text) < 1 or (most and int(text) > most):
        raise ApiError(f"{name} must be a whole number from 1{highest}, not {text[:40]!r}.")
    return int(text)


@dataclass(frozen=True)
class Paging:
    page: int
    per_page: int


def _paging(query: Query) -> Paging:
    """page (from 1) and per_page (1 to MAX_PER_PAGE, DEFAULT_PER_PAGE if not given)."""
    return Paging(
        _whole_number(query, "page", 1),
        _whole_number(query, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE),
    )


def _flag(query: Query, name: str) -> bool:
    text = query.get(name, "false").lower()
    if text not in ("true", "false"):
        raise ApiError(f"{name} must be true or false, not {text[:40]!r}.")
    return text == "true"


_SPACED_OFFSET = re.compile(r"(T[0-9:.]+) ([0-9]{2}:?[0-9]{2})$")


def _modified_after(query: Query) -> datetime | None:
    """modified_after as a UTC time without a zone (as timestamps are stored): an ISO 8601
    date or date-time; one without an offset is taken as UTC."""
    text = query.get("modified_after")
    if text is None:
        return None
    # An unencoded "+02:00" arrives as " 02:00".
    text = _SPACED_OFFSET.sub(r"\1+\2", text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ApiError(
            f"modified_after must be an ISO 8601 date or date-time such as "
            f"2026-01-31T12:00:00Z, not {text[:40]!r}."
        ) from None
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(UTC).replace(tzinfo=None)
    except OverflowError:  # within a day of year 1 or 9999: as early or late as can be
        return datetime.min if moment.year == 1 else datetime.max


def _words(query: Query) -> list[str]:
    return query.get("search", "").casefold().split()


def _has_words(text: str, words: Sequence[str]) -> bool:
    folded = text.casefold()
    return all(word in folded for word in words)


# Reading the data ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Directory:
    """The services of one version of the public data, with what the filters look at."""

    public: PublicData
    rows: pd.DataFrame
    text: pd.Series
    """Name and description, case-folded, for `search`."""
    modified: pd.Series


_directories: dict[str, _Directory] = {}
_directories_lock = threading.Lock()


def _directory(database: Callable[[], Database]) -> _Directory:
    """The public data now, and its services: worked out again only when the data changed."""
    db = database()
    public = released_to_anyone(db)
    with _directories_lock:
        held = _directories.get(db.location)
        if held is not None and held.public is public:
            return held
        rows = hsds.service_assets(public.assets)
        text = (rows["name"].fillna("") + " " + rows["description"].fillna("")).str.casefold()
        modified = pd.to_datetime(rows["updated_at"]).fillna(pd.to_datetime(rows["created_at"]))
        directory = _Directory(public, rows, text, modified)
        _directories[db.location] = directory
        return directory


def _services_matching(directory: _Directory, query: Query) -> pd.DataFrame:
    """The services that pass every filter given (the spec's filters add up)."""
    rows = directory.rows
    chosen = pd.Series(True, index=rows.index)
    for word in _words(query):
        chosen &= directory.text.str.contains(word, regex=False)
    if "taxonomy_term_id" in query:
        term = hsds.TERMS_BY_ID.get(query["taxonomy_term_id"])
        chosen &= False if term is None else rows[term.column] == term.code
    if "taxonomy_id" in query:
        terms = [t for t in hsds.TERMS if t.facet.taxonomy.id == query["taxonomy_id"]]
        carried = pd.Series(False, index=rows.index)
        for term in terms:
            carried |= rows[term.column] == term.code
        chosen &= carried
    if "organization_id" in query:
        chosen &= rows["organization_id"] == query["organization_id"]
    after = _modified_after(query)
    if after is not None:
        chosen &= directory.modified >= pd.Timestamp(after)
    return rows[chosen]


def _terms_matching(query: Query) -> list[hsds.Term]:
    top_only = _flag(query, "top_only")
    words = _words(query)
    return [
        term
        for term in hsds.TERMS
        if _has_words(f"{term.code} {term.name} {term.description}", words)
        and query.get("taxonomy_id", term.facet.taxonomy.id) == term.facet.taxonomy.id
        and not (top_only and term.parent_code is not None)
        and query.get("parent_id", term.parent_id) == term.parent_id
    ]


# Answering -----------------------------------------------------------------------------------


def _page(contents_of: Callable[[int, int], list[Record]], total: int, paging: Paging) -> Record:
    """One page of `total` items (the spec's Page); past the last page, an empty one."""
    total_pages = max(1, math.ceil(total / paging.per_page))
    start = (paging.page - 1) * paging.per_page
    contents = contents_of(start, start + paging.per_page) if start < total else []
    return {
        "total_items": total,
        "total_pages": total_pages,
        "page_number": paging.page,
        "size": len(contents),
        "first_page": paging.page == 1,
        "last_page": paging.page >= total_pages,
        "empty": not contents,
        "contents": contents,
    }


async def _rows_page(
    request: Request,
    database: Callable[[], Database],
    query: Query,
    record: Callable[[Record], Record],
) -> Response:
    """A page of the services that match `query`, each as `record` makes it."""
    _modified_after(query)  # a bad one is refused before any data is read
    directory = await run_in_threadpool(_directory, database)

    def build() -> Record:
        rows = _services_matching(directory, query)

        def contents(start: int, stop: int) -> list[Record]:
            return [record(asset) for asset in rows.iloc[start:stop].to_dict("records")]

        return _page(contents, len(rows), _paging(query))

    return await data_response(request, directory.public.state, build)


async def _list_page(
    request: Request, database: Callable[[], Database], query: Query, items: list[Record]
) -> Response:
    paging = _paging(query)
    return await _static(
        request, database, _page(lambda start, stop: items[start:stop], len(items), paging)
    )


async def _static(request: Request, database: Callable[[], Database], body: Record) -> Response:
    """A body that is the same for every version of the data (the taxonomy), with the data's
    ETag all the same: one kind of conditional answer for every route."""
    directory = await run_in_threadpool(_directory, database)
    return await data_response(request, directory.public.state, lambda: body)


async def _one(
    request: Request,
    database: Callable[[], Database],
    id_column: str,
    record: Callable[[Record], Record],
) -> Response:
    """The record whose id (in `id_column` of the services) the path names, or a 404."""
    wanted = request.path_params["id"]
    directory = await run_in_threadpool(_directory, database)
    rows = directory.rows
    found = rows[rows[id_column] == wanted]
    if found.empty:
        raise _not_found(id_column.removesuffix("_id").replace("_", " "), wanted)
    asset = found.to_dict("records")[0]
    return await data_response(request, directory.public.state, lambda: record(asset))


def _with_photo(
    request: Request, prefix: str, record: Callable[[Record], Record]
) -> Callable[[Record], Record]:
    """`record` made from the asset with the full address of its first approved photo, which
    the organization's `logo` carries (io/hsds.py): the only image HSDS 3.0 has a place for."""
    template = str(public_url(request).replace(path=photo_url(prefix), query="", fragment=""))

    def with_photo(asset: Record) -> Record:
        ids = str(asset.get("photo_ids") or "")
        if ids:
            asset = {**asset, "photo_url": template.replace("{id}", ids.split(",")[0])}
        return record(asset)

    return with_photo


def _not_found(what: str, wanted: str) -> ApiError:
    return ApiError(f"There is no {what} with id {wanted[:80]!r}.", 404, "NotFound")

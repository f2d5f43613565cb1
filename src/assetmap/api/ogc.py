"""OGC API - Features (Part 1: Core, with GeoJSON and OpenAPI 3.0) under {prefix}/ogc.

The public assets, areas and links for GIS clients, read-only: QGIS ("Add WFS / OGC API -
Features Layer"), ArcGIS Pro ("Add OGC API server") and GDAL's OAPIF driver (ogr2ogr,
pyogrio) read them live instead of a downloaded file. What they get is what `assetmap export`
writes (ogc_collections), a page at a time; publishing gives every answer its ETag, gzip and
CORS, and turns an ApiError into the OGC exception body.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from assetmap.api.features import (
    CRS84,
    ItemsQuery,
    QueryError,
    check_format,
    page_of,
    parse_items_query,
    rfc3339,
    single_values,
)
from assetmap.api.incoming import public_url
from assetmap.api.ogc_collections import COLLECTIONS, Layer, chosen_rows, features_of, layers_of
from assetmap.api.ogc_openapi import GEOJSON, JSON, OPENAPI_MEDIA_TYPE, openapi_document
from assetmap.api.publishing import (
    ApiError,
    PublicData,
    data_response,
    public_api,
    released_to_anyone,
)
from assetmap.storage import Database, DataState, data_state, utc_now

OGC_PATH = "/ogc"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
JSON_FORMATS = ("json",)
ITEM_FORMATS = ("json", "geojson")


def ogc_routes(database: Callable[[], Database], prefix: str = "") -> list[Route]:
    """GET {prefix}/ogc and below: landing page, conformance, API document, collections,
    items and single items."""
    root = prefix + OGC_PATH

    async def landing(request: Request) -> Response:
        _plain_request(request)
        base = _base_url(request, root)
        return await data_response(request, await _state(database), lambda: landing_page(base))

    async def conformance(request: Request) -> Response:
        _plain_request(request)
        return await data_response(request, await _state(database), lambda: conforms_to())

    async def api(request: Request) -> Response:
        _plain_request(request)
        base = _base_url(request, root)
        state = await _state(database)
        return await data_response(
            request, state, lambda: openapi_document(base), OPENAPI_MEDIA_TYPE
        )

    async def collections(request: Request) -> Response:
        _plain_request(request)
        base = _base_url(request, root)
        public = await _public(database)
        return await data_response(request, public.state, lambda: collections_page(public, base))

    async def collection(request: Request) -> Response:
        name = _collection_id(request)
        _plain_request(request)
        base = _base_url(request, root)
        public = await _public(database)
        return await data_response(
            request, public.state, lambda: collection_page(name, layers_of(public)[name], base)
        )

    async def items(request: Request) -> Response:
        name = _collection_id(request)
        try:
            query = parse_items_query(
                request.query_params.multi_items(), COLLECTIONS[name].queryables, ITEM_FORMATS
            )
        except QueryError as error:
            raise ApiError(error.message) from error
        public = await _public(database)
        url, collection_url = public_url(request), _base_url(request, root) + f"/collections/{name}"
        return await data_response(
            request,
            public.state,
            lambda: items_page(name, layers_of(public)[name], query, url, collection_url),
            GEOJSON,
        )

    async def item(request: Request) -> Response:
        name = _collection_id(request)
        _plain_request(request, ITEM_FORMATS, ("f", "crs"))
        feature_id = request.path_params["feature_id"]
        public = await _public(database)
        found = await run_in_threadpool(_rows_with_id, public, name, feature_id)
        if found.empty:
            raise ApiError(f"No item {feature_id!r} in the collection {name}.", 404, "NotFound")
        url, collection_url = public_url(request), _base_url(request, root) + f"/collections/{name}"
        return await data_response(
            request, public.state, lambda: item_page(name, found, url, collection_url), GEOJSON
        )

    return public_api(
        [
            Route(root, landing),
            Route(root + "/conformance", conformance),
            Route(root + "/api", api),
            Route(root + "/collections", collections),
            Route(root + "/collections/{collection_id}", collection),
            Route(root + "/collections/{collection_id}/items", items),
            Route(root + "/collections/{collection_id}/items/{feature_id:path}", item),
        ]
    )


async def _state(database: Callable[[], Database]) -> DataState:
    """The data version, for the answers that do not depend on the data but are cached with
    it all the same."""
    return await run_in_threadpool(lambda: data_state(database()))


async def _public(database: Callable[[], Database]) -> PublicData:
    return await run_in_threadpool(lambda: released_to_anyone(database()))


def _rows_with_id(public: PublicData, name: str, feature_id: str) -> pd.DataFrame:
    rows = layers_of(public)[name].rows
    return rows[rows["id"].astype(str) == feature_id]


def _plain_request(
    request: Request, formats: Sequence[str] = JSON_FORMATS, allowed: Sequence[str] = ("f",)
) -> None:
    """A request that takes no parameters but the format (and for items, crs=CRS84)."""
    try:
        given = single_values(request.query_params.multi_items(), allowed)
        check_format(given, formats)
        if given.get("crs", CRS84) != CRS84:
            raise QueryError(f"crs must be {CRS84}: the only CRS served here.")
    except QueryError as error:
        raise ApiError(error.message) from error


def _collection_id(request: Request) -> str:
    name = str(request.path_params["collection_id"])
    if name not in COLLECTIONS:
        raise ApiError(
            f"No collection {name!r}: the collections are {', '.join(COLLECTIONS)}.",
            404,
            "NotFound",
        )
    return name


def _base_url(request: Request, root: str) -> str:
    """The absolute URL of /ogc as the client reached it (through a trusted proxy too)."""
    return str(public_url(request).replace(path=root, query="", fragment=""))


def _link(href: str, rel: str, media_type: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def items_page(
    name: str, layer: Layer, query: ItemsQuery, url: URL, collection_url: str
) -> dict[str, Any]:
    """The page of the collection's items that `query` asks for, linked to the pages before
    and after it by `url` (the request's, its other parameters kept) with another offset."""
    page = page_of(layer.rows, chosen_rows(name, layer, query), query.limit, query.offset)
    links = [
        _link(str(url), "self", GEOJSON, "This page"),
        _link(collection_url, "collection", JSON, COLLECTIONS[name].title),
    ]
    for rel, offset in (("next", page.next_offset), ("prev", page.prev_offset)):
        if offset is not None:
            moved = url.include_query_params(offset=offset, limit=query.limit)
            links.append(_link(str(moved), rel, GEOJSON, f"The {rel} page"))
    return {
        "type": "FeatureCollection",
        "features": features_of(name, page.rows),
        "numberMatched": page.matched,
        "numberReturned": len(page.rows),
        "timeStamp": rfc3339(utc_now()),
        "links": links,
    }


def item_page(name: str, rows: pd.DataFrame, url: URL, collection_url: str) -> dict[str, Any]:
    """One item: the exported feature, with links to itself and its collection."""
    feature = features_of(name, rows)[0]
    feature["links"] = [
        _link(str(url), "self", GEOJSON, "This item"),
        _link(collection_url, "collection", JSON, COLLECTIONS[name].title),
    ]
    return feature


def landing_page(base: str) -> dict[str, Any]:
    return {
        "title": "Assetmap",
        "description": "The community asset map's public data: assets, areas with their "
        "indicators, and the links between assets, as OGC API - Features.",
        "links": [
            _link(base, "self", JSON, "This page"),
            _link(f"{base}/api", "service-desc", OPENAPI_MEDIA_TYPE, "The API definition"),
            _link(f"{base}/conformance", "conformance", JSON, "The conformance classes"),
            _link(f"{base}/collections", "data", JSON, "The collections"),
        ],
    }


def conforms_to() -> dict[str, Any]:
    return {"conformsTo": CONFORMANCE}


def collections_page(public: PublicData, base: str) -> dict[str, Any]:
    layers = layers_of(public)
    return {
        "links": [_link(f"{base}/collections", "self", JSON, "The collections")],
        "collections": [collection_page(name, layers[name], base) for name in COLLECTIONS],
    }


def collection_page(name: str, layer: Layer, base: str) -> dict[str, Any]:
    """A collection's description: what it is, where its items lie, and where to get them."""
    collection = COLLECTIONS[name]
    url = f"{base}/collections/{name}"
    extent: dict[str, Any] = {"spatial": {"bbox": [layer.bbox], "crs": CRS84}}
    if layer.interval is not None:
        extent["temporal"] = {
            "interval": [layer.interval],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        }
    return {
        "id": name,
        "title": collection.title,
        "description": collection.description,
        "itemType": "feature",
        "crs": [CRS84],
        "extent": extent,
        "links": [
            _link(url, "self", JSON, collection.title),
            _link(f"{url}/items", "items", GEOJSON, f"{collection.title} (GeoJSON)"),
        ],
    }

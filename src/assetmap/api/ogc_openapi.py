"""The OpenAPI 3.0 document of the OGC API under /ogc: every path, parameter and answer.

Clients read more than people do here: GDAL's OAPIF driver takes its page size from the
`limit` parameter's schema (found through a $ref), and pushes a `WHERE kind = 'person'` to the
server as kind=person only for the query parameters listed under the collection's own items
path (/collections/assets/items), so each collection has its own items paths.
"""

from __future__ import annotations

from typing import Any

from assetmap.api.features import CRS84, DEFAULT_LIMIT, MAX_LIMIT
from assetmap.api.ogc_collections import COLLECTIONS, Collection

OPENAPI_MEDIA_TYPE = "application/vnd.oai.openapi+json;version=3.0"
JSON = "application/json"
GEOJSON = "application/geo+json"
PARAMETERS = "#/components/parameters/"
ERRORS = {
    "400": {"$ref": "#/components/responses/InvalidParameter"},
    "404": {"$ref": "#/components/responses/NotFound"},
    "503": {"$ref": "#/components/responses/Unavailable"},
}


def openapi_document(server_url: str) -> dict[str, Any]:
    """The API definition, with paths relative to `server_url` (the absolute URL of /ogc)."""
    paths: dict[str, Any] = {
        "/": _get("The landing page", "landing", "LandingPage", [], JSON),
        "/conformance": _get("The conformance classes", "conformance", "Conformance", [], JSON),
        "/api": _get("This document", "api", "Object", [], OPENAPI_MEDIA_TYPE),
        "/collections": _get("The collections", "collections", "Collections", [], JSON),
        "/collections/{collectionId}": _get(
            "One collection's description",
            "collection",
            "Collection",
            [{"$ref": PARAMETERS + "collectionId"}],
            JSON,
        ),
    }
    for collection in COLLECTIONS.values():
        paths.update(_collection_paths(collection))
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Assetmap: OGC API - Features",
            "version": "1.0.0",
            "description": (
                "The community asset map's public data, read-only: what anyone may take out "
                "of the app, as any export gives it. Coordinates are WGS 84 longitude and "
                "latitude (CRS84)."
            ),
            "license": {
                "name": "EUPL-1.2 (the software)",
                "url": "https://joinup.ec.europa.eu/collection/eupl/eupl-text-eupl-12",
            },
        },
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": {
            "parameters": _parameters(),
            "responses": _responses(),
            "schemas": _schemas(),
        },
    }


def _get(
    summary: str, operation: str, schema: str, parameters: list[Any], media_type: str
) -> dict[str, Any]:
    answer = {"schema": {"$ref": f"#/components/schemas/{schema}"}}
    return {
        "get": {
            "summary": summary,
            "operationId": operation,
            "parameters": [*parameters, {"$ref": PARAMETERS + "f"}],
            "responses": {
                "200": {"description": summary, "content": {media_type: answer}},
                **ERRORS,
            },
        }
    }


def _collection_paths(collection: Collection) -> dict[str, Any]:
    items = f"/collections/{collection.id}/items"
    queryables = [_queryable(name, values) for name, values in collection.queryables.items()]
    datetime = {
        "name": "datetime",
        "in": "query",
        "required": False,
        "description": (
            "An RFC 3339 instant (2026-05-01T10:30:00Z, or a date: that whole day) or an "
            "interval a/b, a/.. or ../b. " + collection.datetime_rule
        ),
        "schema": {"type": "string"},
    }
    return {
        items: {
            "get": {
                "summary": f"{collection.title}: a page of items",
                "description": collection.description,
                "operationId": f"{collection.id}_items",
                "parameters": [
                    {"$ref": PARAMETERS + "limit"},
                    {"$ref": PARAMETERS + "offset"},
                    {"$ref": PARAMETERS + "bbox"},
                    {"$ref": PARAMETERS + "bbox-crs"},
                    {"$ref": PARAMETERS + "crs"},
                    datetime,
                    *queryables,
                    {"$ref": PARAMETERS + "f-items"},
                ],
                "responses": {
                    "200": {
                        "description": "The matching items, a page at a time (links next, prev)",
                        "content": {
                            GEOJSON: {"schema": {"$ref": "#/components/schemas/FeatureCollection"}}
                        },
                    },
                    **ERRORS,
                },
            }
        },
        items + "/{featureId}": {
            "get": {
                "summary": f"{collection.title}: one item",
                "operationId": f"{collection.id}_item",
                "parameters": [
                    {"$ref": PARAMETERS + "featureId"},
                    {"$ref": PARAMETERS + "crs"},
                    {"$ref": PARAMETERS + "f-items"},
                ],
                "responses": {
                    "200": {
                        "description": "The item",
                        "content": {GEOJSON: {"schema": {"$ref": "#/components/schemas/Feature"}}},
                    },
                    **ERRORS,
                },
            }
        },
    }


def _queryable(name: str, values: tuple[str, ...]) -> dict[str, Any]:
    item: dict[str, Any] = {"type": "string"}
    if values:
        item["enum"] = list(values)
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": f"Items whose {name} is one of these values (comma-separated).",
        "style": "form",
        "explode": False,
        "schema": {"type": "array", "items": item},
    }


def _parameters() -> dict[str, Any]:
    crs = {"type": "string", "format": "uri", "enum": [CRS84], "default": CRS84}
    return {
        "limit": {
            "name": "limit",
            "in": "query",
            "required": False,
            "description": f"How many items a page holds, 1 to {MAX_LIMIT}.",
            "style": "form",
            "explode": False,
            "schema": {
                "type": "integer",
                "minimum": 1,
                "maximum": MAX_LIMIT,
                "default": DEFAULT_LIMIT,
            },
        },
        "offset": {
            "name": "offset",
            "in": "query",
            "required": False,
            "description": "How many matching items come before the page (the `next` link "
            "says where the next page starts).",
            "schema": {"type": "integer", "minimum": 0, "default": 0},
        },
        "bbox": {
            "name": "bbox",
            "in": "query",
            "required": False,
            "description": "minlon,minlat,maxlon,maxlat in CRS84 (six numbers with heights "
            "are taken and the heights ignored). Points on the edge are inside; areas and "
            "lines that touch the box are in. A box across the antimeridian is refused.",
            "style": "form",
            "explode": False,
            "schema": {
                "type": "array",
                "minItems": 4,
                "maxItems": 6,
                "items": {"type": "number"},
            },
        },
        "bbox-crs": {
            "name": "bbox-crs",
            "in": "query",
            "required": False,
            "description": "The bbox's CRS: only CRS84.",
            "schema": crs,
        },
        "crs": {
            "name": "crs",
            "in": "query",
            "required": False,
            "description": "The answer's CRS: only CRS84.",
            "schema": crs,
        },
        "collectionId": {
            "name": "collectionId",
            "in": "path",
            "required": True,
            "schema": {"type": "string", "enum": list(COLLECTIONS)},
        },
        "featureId": {
            "name": "featureId",
            "in": "path",
            "required": True,
            "description": "The item's id, as in its `id` member.",
            "schema": {"type": "string"},
        },
        "f": _format(["json"]),
        "f-items": _format(["json", "geojson"]),
    }


def _format(formats: list[str]) -> dict[str, Any]:
    return {
        "name": "f",
        "in": "query",
        "required": False,
        "description": "The format of the answer.",
        "schema": {"type": "string", "enum": formats, "default": formats[0]},
    }


def _responses() -> dict[str, Any]:
    def error(description: str) -> dict[str, Any]:
        schema = {"$ref": "#/components/schemas/Exception"}
        return {"description": description, "content": {JSON: {"schema": schema}}}

    return {
        "InvalidParameter": error("A parameter is wrong; the description says which and how."),
        "NotFound": error("No such collection or item."),
        "Unavailable": error("The data store is unavailable; try again."),
    }


def _schemas() -> dict[str, Any]:
    links = {"type": "array", "items": {"$ref": "#/components/schemas/Link"}}
    return {
        "Object": {"type": "object"},
        "Exception": {
            "type": "object",
            "required": ["code"],
            "properties": {"code": {"type": "string"}, "description": {"type": "string"}},
        },
        "Link": {
            "type": "object",
            "required": ["href", "rel"],
            "properties": {
                "href": {"type": "string"},
                "rel": {"type": "string"},
                "type": {"type": "string"},
                "title": {"type": "string"},
            },
        },
        "LandingPage": {
            "type": "object",
            "required": ["links"],
            "properties": {
                "title": {"type": "string"},
                "description": {"type": "string"},
                "links": links,
            },
        },
        "Conformance": {
            "type": "object",
            "required": ["conformsTo"],
            "properties": {"conformsTo": {"type": "array", "items": {"type": "string"}}},
        },
        "Collection": {
            "type": "object",
            "required": ["id", "links"],
            "properties": {
                "id": {"type": "string"},
                "title": {"type": "string"},
                "description": {"type": "string"},
                "links": links,
                "extent": {"type": "object"},
                "itemType": {"type": "string"},
                "crs": {"type": "array", "items": {"type": "string"}},
            },
        },
        "Collections": {
            "type": "object",
            "required": ["links", "collections"],
            "properties": {
                "links": links,
                "collections": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/Collection"},
                },
            },
        },
        "Feature": {
            "type": "object",
            "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"type": "string"},
                "geometry": {"type": "object", "nullable": True},
                "properties": {"type": "object", "nullable": True},
                "links": links,
            },
        },
        "FeatureCollection": {
            "type": "object",
            "required": ["type", "features"],
            "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": {"$ref": "#/components/schemas/Feature"}},
                "links": links,
                "timeStamp": {"type": "string", "format": "date-time"},
                "numberMatched": {"type": "integer", "minimum": 0},
                "numberReturned": {"type": "integer", "minimum": 0},
            },
        },
    }

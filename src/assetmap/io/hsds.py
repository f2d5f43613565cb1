"""Open Referral HSDS 3.0: associations, institutions and places as organizations, services,
locations and services-at-locations, sorted by an HSDS taxonomy of Assetmap's kinds,
categories and sectors. People are never in HSDS: not as records, not as taxonomy terms.

HSDS ids are UUIDs; each is derived (uuid5, `hsds_id`) from the asset id or the term's code,
so exporting twice gives the same ids and a directory that imports our file can match
records across exports. The file export (`assets_to_hsds`) and the HSDS API (api/hsds.py)
build their records with the same functions below, so both give the same ids and fields.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import geopandas as gpd
import pandas as pd

from assetmap.io.geojson import COORDINATE_DECIMALS
from assetmap.models import CATEGORIES, KINDS, SECTORS, STATUSES, text_or_empty

NAMESPACE = uuid.UUID("8f5d0c2e-3b7a-4f1e-9a42-6d1f0b9c7e11")
"""Assetmap's namespace for HSDS ids (any fixed UUID would do; this one must never change)."""
ORGANISED_KINDS = ("association", "institution")
"""The kinds that are organizations with a service; places are locations only."""
HSDS_VERSION = "3.0"
TERM_LANGUAGE = "en"
"""Term names are the English labels of models.py: the same bytes for every reader."""


def hsds_id(record_type: str, key: str) -> str:
    """The HSDS id of a record: `key` is an asset id, or a term's or taxonomy's code."""
    return str(uuid.uuid5(NAMESPACE, f"{record_type}:{key}"))


@dataclass(frozen=True)
class Taxonomy:
    key: str
    name: str
    description: str

    @property
    def id(self) -> str:
        return hsds_id("taxonomy", self.key)


ASSET_TYPES = Taxonomy(
    "assetmap-asset-type",
    "Assetmap asset types",
    "What a community has, as Asset-Based Community Development sorts it: associations, "
    "places and institutions, each with its categories.",
)
SECTORS_TAXONOMY = Taxonomy(
    "assetmap-sector", "Assetmap sectors", "Who runs an asset: the sector it belongs to."
)
REVIEW_STATUSES = Taxonomy(
    "assetmap-review-status",
    "Assetmap review statuses",
    "Whether a team has reviewed an asset: only approved assets are public.",
)
TAXONOMIES = (ASSET_TYPES, SECTORS_TAXONOMY, REVIEW_STATUSES)


@dataclass(frozen=True)
class Facet:
    """An asset column that HSDS carries as taxonomy terms, and how its attributes look."""

    column: str
    term_type: str
    """The record type of its terms' ids (hsds_id), and of its attributes' ("attribute:…")."""
    link_type: str
    taxonomy: Taxonomy


FACETS = {
    "kind": Facet("kind", "kind", "kind", ASSET_TYPES),
    "category": Facet("category", "category", "category", ASSET_TYPES),
    "sector": Facet("sector", "sector", "sector", SECTORS_TAXONOMY),
    "status": Facet("status", "review-status", "review_status", REVIEW_STATUSES),
}
SERVICE_FACETS = ("kind", "category", "sector")
"""The terms a service carries as attributes; its location carries its review status."""


@dataclass(frozen=True)
class Term:
    facet: Facet
    code: str
    name: str
    description: str
    parent_code: str | None = None

    @property
    def id(self) -> str:
        return hsds_id(self.facet.term_type, self.code)

    @property
    def column(self) -> str:
        return self.facet.column

    @property
    def parent_id(self) -> str | None:
        """A category's parent is its kind's term."""
        if self.parent_code is None:
            return None
        return hsds_id(FACETS["kind"].term_type, self.parent_code)


def _terms() -> tuple[Term, ...]:
    kind, category = FACETS["kind"], FACETS["category"]
    terms: list[Term] = []
    for kind_code, kind_name in KINDS.items():
        if kind_code == "person":
            continue
        terms.append(Term(kind, kind_code, kind_name, f"Kind of asset: {kind_name.lower()}."))
        terms.extend(
            Term(category, code, name, f"Category of {kind_name.lower()}: {name}.", kind_code)
            for code, name in CATEGORIES[kind_code].items()
        )
    terms.extend(
        Term(FACETS["sector"], code, name, f"Sector: {name.lower()}.")
        for code, name in SECTORS.items()
    )
    terms.extend(
        Term(
            FACETS["status"],
            code,
            code,
            "Review status in Assetmap: only approved assets are public.",
        )
        for code in STATUSES
    )
    return tuple(terms)


TERMS = _terms()
TERMS_BY_ID = {term.id: term for term in TERMS}
_TERMS_BY_CODE = {(term.column, term.code): term for term in TERMS}


def taxonomy_record(taxonomy: Taxonomy) -> dict[str, Any]:
    return {"id": taxonomy.id, "name": taxonomy.name, "description": taxonomy.description}


def taxonomy_term_record(term: Term) -> dict[str, Any]:
    record: dict[str, Any] = {
        "id": term.id,
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "taxonomy": term.facet.taxonomy.key,
        "taxonomy_id": term.facet.taxonomy.id,
        "language": TERM_LANGUAGE,
    }
    if term.parent_id is not None:
        record["parent_id"] = term.parent_id
    return record


def _attribute(asset: dict[str, Any], column: str, link_id: str, entity: str) -> dict[str, Any]:
    """The asset's term for `column` as an attribute of the record `link_id`."""
    facet = FACETS[column]
    code = text_or_empty(asset.get(column))
    if column == "status":
        code = code or "approved"
    term = _TERMS_BY_CODE.get((column, code))
    taxonomy_term = (
        taxonomy_term_record(term)
        if term is not None
        else {"id": hsds_id(facet.term_type, code), "code": code, "name": code, "description": ""}
    )
    return {
        "id": hsds_id(f"attribute:{facet.term_type}", str(asset["id"])),
        "link_id": link_id,
        "link_type": facet.link_type,
        "link_entity": entity,
        "taxonomy_term_id": taxonomy_term["id"],
        "value": code,
        "taxonomy_term": taxonomy_term,
    }


def last_modified(asset: dict[str, Any]) -> str | None:
    """When the asset last changed, as HSDS's date-time in UTC (timestamps are stored in UTC)."""
    for column in ("updated_at", "created_at"):
        value = asset.get(column)
        if isinstance(value, datetime) and not pd.isna(value):
            return f"{value:%Y-%m-%dT%H:%M:%S}.{value.microsecond // 1000:03d}Z"
    return None


def _languages(asset: dict[str, Any], owner: str) -> list[dict[str, Any]]:
    return [
        {"id": hsds_id(f"language:{owner}{name}", str(asset["id"])), "name": name}
        for name in text_or_empty(asset.get("languages")).split(", ")
        if name
    ]


def location_record(asset: dict[str, Any]) -> dict[str, Any]:
    """Where an asset is: every asset that is not a person has one."""
    asset_id = str(asset["id"])
    location: dict[str, Any] = {
        "id": hsds_id("location", asset_id),
        "location_type": "physical",
        "name": asset["name"],
        "description": text_or_empty(asset.get("description")),
        "latitude": round(float(asset["lat"]), COORDINATE_DECIMALS),
        "longitude": round(float(asset["lon"]), COORDINATE_DECIMALS),
        "external_identifier": asset_id,
        "external_identifier_type": "assetmap",
        "languages": _languages(asset, ""),
    }
    if asset["kind"] in ORGANISED_KINDS:
        location["organization_id"] = hsds_id("organization", asset_id)
    # The review status (approved, pending, hidden): a team's export of assets not yet
    # public says so for each of them.
    location["attributes"] = [_attribute(asset, "status", location["id"], "location")]
    if text_or_empty(asset.get("address")):
        location["description"] = "; ".join(
            part for part in (location["description"], text_or_empty(asset["address"])) if part
        )
    return location


def _phones(asset: dict[str, Any], owner: str) -> list[dict[str, Any]]:
    """The asset's phone, if it has one that may be shown (private ones are blank by now)."""
    number = text_or_empty(asset.get("phone")).strip()
    if not number:
        return []
    return [{"id": hsds_id(f"phone:{owner}", str(asset["id"])), "number": number}]


def organization_record(asset: dict[str, Any]) -> dict[str, Any]:
    organization: dict[str, Any] = {
        "id": hsds_id("organization", str(asset["id"])),
        "name": asset["name"],
        "description": text_or_empty(asset.get("description")),
        "phones": _phones(asset, "organization"),
    }
    for field, key in (("website", "website"), ("email", "email"), ("photo_url", "logo")):
        if text_or_empty(asset.get(field)).strip():
            organization[key] = text_or_empty(asset[field]).strip()
    return organization


def service_record(asset: dict[str, Any]) -> dict[str, Any]:
    """The service an association or institution offers, with its taxonomy terms."""
    asset_id = str(asset["id"])
    service: dict[str, Any] = {
        "id": hsds_id("service", asset_id),
        "organization_id": hsds_id("organization", asset_id),
        "name": asset["name"],
        "description": text_or_empty(asset.get("description")),
        "status": "active",
        "phones": _phones(asset, "service"),
        "languages": _languages(asset, "service:"),
        "attributes": [
            _attribute(asset, column, hsds_id("service", asset_id), "service")
            for column in SERVICE_FACETS
        ],
    }
    modified = last_modified(asset)
    if modified is not None:
        service["last_modified"] = modified
    if text_or_empty(asset.get("website")).strip():
        service["url"] = text_or_empty(asset["website"]).strip()
    if text_or_empty(asset.get("email")).strip():
        service["email"] = text_or_empty(asset["email"]).strip()
    if text_or_empty(asset.get("opening_hours")):
        service["schedules"] = [
            {
                "id": hsds_id("schedule", asset_id),
                "service_id": service["id"],
                "description": text_or_empty(asset["opening_hours"]),
            }
        ]
    return service


def service_at_location_record(asset: dict[str, Any]) -> dict[str, Any]:
    asset_id = str(asset["id"])
    return {
        "id": hsds_id("service_at_location", asset_id),
        "service_id": hsds_id("service", asset_id),
        "location_id": hsds_id("location", asset_id),
    }


def one_to_one(record: dict[str, Any]) -> dict[str, Any]:
    """A record's own fields, without its lists and nested records (what HSDS lists carry)."""
    return {key: value for key, value in record.items() if not isinstance(value, list | dict)}


def service_summary(asset: dict[str, Any]) -> dict[str, Any]:
    """A service in a list: its own fields and its organization's."""
    return {**one_to_one(service_record(asset)), "organization": organization_summary(asset)}


def service_minimal(asset: dict[str, Any]) -> dict[str, Any]:
    """A service as a `minimal` list gives it: its id and when it last changed, with the name
    and status that every listed service has."""
    record = service_record(asset)
    return {key: record[key] for key in ("id", "name", "status", "last_modified") if key in record}


def service_full(asset: dict[str, Any]) -> dict[str, Any]:
    """The fully nested service: its organization, and where it is offered."""
    at_location = {**service_at_location_record(asset), "location": location_record(asset)}
    return {
        **service_record(asset),
        "organization": organization_record(asset),
        "service_at_locations": [at_location],
    }


def organization_summary(asset: dict[str, Any]) -> dict[str, Any]:
    return one_to_one(organization_record(asset))


def organization_full(asset: dict[str, Any], full_services: bool = False) -> dict[str, Any]:
    """The fully nested organization: its location and its service (in full if asked)."""
    service = service_record(asset) if full_services else one_to_one(service_record(asset))
    return {
        **organization_record(asset),
        "locations": [location_record(asset)],
        "services": [service],
    }


def service_at_location_summary(asset: dict[str, Any]) -> dict[str, Any]:
    return {
        **service_at_location_record(asset),
        "service": one_to_one(service_record(asset)),
        "location": one_to_one(location_record(asset)),
    }


def service_at_location_full(asset: dict[str, Any]) -> dict[str, Any]:
    return {
        **service_at_location_record(asset),
        "service": {**service_record(asset), "organization": organization_record(asset)},
        "location": location_record(asset),
    }


def service_assets(assets_gdf: gpd.GeoDataFrame) -> pd.DataFrame:
    """The assets that are HSDS services (associations and institutions, never people), by
    name, with the ids of their service, organization and service-at-location records."""
    assets = pd.DataFrame(assets_gdf.drop(columns="geometry", errors="ignore"))
    kept = assets[assets["kind"].isin(ORGANISED_KINDS)].sort_values(["name", "id"])
    kept = kept.reset_index(drop=True)
    asset_ids = kept["id"].astype(str)
    for record_type in ("service", "organization", "service_at_location"):
        kept[f"{record_type}_id"] = [hsds_id(record_type, asset_id) for asset_id in asset_ids]
    return kept


def assets_to_hsds(assets_gdf: gpd.GeoDataFrame) -> dict[str, list[dict[str, Any]]]:
    """HSDS records for the non-person assets: organizations and their services at
    locations, places as locations, and the taxonomy their attributes take terms from."""
    records = assets_gdf.drop(columns="geometry").to_dict("records")
    kept = [asset for asset in records if asset["kind"] != "person"]
    organised = [asset for asset in kept if asset["kind"] in ORGANISED_KINDS]
    return {
        "organizations": [organization_record(asset) for asset in organised],
        "services": [service_record(asset) for asset in organised],
        "locations": [location_record(asset) for asset in kept],
        "service_at_locations": [service_at_location_record(asset) for asset in organised],
        "taxonomies": [taxonomy_record(taxonomy) for taxonomy in TAXONOMIES],
        "taxonomy_terms": [taxonomy_term_record(term) for term in TERMS],
    }

"""Open Referral HSDS 3.0: associations, institutions and places as organizations, services,
locations and services-at-locations. People are never exported to HSDS.

HSDS ids are UUIDs; each is derived from the asset id (uuid5), so exporting twice gives the
same ids and a directory that imports our file can match records across exports.
"""

from __future__ import annotations

import uuid
from typing import Any

import geopandas as gpd

from assetmap.io.geojson import COORDINATE_DECIMALS
from assetmap.models import text_or_empty

NAMESPACE = uuid.UUID("8f5d0c2e-3b7a-4f1e-9a42-6d1f0b9c7e11")
"""Assetmap's namespace for HSDS ids (any fixed UUID would do; this one must never change)."""
ORGANISED_KINDS = ("association", "institution")


def hsds_id(record_type: str, asset_id: str) -> str:
    return str(uuid.uuid5(NAMESPACE, f"{record_type}:{asset_id}"))


def _location(asset: dict[str, Any]) -> dict[str, Any]:
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
        "languages": [
            {"id": hsds_id(f"language:{name}", asset_id), "name": name}
            for name in text_or_empty(asset.get("languages")).split(", ")
            if name
        ],
    }
    if asset["kind"] in ORGANISED_KINDS:
        location["organization_id"] = hsds_id("organization", asset_id)
    location["attributes"] = [_review_status(asset, location["id"])]
    if text_or_empty(asset.get("address")):
        location["description"] = "; ".join(
            part for part in (location["description"], text_or_empty(asset["address"])) if part
        )
    return location


def _review_status(asset: dict[str, Any], location_id: str) -> dict[str, Any]:
    """The asset's review status (approved, pending, hidden) as an attribute of its location:
    a team's export of assets not yet public says so for each of them."""
    status = text_or_empty(asset.get("status")) or "approved"
    term_id = hsds_id("review-status", status)
    return {
        "id": hsds_id("attribute:review-status", str(asset["id"])),
        "link_id": location_id,
        "link_type": "review_status",
        "link_entity": "location",
        "taxonomy_term_id": term_id,
        "value": status,
        "taxonomy_term": {
            "id": term_id,
            "code": status,
            "name": status,
            "description": "Review status in Assetmap: only approved assets are public.",
            "taxonomy": "assetmap-review-status",
        },
    }


def _phones(asset: dict[str, Any], owner: str) -> list[dict[str, Any]]:
    number = text_or_empty(asset.get("phone"))
    if not number:
        return []
    return [{"id": hsds_id(f"phone:{owner}", str(asset["id"])), "number": number}]


def _organization(asset: dict[str, Any]) -> dict[str, Any]:
    organization: dict[str, Any] = {
        "id": hsds_id("organization", str(asset["id"])),
        "name": asset["name"],
        "description": text_or_empty(asset.get("description")),
        "phones": _phones(asset, "organization"),
    }
    for field, key in (("website", "website"), ("email", "email")):
        if text_or_empty(asset.get(field)):
            organization[key] = text_or_empty(asset[field])
    return organization


def _service(asset: dict[str, Any]) -> dict[str, Any]:
    asset_id = str(asset["id"])
    service: dict[str, Any] = {
        "id": hsds_id("service", asset_id),
        "organization_id": hsds_id("organization", asset_id),
        "name": asset["name"],
        "description": text_or_empty(asset.get("description")),
        "status": "active",
        "phones": _phones(asset, "service"),
        "attributes": [],
    }
    if text_or_empty(asset.get("website")):
        service["url"] = text_or_empty(asset["website"])
    if text_or_empty(asset.get("email")):
        service["email"] = text_or_empty(asset["email"])
    if text_or_empty(asset.get("opening_hours")):
        service["schedules"] = [
            {
                "id": hsds_id("schedule", asset_id),
                "description": text_or_empty(asset["opening_hours"]),
            }
        ]
    return service


def assets_to_hsds(assets_gdf: gpd.GeoDataFrame) -> dict[str, list[dict[str, Any]]]:
    """HSDS records for the non-person assets: organizations and their services at locations."""
    records = assets_gdf.drop(columns="geometry").to_dict("records")
    kept = [asset for asset in records if asset["kind"] != "person"]
    organised = [asset for asset in kept if asset["kind"] in ORGANISED_KINDS]
    return {
        "organizations": [_organization(asset) for asset in organised],
        "services": [_service(asset) for asset in organised],
        "locations": [_location(asset) for asset in kept],
        "service_at_locations": [
            {
                "id": hsds_id("service_at_location", str(asset["id"])),
                "service_id": hsds_id("service", str(asset["id"])),
                "location_id": hsds_id("location", str(asset["id"])),
            }
            for asset in organised
        ],
    }

"""What leaves the app: the assets a reader may take out, read for them, and exact exports audited.

Every way out (the Export page, the profile download, the coverage table, the `assetmap`
command, the data API) asks here with the reader and a filter; `privacy.released` decides.
Links go out only between two assets released as public, at their released positions.
An exact internal export (admins only) leaves a row in the audit trail: who, when, which
filter and format, and how many assets.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import asdict
from datetime import datetime

import geopandas as gpd
import pandas as pd

from assetmap.accounts import Actor
from assetmap.io.exports import export_bytes, write_assets
from assetmap.register import audit
from assetmap.register.assets import AssetFilter, asset_batches, list_assets
from assetmap.register.links import link_ends, list_links, public_links
from assetmap.register.privacy import released
from assetmap.storage import Database, utc_now

EXPORT_RESOURCE = "export"
EXACT_EXPORT_ACTION = "export_exact"


def released_assets(
    db: Database,
    reader: Actor,
    asset_filter: AssetFilter | None = None,
    now: datetime | None = None,
) -> gpd.GeoDataFrame:
    """The matching assets as `reader` may take them out of the app (privacy.released)."""
    return released(list_assets(db, asset_filter), reader, now or utc_now())


def released_batches(
    db: Database,
    reader: Actor,
    asset_filter: AssetFilter | None = None,
    now: datetime | None = None,
) -> Iterator[gpd.GeoDataFrame]:
    """released_assets a batch at a time (one at least), for files of any size: the same
    policy on each batch, as it decides asset by asset."""
    moment = now or utc_now()
    for batch in asset_batches(db, asset_filter):
        yield released(batch, reader, moment)


def released_links(db: Database, reader: Actor, now: datetime | None = None) -> pd.DataFrame:
    """The approved, current links between two approved assets as `reader` may take them out,
    each with both ends at their released positions (people at the centre of their cell): a
    link to a person without consent, or to a hidden or pending asset, is not among them."""
    moment = now or utc_now()
    assets = released_assets(db, reader, AssetFilter(), now=moment)
    return link_ends(public_links(list_links(db), assets, moment.date()), assets)


def exact_assets(
    db: Database, reader: Actor, asset_filter: AssetFilter, fmt: str
) -> gpd.GeoDataFrame:
    """The admins' exact internal export of the matching assets, recorded in the audit trail.

    Refused (PermissionDeniedError) for anyone who is not an admin; nothing is recorded then.
    """
    exact = released(list_assets(db, asset_filter), reader, utc_now(), exact=True)
    _record_exact_export(db, reader, asset_filter, fmt, len(exact))
    return exact


def exact_batches(
    db: Database, reader: Actor, asset_filter: AssetFilter, fmt: str
) -> Iterator[gpd.GeoDataFrame]:
    """exact_assets a batch at a time, recorded in the audit trail when the last is read."""
    moment, count = utc_now(), 0
    for batch in asset_batches(db, asset_filter):
        exact = released(batch, reader, moment, exact=True)
        count += len(exact)
        yield exact
    _record_exact_export(db, reader, asset_filter, fmt, count)


def exact_export_bytes(db: Database, reader: Actor, asset_filter: AssetFilter, fmt: str) -> bytes:
    """The exact internal file, for a download button that builds it when pressed."""
    return export_bytes(write_assets, exact_assets(db, reader, asset_filter, fmt), fmt)


def _filter_text(asset_filter: AssetFilter) -> str:
    """The filter's chosen parts as JSON (an empty part means any)."""
    chosen = {name: value for name, value in asdict(asset_filter).items() if value}
    return json.dumps(chosen, ensure_ascii=False, sort_keys=True)


def _record_exact_export(
    db: Database, reader: Actor, asset_filter: AssetFilter, fmt: str, rows: int
) -> None:
    # Not a change to the data, so the data version (and every cache) stays as it is.
    changes = {
        "filter": (None, _filter_text(asset_filter)),
        "format": (None, fmt),
        "rows": (None, str(rows)),
    }
    with db.transaction() as session:
        audit.record(
            session,
            uuid.uuid4().hex,
            EXACT_EXPORT_ACTION,
            reader,
            changes,
            resource_type=EXPORT_RESOURCE,
        )


def exact_exports(db: Database) -> list[dict[str, str]]:
    """Every exact export recorded, oldest first: when, who, and the recorded fields."""
    frame = db.frame(
        "SELECT resource_id, last_action_date, updated_by, field_name, replacement_value "
        "FROM audit_log WHERE resource_type = ? AND last_action_type = ? ORDER BY id",
        (EXPORT_RESOURCE, EXACT_EXPORT_ACTION),
    )
    exports: dict[str, dict[str, str]] = {}
    for row in frame.itertuples():
        record = exports.setdefault(
            str(row.resource_id),
            {"when": audit.as_text(row.last_action_date) or "", "who": str(row.updated_by)},
        )
        record[str(row.field_name)] = str(row.replacement_value)
    return list(exports.values())

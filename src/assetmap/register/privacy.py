"""Protecting people on the map: consent, generalised locations and private contacts.

A person-asset is only public with consent that has not lapsed, and never at its exact
point: the public location is the centre of the 250 m grid cell (in the local UTM zone)
it falls in. Phone and e-mail are private unless the asset says they may be shown.

These are pure functions over GeoDataFrames. The visitors' map and popups show
`public_assets`; everything that leaves the app (every download, the command line, the
data API) passes `released`, the one policy that decides what a reader may take out
(`disclosure` reads the assets for it and audits exact exports).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import Transformer

from assetmap.accounts import Actor, PermissionDeniedError
from assetmap.i18n import N_, gettext
from assetmap.models import STATUSES

GRID_METRES = 250.0
CONSENT_VALID_FOR = timedelta(days=365)
CONSENT_VERSION = "2026-11"
CONSENT_TEXT = N_(
    "I agree that this information about me is shown on the community asset map. My exact "
    "address is never shown: the map shows only the neighbourhood block. I can ask for it to "
    "be changed or removed at any time, and I will be asked again within a year."
)
PRIVATE_CONTACT_FIELDS = ("phone", "email")
PERSON_HIDDEN_FIELDS = ("address",)
PUBLIC_STATUSES = ("approved",)
ANYONE = Actor("anyone", "visitor")
"""The reader of what may be passed on to anyone (a shared profile, the coverage table)."""


def _utm_epsg(lon: float, lat: float) -> int:
    zone = int((lon + 180) // 6) % 60 + 1
    return (32600 if lat >= 0 else 32700) + zone


def generalise_points(
    lons: np.ndarray, lats: np.ndarray, cell_metres: float = GRID_METRES
) -> tuple[np.ndarray, np.ndarray]:
    """Snap each point to the centre of its grid cell in its UTM zone (WGS84 in and out)."""
    lons, lats = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
    out_lon, out_lat = lons.copy(), lats.copy()
    zones = np.array([_utm_epsg(lon, lat) for lon, lat in zip(lons, lats, strict=True)])
    for zone in np.unique(zones):
        chosen = zones == zone
        forward = Transformer.from_crs(4326, int(zone), always_xy=True)
        x, y = forward.transform(lons[chosen], lats[chosen])
        centre_x = (np.floor(x / cell_metres) + 0.5) * cell_metres
        centre_y = (np.floor(y / cell_metres) + 0.5) * cell_metres
        back = Transformer.from_crs(int(zone), 4326, always_xy=True)
        out_lon[chosen], out_lat[chosen] = back.transform(centre_x, centre_y)
    return out_lon, out_lat


LAPSED_SQL = "(a.kind = 'person' AND (a.consent_renew_by IS NULL OR a.consent_renew_by < ?))"
"""consent_lapsed as an SQL condition on the assets table as `a`, `?` for the moment: for
counting in the database (assets.count_assets) without reading the rows."""


def consent_lapsed(assets_gdf: gpd.GeoDataFrame, now: datetime) -> pd.Series:
    """People whose consent is missing or past its renewal date (LAPSED_SQL in SQL)."""
    is_person = assets_gdf["kind"] == "person"
    renew_by = pd.to_datetime(assets_gdf["consent_renew_by"])
    return is_person & (renew_by.isna() | (renew_by < pd.Timestamp(now)))


def public_assets(assets_gdf: gpd.GeoDataFrame, now: datetime) -> gpd.GeoDataFrame:
    """What anyone may see: no lapsed people, people generalised, contacts only if public.

    A frame of fewer columns (see mapping.SUMMARY_FIELDS) needs kind, consent_renew_by,
    lon and lat, and contact_public when it has phone or e-mail.
    """
    lapsed = consent_lapsed(assets_gdf, now)
    # pandas copies on write: a column of `shown` is copied only when changed below, and the
    # caller's frame never changes.
    shown = assets_gdf[~lapsed] if lapsed.any() else assets_gdf.copy(deep=False)
    contacts = [field for field in PRIVATE_CONTACT_FIELDS if field in shown]
    if contacts:
        shown.loc[~shown["contact_public"].astype(bool), contacts] = ""
    people = shown["kind"] == "person"
    if people.any():
        shown.loc[people, [field for field in PERSON_HIDDEN_FIELDS if field in shown]] = ""
        lon, lat = generalise_points(shown.loc[people, "lon"], shown.loc[people, "lat"])
        shown.loc[people, "lon"], shown.loc[people, "lat"] = lon, lat
        if "geometry" in shown:
            shown.loc[people, "geometry"] = gpd.points_from_xy(lon, lat)
    if "geometry" not in shown:
        return gpd.GeoDataFrame(shown, copy=False)
    return gpd.GeoDataFrame(shown, geometry="geometry", crs=assets_gdf.crs)


def photo_is_public(
    photo_status: str,
    asset_status: str,
    asset_kind: str,
    consent_renew_by: datetime | None,
    now: datetime,
) -> bool:
    """Whether anyone may see a photo: a team member approved it, its asset is public, and a
    person's consent has not lapsed. Until then no one is served it, the team included (they
    see waiting photos on the Review page only)."""
    if photo_status != "approved" or asset_status not in PUBLIC_STATUSES:
        return False
    if asset_kind == "person":
        return (
            consent_renew_by is not None
            and not pd.isna(consent_renew_by)
            and (pd.Timestamp(consent_renew_by) >= pd.Timestamp(now))
        )
    return True


def statuses_for(reader: Actor) -> tuple[str, ...]:
    """The review statuses a reader may take out: approved, and for the team all of them."""
    return tuple(STATUSES) if reader.may("review") else PUBLIC_STATUSES


def released(
    assets_gdf: gpd.GeoDataFrame, reader: Actor, now: datetime, exact: bool = False
) -> gpd.GeoDataFrame:
    """What `reader` may take out of the app: the one policy for every way out.

    - approved assets for everyone; pending and hidden ones only for readers who may review
      them, and every row keeps its `status`, so a file says which are not public;
    - never a person whose consent has lapsed;
    - people at the centre of their 250 m cell, without their address; phone and e-mail
      only where the asset says they may be shown (`contact_public`).

    `exact` is the admins' internal export: points, addresses and contacts as stored (still
    without lapsed people and within the reader's statuses). Whoever asks for it records it
    in the audit trail (disclosure.exact_assets). The frame needs status, kind,
    consent_renew_by, lon and lat, and contact_public when it has phone or e-mail.
    """
    if exact and not reader.may("export_exact"):
        raise PermissionDeniedError(
            gettext("Only an admin may export exact locations and private contacts.")
        )
    allowed = assets_gdf[assets_gdf["status"].isin(statuses_for(reader))]
    if not exact:
        return public_assets(allowed, now)
    kept = allowed[~consent_lapsed(allowed, now)].copy()
    return gpd.GeoDataFrame(kept, geometry="geometry", crs=assets_gdf.crs)

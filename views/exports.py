"""Export: the assets on the map (with the chosen filters) or the areas, as files for a GIS."""

import functools

import streamlit as st

from assetmap import ui
from assetmap.assets import AssetFilter
from assetmap.db import utc_now
from assetmap.i18n import gettext as _
from assetmap.io.exports import (
    FORMATS,
    MEDIA_TYPES,
    SUFFIXES,
    export_bytes,
    write_areas,
    write_assets,
)
from assetmap.models import KINDS, STATUSES, categories_for, kind_label
from assetmap.planning import areas_with_indicators

FORMAT_LABELS = {
    "geojson": _("GeoJSON (for GIS and web maps)"),
    "gpkg": _("GeoPackage (for QGIS and ArcGIS)"),
    "csv": _("CSV (spreadsheet, with lon and lat columns)"),
    "hsds": _("Open Referral HSDS 3.0 (service directories; people left out)"),
}

actor = ui.current_actor()
st.title(_("Export"))
st.write(
    _(
        "Download what is on the map. People are shown at their neighbourhood block only, "
        "and private phone numbers and e-mails are left out."
    )
)

what = st.radio(
    _("What"),
    ["assets", "areas"],
    horizontal=True,
    format_func={"assets": _("Assets"), "areas": _("Areas with indicators")}.get,
)
if what == "areas":
    fmt = st.selectbox(
        _("Format"), [f for f in FORMATS if f != "hsds"], format_func=FORMAT_LABELS.__getitem__
    )
    frame, writer = areas_with_indicators(ui.database()), write_areas
else:
    fmt = st.selectbox(_("Format"), FORMATS, format_func=FORMAT_LABELS.__getitem__)
    areas = ui.areas()
    names = dict(zip(areas["id"], areas["name"], strict=True))
    left, middle, right = st.columns(3)
    kinds = left.multiselect(_("Kind"), list(KINDS), format_func=kind_label)
    labels = categories_for(kinds or KINDS)
    categories = middle.multiselect(_("Category"), list(labels), format_func=labels.__getitem__)
    area_ids = right.multiselect(_("Area"), list(names), format_func=names.__getitem__)
    statuses = ("approved",)
    if actor.may("review"):
        statuses = tuple(
            st.multiselect(
                _("Status"),
                list(STATUSES),
                default=["approved"],
                format_func=lambda s: _(STATUSES[s]),
            )
        )
    asset_filter = AssetFilter(
        statuses=statuses,
        kinds=tuple(kinds),
        categories=tuple(categories),
        area_ids=tuple(area_ids),
    )
    frame, writer = ui.assets(asset_filter), write_assets

st.caption(_("{n} rows will be exported.").format(n=len(frame)))
stamp = utc_now().strftime("%Y-%m-%d")
st.download_button(
    _("Download"),
    # Built when the button is pressed, not on every rerun: a GeoPackage of many assets is slow.
    data=functools.partial(export_bytes, writer, frame, fmt),
    file_name=f"assetmap-{what}-{stamp}{SUFFIXES[fmt]}",
    mime=MEDIA_TYPES[fmt],
    type="primary",
    disabled=frame.empty,
)

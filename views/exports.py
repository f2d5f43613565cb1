"""Export: the assets on the map (with the chosen filters), the areas or the links, as files
for a GIS.

Every file is what privacy.released gives the reader; an admin may also take an exact
internal file, a separate choice that is recorded and says so in its name.
"""

import functools

import streamlit as st

from assetmap.i18n import gettext as _
from assetmap.io.exports import (
    FORMATS,
    LINK_FORMATS,
    MEDIA_TYPES,
    export_bytes,
    export_file_name,
    write_areas,
    write_assets,
    write_links,
)
from assetmap.models import KINDS, STATUSES, categories_for, kind_label
from assetmap.register.assets import AssetFilter
from assetmap.register.disclosure import exact_export_bytes, released_links
from assetmap.register.planning import areas_with_indicators
from assetmap.storage import utc_now
from assetmap.web import caches, login, resources

FORMAT_LABELS = {
    "geojson": _("GeoJSON (for GIS and web maps)"),
    "gpkg": _("GeoPackage (for QGIS and ArcGIS)"),
    "csv": _("CSV (spreadsheet, with lon and lat columns)"),
    "hsds": _("Open Referral HSDS 3.0 (service directories; people left out)"),
}
PROTECTION = _(
    "People are placed at the centre of their 250 m block, without their address, and phone "
    "numbers and e-mails are included only where the person who added them chose to show them. "
    "People whose consent has lapsed are left out."
)

actor = login.current_actor()
st.title(_("Export"))
if actor.may("review"):
    st.write(
        _("Download the assets with the filters you choose, or the areas.")
        + " "
        + PROTECTION
        + " "
        + _("Pending and hidden assets are included only if you choose them; each row says which.")
    )
else:
    st.write(_("Download the approved assets on the map, or the areas.") + " " + PROTECTION)

what = st.radio(
    _("What"),
    ["assets", "areas", "links"],
    horizontal=True,
    format_func={
        "assets": _("Assets"),
        "areas": _("Areas with indicators"),
        "links": _("Links between assets"),
    }.get,
)
asset_filter = None
if what == "links":
    st.caption(
        _(
            "Each approved link as a line between its two assets, with its kind, role and dates; "
            "only links whose two assets are both on the public map."
        )
    )
    fmt = st.selectbox(
        _("Format"),
        LINK_FORMATS,
        format_func=FORMAT_LABELS.__getitem__,
        placeholder=_("Choose an option"),
    )
    frame, writer = released_links(resources.database(), actor), write_links
elif what == "areas":
    fmt = st.selectbox(
        _("Format"),
        [f for f in FORMATS if f != "hsds"],
        format_func=FORMAT_LABELS.__getitem__,
        placeholder=_("Choose an option"),
    )
    frame, writer = areas_with_indicators(resources.database()), write_areas
else:
    fmt = st.selectbox(
        _("Format"),
        FORMATS,
        format_func=FORMAT_LABELS.__getitem__,
        placeholder=_("Choose an option"),
    )
    areas = caches.areas()
    names = dict(zip(areas["id"], areas["name"], strict=True))
    left, middle, right = st.columns(3)
    every = _("All")  # what an empty filter shows
    kinds = left.multiselect(_("Kind"), list(KINDS), format_func=kind_label, placeholder=every)
    labels = categories_for(kinds or KINDS)
    categories = middle.multiselect(
        _("Category"), list(labels), format_func=labels.__getitem__, placeholder=every
    )
    area_ids = right.multiselect(
        _("Area"), list(names), format_func=names.__getitem__, placeholder=every
    )
    statuses = ("approved",)
    if actor.may("review"):
        statuses = tuple(
            st.multiselect(
                _("Status"),
                list(STATUSES),
                default=["approved"],
                format_func=lambda s: _(STATUSES[s]),
                placeholder=_("Choose one or more"),
            )
        )
    asset_filter = AssetFilter(
        statuses=statuses,
        kinds=tuple(kinds),
        categories=tuple(categories),
        area_ids=tuple(area_ids),
    )
    frame, writer = caches.released_assets(asset_filter), write_assets

st.caption(_("{n} rows will be exported.").format(n=len(frame)))
today = utc_now()
file_name = export_file_name(what, fmt, today)
st.download_button(
    _("Download {file}").format(file=file_name),
    # Built when the button is pressed, not on every rerun: a GeoPackage of many assets is slow.
    data=functools.partial(export_bytes, writer, frame, fmt),
    file_name=file_name,
    mime=MEDIA_TYPES[fmt],
    type="primary",
    disabled=frame.empty,
    on_click="ignore",  # a rerun would replace the file the browser is about to fetch
)

if asset_filter is not None and actor.may("export_exact"):
    with st.expander(_("Exact internal export (admins only)")):
        st.warning(
            _(
                "This file holds people at their exact point, with their address and private "
                "phone numbers and e-mails. Use it only inside your organisation and never "
                "share it. Each download is recorded with your name, the time and the filters, "
                "and the file name says EXACT-INTERNAL."
            )
        )
        exact_name = export_file_name(what, fmt, today, exact=True)
        st.download_button(
            _("Download {file}").format(file=exact_name),
            data=functools.partial(
                exact_export_bytes, resources.database(), actor, asset_filter, fmt
            ),
            file_name=exact_name,
            mime=MEDIA_TYPES[fmt],
            disabled=frame.empty,
            on_click="ignore",
        )

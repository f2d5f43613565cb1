"""Admin: neighbourhood boundaries, indicators and the walking network."""

import tempfile
from dataclasses import replace
from pathlib import Path

import streamlit as st

from assetmap.i18n import gettext as _
from assetmap.io.boundaries import boundary_layout
from assetmap.io.files import ImportFileError
from assetmap.register.areas import (
    DEFAULT_LEVEL,
    AreaError,
    area_levels,
    areas_from_file,
    level_label,
    place_assets_in_level,
    remove_area_level,
    replace_areas,
)
from assetmap.register.indicators import (
    list_indicators,
    save_indicator,
)
from assetmap.register.network import replace_walk_network, walkable_lines
from assetmap.web import login, resources, widgets
from assetmap.web.derived_indicators import derived_indicator_form
from assetmap.web.indicator_import import indicator_import

actor = login.require("manage_layers")
db = resources.database()
limit = resources.settings().max_upload_bytes
st.title(_("Layers"))


def saved(upload) -> Path:  # type: ignore[no-untyped-def]
    """The upload as a file on disk (GDAL reads files), keeping its name for messages."""
    folder = Path(tempfile.mkdtemp(prefix="assetmap-"))
    path = folder / Path(upload.name).name
    path.write_bytes(upload.getbuffer())
    return path


st.subheader(_("Neighbourhood boundaries"))
st.caption(
    _(
        "GeoPackage, GML, GeoJSON or a zipped Shapefile, in any coordinate system. Geonorge's "
        "grunnkretser, CBS's Wijk- en Buurtkaart and Helsinki's statistical areas are "
        "recognised. Each file replaces the areas of its own level; assets are counted in one "
        "level, and replacing it places every asset in its new area."
    )
)
levels = area_levels(db)
upload = st.file_uploader(
    _("Boundary file"), type=["geojson", "json", "gpkg", "gml", "zip"], key="areas"
)
if upload is not None:
    path = saved(upload)
    try:
        layout = boundary_layout(path)
    except ImportFileError as error:
        layout = None
        st.error(widgets.plain(str(error)))
    if layout is not None:
        if len(layout.layers) > 1:
            layer = st.selectbox(_("Layer"), layout.layers, index=layout.layers.index(layout.layer))
            layout = boundary_layout(path, layer)
        if layout.product is not None:
            st.info(_("Recognised: {product}.").format(product=_(layout.product.label)))
        fields = list(layout.fields)
        id_field = st.selectbox(
            _("Field with the area id"),
            fields,
            index=fields.index(layout.id_field) if layout.id_field else 0,
        )
        name_field = st.selectbox(
            _("Field with the area name"),
            fields,
            index=fields.index(layout.name_field) if layout.name_field else min(1, len(fields) - 1),
        )
        municipalities = ""
        if layout.municipality_fields:
            municipalities = st.text_input(
                _("Only these municipalities (codes or names, separated by commas)")
            )
        level = st.text_input(
            _("Level (importing replaces the areas of this level only)"),
            layout.level or DEFAULT_LEVEL,
        )
        counted_here = bool(levels) and st.checkbox(_("Count assets in this level"))
        crs = st.text_input(_("Coordinate system, if the file does not say (e.g. EPSG:3067)"))
        if st.button(_("Replace the areas"), type="primary"):
            try:
                areas = areas_from_file(
                    path,
                    id_field,
                    name_field,
                    layer=layout.layer,
                    municipalities=[m for m in municipalities.split(",") if m.strip()],
                    crs=crs or None,
                    max_bytes=limit,
                )
                count = replace_areas(db, areas, actor, level, place_assets=counted_here)
            except (AreaError, ImportFileError, ValueError) as error:
                st.error(widgets.plain(str(error)))
            else:
                st.success(
                    _("Imported {n} areas.").format(n=count)
                    + " "
                    + _("Level: {level}.").format(level=widgets.plain(level_label(level.strip())))
                )

levels = area_levels(db)  # again: after an import above
for each in levels:
    counted = _(" · assets are counted here") if each.places_assets else ""
    st.markdown(
        f"**{widgets.plain(level_label(each.level))}**: "
        + _("{n} areas").format(n=each.areas)
        + counted
    )
if len(levels) > 1:
    with st.form("assets_level"):
        chosen = st.selectbox(
            _("Count assets in"), [each.level for each in levels], format_func=level_label
        )
        if st.form_submit_button(_("Count assets in this level")):
            place_assets_in_level(db, chosen, actor)
            st.rerun()
if levels:
    with st.form("remove_level"):
        gone = st.selectbox(
            _("Remove the areas of"), [each.level for each in levels], format_func=level_label
        )
        if st.form_submit_button(_("Remove these areas")):
            try:
                remove_area_level(db, gone, actor)
            except AreaError as error:
                st.error(widgets.plain(str(error)))
            else:
                st.rerun()

indicator_import(db, actor, limit)

derived_indicator_form(db, actor)

for indicator in list_indicators(db):
    with st.expander(widgets.plain(f"{indicator.label} ({indicator.key})")), st.form(indicator.key):
        if indicator.formula:
            st.caption(
                _("Worked out as {formula}.").format(formula=widgets.plain(indicator.formula))
            )
        label = st.text_input(_("Label"), indicator.label)
        unit = st.text_input(_("Unit"), indicator.unit)
        # Empty when unknown: saving a label must not make up a year.
        year = st.number_input(_("Year"), 1900, 2100, indicator.year)
        source = st.text_input(_("Source"), indicator.source)
        note = st.text_area(_("Note"), indicator.note)
        more_need = st.checkbox(_("A higher value means more need"), indicator.higher_is_need)
        population = st.checkbox(_("This is the number of residents"), indicator.is_population)
        count = st.checkbox(
            _("A count of people or things (not a rate, share or average)"),
            indicator.counts,
            help=_(
                "A neighbourhood of your own drawing gets a count's share of each area it "
                "overlaps, and an average of a rate."
            ),
        )
        if st.form_submit_button(_("Save")):
            save_indicator(
                db,
                actor,
                replace(
                    indicator,
                    label=label,
                    unit=unit,
                    year=None if year is None else int(year),
                    source=source,
                    higher_is_need=more_need,
                    is_population=population,
                    is_count=count,
                    note=note,
                ),
            )
            st.rerun()

st.subheader(_("Walking network"))
upload = st.file_uploader(
    _("OpenStreetMap extract or line file"), type=["pbf", "osm", "geojson", "gpkg"], key="network"
)
if upload is not None and st.button(_("Load the walking network")):
    try:
        count = replace_walk_network(db, actor, walkable_lines(saved(upload)))
    except ImportFileError as error:
        st.error(str(error))
    else:
        st.success(_("Loaded {n} lines.").format(n=count))

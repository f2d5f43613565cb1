"""Admin: neighbourhood boundaries, indicators and the walking network."""

import tempfile
from dataclasses import replace
from pathlib import Path

import pyogrio
import streamlit as st

from assetmap.i18n import gettext as _
from assetmap.io.files import ImportFileError
from assetmap.register.areas import AreaError, areas_from_file, replace_areas
from assetmap.register.indicators import (
    IndicatorError,
    commit_indicators,
    list_indicators,
    preview_indicators,
    save_indicator,
)
from assetmap.register.network import replace_walk_network, walkable_lines
from assetmap.storage import data_version
from assetmap.web import login, memo, resources, widgets

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
        "GeoJSON, GeoPackage or a zipped Shapefile, in any coordinate system. Replacing the "
        "areas places every asset in its new area."
    )
)
upload = st.file_uploader(_("Boundary file"), type=["geojson", "json", "gpkg", "zip"], key="areas")
if upload is not None:
    path = saved(upload)
    try:
        fields = [f for f in pyogrio.read_info(path)["fields"]]
    except Exception:
        fields = []
        st.error(
            _("{name} could not be read as a map file.").format(name=widgets.plain(upload.name))
        )
    if fields:
        choose = _("Choose an option")
        id_field = st.selectbox(_("Field with the area id"), fields, placeholder=choose)
        name_field = st.selectbox(
            _("Field with the area name"),
            fields,
            index=min(1, len(fields) - 1),
            placeholder=choose,
        )
        crs = st.text_input(_("Coordinate system, if the file does not say (e.g. EPSG:3067)"))
        if st.button(_("Replace the areas"), type="primary"):
            try:
                areas = areas_from_file(
                    path, id_field, name_field, crs=crs or None, max_bytes=limit
                )
                count = replace_areas(db, areas, actor)
            except (AreaError, ImportFileError, ValueError) as error:
                st.error(str(error))
            else:
                st.success(_("Imported {n} areas.").format(n=count))

st.subheader(_("Indicators"))
st.caption(
    _(
        "A table as the statistics office publishes it: JSON-stat or PC-Axis (.px) from SSB, "
        "Statistics Finland or another PxWeb, CBS StatLine's OData JSON or CSV, or a CSV with "
        'one row per area. Suppressed cells stay "no data". Nothing is saved until you '
        "press Import indicators."
    )
)
upload = st.file_uploader(_("Indicator file"), type=["csv", "txt", "json", "px"], key="indicators")
if upload is not None:
    # One folder per upload, so reruns (every choice below) do not copy the file again.
    stats_path = (
        Path(tempfile.gettempdir()) / f"assetmap-stats-{upload.file_id}" / Path(upload.name).name
    )
    if not stats_path.exists():
        stats_path.parent.mkdir(parents=True, exist_ok=True)
        stats_path.write_bytes(upload.getbuffer())
    try:
        found = memo.remembered(
            "indicator_file",
            (upload.file_id, data_version(db)),
            lambda: preview_indicators(db, stats_path, max_bytes=limit),
        )
        table_number = 0
        if found.tables > 1:
            table_number = st.selectbox(
                _("Table in the file"),
                range(found.tables),
                format_func=lambda n: str(n + 1),
                key=f"stats-table-{upload.file_id}",
            )
        base = (
            found
            if table_number == 0
            else preview_indicators(db, stats_path, table=table_number, max_bytes=limit)
        )
        options = list(base.table.region_options)
        region = st.selectbox(
            _("Dimension or column with the area codes"),
            options,
            index=options.index(base.table.region),
            key=f"stats-region-{upload.file_id}-{table_number}",
        )
        shaped = (
            base
            if region == base.table.region
            else preview_indicators(
                db, stats_path, region=region, table=table_number, max_bytes=limit
            )
        )
        choices = {}
        for dimension in shaped.table.dimensions:
            if dimension.id == shaped.table.region or len(dimension.codes) < 2:
                continue
            choices[dimension.id] = st.multiselect(
                widgets.plain(dimension.label),
                dimension.codes,
                default=dimension.codes[-1:] if dimension.role == "time" else dimension.codes,
                format_func=dimension.label_of,
                key=f"stats-{upload.file_id}-{table_number}-{region}-{dimension.id}",
            )
        preview = preview_indicators(
            db, stats_path, region=region, choices=choices, table=table_number, max_bytes=limit
        )
    except (IndicatorError, ImportFileError) as error:
        st.error(str(error))
    else:
        table = preview.table
        st.write(
            _("Format: {format}. Table: {title}. Source: {source}.").format(
                format=table.format,
                title=widgets.plain(table.title or table.name),
                source=widgets.plain(table.source or _("not given")),
            )
        )
        st.write(
            _("{matched} of {codes} region codes match an area.").format(
                matched=len(preview.matched), codes=len(preview.matched) + len(preview.unmatched)
            )
        )
        st.dataframe(preview.report(), hide_index=True, width="stretch")
        for warning in table.warnings:
            st.warning(warning)
        if preview.unmatched:
            st.warning(
                _("These rows match no area: {keys}.").format(
                    keys=widgets.plain(", ".join(preview.unmatched))
                )
            )
        if st.button(_("Import indicators"), type="primary", disabled=not preview.indicators):
            try:
                report = commit_indicators(db, actor, preview)
            except IndicatorError as error:
                st.error(str(error))
            else:
                st.success(
                    _("Imported: {names}.").format(
                        names=widgets.plain(", ".join(report.indicators))
                    )
                )

for indicator in list_indicators(db):
    with st.expander(widgets.plain(f"{indicator.label} ({indicator.key})")), st.form(indicator.key):
        label = st.text_input(_("Label"), indicator.label)
        unit = st.text_input(_("Unit"), indicator.unit)
        # Empty when unknown: saving a label must not make up a year.
        year = st.number_input(_("Year"), 1900, 2100, indicator.year)
        source = st.text_input(_("Source"), indicator.source)
        note = st.text_area(_("Note"), indicator.note)
        more_need = st.checkbox(_("A higher value means more need"), indicator.higher_is_need)
        population = st.checkbox(_("This is the number of residents"), indicator.is_population)
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

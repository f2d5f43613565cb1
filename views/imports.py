"""Import: check a file row by row, then add its assets all together or not at all."""

import tempfile
from pathlib import Path

import streamlit as st

from assetmap.i18n import gettext as _
from assetmap.io.files import ImportFileError
from assetmap.io.readers import csv_columns
from assetmap.register.importing import (
    PROBLEMS_KEPT,
    ImportPreview,
    ImportRejectedError,
    commit_import,
    preview_file,
)
from assetmap.storage import data_version
from assetmap.web import login, memo, resources

actor = login.require("import")
db = resources.database()
st.title(_("Import assets"))
st.write(
    _(
        "GeoJSON, GeoPackage, zipped Shapefile (any coordinate system), OpenStreetMap "
        "(.osm.pbf) or CSV with longitude and latitude columns (comma or semicolon, decimal "
        "commas, UTF-8 or Windows-1252). Nothing is saved until you press Import."
    )
)

upload = st.file_uploader(
    _("File"), type=["geojson", "json", "gpkg", "zip", "csv", "txt", "pbf", "osm"]
)
if upload is None:
    st.stop()
# One folder per upload, so reruns (every widget change) neither copy the file again
# nor leave a new temporary folder behind each time.
path = Path(tempfile.gettempdir()) / f"assetmap-import-{upload.file_id}" / Path(upload.name).name
if not path.exists():
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(upload.getbuffer())

lon_column = lat_column = None
if path.suffix.lower() in (".csv", ".txt"):
    try:
        columns = csv_columns(path)
    except ImportFileError as error:
        st.error(str(error))
        st.stop()
    guess = [c.lower() for c in columns]
    left, right = st.columns(2)
    lon_column = left.selectbox(
        _("Longitude column"),
        columns,
        index=next((i for i, c in enumerate(guess) if c in ("lon", "lng", "longitude", "x")), 0),
        placeholder=_("Choose an option"),
    )
    lat_column = right.selectbox(
        _("Latitude column"),
        columns,
        index=next((i for i, c in enumerate(guess) if c in ("lat", "latitude", "y")), 0),
        placeholder=_("Choose an option"),
    )

status = st.radio(
    _("Imported assets are"),
    ["pending", "approved"],
    horizontal=True,
    format_func={"pending": _("pending review"), "approved": _("approved at once")}.get,
)
on_duplicate = st.radio(
    _("Assets already on the map"),
    ["skip", "merge"],
    horizontal=True,
    format_func={"skip": _("skip them"), "merge": _("update them with the file's details")}.get,
)

bar = st.progress(0.0, text=_("Checking the file"))


def check_file() -> ImportPreview:
    return preview_file(
        db,
        path,
        status=status,
        max_distance_km=resources.settings().max_distance_km,
        max_bytes=resources.settings().max_upload_bytes,
        lon_column=lon_column,
        lat_column=lat_column,
        progress=lambda done, text: bar.progress(done, text=text),
    )


try:
    # Checked again only when the file, its options or the data change (an import changes them).
    checked_for = (upload.file_id, lon_column, lat_column, status, data_version(db))
    preview = memo.remembered("import_preview", checked_for, check_file)
except ImportFileError as error:
    bar.empty()
    st.error(str(error))
    st.stop()
bar.progress(1.0, text=_("Checked {n} rows").format(n=preview.rows))

problems = preview.report()
st.write(
    _(
        "Rows checked: {rows}. New: {fresh}. Already on the map: {dupes}. With problems: {bad}."
    ).format(
        rows=preview.rows,
        fresh=preview.fresh,
        dupes=preview.duplicate_rows,
        bad=preview.problem_rows,
    )
)
if not problems.empty:
    if len(preview.problems) < preview.problem_rows or (
        len(preview.duplicates) < preview.duplicate_rows
    ):
        st.caption(_("Only the first {n} of each are listed.").format(n=PROBLEMS_KEPT))
    st.dataframe(problems, hide_index=True, width="stretch")
if preview.problems:
    st.error(
        _(
            "Fix the rows with problems and upload the file again: nothing is imported "
            "while any row has a problem."
        )
    )
    st.stop()
if st.button(_("Import"), type="primary", disabled=preview.fresh == 0 and on_duplicate == "skip"):
    try:
        report = commit_import(
            db,
            preview,
            actor,
            on_duplicate=on_duplicate,
            progress=lambda done, text: bar.progress(done, text=text),
        )
    except (ImportRejectedError, ImportFileError) as error:
        st.error(str(error))
    else:
        st.success(
            _("Imported {added} assets; updated {merged}; skipped {skipped}.").format(
                added=report.added, merged=report.merged, skipped=report.skipped_duplicates
            )
        )

"""The Layers page's indicator import: a statistics file as its publisher made it, previewed
(its format, the choices it offers, which codes match an area) before anything is saved."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from assetmap.accounts import Actor
from assetmap.i18n import gettext as _
from assetmap.io.files import ImportFileError
from assetmap.register.indicators import IndicatorError, commit_indicators, preview_indicators
from assetmap.storage import Database, data_version
from assetmap.web import memo, widgets


def indicator_import(db: Database, actor: Actor, limit: int) -> None:
    """The Indicators section: upload, choices, preview, then Import indicators."""
    st.subheader(_("Indicators"))
    st.caption(
        _(
            "A table as the statistics office publishes it: JSON-stat or PC-Axis (.px) from SSB, "
            "Statistics Finland or another PxWeb, CBS StatLine's OData JSON or CSV, or a CSV with "
            'one row per area. Suppressed cells stay "no data". Nothing is saved until you '
            "press Import indicators."
        )
    )
    upload = st.file_uploader(
        _("Indicator file"), type=["csv", "txt", "json", "px"], key="indicators"
    )
    if upload is not None:
        # One folder per upload, so reruns (every choice below) do not copy the file again.
        stats_path = (
            Path(tempfile.gettempdir())
            / f"assetmap-stats-{upload.file_id}"
            / Path(upload.name).name
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
                    matched=len(preview.matched),
                    codes=len(preview.matched) + len(preview.unmatched),
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

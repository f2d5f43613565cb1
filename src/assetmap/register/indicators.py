"""Indicators per area (income, deprivation, health...) imported from statistics CSVs.

Statistics offices in the Nordics and the Netherlands export semicolon-separated files
with decimal commas and spaces or dots between thousands; comma-separated files use
decimal points. Every numeric column other than the area key becomes an indicator, with
a label, unit, year, source and a direction (does a higher value mean more need?).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from assetmap.accounts import Actor, require
from assetmap.errors import AssetmapError
from assetmap.i18n import gettext
from assetmap.io.files import check_size
from assetmap.io.readers import read_text, sniff_delimiter
from assetmap.storage import Database, bump_data_version

SELECT_INDICATORS = """
    SELECT key, label, unit, year, source, higher_is_need, is_population
    FROM indicators ORDER BY label, key
"""
UPSERT_INDICATOR = """
    INSERT INTO indicators (key, label, unit, year, source, higher_is_need, is_population)
    VALUES (?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET label = excluded.label, unit = excluded.unit,
        year = excluded.year, source = excluded.source, higher_is_need = excluded.higher_is_need,
        is_population = excluded.is_population
"""
VALUE_COLUMNS = ("indicator_key", "area_id", "value")
SELECT_VALUES = """
    SELECT v.area_id, v.value FROM indicator_values v JOIN areas a ON a.id = v.area_id
    WHERE v.indicator_key = ?
"""
_SPACES = re.compile(r"[\s\u00a0\u202f']")


class IndicatorError(AssetmapError, ValueError):
    """An indicator file that cannot be used, with the row and column at fault."""


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str = ""
    year: int | None = None
    source: str = ""
    higher_is_need: bool = True
    is_population: bool = False


@dataclass(frozen=True)
class IndicatorReport:
    indicators: list[str]
    matched_areas: int
    unmatched_keys: list[str] = field(default_factory=list)
    skipped_columns: list[str] = field(default_factory=list)


def _number(text: str, decimal_comma: bool) -> float | None:
    """A number as statistics offices write it, or None for an empty or missing cell."""
    cleaned = _SPACES.sub("", text)
    if cleaned in ("", "..", ".", "-", "NA", "n/a", ":"):
        return None
    if decimal_comma:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    cleaned = cleaned.replace("\u2212", "-")
    return float(cleaned)


def _decimal_comma(delimiter: str, cells: list[str]) -> bool:
    if delimiter == ";":
        return True
    if delimiter == ",":
        return False
    return any(re.search(r"\d,\d", c) for c in cells) and not any(
        re.search(r"\d\.\d", c) for c in cells
    )


def _numeric_column(name: str, cells: list[str], decimal_comma: bool) -> pd.Series | None:
    """The column as numbers; None for a text column; an error for numbers with stray text."""
    values: list[float | None] = []
    bad: list[tuple[int, str]] = []
    for row, cell in enumerate(cells, start=2):
        try:
            values.append(_number(cell, decimal_comma))
        except ValueError:
            values.append(None)
            bad.append((row, cell))
    filled = sum(1 for cell in cells if _SPACES.sub("", cell))
    if filled == 0 or len(bad) * 2 > filled:
        return None
    if bad:
        row, cell = bad[0]
        raise IndicatorError(
            gettext(
                "Row {row}, column {column}: '{cell}' is not a number. Nothing was imported."
            ).format(row=row, column=name, cell=cell)
        )
    return pd.Series(values, dtype="float64")


def indicators_from_csv(path: Path, area_field: str, max_bytes: int | None = None) -> pd.DataFrame:
    """Numeric columns of a statistics CSV, indexed by area id; text columns are left out."""
    check_size(path.name, path.stat().st_size if path.is_file() else 0, max_bytes)
    text = read_text(path)
    delimiter = sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if len(rows) < 2:
        raise IndicatorError(gettext("{name} has no rows.").format(name=path.name))
    header = [name.strip() for name in rows[0]]
    if area_field not in header:
        raise IndicatorError(
            gettext("{name} has no column {field}; it has: {columns}.").format(
                name=path.name, field=area_field, columns=", ".join(header)
            )
        )
    body = [
        row + [""] * (len(header) - len(row)) for row in rows[1:] if any(c.strip() for c in row)
    ]
    keys = [row[header.index(area_field)].strip() for row in body]
    repeated = sorted({key for key in keys if keys.count(key) > 1})
    if repeated:
        raise IndicatorError(
            gettext("Area ids appear more than once: {ids}.").format(ids=", ".join(repeated))
        )
    all_cells = [cell for row in body for cell in row]
    decimal_comma = _decimal_comma(delimiter, all_cells)
    columns = {}
    for position, name in enumerate(header):
        if name == area_field or not name:
            continue
        column = _numeric_column(name, [row[position] for row in body], decimal_comma)
        if column is not None:
            columns[name] = column.to_numpy()
    return pd.DataFrame(columns, index=pd.Index(keys, name="area_id"))


def import_indicators(
    db: Database,
    actor: Actor,
    path: Path,
    area_field: str,
    *,
    year: int | None = None,
    source: str = "",
    less_need: tuple[str, ...] = (),
    population: str | None = None,
    max_bytes: int | None = None,
) -> IndicatorReport:
    """Import every numeric column as an indicator; report keys that match no area."""
    require(actor, "manage_layers")
    table = indicators_from_csv(path, area_field, max_bytes)
    if table.columns.empty:
        raise IndicatorError(gettext("{name} has no numeric columns.").format(name=path.name))
    for name in (*less_need, *([population] if population else [])):
        if name not in table.columns:
            raise IndicatorError(gettext("There is no numeric column {name}.").format(name=name))
    area_ids = {str(row[0]) for row in db.rows("SELECT id FROM areas")}
    matched = table[table.index.isin(area_ids)]
    unmatched = sorted(set(table.index) - area_ids)
    with db.transaction() as session:
        for key in table.columns:
            session.execute(
                UPSERT_INDICATOR,
                (key, key, "", year, source, key not in less_need, key == population),
            )
            session.execute("DELETE FROM indicator_values WHERE indicator_key = ?", (key,))
            session.insert_rows(
                "indicator_values",
                VALUE_COLUMNS,
                [(key, area, None if pd.isna(v) else float(v)) for area, v in matched[key].items()],
            )
        bump_data_version(session)
    return IndicatorReport(
        indicators=list(table.columns), matched_areas=len(matched), unmatched_keys=unmatched
    )


def list_indicators(db: Database) -> list[Indicator]:
    return [
        Indicator(
            str(key),
            str(label),
            str(unit),
            None if year is None else int(year),
            str(source),
            bool(higher),
            bool(population),
        )
        for key, label, unit, year, source, higher, population in db.rows(SELECT_INDICATORS)
    ]


def save_indicator(db: Database, actor: Actor, indicator: Indicator) -> None:
    """Change an indicator's label, unit, year, source or direction."""
    require(actor, "manage_layers")
    with db.transaction() as session:
        session.execute(
            UPSERT_INDICATOR,
            (
                indicator.key,
                indicator.label,
                indicator.unit,
                indicator.year,
                indicator.source,
                indicator.higher_is_need,
                indicator.is_population,
            ),
        )
        bump_data_version(session)


def indicator_values(db: Database, key: str) -> pd.Series:
    """The indicator's value per area id (areas without a value are left out)."""
    frame = db.frame(SELECT_VALUES, (key,))
    return pd.Series(frame["value"].to_numpy(), index=frame["area_id"].astype(str), name=key)

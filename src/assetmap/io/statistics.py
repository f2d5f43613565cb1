"""Statistics tables as the national offices publish them, read into one shape.

The format is recognised from the content, not the file name:

- JSON-stat 2.0, a dataset or a collection of datasets (SSB, Statistics Finland, PxWeb);
- PC-Axis `.px` (PxWeb downloads), in the code page the file names;
- CBS OData v3 and v4 JSON (StatLine, e.g. *Kerncijfers wijken en buurten*);
- CBS's semicolon CSV, with `.` and `x` for suppressed cells and padded codes;
- a plain CSV with one row per area, where every numeric column is an indicator.

Every format becomes a `StatTable`: dimensions (each with codes, labels, and a role: geo,
time or metric) and a value per cell, where a suppressed or missing value is None, never 0.
`table_indicators` then cuts the table into indicators, one value per region code.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assetmap.errors import AssetmapError
from assetmap.i18n import gettext
from assetmap.io.files import ImportFileError, check_size
from assetmap.io.readers import read_text, sniff_delimiter

JSON_STAT = "JSON-stat"
PC_AXIS = "PC-Axis"
CBS_ODATA = "CBS OData"
CBS_CSV = "CBS CSV"
PLAIN_CSV = "CSV"

# Markers the offices write for a cell without a figure: not applicable, not available,
# not yet available, confidential (PX's dot series), nil, and CBS's secret "x".
MISSING = frozenset({".", "..", "...", "....", ".....", "......", "-", ":", "x", "X"})
_SPACES = re.compile(r"[\s\u00a0\u202f']")
_YEAR = re.compile(r"(1[89]\d\d|2\d\d\d)")
_TIME_NAMES = frozenset(
    {"år", "year", "vuosi", "år/vuosi", "tid", "time", "perioden", "jaar", "tilastovuosi"}
)
# CBS's columns that are neither a region code nor a measure: the row number, and the
# flag for a neighbourhood whose boundary changed.
_CBS_NOT_MEASURES = frozenset({"ID", "IndelingswijzigingWijkenEnBuurten_4"})
_CBS_REGION_COLUMNS = ("WijkenEnBuurten", "RegioS", "Codering_3", "Gemeenten", "Regio")
_ROUNDING = re.compile(r"\b0\s+(eller|or|tai)\s+3\b", re.IGNORECASE)
_SSB = re.compile(r"\bSSB\b|Statistics Norway|Statistisk sentralbyrå", re.IGNORECASE)


class IndicatorError(AssetmapError, ValueError):
    """A statistics file that cannot be used, with what is wrong and where."""


@dataclass(frozen=True)
class Dimension:
    """One axis of a table: region, time, measure, sex, age...; codes in the file's order."""

    id: str
    label: str
    codes: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict)
    role: str = ""  # "geo", "time", "metric" or ""
    units: Mapping[str, str] = field(default_factory=dict)
    notes: Mapping[str, str] = field(default_factory=dict)

    def label_of(self, code: str) -> str:
        return self.labels.get(code) or code


@dataclass(frozen=True)
class StatTable:
    """A table as read: its dimensions, a value per cell (None: no data), and its metadata.

    `cells` is keyed by one code per dimension, in the order of `dimensions`. `region` is the
    dimension (or column) the areas are matched on; `region_options` the codes of every one
    that could be chosen instead.
    """

    format: str
    name: str
    title: str
    dimensions: tuple[Dimension, ...]
    cells: Mapping[tuple[str, ...], float | None]
    region: str
    region_options: Mapping[str, tuple[str, ...]]
    unit: str = ""
    source: str = ""
    updated: str = ""
    note: str = ""
    warnings: tuple[str, ...] = ()

    def dimension(self, dimension_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dimension_id)


@dataclass(frozen=True)
class StatIndicator:
    """One indicator cut from a table: its metadata and a value (or None) per region code."""

    key: str
    label: str
    unit: str
    year: int | None
    source: str
    note: str
    values: Mapping[str, float | None]


def read_statistics(
    path: Path, *, region: str | None = None, max_bytes: int | None = None
) -> list[StatTable]:
    """Every table in the file (a JSON-stat collection may hold several; others hold one).

    `region` names the region dimension or column; by default the file's geo dimension, a
    known code column, or the first text column.
    """
    if not path.is_file():
        raise IndicatorError(gettext("There is no file at {path}.").format(path=path))
    check_size(path.name, path.stat().st_size, max_bytes)
    raw = path.read_bytes()
    head = raw[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    try:
        if head.startswith(b"{"):
            return _from_json(path.name, raw, region)
        if _PX_START.match(raw[:4096].decode("latin-1").lstrip("\ufeff\u00ef\u00bb\u00bf")):
            return [_from_px(path.name, raw, region)]
        text = read_text(path)
        if "\x00" in text:
            raise IndicatorError(gettext("{name} is not a text file.").format(name=path.name))
        return [_from_csv(path.name, text, region)]
    except (IndicatorError, ImportFileError):
        raise
    except (KeyError, IndexError, TypeError, ValueError, AttributeError) as error:
        # A file that says it is JSON-stat or PX but breaks the format's own rules.
        raise IndicatorError(
            gettext("{name} could not be read: {reason}").format(name=path.name, reason=error)
        ) from error


def table_indicators(
    table: StatTable, choices: Mapping[str, Sequence[str]] | None = None
) -> list[StatIndicator]:
    """The table cut into indicators: one for each combination of the chosen categories.

    `choices` maps a dimension id to the codes to keep; by default every category, and the
    latest time only. Several times give one indicator per time, keyed with it.
    """
    choices = dict(choices or {})
    regions = table.dimension(table.region)
    others = [d for d in table.dimensions if d.id != table.region]
    for dimension_id, codes in choices.items():
        dimension = next((d for d in others if d.id == dimension_id), None)
        if dimension is None:
            raise IndicatorError(
                gettext("The table has no dimension {name}; it has: {names}.").format(
                    name=dimension_id, names=", ".join(d.id for d in others)
                )
            )
        if not codes:
            raise IndicatorError(
                gettext("Choose at least one category of {dimension}.").format(
                    dimension=dimension.label
                )
            )
        unknown = [c for c in codes if c not in dimension.codes]
        if unknown:
            raise IndicatorError(
                gettext("{dimension} has no {codes}; it has: {known}.").format(
                    dimension=dimension.label,
                    codes=", ".join(unknown),
                    known=", ".join(dimension.codes),
                )
            )
    chosen = [
        list(choices.get(d.id) or (d.codes[-1:] if d.role == "time" else d.codes)) for d in others
    ]
    metric = next((d for d in others if d.role == "metric"), None)
    indicators = []
    for combination in itertools.product(*chosen):
        picked = dict(zip((d.id for d in others), combination, strict=True))
        parts, labels, time_label, year = [], [], "", None
        for dimension in sorted(others, key=lambda d: d.role != "metric"):
            code = picked[dimension.id]
            if dimension.role == "time":
                found = _YEAR.search(code)
                year = int(found.group(1)) if found else None
                if len(choices.get(dimension.id, ())) > 1:
                    parts.append(code)
                    time_label = dimension.label_of(code)
            elif dimension.role == "metric" or len(dimension.codes) > 1:
                parts.append(code)
                labels.append(dimension.label_of(code))
        if metric is None:
            labels.insert(0, table.title)
        measure = picked.get(metric.id, "") if metric else ""
        unit = (metric.units.get(measure, "") if metric else "") or table.unit
        note = " ".join(
            n for n in (table.note, metric.notes.get(measure, "") if metric else "") if n
        )
        if _SSB.search(table.source) and not _ROUNDING.search(note):
            note = " ".join(n for n in (note, _ssb_rounding()) if n)
        values = {}
        for region_code in regions.codes:
            key = tuple(
                region_code if d.id == table.region else picked[d.id] for d in table.dimensions
            )
            values[region_code] = table.cells.get(key)
        indicators.append(
            StatIndicator(
                key="_".join(parts) or _slug(table.name),
                label=" ".join(x for x in (", ".join(x for x in labels if x), time_label) if x),
                unit=unit,
                year=year,
                source=_provenance(table),
                note=note,
                values=values,
            )
        )
    return indicators


def role_choices(
    table: StatTable, measures: Sequence[str] = (), times: Sequence[str] = ()
) -> dict[str, list[str]]:
    """The measures and times asked for, as choices of the table's metric and time dimensions."""
    choices = {}
    for role, codes, missing in (
        ("metric", measures, gettext("The table has no measure dimension to choose from.")),
        ("time", times, gettext("The table has no time dimension to choose from.")),
    ):
        if not codes:
            continue
        dimension = next(
            (d for d in table.dimensions if d.role == role and d.id != table.region), None
        )
        if dimension is None:
            raise IndicatorError(missing)
        choices[dimension.id] = list(codes)
    return choices


def _provenance(table: StatTable) -> str:
    """The source as the file names it, with the table's id and when it was last updated."""
    parts = [table.source]
    if table.format in (JSON_STAT, PC_AXIS) and table.name and table.name not in table.source:
        parts.append(gettext("table {id}").format(id=table.name))
    if table.updated:
        found = re.match(r"\s*(\d{4})-?(\d{2})-?(\d{2})", table.updated)
        date = "-".join(found.groups()) if found else table.updated
        parts.append(gettext("updated {date}").format(date=date))
    return ", ".join(p for p in parts if p)


def _px_table_id(title: str) -> str:
    """The table number a PxWeb title starts with ("07459: Befolkning..."), if any."""
    found = re.match(r"\s*(\w+):", title)
    return found.group(1) if found else ""


def _ssb_rounding() -> str:
    return gettext(
        "Statistics Norway rounds small counts at random to 0 or 3 to protect privacy: "
        "figures for small areas are approximate."
    )


def _slug(text: str) -> str:
    return re.sub(r"[^\w]+", "_", text.strip()).strip("_") or "indicator"


def _number(text: str, decimal_comma: bool) -> float | None:
    """A number as statistics offices write it, or None for an empty or missing cell."""
    cleaned = _SPACES.sub("", text).strip('"')
    if cleaned in MISSING or cleaned in ("", "NA", "n/a"):
        return None
    if decimal_comma:
        cleaned = cleaned.replace(".", "").replace(",", ".")
    cleaned = cleaned.replace("\u2212", "-")
    return float(cleaned)


def _region_default(options: Sequence[str], region: str | None, geo: Sequence[str]) -> str:
    if region is not None:
        if region not in options:
            raise IndicatorError(
                gettext("There is no column or dimension {name}; there are: {names}.").format(
                    name=region, names=", ".join(options)
                )
            )
        return region
    return next((g for g in geo if g in options), options[0] if options else "")


# JSON: JSON-stat and CBS OData


def _from_json(name: str, raw: bytes, region: str | None) -> list[StatTable]:
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IndicatorError(
            gettext("{name} is not valid JSON: {reason}").format(name=name, reason=error)
        ) from error
    if not isinstance(document, dict):
        raise IndicatorError(gettext("{name} is not a statistics table.").format(name=name))
    if document.get("class") == "collection":
        items = document.get("link", {}).get("item", [])
        datasets = [i for i in items if isinstance(i, dict) and i.get("class") == "dataset"]
        if not datasets:
            raise IndicatorError(
                gettext(
                    "{name} is a JSON-stat collection that only links to its datasets: "
                    "download a dataset itself."
                ).format(name=name)
            )
        return [_from_json_stat(name, d, region) for d in datasets]
    if document.get("class") == "dataset":
        return [_from_json_stat(name, document, region)]
    if "odata.metadata" in document or "@odata.context" in document:
        return [_from_odata(name, document, region)]
    if "dataset" in document and isinstance(document["dataset"], dict):
        raise IndicatorError(
            gettext(
                "{name} is JSON-stat 1.0: download the table as JSON-stat 2.0 "
                "(PxWeb: format json-stat2)."
            ).format(name=name)
        )
    raise IndicatorError(
        gettext(
            "{name} is neither JSON-stat 2.0 nor CBS OData: the file does not say which."
        ).format(name=name)
    )


def _json_text(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    return "" if value is None else str(value)


def _from_json_stat(name: str, data: Mapping[str, Any], region: str | None) -> StatTable:
    try:
        ids = [str(i) for i in data["id"]]
        sizes = [int(s) for s in data["size"]]
        described = data["dimension"]
    except (KeyError, TypeError, ValueError) as error:
        raise IndicatorError(
            gettext("{name} is JSON-stat without its id, size or dimension.").format(name=name)
        ) from error
    role = data.get("role") or {}
    roles = {str(d): r for r in ("geo", "time", "metric") for d in role.get(r, [])}
    dimensions = []
    for dimension_id, size in zip(ids, sizes, strict=True):
        about = described.get(dimension_id) or {}
        category = about.get("category") or {}
        index = category.get("index")
        if isinstance(index, dict):
            codes = [str(c) for c, _ in sorted(index.items(), key=lambda item: item[1])]
        elif isinstance(index, list):
            codes = [str(c) for c in index]
        else:
            codes = [str(c) for c in (category.get("label") or {})]
        if len(codes) != size:
            raise IndicatorError(
                gettext("{name}: dimension {dimension} has {n} categories, not {size}.").format(
                    name=name, dimension=dimension_id, n=len(codes), size=size
                )
            )
        units = {
            str(c): str(u.get("label") or u.get("base") or u.get("symbol") or "")
            for c, u in (category.get("unit") or {}).items()
            if isinstance(u, dict)
        }
        notes = {str(c): _json_text(n) for c, n in (category.get("note") or {}).items()}
        dimensions.append(
            Dimension(
                dimension_id,
                str(about.get("label") or dimension_id),
                tuple(codes),
                {str(c): str(label) for c, label in (category.get("label") or {}).items()},
                roles.get(dimension_id, ""),
                units,
                notes,
            )
        )
    total = 1
    for size in sizes:
        total *= size
    values = _positions(name, data.get("value"), total, "value")
    status = _positions(name, data.get("status"), total, "status")
    cells: dict[tuple[str, ...], float | None] = {}
    for position, key in enumerate(itertools.product(*(d.codes for d in dimensions))):
        value = values.get(position)
        if value is None or str(status.get(position, "")).strip() in MISSING:
            cells[key] = None
        else:
            try:
                cells[key] = float(value)
            except (TypeError, ValueError) as error:
                raise IndicatorError(
                    gettext("{name}: value {value} is not a number.").format(name=name, value=value)
                ) from error
    options = {d.id: d.codes for d in dimensions}
    geo = [d.id for d in dimensions if d.role == "geo"]
    extension = data.get("extension") or {}
    table_id = str((extension.get("px") or {}).get("tableid") or "")
    return StatTable(
        format=JSON_STAT,
        name=table_id or str(data.get("label") or Path(name).stem),
        title=str(data.get("label") or ""),
        dimensions=tuple(dimensions),
        cells=cells,
        region=_region_default(list(options), region, geo),
        region_options=options,
        source=str(data.get("source") or ""),
        updated=str(data.get("updated") or ""),
        note=_json_text(data.get("note")),
    )


def _positions(name: str, given: Any, total: int, what: str) -> dict[int, Any]:
    """JSON-stat's value or status as position -> entry, from an array, object or one string."""
    if given is None:
        return {}
    if isinstance(given, list):
        if what == "value" and len(given) != total:
            raise IndicatorError(
                gettext("{name} has {n} values where its dimensions make {total}.").format(
                    name=name, n=len(given), total=total
                )
            )
        return dict(enumerate(given))
    if isinstance(given, dict):
        return {int(position): entry for position, entry in given.items()}
    return dict.fromkeys(range(total), given)


def _from_odata(name: str, document: Mapping[str, Any], region: str | None) -> StatTable:
    rows = document.get("value")
    if not isinstance(rows, list) or not rows or not all(isinstance(r, dict) for r in rows):
        raise IndicatorError(gettext("{name} has no rows.").format(name=name))
    context = str(document.get("odata.metadata") or document.get("@odata.context") or "")
    found = re.search(r"/([0-9]{5}[A-Z]{3})/", context)
    table_id = found.group(1) if found else Path(name).stem
    warnings = []
    if "odata.nextLink" in document or "@odata.nextLink" in document:
        warnings.append(
            gettext(
                "This is one page of the table: the publisher has more rows. Download the "
                "whole table (the CSV or the next pages) to have every area."
            )
        )
    if "Measure" in rows[0] and "Value" in rows[0]:
        long_rows: list[dict[str, Any]] = [
            {
                k: _float(v) if k == "Value" else _cell_text(v)
                for k, v in row.items()
                if k not in ("Id", "StringValue")
            }
            for row in rows
        ]
        return _from_long(name, table_id, CBS_ODATA, long_rows, region, warnings)
    columns = [
        c for c in dict.fromkeys(k for row in rows for k in row) if c not in _CBS_NOT_MEASURES
    ]
    numeric = [
        c
        for c in columns
        if any(row.get(c) is not None for row in rows)
        and all(
            row.get(c) is None
            or (isinstance(row.get(c), int | float) and not isinstance(row.get(c), bool))
            for row in rows
        )
    ]
    text = {c: [_cell_text(row.get(c)) for row in rows] for c in columns if c not in numeric}
    cells = {c: [_float(row.get(c)) for row in rows] for c in numeric}
    return _from_wide(
        name, table_id, CBS_ODATA, text, cells, region, warnings, source=f"CBS {table_id}"
    )


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _from_long(
    name: str,
    table_id: str,
    format_name: str,
    rows: list[dict[str, Any]],
    region: str | None,
    warnings: list[str],
) -> StatTable:
    """CBS OData v4 observations: one row per cell, with Measure, Value and the dimensions."""
    dimension_ids = [k for k in rows[0] if k not in ("Value", "ValueAttribute")]
    dimensions = tuple(
        Dimension(
            d,
            d,
            tuple(dict.fromkeys(str(r[d]) for r in rows)),
            role="metric" if d == "Measure" else "time" if d.lower() in _TIME_NAMES else "",
        )
        for d in dimension_ids
    )
    cells = {}
    for row in rows:
        suppressed = str(row.get("ValueAttribute") or "None") not in ("None", "")
        cells[tuple(str(row[d]) for d in dimension_ids)] = None if suppressed else row["Value"]
    options = {d.id: d.codes for d in dimensions if d.role == ""}
    geo = [c for c in _CBS_REGION_COLUMNS if c in options]
    return StatTable(
        format=format_name,
        name=table_id,
        title=table_id,
        dimensions=dimensions,
        cells=cells,
        region=_region_default(list(options), region, geo),
        region_options=options,
        source=f"CBS {table_id}",
        warnings=tuple(warnings),
    )


def _from_wide(
    name: str,
    table_id: str,
    format_name: str,
    text: Mapping[str, list[str]],
    numbers: Mapping[str, list[float | None]],
    region: str | None,
    warnings: list[str],
    *,
    source: str = "",
    cells_as_written: Mapping[str, list[str]] | None = None,
) -> StatTable:
    """One row per region (and period): every numeric column is a measure.

    `cells_as_written` keeps a CSV's numeric columns as text, so a code column such as
    `0301` keeps its leading zero when it is chosen as the region.
    """
    options = {c: tuple(codes) for c, codes in text.items()}
    options.update({c: tuple(_code(v) for v in vs) for c, vs in numbers.items()})
    options.update({c: tuple(codes) for c, codes in (cells_as_written or {}).items()})
    geo = [c for c in _CBS_REGION_COLUMNS if c in text] + list(text)
    chosen = _region_default(list(options), region, geo)
    periods = text.get("Perioden")
    codes = list(options[chosen])
    keys = list(zip(codes, periods, strict=True)) if periods and chosen != "Perioden" else None
    repeated = sorted({c for c in codes if codes.count(c) > 1}) if keys is None else []
    if keys is not None:
        repeated = sorted({f"{a} {b}" for a, b in keys if keys.count((a, b)) > 1})
    if repeated:
        raise IndicatorError(
            gettext("Area ids appear more than once: {ids}.").format(ids=", ".join(repeated))
        )
    measures = [c for c in numbers if c != chosen]
    if not measures:
        raise IndicatorError(gettext("{name} has no numeric columns.").format(name=name))
    metric = Dimension(
        "measure",
        gettext("Measure"),
        tuple(measures),
        {m: _cbs_label(m) for m in measures} if format_name != PLAIN_CSV else {},
        "metric",
    )
    regions = Dimension(chosen, chosen, tuple(dict.fromkeys(codes)), role="geo")
    dimensions: tuple[Dimension, ...] = (regions, metric)
    cells: dict[tuple[str, ...], float | None] = {}
    if keys is not None and periods is not None:
        time = Dimension("Perioden", "Perioden", tuple(dict.fromkeys(periods)), role="time")
        dimensions = (regions, time, metric)
        for row, (code, period) in enumerate(keys):
            for m in measures:
                cells[(code, period, m)] = numbers[m][row]
    else:
        for row, code in enumerate(codes):
            for m in measures:
                cells[(code, m)] = numbers[m][row]
    return StatTable(
        format=format_name,
        name=table_id,
        title=table_id,
        dimensions=dimensions,
        cells=cells,
        region=chosen,
        region_options=options,
        source=source,
        warnings=tuple(warnings),
    )


def _cbs_label(key: str) -> str:
    """A CBS column name as words: "GemiddeldeWOZWaardeVanWoningen_35" -> "Gemiddelde WOZWaarde
    van woningen" (StatLine's own titles are in its DataProperties, not in the data)."""
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", re.sub(r"_\d+$", "", key)).split()
    return " ".join(
        [words[0], *(w if sum(c.isupper() for c in w) > 1 else w.lower() for w in words[1:])]
    )


def _code(value: float | None) -> str:
    """A numeric column's value as a code (1.0 -> "1"), for files keyed by number."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else str(value)


# CSV: CBS's and the plain one


def _from_csv(name: str, text: str, region: str | None) -> StatTable:
    delimiter = sniff_delimiter(text)
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if len(rows) < 2:
        raise IndicatorError(gettext("{name} has no rows.").format(name=name))
    header = [column.strip() for column in rows[0]]
    body = [
        [cell.strip() for cell in row] + [""] * (len(header) - len(row))
        for row in rows[1:]
        if any(c.strip() for c in row)
    ]
    cbs = header[:1] == ["ID"] and (
        any(c in header for c in _CBS_REGION_COLUMNS)
        or sum(bool(re.search(r"_\d+$", c)) for c in header) * 2 > len(header)
    )
    cells = [cell for row in body for cell in row]
    if cbs:
        decimal_comma = any(re.fullmatch(r"-?\d+,\d+", c) for c in cells)
    elif delimiter == ";":
        decimal_comma = True
    elif delimiter == ",":
        decimal_comma = False
    else:
        decimal_comma = any(re.search(r"\d,\d", c) for c in cells) and not any(
            re.search(r"\d\.\d", c) for c in cells
        )
    text_columns: dict[str, list[str]] = {}
    numbers: dict[str, list[float | None]] = {}
    written: dict[str, list[str]] = {}
    for position, column in enumerate(header):
        if not column or (cbs and column in _CBS_NOT_MEASURES):
            continue
        values = [row[position] for row in body]
        numeric = _numeric_column(column, values, decimal_comma)
        if numeric is None:
            text_columns[column] = values
        else:
            numbers[column] = numeric
            written[column] = values
    if region is not None and region in numbers:
        text_columns[region] = written.pop(region)
        del numbers[region]
    return _from_wide(
        name,
        Path(name).stem,
        CBS_CSV if cbs else PLAIN_CSV,
        text_columns,
        numbers,
        region,
        [],
        source="CBS" if cbs else "",
        cells_as_written=written,
    )


def _numeric_column(name: str, cells: list[str], decimal_comma: bool) -> list[float | None] | None:
    """The column as numbers; None for a text column; an error for numbers with stray text."""
    values: list[float | None] = []
    bad: list[tuple[int, str]] = []
    for row, cell in enumerate(cells, start=2):
        try:
            values.append(_number(cell, decimal_comma))
        except ValueError:
            values.append(None)
            bad.append((row, cell))
    filled = sum(1 for cell in cells if _SPACES.sub("", cell).strip('"') not in MISSING | {""})
    if filled == 0 or len(bad) * 2 > filled:
        return None
    if bad:
        row, cell = bad[0]
        raise IndicatorError(
            gettext(
                "Row {row}, column {column}: '{cell}' is not a number. Nothing was imported."
            ).format(row=row, column=name, cell=cell)
        )
    return values


# PC-Axis

_PX_START = re.compile(
    r"^\s*(CHARSET|AXIS-VERSION|CODEPAGE|LANGUAGE|CREATION-DATE|DECIMALS|MATRIX|SUBJECT-CODE)"
    r"(\[[^\]]*\])?\s*=",
)
_PX_KEY = re.compile(r"^\s*([A-Za-z0-9-]+)(?:\[([^\]]*)\])?(?:\((.*)\))?\s*$", re.DOTALL)


def _px_text(name: str, raw: bytes) -> str:
    """The file decoded in the code page it names (PX files are often Windows-1252)."""
    head = raw[:8192].decode("latin-1")
    found = re.search(r'CODEPAGE\s*=\s*"([^"]+)"', head)
    tried = []
    if found:
        tried.append(found.group(1).strip())
    if re.search(r'CHARSET\s*=\s*"ANSI"', head):
        tried.append("cp1252")
    tried += ["utf-8-sig", "cp1252"]
    for encoding in tried:
        try:
            codecs.lookup(encoding)
            return raw.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    raise IndicatorError(gettext("{name} is not a text file.").format(name=name))


def _px_statements(text: str) -> tuple[list[tuple[str, str, str, str]], str]:
    """The keywords as (keyword, language, subkey, raw value), and the DATA block."""
    statements: list[tuple[str, str, str, str]] = []
    position, length = 0, len(text)
    while position < length:
        equals = text.find("=", position)
        if equals < 0:
            break
        head = text[position:equals]
        # The key may hold quoted text with "=" in it only inside parentheses, seldom; PX
        # keys never hold a ";", so the statement's key ends at "=".
        key = _PX_KEY.match(head.lstrip("\ufeff"))
        if key is None:
            break
        keyword, language, subkey = key.group(1).upper(), key.group(2) or "", key.group(3) or ""
        if keyword == "DATA":
            end = text.rfind(";")
            return statements, text[equals + 1 : end if end > equals else length]
        cursor, quoted = equals + 1, False
        while cursor < length and (quoted or text[cursor] != ";"):
            if text[cursor] == '"':
                quoted = not quoted
            cursor += 1
        statements.append((keyword, language, subkey.strip(), text[equals + 1 : cursor]))
        position = cursor + 1
    return statements, ""


def _px_values(raw: str) -> list[str]:
    """A keyword's values: quoted strings separated by commas; adjacent strings join."""
    values: list[str] = []
    joining = False
    for token in re.finditer(r'"([^"]*)"|(,)|([^\s",]+)', raw):
        if token.group(2):
            joining = False
        elif token.group(1) is not None:
            if joining and values:
                values[-1] += token.group(1)
            else:
                values.append(token.group(1))
            joining = True
        else:
            values.append(token.group(3))
            joining = False
    return values


def _from_px(name: str, raw: bytes, region: str | None) -> StatTable:
    statements, data = _px_statements(_px_text(name, raw))
    meta: dict[tuple[str, str], list[str]] = {}
    for keyword, language, subkey, value in statements:
        if language:
            continue  # a translation; the file's own language comes first
        entry = meta.setdefault((keyword, subkey.strip('"')), [])
        entry.extend(_px_values(value))

    def one(keyword: str, subkey: str = "") -> str:
        return " ".join(meta.get((keyword, subkey), []))

    names = meta.get(("STUB", ""), []) + meta.get(("HEADING", ""), [])
    if not names or not data:
        raise IndicatorError(
            gettext("{name} is a PC-Axis file without STUB, HEADING or DATA.").format(name=name)
        )
    content = one("CONTVARIABLE")
    dimensions = []
    for dimension_name in names:
        labels = meta.get(("VALUES", dimension_name))
        if not labels:
            raise IndicatorError(
                gettext("{name} has no VALUES for {dimension}.").format(
                    name=name, dimension=dimension_name
                )
            )
        codes = meta.get(("CODES", dimension_name)) or labels
        if ("MAP", dimension_name) in meta:
            role = "geo"
        elif ("TIMEVAL", dimension_name) in meta or dimension_name.lower() in _TIME_NAMES:
            role = "time"
        elif dimension_name == content:
            role = "metric"
        else:
            role = ""
        units = (
            {c: one("UNITS", label) for c, label in zip(codes, labels, strict=True)}
            if role == "metric"
            else {}
        )
        dimensions.append(
            Dimension(
                dimension_name,
                dimension_name,
                tuple(codes),
                dict(zip(codes, labels, strict=True)),
                role,
                units,
            )
        )
    tokens = [t.strip('"') for t in re.findall(r'"[^"]*"|[^\s",]+', data)]
    total = 1
    for dimension in dimensions:
        total *= len(dimension.codes)
    if len(tokens) != total:
        raise IndicatorError(
            gettext("{name} has {n} values where its dimensions make {total}.").format(
                name=name, n=len(tokens), total=total
            )
        )
    cells: dict[tuple[str, ...], float | None] = {}
    symbols = {one(f"DATASYMBOL{s}") for s in ("1", "2", "3", "4", "5", "6", "NIL", "SUM")}
    for key, token in zip(itertools.product(*(d.codes for d in dimensions)), tokens, strict=True):
        if token in symbols or token in MISSING:
            cells[key] = None
            continue
        try:
            cells[key] = float(token)
        except ValueError as error:
            raise IndicatorError(
                gettext("{name}: value {value} is not a number.").format(name=name, value=token)
            ) from error
    options = {d.id: d.codes for d in dimensions}
    geo = [d.id for d in dimensions if d.role == "geo"] + [d.id for d in dimensions if d.role == ""]
    notes = [one(k).strip() for k in ("NOTE", "NOTEX") if one(k).strip()]
    return StatTable(
        format=PC_AXIS,
        name=_px_table_id(one("TITLE")) or one("MATRIX") or Path(name).stem,
        title=one("CONTENTS") or one("TITLE"),
        dimensions=tuple(dimensions),
        cells=cells,
        region=_region_default(list(options), region, geo),
        region_options=options,
        unit=one("UNITS"),
        source=one("SOURCE"),
        updated=one("LAST-UPDATED")
        or next((" ".join(v) for (k, _), v in meta.items() if k == "LAST-UPDATED"), ""),
        note=" ".join(notes),
    )

"""Indicators per area (income, deprivation, health...) imported from statistics files.

The file is read in the publisher's own format (`assetmap.io.statistics`: JSON-stat, PC-Axis,
CBS OData or CSV); its region codes are matched to the areas' ids. `preview_indicators` says
what an import would do, nothing written; `commit_indicators` then stores every indicator of
the file in one transaction, all or none. A suppressed cell is stored as no data, never 0.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from assetmap.accounts import Actor, require
from assetmap.analysis.derived import (
    DERIVATIONS,
    INPUT_LABELS,
    derive,
    formula_inputs,
    formula_text,
)
from assetmap.i18n import N_, gettext
from assetmap.io.statistics import (
    IndicatorError,
    StatIndicator,
    StatTable,
    read_statistics,
    role_choices,
    table_indicators,
)
from assetmap.register.areas import list_areas
from assetmap.storage import Database, bump_data_version

__all__ = ["IndicatorError"]

SELECT_INDICATORS = """
    SELECT key, label, unit, year, source, higher_is_need, is_population, note, is_count, formula
    FROM indicators ORDER BY label, key
"""
UPSERT_INDICATOR = """
    INSERT INTO indicators
        (key, label, unit, year, source, higher_is_need, is_population, note, is_count, formula)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (key) DO UPDATE SET label = excluded.label, unit = excluded.unit,
        year = excluded.year, source = excluded.source, higher_is_need = excluded.higher_is_need,
        is_population = excluded.is_population, note = excluded.note, is_count = excluded.is_count,
        formula = excluded.formula
"""
SELECT_AREA_IDS = "SELECT id FROM areas"
VALUE_COLUMNS = ("indicator_key", "area_id", "value")
SELECT_VALUES = """
    SELECT v.area_id, v.value FROM indicator_values v JOIN areas a ON a.id = v.area_id
    WHERE v.indicator_key = ?
"""


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    unit: str = ""
    year: int | None = None
    source: str = ""
    higher_is_need: bool = True
    is_population: bool = False
    note: str = ""
    is_count: bool = False
    """A count of people or things (added up over areas), not a rate, share or average."""

    formula: str = ""
    """How a derived indicator is worked out from others, in words ("" for one imported)."""

    @property
    def counts(self) -> bool:
        return self.is_count or self.is_population


COUNT_UNITS = frozenset(
    {"persons", "people", "residents", "households", "dwellings", "jobs", "number", "count"}
    | {"personer", "antall", "husholdninger", "boliger", "arbeidsplasser", "innbyggere"}
    | {"personen", "aantal", "inwoners", "huishoudens", "woningen", "banen"}
)
"""Units that say a figure is a count, in the words the statistics offices use."""


COUNT_LABEL_STARTS = (
    *("number of ", "antall ", "aantal ", "lukumäärä ", "väkiluku"),
    *("befolkning", "folkemengd", "personer "),
)
"""How the statistics offices begin the label of a count when the file gives no unit (CBS's
"Aantal inwoners")."""


def looks_like_count(unit: str, label: str = "") -> bool:
    """Whether an indicator in `unit`, labelled `label`, counts people or things: an import's
    first guess, which the Layers page can change."""
    spoken = label.strip().lower() + " "
    return unit.strip().lower() in COUNT_UNITS or spoken.startswith(COUNT_LABEL_STARTS)


@dataclass(frozen=True)
class IndicatorReport:
    indicators: list[str]
    matched_areas: int
    unmatched_keys: list[str] = field(default_factory=list)
    skipped_columns: list[str] = field(default_factory=list)


REPORT_HEADINGS = (
    N_("Key"),
    N_("Label"),
    N_("Unit"),
    N_("Year"),
    N_("Count"),
    N_("Areas with a value"),
    N_("No data"),
)
"""The preview's columns: "Count" says whether the figures will be added up over areas."""


@dataclass(frozen=True)
class IndicatorPreview:
    """What an import would do: the table as read, its indicators, and which codes match."""

    table: StatTable
    tables: int
    indicators: list[StatIndicator]
    matched: list[str]
    unmatched: list[str]

    def report(self) -> pd.DataFrame:
        """One line per indicator: key, label, unit, year, whether it is taken for a count,
        the areas with a value and those with no data; the headings in the reader's language."""
        matched = set(self.matched)
        columns = [gettext(heading) for heading in REPORT_HEADINGS]
        return pd.DataFrame(
            [
                (
                    i.key,
                    i.label,
                    i.unit,
                    "" if i.year is None else str(i.year),
                    looks_like_count(i.unit, i.label),
                    sum(1 for c, v in i.values.items() if c in matched and v is not None),
                    sum(1 for c, v in i.values.items() if c in matched and v is None),
                )
                for i in self.indicators
            ],
            columns=columns,
        )


def _area_ids(db: Database) -> set[str]:
    return {str(row[0]) for row in db.rows(SELECT_AREA_IDS)}


_PREFIXED_CODE = re.compile(r"KU(\d{3})")
"""Statistics Finland's municipality codes in PxWeb ("KU091" for Helsinki), where the
municipality's boundaries keep the bare code ("091")."""


def area_of_code(code: str, area_ids: Collection[str]) -> str | None:
    """The area a statistics file's region code stands for, if any: the area of that id, or
    of the code without its publisher's prefix."""
    if code in area_ids:
        return code
    bare = _PREFIXED_CODE.fullmatch(code)
    return bare.group(1) if bare and bare.group(1) in area_ids else None


def _matching(codes: Collection[str], area_ids: Collection[str]) -> dict[str, str]:
    """Each code that stands for an area, with the area's id."""
    return {code: area for code in codes if (area := area_of_code(code, area_ids)) is not None}


def preview_indicators(
    db: Database,
    path: Path,
    *,
    region: str | None = None,
    measures: Sequence[str] = (),
    times: Sequence[str] = (),
    choices: Mapping[str, Sequence[str]] | None = None,
    table: int = 0,
    max_bytes: int | None = None,
) -> IndicatorPreview:
    """Read the file and match its region codes to the areas; nothing is written.

    Without `region`, the file's geo dimension is used, or else the column or dimension whose
    codes match the most areas. `measures` and `times` pick categories of the metric and time
    dimensions, `choices` of any dimension by its id.
    """
    tables = read_statistics(path, region=region, max_bytes=max_bytes)
    if not 0 <= table < len(tables):
        raise IndicatorError(
            gettext("{name} holds {n} tables; choose one from 1 to {n}.").format(
                name=path.name, n=len(tables)
            )
        )
    chosen = tables[table]
    area_ids = _area_ids(db)
    if region is None:
        geo = [d.id for d in chosen.dimensions if d.role == "geo" and d.id == chosen.region]
        if not geo or not _matching(chosen.region_options[chosen.region], area_ids):
            best = max(
                chosen.region_options,
                key=lambda o: (
                    len(_matching(chosen.region_options[o], area_ids)),
                    o == chosen.region,
                ),
            )
            if best != chosen.region:
                chosen = read_statistics(path, region=best, max_bytes=max_bytes)[table]
    indicators = table_indicators(
        chosen, {**role_choices(chosen, measures, times), **(choices or {})}
    )
    codes = list(chosen.dimension(chosen.region).codes)
    areas = _matching(codes, area_ids)
    return IndicatorPreview(
        table=chosen,
        tables=len(tables),
        indicators=[
            replace(i, values={areas.get(code, code): v for code, v in i.values.items()})
            for i in indicators
        ],
        matched=[areas[c] for c in codes if c in areas],
        unmatched=[c for c in codes if c not in areas],
    )


def commit_indicators(
    db: Database,
    actor: Actor,
    preview: IndicatorPreview,
    *,
    year: int | None = None,
    source: str = "",
    less_need: tuple[str, ...] = (),
    population: str | None = None,
) -> IndicatorReport:
    """Store every indicator of the preview in one transaction: all of them or none."""
    require(actor, "manage_layers")
    keys = [i.key for i in preview.indicators]
    if not keys:
        raise IndicatorError(gettext("The file has no indicators to import."))
    for name in (*less_need, *([population] if population else [])):
        if name not in keys:
            raise IndicatorError(gettext("There is no numeric column {name}.").format(name=name))
    with db.transaction() as session:
        area_ids = {str(row[0]) for row in session.rows(SELECT_AREA_IDS)}
        for indicator in preview.indicators:
            session.execute(
                UPSERT_INDICATOR,
                (
                    indicator.key,
                    indicator.label or indicator.key,
                    indicator.unit,
                    indicator.year if year is None else year,
                    source or indicator.source,
                    indicator.key not in less_need,
                    indicator.key == population,
                    indicator.note,
                    looks_like_count(indicator.unit, indicator.label),
                    "",
                ),
            )
            session.execute(
                "DELETE FROM indicator_values WHERE indicator_key = ?", (indicator.key,)
            )
            session.insert_rows(
                "indicator_values",
                VALUE_COLUMNS,
                [
                    (indicator.key, code, value)
                    for code, value in indicator.values.items()
                    if code in area_ids
                ],
            )
        bump_data_version(session)
    matched = [c for c in preview.matched if c in area_ids]
    return IndicatorReport(
        indicators=keys,
        matched_areas=len(matched),
        unmatched_keys=sorted(set(preview.matched + preview.unmatched) - set(matched)),
    )


def import_indicators(
    db: Database,
    actor: Actor,
    path: Path,
    area_field: str | None = None,
    *,
    choices: Mapping[str, Sequence[str]] | None = None,
    year: int | None = None,
    source: str = "",
    less_need: tuple[str, ...] = (),
    population: str | None = None,
    max_bytes: int | None = None,
) -> IndicatorReport:
    """Import every indicator of a statistics file; report the codes that match no area."""
    require(actor, "manage_layers")
    preview = preview_indicators(db, path, region=area_field, choices=choices, max_bytes=max_bytes)
    return commit_indicators(
        db, actor, preview, year=year, source=source, less_need=less_need, population=population
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
            str(note),
            bool(count),
            str(formula),
        )
        for key, label, unit, year, source, higher, population, note, count, formula in db.rows(
            SELECT_INDICATORS
        )
    ]


def _stored(indicator: Indicator) -> tuple[object, ...]:
    return (
        indicator.key,
        indicator.label,
        indicator.unit,
        indicator.year,
        indicator.source,
        indicator.higher_is_need,
        indicator.is_population,
        indicator.note,
        indicator.is_count,
        indicator.formula,
    )


def save_indicator(db: Database, actor: Actor, indicator: Indicator) -> None:
    """Change an indicator's label, unit, year, source or direction."""
    require(actor, "manage_layers")
    with db.transaction() as session:
        session.execute(UPSERT_INDICATOR, _stored(indicator))
        bump_data_version(session)


def derive_indicator(
    db: Database, actor: Actor, derivation: str, value_key: str, total_key: str | None = None
) -> Indicator:
    """Work out the derived indicator `derivation` (analysis/derived.DERIVATIONS) of the stored
    indicator `value_key` for every area, and store it with its formula in words; the
    residents are the population indicator's, the total (a share's) `total_key`'s."""
    require(actor, "manage_layers")
    stored = {i.key: i for i in list_indicators(db)}
    value = stored[value_key]
    chosen = DERIVATIONS[derivation]
    needs = formula_inputs(chosen.formula)
    others = {
        "residents": next((i for i in stored.values() if i.is_population), None),
        "total": stored.get(total_key or ""),
    }
    table = list_areas(db)[["id", "geometry"]]
    columns, labels = {"value": value.key}, {"value": value.label}
    for name, other in others.items():
        if name not in needs:
            continue
        if other is None:
            raise IndicatorError(
                gettext("{what} needs an indicator of {name}.").format(
                    what=gettext(chosen.label), name=gettext(INPUT_LABELS[name])
                )
            )
        columns[name], labels[name] = other.key, other.label
    for key in columns.values():
        table[key] = table["id"].map(indicator_values(db, key)).astype(float)
    figures = derive(derivation, table, columns)
    indicator = Indicator(
        key=f"{value.key}_{derivation}",
        label=f"{value.label}, {gettext(chosen.unit)}",
        unit=gettext(chosen.unit),
        year=value.year,
        source=value.source,
        higher_is_need=value.higher_is_need,
        note=value.note,
        formula=formula_text(chosen.formula, labels),
    )
    with db.transaction() as session:
        session.execute(UPSERT_INDICATOR, _stored(indicator))
        session.execute("DELETE FROM indicator_values WHERE indicator_key = ?", (indicator.key,))
        session.insert_rows(
            "indicator_values",
            VALUE_COLUMNS,
            [
                (indicator.key, str(area), float(figure))
                for area, figure in zip(table["id"], figures, strict=True)
                if pd.notna(figure)
            ],
        )
        bump_data_version(session)
    return indicator


def indicator_values(db: Database, key: str) -> pd.Series:
    """The indicator's value per area id (areas without a value are left out)."""
    frame = db.frame(SELECT_VALUES, (key,))
    return pd.Series(frame["value"].to_numpy(), index=frame["area_id"].astype(str), name=key)

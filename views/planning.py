"""Planning: an indicator as a choropleth, service coverage, and need-versus-supply gaps."""

import pandas as pd
import streamlit as st

from assetmap.analysis.choropleth import METHODS, PALETTE_LABELS, PALETTES
from assetmap.analysis.coverage import population_share
from assetmap.analysis.gaps import BIVARIATE_COLOURS, METHOD, SUPPLY_MEASURES, THIRDS
from assetmap.i18n import format_share
from assetmap.i18n import gettext as _
from assetmap.models import CATEGORIES, categories_for
from assetmap.register.areas import shown_note
from assetmap.register.assets import AssetFilter
from assetmap.register.indicators import indicator_values, list_indicators
from assetmap.register.planning import (
    DEFAULT_DISTANCE_M,
    PlanningError,
    indicator_choropleth,
    need_and_supply,
)
from assetmap.render.mapping import build_asset_map
from assetmap.web import caches, folium_bridge, resources, widgets
from assetmap.web.own_area import own_area_section

st.title(_("Planning"))
db = resources.database()
level = widgets.level_choice()
areas = caches.areas(level)
if areas.empty:
    st.info(
        _(
            "There are no neighbourhood areas yet. An admin can import them on the Layers page "
            "or with: assetmap import-areas FILE --id-field ID --name-field NAME"
        )
    )
    st.stop()
indicators = {i.key: i for i in list_indicators(db)}
settings = resources.settings()
scripts = resources.map_scripts()
assets = caches.assets(AssetFilter())
if areas["note"].ne("").any():
    st.caption(widgets.plain(" ".join(shown_note(n) for n in sorted(set(areas["note"]) - {""}))))


def draw(key: str, **layers: object) -> None:
    fmap = build_asset_map(
        layers.pop("assets", assets.iloc[0:0]), areas, settings.tiles, scripts, height=520, **layers
    )  # type: ignore[arg-type]
    folium_bridge.show_folium_map(fmap, key, 520, [])


choropleth_tab, coverage_tab, gaps_tab, own_tab = st.tabs(
    [_("Indicators"), _("Service coverage"), _("Need and supply"), _("Your own neighbourhood")]
)

with choropleth_tab:
    # Only the indicators with figures for areas of this level: each table is keyed by one.
    mapped = {
        k: i
        for k, i in indicators.items()
        if indicator_values(db, k).reindex(areas["id"]).notna().any()
    }
    if not indicators:
        st.info(_("No indicators yet. An admin can import them on the Layers page."))
    elif not mapped:
        st.info(
            _(
                "No indicator has figures for these areas. Choose another level of areas, or "
                "import figures keyed by these areas' codes."
            )
        )
    else:
        left, middle, right = st.columns(3)
        choose = _("Choose an option")
        key = left.selectbox(
            _("Indicator"),
            list(mapped),
            format_func=lambda k: _(indicators[k].label),
            placeholder=choose,
        )
        method = middle.selectbox(
            _("Classes by"), list(METHODS), format_func=lambda m: _(METHODS[m]), placeholder=choose
        )
        palette = right.selectbox(
            _("Colours"),
            list(PALETTES),
            format_func=lambda p: _(PALETTE_LABELS[p]),
            placeholder=choose,
        )
        classes = st.slider(_("Number of classes"), 3, 7, 5)
        indicator = indicators[key]
        values = indicator_values(db, key)
        shape = indicator_choropleth(
            areas, values, indicator, method=method, palette=palette, k=classes
        )
        map_column, legend_column = st.columns([5, 1])
        with map_column:
            draw(
                "choropleth_map",
                area_styles=shape.styles,
                assets=assets if st.checkbox(_("Show assets"), value=True) else assets.iloc[0:0],
            )
        with legend_column:
            widgets.colour_legend(_(indicator.label), shape.legend)
        direction = (
            _("higher means more need") if indicator.higher_is_need else _("higher means less need")
        )
        made = (
            " · " + _("Worked out as {formula}.").format(formula=indicator.formula)
            if indicator.formula
            else ""
        )
        st.caption(widgets.plain(f"{indicator.source} {indicator.year or ''} · {direction}{made}"))
        st.dataframe(
            pd.DataFrame(
                {
                    _("Area"): areas["name"].to_numpy(),
                    _("Value"): values.reindex(areas["id"]).to_numpy(),
                }
            ),
            hide_index=True,
        )

with coverage_tab:
    left, right = st.columns([3, 1])
    category_labels = categories_for(CATEGORIES)
    categories = left.multiselect(
        _("Services"),
        list(category_labels),
        default=["library", "community_hall"],
        format_func=category_labels.__getitem__,
        placeholder=_("Choose one or more"),
    )
    distance = right.number_input(_("Walking distance (m)"), 0, 5000, int(DEFAULT_DISTANCE_M), 50)
    network = st.checkbox(
        _("Along paths and streets (the walking network) instead of as the crow flies")
    )
    try:
        coverage, zone = caches.coverage(tuple(categories), float(distance), network, level)
    except PlanningError as error:
        st.warning(str(error))
        coverage = None
    if coverage is not None:
        draw("coverage_map", zone_gdf=zone, assets=assets[assets["category"].isin(categories)])
        if "population" in coverage:
            st.metric(_("Residents within reach"), format_share(population_share(coverage)))
        headings = {
            "area_name": _("Area"),
            "area_km2": _("Area (km²)"),
            "covered_km2": _("Within reach (km²)"),
            "coverage_share": _("Share covered"),
            "population": _("Residents"),
            "covered_population": _("Residents within reach"),
        }
        st.dataframe(
            coverage.drop(columns=["area_id"]).rename(columns=headings).round(3),
            hide_index=True,
            column_config={
                _("Share covered"): st.column_config.ProgressColumn(
                    min_value=0.0, max_value=1.0, format="percent"
                )
            },
        )
        st.download_button(
            _("Download as CSV"),
            coverage.to_csv(index=False),
            "coverage.csv",
            mime="text/csv",
            on_click="ignore",
        )

with gaps_tab:
    needs = [k for k, i in indicators.items() if not i.is_population]
    chosen = st.multiselect(
        _("Need indicators"),
        needs,
        default=needs,
        format_func=lambda k: _(indicators[k].label),
        placeholder=_("Choose one or more"),
    )
    measure = st.radio(
        _("Supply"),
        list(SUPPLY_MEASURES),
        format_func=lambda m: _(SUPPLY_MEASURES[m]),
        horizontal=True,
    )
    try:
        table = need_and_supply(db, tuple(chosen), measure, coverage, level=level)
    except PlanningError as error:
        st.warning(str(error))
        st.stop()
    lines = [
        [
            _("Need: {n}").format(n=_(THIRDS[int(n)])) if n == n else _("No data"),
            _("Supply: {s}").format(s=_(THIRDS[int(s)])) if s == s else _("No data"),
        ]
        for n, s in zip(table["need_third"], table["supply_third"], strict=True)
    ]
    styles = pd.DataFrame({"fill": table["colour"].to_numpy(), "lines": lines}, index=table.index)
    map_column, legend_column = st.columns([5, 1])
    with map_column:
        draw("gaps_map", area_styles=styles)
    with legend_column:
        widgets.colour_legend(
            _("Need (rows) and supply (columns)"),
            [
                (
                    BIVARIATE_COLOURS[(n, s)],
                    _("Need {need}, supply {supply}").format(
                        need=_(THIRDS[n]), supply=_(THIRDS[s])
                    ),
                )
                for n in (3, 2, 1)
                for s in (1, 2, 3)
            ],
        )
    st.subheader(_("Priority areas: high need, low supply"))
    priority = table[table["priority"]]
    if priority.empty:
        st.info(_("No area is in both the highest third for need and the lowest for supply."))
    headings = {
        "area_name": _("Area"),
        "need": _("Need (0 to 1)"),
        "supply": _(SUPPLY_MEASURES[measure]),
        "priority": _("Priority"),
    }
    st.dataframe(
        table[list(headings)].round(3).rename(columns=headings),
        hide_index=True,
    )
    st.subheader(_("How this is worked out"))
    st.write(_(METHOD))

with own_tab:
    own_area_section(areas, assets.iloc[0:0])

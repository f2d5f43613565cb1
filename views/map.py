"""The map of approved community assets, with filters, counts and a table."""

from dataclasses import replace

import streamlit as st

from assetmap.i18n import gettext as _
from assetmap.models import KINDS, SECTORS, ValidationError, categories_for, kind_label
from assetmap.register.areas import shown_note
from assetmap.register.assets import AssetFilter, flag_asset
from assetmap.register.limits import LimitReachedError
from assetmap.register.photos import report_shown_photo
from assetmap.render.mapping import assets_to_table
from assetmap.web import caches, login, map_address, place_search, poster, resources, widgets
from assetmap.web.live_map import Focus, asset_map
from assetmap.web.live_watch import rerun_when_data_change

title = _("Community assets")
st.title(title)
areas = caches.areas()
area_names = dict(zip(areas["id"], areas["name"], strict=True))
# The address opens the same map: filters seed the widgets, the view and popup the map.
address = map_address.opened(area_names)
for key, value in (
    ("map_kind", list(address.kinds)),
    ("map_category", list(address.categories)),
    ("map_sector", list(address.sectors)),
    ("map_area", list(address.areas)),
    ("map_text", address.text),
    ("map_links", address.links),
):
    map_address.seed(key, value)
# A link's own search keeps the link's view; a search typed here moves the map.
map_address.seed("map_link_search", address.text if address.view else None)

with st.sidebar:
    st.header(_("Filters"))
    kinds = widgets.filter_choice(_("Kind"), {k: kind_label(k) for k in KINDS}, "map_kind")
    categories = widgets.filter_choice(
        _("Category"), categories_for(kinds or KINDS), "map_category"
    )
    sectors = widgets.filter_choice(
        _("Sector"), {key: _(label) for key, label in SECTORS.items()}, "map_sector"
    )
    area_ids = widgets.filter_choice(_("Area"), area_names, "map_area")
    text = st.text_input(
        _("Search by name or address"),
        placeholder=_("e.g. library, or Kaisaniemenkatu 5"),
        key="map_text",
    )
    places = place_search.addresses_and_places(text)
    asset_filter = AssetFilter(
        kinds=tuple(kinds),
        categories=tuple(categories),
        sectors=tuple(sectors),
        area_ids=tuple(area_ids),
        text=text,
    )
    # A search that names assets filters them, and a place is gone to when chosen; one that
    # names none (an address) goes to the best place at once, with every asset around it.
    named = (
        not places
        or caches.shown_count(resources.database(), caches.current_view(asset_filter)) > 0
    )
    place = (
        st.selectbox(
            _("Show on the map"),
            list(places),
            index=None if named else 0,
            placeholder=_("Choose a place"),
            key="shown_place",
        )
        if places
        else None
    )

focus = None
# Always there, filled or not: the map's fragment keeps its place in the page between runs.
search_note = st.empty()
if place is not None and text != st.session_state["map_link_search"]:
    focus = Focus(*places[place], label=place)
    if not named:
        asset_filter = replace(asset_filter, text="")
        search_note.caption(
            _(
                "No asset is called \u201c{text}\u201d. The map shows the assets around {place}."
            ).format(text=widgets.plain(text), place=widgets.plain(place))
        )
show_links = st.toggle(_("Show who connects whom"), key="map_links")
address = replace(
    address,
    kinds=tuple(kinds),
    categories=tuple(categories),
    sectors=tuple(sectors),
    areas=tuple(area_ids),
    text=text.strip(),
    links=show_links,
)


@st.fragment
def live_map() -> tuple[int, caches.View]:
    """The count and the map, which bring themselves up to date when anyone adds or changes
    an asset (the watch reruns this fragment); returns how many assets are shown, and the view.

    One view per run: who is looking and the data version are read once for both. The
    address follows the map's view and open popup."""
    view = caches.current_view(asset_filter)
    total = caches.status_counts(view)["approved"]
    shown = caches.shown_count(resources.database(), view)
    if total == 0:
        st.info(
            _(
                "There are no assets on the map yet. Add the first one: a place, a group, a "
                "service or a person who makes this neighbourhood better."
            )
        )
        st.page_link("views/add.py", label=_("Add an asset"), icon=":material/add_location_alt:")
    else:
        st.caption(
            _("Showing {shown} of {total} approved assets.").format(shown=shown, total=total)
        )
        if shown == 0:
            st.warning(_("No asset matches these filters. Clear some filters to see more."))
    map_column, legend_column = st.columns([5, 1])
    with map_column:
        # This run's address, not the query parameters: a fragment's run may start from
        # parameters older than the page's last run.
        map_address.keep(asset_map(view, show_links, address, "map", focus=focus))
    with legend_column:
        widgets.legend()
        rerun_when_data_change(view.version)
    return shown, view


map_address.keep(address)
shown_count, view = live_map()
poster.poster_download(map_address.opened(area_names), "map", title, show_links, asset_filter)

notes = sorted(set(areas["note"]) - {""})
for note in notes:
    st.caption(widgets.plain(shown_note(note)))

if shown_count:
    lazy = shown_count > widgets.LAZY_SECTIONS_ABOVE
    table = widgets.section(_("The assets on the map, as a table"), "table", lazy)
    if table.open is not False:
        table.dataframe(
            assets_to_table(caches.view_assets(resources.database(), view)),
            hide_index=True,
            width="stretch",
        )
    report = widgets.section(_("Report a problem with an asset"), "report", lazy)
    if report.open is not False:
        if st.session_state.pop("report_sent", False):
            report.success(_("Thank you. The neighbourhood team will look at it."))
        # A new form after each report sent; a refused one keeps what was typed.
        with report, st.form(f"report_{st.session_state.get('report_round', 0)}"):
            shown = caches.view_assets(resources.database(), view)
            names = dict(zip(shown["id"], shown["name"], strict=True))
            reported = st.selectbox(
                _("Asset"),
                list(names),
                format_func=names.__getitem__,
                placeholder=_("Choose an option"),
            )
            about_photo = st.checkbox(_("The problem is with its photo"))
            reason = st.text_input(_("What is wrong?"), max_chars=500)
            if st.form_submit_button(_("Send report")):
                photos = dict(zip(shown["id"], shown["photo_ids"], strict=True))
                try:
                    if about_photo:
                        report_shown_photo(
                            resources.database(),
                            str(photos.get(reported) or ""),
                            login.current_actor(),
                            reason,
                            resources.settings().limits,
                        )
                    else:
                        flag_asset(
                            resources.database(),
                            reported,
                            login.current_actor(),
                            reason,
                            resources.settings().limits,
                        )
                except LimitReachedError as error:
                    st.warning(str(error))
                except ValidationError as error:
                    widgets.show_problems(error.problems)
                else:
                    st.session_state["report_sent"] = True
                    st.session_state["report_round"] = st.session_state.get("report_round", 0) + 1
                    st.rerun()

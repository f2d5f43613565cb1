"""The only module besides pages/ that imports streamlit: shared resources and widgets.

One database connection serves every session (each call takes its own cursor), and
data for the map is cached on the data version that every write bumps, so a page never
shows stale data after an edit and never re-queries when nothing changed.
"""

from __future__ import annotations

import hashlib
import html
import re
import threading
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import folium
import geopandas as gpd
import pandas as pd
import streamlit as st
import streamlit_folium
from streamlit.runtime.scriptrunner import get_script_run_ctx

from assetmap import clients
from assetmap.accounts import (
    AccountError,
    Actor,
    actor_for_email,
    authenticate,
    visitor,
)
from assetmap.api import url_prefix as api_url_prefix
from assetmap.api.database import close_shared_database, shared_database
from assetmap.api.login import LOGOUT_PATH, SESSION_PATH
from assetmap.areas import list_areas
from assetmap.assets import (
    STORED_FIELDS,
    AssetFilter,
    asset_versions,
    count_by_status,
    list_assets,
)
from assetmap.config import PROJECT_DIR, ConfigError, Settings
from assetmap.db import Database, DatabaseError, data_version, utc_now
from assetmap.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    gettext,
    language,
    set_language,
    use_language_source,
)
from assetmap.links import links_to_lines, list_links, public_links
from assetmap.mapping import (
    DETAIL_LIMIT,
    LEGEND_TITLE,
    SUMMARY_FIELDS,
    MapScripts,
    SafeJson,
    assets_to_map_json,
    build_asset_map,
    changes_html,
    install_map_scripts,
    legend_entries,
    location_from_click,
    map_changes,
    picked_point_layer,
)
from assetmap.models import Problem
from assetmap.planning import service_coverage
from assetmap.privacy import consent_lapsed, public_assets, released
from assetmap.sessions import (
    COOKIE_NAME,
    app_key,
    end_session,
    end_user_sessions,
    session_actor,
    session_from_cookie,
    start_session,
)

if TYPE_CHECKING:
    from streamlit.elements.lib.mutable_expander_container import ExpanderContainer

STATIC_DIR = PROJECT_DIR / "static"
T = TypeVar("T")
ALL_COLUMNS = tuple(STORED_FIELDS)
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


@st.cache_resource
def _settings() -> Settings:
    return Settings.from_env()


def settings() -> Settings:
    """The deployment's settings; stops the page with the reason when one is wrong."""
    try:
        return _settings()
    except ConfigError as error:
        st.error(str(error))
        st.stop()
        raise


@st.cache_resource(on_release=close_shared_database)
def _database(location: str) -> Database:
    """The process's database, which the server's routes share (assetmap.api.database)."""
    return shared_database(location)


def database() -> Database:
    """The shared database; stops the page with the reason when it cannot be opened."""
    try:
        return _database(settings().db)
    except DatabaseError as error:
        st.error(str(error))
        st.stop()
        raise


def url_prefix() -> str:
    """Where the app is served under its host: "/path" for server.baseUrlPath, else ""."""
    return api_url_prefix(str(st.get_option("server.baseUrlPath") or ""))


@st.cache_resource
def map_scripts() -> MapScripts:
    install_map_scripts(STATIC_DIR)
    base_path = str(st.get_option("server.baseUrlPath") or "").strip("/")
    prefix = f"/{base_path}" if base_path else ""
    return MapScripts(base_url=f"{prefix}/app/static/vendor")


@st.cache_resource(max_entries=16, show_spinner=False)
def _assets(
    _db: Database,
    location: str,
    version: int,
    asset_filter: AssetFilter,
    columns: tuple[str, ...] = ALL_COLUMNS,
) -> gpd.GeoDataFrame:
    """One frame per filter, columns and data version, shared by every session: callers
    never change it."""
    return list_assets(_db, asset_filter, columns)


@st.cache_resource(max_entries=16, show_spinner=False)
def _public_assets(
    _db: Database,
    location: str,
    version: int,
    asset_filter: AssetFilter,
    lapsed: int,
    columns: tuple[str, ...] = ALL_COLUMNS,
) -> gpd.GeoDataFrame:
    """The visitors' view, worked out again only when the data change or a consent lapses."""
    return public_assets(_assets(_db, location, version, asset_filter, columns), utc_now())


@st.cache_data(max_entries=8, show_spinner=False)
def _areas(_db: Database, location: str, version: int) -> gpd.GeoDataFrame:
    return list_areas(_db)


@dataclass(frozen=True)
class _View:
    """Everything that decides which assets someone sees, and so what may be cached for them."""

    location: str
    version: int
    asset_filter: AssetFilter
    private: bool
    lapsed: int


_newest_version: dict[str, int] = {}


def _version(db: Database) -> int:
    """The data version; the first run that sees a new one drops what older ones cached."""
    version = data_version(db)
    if _newest_version.get(db.location) != version:
        _newest_version[db.location] = version
        for cached in (_assets, _public_assets, _released_assets, _versions, _map_update):
            cached.clear()
    return version


@st.cache_resource(max_entries=16, show_spinner=False)
def _versions(
    _db: Database, location: str, version: int, asset_filter: AssetFilter
) -> pd.DataFrame:
    """Version by asset id of the matching assets, and whether each is a lapsed person."""
    found = asset_versions(_db, asset_filter)
    lapsed = consent_lapsed(found, utc_now()).to_numpy()
    return pd.DataFrame(
        {"version": found["version"].to_numpy(), "lapsed": lapsed}, index=_id_index(found["id"])
    )


def _id_index(ids: pd.Series) -> pd.Index:
    """Asset ids as an index of Python strings: looked up twice as fast as Arrow strings."""
    return pd.Index(ids.to_numpy(dtype=object), dtype=object)


def _view(asset_filter: AssetFilter) -> _View:
    db = database()
    version = _version(db)
    private = current_actor().may("see_private")
    lapsed = 0
    if not private:
        lapsed = int(_versions(db, db.location, version, asset_filter)["lapsed"].sum())
    return _View(db.location, version, asset_filter, private, lapsed)


def _shown_count(db: Database, view: _View) -> int:
    return len(_versions(db, view.location, view.version, view.asset_filter)) - view.lapsed


def asset_count(asset_filter: AssetFilter) -> int:
    """How many assets match, as the current person may see them, without loading them."""
    return _shown_count(database(), _view(asset_filter))


def _view_assets(
    db: Database, view: _View, columns: tuple[str, ...] = ALL_COLUMNS
) -> gpd.GeoDataFrame:
    if view.private:
        return _assets(db, view.location, view.version, view.asset_filter, columns)
    return _public_assets(db, view.location, view.version, view.asset_filter, view.lapsed, columns)


def assets(asset_filter: AssetFilter) -> gpd.GeoDataFrame:
    """The matching assets as the current person may see them (people protected for visitors).

    The frame is shared with other sessions: derive new frames from it, never change it.
    """
    return _view_assets(database(), _view(asset_filter))


@st.cache_resource(max_entries=8, show_spinner=False)
def _released_assets(
    _db: Database,
    location: str,
    version: int,
    asset_filter: AssetFilter,
    _reader: Actor,
    role: str,
    lapsed: int,
) -> gpd.GeoDataFrame:
    """What a reader of `role` may take out (privacy.released depends on the role only),
    worked out again when the data change or a consent lapses."""
    return released(_assets(_db, location, version, asset_filter), _reader, utc_now())


def released_assets(asset_filter: AssetFilter) -> gpd.GeoDataFrame:
    """The matching assets as the current person may take them out of the app: for every
    download, whatever their role (see privacy.released). Shared: never change it."""
    db = database()
    version = _version(db)
    reader = current_actor()
    lapsed = int(_versions(db, db.location, version, asset_filter)["lapsed"].sum())
    return _released_assets(db, db.location, version, asset_filter, reader, reader.role, lapsed)


def areas() -> gpd.GeoDataFrame:
    db = database()
    return _areas(db, db.location, data_version(db))


@st.cache_data(max_entries=16, show_spinner=False)
def _coverage(
    _db: Database,
    location: str,
    version: int,
    categories: tuple[str, ...],
    distance: float,
    network: bool,
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    return service_coverage(_db, categories, distance, network)


def coverage(
    categories: tuple[str, ...], distance: float, network: bool
) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Service coverage, computed once per question and data version."""
    db = database()
    return _coverage(db, db.location, data_version(db), categories, distance, network)


def visible_links(visible_assets: gpd.GeoDataFrame) -> pd.DataFrame:
    """The links the current person may see, between the assets they may see."""
    today = utc_now().date()
    return public_links(list_links(database()), visible_assets, today)


LIVE_MAP_SECONDS = 0.5
"""How often an open map looks for new data: an asset added anywhere shows within about this.
A look that finds nothing new costs one small query and sends nothing but a reference."""

MAX_MAP_CHANGES = 2_000
"""Beyond this many changed assets, a map's payload is made anew instead of updated."""


@dataclass(frozen=True)
class _MapKey:
    """Everything a map's payload depends on besides the assets' data."""

    location: str
    asset_filter: AssetFilter
    private: bool
    lapsed: int
    areas: str
    language: str
    links_on: date | None
    height: int


@dataclass(frozen=True)
class _MapBase:
    """A map's component arguments as made at `version`, and what it drew: the version of
    each asset by id, in payload order."""

    version: int
    name: str
    arguments: dict[str, Any]
    drawn: pd.Series
    details: bool


class _MapBases:
    """The newest payload of each map, kept while the data change.

    Remaking a map of 100,000 assets takes a second and sends megabytes; a change is sent
    as itself instead (_map_update), until there are too many.
    """

    KEPT = 8

    def __init__(self) -> None:
        self._bases: dict[_MapKey, _MapBase] = {}
        self._lock = threading.Lock()

    def get(self, key: _MapKey) -> _MapBase | None:
        return self._bases.get(key)

    def make(self, key: _MapKey, version: int, build: Callable[[], _MapBase]) -> _MapBase:
        """The base for `key` at `version`, built once even when sessions ask together."""
        with self._lock:
            base = self._bases.get(key)
            if base is None or base.version != version:
                base = build()
                self._bases.pop(key, None)
                self._bases[key] = base
                while len(self._bases) > self.KEPT:
                    del self._bases[next(iter(self._bases))]
            return base


@st.cache_resource
def _map_bases() -> _MapBases:
    return _MapBases()


@st.cache_data(max_entries=8, show_spinner=False)
def _areas_digest(_db: Database, location: str, version: int) -> str:
    found = _areas(_db, location, version)
    shapes = b"".join(found.geometry.to_wkb())
    named = "\n".join(f"{row.id}\t{row.name}" for row in found.itertuples())
    return hashlib.sha256(named.encode() + shapes).hexdigest()


def _map_base(db: Database, view: _View, key: _MapKey) -> _MapBase:
    """The map's component arguments for the view's data.

    The payload waits outside as a placeholder named by its digest (so the component's key
    still changes with the data) while folium and st_folium render and rework the script;
    the map watches for changes under that name.
    """
    details = _shown_count(db, view) <= DETAIL_LIMIT
    shown = _view_assets(db, view, ALL_COLUMNS if details else SUMMARY_FIELDS)
    lines = None
    if key.links_on is not None:
        lines = links_to_lines(public_links(list_links(db), shown, key.links_on), shown)
    payload = assets_to_map_json(shown, details)
    slot = SafeJson("assetmapData" + hashlib.sha256(payload.encode()).hexdigest()[:24])
    fmap = build_asset_map(
        shown,
        _areas(db, view.location, view.version),
        settings().tiles,
        map_scripts(),
        key.height,
        link_lines=lines,
        assets_json=slot,
        watch=str(slot),
    )
    arguments = _folium_arguments(fmap, "asset_map", key.height)
    arguments["script"] = arguments["script"].replace(slot, payload, 1)
    drawn = pd.Series(shown["version"].to_numpy(), index=_id_index(shown["id"]))
    return _MapBase(view.version, slot, arguments, drawn, details)


@st.cache_resource(max_entries=16, show_spinner=False)
def _map_update(
    _db: Database, _base: _MapBase, key: _MapKey, base_version: int, version: int
) -> str | None:
    """What brings a map made at `base_version` up to `version` (changes_html); None when
    so much changed that a new payload is better."""
    found = _versions(_db, key.location, version, key.asset_filter)
    if not key.private:
        found = found[~found["lapsed"]]
    changes = map_changes(_base.drawn, found["version"])
    if len(changes) > MAX_MAP_CHANGES:
        return None
    columns = ALL_COLUMNS if _base.details else SUMMARY_FIELDS
    fresh = gpd.GeoDataFrame()
    # No ids would be no filter at all: a write that changed nothing drawn (a pending asset)
    # would send every asset again, and the map would draw each twice.
    if len(changes.fresh):
        fresh = list_assets(_db, replace(key.asset_filter, ids=tuple(changes.fresh)), columns)
        if not key.private:
            fresh = public_assets(fresh, utc_now())
    return changes_html(_base.name, changes.hidden, fresh, _base.details)


def _drawn_map(db: Database, view: _View, key: _MapKey) -> tuple[_MapBase, str | None]:
    """The map's base arguments, and what brings them up to the view's data if needed."""
    base = _map_bases().get(key)
    if base is not None and base.version != view.version and key.links_on is None:
        update = _map_update(db, base, key, base.version, view.version)
        if update is not None:
            return base, update
    return _map_bases().make(key, view.version, lambda: _map_base(db, view, key)), None


def _folium_arguments(fmap: folium.Map, key: str, height: int) -> dict[str, Any]:
    """What st_folium(fmap, returned_objects=[]) sends its frontend, worked out ahead.

    st_folium renders the whole map on every run: at 100,000 assets that is most of a second
    and a copy of the 4 MB payload per session. Our maps have no feature groups, layer
    controls or colour maps, so the arguments are the map's header, html and script, its
    own scripts and styles, and a key that changes with the script.
    """
    fmap.get_root().render()
    body, header = streamlit_folium._get_html(fmap), streamlit_folium._get_header(fmap)
    script = streamlit_folium._get_map_string(fmap)
    return {
        "script": script,
        "header": header,
        "html": body,
        "id": streamlit_folium.get_full_id(fmap),
        "key": streamlit_folium.generate_js_hash(script, key, False),
        "height": height,
        "width": None,
        "returned_objects": [],
        "default": {},
        "zoom": None,
        "center": None,
        "feature_group": None,
        "return_on_hover": False,
        "layer_control": None,
        "pixelated": False,
        "css_links": [href for _, href in fmap.default_css],
        "js_links": [src for _, src in fmap.default_js],
        "wrap_longitude": False,
    }


def _show_map(asset_filter: AssetFilter, with_links: bool, height: int, **interaction: Any) -> Any:
    """The map of the matching assets, with `interaction` in place of what the base arguments
    say (what it reports, what it draws on top); returns what the map reports."""
    db = database()
    view = _view(asset_filter)
    key = _MapKey(
        view.location,
        asset_filter,
        view.private,
        view.lapsed,
        _areas_digest(db, view.location, view.version),
        language(),
        utc_now().date() if with_links else None,
        height,
    )
    base, update = _drawn_map(db, view, key)
    reported = streamlit_folium._component_func(**{**base.arguments, **interaction})
    if update is not None:
        st.html(update)
    return reported


def asset_map(asset_filter: AssetFilter, with_links: bool, height: int = 600) -> None:
    """The map of the matching assets. A run with nothing changed sends the same map again;
    after a change, an open map updates where it is (pan and zoom kept) unless links are
    shown, which are drawn anew."""
    _show_map(asset_filter, with_links, height)


def pick_map(picked: tuple[float, float] | None, height: int = 420) -> tuple[float, float] | None:
    """The approved assets' map for choosing a spot: (lon, lat) of the last click, if any.

    It shares the map page's payload and updates; the picked spot is drawn on top of it
    without remaking the map.
    """
    marker = None
    if picked is not None:
        # streamlit_folium's own script for an added layer; the map it adds to is a stand-in.
        marker = streamlit_folium._get_feature_group_string(
            picked_point_layer(*picked), map=folium.Map(tiles=None), idx=0
        )
    reported = _show_map(
        AssetFilter(),
        False,
        height,
        returned_objects=["last_clicked"],
        default={"last_clicked": None},
        feature_group=marker,
    )
    return location_from_click(reported)


def remembered(name: str, key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()` once per session while `key` stays the same; reruns reuse the result.

    For per-person work too heavy to redo on every widget change (checking an uploaded
    file); exceptions are not remembered.
    """
    held = st.session_state.get(name)
    if held is not None and held[0] == key:
        return cast(T, held[1])
    value = compute()
    st.session_state[name] = (key, value)
    return value


PLACE_MATCHES = 50
"""At most this many assets are offered for a searched name."""


def named_places(search: str | None = None) -> dict[str, tuple[float, float]]:
    """Areas (their middle) and approved assets by name, for finding a spot without the map.

    With `search`, only assets whose name, description or tags contain it (at most
    PLACE_MATCHES): a choice of every asset is megabytes on each run of a large map.
    """
    boundaries = areas()
    middles = boundaries.geometry.representative_point()
    places = {
        gettext("Area: {name}").format(name=row.name): (point.x, point.y)
        for row, point in zip(boundaries.itertuples(), middles, strict=True)
    }
    for row in _place_assets(search).itertuples():
        places.setdefault(f"{row.name} ({row.area_name or '-'})", (row.lon, row.lat))
    return places


def _place_assets(search: str | None) -> gpd.GeoDataFrame:
    if search is None:
        return assets(AssetFilter())
    if not search.strip():
        return gpd.GeoDataFrame()
    found = list_assets(database(), AssetFilter(text=search), SUMMARY_FIELDS)
    if current_actor().may("see_private"):
        return found.head(PLACE_MATCHES)
    return public_assets(found, utc_now()).head(PLACE_MATCHES)


@st.cache_data(max_entries=8, show_spinner=False)
def _status_counts(_db: Database, location: str, version: int) -> dict[str, int]:
    return count_by_status(_db)


def status_counts() -> dict[str, int]:
    """Assets by status, counted once per data version (an open map asks twice a second)."""
    db = database()
    return _status_counts(db, db.location, data_version(db))


ACCESSIBLE_CSS = """
<style>
/* Streamlit's captions are light grey; darker text reaches WCAG AA contrast (4.5:1). */
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p {
    color: #454545 !important; opacity: 1 !important; }
/* An element that only runs a script (the page's language, the login cookie) takes no room. */
[data-testid="stElementContainer"]:has(> [data-testid="stHtml"] > script:only-child) {
    display: none; }
</style>
"""


def accessible_styles() -> None:
    st.markdown(ACCESSIBLE_CSS, unsafe_allow_html=True)


def _session_language() -> str | None:
    """The language chosen in this Streamlit session, on every run, fragments included."""
    if get_script_run_ctx(suppress_warning=True) is None:
        return None
    chosen = st.session_state.get("language")
    return chosen if isinstance(chosen, str) else None


use_language_source(_session_language)


_LANGUAGE_SCRIPT = Path(__file__).parent / "js" / "page_language.js"


def choose_language() -> str:
    """The session's language: from the address (?lang=nb) or the picker, remembered in both,
    and told to the browser (page_language.js)."""
    wanted = st.query_params.get("lang", st.session_state.get("language", DEFAULT_LANGUAGE))
    choices = list(LANGUAGES)
    if wanted not in choices:
        wanted = DEFAULT_LANGUAGE
    chosen = st.sidebar.selectbox(
        "Language · Språk · Taal",
        choices,
        index=choices.index(wanted),
        format_func=LANGUAGES.__getitem__,
        key="language_picker",
        placeholder="",  # never shown (a language is always chosen); not Streamlit's English
    )
    st.session_state["language"] = chosen
    if st.query_params.get("lang") != chosen:
        st.query_params["lang"] = chosen
    set_language(chosen)
    skip = html.escape(gettext("Skip to main content"))
    st.sidebar.html(
        f'<script data-lang="{chosen}" data-skip="{skip}">'
        f"{_LANGUAGE_SCRIPT.read_text(encoding='utf-8')}</script>",
        unsafe_allow_javascript=True,
    )
    return chosen


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:
        return False


def client_address() -> str:
    """The address this session connects from, believing only the trusted proxies' headers."""
    headers = st.context.headers
    pairs = [(name, value) for name in headers for value in headers.get_all(name)]
    peer = st.context.ip_address
    # Anything but text (AppTest's stand-in client gives a mock) is no known address.
    known = peer if isinstance(peer, str) else None
    return clients.client_address(known, pairs, settings().trusted_proxies)


@st.cache_resource(show_spinner=False)
def _stored_app_key(_db: Database, location: str) -> bytes:
    return app_key(_db)


def _app_key() -> bytes:
    db = database()
    return _stored_app_key(db, db.location)


def _visitor_key() -> str:
    """What tells one visitor from another without storing who they are (it is hashed).

    Only the address: a reload, a new tab or another browser is the same visitor, so one
    person cannot report an asset away or pass the limits per address. Sessions without a
    known address share one key.
    """
    return client_address()


LOGIN_KEY = "login_session"
"""The login session this Streamlit session runs under, by id, in st.session_state."""

_COOKIE_CHANGE = "login_cookie_change"
_COOKIE_SCRIPT = Path(__file__).parent / "js" / "login_cookie.js"


def current_actor() -> Actor:
    """Who is using this session, decided on the server on every run."""
    if _oidc_configured() and st.user.is_logged_in and st.user.get("email"):
        return actor_for_email(database(), str(st.user["email"]))
    actor = _logged_in_actor()
    return actor if actor is not None else visitor(_visitor_key(), _app_key())


def _cookie_session(db: Database) -> str | None:
    """The login session named by the cookie this browser sent when the page was loaded."""
    cookie = st.context.cookies.get(COOKIE_NAME)
    # A string from a browser; AppTest, which has none, gives a stand-in object.
    return session_from_cookie(db, cookie) if isinstance(cookie, str) and cookie else None


def _logged_in_actor() -> Actor | None:
    """The account this browser is logged in as: the session this Streamlit session holds,
    else the one its cookie names (a reload, a new tab, a shared link). Each run checks it in
    the database, so a login ended in another tab or replica ends here at the next action."""
    db = database()
    limits = settings().limits
    held = st.session_state.get(LOGIN_KEY)
    if isinstance(held, str):
        actor = session_actor(db, held, limits)
        if actor is not None:
            return actor
        del st.session_state[LOGIN_KEY]
    session_id = _cookie_session(db)
    if session_id is None or session_id == held:
        return None
    actor = session_actor(db, session_id, limits)
    if actor is not None:
        st.session_state[LOGIN_KEY] = session_id
    return actor


def require(action: str) -> Actor:
    """Stop the page unless the current person may take `action`."""
    actor = current_actor()
    if not actor.may(action):
        st.error(gettext("This page is for team members. Please log in."))
        st.page_link("views/account.py", label=gettext("Log in"), icon=":material/login:")
        st.stop()
    return actor


def log_in(name: str, password: str) -> str | None:
    """Log this browser in (the page then hands it the cookie: login_cookie); return the
    reason when it did not work."""
    db = database()
    try:
        actor = authenticate(db, name.strip(), password)
    except AccountError as error:
        return str(error)
    login = start_session(db, actor.name, settings().limits)
    st.session_state[LOGIN_KEY] = login.session_id
    st.session_state[_COOKIE_CHANGE] = login.ticket
    return None


def log_out(everywhere: bool = False) -> None:
    """End this browser's login in the database, so every tab on every replica is a visitor
    at its next action (`everywhere`: every login of the account, on any device); the page
    then has the browser drop its cookie (login_cookie)."""
    db = database()
    actor = current_actor()
    if everywhere and actor.may("review"):
        end_user_sessions(db, actor.name)
    for session_id in {st.session_state.pop(LOGIN_KEY, None), _cookie_session(db)}:
        if session_id is not None:
            end_session(db, session_id)
    st.session_state[_COOKIE_CHANGE] = None
    if _oidc_configured() and st.user.is_logged_in:
        st.logout()


def login_cookie() -> None:
    """After a login or a logout, have the browser take or drop its login cookie.

    Only the app's server can set an HttpOnly cookie (assetmap.api.login): a script posts it
    the login's single-use ticket, and the answer sets the cookie. The password never leaves
    Streamlit's websocket.
    """
    if _COOKIE_CHANGE not in st.session_state:
        return
    ticket = st.session_state.pop(_COOKIE_CHANGE)
    address = url_prefix() + (LOGOUT_PATH if ticket is None else SESSION_PATH)
    st.html(
        f'<script data-url="{html.escape(address)}" data-ticket="{html.escape(ticket or "")}">'
        f"{_COOKIE_SCRIPT.read_text(encoding='utf-8')}</script>",
        unsafe_allow_javascript=True,
    )


def uses_oidc() -> bool:
    return _oidc_configured()


LAZY_SECTIONS_ABOVE = 5_000
"""Above this many assets, a section listing them is built only once it is opened."""


def section(label: str, key: str, lazy: bool) -> ExpanderContainer:
    """A collapsed section; when `lazy`, its content runs only while it is open (`.open`).

    Streamlit builds a closed expander's content all the same: a table or a choice of
    100,000 assets would be most of the page's work and most of what the browser renders.
    A lazy section reruns the page when opened or closed; otherwise `.open` is None.
    """
    return st.expander(label, key=key, on_change="rerun" if lazy else "ignore")


def plain(text: object) -> str:
    """User text made safe for st.markdown: no markdown, links or HTML take effect."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text).replace("\n", " "))


def show_problems(problems: Iterable[Problem]) -> None:
    st.error("\n".join(f"- {plain(problem)}" for problem in problems))


def colour_legend(
    title: str, entries: Iterable[tuple[str, str]], round_swatch: bool = False
) -> None:
    """A legend of (colour, label) pairs; labels are escaped."""
    radius = "50%" if round_swatch else "2px"
    swatches = "".join(
        f'<div><span style="display:inline-block;width:0.9em;height:0.9em;border-radius:{radius};'
        f'background:{colour};border:1px solid #1a1a1a;margin-right:0.4em"></span>'
        f"{html.escape(label)}</div>"
        for colour, label in entries
    )
    st.markdown(f"**{plain(title)}**")
    st.markdown(swatches, unsafe_allow_html=True)


def legend() -> None:
    entries = [(colour, label) for label, colour in legend_entries()]
    colour_legend(gettext(LEGEND_TITLE), entries, round_swatch=True)

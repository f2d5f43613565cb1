"""A team's own neighbourhood: drawn on a map, or imported from a file, as one polygon.

The map carries folium's Draw plugin (Leaflet.draw) with the app's own copy of Leaflet.draw
(render/vendor/leaflet-draw, served beside Leaflet), never the CDN folium names: nothing on
the page loads from another host. Only areas can be drawn (polygons and rectangles), and
Leaflet.draw refuses an outline that crosses itself; what the map reports is checked again
here all the same (polygon_from_drawings), since it comes from the browser.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from pathlib import Path
from typing import Any, TypeVar

import folium
import shapely
import streamlit as st
from folium.plugins import Draw
from shapely.geometry import MultiPolygon, Polygon, shape

from assetmap.errors import AssetmapError
from assetmap.i18n import gettext
from assetmap.io.files import ImportFileError, check_size
from assetmap.io.readers import read_map_file
from assetmap.render.mapping import MapScripts, add_draw_texts
from assetmap.web import folium_bridge, widgets
from assetmap.web.resources import settings

WGS84 = "EPSG:4326"
DRAWN = ("all_drawings",)
"""What the drawing map reports: every shape on it (the last one drawn goes stale when a
shape is edited or deleted)."""
AREA_FILE_TYPES = ("geojson", "json", "gpkg")
_OUTLINE = {"color": "#0072B2", "weight": 3, "fillOpacity": 0.1}
"""A drawn outline in the map's blue (Okabe-Ito), see-through so the areas below show."""


class DrawingError(AssetmapError, ValueError):
    """A drawn or imported neighbourhood that cannot be used, with what to do instead."""


def draw_texts() -> dict[str, Any]:
    """The drawing tools' words in the reader's language, in Leaflet.draw's L.drawLocal shape
    (only the tools the map offers: areas, their editing and deleting)."""
    return {
        "draw": {
            "toolbar": {
                "actions": {"title": gettext("Stop drawing"), "text": gettext("Cancel")},
                "finish": {"title": gettext("Finish the outline"), "text": gettext("Finish")},
                "undo": {
                    "title": gettext("Remove the last corner"),
                    "text": gettext("Remove the last corner"),
                },
                "buttons": {
                    "polygon": gettext("Draw your neighbourhood"),
                    "rectangle": gettext("Draw a rectangle"),
                },
            },
            "handlers": {
                "polygon": {
                    "tooltip": {
                        "start": gettext("Click where the outline starts."),
                        "cont": gettext("Click the next corner."),
                        "end": gettext("Click the first corner to close the outline."),
                    }
                },
                "polyline": {"error": gettext("The sides cannot cross.")},
                "rectangle": {"tooltip": {"start": gettext("Press and drag to draw a rectangle.")}},
                "simpleshape": {"tooltip": {"end": gettext("Let go to finish.")}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"title": gettext("Keep the changes"), "text": gettext("Save")},
                    "cancel": {"title": gettext("Undo the changes"), "text": gettext("Cancel")},
                    "clearAll": {
                        "title": gettext("Delete every shape"),
                        "text": gettext("Delete all"),
                    },
                },
                "buttons": {
                    "edit": gettext("Change the outline"),
                    "editDisabled": gettext("Nothing to change"),
                    "remove": gettext("Delete a shape"),
                    "removeDisabled": gettext("Nothing to delete"),
                },
            },
            "handlers": {
                "edit": {
                    "tooltip": {
                        "text": gettext("Drag a corner to move it."),
                        "subtext": gettext("Cancel undoes the changes."),
                    }
                },
                "remove": {"tooltip": {"text": gettext("Click a shape to delete it.")}},
            },
        },
    }


def add_drawing_tools(fmap: folium.Map, scripts: MapScripts) -> folium.Map:
    """Put the tools for drawing one area (a polygon or a rectangle) on `fmap`, with
    Leaflet.draw served by the app itself and its words in the reader's language."""
    add_draw_texts(fmap, draw_texts())
    draw = Draw(  # type: ignore[no-untyped-call]  # folium's is not annotated
        position="topleft",
        show_geometry_on_click=False,
        draw_options={
            "polygon": {"allowIntersection": False, "showArea": False, "shapeOptions": _OUTLINE},
            "rectangle": {"showArea": False, "shapeOptions": _OUTLINE},
            "polyline": False,
            "circle": False,
            "marker": False,
            "circlemarker": False,
        },
        edit_options={"poly": {"allowIntersection": False}},
    )
    # Both the plugin and the map name the local copies: st_folium loads the plugin's,
    # folium_bridge.component_arguments the map's.
    draw.default_js, draw.default_css = scripts.draw_js(), scripts.draw_css()
    fmap.default_js = [*fmap.default_js, *draw.default_js]
    fmap.default_css = [*fmap.default_css, *draw.default_css]
    draw.add_to(fmap)
    return fmap


def draw_area(fmap: folium.Map, scripts: MapScripts, key: str, height: int = 520) -> Polygon | None:
    """Show `fmap` with the drawing tools; the polygon drawn on it, or None while there is
    none (or what was drawn cannot be used: then a warning says why)."""
    add_drawing_tools(fmap, scripts)
    reported = folium_bridge.show_folium_map(fmap, key, height, DRAWN)
    try:
        return polygon_from_drawings((reported or {}).get("all_drawings"))
    except DrawingError as error:
        st.warning(error.message)
        return None


def polygon_from_drawings(drawings: Any) -> Polygon | None:
    """The one polygon among the shapes the map reports (GeoJSON features), None when none
    has been drawn."""
    if not drawings:
        return None
    if not isinstance(drawings, list):
        raise DrawingError(_not_an_area())
    if len(drawings) > 1:
        raise DrawingError(
            gettext(
                "There are {n} shapes on the map. Keep only your neighbourhood: delete the "
                "others with the bin button."
            ).format(n=len(drawings))
        )
    return polygon_from_drawing(drawings[0])


def polygon_from_drawing(feature: Any) -> Polygon:
    """A drawn GeoJSON feature (lon/lat) as a polygon, refused with a clear message when it
    is no area, lies off the globe or crosses itself."""
    geometry = feature.get("geometry") if isinstance(feature, dict) else None
    if not isinstance(geometry, dict) or geometry.get("type") != "Polygon":
        raise DrawingError(_not_an_area())
    try:
        polygon = Polygon(shape(geometry))
        corners = shapely.get_coordinates(polygon)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.GEOSException):
        raise DrawingError(_not_an_area()) from None
    if len({(x, y) for x, y in corners}) < 3 or not all(map(math.isfinite, corners.flat)):
        raise DrawingError(_not_an_area())
    if (abs(corners[:, 0]) > 180).any() or (abs(corners[:, 1]) > 90).any():
        raise DrawingError(gettext("The outline lies outside the map. Draw it again."))
    return _checked(polygon)


Area = TypeVar("Area", Polygon, MultiPolygon)


def _checked(area: Area) -> Area:
    """`area` if it has a surface and an outline that does not cross itself."""
    if area.convex_hull.area == 0:  # corners on one line (a bow tie's area is 0 too)
        raise DrawingError(_not_an_area())
    if not area.is_valid or area.area == 0:
        raise DrawingError(
            gettext("The outline crosses itself. Draw it again so that no two sides cross.")
        )
    return area


def _not_an_area() -> str:
    return gettext(
        "Draw the neighbourhood as an area: click its corners one by one and finish on the first."
    )


def area_from_file(path: Path, layer: str | None = None) -> Polygon | MultiPolygon:
    """The one neighbourhood in a GeoJSON or GeoPackage file (any CRS), in lon/lat."""
    frame = read_map_file(path, layer)
    if frame.crs is None:
        raise ImportFileError(
            gettext("{name} does not say which coordinate system it uses.").format(name=path.name)
        )
    areas = frame[frame.geometry.notna()].to_crs(WGS84).geometry
    areas = areas[areas.geom_type.isin(["Polygon", "MultiPolygon"])]
    if len(areas) != 1:
        raise DrawingError(
            gettext(
                "{name} holds {n} areas; a neighbourhood is one. Keep only yours in the file."
            ).format(name=path.name, n=len(areas))
        )
    area = areas.iloc[0]
    if isinstance(area, MultiPolygon) and len(area.geoms) == 1:
        area = area.geoms[0]
    try:
        return _checked(area)
    except DrawingError:
        raise DrawingError(
            gettext("The outline in {name} crosses itself: mend it, then import it again.").format(
                name=path.name
            )
        ) from None


def import_area(key: str) -> Polygon | MultiPolygon | None:
    """A file chooser for one neighbourhood (GeoJSON or GeoPackage); the area it holds, or
    None until a usable file is chosen (a warning says what is wrong with one that is not)."""
    upload = st.file_uploader(
        gettext("Or import your neighbourhood (GeoJSON or GeoPackage, one area)"),
        type=list(AREA_FILE_TYPES),
        key=key,
    )
    if upload is None:
        return None
    folder = Path(tempfile.mkdtemp(prefix="assetmap-area-"))
    try:
        check_size(upload.name, upload.size, settings().max_upload_bytes)
        path = folder / Path(upload.name).name
        path.write_bytes(upload.getbuffer())
        return area_from_file(path)
    except AssetmapError as error:
        st.warning(widgets.plain(error.message))  # the message names the user's file
        return None
    finally:
        shutil.rmtree(folder, ignore_errors=True)

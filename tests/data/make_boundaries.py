"""Writes the small boundary files the tests read, in the publishers' own layout.

    .venv/bin/python tests/data/make_boundaries.py

- grunnkretser_trondheim.gpkg: Geonorge's Grunnkretser as a GeoPackage, EPSG:25833: the
  polygon layer `grunnkrets` (geometry column `omrade`) beside the line layer
  `grunnkretsgrense`, four grunnkretser of Trondheim (5001) and one of Malvik (5031).
- grunnkretser_trondheim.gml: the same areas as Geonorge's GML (GML 3.2, `app:Grunnkrets`
  features with their `app:område` surface), EPSG:25833.
- wijkenbuurten_utrecht.gpkg: CBS's Wijk- en Buurtkaart, EPSG:28992: layers `gemeenten`,
  `wijken` and `buurten` for two wijken and four buurten of Utrecht (GM0344), one buurt of
  Nieuwegein (GM0356), one buurt that is only water (`water` = JA), and the "Buitenland"
  entry without an area.

The polygons are simplified boxes drawn in WGS84 around the real places and projected here;
see tests/data/README.md.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
from shapely.geometry import Polygon, box

HERE = Path(__file__).parent


def cell(lon: float, lat: float, width: float = 0.006, height: float = 0.003) -> Polygon:
    return box(lon, lat, lon + width, lat + height)


GRUNNKRETSER = [
    # grunnkretsnummer, grunnkretsnavn, delomradenummer, delomradenavn, kommune, geometry
    ("50010101", "Torvet", "500101", "Midtbyen", "5001", cell(10.390, 63.429)),
    ("50010102", "Kjøpmannsgata", "500101", "Midtbyen", "5001", cell(10.396, 63.429)),
    ("50010201", "Bakklandet", "500102", "Bakklandet", "5001", cell(10.402, 63.426)),
    ("50010301", "Møllenberg", "500103", "Møllenberg", "5001", cell(10.408, 63.430)),
    ("50310101", "Hommelvik", "503101", "Hommelvik", "5031", cell(10.790, 63.410)),
]
KOMMUNER = {"5001": "Trondheim", "5031": "Malvik"}


def grunnkretser() -> gpd.GeoDataFrame:
    frame = gpd.GeoDataFrame(
        {
            "objtype": "Grunnkrets",
            "lokalid": [f"gk-{row[0]}" for row in GRUNNKRETSER],
            "navnerom": "http://data.geonorge.no/SSB/Grunnkretser",
            "grunnkretsnummer": [row[0] for row in GRUNNKRETSER],
            "grunnkretsnavn": [row[1] for row in GRUNNKRETSER],
            "delomradenummer": [row[2] for row in GRUNNKRETSER],
            "delomradenavn": [row[3] for row in GRUNNKRETSER],
            "kommunenummer": [row[4] for row in GRUNNKRETSER],
            "kommunenavn": [KOMMUNER[row[4]] for row in GRUNNKRETSER],
        },
        geometry=[row[5] for row in GRUNNKRETSER],
        crs="EPSG:4326",
    ).to_crs("EPSG:25833")
    return frame.rename_geometry("omrade")


def write_grunnkretser_gpkg(path: Path) -> None:
    areas = grunnkretser()
    path.unlink(missing_ok=True)
    borders = gpd.GeoDataFrame(
        {"objtype": "Grunnkretsgrense", "lokalid": [f"gg-{n}" for n in range(len(areas))]},
        geometry=areas.geometry.boundary.to_numpy(),
        crs=areas.crs,
    ).rename_geometry("grense")
    # The border layer first, as a reader that takes the first layer would go wrong.
    borders.to_file(path, layer="grunnkretsgrense", driver="GPKG")
    areas.to_file(path, layer="grunnkrets", driver="GPKG")


GML_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<gml:FeatureCollection xmlns:gml="http://www.opengis.net/gml/3.2"
    xmlns:app="https://skjema.geonorge.no/SOSI/produktspesifikasjon/StatistiskeEnheterGrunnkretser/20230101"
    gml:id="Grunnkretser_5001">
"""
GML_FEATURE = """  <gml:featureMember>
    <app:Grunnkrets gml:id="{lokalid}">
      <app:grunnkretsnummer>{nummer}</app:grunnkretsnummer>
      <app:grunnkretsnavn>{navn}</app:grunnkretsnavn>
      <app:delomradenummer>{delnummer}</app:delomradenummer>
      <app:delomradenavn>{delnavn}</app:delomradenavn>
      <app:kommunenummer>{kommune}</app:kommunenummer>
      <app:område>
        <gml:Polygon gml:id="{lokalid}-omrade"
            srsName="urn:ogc:def:crs:EPSG::25833" srsDimension="2">
          <gml:exterior><gml:LinearRing><gml:posList>{ring}</gml:posList></gml:LinearRing></gml:exterior>
        </gml:Polygon>
      </app:område>
    </app:Grunnkrets>
  </gml:featureMember>
"""


def write_grunnkretser_gml(path: Path) -> None:
    features = []
    for row in grunnkretser().itertuples():
        ring = " ".join(f"{x:.2f} {y:.2f}" for x, y in row.omrade.exterior.coords)
        features.append(
            GML_FEATURE.format(
                lokalid=row.lokalid,
                nummer=row.grunnkretsnummer,
                navn=row.grunnkretsnavn,
                delnummer=row.delomradenummer,
                delnavn=row.delomradenavn,
                kommune=row.kommunenummer,
                ring=ring,
            )
        )
    path.write_text(GML_HEAD + "".join(features) + "</gml:FeatureCollection>\n", "utf-8")


BUURTEN = [
    # buurtcode, buurtnaam, wijkcode, gemeentecode, water, geometry (lon, lat of its corner)
    ("BU03440600", "Domplein e.o.", "WK034406", "GM0344", "NEE", cell(5.118, 52.089, 0.006)),
    ("BU03440601", "Neude", "WK034406", "GM0344", "NEE", cell(5.118, 52.092, 0.006)),
    ("BU03440700", "Lange Nieuwstraat", "WK034407", "GM0344", "NEE", cell(5.118, 52.085, 0.006)),
    ("BU03440701", "Bleekstraat", "WK034407", "GM0344", "NEE", cell(5.124, 52.085, 0.006)),
    ("BU03440799", "Kanaal Zuid (water)", "WK034407", "GM0344", "JA", cell(5.112, 52.085, 0.006)),
    ("BU03560100", "Stadscentrum", "WK035601", "GM0356", "NEE", cell(5.085, 52.028, 0.006)),
    # Recent editions hold a "Buitenland" (abroad) entry in each layer, without an area.
    ("BU99999999", "Buitenland", "WK999999", "GM9999", "NEE", None),
]
WIJKEN = {
    "WK034406": ("Binnenstad", "GM0344"),
    "WK034407": ("Zuid", "GM0344"),
    "WK035601": ("Centrum", "GM0356"),
    "WK999999": ("Buitenland", "GM9999"),
}
GEMEENTEN = {"GM0344": "Utrecht", "GM0356": "Nieuwegein", "GM9999": "Buitenland"}
MISSING = -99997
"""CBS's code for a figure it does not publish (suppressed, water, abroad), in every numeric
column of recent editions."""


def write_wijkenbuurten(path: Path) -> None:
    path.unlink(missing_ok=True)
    buurten = gpd.GeoDataFrame(
        {
            "buurtcode": [row[0] for row in BUURTEN],
            "buurtnaam": [row[1] for row in BUURTEN],
            "wijkcode": [row[2] for row in BUURTEN],
            "gemeentecode": [row[3] for row in BUURTEN],
            "gemeentenaam": [GEMEENTEN[row[3]] for row in BUURTEN],
            "water": [row[4] for row in BUURTEN],
            "aantal_inwoners": [1205, 2310, 1870, 940, MISSING, MISSING, MISSING],
        },
        geometry=[row[5] for row in BUURTEN],
        crs="EPSG:4326",
    ).to_crs("EPSG:28992")
    wijken = buurten.dissolve("wijkcode", as_index=False)[["wijkcode", "geometry"]]
    wijken["wijknaam"] = wijken["wijkcode"].map(lambda code: WIJKEN[code][0])
    wijken["gemeentecode"] = wijken["wijkcode"].map(lambda code: WIJKEN[code][1])
    wijken["gemeentenaam"] = wijken["gemeentecode"].map(GEMEENTEN)
    wijken["water"] = "NEE"
    gemeenten = wijken.dissolve("gemeentecode", as_index=False)[["gemeentecode", "geometry"]]
    gemeenten["gemeentenaam"] = gemeenten["gemeentecode"].map(GEMEENTEN)
    gemeenten["water"] = "NEE"
    gemeenten.to_file(path, layer="gemeenten", driver="GPKG")
    wijken.to_file(path, layer="wijken", driver="GPKG")
    buurten.to_file(path, layer="buurten", driver="GPKG")


if __name__ == "__main__":
    write_grunnkretser_gpkg(HERE / "grunnkretser_trondheim.gpkg")
    write_grunnkretser_gml(HERE / "grunnkretser_trondheim.gml")
    write_wijkenbuurten(HERE / "wijkenbuurten_utrecht.gpkg")

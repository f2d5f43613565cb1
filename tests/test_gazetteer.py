"""Address search: the pure search, the gazetteer files (OSM, Kartverket, BAG) and the stored
gazetteer, on DuckDB and PostgreSQL. Timings are in bench/gazetteer.md, never here."""

from pathlib import Path

import pandas as pd
import pytest
from pyproj import Geod

from assetmap.accounts import Actor
from assetmap.analysis.address_search import (
    AddressIndex,
    HouseNumber,
    fold,
    parse_query,
    prefix_distance,
)
from assetmap.cli import main
from assetmap.io.files import ImportFileError
from assetmap.io.gazetteer import gazetteer_from_osm, gazetteer_from_register
from assetmap.register.assets import register_asset
from assetmap.register.gazetteer import (
    gazetteer_counts,
    gazetteer_state,
    import_gazetteer,
    load_gazetteer,
    replace_gazetteer,
)

DATA = Path(__file__).with_name("data")
ADMIN = Actor("admin", "admin")
GEOD = Geod(ellps="WGS84")
ROWS = [
    ("address", "Kaisaniemenkatu", "5", "00100 Helsinki", 24.94784, 60.17127),
    ("address", "Kaisaniemenkatu", "5 B", "00100 Helsinki", 24.94790, 60.17130),
    ("address", "Kaisaniemenkatu", "7", "00100 Helsinki", 24.94824, 60.17199),
    ("address", "Kaisaniemenkatu", "9-11", "00100 Helsinki", 24.94800, 60.17180),
    ("street", "Kaisaniemenkatu", "", "", 24.94944, 60.17333),
    ("street", "Kaisaniementie", "", "", 24.94500, 60.17500),
    ("place", "Sörnäinen", "", "", 24.96000, 60.18700),
    ("address", "Karl Johans gate", "22", "0159 OSLO", 10.73890, 59.91330),
    ("street", "Pohjoinen Rautatiekatu", "", "", 24.93000, 60.17200),
]


@pytest.fixture(scope="module")
def index() -> AddressIndex:
    return AddressIndex(
        pd.DataFrame(ROWS, columns=["kind", "name", "number", "locality", "lon", "lat"])
    )


def labels(index: AddressIndex, text: str) -> list[str]:
    return [match.label for match in index.search(text)]


def metres(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[0], a[1], b[0], b[1])[2])


def test_folding_ignores_case_diacritics_and_punctuation():
    assert fold("Sörnäinen") == fold("SORNAINEN") == "sornainen"
    assert fold("Øvre  Slottsgate.") == "ovre slottsgate"
    assert fold("Rådhusgata") == "radhusgata"


def test_house_numbers_letters_and_ranges_are_read():
    assert parse_query("Kaisaniemenkatu 5") == parse_query("kaisaniemenkatu   5")
    assert parse_query("Kaisaniemenkatu 5 B").number == HouseNumber(5, 5, "b")
    assert parse_query("Kaisaniemenkatu 5b").number == HouseNumber(5, 5, "b")
    assert parse_query("Kerkstraat 12-14").number == HouseNumber(12, 14)
    assert parse_query("Kaisaniemenkatu").number is None


@pytest.mark.parametrize(
    "typed",
    ["Kaisaniemenkatu 5", "kaisaniemenkatu 5", "KAISANIEMENKATU 5", "Kaisaniemenk 5",
     "Kaisaniemenk. 5", "Kaisanimenkatu 5", "Kaisaniemnekatu 5", "Käisäniemenkatu 5"],
)  # fmt: skip
def test_the_exact_address_comes_first_however_it_is_typed(index, typed):
    assert labels(index, typed)[0] == "Kaisaniemenkatu 5, 00100 Helsinki"


def test_a_letter_picks_its_entrance_and_a_number_in_a_range_finds_the_range(index):
    assert labels(index, "Kaisaniemenkatu 5 B")[0] == "Kaisaniemenkatu 5 B, 00100 Helsinki"
    assert labels(index, "Kaisaniemenkatu 10")[0] == "Kaisaniemenkatu 9-11, 00100 Helsinki"
    found = labels(index, "Kaisaniemenkatu 5-7")
    assert set(found[:3]) == {
        "Kaisaniemenkatu 5, 00100 Helsinki",
        "Kaisaniemenkatu 5 B, 00100 Helsinki",
        "Kaisaniemenkatu 7, 00100 Helsinki",
    }


def test_a_missing_number_finds_the_street_before_its_addresses(index):
    found = labels(index, "Kaisaniemenkatu 99")
    assert found[0] == "Kaisaniemenkatu"
    found = labels(index, "kaisaniemen")
    assert set(found[:2]) == {"Kaisaniemenkatu", "Kaisaniementie"}
    assert "Kaisaniemenkatu 5, 00100 Helsinki" in found


def test_diacritics_both_ways_words_inside_names_and_abbreviations(index):
    assert labels(index, "Sornainen") == labels(index, "sörnäinen") == ["Sörnäinen"]
    assert labels(index, "Sörnainen") == ["Sörnäinen"]
    assert labels(index, "rautatiekatu") == ["Pohjoinen Rautatiekatu"]
    assert labels(index, "Karl Johans gt 22") == ["Karl Johans gate 22, 0159 OSLO"]


def test_typos_are_forgiven_within_limits(index):
    assert prefix_distance("kaisanimen", "kaisaniemenkatu") == 1
    assert labels(index, "Sornanen")[0] == "Sörnäinen"
    assert labels(index, "xyz") == [] and labels(index, "Qwertyuiop 5") == []
    assert labels(index, "") == [] and labels(index, "  5 ") == []


def test_the_nearest_address_to_a_point(index):
    match, distance = index.nearest(24.94785, 60.17128)
    assert match.label == "Kaisaniemenkatu 5, 00100 Helsinki" and distance < 2
    match, distance = index.nearest(24.94824, 60.17299)
    assert match.label == "Kaisaniemenkatu 7, 00100 Helsinki" and 105 < distance < 115
    streets = pd.DataFrame([ROWS[4]], columns=["kind", "name", "number", "locality", "lon", "lat"])
    assert AddressIndex(streets).nearest(24.9, 60.1) is None


def test_kartverket_csv_is_recognised_and_moved_to_wgs84():
    source, frame = gazetteer_from_register(DATA / "kartverket_adresser.csv")
    assert source == "kartverket" and len(frame) == 12
    index = AddressIndex(frame)
    first = index.search("Karl Johans gate 22")[0]
    assert first.label == "Karl Johans gate 22, 0159 OSLO"
    assert metres((first.lon, first.lat), (10.73890, 59.91330)) < 1
    assert index.search("Storgata 10 A")[0].label == "Storgata 10A, 0155 OSLO"
    assert index.search("Mollergata 12")[0].label == "Møllergata 12, 0179 OSLO"


@pytest.mark.parametrize("name", ["bag_adressen.csv", "bag_light.gpkg"])
def test_bag_addresses_from_csv_and_geopackage(name):
    source, frame = gazetteer_from_register(DATA / name)
    assert source == "bag" and len(frame) == 12
    index = AddressIndex(frame)
    dam = index.search("Dam 1")[0]
    assert dam.label == "Dam 1, 1012JS Amsterdam"
    assert metres((dam.lon, dam.lat), (4.89320, 52.37310)) < 1
    assert index.search("Keizersgracht 123a")[0].label == "Keizersgracht 123A, 1015CJ Amsterdam"
    assert index.search("Prinsengracht 263")[0].label == "Prinsengracht 263-H, 1016GV Amsterdam"
    assert index.search("witte de withstr 42 A")[0].label.startswith("Witte de Withstraat 42A")


def test_a_file_of_neither_register_is_refused_with_its_reason(tmp_path):
    other = tmp_path / "people.csv"
    other.write_text("name;phone\nKari;123\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="neither Kartverket"):
        gazetteer_from_register(other)
    broken = tmp_path / "broken.csv"
    text = (DATA / "kartverket_adresser.csv").read_text(encoding="utf-8")
    broken.write_text(text.replace(";25833;6649424.67;", ";25833;north;"), encoding="utf-8")
    with pytest.raises(ImportFileError, match="row 2: Nord is not a number"):
        gazetteer_from_register(broken)


OSM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="60.17127" lon="24.94784" version="1">
    <tag k="addr:street" v="Kaisaniemenkatu"/><tag k="addr:housenumber" v="5"/>
    <tag k="addr:postcode" v="00100"/><tag k="addr:city" v="Helsinki"/>
  </node>
  <node id="2" lat="60.1720" lon="24.9480" version="1"/>
  <node id="3" lat="60.1740" lon="24.9510" version="1"/>
  <node id="4" lat="60.1800" lon="24.9600" version="1">
    <tag k="place" v="neighbourhood"/><tag k="name" v="Sörnäinen"/>
  </node>
  <node id="10" lat="60.1700" lon="24.9500" version="1"/>
  <node id="11" lat="60.1700" lon="24.9502" version="1"/>
  <node id="12" lat="60.1702" lon="24.9502" version="1"/>
  <node id="13" lat="60.1702" lon="24.9500" version="1"/>
  <way id="20" version="1">
    <nd ref="2"/><nd ref="3"/><tag k="highway" v="secondary"/><tag k="name" v="Kaisaniemenkatu"/>
  </way>
  <way id="21" version="1">
    <nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="10"/>
    <tag k="building" v="yes"/><tag k="addr:street" v="Kaisaniemenkatu"/>
    <tag k="addr:housenumber" v="7;9"/>
  </way>
</osm>
"""


def test_osm_addresses_on_nodes_and_buildings_streets_and_places(tmp_path):
    path = tmp_path / "tiny.osm"
    path.write_text(OSM_XML, encoding="utf-8")
    frame = gazetteer_from_osm(path)
    found = set(zip(frame["kind"], frame["name"], frame["number"], strict=True))
    assert found == {
        ("address", "Kaisaniemenkatu", "5"),
        ("address", "Kaisaniemenkatu", "7"),
        ("address", "Kaisaniemenkatu", "9"),
        ("street", "Kaisaniemenkatu", ""),
        ("place", "Sörnäinen", ""),
    }
    building = frame[frame["number"] == "7"].iloc[0]
    assert 24.9500 < building.lon < 24.9502 and 60.1700 < building.lat < 60.1702


def test_each_source_is_replaced_whole_and_only_its_own(db):
    replace_gazetteer(db, ADMIN, "osm", pd.DataFrame(ROWS, columns=list(load_gazetteer(db))))
    assert import_gazetteer(db, ADMIN, DATA / "kartverket_adresser.csv").entries == 12
    assert gazetteer_counts(db) == {"kartverket": 12, "osm": len(ROWS)}
    stored = AddressIndex(load_gazetteer(db))
    assert stored.search("Kaisaniemenk 5")[0].label == "Kaisaniemenkatu 5, 00100 Helsinki"
    assert stored.search("Karl Johans gate 1")[0].label == "Karl Johans gate 1, 0154 OSLO"

    assert import_gazetteer(db, ADMIN, DATA / "bag_light.gpkg").entries == 12
    before = gazetteer_state(db)
    choir = {"kind": "association", "category": "cultural_group", "name": "Kallio choir"}
    register_asset(db, {**choir, "lon": 24.944, "lat": 60.169}, ADMIN)
    assert gazetteer_state(db) == before  # an asset's write leaves the search index cached
    assert import_gazetteer(db, ADMIN, DATA / "kartverket_adresser.csv").entries == 12
    assert gazetteer_state(db) != before
    assert gazetteer_counts(db) == {"bag": 12, "kartverket": 12, "osm": len(ROWS)}


def test_the_command_line_builds_and_imports_and_a_bad_file_changes_nothing(
    db_url, tmp_path, capsys
):
    extract = tmp_path / "tiny.osm"
    extract.write_text(OSM_XML, encoding="utf-8")
    assert main(["--db", db_url, "gazetteer", "build", str(extract)]) == 0
    assert "Loaded 5 addresses, streets and places" in capsys.readouterr().out
    register = DATA / "bag_adressen.csv"
    assert main(["--db", db_url, "gazetteer", "import", str(register)]) == 0
    assert "Loaded 12 addresses from BAG" in capsys.readouterr().out

    bad = tmp_path / "bag.csv"
    text = register.read_text(encoding="utf-8").splitlines()
    bad.write_text("\n".join([*text[:5], text[5].replace(";121", ";x121"), *text[6:]]))
    assert main(["--db", db_url, "gazetteer", "import", str(bad)]) == 1
    assert capsys.readouterr().err.startswith("assetmap: error: bag.csv, row 6: x is not")
    assert main(["--db", db_url, "gazetteer", "build", str(register)]) == 1
    assert "could not be read as a gazetteer" in capsys.readouterr().err
    from assetmap.storage import connect

    with connect(db_url) as db:
        assert gazetteer_counts(db) == {"bag": 12, "osm": 5}


def test_the_demo_finds_kaisaniemenkatu_at_its_osm_address_point(demo_db):
    index = AddressIndex(load_gazetteer(demo_db))
    first = index.search("kaisaniemenk 5")[0]
    assert first.label == "Kaisaniemenkatu 5" and first.kind == "address"
    assert metres((first.lon, first.lat), (24.9478421, 60.1712706)) < 30
    assert index.search("Kaisaniemenkatu")[0].kind == "street"

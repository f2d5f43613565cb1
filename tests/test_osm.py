"""OSM extracts to asset rows, through GDAL's OSM driver, on a small extract made here."""

from assetmap.io.osm import assets_from_osm, category_for_tags, parse_other_tags
from assetmap.models import validate_asset

OSM_XML = """<?xml version="1.0" encoding="UTF-8"?>
<osm version="0.6" generator="test">
  <node id="1" lat="60.1700" lon="24.9400" version="1">
    <tag k="amenity" v="library"/>
    <tag k="name" v="Kirjasto &quot;10&quot; =&gt; Bibliotek"/>
    <tag k="addr:street" v="Urho Kekkosen katu"/><tag k="addr:housenumber" v="4"/>
    <tag k="addr:city" v="Helsinki"/><tag k="wheelchair" v="yes"/>
    <tag k="website" v="https://example.org/library"/>
  </node>
  <node id="2" lat="60.1710" lon="24.9410" version="1"><tag k="amenity" v="bench"/></node>
  <node id="10" lat="60.1600" lon="24.9500" version="1"/>
  <node id="11" lat="60.1600" lon="24.9520" version="1"/>
  <node id="12" lat="60.1620" lon="24.9520" version="1"/>
  <node id="13" lat="60.1620" lon="24.9500" version="1"/>
  <way id="20" version="1">
    <nd ref="10"/><nd ref="11"/><nd ref="12"/><nd ref="13"/><nd ref="10"/>
    <tag k="leisure" v="park"/>
  </way>
</osm>
"""


def test_community_amenities_become_assets_with_their_osm_ids(tmp_path):
    path = tmp_path / "tiny.osm"
    path.write_text(OSM_XML, encoding="utf-8")
    rows = {row["source_id"]: row for row in assets_from_osm(path)}
    assert set(rows) == {"node/1", "way/20"}
    library = rows["node/1"]
    assert (library["kind"], library["category"]) == ("institution", "library")
    assert library["name"] == 'Kirjasto "10" => Bibliotek'
    assert library["address"] == "Urho Kekkosen katu 4, Helsinki"
    assert library["wheelchair"] == "yes" and library["source"] == "osm"
    park = rows["way/20"]
    assert (park["kind"], park["category"], park["name"]) == ("place", "park", "Park")
    assert 24.950 < park["lon"] < 24.952 and 60.160 < park["lat"] < 60.162
    for row in rows.values():
        validate_asset(row)


def test_hstore_tags_with_escaped_quotes():
    assert parse_other_tags('"name"=>"say \\"hi\\"","a:b"=>"x=>y"') == {
        "name": 'say "hi"',
        "a:b": "x=>y",
    }
    assert parse_other_tags(None) == {}


def test_first_mapped_key_wins():
    assert category_for_tags({"leisure": "park", "amenity": "library"}) == (
        "institution",
        "library",
    )
    assert category_for_tags({"amenity": "bench"}) is None

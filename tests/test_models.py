import math

import pytest

from assetmap.models import (
    CATEGORIES,
    DEFAULT_SECTOR,
    KINDS,
    TEXT_LIMITS,
    ValidationError,
    categories_for,
    kind_of_category,
    location_problems,
    parse_coordinate,
    split_list,
    validate_asset,
)

HELSINKI = (24.935, 60.164, 24.954, 60.180)


def valid(**changes):
    return {
        "kind": "place",
        "category": "park",
        "name": "Esplanadi",
        "lon": 24.946,
        "lat": 60.168,
        **changes,
    }


def problems_of(data, extent=HELSINKI):
    with pytest.raises(ValidationError) as caught:
        validate_asset(data, extent=extent)
    found: dict[str, str] = {}
    for problem in caught.value.problems:
        found[problem.field] = " ".join(filter(None, [found.get(problem.field), problem.message]))
    return found


def test_valid_asset_is_cleaned_and_defaults_filled():
    asset = validate_asset(
        valid(name="  Espa   park ", website="espa.fi", tags="trees; benches,trees"),
        extent=HELSINKI,
    )
    assert asset.name == "Espa park"
    assert asset.website == "https://espa.fi"
    assert asset.tags == ("trees", "benches")
    assert asset.sector == DEFAULT_SECTOR["place"] == "public"
    assert asset.status == "pending" and asset.source == "resident"


def test_missing_name_is_reported_in_plain_words():
    assert problems_of(valid(name="   ")) == {"name": "Please give the asset a name."}


def test_every_problem_is_reported_at_once():
    found = problems_of(valid(name="", kind="spaceship", lon="east", sector="secret"))
    assert set(found) == {"name", "kind", "lon", "sector"}
    assert "'east' is not a number" in found["lon"]


def test_unknown_category_for_kind_names_the_choices():
    message = problems_of(valid(category="school"))["category"]
    assert "'school' is not one of" in message and "Park" in message


def test_swapped_latitude_and_longitude_is_detected():
    message = problems_of(valid(lon=60.168, lat=24.946))["location"]
    assert "swap latitude and longitude" in message


def test_latitude_out_of_range():
    assert "between -90 and 90" in problems_of(valid(lat=95), extent=None)["lat"]


def test_point_far_from_the_mapped_area_is_refused():
    message = problems_of(valid(lon=10.75, lat=59.91))["location"]  # Oslo
    assert "km outside the map's area" in message and "swap" not in message


def test_null_island_without_areas():
    assert "ocean" in problems_of(valid(lon=0, lat=0), extent=None)["location"]


def test_missing_coordinates_ask_for_a_spot():
    assert "pick a spot on the map" in problems_of(valid(lon="", lat=None))["lat"]


@pytest.mark.parametrize("field", sorted(TEXT_LIMITS))
def test_text_over_its_limit(field):
    message = problems_of(valid(**{field: "x" * (TEXT_LIMITS[field] + 1)}))[field]
    assert f"At most {TEXT_LIMITS[field]} characters" in message


def test_text_at_its_limit_is_fine():
    assert validate_asset(valid(name="x" * TEXT_LIMITS["name"]), extent=HELSINKI)


def test_javascript_url_is_not_a_website():
    assert "http://" in problems_of(valid(website="javascript:alert(1)"))["website"]


def test_bad_email():
    assert "e-mail" in problems_of(valid(email="not an address"))["email"]


def test_too_many_tags():
    assert (
        "At most 20 entries"
        in problems_of(valid(tags=",".join(f"t{i}" for i in range(21))))["tags"]
    )


def test_person_needs_consent():
    person = valid(kind="person", category="skill", name="Aino, knits")
    assert "agreed" in problems_of(person)["consent"]
    assert validate_asset({**person, "consent": True}, extent=HELSINKI).kind == "person"


@pytest.mark.parametrize(
    ("text", "number"), [("60,17", 60.17), (" 24.9 ", 24.9), ("\u221224.5", -24.5), (3, 3.0)]
)
def test_parse_coordinate_accepts_how_people_type(text, number):
    assert math.isclose(parse_coordinate(text), number)


@pytest.mark.parametrize("text", ["", "1,2,3", "abc", True])
def test_parse_coordinate_rejects_non_numbers(text):
    with pytest.raises(ValueError):
        parse_coordinate(text)


def test_split_list_deduplicates_and_trims():
    assert split_list(" a ; b,, a ") == ("a", "b")
    assert split_list(None) == ()


def test_taxonomy_has_categories_for_every_kind_and_no_shared_keys():
    assert set(CATEGORIES) == set(KINDS) == set(DEFAULT_SECTOR)
    keys = [key for cats in CATEGORIES.values() for key in cats]
    assert len(keys) == len(set(keys))
    for kind, cats in CATEGORIES.items():
        for key in cats:
            assert kind_of_category(key) == kind


def test_categories_for_follows_kind_choice():
    assert list(categories_for(["place"])) == list(CATEGORIES["place"])
    assert categories_for(["institution"])["library"] == "Library"


def test_location_inside_extent_has_no_problems():
    assert location_problems(24.94, 60.17, HELSINKI) == []

"""Storage on a real DuckDB file: add, review, filter, migrate, reopen, lock."""

import subprocess
import sys
from datetime import datetime

import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from assetmap.config import DEMO_DIR
from assetmap.demo import load_demo
from assetmap.register import audit
from assetmap.register.assets import (
    AssetFilter,
    AssetNotFoundError,
    EditConflictError,
    StaleDecisionError,
    approve_assets,
    count_assets,
    count_by_status,
    get_asset,
    hide_assets,
    list_assets,
    register_asset,
    set_status,
    update_asset,
)
from assetmap.register.importing import ImportRejectedError, import_rows
from assetmap.register.privacy import consent_lapsed
from assetmap.storage import DatabaseError, DatabaseLockedError, backup, connect, data_version
from assetmap.storage.migrations import MIGRATIONS, applied_migrations, apply_migrations

from .conftest import ADMIN, DEMO_AREA_COUNT, DEMO_ASSET_COUNT, TEAM, VISITOR, duckdb_only

LIBRARY = {
    "kind": "institution",
    "category": "library",
    "name": "Oodi library",
    "lon": 24.9382,
    "lat": 60.1739,
    "tags": "books, makerspace",
    "languages": "fi, sv, en",
}


def _demo_area_containing(lon, lat):
    areas = pyogrio.read_dataframe(DEMO_DIR / "areas.geojson")
    return areas[areas.contains(Point(lon, lat))]["id"].item()


def test_new_asset_is_pending_with_its_area(demo_db):
    asset = register_asset(demo_db, LIBRARY, VISITOR)
    stored = get_asset(demo_db, str(asset.id))
    assert stored.status == "pending"
    assert stored.area_id == _demo_area_containing(LIBRARY["lon"], LIBRARY["lat"]) == "kaisaniemi"
    assert stored.tags == ("books", "makerspace")
    assert stored.created_at is not None
    assert count_by_status(demo_db)["pending"] == 1


def test_pending_is_not_listed_until_approved(demo_db):
    asset = register_asset(demo_db, LIBRARY, VISITOR)
    assert asset.id not in set(list_assets(demo_db)["id"])
    approve_assets(demo_db, [str(asset.id)], TEAM, "checked with the library")
    approved = list_assets(demo_db)
    assert asset.id in set(approved["id"])
    assert len(approved) == DEMO_ASSET_COUNT + 1


def test_hidden_asset_keeps_its_reason(db):
    asset = register_asset(db, LIBRARY, VISITOR)
    hide_assets(db, [str(asset.id)], TEAM, "duplicate of Oodi")
    assert list_assets(db, AssetFilter(statuses=("hidden",)))["review_note"].tolist() == [
        "duplicate of Oodi"
    ]


def test_a_decision_on_a_missing_asset_changes_nothing(db):
    asset = register_asset(db, LIBRARY, VISITOR)
    with pytest.raises(AssetNotFoundError):
        approve_assets(db, [str(asset.id), "no-such-id"], TEAM)
    assert get_asset(db, str(asset.id)).status == "pending"


def test_filters_by_kind_category_sector_area_and_text(demo_db):
    everything = list_assets(demo_db)
    assert len(everything) == DEMO_ASSET_COUNT
    parks = list_assets(demo_db, AssetFilter(categories=("park",)))
    assert set(parks["category"]) == {"park"} and 0 < len(parks) < len(everything)
    places = list_assets(demo_db, AssetFilter(kinds=("place",)))
    assert set(places["kind"]) == {"place"}
    kluuvi = list_assets(demo_db, AssetFilter(area_ids=("kluuvi",)))
    assert set(kluuvi["area_id"]) == {"kluuvi"} and set(kluuvi["area_name"]) == {"Kluuvi"}
    civil = list_assets(demo_db, AssetFilter(sectors=("civil_society",)))
    assert set(civil["category"]) == {"place_of_worship"}
    found = list_assets(demo_db, AssetFilter(text="KIRJASTO"))
    assert len(found) >= 3 and all("kirjasto" in name.lower() for name in found["name"])


def test_search_text_is_literal_not_a_pattern(db):
    approve_assets(
        db, [str(register_asset(db, {**LIBRARY, "name": "100% fun_club"}, VISITOR).id)], TEAM
    )
    approve_assets(
        db, [str(register_asset(db, {**LIBRARY, "name": "100 funclub"}, VISITOR).id)], TEAM
    )
    assert list_assets(db, AssetFilter(text="% fun_")).name.tolist() == ["100% fun_club"]


def test_edit_revalidates_and_moves_area(demo_db):
    asset = register_asset(demo_db, LIBRARY, VISITOR)
    edited = update_asset(
        demo_db, str(asset.id), {"name": "Oodi", "lon": 24.9525, "lat": 60.1785}, TEAM
    )
    assert edited.name == "Oodi"
    assert edited.area_id == _demo_area_containing(24.9525, 60.1785) == "hakaniemi"
    assert edited.created_at == asset.created_at
    with pytest.raises(Exception, match="name"):
        update_asset(demo_db, str(asset.id), {"name": ""}, TEAM)
    assert get_asset(demo_db, str(asset.id)).name == "Oodi"


def test_an_edit_on_an_older_version_is_refused_with_what_changed(db_url):
    with connect(db_url) as first, connect(db_url) as second:
        asset = register_asset(first, LIBRARY, TEAM)
        opened_by_first = get_asset(first, str(asset.id))
        update_asset(second, str(asset.id), {"name": "Oodi central library"}, TEAM)
        with pytest.raises(EditConflictError) as conflict:
            update_asset(
                first,
                str(asset.id),
                {"address": "Töölönlahdenkatu 4"},
                TEAM,
                based_on=opened_by_first,
            )
        assert conflict.value.changes == [("name", "Oodi library", "Oodi central library")]
        stored = get_asset(first, str(asset.id))
        assert (stored.name, stored.address, stored.version) == ("Oodi central library", "", 2)

        seen_now = opened_by_first.with_changes(version=conflict.value.current.version)
        update_asset(
            first, str(asset.id), {"address": "Töölönlahdenkatu 4"}, TEAM, based_on=seen_now
        )
        stored = get_asset(second, str(asset.id))
        assert (stored.name, stored.address, stored.version) == (
            "Oodi central library",
            "Töölönlahdenkatu 4",
            3,
        )


def test_a_decision_on_what_someone_changed_since_is_refused(db):
    walkers = register_asset(db, {**LIBRARY, "name": "Walkers"}, VISITOR)
    choir = register_asset(db, {**LIBRARY, "name": "Choir"}, VISITOR)
    seen = {str(walkers.id): walkers.version, str(choir.id): choir.version}
    set_status(db, [str(choir.id)], "hidden", TEAM, "spam")  # another team member, meanwhile
    with pytest.raises(StaleDecisionError, match="Someone else changed Choir"):
        set_status(db, list(seen), "approved", TEAM, seen_versions=seen)
    assert get_asset(db, str(walkers.id)).status == "pending"
    assert get_asset(db, str(choir.id)).status == "hidden"


def test_every_decision_raises_the_version(db):
    asset = register_asset(db, LIBRARY, VISITOR)
    approve_assets(db, [str(asset.id)], TEAM)
    assert get_asset(db, str(asset.id)).version == 2
    with pytest.raises(EditConflictError):
        update_asset(db, str(asset.id), {"name": "Oodi"}, TEAM, based_on=asset)


def test_every_write_bumps_the_data_version(db):
    before = data_version(db)
    asset = register_asset(db, LIBRARY, VISITOR)
    set_status(db, [str(asset.id)], "approved", TEAM)
    assert data_version(db) == before + 2


def test_migrations_are_recorded_and_idempotent(db_url):
    with connect(str(db_url)) as first:
        assert applied_migrations(first) == [m.__name__ for m in MIGRATIONS]
        assert apply_migrations(first) == []
    with connect(str(db_url)) as again:
        assert applied_migrations(again) == [m.__name__ for m in MIGRATIONS]


def shown(frame: pd.DataFrame) -> list[list[str]]:
    return frame.astype(object).fillna("").astype(str).values.tolist()


def test_the_audit_log_keeps_its_history_when_duckdb_drops_its_key(db_url, monkeypatch):
    """m015 rebuilds DuckDB's audit log without a primary key: the rows written before stay,
    in order, and new ones follow them."""
    monkeypatch.setattr(
        "assetmap.storage.migrations.MIGRATIONS",
        [m for m in MIGRATIONS if m.__name__ != "m015_audit_log_without_key_in_duckdb"],
    )
    with connect(str(db_url)) as db:
        asset = register_asset(db, LIBRARY, VISITOR)
        before = audit.history(db, str(asset.id))
    monkeypatch.undo()
    with connect(str(db_url)) as db:
        assert applied_migrations(db)[-1] == MIGRATIONS[-1].__name__
        assert audit.history(db, str(asset.id)).equals(before)
        set_status(db, [str(asset.id)], "approved", TEAM)
        after = audit.history(db, str(asset.id))
    assert after["id"].is_monotonic_increasing and after["id"].is_unique
    assert len(after) == len(before) + 1
    assert shown(after.iloc[:-1]) == shown(before)


def test_data_survives_closing_and_reopening(db_url):
    with connect(str(db_url)) as db:
        asset = register_asset(db, LIBRARY, VISITOR)
    with connect(str(db_url)) as reopened:
        assert get_asset(reopened, str(asset.id)).name == "Oodi library"


def test_import_is_all_or_nothing(demo_db):
    rows = [LIBRARY, {**LIBRARY, "name": ""}, {**LIBRARY, "lat": 95}]
    with pytest.raises(ImportRejectedError) as caught:
        import_rows(demo_db, rows, ADMIN)
    assert set(caught.value.problems) == {2, 3}
    assert "row 2" in str(caught.value)
    assert count_by_status(demo_db)["pending"] == 0


def test_import_skips_what_is_already_there(demo_db):
    rows = [{**LIBRARY, "source": "osm", "source_id": "node/1"}] * 2
    assert import_rows(demo_db, rows, ADMIN).added == 1
    assert import_rows(demo_db, rows, ADMIN).skipped_duplicates == 2


def test_demo_loads_once(demo_db):
    from assetmap.demo import load_demo

    report = load_demo(demo_db, ADMIN, minimal=True)
    assert report.areas == DEMO_AREA_COUNT and report.assets_added == 0
    assert count_by_status(demo_db)["approved"] == DEMO_ASSET_COUNT


@duckdb_only
def test_work_that_outgrows_duckdbs_memory_stores_nothing_and_says_what_to_do(db):
    db.limit_memory(16)
    refused = pytest.raises(DatabaseError, match="in parts of at most a million rows")
    with refused, db.transaction() as session:
        session.execute("CREATE TABLE keys (id VARCHAR PRIMARY KEY)")
        session.execute("INSERT INTO keys SELECT md5(i::VARCHAR) FROM range(2000000) r(i)")
    assert db.rows("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'keys'") == [(0,)]


@duckdb_only
def test_second_process_on_the_same_file_fails_clearly(db, db_path):
    script = (
        "import sys\nfrom assetmap.storage import connect, DatabaseLockedError\n"
        f"try:\n    connect({str(db_path)!r})\nexcept DatabaseLockedError as e:\n"
        "    print(e); sys.exit(3)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 3, result.stderr
    assert "already open in another Assetmap process" in result.stdout
    assert DatabaseLockedError.__name__ not in result.stdout


def test_unreachable_postgres_gets_a_clear_message_without_the_password(capsys):
    from assetmap.cli import main

    url = "postgresql://someone:secret@127.0.0.1:1/nowhere"
    assert main(["--db", url, "export", "assets", "-o", "-"]) == 1
    error = capsys.readouterr().err
    assert "Could not reach the PostgreSQL database" in error
    assert "someone:***@127.0.0.1:1/nowhere" in error and "secret" not in error


def test_a_missing_postgres_schema_is_named(postgres_url):
    missing = postgres_url.replace("search_path%3Dtest_", "search_path%3Dmissing_")
    with pytest.raises(DatabaseError, match="has no schema to work in"):
        connect(missing)


def test_backup_of_postgres_points_to_pg_dump(postgres_url, tmp_path):
    with connect(postgres_url) as db, pytest.raises(DatabaseError, match="pg_dump"):
        backup(db, tmp_path / "backup")


def test_a_bounding_box_keeps_the_assets_inside_it(demo_db):
    everything = list_assets(demo_db)
    box = (24.93, 60.16, 24.96, 60.18)
    inside = list_assets(demo_db, AssetFilter(kinds=("place",), bbox=box))
    expected = everything[
        (everything["kind"] == "place")
        & everything["lon"].between(box[0], box[2])
        & everything["lat"].between(box[1], box[3])
    ]
    assert 0 < len(inside) < len(everything)
    assert sorted(inside["id"]) == sorted(expected["id"])


def test_on_postgresql_the_map_query_can_use_the_indexes(postgres_url):
    with connect(postgres_url) as db:
        load_demo(db, ADMIN, minimal=True)
        where, params = AssetFilter(kinds=("place",), bbox=(24.93, 60.16, 24.96, 60.18)).where()
        with db.reading() as session:
            # The demo is small enough to scan: turned off, scans show which indexes can serve.
            session.execute("SET LOCAL enable_seqscan = off")
            plan = "\n".join(
                row[0] for row in session.rows(f"EXPLAIN SELECT a.id FROM assets a{where}", params)
            )
    assert "assets_by_position" in plan or "assets_by_kind" in plan, plan
    assert "Seq Scan" not in plan, plan


@pytest.mark.parametrize("moment", [datetime(2026, 12, 3), datetime(2100, 1, 1)])
def test_counts_in_the_database_agree_with_the_rows(db, moment):
    load_demo(db, ADMIN)
    for asset_filter in (AssetFilter(), AssetFilter(kinds=("person", "place"))):
        rows = list_assets(db, asset_filter)
        lapsed = int(consent_lapsed(rows, moment).sum())
        assert count_assets(db, asset_filter, moment) == (len(rows), lapsed)
    assert count_assets(db, AssetFilter(), datetime(2100, 1, 1))[1] > 0

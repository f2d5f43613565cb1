"""Moving a DuckDB database into PostgreSQL with `assetmap migrate-db`, checked table by table."""

import json
from datetime import date

from assetmap.accounts import add_user
from assetmap.cli import main
from assetmap.config import Limits
from assetmap.io.photos import prepare_photo
from assetmap.register.actions import add_entry
from assetmap.register.assets import (
    AssetFilter,
    approve_assets,
    flag_asset,
    list_assets,
    register_asset,
)
from assetmap.register.links import add_link
from assetmap.register.photos import list_photos, report_photo, set_photo_status
from assetmap.register.snapshots import save_snapshot
from assetmap.sessions import start_session
from assetmap.storage import Database, connect
from assetmap.storage.transfer import tables

from .conftest import ADMIN, TEAM, VISITOR, duckdb_only
from .test_photos import jpeg_with_gps
from .test_relations import CHOIR, PERSON


def fill_every_table(db: Database) -> None:
    """The demo (areas, assets, indicators, walking network) and one of everything else."""
    add_user(db, ADMIN, "kari", "team", "a long enough secret")
    aino = register_asset(db, PERSON, TEAM)
    photo = prepare_photo(jpeg_with_gps(), "choir.jpg", 8_000_000)
    choir = register_asset(db, CHOIR, TEAM, photos=[photo])
    approve_assets(db, [str(aino.id), str(choir.id)], TEAM)
    flag_asset(db, str(choir.id), VISITOR, "wrong phone")
    photo_ids = list_photos(db)["id"].tolist()
    set_photo_status(db, photo_ids, "approved", TEAM)
    report_photo(db, photo_ids[0], VISITOR, "a face")
    add_link(db, TEAM, str(aino.id), str(choir.id), "member", "alto", start=date(2026, 1, 5))
    save_snapshot(db, TEAM, "November meeting", {"area": "kallio"})
    add_entry(db, TEAM, "kallio", "relations", "Ask the choir about the hall", "Kari")
    start_session(db, "kari", Limits())


def every_row(db: Database) -> dict[str, list[tuple]]:
    with db.reading() as session:
        names = tables(session)
        return {name: sorted(map(repr, session.rows(f"SELECT * FROM {name}"))) for name in names}


def export(location: str, what: str, out) -> dict:
    assert main(["--db", location, "export", what, "-o", str(out)]) == 0
    return json.loads(out.read_text(encoding="utf-8"))


@duckdb_only
def test_migrate_db_copies_every_table_into_postgres(demo_db, db_path, postgres_url, tmp_path):
    fill_every_table(demo_db)
    before = every_row(demo_db)
    assert all(before.values()), [name for name, rows in before.items() if not rows]

    assert main(["--db", str(db_path), "migrate-db", "--to", postgres_url]) == 0

    with connect(postgres_url) as copy:
        assert every_row(copy) == before
        for what in ("assets", "areas"):
            assert export(str(db_path), what, tmp_path / f"{what}-duckdb.geojson") == export(
                postgres_url, what, tmp_path / f"{what}-postgres.geojson"
            )
        added = register_asset(copy, {**CHOIR, "name": "After the move"}, VISITOR)
        assert added.id in set(list_assets(copy, AssetFilter(statuses=("pending",)))["id"])
        assert len(copy.rows("SELECT id FROM audit_log")) > len(before["audit_log"])


@duckdb_only
def test_migrate_db_never_writes_into_a_database_with_data(demo_db, db_path, postgres_url, capsys):
    with connect(postgres_url) as target:
        register_asset(target, CHOIR, TEAM)
    assert main(["--db", str(db_path), "migrate-db", "--to", postgres_url]) == 1
    assert "already holds data (in assets, audit_log)" in capsys.readouterr().err
    with connect(postgres_url) as target:
        assert len(list_assets(target, AssetFilter(statuses=()))) == 1

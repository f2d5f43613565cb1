"""Trust: accounts and roles, moderation, privacy for people, audit, erasure, durability."""

import json
import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

import pytest

from assetmap.accounts import (
    MAX_FAILED_LOGINS,
    AccountError,
    Actor,
    PermissionDeniedError,
    add_user,
    authenticate,
    list_users,
    visitor,
)
from assetmap.cli import main
from assetmap.models import ValidationError, distance_km
from assetmap.register.assets import (
    FLAGS_TO_HIDE,
    AssetFilter,
    approve_assets,
    erase_asset,
    flag_asset,
    flags_for,
    get_asset,
    hide_assets,
    list_assets,
    register_asset,
    restore_version,
    update_asset,
)
from assetmap.register.audit import history, versions
from assetmap.register.importing import import_rows
from assetmap.register.privacy import GRID_METRES, consent_lapsed, public_assets
from assetmap.render.mapping import SUMMARY_FIELDS
from assetmap.storage import backup, connect, restore

from .conftest import ADMIN, TEAM, VISITOR, duckdb_only

PASSWORD = "a long enough secret"
CHOIR = {
    "kind": "association",
    "category": "cultural_group",
    "name": "Kallio choir",
    "lon": 24.9440,
    "lat": 60.1690,
    "phone": "+358 40 123 4567",
    "email": "choir@example.org",
}
AINO = {
    "kind": "person",
    "category": "skill",
    "name": "Aino, repairs bicycles",
    "lon": 24.9461234,
    "lat": 60.1712345,
    "phone": "+358 50 765 4321",
    "address": "Secret street 1",
    "consent": True,
}


def approved(db, data, actor=TEAM):
    asset = register_asset(db, data, actor)
    approve_assets(db, [str(asset.id)], TEAM)
    return get_asset(db, str(asset.id))


def now_utc():
    from datetime import UTC, datetime

    return datetime.now(UTC).replace(tzinfo=None)


# Accounts and roles


def test_passwords_are_stored_as_argon2_hashes(db):
    add_user(db, ADMIN, "kari", "team", PASSWORD)
    stored = db.scalar("SELECT password_hash FROM users WHERE name = 'kari'")
    assert stored.startswith("$argon2") and PASSWORD not in stored
    assert authenticate(db, "kari", PASSWORD) == Actor("kari", "team")


def test_a_password_hashed_with_older_settings_is_rehashed_at_login(db):
    import argon2

    add_user(db, ADMIN, "kari", "team", PASSWORD)
    older = argon2.PasswordHasher(memory_cost=65_536, time_cost=3).hash(PASSWORD)
    with db.transaction() as session:
        session.execute("UPDATE users SET password_hash = ? WHERE name = 'kari'", (older,))
    assert authenticate(db, "kari", PASSWORD) == Actor("kari", "team")
    stored = db.scalar("SELECT password_hash FROM users WHERE name = 'kari'")
    assert stored != older and "m=19456,t=2,p=1" in stored
    assert authenticate(db, "kari", PASSWORD) == Actor("kari", "team")


def test_wrong_password_and_unknown_user_get_the_same_answer(db):
    add_user(db, ADMIN, "kari", "team", PASSWORD)
    with pytest.raises(AccountError, match="Wrong user name or password") as wrong:
        authenticate(db, "kari", "nope")
    with pytest.raises(AccountError) as unknown:
        authenticate(db, "nobody", "nope")
    assert str(wrong.value) == str(unknown.value)


def test_repeated_failures_lock_the_account_for_a_while(db):
    add_user(db, ADMIN, "kari", "team", PASSWORD)
    start = now_utc()
    for _ in range(MAX_FAILED_LOGINS):
        with pytest.raises(AccountError):
            authenticate(db, "kari", "guess", now=start)
    with pytest.raises(AccountError, match="Too many failed attempts"):
        authenticate(db, "kari", PASSWORD, now=start + timedelta(minutes=1))
    assert authenticate(db, "kari", PASSWORD, now=start + timedelta(minutes=16)).role == "team"


def test_only_admins_manage_accounts_and_rules_hold(db):
    with pytest.raises(PermissionDeniedError):
        add_user(db, TEAM, "new", "team", PASSWORD)
    with pytest.raises(AccountError, match="at least 10"):
        add_user(db, ADMIN, "new", "team", "short")
    with pytest.raises(AccountError, match="role"):
        add_user(db, ADMIN, "new", "visitor", PASSWORD)
    add_user(db, ADMIN, "new", "team", PASSWORD)
    with pytest.raises(AccountError, match="already"):
        add_user(db, ADMIN, "new", "admin", PASSWORD)
    assert list_users(db)["name"].tolist() == ["new"]


def test_visitors_cannot_review_edit_or_erase(db):
    asset = register_asset(db, {**CHOIR, "status": "approved"}, VISITOR)
    assert asset.status == "pending"  # a visitor's asset always waits for review
    for attempt in (
        lambda: approve_assets(db, [str(asset.id)], VISITOR),
        lambda: hide_assets(db, [str(asset.id)], VISITOR),
        lambda: update_asset(db, str(asset.id), {"name": "x"}, VISITOR),
        lambda: erase_asset(db, str(asset.id), VISITOR),
        lambda: import_rows(db, [CHOIR], VISITOR),
    ):
        with pytest.raises(PermissionDeniedError):
            attempt()
    assert get_asset(db, str(asset.id)).status == "pending"


def test_cli_user_add_reads_the_password_from_stdin(db_url):
    console = [sys.executable, "-m", "assetmap.cli", "--db", str(db_url)]
    result = subprocess.run(
        [*console, "user", "add", "ada", "--role", "admin"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    listed = subprocess.run([*console, "user", "list"], capture_output=True, text=True, timeout=60)
    assert listed.stdout.split() == ["ada", "admin"]
    with connect(str(db_url)) as db:
        assert authenticate(db, "ada", PASSWORD).role == "admin"


# Moderation


def test_three_different_visitors_hide_an_asset(db):
    choir = approved(db, CHOIR)
    same = visitor("the same browser")
    for _ in range(FLAGS_TO_HIDE):
        assert flag_asset(db, str(choir.id), same, "spam") is False
    assert get_asset(db, str(choir.id)).status == "approved"
    assert flag_asset(db, str(choir.id), visitor("second"), "wrong place") is False
    assert flag_asset(db, str(choir.id), visitor("third"), "closed down") is True
    assert get_asset(db, str(choir.id)).status == "hidden"
    reasons = sorted(flags_for(db, str(choir.id))["reason"])
    assert reasons == ["closed down", *["spam"] * FLAGS_TO_HIDE, "wrong place"]
    approve_assets(db, [str(choir.id)], TEAM, "checked: still meets")
    assert flags_for(db, str(choir.id)).empty
    decisions = history(db, str(choir.id))
    assert "checked: still meets" in decisions["reason"].tolist()
    actions = set(zip(decisions["updated_by"], decisions["last_action_type"], strict=True))
    assert ("system", "hide") in actions


def test_a_report_needs_a_reason(db):
    choir = approved(db, CHOIR)
    with pytest.raises(ValidationError, match="say what is wrong"):
        flag_asset(db, str(choir.id), VISITOR, "   ")


# Privacy for people


def test_consent_is_stored_with_version_and_renewal(db):
    aino = register_asset(db, AINO, VISITOR)
    assert aino.consent_version and aino.consent_at is not None
    assert aino.consent_renew_by - aino.consent_at == timedelta(days=365)
    with pytest.raises(ValidationError, match="agreed"):
        register_asset(db, {**AINO, "consent": False}, VISITOR)


def test_public_view_generalises_people_and_hides_private_contacts(db):
    aino = approved(db, AINO)
    choir = approved(db, CHOIR)
    shown = public_assets(list_assets(db), now_utc()).set_index("id")
    person = shown.loc[str(aino.id)]
    moved = distance_km(aino.lon, aino.lat, person["lon"], person["lat"]) * 1000
    assert 0 < moved <= GRID_METRES / 2**0.5 + 1
    assert person["phone"] == "" and person["address"] == ""
    assert shown.loc[str(choir.id), "phone"] == ""  # private unless the asset says public
    public_choir = approved(db, {**CHOIR, "name": "Open choir", "contact_public": True})
    shown = public_assets(list_assets(db), now_utc()).set_index("id")
    assert shown.loc[str(public_choir.id), "phone"] == CHOIR["phone"]


def test_nearby_people_share_one_generalised_point(db):
    first = approved(db, AINO)
    second = approved(db, {**AINO, "name": "Neighbour", "lon": AINO["lon"] + 0.0002})
    shown = public_assets(list_assets(db), now_utc()).set_index("id")
    assert tuple(shown.loc[str(first.id), ["lon", "lat"]]) == tuple(
        shown.loc[str(second.id), ["lon", "lat"]]
    )


def test_a_map_summary_protects_people_as_the_full_list_does(db):
    aino = approved(db, AINO)
    approved(db, CHOIR)
    summary = list_assets(db, columns=SUMMARY_FIELDS)
    assert set(summary.columns) == {
        *SUMMARY_FIELDS,
        "area_name",
        "flag_count",
        "photo_ids",
        "geometry",
    }
    shown = public_assets(summary, now_utc()).set_index("id")
    full = public_assets(list_assets(db), now_utc()).set_index("id")
    assert tuple(shown.loc[str(aino.id), ["lon", "lat"]]) == tuple(
        full.loc[str(aino.id), ["lon", "lat"]]
    )
    assert (shown.loc[str(aino.id), "lon"], shown.loc[str(aino.id), "lat"]) != (
        AINO["lon"],
        AINO["lat"],
    )


def test_lapsed_consent_hides_the_person(db):
    approved(db, AINO)
    later = now_utc() + timedelta(days=366)
    everyone = list_assets(db)
    assert consent_lapsed(everyone, later).tolist() == [True]
    assert public_assets(everyone, later).empty


@pytest.mark.parametrize("points", [True, False])
def test_the_public_view_leaves_the_teams_frame_as_it_was(db, points):
    """The pages cache the team's frame and make the visitors' from it: generalising people
    must change the copy only, with or without shapely points (a map's read has none)."""
    aino = approved(db, AINO)
    approved(db, CHOIR)
    team = list_assets(db, columns=SUMMARY_FIELDS, ordered=False, points=points)
    before = team.drop(columns="geometry", errors="ignore").copy()
    shown = public_assets(team, now_utc())
    assert team.drop(columns="geometry", errors="ignore").equals(before)
    person = shown[shown["id"] == aino.id].iloc[0]
    exact = team[team["id"] == aino.id].iloc[0]
    assert (person["lon"], person["lat"]) != (exact["lon"], exact["lat"])
    assert ("geometry" in shown) is points
    if points:
        assert team.geometry[team["id"] == aino.id].iloc[0].x == exact["lon"]
        assert shown.geometry[shown["id"] == aino.id].iloc[0].x == person["lon"]


def test_export_never_has_exact_people_or_private_contacts(db_url, tmp_path):
    with connect(str(db_url)) as db:
        aino = approved(db, AINO)
    out = tmp_path / "export.geojson"
    assert main(["--db", str(db_url), "export", "assets", "-o", str(out)]) == 0
    feature = json.loads(out.read_text())["features"][0]
    assert feature["id"] == aino.id
    assert feature["geometry"]["coordinates"] != [AINO["lon"], AINO["lat"]]
    assert feature["properties"]["phone"] == "" and feature["properties"]["address"] == ""


def test_erasure_removes_the_person_everywhere(db_url, tmp_path):
    with connect(str(db_url)) as db:
        aino = approved(db, AINO)
        update_asset(db, str(aino.id), {"name": "Aino K., repairs bicycles"}, TEAM)
    assert main(["--db", str(db_url), "erase", str(aino.id)]) == 0
    with connect(str(db_url)) as db:
        assert list_assets(db, AssetFilter(statuses=())).empty
        trail = history(db, str(aino.id))
        assert trail["previous_value"].isna().all() and trail["replacement_value"].isna().all()
        assert trail["last_action_type"].iloc[-1] == "erase"
        dump = db.frame("SELECT * FROM audit_log").to_csv()
    assert "Aino" not in dump and "765 4321" not in dump
    out = tmp_path / "after.geojson"
    main(["--db", str(db_url), "export", "assets", "-o", str(out)])
    assert json.loads(out.read_text())["features"] == []


# Audit trail


def test_audit_records_who_what_and_old_and_new_values(db):
    choir = register_asset(db, CHOIR, VISITOR)
    update_asset(db, str(choir.id), {"name": "Kallio Choir", "description": "Sings"}, TEAM)
    hide_assets(db, [str(choir.id)], TEAM, "duplicate")
    trail = history(db, str(choir.id))
    created = trail[trail["last_action_type"] == "create"]
    assert set(created["updated_by"]) == {VISITOR.name}
    assert created.set_index("field_name").loc["name", "replacement_value"] == "Kallio choir"
    updated = trail[trail["last_action_type"] == "update"].set_index("field_name")
    assert set(updated.index) == {"name", "description"}
    assert tuple(updated.loc["name", ["previous_value", "replacement_value"]]) == (
        "Kallio choir",
        "Kallio Choir",
    )
    hidden = trail[trail["last_action_type"] == "hide"].iloc[0]
    assert (
        hidden["field_name"],
        hidden["previous_value"],
        hidden["replacement_value"],
        hidden["updated_by"],
        hidden["reason"],
    ) == ("status", "pending", "hidden", TEAM.name, "duplicate")


def test_restoring_an_earlier_version(db):
    choir = register_asset(db, CHOIR, VISITOR)
    update_asset(db, str(choir.id), {"name": "Vandalised", "website": "https://spam.example"}, TEAM)
    first_version = versions(db, str(choir.id))[0][0]
    restored = restore_version(db, str(choir.id), first_version, TEAM)
    assert (restored.name, restored.website) == ("Kallio choir", "")
    assert history(db, str(choir.id))["last_action_type"].iloc[-1] == "restore"
    assert len(versions(db, str(choir.id))) == 3


# Durable storage


def test_thirty_sessions_adding_at_once_lose_nothing(db):
    errors: list[BaseException] = []

    def add(number: int) -> None:
        try:
            register_asset(db, {**CHOIR, "name": f"Group {number}"}, visitor(str(number)))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    names = set(list_assets(db, AssetFilter(statuses=("pending",)))["name"])
    assert names == {f"Group {n}" for n in range(30)}


def tables(db):
    names = [row[0] for row in db.rows("SELECT table_name FROM information_schema.tables")]
    return {
        name: db.frame(f"SELECT * FROM {name}")
        .sort_values(list(db.frame(f"SELECT * FROM {name}").columns[:1]))
        .reset_index(drop=True)
        for name in sorted(names)
    }


@duckdb_only
def test_backup_and_restore_round_trip_every_table(demo_db, tmp_path):
    add_user(demo_db, ADMIN, "kari", "team", PASSWORD)
    choir = approved(demo_db, CHOIR)
    flag_asset(demo_db, str(choir.id), VISITOR, "wrong phone")
    before = tables(demo_db)
    backup(demo_db, tmp_path / "backup")
    with restore(str(tmp_path / "restored.duckdb"), tmp_path / "backup") as copy:
        after = tables(copy)
        assert set(after) == set(before) and len(after) >= 6
        for name in before:
            assert before[name].equals(after[name]), name
        register_asset(copy, {**CHOIR, "name": "After restore"}, VISITOR)  # sequences go on


@duckdb_only
def test_restore_never_overwrites(demo_db, db_path, tmp_path):
    backup(demo_db, tmp_path / "backup")
    with pytest.raises(Exception, match="already exists"):
        restore(str(db_path), tmp_path / "backup")


def test_cli_backup_and_restore(db_path, tmp_path):
    assert main(["--db", str(db_path), "load-demo", "--minimal"]) == 0
    assert main(["--db", str(db_path), "backup", str(tmp_path / "b")]) == 0
    assert main(["--db", str(tmp_path / "copy.duckdb"), "restore", str(tmp_path / "b")]) == 0
    assert main(["--db", str(tmp_path / "copy.duckdb"), "restore", str(tmp_path / "b")]) == 1


WRITER = """
import sys
from assetmap.storage import connect
from assetmap.register.assets import register_asset
from assetmap.accounts import visitor
from assetmap.config import Limits
db = connect(sys.argv[1])
unlimited = Limits(submissions_per_hour=1_000_000)
for n in range(100000):
    asset = register_asset(db, {"kind": "place", "category": "park", "name": f"Park {n}",
                                "lon": 24.94, "lat": 60.17}, visitor("writer"), limits=unlimited)
    print(asset.id, flush=True)
"""


def test_killed_writer_leaves_every_committed_asset_readable(db_url):
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_url)], stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout is not None
    committed = [writer.stdout.readline().strip() for _ in range(40)]
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait(timeout=30)
    writer.stdout.close()
    with connect(str(db_url)) as db:
        stored = set(list_assets(db, AssetFilter(statuses=("pending",)))["id"])
    assert set(committed) <= stored


def test_a_second_server_on_the_same_file_fails_at_once(db_path):
    from .test_browser import Server

    first = Server(db=db_path)
    first.start()
    try:
        second = subprocess.run(
            [
                str(Path(sys.executable).parent / "assetmap"),
                "--db",
                str(db_path),
                "serve",
                "--port",
                str(first.port + 1),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        first.stop()
    assert second.returncode == 1
    assert "already open in another Assetmap process" in second.stderr
    assert "Stop that process" in second.stderr


def test_upload_cap_is_checked_before_reading(db_url, tmp_path, capsys, monkeypatch):
    big = tmp_path / "big.csv"
    big.write_text("name,kind,category,lon,lat\n" + "Park,place,park,24.94,60.17\n" * 2000)
    monkeypatch.setenv("ASSETMAP_MAX_UPLOAD_MB", "0.01")
    assert main(["--db", str(db_url), "import-assets", str(big)]) == 1
    assert "files may be at most" in capsys.readouterr().err
    with connect(str(db_url)) as db:
        assert list_assets(db, AssetFilter(statuses=())).empty

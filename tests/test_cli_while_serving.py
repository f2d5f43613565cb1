"""The `assetmap` command while `assetmap serve` holds the same DuckDB file: every command but
serve and restore is sent to the running app and run there, on the app's own database, so what
it writes reaches open maps (assetmap.api.console). One real server for the module; the real
command in a subprocess, as an admin types it."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyogrio
import pytest
from browsing import ASSETMAP, Server, free_port
from playwright.sync_api import BrowserContext, Page, expect

from assetmap.api.console import (
    CONSOLE_PATH,
    Command,
    Outcome,
    RunningApp,
    console_url,
    read_runtime_file,
    runtime_file,
    write_runtime_file,
)
from assetmap.api.database import close_shared_database, shared_database
from assetmap.cli import run_for_console
from assetmap.config import DEMO_DIR
from assetmap.demo import load_demo
from assetmap.register.assets import list_assets
from assetmap.storage import connect

from .conftest import ADMIN, FULL_DEMO_ASSET_COUNT, PROJECT_DIR
from .test_browser import TEAM_PASSWORD, log_in, map_frame

NEW_ASSET = "Kruununhaka repair café"
LOCKED = "already open in another Assetmap process"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """`assetmap serve` on a new file, which it fills with the demo on its first run."""
    with Server(db=tmp_path_factory.mktemp("served") / "served.duckdb") as server:
        yield server


def assetmap(
    db: Path | str, *args: str, cwd: Path | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The `assetmap` command on `db` (named by ASSETMAP_DB, as in a shell set up for it)."""
    return subprocess.run(
        [ASSETMAP, *args],
        cwd=cwd,
        env={**os.environ, "ASSETMAP_DB": str(db)},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )


def succeeded(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    assert LOCKED not in result.stderr
    return result.stdout


def exported_features(db: Path | str) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads(
        succeeded(assetmap(db, "export", "assets", "-o", "-"))
    )["features"]
    return features


def named(features: list[dict[str, Any]], name: str) -> list[dict[str, Any]]:
    return [f for f in features if f["properties"]["name"] == name]


def post_command(app: RunningApp, headers: dict[str, str]) -> tuple[int, bytes]:
    """POST `user list` to the app's console door, straight (no proxy from the environment)."""
    request = urllib.request.Request(
        app.url + CONSOLE_PATH,
        data=json.dumps({"argv": ["user", "list"], "cwd": "/"}).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@pytest.mark.browser
def test_an_admin_added_while_serving_logs_in_to_the_running_app(
    served: Server, context: BrowserContext
):
    added = assetmap(served.db, "user", "add", "ada", "--role", "admin", stdin=TEAM_PASSWORD + "\n")
    assert succeeded(added) == "Added admin ada.\n"
    succeeded(assetmap(served.db, "user", "add", "kari", "--role", "team", stdin=TEAM_PASSWORD))
    succeeded(assetmap(served.db, "user", "role", "kari", "--role", "admin"))
    assert succeeded(assetmap(served.db, "user", "list")).split() == [
        "ada",
        "admin",
        "kari",
        "admin",
    ]
    succeeded(assetmap(served.db, "user", "remove", "kari"))
    assert succeeded(assetmap(served.db, "user", "list")).split() == ["ada", "admin"]

    page = context.new_page()
    log_in(page, served, "ada")
    expect(page.get_by_role("link", name="Accounts", exact=True)).to_be_visible()


def test_exports_are_written_where_the_command_was_typed(served: Server, tmp_path: Path):
    wrote = assetmap(served.db, "export", "assets", "-o", "relative.geojson", cwd=tmp_path)
    succeeded(wrote)
    assert f"Wrote {FULL_DEMO_ASSET_COUNT} assets" in wrote.stderr
    in_file = json.loads((tmp_path / "relative.geojson").read_text(encoding="utf-8"))["features"]
    assert len(in_file) == FULL_DEMO_ASSET_COUNT
    assert not (PROJECT_DIR / "relative.geojson").exists()  # the app's own directory

    printed = exported_features(served.db)
    assert sorted(f["id"] for f in printed) == sorted(f["id"] for f in in_file)

    succeeded(
        assetmap(served.db, "export", "areas", "--format", "gpkg", "-o", "a.gpkg", cwd=tmp_path)
    )
    assert len(pyogrio.read_dataframe(tmp_path / "a.gpkg")) == 6
    succeeded(
        assetmap(served.db, "export", "assets", "--format", "gpkg", "-o", "b.gpkg", cwd=tmp_path)
    )
    assert len(pyogrio.read_dataframe(tmp_path / "b.gpkg")) == FULL_DEMO_ASSET_COUNT


@pytest.mark.browser
def test_an_import_and_an_erasure_reach_a_map_open_in_the_running_app(
    served: Server, context: BrowserContext, tmp_path: Path
):
    page: Page = context.new_page()
    page.goto(served.url)
    shown = map_frame(page).locator(".leaflet-container")
    expect(shown).to_have_attribute("data-asset-count", str(FULL_DEMO_ASSET_COUNT))
    new = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [24.9575, 60.1725]},
                "properties": {
                    "name": NEW_ASSET,
                    "kind": "association",
                    "category": "volunteer_group",
                },
            }
        ],
    }
    (tmp_path / "new.geojson").write_text(json.dumps(new), encoding="utf-8")

    imported = assetmap(
        served.db, "import-assets", "new.geojson", "--status", "approved", cwd=tmp_path
    )
    assert succeeded(imported).startswith("Imported 1 assets as approved")
    expect(shown).to_have_attribute("data-asset-count", str(FULL_DEMO_ASSET_COUNT + 1))
    on_map = map_frame(page).evaluate(
        "() => window.assetmap.assets.getLayers().map(l => l.feature.properties.name)"
    )
    assert NEW_ASSET in on_map

    [asset] = named(exported_features(served.db), NEW_ASSET)
    erased = succeeded(assetmap(served.db, "erase", str(asset["id"])))
    assert erased.startswith(f"Erased {asset['id']}")
    expect(shown).to_have_attribute("data-asset-count", str(FULL_DEMO_ASSET_COUNT))
    assert named(exported_features(served.db), NEW_ASSET) == []


def test_imports_coverage_and_the_demo_run_in_the_app(served: Server, tmp_path: Path):
    """The demo's own files, imported again: the data stays as it was."""
    db = served.db
    areas = assetmap(
        db, "import-areas", str(DEMO_DIR / "areas.geojson"), "--id-field", "id",
        "--name-field", "name",
    )  # fmt: skip
    assert succeeded(areas).startswith("Imported 6 areas")
    network = assetmap(db, "import-network", str(DEMO_DIR / "walk_network.geojson"))
    assert succeeded(network).startswith("Loaded a walking network of")
    indicators = assetmap(
        db, "import-indicators", str(DEMO_DIR / "indicators.csv"), "--area-field", "area_id",
        "--year", "2026", "--population", "population",
    )  # fmt: skip
    assert "for 6 areas" in succeeded(indicators)
    assert succeeded(assetmap(db, "load-demo")) == "Demo loaded: 6 areas, 0 new assets.\n"

    printed = succeeded(assetmap(db, "coverage", "--category", "library", "-o", "-"))
    assert printed.splitlines()[0].startswith("area_id,")
    assert len(printed.splitlines()) == 7
    succeeded(assetmap(db, "coverage", "--category", "library", "-o", "c.csv", cwd=tmp_path))
    assert (tmp_path / "c.csv").read_text(encoding="utf-8") == printed


def test_a_backup_made_while_serving_restores_elsewhere(served: Server, tmp_path: Path):
    made = succeeded(assetmap(served.db, "backup", "backup", cwd=tmp_path))
    assert made.endswith(f"to {tmp_path / 'backup'}\n")
    restored = tmp_path / "restored.duckdb"
    succeeded(assetmap(served.db, "--db", str(restored), "restore", "backup", cwd=tmp_path))
    with connect(str(restored)) as db:
        assert len(list_assets(db)) == len(exported_features(served.db)) == FULL_DEMO_ASSET_COUNT


def test_restore_into_the_served_file_asks_to_stop_the_app(served: Server, tmp_path: Path):
    succeeded(assetmap(served.db, "backup", "backup", cwd=tmp_path))
    folder = Path(served.db).parent
    before = {path.name for path in folder.iterdir()} - {Path(served.db).name + ".wal"}
    refused = assetmap(served.db, "restore", "backup", cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stderr.startswith("assetmap: error: stop the app first: ")
    assert refused.stdout == ""
    assert {path.name for path in folder.iterdir()} - {Path(served.db).name + ".wal"} == before
    assert len(exported_features(served.db)) == FULL_DEMO_ASSET_COUNT


def test_errors_in_the_app_come_back_as_here(served: Server, tmp_path: Path):
    missing = assetmap(served.db, "import-assets", "missing.geojson", cwd=tmp_path)
    assert missing.returncode == 1
    assert missing.stderr.startswith("assetmap: error: ")
    assert str(tmp_path / "missing.geojson") in missing.stderr and LOCKED not in missing.stderr
    nothing = assetmap(served.db, "erase", "no-such-id")
    assert nothing.returncode == 1
    assert nothing.stderr == "assetmap: error: No asset with id no-such-id.\n"
    exact = assetmap(served.db, "export", "assets", "--exact", "-o", "plain.geojson", cwd=tmp_path)
    assert exact.returncode == 1 and "must say so in its file name" in exact.stderr
    assert not (tmp_path / "plain.geojson").exists()


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 403),
        ({"Authorization": "Bearer not-the-token"}, 403),
        ({"Authorization": "Bearer {token}", "X-Forwarded-For": "203.0.113.7"}, 403),
        ({"Authorization": "Bearer {token}", "X-Real-IP": "203.0.113.7"}, 403),
        ({"Authorization": "Bearer {token}", "Forwarded": "for=203.0.113.7"}, 403),
        ({"Authorization": "Bearer {token}"}, 200),
    ],
)
def test_the_console_door_takes_the_token_from_this_host_only(
    served: Server, headers: dict[str, str], status: int
):
    app = read_runtime_file(Path(served.db).resolve())
    assert app is not None and served.process is not None
    assert app.pid == served.process.pid
    assert stat.S_IMODE(runtime_file(Path(app.database)).stat().st_mode) == 0o600
    sent = {name: value.format(token=app.token) for name, value in headers.items()}
    answered, body = post_command(app, sent)
    assert answered == status, body
    if status == 200:
        assert json.loads(body)["exit"] == 0


def test_commands_run_here_again_once_the_app_stops(tmp_path: Path):
    db = tmp_path / "short.duckdb"
    with Server(db=db):
        assert runtime_file(db).exists()
        assert "No accounts yet" in succeeded(assetmap(db, "user", "list"))
    assert not runtime_file(db).exists()
    assert "No accounts yet" in succeeded(assetmap(db, "user", "list"))
    succeeded(assetmap(db, "user", "add", "ada", "--role", "admin", stdin=TEAM_PASSWORD))


def test_a_runtime_file_of_an_app_that_is_gone_is_passed_by(tmp_path: Path):
    """A killed app leaves its runtime file: a dead process, or one that does not answer."""
    db = tmp_path / "left.duckdb"
    gone = subprocess.Popen(["true"])
    gone.wait()
    nobody = f"http://127.0.0.1:{free_port()}"
    for pid in (gone.pid, os.getpid()):
        write_runtime_file(RunningApp(nobody, "token", pid, str(db)))
        assert "No accounts yet" in succeeded(assetmap(db, "user", "list"))


def test_a_runtime_file_naming_another_database_is_not_read(tmp_path: Path):
    db = tmp_path / "this.duckdb"
    write_runtime_file(RunningApp("http://127.0.0.1:1", "token", os.getpid(), str(db)))
    assert read_runtime_file(db) is not None
    runtime_file(db).write_text(
        json.dumps({"url": "http://127.0.0.1:1", "token": "t", "pid": 1, "database": "/else"})
    )
    assert read_runtime_file(db) is None


def test_the_door_is_shut_when_the_pages_are_served_by_streamlit_run(tmp_path: Path):
    with Server(db=tmp_path / "plain.duckdb", streamlit_run=True) as server:
        app = RunningApp(server.url, "any", os.getpid(), str(tmp_path / "plain.duckdb"))
        assert post_command(app, {"Authorization": "Bearer any"})[0] == 404


def test_the_app_runs_a_command_in_the_senders_directory_and_keeps_its_database(tmp_path: Path):
    """The runner `assetmap serve` hands the console door, called as the door calls it."""
    location = str(tmp_path / "runner.duckdb")
    db = shared_database(location)
    try:
        load_demo(db, ADMIN, minimal=True)
        run = run_for_console(location)
        wrote = run(Command(("export", "areas", "-o", "areas.geojson"), str(tmp_path)))
        assert wrote == Outcome(0, b"", f"Wrote 6 areas to {tmp_path / 'areas.geojson'}\n")
        assert (tmp_path / "areas.geojson").is_file()
        other = ("--db", "elsewhere.duckdb", "export", "areas", "-o", "-")
        printed = run(Command(other, str(tmp_path)))
        assert printed.exit == 0 and len(json.loads(printed.stdout)["features"]) == 6
        assert not (tmp_path / "elsewhere.duckdb").exists()
        assert not (PROJECT_DIR / "elsewhere.duckdb").exists()
        added = run(Command(("user", "add", "ada", "--role", "admin"), "/", TEAM_PASSWORD + "\n"))
        assert added == Outcome(0, b"Added admin ada.\n", "")
        assert run(Command(("user", "list"), "/")).stdout.split() == [b"ada", b"admin"]
        for refused in (("restore", "backup"), ("serve",)):
            outcome = run(Command(refused, str(tmp_path)))
            assert outcome.exit == 1
            assert outcome.stderr.startswith("assetmap: error: The running app does not run")
        assert db.scalar("SELECT count(*) FROM areas") == 6  # still open for the app
    finally:
        close_shared_database(db)


@pytest.mark.parametrize(
    ("address", "url"),
    [
        ("localhost", "http://127.0.0.1:8501"),
        ("0.0.0.0", "http://127.0.0.1:8501"),
        ("::", "http://127.0.0.1:8501"),
        ("127.0.0.1", "http://127.0.0.1:8501"),
        ("192.0.2.10", "http://192.0.2.10:8501"),
        ("::1", "http://[::1]:8501"),
        ("[2001:db8::5]", "http://[2001:db8::5]:8501"),
    ],
)
def test_the_console_url_is_one_the_app_listens_on(address: str, url: str):
    assert console_url(address, 8501) == url
    assert (
        console_url(address, 8501, "/assets", https=True)
        == url.replace("http:", "https:") + "/assets"
    )


def test_migrate_db_while_serving(served: Server, postgres_url: str):
    copied = succeeded(assetmap(served.db, "migrate-db", "--to", postgres_url))
    assert "Point the app at it" in copied
    with connect(postgres_url) as db:
        assert len(list_assets(db)) == FULL_DEMO_ASSET_COUNT

"""The `assetmap` command: serve the app, load the demo, import and export, accounts,
erasure, backup and restore."""

from __future__ import annotations

import argparse
import ctypes
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import geopandas as gpd
import pandas as pd

from assetmap.accounts import (
    AccountError,
    add_user,
    console_actor,
    list_users,
    remove_user,
    set_role,
)
from assetmap.api.database import close_shared_database, shared_database
from assetmap.config import PROJECT_DIR, Settings
from assetmap.demo import is_empty, load_demo
from assetmap.errors import AssetmapError
from assetmap.io.exports import (
    EXACT_MARK,
    FORMATS,
    ExportError,
    export_bytes,
    export_file_name,
    write_areas,
    write_assets,
)
from assetmap.models import KINDS, STATUSES
from assetmap.register.areas import areas_from_file, replace_areas
from assetmap.register.assets import AssetFilter, erase_asset
from assetmap.register.disclosure import exact_assets, released_assets
from assetmap.register.importing import import_assets_file
from assetmap.register.indicators import import_indicators
from assetmap.register.network import replace_walk_network, walkable_lines
from assetmap.register.planning import (
    DEFAULT_DISTANCE_M,
    areas_with_indicators,
    service_coverage,
)
from assetmap.render.mapping import install_map_scripts
from assetmap.storage import Database, backup, connect, restore, utc_now
from assetmap.storage.transfer import copy_database

SERVER_SCRIPT = PROJECT_DIR / "server.py"
"""The pages and the app's own routes (st.App): what `assetmap serve` runs."""


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(db=args.db)


def _open(args: argparse.Namespace) -> Database:
    return connect(_settings(args).db)


def cmd_load_demo(args: argparse.Namespace) -> int:
    with _open(args) as db:
        report = load_demo(db, console_actor())
    print(f"Demo loaded: {report.areas} areas, {report.assets_added} new assets.")
    return 0


def cmd_import_assets(args: argparse.Namespace) -> int:
    settings = _settings(args)
    with connect(settings.db) as db:
        report = import_assets_file(
            db,
            Path(args.file),
            console_actor(),
            status=args.status,
            max_distance_km=settings.max_distance_km,
            max_bytes=settings.max_upload_bytes,
            on_duplicate=args.on_duplicate,
            lon_column=args.lon_column,
            lat_column=args.lat_column,
        )
    print(
        f"Imported {report.added} assets as {args.status}; merged {report.merged} into assets "
        f"already on the map; skipped {report.skipped_duplicates} already present."
    )
    return 0


def cmd_import_areas(args: argparse.Namespace) -> int:
    settings = _settings(args)
    areas = areas_from_file(
        Path(args.file),
        args.id_field,
        args.name_field,
        crs=args.crs,
        max_bytes=settings.max_upload_bytes,
    )
    with connect(settings.db) as db:
        count = replace_areas(db, areas, console_actor())
    print(f"Imported {count} areas; every asset is re-assigned to the area it falls in.")
    return 0


def cmd_import_indicators(args: argparse.Namespace) -> int:
    settings = _settings(args)
    with connect(settings.db) as db:
        report = import_indicators(
            db,
            console_actor(),
            Path(args.file),
            args.area_field,
            year=args.year,
            source=args.source or "",
            less_need=tuple(args.less_need or ()),
            population=args.population,
            max_bytes=settings.max_upload_bytes,
        )
    print(f"Imported {', '.join(report.indicators)} for {report.matched_areas} areas.")
    if report.unmatched_keys:
        print(
            f"{len(report.unmatched_keys)} rows match no area and were not imported: "
            + ", ".join(report.unmatched_keys),
            file=sys.stderr,
        )
    return 0


def cmd_import_network(args: argparse.Namespace) -> int:
    lines = walkable_lines(Path(args.file))
    with _open(args) as db:
        count = replace_walk_network(db, console_actor(), lines)
    print(f"Loaded a walking network of {count} lines.")
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    with _open(args) as db:
        coverage, _ = service_coverage(db, tuple(args.category), args.distance, args.network)
    coverage.to_csv(args.output if args.output != "-" else sys.stdout, index=False)
    if args.output != "-":
        mean = coverage["coverage_share"].mean()
        print(
            f"Wrote coverage of {len(coverage)} areas (mean share {mean:.2f}) to {args.output}",
            file=sys.stderr,
        )
    return 0


def _check_exact_export(args: argparse.Namespace) -> None:
    """An exact export is of assets, to a file whose name says what it holds."""
    if args.what != "assets":
        raise ExportError("Only assets have an exact export: areas hold nothing personal.")
    if EXACT_MARK not in Path(args.output).name:
        example = export_file_name("assets", args.format, utc_now(), exact=True)
        raise ExportError(
            f"An exact export must say so in its file name ({EXACT_MARK}): for example -o {example}"
        )


def cmd_export(args: argparse.Namespace) -> int:
    """Export what the console's reader (an admin) may take out: people protected, unless
    --exact, which is audited and must be named as such."""
    writer: Callable[[gpd.GeoDataFrame, str, Path], int]
    if args.exact:
        _check_exact_export(args)
    with _open(args) as db:
        if args.what == "areas":
            frame, writer = areas_with_indicators(db), write_areas
        else:
            asset_filter = AssetFilter(
                statuses=tuple(args.status or ["approved"]),
                kinds=tuple(args.kind or []),
                categories=tuple(args.category or []),
                area_ids=tuple(args.area or []),
            )
            if args.exact:
                frame = exact_assets(db, console_actor(), asset_filter, args.format)
            else:
                frame = released_assets(db, console_actor(), asset_filter)
            writer = write_assets
    if args.output == "-":
        if args.format == "gpkg":
            raise ExportError("A GeoPackage cannot go to standard output: give -o FILE.gpkg.")
        sys.stdout.buffer.write(export_bytes(writer, frame, args.format))
        sys.stdout.buffer.write(b"\n")
        return 0
    count = writer(frame, args.format, Path(args.output))
    print(f"Wrote {count} {args.what} to {args.output}", file=sys.stderr)
    return 0


def _read_password() -> str:
    if sys.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise AccountError("The two passwords differ.")
        return first
    return sys.stdin.readline().rstrip("\n")


def cmd_user_add(args: argparse.Namespace) -> int:
    with _open(args) as db:
        add_user(db, console_actor(), args.name, args.role, _read_password(), email=args.email)
    print(f"Added {args.role} {args.name}.")
    return 0


def cmd_user_remove(args: argparse.Namespace) -> int:
    with _open(args) as db:
        remove_user(db, console_actor(), args.name)
    print(f"Removed {args.name}; their logins have ended.")
    return 0


def cmd_user_role(args: argparse.Namespace) -> int:
    with _open(args) as db:
        set_role(db, console_actor(), args.name, args.role)
    print(f"{args.name} is now {args.role}, in logins already open too.")
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    with _open(args) as db:
        users = list_users(db)
    if users.empty:
        print("No accounts yet. Add the first admin with: assetmap user add NAME --role admin")
    for user in users.itertuples():
        locked_until = pd.Timestamp(user.locked_until)
        locked = "" if pd.isna(locked_until) else f"  locked until {locked_until:%Y-%m-%d %H:%M}"
        print(f"{user.name}\t{user.role}\t{user.email or ''}{locked}")
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    with _open(args) as db:
        erase_asset(db, args.asset_id, console_actor())
    print(f"Erased {args.asset_id} and every value about it in the audit trail.")
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with _open(args) as db:
        backup(db, Path(args.directory))
    print(f"Backed up {db.location} to {args.directory}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    settings = _settings(args)
    with restore(settings.db, Path(args.directory)):
        pass
    print(f"Restored {args.directory} into {settings.db}")
    return 0


def cmd_migrate_db(args: argparse.Namespace) -> int:
    with _open(args) as source, connect(args.to) as target:
        copy_database(source, target, lambda table: print(f"{table.name}: {table.rows} rows"))
        print(f"Copied {source.location} into {target.location}")
    print("Point the app at it with ASSETMAP_DB set to that URL.")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Open the database (holding its lock for as long as the app runs) and start the app's
    server: the Streamlit pages and the app's own routes (server.py).

    The app runs in this process, so a second server on the same file fails at once
    instead of when its first visitor arrives.
    """
    from streamlit import config as streamlit_config
    from streamlit.web import bootstrap

    settings = _settings(args)
    _fewer_malloc_arenas()
    # The pages and routes of this process take this same database (one per location).
    db = shared_database(settings.db)
    if args.demo and is_empty(db):
        report = load_demo(db, console_actor())
        print(f"First run: loaded the demo ({report.assets_added} assets).")
    install_map_scripts(PROJECT_DIR / "static")
    os.environ["ASSETMAP_DB"] = settings.db
    # Streamlit's web server (uvicorn) would take any X-Forwarded-For from loopback as the
    # client; only ASSETMAP_TRUSTED_PROXIES decides whose forwarded addresses count.
    os.environ["FORWARDED_ALLOW_IPS"] = ""
    os.chdir(PROJECT_DIR)
    options = {
        "server.port": args.port,
        "server.address": args.address,
        "server.enableStaticServing": True,
        "server.headless": True,
        "server.fileWatcherType": "none",
    }
    print(f"Assetmap on http://localhost:{args.port} (database {db.location})", flush=True)
    streamlit_config._main_script_path = str(SERVER_SCRIPT)
    bootstrap.load_config_options(flag_options=options)
    bootstrap.run_asgi_app(str(SERVER_SCRIPT), f"{SERVER_SCRIPT.stem}:app", [], options)
    close_shared_database(db)
    return 0


M_ARENA_MAX = -8


def _fewer_malloc_arenas() -> None:
    """At most two glibc malloc arenas, as MALLOC_ARENA_MAX=2 would set.

    glibc gives threads arenas of their own and seldom hands freed memory back from them;
    with Streamlit's threads and frames of 100,000 assets that held about 50 MB for nothing
    (bench/scale.md). Elsewhere than glibc this does nothing.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return
    libc.mallopt(M_ARENA_MAX, 2)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="assetmap", description=__doc__)
    parser.add_argument("--db", help="database file (default: ASSETMAP_DB or data/assetmap.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="start the app (loads the demo on first run)")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="localhost")
    serve.add_argument(
        "--no-demo",
        dest="demo",
        action="store_false",
        help="start with an empty database instead of the demo",
    )
    serve.set_defaults(handler=cmd_serve)

    demo = commands.add_parser("load-demo", help="load the central Helsinki demo")
    demo.set_defaults(handler=cmd_load_demo)

    importer = commands.add_parser("import-assets", help="import GeoJSON, GeoPackage or CSV")
    importer.add_argument("file")
    importer.add_argument("--status", choices=["pending", "approved"], default="pending")
    importer.add_argument(
        "--on-duplicate",
        choices=["skip", "merge"],
        default="skip",
        help="assets already on the map (same source id, or same name within 50 m)",
    )
    importer.add_argument("--lon-column", help="CSV column with the longitude")
    importer.add_argument("--lat-column", help="CSV column with the latitude")
    importer.set_defaults(handler=cmd_import_assets)

    areas = commands.add_parser("import-areas", help="replace the neighbourhood boundaries")
    areas.add_argument("file", help="GeoJSON, GeoPackage, Shapefile or zipped Shapefile")
    areas.add_argument("--id-field", required=True)
    areas.add_argument("--name-field", required=True)
    areas.add_argument("--crs", help="the file's CRS, when the file does not say (EPSG:3067)")
    areas.set_defaults(handler=cmd_import_areas)

    indicators = commands.add_parser("import-indicators", help="indicators per area from a CSV")
    indicators.add_argument("file")
    indicators.add_argument("--area-field", required=True)
    indicators.add_argument("--year", type=int)
    indicators.add_argument("--source")
    indicators.add_argument(
        "--less-need",
        action="append",
        metavar="COLUMN",
        help="a column where a higher value means less need (income)",
    )
    indicators.add_argument("--population", metavar="COLUMN", help="the residents column")
    indicators.set_defaults(handler=cmd_import_indicators)

    network = commands.add_parser("import-network", help="walking network from OSM or lines")
    network.add_argument("file")
    network.set_defaults(handler=cmd_import_network)

    coverage = commands.add_parser("coverage", help="share of each area within reach")
    coverage.add_argument("--category", action="append", required=True)
    coverage.add_argument("--distance", type=float, default=DEFAULT_DISTANCE_M, help="metres")
    coverage.add_argument("--network", action="store_true", help="walk along paths and streets")
    coverage.add_argument("-o", "--output", required=True, help="CSV file, or - for stdout")
    coverage.set_defaults(handler=cmd_coverage)

    export = commands.add_parser("export", help="export assets or areas as RFC 7946 GeoJSON")
    export.add_argument("what", choices=["assets", "areas"])
    export.add_argument("--format", choices=list(FORMATS), default="geojson")
    export.add_argument("-o", "--output", required=True, help="file to write, or - for stdout")
    export.add_argument("--kind", action="append", choices=list(KINDS))
    export.add_argument("--category", action="append")
    export.add_argument("--area", action="append", metavar="AREA_ID")
    export.add_argument("--status", action="append", choices=list(STATUSES))
    export.add_argument(
        "--exact",
        action="store_true",
        help=f"internal use only: exact points, addresses and private contacts; recorded in "
        f"the audit trail, and the file name must contain {EXACT_MARK}",
    )
    export.set_defaults(handler=cmd_export)

    user = commands.add_parser("user", help="accounts").add_subparsers(dest="user", required=True)
    user_add = user.add_parser("add", help="add an account (password from a prompt or stdin)")
    user_add.add_argument("name")
    user_add.add_argument("--role", choices=["admin", "team"], required=True)
    user_add.add_argument("--email", help="for OpenID Connect sign-in")
    user_add.set_defaults(handler=cmd_user_add)
    user.add_parser("list", help="list accounts").set_defaults(handler=cmd_user_list)
    user_remove = user.add_parser("remove", help="remove an account and end its logins")
    user_remove.add_argument("name")
    user_remove.set_defaults(handler=cmd_user_remove)
    user_role = user.add_parser("role", help="change an account's role (logins follow at once)")
    user_role.add_argument("name")
    user_role.add_argument("--role", choices=["admin", "team"], required=True)
    user_role.set_defaults(handler=cmd_user_role)

    erase = commands.add_parser("erase", help="remove an asset and its audit values for good")
    erase.add_argument("asset_id")
    erase.set_defaults(handler=cmd_erase)

    backup_parser = commands.add_parser("backup", help="copy every table into a new folder")
    backup_parser.add_argument("directory")
    backup_parser.set_defaults(handler=cmd_backup)
    restore_parser = commands.add_parser("restore", help="create a database from a backup")
    restore_parser.add_argument("directory")
    restore_parser.set_defaults(handler=cmd_restore)
    migrate = commands.add_parser(
        "migrate-db", help="copy this database into a new, empty PostgreSQL database"
    )
    migrate.add_argument("--to", required=True, help="postgresql://USER:PASSWORD@HOST/DATABASE")
    migrate.set_defaults(handler=cmd_migrate_db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except AssetmapError as error:
        print(f"assetmap: error: {error.message}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as error:
        message = f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")
        print(f"assetmap: error: {message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

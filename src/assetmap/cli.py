"""The `assetmap` command: serve the app, load the demo, import and export assets."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from assetmap.areas import AreaError
from assetmap.assets import AssetFilter, list_assets
from assetmap.config import PROJECT_DIR, ConfigError, Settings
from assetmap.db import Database, DatabaseError, connect
from assetmap.demo import is_empty, load_demo
from assetmap.io.geojson import assets_to_geojson, write_geojson
from assetmap.io.importing import ImportRejectedError, import_assets_file
from assetmap.io.readers import ImportFileError
from assetmap.mapping import install_map_scripts
from assetmap.models import KINDS, STATUSES, ValidationError

APP_SCRIPT = PROJECT_DIR / "app.py"
USER_ERRORS = (
    ConfigError,
    ValidationError,
    ImportFileError,
    ImportRejectedError,
    DatabaseError,
    AreaError,
)


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(db=args.db)


def _open(args: argparse.Namespace) -> Database:
    return connect(_settings(args).db)


def cmd_load_demo(args: argparse.Namespace) -> int:
    with _open(args) as db:
        report = load_demo(db)
    print(f"Demo loaded: {report.areas} areas, {report.assets_added} new assets.")
    return 0


def cmd_import_assets(args: argparse.Namespace) -> int:
    settings = _settings(args)
    with connect(settings.db) as db:
        report = import_assets_file(db, Path(args.file), args.status, settings.max_distance_km)
    print(
        f"Imported {report.added} assets as {args.status}; "
        f"skipped {report.skipped_duplicates} already present."
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    asset_filter = AssetFilter(
        statuses=tuple(args.status or ["approved"]),
        kinds=tuple(args.kind or []),
        categories=tuple(args.category or []),
        area_ids=tuple(args.area or []),
    )
    with _open(args) as db:
        collection = assets_to_geojson(list_assets(db, asset_filter))
    if args.output == "-":
        json.dump(collection, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        write_geojson(collection, Path(args.output))
        print(f"Wrote {len(collection['features'])} assets to {args.output}", file=sys.stderr)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Load the demo into an empty database, then hand over to `streamlit run`."""
    settings = _settings(args)
    with connect(settings.db) as db:
        if args.demo and is_empty(db):
            report = load_demo(db)
            print(f"First run: loaded the demo ({report.assets_added} assets).")
    install_map_scripts(PROJECT_DIR / "static")
    os.environ["ASSETMAP_DB"] = settings.db
    os.chdir(PROJECT_DIR)
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_SCRIPT),
        "--server.port",
        str(args.port),
        "--server.address",
        args.address,
        "--server.enableStaticServing",
        "true",
    ]
    print(f"Assetmap on http://localhost:{args.port} (database {settings.db})", flush=True)
    os.execv(sys.executable, command)
    return 0


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
    importer.set_defaults(handler=cmd_import_assets)

    export = commands.add_parser("export", help="export assets as RFC 7946 GeoJSON")
    export.add_argument("what", choices=["assets"])
    export.add_argument("--format", choices=["geojson"], default="geojson")
    export.add_argument("-o", "--output", required=True, help="file to write, or - for stdout")
    export.add_argument("--kind", action="append", choices=list(KINDS))
    export.add_argument("--category", action="append")
    export.add_argument("--area", action="append", metavar="AREA_ID")
    export.add_argument("--status", action="append", choices=list(STATUSES))
    export.set_defaults(handler=cmd_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.handler(args))
    except USER_ERRORS as error:
        print(f"assetmap: error: {error}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as error:
        print(
            f"assetmap: error: {error.strerror or error}: {error.filename or ''}".rstrip(": "),
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""The `assetmap` command: serve the app, load the demo, import and export, accounts,
erasure, backup and restore.

While `assetmap serve` runs on a DuckDB file it alone may open the file, so every other
command is sent to it (assetmap.api.console) and run there, on the app's own database, by
run_for_console below. Handlers therefore write to the `Terminal` they are given and open the
database through `_database`, never sys.stdout or connect() of their own.
"""

from __future__ import annotations

import argparse
import ctypes
import getpass
import io
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from pathlib import Path
from types import FrameType
from typing import BinaryIO, TextIO

import pandas as pd

from assetmap.accounts import (
    AccountError,
    add_user,
    console_actor,
    list_users,
    remove_user,
    set_role,
)
from assetmap.api import url_prefix
from assetmap.api.console import (
    Command,
    Outcome,
    Runner,
    console_url,
    database_file,
    open_console,
    running_app,
    send_command,
)
from assetmap.api.database import close_shared_database, shared_database
from assetmap.config import PROJECT_DIR, Settings
from assetmap.demo import is_empty, load_demo
from assetmap.errors import AssetmapError
from assetmap.io.basemap import DEFAULT_MAX_ZOOM, build_basemap
from assetmap.io.boundaries import boundary_layout
from assetmap.io.exports import (
    EXACT_MARK,
    FORMATS,
    LINK_FORMATS,
    SUFFIXES,
    ExportError,
    export_file_name,
    write_areas,
    write_asset_batches,
    write_links,
)
from assetmap.models import KINDS, STATUSES
from assetmap.register.areas import (
    DEFAULT_LEVEL,
    area_levels,
    areas_from_file,
    replace_areas,
)
from assetmap.register.assets import AssetFilter, erase_asset
from assetmap.register.disclosure import exact_batches, released_batches, released_links
from assetmap.register.gazetteer import build_gazetteer, import_gazetteer
from assetmap.register.importing import import_assets_file
from assetmap.register.indicators import commit_indicators, preview_indicators
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


@dataclass(frozen=True)
class Terminal:
    """What a command reads and writes: the process's own streams, or, for a command the
    running app runs for the console, buffers sent back to it (the app's other threads share
    the process's streams, so a command there must not swap sys.stdout)."""

    out: TextIO
    err: TextIO
    out_bytes: BinaryIO
    """The same output as `out`, for bytes (an export to -)."""
    stdin: TextIO

    @classmethod
    def of_process(cls) -> Terminal:
        return cls(sys.stdout, sys.stderr, sys.stdout.buffer, sys.stdin)

    def write_bytes(self, data: bytes) -> None:
        self.out.flush()  # text printed before comes out before
        self.out_bytes.write(data)


def _settings(args: argparse.Namespace) -> Settings:
    return Settings.from_env(db=args.db)


BATCH_MEMORY_MB = 300
"""The database's working memory for a command that moves many assets in a process of its own
(import-assets, export): beyond it DuckDB writes to disk, and a million assets go in and out
with the same memory as 100,000 (bench/transfer.md)."""


def _database(
    args: argparse.Namespace, memory_mb: int | None = None
) -> AbstractContextManager[Database]:
    """The database a command works on: in the running app, the app's own (left open for
    it), else the file or server opened here, within `memory_mb` if given, and closed at the
    end."""
    served: Database | None = args.served
    if served is not None:
        return nullcontext(served)
    db = connect(_settings(args).db)
    if memory_mb is not None:
        db.limit_memory(memory_mb)
    return db


def cmd_load_demo(args: argparse.Namespace) -> int:
    with _database(args) as db:
        report = load_demo(db, console_actor(), minimal=args.minimal)
    print(
        f"Demo loaded: {report.areas} areas, {report.assets_added} new assets"
        + (
            f", of them {report.people} illustrative people, and {report.links} links."
            if report.people
            else "."
        ),
        file=args.terminal.out,
    )
    return 0


def cmd_import_assets(args: argparse.Namespace) -> int:
    settings = _settings(args)
    with _database(args, BATCH_MEMORY_MB) as db:
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
        f"already on the map; skipped {report.skipped_duplicates} already present.",
        file=args.terminal.out,
    )
    return 0


def cmd_import_areas(args: argparse.Namespace) -> int:
    settings = _settings(args)
    path = Path(args.file)
    layout = boundary_layout(path, args.layer) if path.is_file() else None
    areas = areas_from_file(
        path,
        args.id_field,
        args.name_field,
        layer=args.layer,
        municipalities=args.municipality or (),
        municipality_field=args.municipality_field,
        crs=args.crs,
        max_bytes=settings.max_upload_bytes,
    )
    level = args.level or (layout.level if layout else None) or DEFAULT_LEVEL
    with _database(args) as db:
        count = replace_areas(db, areas, console_actor(), level, place_assets=args.place_assets)
        levels = area_levels(db)
    out = args.terminal.out
    found = f" (layer {layout.layer}, code {layout.id_field})" if layout and layout.product else ""
    print(f"Imported {count} areas into level {level}{found}.", file=out)
    for each in levels:
        placed = "; assets are counted in this level" if each.places_assets else ""
        print(f"  {each.level}: {each.areas} areas{placed}", file=out)
    return 0


def _categories(given: Sequence[str]) -> dict[str, list[str]]:
    """`--category DIMENSION=CODE` options as the codes to keep per dimension."""
    chosen: dict[str, list[str]] = {}
    for item in given:
        dimension, equals, code = item.partition("=")
        if not equals:
            raise AssetmapError(f"--category {item}: write DIMENSION=CODE, e.g. Kjonn=2.")
        chosen.setdefault(dimension.strip(), []).append(code.strip())
    return chosen


def cmd_import_indicators(args: argparse.Namespace) -> int:
    settings = _settings(args)
    with _database(args) as db:
        preview = preview_indicators(
            db,
            Path(args.file),
            region=args.region_dimension,
            measures=tuple(args.measure or ()),
            times=tuple(args.time or ()),
            choices=_categories(args.category or ()),
            table=args.table - 1,
            max_bytes=settings.max_upload_bytes,
        )
        table = preview.table
        out = args.terminal.out
        print(f"{table.format}: {table.title or table.name}", file=out)
        if preview.tables > 1:
            print(f"Table {args.table} of {preview.tables} (--table chooses).", file=out)
        for dimension in table.dimensions:
            codes = ", ".join(dimension.codes[:8]) + (", ..." if len(dimension.codes) > 8 else "")
            role = f" [{dimension.role}]" if dimension.role else ""
            print(f"  {dimension.id}{role}: {codes}", file=out)
        print(f"Region codes from {table.region}: {len(preview.matched)} match an area.", file=out)
        print(preview.report().to_string(index=False), file=out)
        for warning in table.warnings:
            print(warning, file=args.terminal.err)
        if preview.unmatched:
            print(
                f"{len(preview.unmatched)} codes match no area and will not be imported: "
                + ", ".join(preview.unmatched),
                file=args.terminal.err,
            )
        if args.dry_run:
            print("Dry run: nothing was imported.", file=out)
            return 0
        report = commit_indicators(
            db,
            console_actor(),
            preview,
            year=args.year,
            source=args.source or "",
            less_need=tuple(args.less_need or ()),
            population=args.population,
        )
    print(
        f"Imported {', '.join(report.indicators)} for {report.matched_areas} areas.",
        file=args.terminal.out,
    )
    return 0


def cmd_import_network(args: argparse.Namespace) -> int:
    lines = walkable_lines(Path(args.file))
    with _database(args) as db:
        count = replace_walk_network(db, console_actor(), lines)
    print(f"Loaded a walking network of {count} lines.", file=args.terminal.out)
    return 0


def cmd_coverage(args: argparse.Namespace) -> int:
    with _database(args) as db:
        coverage, _ = service_coverage(db, tuple(args.category), args.distance, args.network)
    coverage.to_csv(args.output if args.output != "-" else args.terminal.out, index=False)
    if args.output != "-":
        mean = coverage["coverage_share"].mean()
        print(
            f"Wrote coverage of {len(coverage)} areas (mean share {mean:.2f}) to {args.output}",
            file=args.terminal.err,
        )
    return 0


def _check_link_export(args: argparse.Namespace) -> None:
    """Links go out as the public sees them, in the formats that hold lines simply."""
    if args.format not in LINK_FORMATS:
        raise ExportError(
            f"Links cannot be exported as {args.format}: use --format {' or '.join(LINK_FORMATS)}."
        )
    if args.kind or args.category or args.area or args.status:
        raise ExportError(
            "Links are exported as anyone may see them (approved, current, both assets public): "
            "--kind, --category, --area and --status are for assets."
        )


def _check_exact_export(args: argparse.Namespace) -> None:
    """An exact export is of assets, to a file whose name says what it holds."""
    if args.what != "assets":
        raise ExportError("Only assets have an exact export: areas and links are always public.")
    if EXACT_MARK not in Path(args.output).name:
        example = export_file_name("assets", args.format, utc_now(), exact=True)
        raise ExportError(
            f"An exact export must say so in its file name ({EXACT_MARK}): for example -o {example}"
        )


def cmd_export(args: argparse.Namespace) -> int:
    """Export what the console's reader (an admin) may take out: people protected, unless
    --exact, which is audited and must be named as such. Assets are read and written a batch
    at a time, so an export of a million keeps little in memory."""
    if args.exact:
        _check_exact_export(args)
    if args.what == "links":
        _check_link_export(args)
    if args.output == "-" and args.format == "gpkg":
        raise ExportError("A GeoPackage cannot go to standard output: give -o FILE.gpkg.")
    with _database(args, BATCH_MEMORY_MB) as db:
        if args.what == "assets":
            asset_filter = AssetFilter(
                statuses=tuple(args.status or ["approved"]),
                kinds=tuple(args.kind or []),
                categories=tuple(args.category or []),
                area_ids=tuple(args.area or []),
            )
            batches = (
                exact_batches(db, console_actor(), asset_filter, args.format)
                if args.exact
                else released_batches(db, console_actor(), asset_filter)
            )
            return _written(args, lambda path: write_asset_batches(batches, args.format, path))
        frame: pd.DataFrame
        writer: Callable[[pd.DataFrame, str, Path], int]
        if args.what == "areas":
            frame, writer = areas_with_indicators(db), write_areas
        else:
            frame, writer = released_links(db, console_actor()), write_links
    return _written(args, lambda path: writer(frame, args.format, path))


def _written(args: argparse.Namespace, write: Callable[[Path], int]) -> int:
    """Write the export to its file, or through a temporary one to standard output."""
    if args.output != "-":
        count = write(Path(args.output))
        print(f"Wrote {count} {args.what} to {args.output}", file=args.terminal.err)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export{SUFFIXES[args.format]}"
        write(path)
        args.terminal.out.flush()  # text printed before comes out before
        with path.open("rb") as written:
            shutil.copyfileobj(written, args.terminal.out_bytes)
        args.terminal.out_bytes.write(b"\n")
    return 0


def _read_password(terminal: Terminal) -> str:
    """Twice from a prompt at a terminal, else one line of standard input."""
    if terminal.stdin.isatty():
        first = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != first:
            raise AccountError("The two passwords differ.")
        return first
    return terminal.stdin.readline().rstrip("\n")


def cmd_user_add(args: argparse.Namespace) -> int:
    password = _read_password(args.terminal)
    with _database(args) as db:
        add_user(db, console_actor(), args.name, args.role, password, email=args.email)
    print(f"Added {args.role} {args.name}.", file=args.terminal.out)
    return 0


def cmd_user_remove(args: argparse.Namespace) -> int:
    with _database(args) as db:
        remove_user(db, console_actor(), args.name)
    print(f"Removed {args.name}; their logins have ended.", file=args.terminal.out)
    return 0


def cmd_user_role(args: argparse.Namespace) -> int:
    with _database(args) as db:
        set_role(db, console_actor(), args.name, args.role)
    print(f"{args.name} is now {args.role}, in logins already open too.", file=args.terminal.out)
    return 0


def cmd_user_list(args: argparse.Namespace) -> int:
    out = args.terminal.out
    with _database(args) as db:
        users = list_users(db)
    if users.empty:
        print(
            "No accounts yet. Add the first admin with: assetmap user add NAME --role admin",
            file=out,
        )
    for user in users.itertuples():
        locked_until = pd.Timestamp(user.locked_until)
        locked = "" if pd.isna(locked_until) else f"  locked until {locked_until:%Y-%m-%d %H:%M}"
        print(f"{user.name}\t{user.role}\t{user.email or ''}{locked}", file=out)
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    with _database(args) as db:
        erase_asset(db, args.asset_id, console_actor())
    print(
        f"Erased {args.asset_id} and every value about it in the audit trail.",
        file=args.terminal.out,
    )
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    with _database(args) as db:
        backup(db, Path(args.directory))
    print(f"Backed up {db.location} to {args.directory}", file=args.terminal.out)
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    settings = _settings(args)
    with restore(settings.db, Path(args.directory)):
        pass
    print(f"Restored {args.directory} into {settings.db}", file=args.terminal.out)
    return 0


def cmd_migrate_db(args: argparse.Namespace) -> int:
    out = args.terminal.out
    with _database(args) as source, connect(args.to) as target:
        copy_database(
            source, target, lambda table: print(f"{table.name}: {table.rows} rows", file=out)
        )
        print(f"Copied {source.location} into {target.location}", file=out)
    print("Point the app at it with ASSETMAP_DB set to that URL.", file=out)
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    """Open the database (holding its lock for as long as the app runs) and start the app's
    server: the Streamlit pages and the app's own routes (server.py).

    The app runs in this process, so a second server on the same file fails at once
    instead of when its first visitor arrives. On a DuckDB file it opens the console door
    (assetmap.api.console) while it serves, so that the other commands run meanwhile.
    """
    from streamlit import config as streamlit_config
    from streamlit.web import bootstrap

    settings = _settings(args)
    _fewer_malloc_arenas()
    # The pages and routes of this process take this same database (one per location).
    db = shared_database(settings.db)
    served_file = database_file(settings.db)  # from the caller's directory: before chdir
    if args.demo and is_empty(db):
        report = load_demo(db, console_actor())
        print(f"First run: loaded the demo ({report.assets_added} assets).", file=args.terminal.out)
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
    print(
        f"Assetmap on http://localhost:{args.port} (database {db.location})",
        file=args.terminal.out,
        flush=True,
    )
    streamlit_config._main_script_path = str(SERVER_SCRIPT)
    bootstrap.load_config_options(flag_options=options)
    console: AbstractContextManager[object] = nullcontext()
    if served_file is not None:
        url = console_url(
            args.address,
            args.port,
            url_prefix(str(streamlit_config.get_option("server.baseUrlPath") or "")),
            https=bool(streamlit_config.get_option("server.sslCertFile")),
        )
        console = open_console(served_file, url, run_for_console(settings.db))
    signal.signal(signal.SIGTERM, _stop)
    try:
        with console:
            bootstrap.run_asgi_app(str(SERVER_SCRIPT), f"{SERVER_SCRIPT.stem}:app", [], options)
    finally:
        close_shared_database(db)
    return 0


def _stop(signum: int, frame: FrameType | None) -> None:
    """End `serve` on SIGTERM (kill, systemd, docker stop) through its finally, as Ctrl+C does.

    uvicorn shuts down gracefully, then raises the signal again for its previous handler;
    Python's default would end the process right there, leaving the runtime file (and the
    database unclosed) behind.
    """
    raise SystemExit(0)


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
    demo.add_argument(
        "--minimal",
        action="store_true",
        help="only the places and institutions: no associations, illustrative people, links "
        "or history",
    )
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

    areas = commands.add_parser(
        "import-areas",
        help="import boundaries (Geonorge grunnkretser, CBS wijken en buurten, Helsinki's "
        "statistical areas, or your own) as one level of areas, replacing only that level",
    )
    areas.add_argument("file", help="GeoPackage, GML, GeoJSON, Shapefile or zipped Shapefile")
    areas.add_argument("--layer", help="the layer to read (default: the finest one recognised)")
    areas.add_argument("--id-field", help="field with the area code (default: recognised)")
    areas.add_argument("--name-field", help="field with the area name (default: recognised)")
    areas.add_argument(
        "--municipality",
        action="append",
        metavar="CODE_OR_NAME",
        help="keep only the areas of this municipality (5001, GM0344, Utrecht, 091); repeatable",
    )
    areas.add_argument("--municipality-field", help="field with the municipality code or name")
    areas.add_argument(
        "--level",
        help="the level these areas are (default: grunnkrets, buurt, wijk, gemeente as "
        f"recognised, else {DEFAULT_LEVEL})",
    )
    areas.add_argument(
        "--place-assets",
        action="store_true",
        help="count assets in this level (by default, the first level imported)",
    )
    areas.add_argument("--crs", help="the file's CRS, when the file does not say (EPSG:3067)")
    areas.set_defaults(handler=cmd_import_areas)

    indicators = commands.add_parser(
        "import-indicators",
        help="indicators per area from JSON-stat, PC-Axis (.px), CBS OData or CSV",
    )
    indicators.add_argument("file")
    indicators.add_argument(
        "--region-dimension",
        "--area-field",
        dest="region_dimension",
        metavar="NAME",
        help="the dimension or column with the area codes (default: the file's geo one, "
        "else the one matching the most areas)",
    )
    indicators.add_argument(
        "--measure",
        action="append",
        metavar="CODE",
        help="a category of the measure (content) dimension to import; repeat for several "
        "(default: all)",
    )
    indicators.add_argument(
        "--time",
        action="append",
        metavar="CODE",
        help="a time to import (default: the latest); several give one indicator per time",
    )
    indicators.add_argument(
        "--category",
        action="append",
        metavar="DIMENSION=CODE",
        help="keep only this category of another dimension (sex, age...); repeat for several",
    )
    indicators.add_argument(
        "--table", type=int, default=1, help="which dataset of a JSON-stat collection (1, 2...)"
    )
    indicators.add_argument(
        "--dry-run", action="store_true", help="show what would be imported; import nothing"
    )
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

    export = commands.add_parser(
        "export", help="export assets, areas or links (RFC 7946 GeoJSON by default)"
    )
    export.add_argument("what", choices=["assets", "areas", "links"])
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
    _add_basemap_commands(commands)
    _add_gazetteer_commands(commands)
    return parser


def _add_basemap_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`assetmap basemap build`: the base map's vector tiles, from an OpenStreetMap extract.
    It needs no database, so it runs here even while the app serves one (local=True)."""
    basemap = commands.add_parser("basemap", help="the app's own base map").add_subparsers(
        dest="basemap", required=True
    )
    build = basemap.add_parser(
        "build", help="turn an OpenStreetMap extract (.osm.pbf) into a PMTiles archive"
    )
    build.add_argument("file", help="an OpenStreetMap extract, .osm.pbf or .osm")
    build.add_argument(
        "-o", "--output", help="the archive to write (default: the extract's name, .pmtiles)"
    )
    build.add_argument(
        "--max-zoom", type=int, default=DEFAULT_MAX_ZOOM, help="the deepest zoom level tiled"
    )
    build.set_defaults(handler=cmd_basemap_build, local=True)


def cmd_basemap_build(args: argparse.Namespace) -> int:
    source = Path(args.file)
    stem = source.name.removesuffix(".pbf").removesuffix(".osm")
    output = Path(args.output) if args.output else source.with_name(f"{stem}.pmtiles")
    out = args.terminal.out

    def progress(message: str) -> None:
        print(message, file=out, flush=True)

    summary = build_basemap(source, output, args.max_zoom, progress)
    print(
        f"Wrote {summary.tiles} tiles ({summary.size_bytes / 1e6:.1f} MB) to {summary.path} "
        f"in {summary.seconds:.1f} s. Map data © OpenStreetMap contributors, ODbL 1.0.",
        file=out,
    )
    return 0


def _add_gazetteer_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`assetmap gazetteer build|import`: the addresses and places the Add page searches."""
    gazetteer = commands.add_parser(
        "gazetteer", help="the addresses and places to search"
    ).add_subparsers(dest="gazetteer", required=True)
    build = gazetteer.add_parser(
        "build", help="addresses, streets and places from an OpenStreetMap extract (.osm.pbf)"
    )
    build.add_argument("file", help="an OpenStreetMap extract, .osm.pbf or .osm")
    build.set_defaults(handler=cmd_gazetteer_build)
    register = gazetteer.add_parser(
        "import", help="a national address register: Kartverket's CSV, BAG (CSV or GeoPackage)"
    )
    register.add_argument("file")
    register.set_defaults(handler=cmd_gazetteer_import)


def cmd_gazetteer_build(args: argparse.Namespace) -> int:
    with _database(args) as db:
        report = build_gazetteer(db, console_actor(), Path(args.file))
    print(
        f"Loaded {report.entries} addresses, streets and places from OpenStreetMap "
        "(© OpenStreetMap contributors, ODbL 1.0).",
        file=args.terminal.out,
    )
    return 0


def cmd_gazetteer_import(args: argparse.Namespace) -> int:
    with _database(args) as db:
        report = import_gazetteer(db, console_actor(), Path(args.file))
    source = {"kartverket": "Kartverket", "bag": "BAG"}.get(report.source, report.source)
    print(f"Loaded {report.entries} addresses from {source}.", file=args.terminal.out)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    typed = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(typed)
    terminal = Terminal.of_process()
    return _reporting_errors(terminal, lambda: _run_here_or_in_app(args, typed, terminal))


def _run_here_or_in_app(args: argparse.Namespace, typed: list[str], terminal: Terminal) -> int:
    """Run the command here, or, while `assetmap serve` holds its DuckDB file, have the app
    run it (it reads the password here first: the app has no terminal)."""
    args.terminal, args.served = terminal, None
    local = args.handler is cmd_serve or getattr(args, "local", False)
    app = None if local else running_app(_settings(args).db)
    if app is None:
        return int(args.handler(args))
    if args.handler is cmd_restore:
        raise AssetmapError(
            f"stop the app first: it serves {app.database} (process {app.pid}), and a restore "
            "creates a database, never overwrites one. To restore beside it, give --db NEW_FILE."
        )
    stdin = _read_password(terminal) + "\n" if args.handler is cmd_user_add else ""
    outcome = send_command(app, Command(tuple(typed), os.getcwd(), stdin))
    if outcome is None:
        # The app did not answer (starting, or killed): here, a lock still held is named.
        args.terminal = replace(terminal, stdin=io.StringIO(stdin))
        return int(args.handler(args))
    terminal.write_bytes(outcome.stdout)
    terminal.err.write(outcome.stderr)
    return outcome.exit


def _reporting_errors(terminal: Terminal, run: Callable[[], int]) -> int:
    """Run a command; an error a person can act on ends it with one line and exit status 1."""
    try:
        return run()
    except AssetmapError as error:
        print(f"assetmap: error: {error.message}", file=terminal.err)
        return 1
    except BrokenPipeError:
        return 0
    except OSError as error:
        message = f"{error.strerror or error}: {error.filename or ''}".rstrip(": ")
        print(f"assetmap: error: {message}", file=terminal.err)
        return 1


PATH_ARGUMENTS = ("file", "output", "directory")
"""The arguments that name a file or folder to read or write ("-" being standard output)."""


def run_for_console(location: str) -> Runner:
    """How the running app runs a command sent to it (see main): as here, but on the app's
    own database at `location`, with relative paths from the sender's directory, and what
    it prints collected for the sender."""

    def run(command: Command) -> Outcome:
        stdout, stderr = io.BytesIO(), io.StringIO()
        out = io.TextIOWrapper(stdout, encoding="utf-8", write_through=True)
        terminal = Terminal(out, stderr, stdout, io.StringIO(command.input))
        exit_code = _reporting_errors(terminal, lambda: _run_sent(command, location, terminal))
        return Outcome(exit_code, stdout.getvalue(), stderr.getvalue())

    return run


def _run_sent(command: Command, location: str, terminal: Terminal) -> int:
    try:
        args = build_parser().parse_args(command.argv)
    except SystemExit as stop:
        # The sender parsed this very line with its parser: only another version gets here.
        raise AssetmapError(
            "The running app does not read this command as this assetmap does: "
            "restart it after an upgrade."
        ) from stop
    if args.handler in (cmd_serve, cmd_restore):
        raise AssetmapError(f"The running app does not run {args.command}: stop it first.")
    for name in PATH_ARGUMENTS:
        value = getattr(args, name, None)
        if isinstance(value, str) and value != "-":
            setattr(args, name, str(Path(command.cwd) / value))
    args.terminal, args.served = terminal, shared_database(location)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())

"""The schema as an append-only list of migrations, applied in order on connect.

A shipped migration is never edited: change the schema by appending a new one. Each
applied migration's name is recorded in the `migrations` table.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

from assetmap.storage.base import Database, Session, utc_now

Migration = Callable[[Session], None]
MIGRATIONS: list[Migration] = []


def migration(function: Migration) -> Migration:
    MIGRATIONS.append(function)
    return function


@migration
def m001_assets_and_areas(session: Session) -> None:
    session.execute(
        """
        CREATE TABLE areas (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            note VARCHAR NOT NULL DEFAULT '',
            geometry BLOB NOT NULL,
            min_lon DOUBLE NOT NULL,
            min_lat DOUBLE NOT NULL,
            max_lon DOUBLE NOT NULL,
            max_lat DOUBLE NOT NULL
        )
        """
    )
    session.execute(
        """
        CREATE TABLE assets (
            id VARCHAR PRIMARY KEY,
            kind VARCHAR NOT NULL,
            category VARCHAR NOT NULL,
            sector VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            description VARCHAR NOT NULL DEFAULT '',
            lon DOUBLE NOT NULL,
            lat DOUBLE NOT NULL,
            area_id VARCHAR,
            address VARCHAR NOT NULL DEFAULT '',
            website VARCHAR NOT NULL DEFAULT '',
            phone VARCHAR NOT NULL DEFAULT '',
            email VARCHAR NOT NULL DEFAULT '',
            opening_hours VARCHAR NOT NULL DEFAULT '',
            wheelchair VARCHAR NOT NULL DEFAULT 'unknown',
            languages VARCHAR NOT NULL DEFAULT '',
            tags VARCHAR NOT NULL DEFAULT '',
            status VARCHAR NOT NULL,
            source VARCHAR NOT NULL,
            source_id VARCHAR,
            review_note VARCHAR NOT NULL DEFAULT '',
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL
        )
        """
    )
    session.execute("CREATE TABLE data_version (version BIGINT NOT NULL)")
    session.execute("INSERT INTO data_version VALUES (0)")


@migration
def m002_trust(session: Session) -> None:
    """Accounts, the audit trail (HSDS metadata shape), visitor flags, consent and contact."""
    session.execute(
        """
        CREATE TABLE users (
            name VARCHAR PRIMARY KEY,
            role VARCHAR NOT NULL,
            email VARCHAR,
            password_hash VARCHAR,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until TIMESTAMP,
            created_at TIMESTAMP NOT NULL
        )
        """
    )
    session.execute("CREATE SEQUENCE audit_log_ids START 1")
    session.execute(
        """
        CREATE TABLE audit_log (
            id BIGINT PRIMARY KEY DEFAULT nextval('audit_log_ids'),
            resource_id VARCHAR NOT NULL,
            resource_type VARCHAR NOT NULL,
            last_action_date TIMESTAMP NOT NULL,
            last_action_type VARCHAR NOT NULL,
            field_name VARCHAR NOT NULL,
            previous_value VARCHAR,
            replacement_value VARCHAR,
            updated_by VARCHAR NOT NULL,
            reason VARCHAR NOT NULL DEFAULT ''
        )
        """
    )
    session.execute(
        """
        CREATE TABLE flags (
            asset_id VARCHAR NOT NULL,
            reporter VARCHAR NOT NULL,
            reason VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            PRIMARY KEY (asset_id, reporter)
        )
        """
    )
    for column in (
        "contact_public BOOLEAN NOT NULL DEFAULT false",
        "consent_version VARCHAR",
        "consent_at TIMESTAMP",
        "consent_renew_by TIMESTAMP",
    ):
        session.execute(f"ALTER TABLE assets ADD COLUMN {column}")
    session.execute("UPDATE assets SET contact_public = true WHERE kind <> 'person'")


@migration
def m003_planning_layers(session: Session) -> None:
    """Indicators per area, and the walking network for network service areas."""
    session.execute(
        """
        CREATE TABLE indicators (
            key VARCHAR PRIMARY KEY,
            label VARCHAR NOT NULL,
            unit VARCHAR NOT NULL DEFAULT '',
            year INTEGER,
            source VARCHAR NOT NULL DEFAULT '',
            higher_is_need BOOLEAN NOT NULL DEFAULT true,
            is_population BOOLEAN NOT NULL DEFAULT false
        )
        """
    )
    session.execute(
        """
        CREATE TABLE indicator_values (
            indicator_key VARCHAR NOT NULL,
            area_id VARCHAR NOT NULL,
            value DOUBLE,
            PRIMARY KEY (indicator_key, area_id)
        )
        """
    )
    session.execute(
        """
        CREATE TABLE walk_edges (
            id INTEGER PRIMARY KEY,
            geometry BLOB NOT NULL
        )
        """
    )


@migration
def m004_links_snapshots_actions(session: Session) -> None:
    """Relationships between assets, saved meeting views, and the Partnership Framework log."""
    session.execute(
        """
        CREATE TABLE links (
            id VARCHAR PRIMARY KEY,
            from_id VARCHAR NOT NULL,
            to_id VARCHAR NOT NULL,
            type VARCHAR NOT NULL,
            role VARCHAR NOT NULL DEFAULT '',
            start_date DATE,
            end_date DATE,
            status VARCHAR NOT NULL,
            created_by VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            updated_at TIMESTAMP NOT NULL
        )
        """
    )
    session.execute(
        """
        CREATE TABLE snapshots (
            id VARCHAR PRIMARY KEY,
            name VARCHAR NOT NULL,
            view VARCHAR NOT NULL,
            assets VARCHAR NOT NULL,
            links VARCHAR NOT NULL,
            created_by VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        )
        """
    )
    session.execute(
        """
        CREATE TABLE actions (
            id VARCHAR PRIMARY KEY,
            area_id VARCHAR NOT NULL,
            step VARCHAR NOT NULL,
            text VARCHAR NOT NULL,
            owner VARCHAR NOT NULL DEFAULT '',
            due_date DATE,
            status VARCHAR NOT NULL DEFAULT 'open',
            asset_ids VARCHAR NOT NULL DEFAULT '',
            created_by VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        )
        """
    )


@migration
def m005_asset_versions(session: Session) -> None:
    """A version per asset that every write raises, for optimistic concurrency: an edit
    made on an older version is refused rather than written over someone else's."""
    session.execute("ALTER TABLE assets ADD COLUMN version INTEGER NOT NULL DEFAULT 1")


@migration
def m006_reports(session: Session) -> None:
    """Every report kept on its own (flags kept one per reporter, so visitors sharing an
    address overwrote each other's), with the reporter's address key for counting; and
    what visitors did when, for the limits per address."""
    session.execute(
        """
        CREATE TABLE reports (
            id VARCHAR PRIMARY KEY,
            asset_id VARCHAR NOT NULL,
            reporter VARCHAR NOT NULL,
            reason VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        )
        """
    )
    session.execute(
        "INSERT INTO reports SELECT asset_id || ':' || reporter, asset_id, reporter, reason, "
        "created_at FROM flags"
    )
    session.execute("DROP TABLE flags")
    session.execute("CREATE INDEX reports_by_asset ON reports (asset_id)")
    session.execute(
        "CREATE TABLE visitor_activity (actor VARCHAR NOT NULL, action VARCHAR NOT NULL, "
        "happened_at TIMESTAMP NOT NULL)"
    )
    session.execute("CREATE INDEX visitor_activity_by_actor ON visitor_activity (actor, action)")


@migration
def m007_login_sessions(session: Session) -> None:
    """Logins kept on the server, so a reload keeps them and logging out, removing an account
    or changing its role ends them at once; and the key that signs their cookies."""
    session.execute(
        """
        CREATE TABLE login_sessions (
            id VARCHAR PRIMARY KEY,
            user_name VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            last_seen TIMESTAMP NOT NULL,
            ticket VARCHAR,
            ticket_expires TIMESTAMP,
            revoked_at TIMESTAMP
        )
        """
    )
    session.execute("CREATE TABLE app_secrets (name VARCHAR PRIMARY KEY, value VARCHAR NOT NULL)")
    session.execute(
        "INSERT INTO app_secrets VALUES ('session_key', ?)", (secrets.token_urlsafe(32),)
    )


@migration
def m008_data_changed_at(session: Session) -> None:
    """When the data last changed, beside its version: the data API's Last-Modified."""
    session.execute("ALTER TABLE data_version ADD COLUMN changed_at TIMESTAMP")
    session.execute("UPDATE data_version SET changed_at = ?", (utc_now(),))


@migration
def m009_gazetteer(session: Session) -> None:
    """Addresses, streets and named places to search on the Add page, by where they come from
    (OpenStreetMap, Kartverket, BAG), so importing one source replaces only its own; and when
    each source was loaded, which the pages' search index is cached on (a write to the assets
    must not make a million addresses be indexed again)."""
    session.execute(
        """
        CREATE TABLE gazetteer (
            source VARCHAR NOT NULL,
            kind VARCHAR NOT NULL,
            name VARCHAR NOT NULL,
            number VARCHAR NOT NULL DEFAULT '',
            locality VARCHAR NOT NULL DEFAULT '',
            lon DOUBLE NOT NULL,
            lat DOUBLE NOT NULL
        )
        """
    )
    session.execute("CREATE INDEX gazetteer_source ON gazetteer (source)")
    session.execute(
        """
        CREATE TABLE gazetteer_sources (
            source VARCHAR PRIMARY KEY,
            entries INTEGER NOT NULL,
            loaded_at TIMESTAMP NOT NULL
        )
        """
    )


@migration
def m010_photos(session: Session) -> None:
    """Photos of assets, stored as the JPEG bytes shown (no metadata), each waiting for a team
    member's decision before anyone sees it; whether the people in it agreed; and visitors'
    reports about a photo, kept apart from reports about its asset."""
    session.execute(
        """
        CREATE TABLE photos (
            id VARCHAR PRIMARY KEY,
            asset_id VARCHAR NOT NULL,
            data BLOB NOT NULL,
            media_type VARCHAR NOT NULL,
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            status VARCHAR NOT NULL,
            people_consent BOOLEAN NOT NULL DEFAULT false,
            created_by VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL,
            decided_at TIMESTAMP
        )
        """
    )
    session.execute("CREATE INDEX photos_by_asset ON photos (asset_id)")
    session.execute(
        """
        CREATE TABLE photo_reports (
            id VARCHAR PRIMARY KEY,
            photo_id VARCHAR NOT NULL,
            reporter VARCHAR NOT NULL,
            reason VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL
        )
        """
    )
    session.execute("CREATE INDEX photo_reports_by_photo ON photo_reports (photo_id)")


@migration
def m011_area_levels(session: Session) -> None:
    """Several levels of area side by side (grunnkretser and the team's own neighbourhoods,
    buurten and wijken), each replaced on its own; one level is where assets are placed
    (their `area_id`). The areas there were become that level: 'neighbourhoods'."""
    session.execute("ALTER TABLE areas ADD COLUMN level VARCHAR NOT NULL DEFAULT 'neighbourhoods'")
    session.execute(
        """
        CREATE TABLE area_levels (
            level VARCHAR PRIMARY KEY,
            places_assets BOOLEAN NOT NULL DEFAULT false
        )
        """
    )
    session.execute(
        "INSERT INTO area_levels (level, places_assets) "
        "SELECT 'neighbourhoods', true WHERE EXISTS (SELECT 1 FROM areas)"
    )


@migration
def m012_indicator_notes(session: Session) -> None:
    """A note per indicator, from the statistics file: how the publisher rounds or hides
    small counts, what the figure leaves out."""
    session.execute("ALTER TABLE indicators ADD COLUMN note VARCHAR NOT NULL DEFAULT ''")


@migration
def m013_indicator_counts_and_formulas(session: Session) -> None:
    """Whether an indicator counts people or things (a neighbourhood of the team's own drawing
    gets a count's share of each statistical area it overlaps, and a rate's average), and the
    formula of one derived from others ("Jobs / Residents * 1000")."""
    session.execute("ALTER TABLE indicators ADD COLUMN is_count BOOLEAN NOT NULL DEFAULT false")
    session.execute("UPDATE indicators SET is_count = is_population")
    session.execute("ALTER TABLE indicators ADD COLUMN formula VARCHAR NOT NULL DEFAULT ''")


@migration
def m014_map_query_indexes(session: Session) -> None:
    """On PostgreSQL, indexes for the map's queries: by status, kind and category (the
    filters), and by position (a bounding box, AssetFilter.bbox). DuckDB scans its columns
    faster than it would keep these up to date on every import, so it goes without."""
    if session.backend != "postgresql":
        return
    session.execute("CREATE INDEX assets_by_kind ON assets (status, kind, category)")
    session.execute("CREATE INDEX assets_by_position ON assets (lon, lat)")


@migration
def m015_audit_log_without_key_in_duckdb(session: Session) -> None:
    """In DuckDB, the audit log without a primary key. Its ids come from a sequence, and
    nothing looks one up alone; but DuckDB keeps a key's index in memory, where it cannot be
    written out, while a transaction adds to it, and an import of a million assets adds
    twelve million audit rows: 100 MB of the 300 MB the command lets DuckDB use."""
    if session.backend != "duckdb":
        return
    session.execute(
        """
        CREATE TABLE audit_log_unkeyed (
            id BIGINT NOT NULL DEFAULT nextval('audit_log_ids'),
            resource_id VARCHAR NOT NULL,
            resource_type VARCHAR NOT NULL,
            last_action_date TIMESTAMP NOT NULL,
            last_action_type VARCHAR NOT NULL,
            field_name VARCHAR NOT NULL,
            previous_value VARCHAR,
            replacement_value VARCHAR,
            updated_by VARCHAR NOT NULL,
            reason VARCHAR NOT NULL DEFAULT ''
        )
        """
    )
    session.execute("INSERT INTO audit_log_unkeyed SELECT * FROM audit_log ORDER BY id")
    session.execute("DROP TABLE audit_log")
    session.execute("ALTER TABLE audit_log_unkeyed RENAME TO audit_log")


def applied_migrations(db: Database) -> list[str]:
    return [row[0] for row in db.rows("SELECT name FROM migrations ORDER BY applied_at, name")]


def apply_migrations(db: Database) -> list[str]:
    """Apply the migrations not yet recorded; return the names applied now.

    Each step checks again inside its own transaction, so app processes starting together
    on one PostgreSQL server apply every migration exactly once.
    """
    with db.transaction() as session:
        session.execute(
            "CREATE TABLE IF NOT EXISTS migrations "
            "(name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)"
        )
    done = set(applied_migrations(db))
    applied = []
    for step in MIGRATIONS:
        if step.__name__ in done:
            continue  # no write transaction, and on PostgreSQL no wait for the write lock
        with db.transaction() as session:
            if session.rows("SELECT 1 FROM migrations WHERE name = ?", (step.__name__,)):
                continue
            step(session)
            session.execute(
                "INSERT INTO migrations VALUES (?, ?)",
                (step.__name__, utc_now()),
            )
        applied.append(step.__name__)
    return applied

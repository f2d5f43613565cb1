"""Shared fixtures: real DuckDB files in tmp_path, and the demo data they can hold."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from assetmap.accounts import Actor, visitor
from assetmap.db import Database, connect
from assetmap.demo import load_demo

PROJECT_DIR = Path(__file__).resolve().parents[1]
DEMO_ASSET_COUNT = 66
DEMO_AREA_COUNT = 6
ADMIN = Actor("admin-in-tests", "admin")
TEAM = Actor("team-in-tests", "team")
VISITOR = visitor("a visitor in tests")


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "assetmap.duckdb"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    database = connect(str(db_path))
    yield database
    database.close()


@pytest.fixture
def demo_db(db: Database) -> Database:
    load_demo(db, ADMIN)
    return db


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """Keep each phase's report on the test, so browser fixtures can screenshot failures."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def app_db(tmp_path, monkeypatch) -> Iterator[str]:
    location = str(tmp_path / "app.duckdb")
    with connect(location) as db:
        load_demo(db, ADMIN)
    monkeypatch.setenv("ASSETMAP_DB", location)
    monkeypatch.setenv("ASSETMAP_TILES", "none")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield location
    st.cache_resource.clear()

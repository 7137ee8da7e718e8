"""The benchmark: its corpora (distinct real-text documents), its growth arithmetic, and a tiny end-to-end run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mapdash.cli import main
from mapdash.devtools import benchcorpus
from mapdash.devtools.benchcorpus import Article, lead_sentence, synthetic_document
from mapdash.devtools.benchtools import Figure, Results
from mapdash.geoparse.ingest import document_id

ARTICLES = [
    Article(f"a{i}", f"Title {i}", f"Article {i} opens here in Springfield. It goes on about item {i}.")
    for i in range(7)
]


@pytest.mark.parametrize(
    ("text", "lead"),
    [
        (
            "Police in Dayton said Monday that the fire began in a kitchen. It spread to two homes.",
            "Police in Dayton said Monday that the fire began in a kitchen.",
        ),
        (
            "St. Paul police said the fire began early on Monday. It spread.",
            "St. Paul police said the fire began early on Monday.",
        ),
        (
            "A short one? No. It is long enough to be a sentence of its own. Next",
            "A short one? No. It is long enough to be a sentence of its own.",
        ),
        ("No full stop at all in this text", "No full stop at all in this text"),
    ],
)
def test_lead_sentence(text: str, lead: str) -> None:
    assert lead_sentence(text) == lead


def test_synthetic_documents_are_distinct_real_text() -> None:
    n = len(ARTICLES)
    docs = [synthetic_document(ARTICLES, i) for i in range(n * (n - 1))]
    assert len({document_id(text) for _, text, _ in docs}) == len(docs), "no two documents share a text"
    title, text, day = docs[n + 2]
    assert text.startswith(ARTICLES[2].text) and "\n\n" in text and title == f"{ARTICLES[2].title} [{n + 2}]"
    assert (docs[1][2] - docs[0][2]).days == 1


def test_corpus_files_carry_title_and_date(tmp_path: Path) -> None:
    benchcorpus.write_corpus(ARTICLES, 3, tmp_path)
    sidecar = json.loads((tmp_path / "000" / "lgl-000002.json").read_text())
    assert sidecar == {"title": "Title 2 [2]", "date": "2009-01-03"}
    assert (tmp_path / "000" / "lgl-000002.txt").read_text().startswith(ARTICLES[2].text)


def test_growth_exponents_and_flat_memory() -> None:
    results = Results()
    for size, seconds, mb in [(1000, 2.0, 300.0), (10000, 20.0, 330.0)]:
        results.add(Figure("ingest", "x", size, size / seconds, "docs/s", seconds), echo=lambda _: None)
        results.add(Figure("ingest", "x: peak memory", size, mb, "MB RSS"), echo=lambda _: None)
    results.add(Figure("filter", "f", 1000, 1.0, "ms", 0.001), echo=lambda _: None)
    results.add(Figure("filter", "f", 100000, 10.0, "ms", 0.01), echo=lambda _: None)
    assert [(g["name"], g["exponent"], g["linear_or_better"]) for g in results.growth()] == [
        ("x", 1.0, True),
        ("f", 0.5, True),
    ]
    results.check_flat("ingest", "peak memory")
    assert results.figures[-3].ok is True and "1.10x" in results.figures[-3].note


def test_without_lgl_the_benchmark_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(benchcorpus.LGL_ENV, str(tmp_path / "absent.jsonl"))
    out = tmp_path / "r.json"
    assert main(["bench", "--out", str(out)]) == 0
    assert "skipped: LGL corpus not found" in capsys.readouterr().out
    assert "never shipped" in json.loads(out.read_text())["skipped"][0]


def test_a_quick_run_measures_every_step(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not benchcorpus.lgl_path().is_file():
        pytest.skip(f"the LGL corpus is evaluation data beside the project, absent here ({benchcorpus.lgl_path()})")
    out = tmp_path / "quick.json"
    assert main(["--no-spacy", "bench", "--quick", "--workers", "2", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    sections = {f["section"] for f in data["figures"]}
    assert {"geoparse", "ingest", "frame", "filter", "map", "long document"} <= sections
    names = {f["name"] for f in data["figures"]}
    assert {
        "gazetteer, 2 processes, SQLite",
        "gazetteer, Dask local, 2 workers, SQLite",
        "slowest filter query",
    } <= names
    assert all(f["value"] > 0 for f in data["figures"])
    assert "growth (exponent of time vs size" in capsys.readouterr().out


@pytest.mark.parametrize("kind", benchcorpus.LONG_KINDS)
def test_long_documents_have_the_size_asked(kind: str) -> None:
    text = benchcorpus.long_text(kind, 100_000, ARTICLES)
    assert len(text) == 100_000 and text.count("\n\n") > 5
    source = benchcorpus.SEED_RELEASE.read_text(encoding="utf-8").strip() if kind == "repetitive" else ARTICLES[0].text
    assert source[:200] in text


def test_long_documents_run_without_lgl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(benchcorpus.LGL_ENV, str(tmp_path / "absent.jsonl"))
    out = tmp_path / "long.json"
    assert main(["--no-spacy", "bench", "--long-only", "--long", "0.05", "--out", str(out)]) == 0
    data = json.loads(out.read_text())
    (time_figure, memory) = [f for f in data["figures"] if f["section"] == "long document"]
    assert time_figure["name"] == "repetitive text, gazetteer" and time_figure["size"] == round(0.05 * 1024 * 1024)
    assert time_figure["value"] > 0 and memory["unit"] == "MB RSS" and memory["value"] > 50
    assert any("ordinary text needs the LGL corpus" in s for s in data["skipped"])

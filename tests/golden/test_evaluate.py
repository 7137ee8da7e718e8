"""Geoparser evaluation: span matching, distances, Gritta's AUC, the report's figures and the `eval` command."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from mapdash.cli import main
from mapdash.devtools.evaluate import (
    MAX_ERROR_KM,
    GoldDoc,
    GoldFormatError,
    GoldToponym,
    auc_log_error,
    error_records,
    gold_kind,
    gold_span_toponyms,
    load_gold,
    match_spans,
    score,
)
from mapdash.geo import haversine_km
from mapdash.model import Place, Resolution, Toponym

L = math.log(MAX_ERROR_KM)


@pytest.mark.parametrize(
    ("gold", "predicted", "expected"),
    [
        ([(0, 5)], [(0, 5)], [0]),  # exact
        ([(0, 14)], [(0, 7)], [0]),  # "Rapides" inside "Rapides Parish"
        ([(0, 7)], [(0, 14)], [0]),  # "Cottonport" inside "Cottonport Fire Station"
        ([(0, 5)], [(5, 9)], [None]),  # touching is not overlapping
        ([(0, 10), (12, 15)], [(0, 15)], [0, None]),  # one prediction matches one gold: the larger overlap
        ([(0, 4), (5, 20)], [(3, 18)], [None, 0]),  # the larger overlap wins even when it comes second
        (
            [(0, 14)],
            [(0, 7), (8, 14)],
            [0],
        ),  # two predictions in one gold span: one matched, the other a false positive
        ([(0, 5), (10, 15)], [(10, 15), (0, 5)], [1, 0]),  # order of predictions does not matter
        ([], [(0, 5)], []),
        ([(0, 5)], [], [None]),
    ],
)
def test_match_spans(gold, predicted, expected) -> None:
    assert match_spans(gold, predicted) == expected


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [
        ((31.3113, -92.4451), (31.3113, -92.4451), 0.0),
        ((0.0, 0.0), (0.0, 1.0), 111.195),  # one degree on the equator
        ((48.8566, 2.3522), (51.5074, -0.1278), 343.56),  # Paris - London
        ((0.0, 0.0), (0.0, 180.0), 20015.1),  # antipodes: half the circumference
        ((10.0, 179.5), (10.0, -179.5), 109.5),  # across the date line
    ],
)
def test_haversine_km(a, b, km) -> None:
    assert haversine_km(*a, *b) == pytest.approx(km, abs=0.1)


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        ([], None),
        ([0.0], 0.0),
        ([0.0, 0.0, 0.0], 0.0),
        ([MAX_ERROR_KM, MAX_ERROR_KM], math.log1p(MAX_ERROR_KM) / L),  # every error maximal: 1 (a hair over: ln(1 + e))
        ([0.0, MAX_ERROR_KM], math.log1p(MAX_ERROR_KM) / 2 / L),  # one trapezoid from 0 to the top: half
        ([MAX_ERROR_KM, 0.0, 0.0], math.log1p(MAX_ERROR_KM) / 2 / (2 * L)),  # sorted first: 0, 0, max -> a quarter
        ([160.0] * 4, math.log(161.0) / L),
        ([50_000.0, 0.0], math.log1p(MAX_ERROR_KM) / 2 / L),  # errors beyond the maximum are capped
        ([1.0, 10.0, 100.0], (math.log(2) / 2 + math.log(11) + math.log(101) / 2) / (2 * L)),
    ],
)
def test_auc_log_error(errors, expected) -> None:
    assert auc_log_error(errors) == (None if expected is None else pytest.approx(expected))


@pytest.mark.parametrize(
    ("fcode", "kind"),
    [
        ("PCLI", "country"),
        ("PCLS", "country"),
        ("ADM1", "admin1"),
        ("ADM2", "admin2"),
        ("PPL", "city"),
        ("PPLC", "city"),
        ("STM", "other"),
        (None, "other"),
    ],
)
def test_gold_kind(fcode: str | None, kind: str) -> None:
    assert gold_kind(fcode) == kind


def _place(name: str, lat: float, lon: float, geonameid: int) -> Place:
    """A city Place for hand-made predictions."""
    return Place(f"gn:{geonameid}", geonameid, name, "city", "US", "United States", None, lat, lon)


def _res(start: int, end: int, place: Place | None) -> Resolution:
    """A prediction at start..end choosing place."""
    return Resolution(Toponym(start, end, "x" * (end - start), "x", "ner", 0, 100), place, 0.9 if place else 0.0)


# A: found, 10 km off; B: found, about 1,000 km off; C: missed; D: found, no gold point (a street); E: found,
# unresolved.
GOLD = GoldDoc(
    "d1",
    "." * 100,
    (
        GoldToponym(0, 5, "AAAAA", 1, 30.0, -90.0, "PPL"),
        GoldToponym(10, 15, "BBBBB", 2, 30.0, -90.0, "PPL"),
        GoldToponym(20, 25, "CCCCC", 3, 30.0, -90.0, "ADM2"),
        GoldToponym(30, 35, "DDDDD", None, None, None, None),
        GoldToponym(40, 45, "EEEEE", 5, 30.0, -90.0, "ADM1"),
    ),
)
KM_A = haversine_km(30.0, -90.0, 30.09, -90.0)
KM_B = haversine_km(30.0, -90.0, 39.0, -90.0)
PREDICTED = [
    _res(0, 5, _place("A", 30.09, -90.0, 1)),
    _res(10, 15, _place("B", 39.0, -90.0, 99)),
    _res(30, 35, _place("D", 30.0, -90.0, 4)),
    _res(40, 45, None),
    _res(60, 65, _place("FP", 0.0, 0.0, 7)),  # a false positive
]


def test_score_on_a_hand_made_set() -> None:
    report = score([GOLD], [PREDICTED])
    assert (report.docs, report.gold_toponyms, report.predicted, report.matched) == (1, 5, 5, 4)
    assert (report.precision, report.recall, report.f1) == pytest.approx((0.8, 0.8, 0.8))
    assert (report.resolvable, report.found) == (4, 3)  # C was missed; D has no point
    assert report.acc161 == pytest.approx(1 / 4)  # only A, and the miss counts as wrong
    assert report.acc161_found == pytest.approx(1 / 3)  # A of A, B, E (E unresolved: the maximal error)
    errors = sorted([KM_A, KM_B, MAX_ERROR_KM])
    assert report.median_km == pytest.approx(KM_B)
    assert report.mean_km == pytest.approx(sum(errors) / 3)
    assert report.auc == pytest.approx(auc_log_error(errors))
    assert report.geonameid_exact == pytest.approx(1 / 4)  # A of A, B, C, E
    assert report.by_kind["city"] == {"n": 2, "found": 1.0, "acc161": 0.5}
    assert report.by_kind["admin2"] == {"n": 1, "found": 0.0, "acc161": 0.0}


@pytest.mark.parametrize(
    ("predicted", "precision", "recall", "acc161"),
    [
        ([], 0.0, 0.0, 0.0),  # nothing predicted: no division by zero
        ([_res(0, 5, _place("A", 30.0, -90.0, 1))], 1.0, 0.2, 0.25),
    ],
)
def test_score_edge_cases(predicted, precision: float, recall: float, acc161: float) -> None:
    report = score([GOLD], [predicted])
    assert (report.precision, report.recall, report.acc161) == pytest.approx((precision, recall, acc161))


def test_score_of_an_empty_corpus() -> None:
    report = score([], [])
    assert (report.docs, report.f1, report.acc161, report.median_km, report.auc) == (0, 0.0, 0.0, None, None)


def test_error_records_worst_first_then_misses_and_false_positives() -> None:
    records = error_records([GOLD], [PREDICTED], known=lambda gid: gid != 3)
    assert [r["type"] for r in records] == ["resolution", "resolution", "miss", "false_positive"]
    assert [r["text"] for r in records[:2]] == ["EEEEE", "BBBBB"]  # unresolved (maximal error) before 1,000 km
    assert records[1]["km"] == pytest.approx(KM_B, abs=0.1) and records[1]["predicted"]["name"] == "B"
    assert records[2]["gold"]["in_gazetteer"] is False
    assert all(json.dumps(r) for r in records)


def _line(text: str, names: list[tuple[str, int | None, float | None, float | None, str | None]], doc_id: str) -> str:
    """A gold JSONL line for text with the given (name, geonameid, lat, lon, fcode) toponyms, located by search."""
    toponyms, cursor = [], 0
    for name, gid, lat, lon, fcode in names:
        start = text.index(name, cursor)
        cursor = start + len(name)
        toponyms.append(
            {
                "start": start,
                "end": cursor,
                "text": name,
                "geonameid": gid,
                "lat": lat,
                "lon": lon,
                "fclass": None,
                "fcode": fcode,
                "country": None,
                "admin1": None,
            }
        )
    return json.dumps({"doc_id": doc_id, "title": "", "url": "", "text": text, "toponyms": toponyms})


@pytest.fixture()
def gold_file(tmp_path: Path) -> Path:
    """Three gold articles: a US small town with its state, a foreign capital, a street with no coordinates."""
    path = tmp_path / "gold.jsonl"
    path.write_text(
        "\n".join(
            [
                _line(
                    "Police in Alexandria, Louisiana, arrested a man near Pineville on Monday.",
                    [
                        ("Alexandria", 4314550, 31.3113, -92.4451, "PPL"),
                        ("Louisiana", 4331987, 31.0, -92.0, "ADM1"),
                        ("Pineville", 4337291, 31.3224, -92.4343, "PPL"),
                    ],
                    "g1",
                ),
                _line(
                    "Protesters gathered in Cairo, Egypt, on Friday.",
                    [("Cairo", 360630, 30.0626, 31.2497, "PPLC"), ("Egypt", 357994, 27.0, 30.0, "PCLI")],
                    "g2",
                ),
                _line(
                    "Firefighters closed Orchard Street in Paris, France, after the blast.",
                    [
                        ("Orchard Street", None, None, None, None),
                        ("Paris", 2988507, 48.8534, 2.3488, "PPLC"),
                        ("France", 3017382, 46.0, 2.0, "PCLI"),
                    ],
                    "g3",
                ),
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    return path


def test_load_gold(gold_file: Path) -> None:
    docs = load_gold(gold_file)
    assert [d.doc_id for d in docs] == ["g1", "g2", "g3"]
    street = docs[2].toponyms[0]
    assert street.text == "Orchard Street" and not street.has_point and street.geonameid is None
    assert all(docs[i].text[t.start : t.end] == t.text for i in range(3) for t in docs[i].toponyms)


def test_load_gold_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"doc_id": "a", "text": "x", "toponyms": []}\n{"doc_id": "b"}\n', encoding="utf-8")
    with pytest.raises(GoldFormatError, match=r"bad.jsonl:2"):
        load_gold(path)


def test_gold_span_toponyms_carry_sentences_and_demonyms(gazetteer) -> None:
    text = "Israeli troops left. They crossed into Egypt."
    doc = GoldDoc("d", text, (GoldToponym(0, 7, "Israeli"), GoldToponym(39, 44, "Egypt")))
    from mapdash.geoparse.toponyms import Recognizer

    first, second = gold_span_toponyms(doc, Recognizer(gazetteer))
    assert (first.lookup, first.is_demonym, first.source) == ("Israel", True, "demonym")
    assert (second.lookup, second.is_demonym, second.source) == ("Egypt", False, "ner")
    assert (second.sentence_start, second.sentence_end) == (21, len(text))


def _json_tail(out: str) -> dict:
    """The command's last line, parsed."""
    return json.loads(out.strip().splitlines()[-1])


REQUIRED = {
    "docs",
    "gold_toponyms",
    "docs_per_s",
    "peak_rss_mb",
    "precision",
    "recall",
    "f1",
    "acc161",
    "acc161_found",
    "median_km",
    "mean_km",
    "auc",
    "geonameid_exact",
    "mode",
}


@pytest.mark.parametrize("flags", [["--no-spacy"], []])
def test_eval_command_from_raw_text(
    gold_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], flags: list[str]
) -> None:
    errors = tmp_path / "errors.jsonl"
    assert main([*flags, "eval", "geoparse", str(gold_file), "--errors", str(errors)]) == 0
    out = capsys.readouterr().out
    figures = _json_tail(out)
    assert REQUIRED <= set(figures)
    assert figures["mode"] == ("gazetteer" if flags else "spacy+gazetteer") and figures["spans"] == "recognised"
    assert (figures["docs"], figures["gold_toponyms"], figures["resolvable"]) == (3, 8, 7)
    assert figures["recall"] >= 0.5 and figures["acc161"] >= 0.5  # loose: the geoparser is tuned elsewhere
    assert figures["docs_per_s"] > 0 and figures["peak_rss_mb"] > 10
    assert "acc@161" in out and "recognition" in out
    assert all(
        json.loads(line)["type"] in {"resolution", "miss", "false_positive"} for line in errors.read_text().splitlines()
    )


def test_eval_command_on_gold_spans(gold_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--no-spacy", "eval", "geoparse", str(gold_file), "--gold-spans", "--limit", "2"]) == 0
    figures = _json_tail(capsys.readouterr().out)
    assert figures["spans"] == "gold" and figures["docs"] == 2
    assert (figures["precision"], figures["recall"], figures["found"]) == (1.0, 1.0, 5)


def test_eval_command_reports_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("not json\n", encoding="utf-8")
    assert main(["eval", "geoparse", str(path)]) == 2
    assert "bad.jsonl:1" in capsys.readouterr().err

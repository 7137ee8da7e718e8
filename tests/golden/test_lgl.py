"""The geoparser on LGL (../shared/bench/geoparse/lgl.jsonl, development data beside the checkout, never shipped):
resolution on the gold spans keeps the target acc@161 >= 0.85 and recognition from raw text F1 >= 0.80.
Skipped, with the reason, where the corpus is not beside the checkout (MAPDASH_LGL names another copy)."""

from __future__ import annotations

import pytest

from mapdash.devtools.benchcorpus import lgl_path
from mapdash.devtools.evaluate import evaluate_file
from mapdash.settings import Settings

LGL = lgl_path()
pytestmark = pytest.mark.skipif(not LGL.exists(), reason=f"LGL corpus not found at {LGL}")


def test_resolution_on_the_gold_spans_meets_the_target(settings: Settings) -> None:
    report = evaluate_file(LGL, settings, use_spacy=False, gold_spans=True)
    assert report.docs == 588 and report.recall == 1.0
    assert report.acc161 >= 0.85, report.acc161


@pytest.mark.slow
def test_recognition_and_resolution_from_raw_text_meet_the_targets(settings: Settings) -> None:
    report = evaluate_file(LGL, settings, use_spacy=True)
    assert report.f1 >= 0.80, report.f1
    assert report.acc161 >= 0.70, report.acc161

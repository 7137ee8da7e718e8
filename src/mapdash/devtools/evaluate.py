"""Geoparser evaluation on gold corpora: recognition precision/recall/F1 and resolution accuracy.

The scoring functions are pure (gold documents and predictions in, an ``EvalReport`` out); the loop that
runs the pipeline over a corpus sits apart at the end, so the metrics are tested on hand-made sets.
The gold format is one JSON article a line with character-offset toponyms (see ``../shared/README.md``).
"""

from __future__ import annotations

import json
import math
import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapdash.geo import haversine_km
from mapdash.model import Place, Resolution, Toponym
from mapdash.text import sentence_spans

if TYPE_CHECKING:
    from mapdash.geoparse.pipeline import Services
    from mapdash.geoparse.toponyms import Recognizer
    from mapdash.settings import Settings

MAX_ERROR_KM = 20039.0  # half the Earth's circumference: Gritta et al.'s worst possible error
ACCURACY_KM = 161.0  # 100 miles, the usual accuracy@161 threshold
KINDS = {"PCL": "country", "ADM1": "admin1", "ADM2": "admin2", "PPL": "city"}
PLACE_FIELDS = (
    "place_id",
    "name",
    "feature",
    "feature_code",
    "country_code",
    "admin1_name",
    "population",
    "lat",
    "lon",
)


class GoldFormatError(ValueError):
    """A gold file line that is not an article of the expected shape."""


@dataclass(frozen=True)
class GoldToponym:
    """One annotated toponym; geonameid and coordinates are None where the gold gives none (streets)."""

    start: int
    end: int
    text: str
    geonameid: int | None = None
    lat: float | None = None
    lon: float | None = None
    fcode: str | None = None
    country: str | None = None
    admin1: str | None = None

    @property
    def has_point(self) -> bool:
        """Say whether the gold gives coordinates, so resolution can be scored."""
        return self.lat is not None and self.lon is not None


@dataclass(frozen=True)
class GoldDoc:
    """One annotated article."""

    doc_id: str
    text: str
    toponyms: tuple[GoldToponym, ...]
    title: str = ""


@dataclass(frozen=True)
class Outcome:
    """How one gold toponym fared: the prediction matched to it and its error in km."""

    gold: GoldToponym
    predicted: Resolution | None  # the recognised mention overlapping it, if any
    error_km: float | None  # None when unscored (no gold point, or not found); MAX_ERROR_KM when found but unresolved


@dataclass(frozen=True)
class EvalReport:
    """The figures of one evaluation run; ``metrics()`` is what the command prints as JSON."""

    docs: int
    gold_toponyms: int
    predicted: int
    matched: int
    precision: float
    recall: float
    f1: float
    resolvable: int  # gold toponyms with coordinates
    found: int  # of those, how many a prediction overlaps
    acc161: float
    acc161_found: float
    median_km: float | None
    mean_km: float | None
    auc: float | None
    geonameid_exact: float
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    mode: str = ""
    spans: str = "recognised"
    docs_per_s: float = 0.0
    docs_per_cpu_s: float = 0.0  # the same per second of this process's CPU time: steadier on a busy machine
    peak_rss_mb: float = 0.0  # includes building the gazetteer index when its cache was stale (see load_s)
    load_s: float = 0.0

    def metrics(self) -> dict[str, Any]:
        """Return the report as a JSON-ready dict, floats rounded."""
        return {k: round(v, 4) if isinstance(v, float) else v for k, v in asdict(self).items()}


def load_gold(path: Path) -> list[GoldDoc]:
    """Return the articles of a gold JSONL file; raise GoldFormatError naming the first bad line."""
    docs: list[GoldDoc] = []
    with Path(path).open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                toponyms = tuple(_gold_toponym(t) for t in row["toponyms"])
                docs.append(
                    GoldDoc(
                        doc_id=str(row["doc_id"]), text=row["text"], toponyms=toponyms, title=row.get("title") or ""
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise GoldFormatError(f"{path}:{number}: not a gold article ({exc!r})") from exc
    return docs


def _gold_toponym(row: dict[str, Any]) -> GoldToponym:
    """Return a GoldToponym from one JSON toponym."""

    def number(v: Any) -> float | None:
        return None if v is None else float(v)

    return GoldToponym(
        start=int(row["start"]),
        end=int(row["end"]),
        text=row["text"],
        geonameid=None if row.get("geonameid") is None else int(row["geonameid"]),
        lat=number(row.get("lat")),
        lon=number(row.get("lon")),
        fcode=row.get("fcode"),
        country=row.get("country"),
        admin1=row.get("admin1"),
    )


def auc_log_error(errors_km: Sequence[float]) -> float | None:
    """Return the area under the curve of sorted log errors, 0 (perfect) to 1 (every error maximal); None if empty.

    As Gritta, Pilehvar, Limsopatham & Collier (2018), "What's missing in geographical parsing?", Language
    Resources and Evaluation 52:603-623, define it and compute it in their published code
    (WhatsMissingInGeoparsing/methods.py, ``print_stats``): each error becomes ln(1 + km), the values are
    sorted, integrated with the trapezoidal rule at unit spacing, and divided by ln(20039) * (n - 1), the area
    if every error were the largest possible. Errors are capped at 20,039 km first. A single error is its own
    normalised log (the trapezoid of one point has no width).
    """
    if not errors_km:
        return None
    logs = sorted(math.log1p(min(max(e, 0.0), MAX_ERROR_KM)) for e in errors_km)
    if len(logs) == 1:
        return logs[0] / math.log(MAX_ERROR_KM)
    area = sum((a + b) / 2 for a, b in zip(logs, logs[1:], strict=False))
    return area / (math.log(MAX_ERROR_KM) * (len(logs) - 1))


def match_spans(gold: Sequence[tuple[int, int]], predicted: Sequence[tuple[int, int]]) -> list[int | None]:
    """Return, for each gold span, the index of the predicted span matched to it (one-to-one, by overlap) or None.

    Spans are (start, end), end exclusive. Pairs that overlap most are matched first, so "Rapides Parish"
    takes "Rapides Parish" before a neighbour that only touches it.
    """
    pairs = sorted(
        (
            (min(ge, pe) - max(gs, ps), gi, pi)
            for gi, (gs, ge) in enumerate(gold)
            for pi, (ps, pe) in enumerate(predicted)
            if gs < pe and ps < ge
        ),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    matched: list[int | None] = [None] * len(gold)
    used: set[int] = set()
    for _, gi, pi in pairs:
        if matched[gi] is None and pi not in used:
            matched[gi] = pi
            used.add(pi)
    return matched


def outcomes(doc: GoldDoc, predicted: Sequence[Resolution]) -> tuple[list[Outcome], list[Resolution]]:
    """Return each gold toponym's outcome and the predictions no gold toponym matched (false positives)."""
    matched = match_spans(
        [(g.start, g.end) for g in doc.toponyms], [(r.toponym.start, r.toponym.end) for r in predicted]
    )
    result: list[Outcome] = []
    for gold, index in zip(doc.toponyms, matched, strict=True):
        res = None if index is None else predicted[index]
        result.append(Outcome(gold, res, _error_km(gold, res)))
    used = {i for i in matched if i is not None}
    return result, [r for i, r in enumerate(predicted) if i not in used]


def _error_km(gold: GoldToponym, res: Resolution | None) -> float | None:
    """Return the distance from the gold point to the chosen place; the maximum when none was chosen."""
    if res is None or gold.lat is None or gold.lon is None:
        return None
    if res.place is None:
        return MAX_ERROR_KM
    return haversine_km(gold.lat, gold.lon, res.place.lat, res.place.lon)


def score(docs: Sequence[GoldDoc], predictions: Sequence[Sequence[Resolution]]) -> EvalReport:
    """Return recognition and resolution figures of the predictions (one list per document) against the gold."""
    every: list[Outcome] = []
    n_predicted = 0
    for doc, predicted in zip(docs, predictions, strict=True):
        result, _ = outcomes(doc, predicted)
        every.extend(result)
        n_predicted += len(predicted)
    matched = sum(1 for o in every if o.predicted is not None)
    precision, recall = _ratio(matched, n_predicted), _ratio(matched, len(every))
    scored = [o for o in every if o.gold.has_point]
    errors = [o.error_km for o in scored if o.error_km is not None]
    with_id = [o for o in every if o.gold.geonameid is not None]
    exact = sum(
        1 for o in with_id if o.predicted and o.predicted.place and o.predicted.place.geonameid == o.gold.geonameid
    )
    return EvalReport(
        docs=len(docs),
        gold_toponyms=len(every),
        predicted=n_predicted,
        matched=matched,
        precision=precision,
        recall=recall,
        f1=_ratio(2 * precision * recall, precision + recall),
        resolvable=len(scored),
        found=len(errors),
        acc161=_ratio(sum(1 for e in errors if e <= ACCURACY_KM), len(scored)),
        acc161_found=_ratio(sum(1 for e in errors if e <= ACCURACY_KM), len(errors)),
        median_km=statistics.median(errors) if errors else None,
        mean_km=statistics.fmean(errors) if errors else None,
        auc=auc_log_error(errors),
        geonameid_exact=_ratio(exact, len(with_id)),
        by_kind=_by_kind(scored),
    )


def gold_kind(fcode: str | None) -> str:
    """Return the coarse kind of a GeoNames feature code: country, admin1, admin2, city or other."""
    return next((kind for prefix, kind in KINDS.items() if (fcode or "").startswith(prefix)), "other")


def _by_kind(scored: Sequence[Outcome]) -> dict[str, dict[str, float]]:
    """Return count, found share and acc161 of the scorable gold toponyms per coarse kind."""
    groups: dict[str, list[Outcome]] = {}
    for o in scored:
        groups.setdefault(gold_kind(o.gold.fcode), []).append(o)
    return {
        kind: {
            "n": len(group),
            "found": round(_ratio(sum(o.error_km is not None for o in group), len(group)), 4),
            "acc161": round(
                _ratio(sum(o.error_km is not None and o.error_km <= ACCURACY_KM for o in group), len(group)), 4
            ),
        }
        for kind, group in sorted(groups.items(), key=lambda kv: -len(kv[1]))
    }


def _ratio(a: float, b: float) -> float:
    """Return a / b, 0 when b is 0."""
    return a / b if b else 0.0


def error_records(
    docs: Sequence[GoldDoc], predictions: Sequence[Sequence[Resolution]], known: Callable[[int], bool] = lambda _: True
) -> list[dict[str, Any]]:
    """Return JSON-ready records of resolution errors (worst first), recognition misses and false positives."""
    wrong: list[dict[str, Any]] = []
    other: list[dict[str, Any]] = []
    for doc, predicted in zip(docs, predictions, strict=True):
        result, false_positives = outcomes(doc, predicted)
        for o in result:
            base = {
                "doc_id": doc.doc_id,
                "text": o.gold.text,
                "start": o.gold.start,
                "end": o.gold.end,
                "context": _context(doc.text, o.gold.start, o.gold.end),
                "gold": _gold_dict(o.gold, known),
            }
            if o.predicted is None:
                other.append({"type": "miss", **base})
            elif o.error_km is not None and o.error_km > ACCURACY_KM:
                wrong.append(
                    {
                        "type": "resolution",
                        **base,
                        "km": round(o.error_km, 1),
                        "predicted": _place_dict(o.predicted.place),
                        "confidence": o.predicted.confidence,
                        "mention": o.predicted.toponym.text,
                        "lookup": o.predicted.toponym.lookup,
                        "candidates": [
                            {**(_place_dict(c.place, o.gold) or {}), "score": c.score} for c in o.predicted.candidates
                        ],
                    }
                )
        for r in false_positives:
            other.append(
                {
                    "type": "false_positive",
                    "doc_id": doc.doc_id,
                    "text": r.toponym.text,
                    "start": r.toponym.start,
                    "end": r.toponym.end,
                    "source": r.toponym.source,
                    "context": _context(doc.text, r.toponym.start, r.toponym.end),
                    "predicted": _place_dict(r.place),
                }
            )
    return sorted(wrong, key=lambda r: -r["km"]) + other


def _context(text: str, start: int, end: int, width: int = 80) -> str:
    """Return the text around a span on one line, the span in [brackets]."""
    snippet = f"{text[max(0, start - width) : start]}[{text[start:end]}]{text[end : end + width]}"
    return " ".join(snippet.split())


def _gold_dict(gold: GoldToponym, known: Callable[[int], bool]) -> dict[str, Any]:
    """Return the gold facts of a toponym, with whether the gazetteer holds its GeoNames entry."""
    facts = {k: v for k, v in asdict(gold).items() if k not in ("start", "end", "text")}
    return facts | {"in_gazetteer": None if gold.geonameid is None else known(gold.geonameid)}


def _place_dict(place: Place | None, gold: GoldToponym | None = None) -> dict[str, Any] | None:
    """Return the fields of a place worth reading in an error report, with its distance to the gold point if given."""
    if place is None:
        return None
    row = {k: getattr(place, k) for k in PLACE_FIELDS}
    if gold is not None and gold.lat is not None and gold.lon is not None:
        row |= {
            "km": round(haversine_km(gold.lat, gold.lon, place.lat, place.lon), 1),
            "is_gold": place.geonameid == gold.geonameid,
        }
    return row


def gold_span_toponyms(doc: GoldDoc, recognizer: Recognizer) -> list[Toponym]:
    """Return the gold spans as Toponym records, built as the recogniser builds its own (demonyms, kind hints)."""
    sentences = sentence_spans(doc.text)
    return [
        recognizer.span_toponym(doc.text, g.start, g.end, sentences)
        for g in sorted(doc.toponyms, key=lambda g: g.start)
    ]


def predict(doc: GoldDoc, services: Services, *, gold_spans: bool = False) -> list[Resolution]:
    """Return the geoparser's resolutions for a gold article: of its recognised mentions, or of the gold spans."""
    if gold_spans:
        toponyms = gold_span_toponyms(doc, services.recognizer)
    else:
        toponyms = services.recognizer.recognize(doc.text)
    return services.resolver.resolve(toponyms)


def evaluate_file(
    path: Path,
    settings: Settings,
    *,
    use_spacy: bool = True,
    limit: int | None = None,
    gold_spans: bool = False,
    errors_path: Path | None = None,
) -> EvalReport:
    """Run recognition and resolution over a gold file and return the report; write error records if asked."""
    from mapdash.geoparse.pipeline import load_services

    docs = load_gold(path)[:limit] if limit is not None else load_gold(path)
    loading = time.perf_counter()
    services = load_services(settings, use_spacy=use_spacy)
    started, cpu = time.perf_counter(), time.process_time()
    predictions = [predict(doc, services, gold_spans=gold_spans) for doc in docs]
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    report = replace(
        score(docs, predictions),
        mode=services.mode,
        spans="gold" if gold_spans else "recognised",
        docs_per_s=_ratio(len(docs), elapsed),
        docs_per_cpu_s=_ratio(len(docs), cpu),
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        load_s=started - loading,
    )
    if errors_path is not None:

        def known(gid: int) -> bool:
            return services.gazetteer.place(f"gn:{gid}") is not None

        with Path(errors_path).open("w", encoding="utf-8") as out:
            for record in error_records(docs, predictions, known):
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return report


def format_table(report: EvalReport) -> str:
    """Return a short human-readable summary of a report."""

    def km(v: float | None) -> str:
        return "-" if v is None else f"{v:,.1f} km"

    rows = [
        ("mode", f"{report.mode} ({report.spans} spans)"),
        (
            "documents",
            f"{report.docs} ({report.docs_per_s:.1f} docs/s, {report.docs_per_cpu_s:.1f} per CPU second, peak "
            f"{report.peak_rss_mb:.0f} MB)",
        ),
        (
            "recognition",
            f"P {report.precision:.3f}  R {report.recall:.3f}  F1 {report.f1:.3f}"
            f"  ({report.matched} of {report.gold_toponyms} gold, {report.predicted} predicted)",
        ),
        (
            "acc@161",
            f"{report.acc161:.3f} of {report.resolvable} with coordinates; {report.acc161_found:.3f} of {report.found} "
            "found",
        ),
        (
            "error",
            f"median {km(report.median_km)}, mean {km(report.mean_km)}, AUC "
            f"{report.auc if report.auc is None else round(report.auc, 3)}",
        ),
        ("geonameid exact", f"{report.geonameid_exact:.3f}"),
        *(
            (f"  {kind}", f"n {v['n']:.0f}  found {v['found']:.3f}  acc@161 {v['acc161']:.3f}")
            for kind, v in report.by_kind.items()
        ),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)

"""Campaign evaluation: places, campaign phases, quotes, titles and dates against hand-annotated releases.

The gold format is `../shared/bench/campaign/GUIDE.md`'s: a folder with `gold.jsonl` (one release a line) and
`texts/<id>.txt`. The scoring is pure (gold releases and predictions in, a ``CampaignReport`` out) and tested on
hand-made sets; ``evaluate_campaign_dir`` at the end ingests the texts into a throw-away database and scores them.
"""

from __future__ import annotations

import json
import math
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mapdash.geo import haversine_km

if TYPE_CHECKING:
    from mapdash.geoparse.pipeline import Services
    from mapdash.settings import Settings
    from mapdash.store import Store

IGNORED_PHASES = frozenset({"context"})


class CampaignGoldError(ValueError):
    """A campaign gold folder or line that is not of the expected shape."""


@dataclass(frozen=True)
class GoldPlace:
    """One annotated place of a release: where it is, how near a prediction must lie, and its phases."""

    name: str
    lat: float
    lon: float
    tol_km: float
    feature: str = ""
    country: str | None = None
    phases: frozenset[str] = frozenset()


@dataclass(frozen=True)
class GoldQuote:
    """One annotated quote: its first words, speaker and kind."""

    start: str
    speaker: str
    kind: str


@dataclass(frozen=True)
class GoldRelease:
    """One annotated release."""

    release_id: str
    title: str
    published: date | None
    places: tuple[GoldPlace, ...]
    quotes: tuple[GoldQuote, ...]


@dataclass(frozen=True)
class PredictedMention:
    """A resolved place mention of the engine, with the phases it tagged and its sentence."""

    name: str  # the mention as written
    place_name: str
    lat: float
    lon: float
    phases: frozenset[str] = frozenset()
    sentence: str = ""
    feature: str = ""  # country, admin1, admin2, city, region


@dataclass(frozen=True)
class PredictedQuote:
    """A quote the engine found."""

    text: str
    speaker: str
    kind: str


@dataclass(frozen=True)
class Prediction:
    """Everything the engine produced for one release."""

    title: str
    published: date | None
    mentions: tuple[PredictedMention, ...]
    quotes: tuple[PredictedQuote, ...]


@dataclass(frozen=True)
class PRF:
    """Counts of true positives, false positives and false negatives, with P/R/F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def precision(self) -> float:
        """Return tp / (tp + fp), 0 when nothing was predicted."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """Return tp / (tp + fn), 0 when there is no gold."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Return the harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def figures(self) -> dict[str, float | int]:
        """Return P/R/F1 rounded, with the counts."""
        return {
            "p": round(self.precision, 3),
            "r": round(self.recall, 3),
            "f1": round(self.f1, 3),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class CampaignReport:
    """The figures of one campaign evaluation, and every error behind them."""

    releases: int = 0
    places: PRF = field(default_factory=PRF)
    phases: PRF = field(default_factory=PRF)
    phases_by_key: dict[str, PRF] = field(default_factory=dict)
    quotes_gold: int = 0
    quotes_found: int = 0
    speakers_right: int = 0
    kinds_right: int = 0
    titles_right: int = 0
    dates_gold: int = 0
    dates_given: int = 0  # gold-dated releases the engine gave a date (a text without a full date gets none)
    dates_right: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        """Return the figures as a JSON-ready dict."""
        found = self.quotes_found
        return {
            "releases": self.releases,
            "places": self.places.figures(),
            "phases": self.phases.figures(),
            "phases_by_key": {k: v.figures() for k, v in sorted(self.phases_by_key.items())},
            "quotes": {
                "gold": self.quotes_gold,
                "found": round(found / self.quotes_gold, 3) if self.quotes_gold else 0.0,
                "speaker": round(self.speakers_right / found, 3) if found else 0.0,
                "kind": round(self.kinds_right / found, 3) if found else 0.0,
            },
            "title": round(self.titles_right / self.releases, 3) if self.releases else 0.0,
            "date": round(self.dates_right / self.dates_gold, 3) if self.dates_gold else 0.0,
            # of the dates given, how many are right: a wrong date misplaces a release on the timeline, a blank does not
            "date_given_right": round(self.dates_right / self.dates_given, 3) if self.dates_given else 0.0,
        }


def load_campaign_gold(folder: Path) -> list[GoldRelease]:
    """Return the releases annotated in folder/gold.jsonl; raise CampaignGoldError on a malformed line."""
    path = folder / "gold.jsonl"
    if not path.is_file():
        raise CampaignGoldError(f"{folder}: no gold.jsonl (give a folder with gold.jsonl and texts/, see GUIDE.md)")
    releases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
            releases.append(_gold_release(raw))
        except (ValueError, KeyError, TypeError) as exc:
            raise CampaignGoldError(f"{path}:{number}: not a gold release ({exc})") from exc
    return releases


def _gold_release(raw: dict[str, Any]) -> GoldRelease:
    """Return one gold line as a GoldRelease."""
    places = tuple(
        GoldPlace(
            name=p["name"],
            lat=float(p["lat"]),
            lon=float(p["lon"]),
            tol_km=float(p.get("tol_km") or 25),
            feature=p.get("feature") or "",
            country=p.get("country"),
            phases=frozenset(p.get("phases") or ()),
        )
        for p in raw.get("places") or ()
        if p.get("lat") is not None and p.get("lon") is not None
    )
    quotes = tuple(
        GoldQuote(q["start"], q.get("speaker") or "", q.get("kind") or "direct") for q in raw.get("quotes") or ()
    )
    published = date.fromisoformat(raw["published"]) if raw.get("published") else None
    return GoldRelease(str(raw["id"]), raw.get("title") or "", published, places, quotes)


def nearest_gold(mention: PredictedMention, places: Sequence[GoldPlace]) -> int | None:
    """Return the index of the gold place the mention stands for: of those it lies within the tolerance of, one of its
    own kind first (a country for a country), then the most specific (smallest tolerance: a town before its province, a
    province before the region around it), then the nearest."""
    best, best_key = None, (True, math.inf, math.inf)
    for i, place in enumerate(places):
        km = haversine_km(mention.lat, mention.lon, place.lat, place.lon)
        key = (place.feature != mention.feature, place.tol_km, km)
        if km <= place.tol_km and key < best_key:
            best, best_key = i, key
    return best


def _fold(text: str) -> str:
    """Return text folded for matching quotes: ASCII quotes and dashes, one space, lower case."""
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(
        str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})
    )
    return " ".join(re.findall(r"[\w']+", text.lower()))


def speaker_matches(predicted: str, gold: str) -> bool:
    """Say whether a predicted speaker shares the gold speaker's surname (or, for a body, its head noun)."""
    words = re.findall(r"[\w'-]+", _fold(predicted))
    gold_words = re.findall(r"[\w'-]+", _fold(gold))
    if not words or not gold_words:
        return False
    head = gold_words[-1]
    if head in ("jr", "sr", "ii", "iii") and len(gold_words) > 1:
        head = gold_words[-2]
    return head in words or (head.endswith("s") and head[:-1] in words)


def _title_matches(predicted: str, gold: str) -> bool:
    """Say whether two titles are the same once quotes, dashes, case and spacing are folded."""
    return bool(gold) and _fold(predicted) == _fold(gold)


def score_release(gold: GoldRelease, predicted: Prediction, report: CampaignReport) -> None:
    """Add one release's places, phases, quotes, title and date to report, with its errors."""
    report.releases += 1
    matched: dict[int, list[PredictedMention]] = {}
    wrong: dict[str, PredictedMention] = {}
    for mention in predicted.mentions:
        index = nearest_gold(mention, gold.places)
        if index is None:
            wrong.setdefault(f"{mention.place_name}@{mention.lat:.2f},{mention.lon:.2f}", mention)
        else:
            matched.setdefault(index, []).append(mention)
    report.places += PRF(tp=len(matched), fp=len(wrong), fn=len(gold.places) - len(matched))
    for mention in wrong.values():
        report.errors.append(
            {
                "release": gold.release_id,
                "kind": "wrong place",
                "mention": mention.name,
                "place": mention.place_name,
                "lat": mention.lat,
                "lon": mention.lon,
                "sentence": mention.sentence,
            }
        )
    for i, place in enumerate(gold.places):
        if i not in matched:
            report.errors.append(
                {
                    "release": gold.release_id,
                    "kind": "missed place",
                    "gold": place.name,
                    "lat": place.lat,
                    "lon": place.lon,
                    "phases": sorted(place.phases),
                }
            )
    _score_phases(gold, matched, wrong, report)
    _score_quotes(gold, predicted, report)
    if _title_matches(predicted.title, gold.title):
        report.titles_right += 1
    else:
        report.errors.append(
            {"release": gold.release_id, "kind": "wrong title", "gold": gold.title, "predicted": predicted.title}
        )
    if gold.published is not None:
        report.dates_gold += 1
        report.dates_given += predicted.published is not None
        if predicted.published == gold.published:
            report.dates_right += 1
        else:
            report.errors.append(
                {
                    "release": gold.release_id,
                    "kind": "wrong date",
                    "gold": gold.published.isoformat(),
                    "predicted": predicted.published.isoformat() if predicted.published else None,
                }
            )


def _score_phases(
    gold: GoldRelease,
    matched: dict[int, list[PredictedMention]],
    wrong: dict[str, PredictedMention],
    report: CampaignReport,
) -> None:
    """Score (release, gold place, phase) triples; a phase on a wrong place is a false positive."""
    keys = (
        {p for place in gold.places for p in place.phases}
        | {p for mentions in matched.values() for m in mentions for p in m.phases}
        | {p for m in wrong.values() for p in m.phases}
    )
    for key in sorted(keys - IGNORED_PHASES):
        counts = PRF()
        for i, place in enumerate(gold.places):
            mentions = matched.get(i, [])
            evidence = next((m for m in mentions if key in m.phases), None)
            if key in place.phases and evidence is not None:
                counts += PRF(tp=1)
            elif key in place.phases:
                counts += PRF(fn=1)
                report.errors.append(
                    {
                        "release": gold.release_id,
                        "kind": "missed phase",
                        "phase": key,
                        "gold": place.name,
                        "found": bool(mentions),
                    }
                )
            elif evidence is not None:
                counts += PRF(fp=1)
                report.errors.append(
                    {
                        "release": gold.release_id,
                        "kind": "wrong phase",
                        "phase": key,
                        "gold": place.name,
                        "gold_phases": sorted(place.phases),
                        "sentence": evidence.sentence,
                    }
                )
        for mention in wrong.values():
            if key in mention.phases:
                counts += PRF(fp=1)
                report.errors.append(
                    {
                        "release": gold.release_id,
                        "kind": "phase on wrong place",
                        "phase": key,
                        "place": mention.place_name,
                        "sentence": mention.sentence,
                    }
                )
        report.phases += counts
        report.phases_by_key[key] = report.phases_by_key.get(key, PRF()) + counts


def _score_quotes(gold: GoldRelease, predicted: Prediction, report: CampaignReport) -> None:
    """Score each gold quote: found, speaker right, kind right."""
    folded = [(_fold(q.text), q) for q in predicted.quotes]
    for quote in gold.quotes:
        report.quotes_gold += 1
        start = _fold(quote.start)
        hit = next((q for text, q in folded if start and start in text), None)
        if hit is None:
            report.errors.append(
                {"release": gold.release_id, "kind": "missed quote", "start": quote.start, "speaker": quote.speaker}
            )
            continue
        report.quotes_found += 1
        if speaker_matches(hit.speaker, quote.speaker):
            report.speakers_right += 1
        else:
            report.errors.append(
                {
                    "release": gold.release_id,
                    "kind": "wrong speaker",
                    "start": quote.start,
                    "gold": quote.speaker,
                    "predicted": hit.speaker,
                }
            )
        if hit.kind == quote.kind:
            report.kinds_right += 1
        else:
            report.errors.append(
                {
                    "release": gold.release_id,
                    "kind": "wrong quote kind",
                    "start": quote.start,
                    "gold": quote.kind,
                    "predicted": hit.kind,
                }
            )


def score_campaign(gold: Iterable[GoldRelease], predictions: dict[str, Prediction]) -> CampaignReport:
    """Return the report over every gold release; a release without a prediction counts as all missed."""
    report = CampaignReport()
    for release in gold:
        score_release(release, predictions.get(release.release_id, Prediction("", None, (), ())), report)
    return report


def format_campaign_table(report: CampaignReport) -> str:
    """Return the figures as an aligned text table."""
    m = report.metrics()
    lines = [
        f"campaign evaluation on {m['releases']} releases",
        f"{'':<24}{'P':>7}{'R':>7}{'F1':>7}{'tp':>6}{'fp':>6}{'fn':>6}",
    ]

    def row(label: str, f: dict[str, Any]) -> str:
        return f"{label:<24}{f['p']:>7.3f}{f['r']:>7.3f}{f['f1']:>7.3f}{f['tp']:>6}{f['fp']:>6}{f['fn']:>6}"

    lines.append(row("places", m["places"]))
    lines.append(row("phases", m["phases"]))
    lines.extend(row(f"  {key}", figures) for key, figures in m["phases_by_key"].items())
    q = m["quotes"]
    lines.append(
        f"quotes: {q['gold']} gold, found {q['found']:.3f}, speaker right {q['speaker']:.3f}, kind right "
        f"{q['kind']:.3f}"
    )
    lines.append(
        f"titles right {m['title']:.3f}, dates right {m['date']:.3f} ({report.dates_given} of {report.dates_gold} "
        "given,"
        f" {m['date_given_right']:.3f} of those right)"
    )
    return "\n".join(lines)


def predictions_from_store(db: Store, doc_ids: dict[str, str]) -> dict[str, Prediction]:
    """Return what the store holds for each release (release id -> document id) as a Prediction.

    The mentions frame and the quotes table are read once for all documents, not once per document.
    """
    from mapdash.frame import mentions_frame, quotes_table

    frame = mentions_frame(db)
    placed = frame[frame["place_id"].notna()]
    quotes = quotes_table(db, frame)
    predictions = {}
    for release_id, doc_id in doc_ids.items():
        row = db.document_row(doc_id)
        mentions = tuple(
            PredictedMention(
                name=str(r.mention),
                place_name=str(r.place_name),
                lat=float(r.lat),
                lon=float(r.lon),
                phases=frozenset(p for p in str(r.phases or "").split(";") if p),
                sentence=str(r.sentence or ""),
                feature=str(r.feature or ""),
            )
            for r in placed[placed["doc_id"] == doc_id].itertuples()
        )
        mine = quotes[quotes["doc_id"] == doc_id]
        predicted_quotes = tuple(
            PredictedQuote(str(q.text), str(q.speaker or ""), str(q.kind)) for q in mine.itertuples()
        )
        published = date.fromisoformat(row["published"]) if row is not None and row["published"] else None
        title = (row["title"] or "") if row is not None else ""
        predictions[release_id] = Prediction(title, published, mentions, predicted_quotes)
    return predictions


def evaluate_campaign_dir(
    folder: Path,
    settings: Settings,
    *,
    use_spacy: bool = True,
    errors_path: Path | None = None,
    loader: Callable[[], Services] | None = None,
) -> CampaignReport:
    """Ingest folder/texts into a throw-away database and score it against folder/gold.jsonl."""
    from dataclasses import replace

    from mapdash import library
    from mapdash.geoparse.pipeline import load_services
    from mapdash.store import Store

    gold = load_campaign_gold(folder)
    texts = folder / "texts"
    missing = [g.release_id for g in gold if not (texts / f"{g.release_id}.txt").is_file()]
    if missing:
        raise CampaignGoldError(f"{texts}: no text for {', '.join(missing[:5])}{' ...' if len(missing) > 5 else ''}")
    with tempfile.TemporaryDirectory(prefix="mapdash-eval-") as tmp:
        scratch = replace(settings, db_path=Path(tmp) / "eval.sqlite")
        db = Store.open(scratch.db_path)
        services = loader or (lambda: load_services(scratch, use_spacy=use_spacy))
        paths = [texts / f"{g.release_id}.txt" for g in gold]
        results = library.ingest_paths(db, paths, services)
        doc_ids = {Path(r.source).stem: r.doc_id for r in results if r.doc_id}
        predictions = predictions_from_store(db, doc_ids)
        db.close()
    report = score_campaign(gold, predictions)
    if errors_path is not None:
        errors_path.write_text(
            "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in report.errors), encoding="utf-8"
        )
    return report

"""Benchmark corpora made of real news text: the LGL articles, and any number of distinct documents built from them.

LGL (Lieberman et al. 2010) is evaluation data found beside the project (``../shared``), never shipped.
Document i of a large corpus is LGL article ``i mod 588`` followed, as a second paragraph, by the lead
sentence of another article chosen so that no (article, lead) pair repeats below 588 x 587 documents:
real text, distinct SHA-256 ids, each about as long as one article. Dates run one a day from 2009-01-01,
so a corpus of 10,000 documents spans 27 years of releases.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from mapdash.settings import DATA_DIR, REPO_ROOT

LGL_ENV = "MAPDASH_LGL"
FIRST_DAY = date(2009, 1, 1)
HOW = (
    "document i = LGL article (i mod 588) + the lead sentence of LGL article (i mod 588 + 1 + i div 588) mod 588 "
    "as a second paragraph; dated 2009-01-01 + i days"
)
_LEAD = re.compile(r"^(.{40,400}?[.!?])(?=\s+[A-Z“\"])", re.DOTALL)


class CorpusMissing(FileNotFoundError):
    """The LGL corpus is not beside the project (it is evaluation data, not shipped)."""


@dataclass(frozen=True)
class Article:
    """One LGL article: its id, title and text."""

    doc_id: str
    title: str
    text: str


def lgl_path() -> Path:
    """Return where the LGL corpus is ($MAPDASH_LGL, else ../shared/bench/geoparse/lgl.jsonl)."""
    return Path(os.environ.get(LGL_ENV) or REPO_ROOT.parent / "shared" / "bench" / "geoparse" / "lgl.jsonl")


def load_lgl(path: Path | None = None) -> list[Article]:
    """Return the LGL articles; raise CorpusMissing with a clear message when the file is absent."""
    path = path or lgl_path()
    if not path.is_file():
        raise CorpusMissing(
            f"LGL corpus not found at {path} (evaluation data beside the project, never shipped; "
            f"set {LGL_ENV} to its path): benchmarks that need it are skipped"
        )
    with path.open(encoding="utf-8") as lines:
        return [Article(d["doc_id"], d.get("title") or "", d["text"]) for d in map(json.loads, lines) if d.get("text")]


def lead_sentence(text: str) -> str:
    """Return the first sentence of a text (at most about 400 characters)."""
    m = _LEAD.match(text.strip())
    return m.group(1) if m else text.strip()[:400]


def synthetic_document(articles: list[Article], i: int) -> tuple[str, str, date]:
    """Return (title, text, date) of document i: an article, then another article's lead as a second paragraph."""
    n = len(articles)
    body = articles[i % n]
    other = articles[(i % n + 1 + (i // n) % (n - 1)) % n]
    return f"{body.title} [{i}]", f"{body.text.strip()}\n\n{lead_sentence(other.text)}", FIRST_DAY + timedelta(days=i)


def iter_documents(articles: list[Article], count: int) -> Iterator[tuple[str, str, date]]:
    """Yield count synthetic documents one at a time (a corpus is never held in memory)."""
    for i in range(count):
        yield synthetic_document(articles, i)


def write_corpus(articles: list[Article], count: int, folder: Path) -> Path:
    """Write count release files (text + a .json sidecar with title and date) into folder; return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, (title, text, day) in enumerate(iter_documents(articles, count)):
        stem = folder / f"{i // 1000:03d}" / f"lgl-{i:06d}"  # a thousand files a folder
        stem.parent.mkdir(exist_ok=True)
        stem.with_suffix(".txt").write_text(text + "\n", encoding="utf-8")
        stem.with_suffix(".json").write_text(json.dumps({"title": title, "date": day.isoformat()}), encoding="utf-8")
    return folder


LONG_KINDS = ("repetitive", "ordinary")
SEED_RELEASE = DATA_DIR / "seeds" / "000_4dfe93347b0ca329.txt"  # the checkout's or the installed package's


def long_text(kind: str, size: int, articles: list[Article] | None = None) -> str:
    """Return a text of size characters: the seed release over and over ("repetitive", as a pasted-together upload),
    or the LGL articles one after another ("ordinary" news text; needs the articles)."""
    if kind == "repetitive":
        parts = [SEED_RELEASE.read_text(encoding="utf-8").strip()]
    elif kind == "ordinary" and articles:
        parts = [f"{a.title}\n\n{a.text.strip()}" if a.title else a.text.strip() for a in articles]
    else:
        raise CorpusMissing(f"no text for a {kind!r} long document (ordinary text needs the LGL corpus)")
    chunks, length, i = [], 0, 0
    while length < size:
        chunk = parts[i % len(parts)] + "\n\n"
        chunks.append(chunk)
        length += len(chunk)
        i += 1
    return "".join(chunks)[:size]

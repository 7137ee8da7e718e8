"""Ingest stage: read saved releases (.txt, .html, .htm) and return their article text without page chrome.

HTML goes through trafilatura (text, title, author, date via htmldate). Plain text saved from a web
page still carries the page's chrome, so its paragraphs are wrapped as HTML ``<p>`` elements and
classified by jusText, the boilerplate classifier trafilatura itself falls back on. Chrome that reads
like prose (government banners, archive notices, "Follow X on Twitter") is removed first by the
whole-line patterns in ``data/chrome_patterns.txt``.
"""

from __future__ import annotations

import codecs
import hashlib
import html
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from mapdash.model import Document
from mapdash.settings import DATA_DIR, DEFAULT_MAX_FILE_MB, MB
from mapdash.text import MONTH, MONTH_NUMBERS

RELEASE_SUFFIXES = (".txt", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")
SIDECAR_KEYS = frozenset({"title", "byline", "date", "source"})
# jusText's default English stoplist: releases are English; other languages would need a stoplist choice.
JUSTEXT_LANGUAGE = "English"
MIN_ARTICLE_WORDS = 5
_NOT_A_RELEASE = "not a release file (expected .txt, .html or .htm)"

_DATE_RES = (
    re.compile(rf"\b(?P<month>{MONTH})\s+(?P<day>\d{{1,2}}),?\s+(?P<year>\d{{4}})\b", re.IGNORECASE),
    re.compile(rf"\b(?P<day>\d{{1,2}})\s+(?P<month>{MONTH}),?\s+(?P<year>\d{{4}})\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
)
# A byline names 2-6 capitalised words ("By Staff Sgt. Jane Doe, DoD News"); "By Tuesday, ..." is a sentence.
_NAME_WORD = r"(?:[A-Z][\w.'’-]*|de|del|da|van|von|al|bin|and)"
_BY_RE = re.compile(rf"(?:By|BY|by):?\s+(?P<name>[A-Z][\w.'’-]*(?:\s+{_NAME_WORD}){{1,5}})(?:\s*[,;|()—–-].*)?")
# Lines that say where a release comes from, not what it says: "From a Combined Joint Task Force ... News Release",
# "By U.S. Central Command News Release", "Release # 20151228-04" (after a date or a place), "News Release".
_CREDIT_RE = re.compile(
    r"(?:(?:From|By)\s+(?:an?\s+|the\s+)?[A-Z][^.!?]{0,120}\b)?(?:News|Press)\s+Release\.?|For\s+Immediate\s+Release\.?"
    r"",
    re.IGNORECASE,
)
_RELEASE_NO_RE = re.compile(
    r"(?:.{0,40}\s)?(?:News\s+|Press\s+)?Release\s*(?:No\.?|Number|#)\s*:?\s*[\w-]+", re.IGNORECASE
)
_SEPARATORS = re.compile(r"^[\s|·•/,–—-]+|[\s|·•/,–—-]+$")
# A dateline alone on its line: the issuing place in capitals and a dash ("WASHINGTON --", "SOUTHWEST ASIA —").
_BARE_DATELINE = re.compile(r"[A-Z][A-Z.'’]+(?:[ ,-]+[A-Z][A-Za-z.'’]*){0,3}\s*(?:—|–|--|-)")
# A line of a plain-text paragraph longer than this is a paragraph of its own: hard-wrapped text wraps sooner.
_WRAP_WIDTH = 100
_PROSE_WORDS = 8  # words of the prose paragraph that shows a short line beside it to be a subheading
_FOLLOW_RE = re.compile(r"\(?\s*Follow (?P<name>[^:()@]+?) on (?:Twitter|X)\b", re.IGNORECASE)
_TITLE_TAG_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_TITLE_SEPARATOR = re.compile(r"\s+(?:>|&gt;|\||»|::|–|—|-)\s+")
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w-]+)""", re.IGNORECASE)
_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
# Files that are not text whatever their name says: their first bytes tell (a PDF is often pure ASCII).
_SIGNATURES = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a zip archive or Office document"),
    (b"PK\x05\x06", "a zip archive"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"{\\rtf", "an RTF document"),
    (b"\x7fELF", "a program"),
)
_SAVE_AS_TEXT = "save the release as .txt or .html"
# What an uploaded or exported file name may keep: letters and digits of any script and a few marks;
# path separators, control and bidi-override characters become "_".
_UNSAFE_NAME = re.compile(r"[^\w.()+@ -]+")
MAX_NAME_BYTES = 200  # file systems allow 255; room for a "-2" and a ".tmp"
# Scripts written without spaces between words: a character there is worth about half an English word.
_UNSPACED = re.compile(r"[\u0e00-\u0e7f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


class IngestError(ValueError):
    """A file that cannot be read as a release; the message names the file and the reason on one line."""


@dataclass(frozen=True)
class CleanedRelease:
    """Article text (paragraphs joined by blank lines) and what the page says about itself."""

    text: str
    title: str | None = None
    byline: str | None = None
    published: date | None = None


def document_id(text: str) -> str:
    """Return the sha256 hex of the text, ignoring line-ending, trailing-whitespace and Unicode-form differences."""
    lines = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    canonical = "\n".join(line.rstrip() for line in lines).strip()
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@lru_cache(maxsize=4)
def load_chrome_patterns(path: Path = DATA_DIR / "chrome_patterns.txt") -> tuple[re.Pattern[str], ...]:
    """Return the compiled whole-line chrome patterns from the shipped ``data/chrome_patterns.txt`` (or ``path``)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(re.compile(s, re.IGNORECASE) for s in (x.strip() for x in lines) if s and not s.startswith("#"))


def clean_text(raw: str, *, is_html: bool) -> CleanedRelease:
    """Return the article text and metadata of a saved page; raise IngestError when no article text is left."""
    meta_title, meta_byline, meta_date, blocks = (
        _extract_html(raw) if is_html else (None, None, None, _text_blocks(raw))
    )
    lines = [line for block in blocks for line in block]
    credit = next((m["name"].strip() for m in map(_FOLLOW_RE.match, lines) if m), None)
    chrome = load_chrome_patterns()
    paras = [" ".join(ln for ln in block if not any(p.fullmatch(ln) for p in chrome)) for block in blocks]
    paras = [p for p in paras if p]
    if not paras:
        raise IngestError("no article text found")
    keep = [True] * len(paras) if is_html else _classify(paras)
    # No paragraph long enough to be sure of (a short notice): keep all that the patterns left.
    start = keep.index(True) if any(keep) else 0
    keep = keep if any(keep) else [True] * len(paras)
    title = meta_title or _headline(paras, start, keep)
    if title and start < len(paras) and paras[start] == title:
        start += 1  # the page's own headline opens the body (trafilatura keeps the <h1>)
    head, body = paras[:start], [p for p, k in zip(paras[start:], keep[start:], strict=True) if k]
    # Credit, byline, date and release-number lines opening the body belong to the head.
    leading = next((i for i, p in enumerate(body) if not _is_meta(p)), len(body))
    head, body = head + body[:leading], body[leading:]
    byline = meta_byline or _by_line(head + body[:2]) or credit
    # A dateline sits at the very top; a date further into the lead is usually the event's, not the release's.
    published = meta_date or _first_date(head + [p[:60] for p in body[:2]])
    # A few words are a menu or a link, not a release (trafilatura returns "Home" for a bare nav page).
    if sum(_word_count(p) for p in body) < MIN_ARTICLE_WORDS:
        raise IngestError("no article text found")
    return CleanedRelease("\n\n".join(body), title, byline, published)


def read_release(path: Path, *, default_date: date | None = None, max_mb: float = DEFAULT_MAX_FILE_MB) -> Document:
    """Return the Document for a saved release of at most max_mb (the caller's ``Settings.max_file_mb``); a sidecar
    overrides what was extracted."""
    path = Path(path)
    if path.suffix.lower() not in RELEASE_SUFFIXES:
        raise IngestError(f"{path}: {_NOT_A_RELEASE}")
    _check_size(path, max_mb)
    sidecar = _read_sidecar(path)
    raw = _decode(path)
    try:
        cleaned = clean_text(raw, is_html=path.suffix.lower() in HTML_SUFFIXES)
    except IngestError as exc:
        raise IngestError(f"{path}: {exc}") from None
    # A sidecar is written for this one file, so it beats both the page and the caller's batch default.
    published = date.fromisoformat(sidecar["date"]) if "date" in sidecar else cleaned.published or default_date
    return Document(
        doc_id=document_id(cleaned.text),
        text=cleaned.text,
        title=sidecar.get("title") or cleaned.title,
        byline=sidecar.get("byline") or cleaned.byline,
        published=published,
        source=sidecar.get("source") or str(path),
    )


def iter_release_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Return the files of files and folders (folders recursively, sorted); raise IngestError for a missing path."""
    # Files that are not releases are returned too: read_release rejects each with its reason, so a
    # stray file in a folder is reported on its own line while the rest of the batch goes on.
    found: dict[Path, None] = {}  # ordered set: a file named twice is read once
    for path in map(Path, paths):
        if not path.exists():
            raise IngestError(f"{path}: no such file or folder (check the path)")
        for child in sorted(path.rglob("*")) if path.is_dir() else [path]:
            # Hidden files (.DS_Store, .git) and sidecars belong to the folder, not to the releases.
            hidden = child != path and any(part.startswith(".") for part in child.relative_to(path).parts)
            if hidden or not child.is_file() or (child != path and _is_sidecar(child)):
                continue
            found[child] = None
    # Every path is checked before the first is yielded, so a mistyped argument stops a run before any work.
    yield from found


def safe_filename(name: str, default: str = "upload.txt") -> str:
    """Return name as a plain file name that stays inside a folder it is joined to (never '..', hidden or absolute)."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]  # a browser on Windows may send C:\dir\x.txt
    base = _UNSAFE_NAME.sub("_", base).strip(" .")  # no leading dot: not hidden, not "." or ".."
    stem, dot, suffix = base.rpartition(".") if "." in base else (base, "", "")
    while len((stem + dot + suffix).encode("utf-8")) > MAX_NAME_BYTES and stem:
        stem = stem[:-1]
    base = (stem + dot + suffix).strip(" .") if stem else ""
    return base or default


def _check_size(path: Path, max_mb: float) -> None:
    """Raise IngestError when the file is larger than max_mb megabytes."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror})") from None
    if size > max_mb * MB:
        raise IngestError(
            f"{path}: {size / MB:.1f} MB is over the {max_mb:g} MB limit (raise MAPDASH_MAX_FILE_MB to allow it)"
        )


def _word_count(text: str) -> int:
    """Return about how many words text holds, counting Chinese, Japanese or Thai by characters."""
    unspaced = len(_UNSPACED.findall(text))
    return len(text.split()) + unspaced // 2


def _is_sidecar(path: Path) -> bool:
    """Return True for a ``.json`` file next to a release of the same name."""
    return path.suffix.lower() == ".json" and any(path.with_suffix(s).is_file() for s in RELEASE_SUFFIXES)


def _decode(path: Path) -> str:
    """Return the file's text: UTF-8 (or a BOM's encoding), else an HTML page's declared charset, else cp1252."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise IngestError(f"{path}: cannot read ({exc.strerror})") from None
    if not data.strip():
        raise IngestError(f"{path}: empty file")
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):  # Windows "Unicode" text
        return data.decode("utf-16", errors="replace")
    kind = next((name for magic, name in _SIGNATURES if data.startswith(magic)), None)
    if kind is not None:
        raise IngestError(f"{path}: binary file ({kind}), not text or HTML ({_SAVE_AS_TEXT})")
    head = data[:8192]
    # NUL bytes, or many other control bytes, are never in text (cp1252 would "decode" any binary file).
    controls = sum(1 for b in head if b < 32 and b not in b"\t\n\r\f")
    if b"\x00" in head or controls > max(8, len(head) // 20):
        raise IngestError(f"{path}: binary file, not text or HTML ({_SAVE_AS_TEXT})")
    declared = _CHARSET_RE.search(data[:4096]) if path.suffix.lower() in HTML_SUFFIXES else None
    # UTF-8 first: it is what pages are saved as today, and text in cp1252 almost never decodes as UTF-8.
    # cp1252 next: a superset of Latin-1 for the curly quotes and dashes of Windows-saved releases.
    codecs_to_try = ["utf-8-sig"] + ([declared.group(1).decode("ascii", "ignore")] if declared else []) + ["cp1252"]
    for codec in codecs_to_try:
        try:
            return data.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
    raise IngestError(f"{path}: neither UTF-8 nor cp1252 text (save it as UTF-8)")


def _read_sidecar(path: Path) -> dict[str, str]:
    """Return the metadata in ``<name>.json`` next to a release, or {} when there is none."""
    sidecar = path.with_suffix(".json")
    if not sidecar.is_file():
        return {}
    try:
        meta = json.loads(sidecar.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IngestError(f"{sidecar}: not valid JSON ({exc})") from None
    if (
        not isinstance(meta, dict)
        or not set(meta) <= SIDECAR_KEYS
        or not all(isinstance(v, str) for v in meta.values())
    ):
        raise IngestError(f"{sidecar}: expected a JSON object of strings with keys {sorted(SIDECAR_KEYS)}")
    if not _valid_iso(meta.get("date")):
        raise IngestError(f"{sidecar}: date {meta['date']!r} is not YYYY-MM-DD")
    return meta


def _valid_iso(value: str | None) -> bool:
    """Return True if value is None or an ISO calendar date."""
    try:
        return value is None or bool(date.fromisoformat(value))
    except ValueError:
        return False


def _normalise_line(line: str) -> str:
    """Return a line with zero-width characters dropped and whitespace runs collapsed to one space."""
    return " ".join(line.translate(_ZERO_WIDTH).split())


def _text_blocks(raw: str) -> list[list[str]]:
    """Return the paragraphs of plain text, each as its normalised lines."""
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    # Pages saved with blank lines between paragraphs may wrap lines inside one; without blank lines,
    # each line is a paragraph.
    chunks = re.split(r"\n[ \t\u00a0]*\n", raw) if re.search(r"\n[ \t\u00a0]*\n", raw) else raw.split("\n")
    blocks = []
    for chunk in chunks:
        lines = [n for n in map(_normalise_line, chunk.split("\n")) if n]
        if any(len(line) > _WRAP_WIDTH for line in lines[:-1]):
            blocks.extend(_join_datelines([[line] for line in lines]))  # lines as long as paragraphs are paragraphs
        else:
            blocks.extend(_join_datelines(_split_meta_lines(lines)))
    return blocks


def _join_datelines(blocks: list[list[str]]) -> list[list[str]]:
    """Return the blocks with a dateline on a line of its own ("WASHINGTON --") joined to the paragraph it opens."""
    joined: list[list[str]] = []
    for block in blocks:
        if joined and len(joined[-1]) == 1 and _BARE_DATELINE.fullmatch(joined[-1][0]):
            joined[-1] = joined[-1] + block
        else:
            joined.append(block)
    return joined


def _split_meta_lines(lines: list[str]) -> list[list[str]]:
    """Return a paragraph's lines grouped, each credit, byline, date or release-number line a group of its own."""
    groups: list[list[str]] = []
    for line in lines:
        after_meta = groups and _is_meta(groups[-1][-1]) and not _BY_RE.fullmatch(groups[-1][-1])
        if _is_meta(line) or after_meta:
            groups.append([line])
        elif groups:
            groups[-1].append(line)
        else:
            groups.append([line])
    return groups


def _extract_html(raw: str) -> tuple[str | None, str | None, date | None, list[list[str]]]:
    """Return title, author, date and paragraphs that trafilatura finds in a saved page."""
    import trafilatura  # heavy import, only needed for HTML

    # Only dates the page states as metadata: a scan of the whole page finds copyright years and the like.
    dates = {"extensive_search": False, "original_date": True}
    doc = trafilatura.bare_extraction(
        raw, with_metadata=True, include_comments=False, include_tables=False, date_extraction_params=dates
    )
    if doc is None or not doc.text:
        raise IngestError("no article text found")
    published = date.fromisoformat(doc.date[:10]) if doc.date and _valid_iso(doc.date[:10]) else None
    blocks = [[n] for n in map(_normalise_line, doc.text.split("\n")) if n]
    title = _headline_of_page_title(raw, _normalise_line(doc.title)) if doc.title else None
    return title or None, (doc.author or "").strip() or None, published, blocks


def _headline_of_page_title(raw: str, title: str) -> str:
    """Return the headline when title is a piece of the page's <title> ("Headline > Site > Section"): the longest."""
    match = _TITLE_TAG_RE.search(raw)
    if match is None:
        return title
    pieces = [_normalise_line(html.unescape(p)) for p in _TITLE_SEPARATOR.split(html.unescape(match.group(1)))]
    pieces = [p for p in pieces if p]
    if len(pieces) < 2 or title not in pieces:
        return title
    return max(pieces, key=lambda p: len(p.split()))  # a site or section name is shorter than a headline


@lru_cache(maxsize=1)
def _stoplist() -> frozenset[str]:
    """Return jusText's stopwords for the release language."""
    import justext

    return frozenset(justext.get_stoplist(JUSTEXT_LANGUAGE))


def _classify(paras: list[str]) -> list[bool]:
    """Return, per paragraph, whether jusText classifies it as article text rather than boilerplate."""
    import justext

    page = "<html><body>" + "".join(f"<p>{html.escape(p)}</p>" for p in paras) + "</body></html>"
    result = justext.justext(page, _stoplist())
    if len(result) != len(paras):  # jusText merged or dropped a block: do not guess which
        return [True] * len(paras)
    keep = [not p.is_boilerplate for p in result]
    if any(keep):
        # jusText treats a short paragraph at the edge of the body as boilerplate (its outer neighbour
        # counts as bad), which loses one-sentence leads and endings: extend the body over sentences.
        first, last = keep.index(True), len(keep) - 1 - keep[::-1].index(True)
        # Inside the body, prose is article text whatever its neighbours (jusText drops a short paragraph after a
        # heading).
        for i in range(first + 1, last):
            if not keep[i] and (
                _is_sentence(paras[i]) or (_looks_like_headline(paras[i]) and _is_sentence(paras[i + 1], _PROSE_WORDS))
            ):
                keep[i] = True
        # A subheading between such sentences goes too ("Strikes in Syria" before "Attack aircraft conducted ...:").
        while first > 0 and (
            _is_sentence(paras[first - 1])
            or (first > 1 and _looks_like_headline(paras[first - 1]) and _is_sentence(paras[first - 2], _PROSE_WORDS))
        ):
            first -= 1
            keep[first] = True
        while last < len(keep) - 1 and (
            _is_sentence(paras[last + 1])
            or (
                last + 2 < len(keep)
                and _looks_like_headline(paras[last + 1])
                and _is_sentence(paras[last + 2], _PROSE_WORDS)
            )
        ):
            last += 1
            keep[last] = True
    return keep


def _is_sentence(para: str, min_words: int = 3) -> bool:
    """Return True for a paragraph that reads as prose: min_words or more, ending like a sentence (or a colon)."""
    return (
        len(para.split()) >= min_words and bool(re.search(r"[a-z]", para)) and bool(re.search(r"[.?!:][\"”’)]?$", para))
    )


def _looks_like_headline(para: str) -> bool:
    """Return True for a short line that is not a sentence, a byline or a date."""
    words = _word_count(para)
    return 2 <= words <= 20 and not para.endswith((".", ":", ";", ",", "。")) and not _is_meta(para)


def _headline(paras: list[str], start: int, keep: list[bool]) -> str | None:
    """Return the last headline-like paragraph before the article body, or the body's first line if it is one."""
    before = [p for p in paras[:start] if _looks_like_headline(p)]
    if before:
        return before[-1]
    rest = [p for p, k in zip(paras[start:], keep[start:], strict=True) if k]
    return rest[0] if len(rest) > 1 and _looks_like_headline(rest[0]) else None


def _by_line(paras: list[str]) -> str | None:
    """Return the name in the first short "By X" paragraph."""
    for para in paras:
        m = _BY_RE.fullmatch(para)
        if m and len(para.split()) <= 10 and not para.endswith(".") and not any(c.isdigit() for c in m["name"]):
            return m["name"].strip()
    return None


def _first_date(paras: list[str]) -> date | None:
    """Return the first valid calendar date written in the paragraphs."""
    for para in paras:
        for pattern in _DATE_RES:
            for m in pattern.finditer(para):
                month = m["month"]
                number = int(month) if month.isdigit() else MONTH_NUMBERS[month.rstrip(".").lower()]
                try:
                    return date(int(m["year"]), number, int(m["day"]))
                except ValueError:
                    continue
    return None


def _is_meta(para: str) -> bool:
    """Return True for a paragraph that only says who issued a release, when, or its number."""
    if _is_by_or_date_line(para) or _CREDIT_RE.fullmatch(para) or _BARE_DATELINE.fullmatch(para):
        return True
    if _RELEASE_NO_RE.fullmatch(para) and len(para.split()) <= 10:
        return True
    # "Dec. 28, 2015 | By Jim Garamone": a date beside a byline
    undated = _SEPARATORS.sub("", _strip_dates(para))
    return undated != para.strip() and bool(undated) and bool(_BY_RE.fullmatch(undated)) and len(para.split()) <= 12


def _strip_dates(para: str) -> str:
    """Return para without its calendar dates."""
    for pattern in _DATE_RES:
        para = pattern.sub(" ", para)
    return para


def _is_by_or_date_line(para: str) -> bool:
    """Return True for a short paragraph that only carries a byline or a date."""
    if len(para.split()) > 10:
        return False
    if _BY_RE.fullmatch(para) and not para.endswith("."):
        return True
    # A date with at most two other words ("Updated Feb. 26, 2016", "WASHINGTON, Feb. 26, 2016").
    rest = para
    for pattern in _DATE_RES:
        rest = pattern.sub(" ", rest)
    return rest != para and len(re.findall(r"\w+", rest)) <= 2

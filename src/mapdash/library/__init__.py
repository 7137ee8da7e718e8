"""The document library: add releases (files, folders, uploads, pasted text), re-process and delete them.

Every function returns one ``IngestResult`` per release instead of printing, so the command line and
the Documents page report the same outcomes (added / already present / re-processed / rejected and why).
Geoparsing services are passed as a loader and built only when a release actually needs geoparsing.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Literal

from mapdash.geoparse.ingest import (
    RELEASE_SUFFIXES,
    IngestError,
    clean_text,
    document_id,
    iter_release_paths,
    read_release,
    safe_filename,
)
from mapdash.geoparse.pipeline import Services, geoparse
from mapdash.geoparse.slices import SliceProgress
from mapdash.model import Document, Geoparse
from mapdash.settings import DEFAULT_MAX_FILE_MB
from mapdash.store import Store

Status = Literal["added", "present", "reprocessed", "rejected"]
STATUSES: tuple[Status, ...] = ("added", "present", "reprocessed", "rejected")
ServicesLoader = Callable[[], Services]
Progress = Callable[[int, int, "IngestResult"], None]  # (done, total, latest result)
Parsing = Callable[
    [str, int, int], None
]  # (source, characters geoparsed, characters in its text): a long release's progress
PASTED = "pasted text"
# The one answer to every server path the dashboard may not read: missing, outside the release folders, hidden,
# a symbolic link leading out, unreadable. A remote user learns nothing about what exists on the server.
REFUSED = "no such file or folder in the server's release folders"


class PathRefused(IngestError):
    """A server path the dashboard may not read; the message is the same whatever the reason."""


@dataclass(frozen=True)
class IngestResult:
    """What happened to one release: its status, the stored document, and why it was rejected."""

    source: str
    status: Status
    doc_id: str = ""
    title: str = ""
    places: int = 0
    quotes: int = 0
    mode: str = ""
    reason: str = ""
    note: str = ""  # what a per-document cap left out (see mapdash.geoparse.slices), "" when nothing

    def line(self) -> str:
        """Return the one-line report the command line prints."""
        if self.status == "rejected":
            return f"rejected: {self.reason}"
        if self.status == "present":
            return f"already present: {self.source} ({self.doc_id[:12]})"
        verb = "added" if self.status == "added" else "re-processed"
        capped = f" ({self.note})" if self.note else ""
        return (
            f"{verb}: {self.source} ({self.doc_id[:12]}) {self.places} place mentions, "
            f"{self.quotes} quotes [{self.mode}]{capped}"
        )


class _Services:
    """Build the services on first use only: a batch of already-stored releases needs no gazetteer."""

    def __init__(self, loader: ServicesLoader) -> None:
        self._loader = loader
        self._services: Services | None = None

    def get(self) -> Services:
        """Return the services, building them the first time."""
        if self._services is None:
            self._services = self._loader()
        return self._services


def _ingest(
    db: Store,
    source: str,
    doc: Document,
    services: _Services,
    *,
    reprocess: bool,
    parsing: Parsing | None = None,
) -> IngestResult:
    """Geoparse and store one document unless it is stored already (and reprocess is off)."""
    present = db.has_document(doc.doc_id)
    if present and not reprocess:
        return IngestResult(source, "present", doc.doc_id, doc.title or "")
    step: SliceProgress | None = None if parsing is None else (lambda done, total: parsing(source, done, total))
    return _store(db, source, geoparse(doc, services.get(), progress=step), present=present, reprocess=reprocess)


def _store(db: Store, source: str, result: Geoparse, *, present: bool, reprocess: bool) -> IngestResult:
    """Store one geoparse (one transaction) and return what happened; the serial and parallel ingests share it."""
    doc = result.document
    # Already there: another process stored it while this one geoparsed, or the same text came twice in a batch.
    if not db.save_geoparse(result, replace=reprocess):
        return IngestResult(source, "present", doc.doc_id, doc.title or "")
    placed = sum(1 for r in result.resolutions if r.place is not None)
    status: Status = "reprocessed" if present else "added"
    return IngestResult(
        source, status, doc.doc_id, doc.title or "", placed, len(result.quotes), result.mode, note=result.cap_note
    )


def _run(
    db: Store,
    readers: Sequence[tuple[str, Callable[[], Document]]],
    loader: ServicesLoader,
    *,
    reprocess: bool = False,
    progress: Progress | None = None,
    parsing: Parsing | None = None,
) -> list[IngestResult]:
    """Read, geoparse and store each release; a release that cannot be read is rejected, the rest go on."""
    services = _Services(loader)
    results: list[IngestResult] = []
    for source, read in readers:
        try:
            result = _ingest(db, source, read(), services, reprocess=reprocess, parsing=parsing)
        except IngestError as exc:
            result = IngestResult(source, "rejected", reason=str(exc))
        results.append(result)
        if progress is not None:
            progress(len(results), len(readers), result)
    return results


def ingest_paths(
    db: Store,
    paths: Iterable[Path],
    loader: ServicesLoader,
    *,
    default_date: date | None = None,
    reprocess: bool = False,
    progress: Progress | None = None,
    parsing: Parsing | None = None,
    release_dirs: Sequence[Path] | None = None,
    max_mb: float = DEFAULT_MAX_FILE_MB,
) -> list[IngestResult]:
    """Add the releases in files and folders; return one result per release file.

    Raises IngestError before any work when a path is missing; a file that is not a release is rejected on its own.
    With release_dirs (the dashboard), every path and every file found is confined to them (``confined_files``).
    A file over max_mb megabytes (``Settings.max_file_mb``) is rejected unread.
    """
    files = list(iter_release_paths(paths)) if release_dirs is None else confined_files(paths, release_dirs)
    readers = [(str(p), lambda p=p: read_release(p, default_date=default_date, max_mb=max_mb)) for p in files]
    return _run(db, readers, loader, reprocess=reprocess, progress=progress, parsing=parsing)


def _inside(path: Path, roots: Sequence[Path]) -> Path | None:
    """Return the root that path lies in with no hidden part below it, or None."""
    for root in roots:
        if path == root or path.is_relative_to(root):
            if not any(part.startswith(".") for part in path.relative_to(root).parts):
                return root
    return None


def confined_files(paths: Iterable[Path | str], release_dirs: Sequence[Path]) -> list[Path]:
    """Return the release files under paths, each resolved (symbolic links followed) and inside a release folder.

    A relative path is taken inside each release folder in turn. Raises PathRefused, with the same message
    whatever the reason, when a path is missing, unreadable, hidden or leads outside every release folder;
    files found in a folder that are hidden or lead outside are left out without a word.
    """
    roots = [Path(d).resolve() for d in release_dirs]
    files: dict[Path, None] = {}
    for given in paths:
        typed = str(given)
        tries = (
            []
            if not typed.strip()
            else [Path(typed)]
            if Path(typed).is_absolute()
            else [root / typed for root in roots]
        )
        found = None
        for candidate in tries:
            try:
                real = candidate.resolve(strict=True)
            except (OSError, RuntimeError):  # missing, a loop of links, no permission
                continue
            if _inside(real, roots) is not None and os.access(real, os.R_OK):
                found = real
                break
        if found is None or not roots:
            raise PathRefused(f"{typed}: {REFUSED}")
        try:
            walked = list(iter_release_paths([found]))
        except (IngestError, OSError):
            raise PathRefused(f"{typed}: {REFUSED}") from None
        for child in walked:
            try:
                real = child.resolve(strict=True)
            except (OSError, RuntimeError):
                continue
            if _inside(real, roots) is not None and real.is_file():
                files[real] = None
    return list(files)


def ingest_uploads(
    db: Store,
    uploads: Sequence[tuple[str, bytes]],
    loader: ServicesLoader,
    *,
    default_date: date | None = None,
    progress: Progress | None = None,
    max_mb: float = DEFAULT_MAX_FILE_MB,
) -> list[IngestResult]:
    """Add uploaded releases given as (file name, content); a ``<name>.json`` sidecar among them is applied."""
    with tempfile.TemporaryDirectory(prefix="mapdash-upload-") as tmp:
        files = write_uploads(Path(tmp), uploads)
        return ingest_written_uploads(db, files, loader, default_date=default_date, progress=progress, max_mb=max_mb)


def write_uploads(folder: Path, uploads: Iterable[tuple[str, bytes]]) -> list[Path]:
    """Write uploads (file name, content) into folder under safe names, two of one name both kept; return the files."""
    written: dict[str, Path] = {}
    for name, data in uploads:
        safe = safe_filename(name)  # never a path: an upload names a file, not where to put it
        stem, suffix = Path(safe).stem, Path(safe).suffix
        n = 2
        while safe in written:  # two uploads of one name are two releases: neither overwrites
            safe, n = f"{stem}-{n}{suffix}", n + 1
        (folder / safe).write_bytes(data)
        written[safe] = folder / safe
    return list(written.values())


def ingest_written_uploads(
    db: Store,
    written: Sequence[Path],
    loader: ServicesLoader,
    *,
    default_date: date | None = None,
    progress: Progress | None = None,
    parsing: Parsing | None = None,
    max_mb: float = DEFAULT_MAX_FILE_MB,
) -> list[IngestResult]:
    """Add the files ``write_uploads`` wrote, each reported by its uploaded name; sidecars are applied."""
    stems = {p.stem for p in written if p.suffix.lower() in RELEASE_SUFFIXES}
    readers: list[tuple[str, Callable[[], Document]]] = []
    for path in written:
        if path.suffix.lower() == ".json" and path.stem in stems:
            continue  # a sidecar: read_release applies it to its release
        readers.append((path.name, lambda path=path: _read_upload(path, path.name, default_date, max_mb)))
    return _run(db, readers, loader, progress=progress, parsing=parsing)


def _read_upload(path: Path, name: str, default_date: date | None, max_mb: float) -> Document:
    """Return the Document of an uploaded file, its source the uploaded name (not the temporary path)."""
    if path.suffix.lower() not in RELEASE_SUFFIXES:
        raise IngestError(f"{name}: not a release file (expected .txt, .html or .htm)")
    try:
        doc = read_release(path, default_date=default_date, max_mb=max_mb)
    except IngestError as exc:
        raise IngestError(str(exc).replace(str(path), name)) from None
    return replace(doc, source=name) if doc.source == str(path) else doc


def ingest_text(
    db: Store,
    text: str,
    loader: ServicesLoader,
    *,
    title: str | None = None,
    published: date | None = None,
    source: str = PASTED,
    parsing: Parsing | None = None,
) -> IngestResult:
    """Add a release pasted as text (or as HTML, when it starts with a tag); return its result."""
    is_html = text.lstrip().startswith("<")

    def read() -> Document:
        try:
            cleaned = clean_text(text, is_html=is_html)
        except IngestError as exc:
            raise IngestError(f"{source}: {exc}") from None
        return Document(
            document_id(cleaned.text),
            cleaned.text,
            title or cleaned.title,
            cleaned.byline,
            published or cleaned.published,
            source,
        )

    if not text.strip():
        return IngestResult(source, "rejected", reason=f"{source}: empty text")
    return _run(db, [(source, read)], loader, parsing=parsing)[0]


def reprocess_documents(
    db: Store,
    doc_ids: Sequence[str],
    loader: ServicesLoader,
    *,
    progress: Progress | None = None,
    parsing: Parsing | None = None,
) -> list[IngestResult]:
    """Geoparse stored documents again (analyst corrections are kept); return one result per document."""
    readers: list[tuple[str, Callable[[], Document]]] = []
    for doc_id in doc_ids:
        readers.append((doc_id[:12], lambda doc_id=doc_id: _stored_document(db, doc_id)))
    return _run(db, readers, loader, reprocess=True, progress=progress, parsing=parsing)


def _stored_document(db: Store, doc_id: str) -> Document:
    """Return a stored document as the Document it was stored from."""
    row = db.document_row(doc_id)
    if row is None:
        raise IngestError(f"{doc_id[:12]}: no such document")
    published = date.fromisoformat(row["published"]) if row["published"] else None
    return Document(row["doc_id"], row["text"], row["title"], row["byline"], published, row["source"])


def delete_documents(db: Store, doc_ids: Iterable[str]) -> int:
    """Delete documents with their machine output (corrections are kept); return how many existed."""
    return sum(db.delete_document(doc_id) for doc_id in doc_ids)


def counts(results: Iterable[IngestResult]) -> dict[str, int]:
    """Return how many results have each status (the one tally of the serial and parallel ingests)."""
    tally = dict.fromkeys(STATUSES, 0)
    for r in results:
        tally[r.status] += 1
    return tally

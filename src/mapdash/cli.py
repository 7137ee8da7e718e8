"""The `mapdash` command line: ingest releases, list places, serve the dashboard."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from mapdash import __version__, store
from mapdash.frame import mentions_frame
from mapdash.ingest import IngestError, iter_release_paths, read_release
from mapdash.settings import REPO_ROOT, Settings, load_settings

PLACE_COLUMNS = [
    "doc_id", "mention", "start", "end", "sentence", "place_name", "place_id", "geonameid", "feature",
    "country_code", "admin1_name", "lat", "lon", "confidence", "phase", "phases",
]


class CommandError(Exception):
    """A failure the user can act on; printed as one line."""


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every sub-command."""
    parser = argparse.ArgumentParser(prog="mapdash", description="Press releases turned into an offline campaign map.")
    parser.add_argument("--version", action="version", version=f"mapdash {__version__}")
    parser.add_argument("--db", help="SQLite database file (default: $MAPDASH_DB or the user data folder)")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--no-spacy", action="store_true", help="geoparse with the gazetteer only, without spaCy NER")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="add releases (.txt, .html, .htm files and folders of them)")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument("--date", type=date.fromisoformat, help="publication date (YYYY-MM-DD) where a release states none")
    ingest.add_argument("--reprocess", action="store_true", help="geoparse again documents already stored")

    places = sub.add_parser("places", help="list the place mentions")
    places.add_argument("--format", choices=["table", "csv", "json", "geojson"], default="table")

    seed = sub.add_parser("seed", help="load the bundled seed releases if the database has no document")
    seed.add_argument("--force", action="store_true", help="load them even if the database has documents")

    serve = sub.add_parser("serve", help="start the dashboard")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8501)

    sub.add_parser("gazetteer", help="build the gazetteer index now (it is otherwise built on first use)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = build_parser().parse_args(argv)
    settings = load_settings(args.db)
    try:
        return COMMANDS[args.command](args, settings)
    except (CommandError, IngestError, store.StoreError, OSError) as exc:
        if args.debug:
            raise
        print(f"mapdash: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Ingest files and folders; print one line per file; exit 1 if any file was rejected."""
    return ingest_paths(args.paths, settings, default_date=args.date, reprocess=args.reprocess, use_spacy=not args.no_spacy)


def ingest_paths(paths: Sequence[Path], settings: Settings, *, default_date: date | None = None, reprocess: bool = False, use_spacy: bool = True) -> int:
    """Geoparse and store each release under paths; return 0, or 1 when some were rejected."""
    from mapdash.pipeline import geoparse, load_services

    conn = store.connect(settings.db_path)
    services = None
    counts = {"added": 0, "present": 0, "rejected": 0}
    started = time.perf_counter()
    for path in iter_release_paths(paths):
        try:
            doc = read_release(path, default_date=default_date)
        except IngestError as exc:
            print(f"rejected: {exc}")
            counts["rejected"] += 1
            continue
        if store.has_document(conn, doc.doc_id) and not reprocess:
            print(f"already present: {path} ({doc.doc_id[:12]})")
            counts["present"] += 1
            continue
        services = services or load_services(settings, use_spacy=use_spacy)
        result = geoparse(doc, services)
        store.save_geoparse(conn, result, replace=reprocess)
        placed = sum(1 for r in result.resolutions if r.place is not None)
        print(f"added: {path} ({doc.doc_id[:12]}) {placed} place mentions, {len(result.quotes)} quotes [{result.mode}]")
        counts["added"] += 1
    elapsed = time.perf_counter() - started
    print(f"{counts['added']} added, {counts['present']} already present, {counts['rejected']} rejected in {elapsed:.2f} s")
    return 1 if counts["rejected"] else 0


def _places(args: argparse.Namespace, settings: Settings) -> int:
    """Print one row per place mention in the chosen format."""
    gdf = mentions_frame(store.connect(settings.db_path))
    if args.format == "geojson":
        print(gdf[gdf["place_id"].notna()].to_json(drop_id=True, default=str))
        return 0
    df = gdf[[c for c in PLACE_COLUMNS if c in gdf.columns]]
    if args.format == "csv":
        sys.stdout.write(df.to_csv(index=False))
    elif args.format == "json":
        print(json.dumps(json.loads(df.to_json(orient="records", date_format="iso")), ensure_ascii=False, indent=1))
    else:
        narrow = df[["mention", "place_name", "feature", "country_code", "admin1_name", "lat", "lon", "confidence", "phase"]]
        print(narrow.to_string(index=False, max_colwidth=30) if len(narrow) else "no place mentions stored")
    return 0


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    """Load the bundled seed releases into an empty database."""
    conn = store.connect(settings.db_path)
    if not args.force and conn.execute("SELECT count(*) FROM documents").fetchone()[0]:
        print(f"database {settings.db_path} already has documents: seed not loaded")
        return 0
    return ingest_paths([settings.data_dir / "seeds"], settings, use_spacy=not args.no_spacy)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    """Start the Streamlit dashboard on host:port with the offline assets installed."""
    from mapdash.assets import install_static

    install_static(settings.static_dir)
    env = {**os.environ, "MAPDASH_DB": str(settings.db_path)}
    command = [
        sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "app.py"),
        "--server.address", args.host, "--server.port", str(args.port), "--server.headless", "true",
        "--server.enableStaticServing", "true", "--browser.gatherUsageStats", "false", "--client.toolbarMode", "viewer",
    ]
    print(f"mapdash: serving {settings.db_path} on http://{args.host}:{args.port}", flush=True)
    os.execve(sys.executable, command, env)
    return 0  # pragma: no cover - execve does not return


def _gazetteer(args: argparse.Namespace, settings: Settings) -> int:
    """Build (or find) the gazetteer index and say where it is."""
    from mapdash.gazetteer import load_gazetteer

    started = time.perf_counter()
    gazetteer = load_gazetteer(settings.data_dir, settings.cache_dir)
    print(f"gazetteer ready in {time.perf_counter() - started:.1f} s: {gazetteer.mode_info}")
    return 0


COMMANDS = {"ingest": _ingest, "places": _places, "seed": _seed, "serve": _serve, "gazetteer": _gazetteer}

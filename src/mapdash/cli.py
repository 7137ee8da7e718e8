"""The `mapdash` command line: ingest releases, list places, serve the dashboard."""

from __future__ import annotations

import argparse
import sqlite3
import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pandas as pd

from mapdash import __version__, store
from mapdash.frame import mentions_frame
from mapdash.ingest import IngestError, iter_release_paths, read_release
from mapdash.settings import REPO_ROOT, Settings, load_settings

PLACE_COLUMNS = [
    "doc_id", "mention", "start", "end", "sentence", "place_name", "place_id", "geonameid", "feature",
    "country_code", "admin1_name", "lat", "lon", "confidence", "phase", "phases", "phase_rule",
    "phase_confidence", "evidence", "phase_from", "phase_to", "quote", "speaker", "corrected",
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

    quotes = sub.add_parser("quotes", help="list the quotes with their speakers")
    quotes.add_argument("--format", choices=["table", "csv", "json"], default="table")

    phases = sub.add_parser("phases", help="list the campaign-phase taxonomy (data/phases.toml)")
    phases.add_argument("--format", choices=["table", "csv", "json"], default="table")

    correct = sub.add_parser("correct", help="record an analyst's correction of a mention's place or phase")
    correct.add_argument("doc_id", help="document id (or a unique prefix of it)")
    correct.add_argument("start", type=int, help="the mention's start offset (see `mapdash places`)")
    correct.add_argument("end", type=int, help="the mention's end offset")
    what = correct.add_mutually_exclusive_group(required=True)
    what.add_argument("--place", help="the gazetteer id of the right place, e.g. gn:95788")
    what.add_argument("--point", nargs=2, type=float, metavar=("LAT", "LON"), help="set the point by hand")
    what.add_argument("--phase", help="the right campaign phase (a key of `mapdash phases`)")
    correct.add_argument("--name", default="", help="with --point: the place's name")
    correct.add_argument("--note", default="", help="why")
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
    _print_table(df, args.format, ["mention", "place_name", "feature", "country_code", "admin1_name", "lat", "lon", "confidence", "phases"])
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


def _print_table(df: pd.DataFrame, fmt: str, narrow: list[str] | None = None) -> None:
    """Print a DataFrame as an aligned table, CSV or JSON records."""
    if fmt == "csv":
        sys.stdout.write(df.to_csv(index=False))
    elif fmt == "json":
        print(json.dumps(json.loads(df.to_json(orient="records", date_format="iso")), ensure_ascii=False, indent=1))
    else:
        shown = df[narrow] if narrow else df
        print(shown.to_string(index=False, max_colwidth=60) if len(shown) else "nothing stored")


def _quotes(args: argparse.Namespace, settings: Settings) -> int:
    """Print one row per quote."""
    from mapdash.frame import quotes_table

    df = quotes_table(store.connect(settings.db_path))
    _print_table(df, args.format, ["speaker", "kind", "text", "places"])
    return 0


def _phases(args: argparse.Namespace, settings: Settings) -> int:
    """Print the phase taxonomy: key, label, colour, icon, number of cues."""
    from mapdash.annotate import load_phase_taxonomy
    from mapdash.pipeline import phase_taxonomy_path

    taxonomy = load_phase_taxonomy(phase_taxonomy_path(settings))
    df = pd.DataFrame([{"key": k, "label": p.label, "color": p.color, "icon": p.icon, "cues": len(p.cues)} for k, p in taxonomy.items()])
    _print_table(df, args.format)
    return 0


def _correct(args: argparse.Namespace, settings: Settings) -> int:
    """Store a correction for one mention, after checking the mention and the value exist."""
    conn = store.connect(settings.db_path)
    matches = [r["doc_id"] for r in conn.execute("SELECT doc_id FROM documents WHERE doc_id LIKE ?", (args.doc_id + "%",))]
    if len(matches) != 1:
        raise CommandError(f"{args.doc_id!r} matches {len(matches)} documents: give more of the id (see `mapdash places`)")
    doc_id = matches[0]
    if conn.execute("SELECT 1 FROM mentions WHERE doc_id = ? AND start = ? AND end = ?", (doc_id, args.start, args.end)).fetchone() is None:
        raise CommandError(f"no place mention at {args.start}-{args.end} in {doc_id[:12]} (see `mapdash places` for spans)")
    if args.phase is not None:
        from mapdash.annotate import load_phase_taxonomy
        from mapdash.pipeline import phase_taxonomy_path

        keys = load_phase_taxonomy(phase_taxonomy_path(settings))
        if args.phase not in keys:
            raise CommandError(f"unknown phase {args.phase!r}: one of {', '.join(keys)}")
        kind, value = "phase", args.phase
    elif args.place is not None:
        _ensure_place(conn, settings, args.place)
        kind, value = "place", args.place
    else:
        lat, lon = args.point
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise CommandError(f"{lat}, {lon} is not a latitude, longitude")
        kind, value = "place", {"lat": lat, "lon": lon, "name": args.name}
    correction_id = store.add_correction(conn, doc_id, (args.start, args.end), kind, value, note=args.note)
    print(f"correction {correction_id} stored: {doc_id[:12]} {args.start}-{args.end} {kind} -> {value}")
    return 0


def _ensure_place(conn: sqlite3.Connection, settings: Settings, place_id: str) -> None:
    """Make sure a gazetteer place is stored, so a correction can point at it."""
    if store.place_by_id(conn, place_id) is not None:
        return
    from mapdash.gazetteer import load_gazetteer

    place = load_gazetteer(settings.data_dir, settings.cache_dir).place(place_id)
    if place is None:
        raise CommandError(f"no gazetteer place {place_id!r}")
    store.save_place(conn, place)


COMMANDS = {"ingest": _ingest, "places": _places, "seed": _seed, "serve": _serve, "gazetteer": _gazetteer,
            "quotes": _quotes, "phases": _phases, "correct": _correct}

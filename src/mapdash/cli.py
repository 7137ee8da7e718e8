"""The `mapdash` command line: ingest releases, list places, serve the dashboard."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
import time
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import NoReturn

import pandas as pd

from mapdash import __version__
from mapdash.frame import mentions_frame
from mapdash.geoparse.ingest import IngestError
from mapdash.model import Col
from mapdash.settings import APP_SCRIPT, REPO_ROOT, Settings, SettingsError, load_settings
from mapdash.store import Store, StoreError

# What `mapdash places` prints, in this order.
PLACE_COLUMNS = [
    Col.DOC_ID,
    Col.MENTION,
    Col.START,
    Col.END,
    Col.SENTENCE,
    Col.PLACE_NAME,
    Col.PLACE_ID,
    Col.GEONAMEID,
    Col.FEATURE,
    Col.COUNTRY_CODE,
    Col.ADMIN1_NAME,
    Col.LAT,
    Col.LON,
    Col.CONFIDENCE,
    Col.PHASE,
    Col.PHASES,
    Col.PHASE_RULE,
    Col.PHASE_CONFIDENCE,
    Col.EVIDENCE,
    Col.PHASE_FROM,
    Col.PHASE_TO,
    Col.QUOTE,
    Col.SPEAKER,
    Col.CORRECTED,
]


class CommandError(Exception):
    """A failure the user can act on; printed as one line."""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line that points to --help."""

    def error(self, message: str) -> NoReturn:
        """Print the mistake on one line and exit with status 2."""
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of every sub-command."""
    parser = _Parser(prog="mapdash", description="Press releases turned into an offline campaign map.")
    parser.add_argument("--version", action="version", version=f"mapdash {__version__}")
    parser.add_argument(
        "--db",
        help=(
            "SQLite database file or postgresql://user@host:port/db URL (default: $MAPDASH_DB or the user data folder)"
        ),
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    parser.add_argument("--no-spacy", action="store_true", help="geoparse with the gazetteer only, without spaCy NER")
    sub = parser.add_subparsers(dest="command", required=True)

    ingest = sub.add_parser("ingest", help="add releases (.txt, .html, .htm files and folders of them)")
    ingest.add_argument("paths", nargs="+", type=Path)
    ingest.add_argument(
        "--date", type=date.fromisoformat, help="publication date (YYYY-MM-DD) where a release states none"
    )
    ingest.add_argument("--reprocess", action="store_true", help="geoparse again documents already stored")
    ingest.add_argument(
        "--workers", type=int, default=1, help="worker processes that read and geoparse (0: one per core; default 1)"
    )
    ingest.add_argument(
        "--scheduler",
        nargs="?",
        const="local",
        metavar="tcp://HOST:PORT",
        help="geoparse on a Dask cluster (alone or 'local': a LocalCluster of --workers processes)",
    )

    places = sub.add_parser("places", help="list the place mentions")
    places.add_argument("--format", choices=["table", "csv", "json", "geojson"], default="table")

    seed = sub.add_parser("seed", help="load the bundled seed releases if the database has no document")
    seed.add_argument("--force", action="store_true", help="load them even if the database has documents")

    serve = sub.add_parser("serve", help="start the dashboard")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--max-upload-mb", type=int, help="largest upload in MB (default: $MAPDASH_MAX_UPLOAD_MB or 50)")
    serve.add_argument(
        "--release-dir",
        action="append",
        default=[],
        type=Path,
        metavar="DIR",
        help=(
            "a folder the Documents page may read releases from (repeatable; default: $MAPDASH_RELEASE_DIRS, else none)"
        ),
    )

    sub.add_parser("gazetteer", help="build the gazetteer index now (it is otherwise built on first use)")

    bench = sub.add_parser(
        "bench", help="measure speed and memory at growing sizes (needs the LGL corpus in ../shared)"
    )
    bench.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "results.json", help="where the JSON goes")
    bench.add_argument("--docs", default="1000,10000", help="ingest corpus sizes (documents)")
    bench.add_argument("--mentions", default="1000,10000,100000", help="filter and map sizes (mentions)")
    bench.add_argument("--workers", type=int, default=0, help="worker processes for parallel ingest (0: one per core)")
    bench.add_argument("--postgres", metavar="URL", help="also ingest into this empty PostgreSQL database")
    bench.add_argument("--quick", action="store_true", help="tiny sizes: checks that every step runs")
    bench.add_argument("--keep", type=Path, help="keep the corpora and databases in this folder")
    bench.add_argument(
        "--long",
        default="1,4,40",
        metavar="MB,...",
        help="sizes of the long single documents ingested (MB; default 1,4,40)",
    )
    bench.add_argument(
        "--long-only", action="store_true", help="only the long single documents (repetitive text needs no LGL)"
    )

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
    correct.add_argument("--author", help="who makes the correction (default: your user name)")

    evaluate = sub.add_parser("eval", help="score the geoparser on a gold corpus")
    suite = evaluate.add_subparsers(dest="suite", required=True)
    geo = suite.add_parser("geoparse", help="recognition P/R/F1 and resolution accuracy on a gold JSONL file")
    geo.add_argument("file", type=Path, help="gold articles, one JSON object a line (see ../shared/README.md)")
    geo.add_argument("--limit", type=int, help="score only the first N articles")
    geo.add_argument("--gold-spans", action="store_true", help="resolve the gold spans instead of recognised ones")
    geo.add_argument(
        "--errors", type=Path, help="write the resolution errors, misses and false positives to this JSONL"
    )
    camp = suite.add_parser("campaign", help="places, phases, quotes, titles and dates on a campaign gold folder")
    camp.add_argument(
        "folder", type=Path, help="a folder with gold.jsonl and texts/ (see ../shared/bench/campaign/GUIDE.md)"
    )
    camp.add_argument(
        "--errors", type=Path, help="write every miss and every wrong place, phase or quote to this JSONL"
    )
    export = sub.add_parser("export", help="export the filtered map (png, pdf, html) or mentions (geojson, csv, gpkg)")
    export.add_argument("-o", "--output", type=Path, required=True, help="file to write")
    export.add_argument(
        "--format", choices=["png", "pdf", "html", "geojson", "csv", "gpkg"], help="default: from the output's suffix"
    )
    export.add_argument(
        "--country", action="append", default=[], metavar="CC", help="ISO country code, e.g. IQ; repeat for more"
    )
    export.add_argument(
        "--phase", action="append", default=[], help="campaign phase key (see `mapdash phases`); repeatable"
    )
    export.add_argument(
        "--document", action="append", default=[], metavar="DOC_ID", help="document id or a unique prefix; repeatable"
    )
    export.add_argument(
        "--speaker", action="append", default=[], help="speaker of the quote naming the place; repeatable"
    )
    export.add_argument("--since", type=date.fromisoformat, help="published on or after YYYY-MM-DD")
    export.add_argument("--until", type=date.fromisoformat, help="published on or before YYYY-MM-DD")
    export.add_argument("--min-confidence", type=float, default=0.0, help="resolution confidence at least this (0-1)")
    export.add_argument("--text", default="", help="sentence, place name or title contains this text")
    export.add_argument(
        "--bbox",
        nargs=4,
        type=float,
        metavar=("SOUTH", "WEST", "NORTH", "EAST"),
        help="png/pdf/html: the map's extent in degrees (default: fit the places)",
    )
    export.add_argument(
        "--view", metavar="LAT,LON,ZOOM", help="png/pdf/html: centre and zoom instead, as in the app's shared URL"
    )
    export.add_argument("--title", default="Campaign map", help="png/pdf/html: the briefing's title")
    export.add_argument(
        "--size", default="1600x1000", help="png/pdf: page size in CSS pixels, WIDTHxHEIGHT (default 1600x1000)"
    )
    export.add_argument(
        "--scale", type=float, default=2.0, help="png: device pixels per CSS pixel (default 2: 3200x2000 pixels)"
    )
    export.add_argument(
        "--renderer",
        choices=["auto", "chromium", "matplotlib"],
        default="auto",
        help="png/pdf: auto uses Chromium where installed, else the static matplotlib drawing",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the process exit code."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args, load_settings(args.db))
    except KeyboardInterrupt:
        print("mapdash: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader (head, less) closed the pipe: nothing to report, and nothing more to flush at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # every failure, expected or not, ends as one line unless --debug asks for the traceback
        if args.debug:
            raise
        print(f"mapdash: error: {error_line(exc)}", file=sys.stderr)
        return 2


def error_line(exc: BaseException) -> str:
    """Return an exception as one line: what went wrong and what to do about it."""
    if isinstance(exc, (CommandError, IngestError, StoreError, SettingsError)):
        text = str(exc)  # these messages already name the file and the remedy
    elif isinstance(exc, OSError) and exc.filename is not None:
        text = f"{exc.filename}: {exc.strerror or exc} (check the path and its permissions)"
    elif isinstance(exc, OSError):
        text = f"{exc.strerror or exc} (check the disk and try again)"
    elif isinstance(exc, sqlite3.DatabaseError):
        text = f"database error: {exc} (try again; if it persists, check the --db file or run with --debug)"
    elif isinstance(exc, MemoryError):
        text = "out of memory (ingest fewer or smaller files at once)"
    else:
        text = f"unexpected {type(exc).__name__}: {exc} (run again with --debug for the traceback and report it)"
    return " ".join(text.split())


def _ingest(args: argparse.Namespace, settings: Settings) -> int:
    """Ingest files and folders; print one line per file; exit 1 if any file was rejected."""
    if args.workers != 1 or args.scheduler is not None:
        return _ingest_parallel(args, settings)
    return ingest_paths(
        args.paths, settings, default_date=args.date, reprocess=args.reprocess, use_spacy=not args.no_spacy
    )


def ingest_paths(
    paths: Sequence[Path],
    settings: Settings,
    *,
    default_date: date | None = None,
    reprocess: bool = False,
    use_spacy: bool = True,
) -> int:
    """Geoparse and store each release under paths, printing one line each; return 0, or 1 when some were rejected."""
    from mapdash import library
    from mapdash.geoparse.pipeline import load_services

    started = time.perf_counter()
    results = library.ingest_paths(
        Store.open(settings.db_path),
        paths,
        lambda: load_services(settings, use_spacy=use_spacy),
        default_date=default_date,
        reprocess=reprocess,
        progress=lambda _done, _total, result: print(result.line(), flush=True),
        max_mb=settings.max_file_mb,
    )
    counts = library.counts(results)
    redone = f", {counts['reprocessed']} re-processed" if counts["reprocessed"] else ""
    print(
        f"{counts['added']} added{redone}, {counts['present']} already present, {counts['rejected']} rejected"
        f" in {time.perf_counter() - started:.2f} s"
    )
    return 1 if counts["rejected"] else 0


def _ingest_parallel(args: argparse.Namespace, settings: Settings) -> int:
    """Ingest with worker processes or a Dask cluster; print one line per file and the tally."""
    from mapdash.library.parallel import LOCAL, default_workers, ingest_parallel

    if args.workers < 0:
        raise CommandError("--workers must be 0 (one per core) or more")
    if args.scheduler not in (None, LOCAL) and "://" not in args.scheduler:
        raise CommandError(
            f"--scheduler {args.scheduler!r}: give tcp://HOST:PORT, or 'local' (put the option after the paths)"
        )
    workers = args.workers or default_workers()
    started = time.perf_counter()
    counts = ingest_parallel(
        Store.open(settings.db_path),
        args.paths,
        settings,
        workers=workers,
        scheduler=args.scheduler,
        default_date=args.date,
        reprocess=args.reprocess,
        use_spacy=not args.no_spacy,
        report=lambda result: print(result.line(), flush=True),
    )
    redone = f", {counts['reprocessed']} re-processed" if counts["reprocessed"] else ""
    where = f"Dask {args.scheduler}" if args.scheduler else f"{workers} worker processes"
    print(
        f"{counts['added']} added{redone}, {counts['present']} already present, {counts['rejected']} rejected"
        f" in {time.perf_counter() - started:.2f} s ({where})"
    )
    return 1 if counts["rejected"] else 0


def _places(args: argparse.Namespace, settings: Settings) -> int:
    """Print one row per place mention in the chosen format."""
    gdf = mentions_frame(Store.open(settings.db_path))
    if args.format == "geojson":
        print(gdf[gdf[Col.PLACE_ID].notna()].to_json(drop_id=True, default=str))
        return 0
    df = gdf[[c for c in PLACE_COLUMNS if c in gdf.columns]]
    _print_table(
        df,
        args.format,
        [
            Col.MENTION,
            Col.PLACE_NAME,
            Col.FEATURE,
            Col.COUNTRY_CODE,
            Col.ADMIN1_NAME,
            Col.LAT,
            Col.LON,
            Col.CONFIDENCE,
            Col.PHASES,
        ],
    )
    return 0


def _seed(args: argparse.Namespace, settings: Settings) -> int:
    """Load the bundled seed releases into an empty database."""
    if not args.force and Store.open(settings.db_path).count("documents"):
        print(f"database {settings.db_path} already has documents: seed not loaded")
        return 0
    return ingest_paths([settings.data_dir / "seeds"], settings, use_spacy=not args.no_spacy)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    """Start the Streamlit dashboard on host:port with the offline assets installed."""
    from mapdash.render.assets import install_static

    install_static(settings.static_dir, settings.data_dir)
    upload_mb = args.max_upload_mb or settings.max_upload_mb
    if upload_mb < 1:
        raise CommandError(f"--max-upload-mb {upload_mb}: give a whole number of megabytes, 1 or more")
    from mapdash.ui.auth import AuthError, login_policy, oidc_configured, team_password

    release_dirs = [d.expanduser().resolve() for d in args.release_dir] or list(settings.release_dirs)
    for folder in release_dirs:
        if not folder.is_dir():
            raise CommandError(f"--release-dir {folder}: no such folder")
    # Streamlit reads .streamlit/secrets.toml beside the app, in the working folder and in the user's home; an
    # installed app's folder is inside the package, so the working folder is where a team's secrets go.
    oidc = oidc_configured(APP_SCRIPT.parent) or oidc_configured(Path.cwd())
    try:
        policy = login_policy(args.host, oidc_configured=oidc, password=team_password())
    except AuthError as exc:
        raise CommandError(str(exc)) from None
    if policy.mode == "refuse":
        raise CommandError(policy.reason)
    env = {
        **os.environ,
        "MAPDASH_DB": str(settings.db_path),
        "MAPDASH_MAX_UPLOAD_MB": str(upload_mb),
        "MAPDASH_RELEASE_DIRS": os.pathsep.join(map(str, release_dirs)),
    }
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP_SCRIPT),  # the checkout's app.py, or the installed package's copy (mapdash/_shipped)
        "--server.address",
        args.host,
        "--server.port",
        str(args.port),
        "--server.headless",
        "true",
        "--server.enableStaticServing",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--client.toolbarMode",
        "viewer",
        # "none", not "false": false means "stacktrace" since Streamlit 1.4x; the browser gets no traceback.
        "--client.showErrorDetails",
        "none",
        "--server.maxUploadSize",
        str(upload_mb),
    ]
    where = f"; releases readable from {', '.join(map(str, release_dirs))}" if release_dirs else ""
    print(
        f"mapdash: serving {settings.db_path} on http://{args.host}:{args.port} (login: {policy.mode}{where})",
        flush=True,
    )
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

    df = quotes_table(Store.open(settings.db_path))
    _print_table(df, args.format, ["speaker", "kind", "text", "places"])
    return 0


def _phases(args: argparse.Namespace, settings: Settings) -> int:
    """Print the phase taxonomy: key, label, colour, icon, number of cues."""
    from mapdash.geoparse.annotate import load_phase_taxonomy
    from mapdash.geoparse.pipeline import phase_taxonomy_path

    taxonomy = load_phase_taxonomy(phase_taxonomy_path(settings))
    df = pd.DataFrame(
        [
            {"key": k, "label": p.label, "color": p.color, "icon": p.icon, "cues": len(p.cues)}
            for k, p in taxonomy.items()
        ]
    )
    _print_table(df, args.format)
    return 0


def _correct(args: argparse.Namespace, settings: Settings) -> int:
    """Store a correction for one mention, after checking the mention and the value exist."""
    db = Store.open(settings.db_path)
    matches = db.document_ids(args.doc_id)
    if len(matches) != 1:
        raise CommandError(
            f"{args.doc_id!r} matches {len(matches)} documents: give more of the id (see `mapdash places`)"
        )
    doc_id = matches[0]
    if not db.has_mention(doc_id, args.start, args.end):
        raise CommandError(
            f"no place mention at {args.start}-{args.end} in {doc_id[:12]} (see `mapdash places` for spans)"
        )
    if args.phase is not None:
        from mapdash.geoparse.annotate import load_phase_taxonomy
        from mapdash.geoparse.pipeline import phase_taxonomy_path

        keys = load_phase_taxonomy(phase_taxonomy_path(settings))
        if args.phase not in keys:
            raise CommandError(f"unknown phase {args.phase!r}: one of {', '.join(keys)}")
        kind, value = "phase", args.phase
    elif args.place is not None:
        _ensure_place(db, settings, args.place)
        kind, value = "place", args.place
    else:
        lat, lon = args.point
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise CommandError(f"{lat}, {lon} is not a latitude, longitude")
        kind, value = "place", {"lat": lat, "lon": lon, "name": args.name}
    from mapdash.ui.auth import local_user

    correction_id = db.add_correction(
        doc_id, (args.start, args.end), kind, value, note=args.note, author=args.author or local_user()
    )
    print(f"correction {correction_id} stored: {doc_id[:12]} {args.start}-{args.end} {kind} -> {value}")
    return 0


def _ensure_place(db: Store, settings: Settings, place_id: str) -> None:
    """Make sure a gazetteer place is stored, so a correction can point at it."""
    if db.place_by_id(place_id) is not None:
        return
    from mapdash.gazetteer import load_gazetteer

    place = load_gazetteer(settings.data_dir, settings.cache_dir).place(place_id)
    if place is None:
        raise CommandError(f"no gazetteer place {place_id!r}")
    db.save_place(place)


def _eval(args: argparse.Namespace, settings: Settings) -> int:
    """Score the geoparser on a gold corpus; print a table, then the figures as one JSON line."""
    if args.suite == "campaign":
        return _eval_campaign(args, settings)
    from mapdash.devtools.evaluate import GoldFormatError, evaluate_file, format_table

    try:
        report = evaluate_file(
            args.file,
            settings,
            use_spacy=not args.no_spacy,
            limit=args.limit,
            gold_spans=args.gold_spans,
            errors_path=args.errors,
        )
    except GoldFormatError as exc:
        raise CommandError(str(exc)) from exc
    print(format_table(report))
    print(json.dumps(report.metrics()))
    return 0


def _eval_campaign(args: argparse.Namespace, settings: Settings) -> int:
    """Score places, phases, quotes, titles and dates on a campaign gold folder; print a table and one JSON line."""
    from mapdash.devtools.evaluate_campaign import CampaignGoldError, evaluate_campaign_dir, format_campaign_table

    try:
        report = evaluate_campaign_dir(args.folder, settings, use_spacy=not args.no_spacy, errors_path=args.errors)
    except CampaignGoldError as exc:
        raise CommandError(str(exc)) from exc
    print(format_campaign_table(report))
    print(json.dumps(report.metrics()))
    return 0


def _export(args: argparse.Namespace, settings: Settings) -> int:
    """Write the filtered mentions as a snapshot (png, pdf), a standalone map (html) or data (geojson, csv, gpkg)."""
    from mapdash.export import Briefing, ExportError, parse_size, resolve_doc_ids, write_export
    from mapdash.frame import Filters, filter_mentions
    from mapdash.render.maps import MapView, shipped_phase_styles

    started = time.perf_counter()
    gdf = mentions_frame(Store.open(settings.db_path))
    try:
        filters = Filters(
            countries=tuple(c.upper() for c in args.country),
            phases=tuple(args.phase),
            doc_ids=resolve_doc_ids(gdf, args.document),
            speakers=tuple(args.speaker),
            since=args.since,
            until=args.until,
            min_confidence=args.min_confidence,
            text=args.text,
        )
        view = MapView.from_param(args.view) if args.view else tuple(args.bbox) if args.bbox else None
        if args.view and view is None:
            raise ExportError(f"--view {args.view!r} is not LAT,LON,ZOOM (e.g. 33.42,43.31,7)")
        briefing = Briefing(title=args.title, filters=filters, view=view)
        result = write_export(
            filter_mentions(gdf, filters),
            args.output,
            args.format,
            briefing,
            size=parse_size(args.size),
            scale=args.scale,
            renderer=args.renderer,
            styles=shipped_phase_styles(settings.data_dir),  # the taxonomy of the data the mentions were tagged with
        )
    except ExportError as exc:
        raise CommandError(str(exc)) from exc
    if result.note:
        print(f"mapdash: note: {result.note}", file=sys.stderr)
    if not result.rows:
        print("mapdash: note: no mention passes the filters", file=sys.stderr)
    print(
        f"wrote {args.output} ({result.fmt}, {len(result.data):,} bytes, {result.rows} mentions) in "
        f"{time.perf_counter() - started:.2f} s"
    )
    return 0


def _bench(args: argparse.Namespace, settings: Settings) -> int:
    """Run the benchmarks: a table on stdout, the figures as JSON in --out."""
    from mapdash.devtools.bench import run_benchmarks
    from mapdash.library.parallel import default_workers

    try:
        docs = [int(n) for n in args.docs.split(",")]
        mentions = [int(n) for n in args.mentions.split(",")]
        long_mb = [float(n) for n in args.long.split(",")]
    except ValueError:
        raise CommandError("--docs, --mentions and --long take sizes separated by commas, e.g. 1000,10000") from None
    run_benchmarks(
        settings,
        args.out,
        docs=docs,
        mentions=mentions,
        workers=args.workers or default_workers(),
        postgres=args.postgres,
        quick=args.quick,
        spacy=not args.no_spacy,
        keep=args.keep,
        long_mb=long_mb,
        long_only=args.long_only,
    )
    return 0


COMMANDS = {
    "ingest": _ingest,
    "places": _places,
    "seed": _seed,
    "serve": _serve,
    "gazetteer": _gazetteer,
    "quotes": _quotes,
    "phases": _phases,
    "correct": _correct,
    "bench": _bench,
    "eval": _eval,
    "export": _export,
}

"""Benchmark the geoparser's speed and memory on gold-corpus articles, stage by stage, on one core.

    .venv/bin/python scripts/bench_geoparse.py ../shared/bench/geoparse/lgl.jsonl [--limit N] [--no-spacy]

Prints one JSON line: documents per second (wall clock and per CPU second, the steadier figure on a busy
machine) for the whole pipeline (recognise, resolve, quotes, phases) and the time share of each stage,
spaCy NER on its own included, and the peak resident memory. Not a test: the figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from collections.abc import Callable, Sequence
from typing import Any

from mapdash.devtools.evaluate import load_gold
from mapdash.geoparse.pipeline import geoparse, load_services
from mapdash.model import Document
from mapdash.settings import load_settings


def timed(run: Callable[[str], Any], texts: Sequence[str]) -> tuple[float, float]:
    """Return the wall and CPU seconds run takes over every text."""
    wall, cpu = time.perf_counter(), time.process_time()
    for text in texts:
        run(text)
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    """Run the benchmark and print its figures as one JSON line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", help="gold JSONL file (its texts are used, not its annotations)")
    parser.add_argument("--limit", type=int, help="only the first N articles")
    parser.add_argument("--no-spacy", action="store_true", help="gazetteer recognition only")
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target is stated
    texts = [doc.text for doc in load_gold(args.file)[: args.limit]]
    started = time.perf_counter()
    services = load_services(load_settings(), use_spacy=not args.no_spacy)
    load_s = time.perf_counter() - started
    services.resolver.resolve(services.recognizer.recognize(texts[0]))  # warm caches and lazy imports
    pipeline = lambda t: geoparse(Document(doc_id="bench", text=t), services)  # noqa: E731
    # The first pass fills the gazetteer's lookup caches, as a fresh process does; the later ones run warm.
    stages: dict[str, Callable[[str], Any]] = {"pipeline_first_pass": pipeline}
    if services.recognizer.nlp is not None:
        stages["spacy_ner"] = services.recognizer.nlp
    stages |= {
        "recognize": services.recognizer.recognize,
        "recognize+resolve": lambda t: services.resolver.resolve(services.recognizer.recognize(t)),
        "pipeline": pipeline,
    }
    figures: dict[str, Any] = {
        "mode": services.mode,
        "docs": len(texts),
        "chars_per_doc": round(sum(map(len, texts)) / len(texts)),
        "load_s": round(load_s, 2),
    }
    for name, run in stages.items():
        wall, cpu = timed(run, texts)
        figures[name] = {"docs_per_s": round(len(texts) / wall, 1), "docs_per_cpu_s": round(len(texts) / cpu, 1)}
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(figures))


if __name__ == "__main__":
    main()

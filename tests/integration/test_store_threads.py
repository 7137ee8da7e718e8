"""One Store shared by threads, as the dashboard shares it between browser sessions (``app.database``).

Two analysts saving corrections at the same moment once met inside one cached connection's transaction
(`cannot start a transaction within a transaction`); through the Store each write queues for the one writer,
while reads go on, each thread on its own connection.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace

import pytest
from test_store import OTHER, RAMADI, sample

from mapdash.frame import mentions_frame
from mapdash.library.corrections import correct_place, correct_point
from mapdash.store import Store

ROUNDS = 40


@pytest.fixture
def shared(db_target: str) -> Iterator[Store]:
    """One Store on each backend, holding one document, as the app caches it for every session."""
    db = Store.open(db_target)
    db.save_geoparse(sample())
    yield db
    db.close()


def run_at_once(*jobs: Callable[[], None]) -> None:
    """Run each job on its own thread, released at the same moment; re-raise the first failure."""
    start, failures = threading.Barrier(len(jobs)), []

    def run(job: Callable[[], None]) -> None:
        start.wait()
        try:
            job()
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread
            failures.append(exc)

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a writer never finished"
    if failures:
        raise failures[0]


def test_two_analysts_save_corrections_at_the_same_moment(shared: Store) -> None:
    (mention,) = shared.mention_rows()
    target = [(mention["doc_id"], mention["start"], mention["end"])]
    shared.save_place(OTHER)
    before = shared.data_version()

    def alice() -> None:
        for i in range(ROUNDS):
            assert correct_place(shared, target, OTHER.place_id, note=f"alice {i}", author="Alice") == 1

    def bob() -> None:
        for i in range(ROUNDS):
            assert correct_point(shared, target, 35.95, 39.01, "Raqqa", note=f"bob {i}", author="Bob") == 1

    run_at_once(alice, bob)
    rows = shared.table_rows("corrections")
    assert len(rows) == 2 * ROUNDS
    assert len({r["correction_id"] for r in rows}) == 2 * ROUNDS, "each correction its own id"
    for author in ("Alice", "Bob"):
        notes = [r["note"] for r in sorted(rows, key=lambda r: r["correction_id"]) if r["author"] == author]
        assert notes == [f"{author.lower()} {i}" for i in range(ROUNDS)], "each analyst's corrections in order"
    assert int(shared.data_version()) == int(before) + 2 * ROUNDS, "one revision per write, none lost"
    assert mentions_frame(shared).iloc[0]["corrected"]


def test_writers_and_readers_at_once(shared: Store) -> None:
    """Ingests, corrections and page reads together: every write lands whole, every read sees whole documents."""
    seen: list[int] = []

    def ingest() -> None:
        for i in range(ROUNDS):
            result = sample(f"Ramadi, release {i}.")
            assert shared.save_geoparse(replace(result, document=replace(result.document, doc_id=f"release-{i}")))

    def correct() -> None:
        for i in range(ROUNDS):
            shared.add_correction(sample().document.doc_id, (0, 6), "phase", "strike", note=str(i))

    def read() -> None:
        for _ in range(ROUNDS):
            frame = mentions_frame(shared)
            assert frame["place_id"].eq(RAMADI.place_id).all()
            seen.append(len(frame))

    run_at_once(ingest, correct, read)
    assert shared.count("documents") == ROUNDS + 1 and len(shared.mention_rows()) == ROUNDS + 1
    assert len(shared.table_rows("corrections")) == ROUNDS
    assert seen == sorted(seen), "a reader never sees the data shrink"

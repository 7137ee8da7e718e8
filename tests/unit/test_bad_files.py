"""Bad input files: each gets a correct result or one clear line naming the file and the reason; the rest of
the batch still ingests, and nothing already stored changes.

One folder holds every case plus good releases; it is ingested once through the command line (gazetteer
mode, so a 1 MB line stays quick) and the tests read that run's report and database.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import SEED

from mapdash.cli import main
from mapdash.geoparse.ingest import MAX_NAME_BYTES, IngestError, read_release, safe_filename
from mapdash.settings import MB, load_settings

BODY = (
    "Iraqi forces retook Ramadi in Anbar province on Tuesday, officials said. The next phase will target "
    "Mosul, the coalition spokesman said, while aircraft struck targets near Raqqa in Syria."
)
# A minimal PDF is plain ASCII: only its signature tells it from text.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde"


@pytest.mark.parametrize("limit, size, refused", [(1, MB + 1, True), (1, MB, False), (0.5, MB, True), (2, MB, False)])
def test_file_size_limit_is_configurable(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    limit: float,
    size: int,
    refused: bool,
) -> None:
    path = tmp_path / "r.txt"
    text = ("Update\n\n" + BODY + " More work continues." * (size // 20)).encode()
    path.write_bytes(text[: size - 1] + b".")  # real text of exactly size bytes: it must read as a release when allowed
    monkeypatch.setenv("MAPDASH_MAX_FILE_MB", str(limit))
    max_mb = load_settings().max_file_mb  # the environment reaches ingest through the settings its caller makes
    if refused:
        with pytest.raises(IngestError, match=f"over the {limit:g} MB limit .*MAPDASH_MAX_FILE_MB") as info:
            read_release(path, max_mb=max_mb)
        assert str(info.value).startswith(f"{path}: ") and "\n" not in str(info.value)
        assert main(["--db", str(tmp_path / "m.sqlite"), "ingest", str(path)]) == 1  # the command line's settings
        assert f"rejected: {info.value}" in capsys.readouterr().out
    else:
        assert read_release(path, max_mb=max_mb).text.startswith("Iraqi forces")
    assert read_release(path, max_mb=limit + 1).text.startswith("Iraqi forces"), "the caller's limit wins"


def test_a_bad_size_setting_is_one_clear_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MAPDASH_MAX_FILE_MB", "lots")
    assert main(["--db", str(tmp_path / "m.sqlite"), "ingest", str(SEED)]) == 2
    err = capsys.readouterr().err
    assert err == "mapdash: error: MAPDASH_MAX_FILE_MB='lots' is not a positive number of megabytes: fix or unset it\n"


def test_serve_passes_the_upload_limit_and_hides_tracebacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[list[str], dict[str, str]]] = []
    monkeypatch.setattr(os, "execve", lambda exe, argv, env: calls.append((list(argv), dict(env))))
    monkeypatch.setenv("MAPDASH_MAX_UPLOAD_MB", "7")
    assert main(["--db", str(tmp_path / "m.sqlite"), "serve", "--port", "1"]) == 0
    assert main(["--db", str(tmp_path / "m.sqlite"), "serve", "--port", "1", "--max-upload-mb", "3"]) == 0
    for (argv, env), mb in zip(calls, ["7", "3"], strict=True):
        options = dict(zip(argv[5::2], argv[6::2], strict=False))
        assert options["--server.maxUploadSize"] == mb and env["MAPDASH_MAX_UPLOAD_MB"] == mb
        assert options["--client.showErrorDetails"] == "none"


# --- Names: an upload or export name never writes outside its folder ---

HOSTILE_NAMES = [
    "../../escaped.txt",
    "/tmp/absolute.txt",
    "..",
    ".",
    "a/../../b.txt",
    "C:\\Windows\\win.txt",
    "..\\..\\back.txt",
    "\x00nul.txt",
    "new\nline.txt",
    "x" * 400 + ".txt",
    "rtl\u202etxt.exe.txt",
    ".hidden.txt",
    "<img src=x onerror=alert(1)>.txt",
    "~/home.txt",
    "$(touch pwned).txt",
    "CON.txt",
    " spaced .txt",
    "名前.txt",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_safe_filename_stays_in_its_folder(tmp_path: Path, name: str) -> None:
    safe = safe_filename(name)
    assert safe and "/" not in safe and "\\" not in safe and safe not in (".", "..") and not safe.startswith(".")
    assert len(safe.encode("utf-8")) <= MAX_NAME_BYTES and safe.isprintable()
    target = (tmp_path / safe).resolve()
    assert target.parent == tmp_path.resolve()
    target.write_text("x")  # the name is one the file system accepts

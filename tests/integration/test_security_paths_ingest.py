"""Release folders with the real pipeline: ingest stays inside the folder, the command line reads any path."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from pathlib import Path

from conftest import SEED
from test_security_paths import tree  # noqa: F401 - the fixture, shared

from mapdash import library
from mapdash.cli import main


def test_ingest_paths_confined_stores_only_what_is_inside(tree, tmp_path: Path, gazetteer, settings) -> None:  # noqa: F811 - the fixture
    from mapdash import store
    from mapdash.geoparse.annotate import load_phase_taxonomy
    from mapdash.geoparse.pipeline import Services, phase_taxonomy_path
    from mapdash.geoparse.resolve import Resolver
    from mapdash.geoparse.toponyms import Recognizer

    services = Services(
        gazetteer, Recognizer(gazetteer, None), Resolver(gazetteer), load_phase_taxonomy(phase_taxonomy_path(settings))
    )
    conn = store.connect(tmp_path / "db.sqlite")
    results = library.ingest_paths(conn, [tree["root"]], lambda: services, release_dirs=[tree["root"]])
    assert sorted(r.status for r in results) == ["added", "added"]
    texts = " ".join(r[0] for r in conn.execute("SELECT text FROM documents"))
    assert "secret" not in texts and "private key" not in texts and "hidden" not in texts


def test_the_command_line_reads_any_path(tree, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    release = tree["outside"] / "release.txt"
    release.write_text(SEED.read_text())
    with redirect_stdout(io.StringIO()) as out:
        assert main(["--no-spacy", "--db", str(tmp_path / "cli.sqlite"), "ingest", str(release)]) == 0
    assert out.getvalue().startswith("added: ")

"""Server paths confined: the dashboard reads releases only inside its release folders, symbolic links resolved,
hidden files never listed, one message for every refusal; the command line still reads any path it is given."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import SEED

from mapdash.cli import main
from mapdash.library import REFUSED, PathRefused, confined_files


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    """A release folder with releases, a hidden file and folder, links in and out; secrets beside it."""
    releases, outside = tmp_path / "releases", tmp_path / "outside"
    (releases / "batch").mkdir(parents=True)
    (releases / ".ssh").mkdir()
    outside.mkdir()
    (releases / "one.txt").write_text(SEED.read_text())
    (releases / "batch" / "two.txt").write_text("Strikes near Mosul in Iraq continued on Monday, officials said.")
    (releases / ".hidden.txt").write_text("hidden")
    (releases / ".ssh" / "id_rsa.txt").write_text("private key")
    (outside / "secret.txt").write_text("the server's secret")
    (releases / "link-out.txt").symlink_to(outside / "secret.txt")
    (releases / "dir-out").symlink_to(outside, target_is_directory=True)
    (releases / "link-in.txt").symlink_to(releases / "batch" / "two.txt")
    return {"root": releases, "outside": outside}


def test_a_folder_lists_only_its_visible_releases_inside(tree) -> None:
    files = confined_files([tree["root"]], [tree["root"]])
    names = sorted(str(p.relative_to(tree["root"].resolve())) for p in files)
    assert names == ["batch/two.txt", "one.txt"], (
        "no hidden file, nothing a link leads to outside; a link inside counts once"
    )


@pytest.mark.parametrize(
    "typed",
    [
        "{outside}/secret.txt",  # outside every release folder
        "{root}/link-out.txt",  # a link inside that leads out
        "{root}/dir-out/secret.txt",  # through a linked folder
        "{root}/dir-out",
        "{root}/../outside/secret.txt",  # climbing out
        "../outside/secret.txt",  # relative, climbing out
        "{root}/.hidden.txt",  # hidden
        "{root}/.ssh",
        ".ssh/id_rsa.txt",
        "{root}/missing.txt",  # missing
        "/etc/passwd",
        "/",
        "",
    ],
)
def test_every_refusal_is_the_same_message(tree, typed: str) -> None:
    typed = typed.format(root=tree["root"], outside=tree["outside"])
    with pytest.raises(PathRefused) as refused:
        confined_files([typed], [tree["root"]])
    assert str(refused.value) == f"{typed}: {REFUSED}"


def test_an_unreadable_file_is_refused_alike(tree) -> None:
    locked = tree["root"] / "locked.txt"
    locked.write_text("x")
    locked.chmod(0)
    if os.access(locked, os.R_OK):
        pytest.skip("running as root: every file is readable")
    with pytest.raises(PathRefused, match=REFUSED):
        confined_files([locked], [tree["root"]])


@pytest.mark.parametrize(
    "typed", ["one.txt", "batch", "batch/two.txt", "link-in.txt", "{root}/batch/two.txt", "{root}"]
)
def test_paths_inside_are_read(tree, typed: str) -> None:
    assert confined_files([typed.format(root=tree["root"])], [tree["root"]])


def test_no_release_folder_reads_nothing(tree) -> None:
    with pytest.raises(PathRefused, match=REFUSED):
        confined_files([tree["root"] / "one.txt"], [])


def test_serve_refuses_a_release_dir_that_is_not_a_folder(tmp_path: Path, capsys) -> None:
    assert main(["--db", str(tmp_path / "x.sqlite"), "serve", "--release-dir", str(tmp_path / "nope")]) == 2
    assert "no such folder" in capsys.readouterr().err

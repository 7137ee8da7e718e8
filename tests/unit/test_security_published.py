"""Published map data never disappears under a map in use: pinned by its URL, one folder per server process, the
folders of ended processes removed; several apps share one checkout's static/ folder."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from mapdash.render import assets, published
from mapdash.render.published import Publisher, remove_ended

BASE = assets.APP_CACHE_BASE


def file_of(static: Path, url: str) -> Path:
    """Return the file a published URL names."""
    return static / "cache" / url.removeprefix(BASE + "/")


@pytest.fixture
def no_grace(monkeypatch: pytest.MonkeyPatch) -> None:
    """Unpinned files may go at once (the grace time is for browsers still fetching)."""
    monkeypatch.setattr(published, "GRACE_SECONDS", -1.0)
    monkeypatch.setattr(published, "KEEP_UNPINNED", 3)


def test_a_pinned_file_outlives_any_number_of_others(tmp_path: Path, no_grace) -> None:
    app = Publisher(tmp_path, BASE)
    kept = app.publish('{"kept": true}')
    for i in range(60):  # far beyond what used to be kept (40)
        app.publish(f'{{"n": {i}}}')
    assert file_of(tmp_path, kept).read_text() == '{"kept": true}'
    # kept, the newest 3 unpinned, and the last one published (pinned while it was written; its URL dropped since)
    assert len(list(app.folder.glob("*.json"))) == 1 + 3 + 1, "unpinned files beyond the newest 3 are removed"
    name = file_of(tmp_path, kept)
    del kept
    gc.collect()
    app.publish('{"next": 1}')
    assert not name.exists(), "once no URL names it, it goes"


def test_the_same_text_is_one_file_pinned_by_each_url(tmp_path: Path, no_grace) -> None:
    app = Publisher(tmp_path, BASE)
    first, second = app.publish('{"a": 1}'), app.publish('{"a": 1}')
    assert first == second and app.pins[file_of(tmp_path, first).name] == 2
    path = file_of(tmp_path, first)
    del first
    gc.collect()
    for i in range(10):
        app.publish(f'{{"n": {i}}}')
    assert path.exists(), "the second URL still pins it"


def test_unpinned_files_stay_for_the_grace_time(tmp_path: Path) -> None:
    app = Publisher(tmp_path, BASE)
    paths = [file_of(tmp_path, app.publish(f'{{"n": {i}}}')) for i in range(published.KEEP_UNPINNED + 20)]
    assert all(p.exists() for p in paths), "a browser may still be fetching them"


def test_two_apps_on_one_checkout_never_remove_each_others_files(tmp_path: Path, no_grace) -> None:
    one, two = Publisher(tmp_path, BASE), Publisher(tmp_path, BASE)
    mine = file_of(tmp_path, one.publish('{"app": 1}'))
    for i in range(30):
        two.publish(f'{{"n": {i}}}')
    assert remove_ended(tmp_path / "cache") == [], "both apps are alive"
    assert mine.exists() and one.folder != two.folder

"""`pip install .` works, not only `-e`: the wheel carries the data, the app and its pages, and the installed
command ingests and lists the seed and serves the dashboard from the installed files alone.

The sdist is built offline from the files git knows (what a fresh clone has), and the wheel from the sdist. The
wheel is installed without its dependencies into a fresh virtual environment that sees this project's installed
dependencies through a .pth line (their folder only: the editable install's path to src/ there is not followed),
and run from a folder outside the checkout.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import urllib.request
import zipfile
from pathlib import Path

import pytest
from harness import free_port, run_app

from mapdash.settings import APP_SCRIPT, REPO_ROOT

pytestmark = pytest.mark.slow

SEED = "data/seeds/000_4dfe93347b0ca329.txt"
SEED_PLACES = {"Ramadi": "Ramadi", "Hit": "Hīt", "Mosul": "Mosul", "Raqqa": "Ar Raqqah", "Anbar": "Al Anbar"}
# What the wheel must carry under mapdash/_shipped/ (a sample of each part).
SHIPPED = [
    "app.py",
    "views/map.py",
    "views/places.py",
    "views/quotes.py",
    "views/documents.py",
    "views/timeline.py",
    "views/login_gate.py",
    "data/phases.toml",
    "data/chrome_patterns.txt",
    SEED,
    "data/basemap/countries.geojson",
    "data/gazetteer/countries.tsv",
]


def checkout_files() -> list[str]:
    """Return the checkout's files that git tracks or would track (ignored ones, like build/ and static/, left out)."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return [name for name in out.decode().split("\0") if name and (REPO_ROOT / name).is_file()]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the sdist from a copy of the checkout, then the wheel from the sdist (as `python -m build` does), with the
    setuptools already installed: nothing is downloaded."""
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    for name in checkout_files():
        (source / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, source / name)
    sdist = subprocess.run(
        [sys.executable, "-c", f"from setuptools import build_meta; print(build_meta.build_sdist({str(work)!r}))"],
        cwd=source,
        capture_output=True,
        text=True,
    )
    assert sdist.returncode == 0, sdist.stderr[-3000:]
    with tarfile.open(work / sdist.stdout.strip().splitlines()[-1]) as archive:
        archive.extractall(work / "sdist", filter="data")
    (unpacked,) = (work / "sdist").iterdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    build = subprocess.run(
        [
            *pip,
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "-q",
            "-w",
            str(work / "dist"),
            str(unpacked),
        ],
        capture_output=True,
        text=True,
    )
    assert build.returncode == 0, build.stderr[-3000:]
    (built,) = (work / "dist").glob("mapdash-*.whl")
    return built


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Install the wheel into a fresh virtual environment; return its folder."""
    venv = tmp_path_factory.mktemp("venv") / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "-q", str(wheel)],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    # The dependencies (streamlit, geopandas, spaCy ...) from this project's environment, after the venv's own.
    Path(site, "_mapdash_test_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A working folder outside the checkout, with its own database path."""
    return tmp_path_factory.mktemp("user")


def run_env(outside: Path) -> dict[str, str]:
    """Return the environment of the installed commands: a database in the test's folder, nothing from the checkout
    (the gazetteer cache is the user's, or MAPDASH_CACHE: the index is keyed by its sources, not by their folder)."""
    keep = {"MAPDASH_CACHE"}
    env = {k: v for k, v in os.environ.items() if k in keep or not k.startswith("MAPDASH_") and k != "PYTHONPATH"}
    return {**env, "MAPDASH_DB": str(outside / "mapdash.sqlite")}


def installed(venv: Path, outside: Path, code: str) -> object:
    """Return what a snippet of Python run by the venv's interpreter prints as JSON."""
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code],
        cwd=outside,
        env=run_env(outside),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_the_wheel_carries_the_data_the_app_and_its_pages(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in SHIPPED if f"mapdash/_shipped/{name}" not in names]
    assert not missing, missing
    assert "mapdash/cli.py" in names and "mapdash/geoparse/pipeline.py" in names
    tracked = {n.removeprefix("data/") for n in checkout_files() if n.startswith("data/")}
    shipped = {n.removeprefix("mapdash/_shipped/data/") for n in names if n.startswith("mapdash/_shipped/data/")}
    assert tracked <= shipped, sorted(tracked - shipped)[:10]  # every data file the repository has
    assert not [n for n in names if "__pycache__" in n or "/static/" in n or n.endswith(".sqlite")]


def test_installed_package_reads_its_own_files(venv: Path, outside: Path) -> None:
    where = installed(
        venv,
        outside,
        "import json, mapdash; from mapdash import settings as s; "
        "print(json.dumps([mapdash.__file__, str(s.load_settings().data_dir), str(s.APP_SCRIPT), str(s.STATIC_DIR)]))",
    )
    package = venv.resolve() / "lib"
    for path in map(Path, where):
        assert path.resolve().is_relative_to(package), (path, "is not inside the venv: the checkout was imported")
    module, data_dir, app, static = map(Path, where)
    assert (data_dir / "phases.toml").is_file() and (data_dir / "seeds").is_dir()
    assert app.is_file() and (app.parent / "views" / "map.py").is_file() and static.parent == app.parent


@pytest.fixture(scope="module")
def ingested(venv: Path, outside: Path) -> subprocess.CompletedProcess[str]:
    """Run the installed `mapdash ingest` on the installed package's seed release."""
    data_dir = installed(
        venv, outside, "import json; from mapdash import settings; print(json.dumps(str(settings.DATA_DIR)))"
    )
    seed = Path(data_dir) / SEED.removeprefix("data/")
    command = [str(venv / "bin" / "mapdash"), "ingest", str(seed)]
    return subprocess.run(command, cwd=outside, env=run_env(outside), capture_output=True, text=True, timeout=600)


def test_installed_command_ingests_and_lists_the_seed(
    venv: Path, outside: Path, ingested: subprocess.CompletedProcess[str]
) -> None:
    assert ingested.returncode == 0, ingested.stderr[-3000:]
    assert "1 added, 0 already present, 0 rejected" in ingested.stdout, ingested.stdout
    assert (outside / "mapdash.sqlite").is_file(), "the database named by MAPDASH_DB"
    places = subprocess.run(
        [str(venv / "bin" / "mapdash"), "places", "--format", "csv"],
        cwd=outside,
        env=run_env(outside),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert places.returncode == 0, places.stderr[-3000:]
    found = {(row["mention"], row["place_name"]) for row in csv.DictReader(io.StringIO(places.stdout))}
    assert set(SEED_PLACES.items()) <= found, sorted(found)


def test_installed_serve_finds_its_app_and_assets(venv: Path, outside: Path) -> None:
    static = Path(
        installed(venv, outside, "import json; from mapdash import settings as s; print(json.dumps(str(s.STATIC_DIR)))")
    )
    port = free_port()
    command = [str(venv / "bin" / "mapdash"), "serve", "--port", str(port)]
    env = {**run_env(outside), "PYTHONPATH": ""}
    with run_app(command, outside / "serve.log", env=env, cwd=outside, timeout=120) as (url, _pid):
        with urllib.request.urlopen(f"{url}/app/static/vendor/leaflet/leaflet.js", timeout=10) as resp:
            assert resp.status == 200 and b"Leaflet" in resp.read(2000)
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.status == 200 and b"<noscript>" in resp.read()
    assert (static / "vendor" / "leaflet" / "leaflet.js").is_file(), "the assets went beside the installed app"
    log = (outside / "serve.log").read_text()
    assert f"serving {outside / 'mapdash.sqlite'}" in log, log[-2000:]


def test_installed_app_draws_its_pages(venv: Path, outside: Path, ingested: subprocess.CompletedProcess[str]) -> None:
    """The installed app.py runs (AppTest) with its views/ from the package, on the database the seed went into."""
    result = installed(
        venv,
        outside,
        "import json; from streamlit import config; from streamlit.testing.v1 import AppTest\n"
        "from mapdash.settings import APP_SCRIPT\n"
        "config.set_option('server.address', '127.0.0.1')  # as `mapdash serve` does: no login on loopback\n"
        "at = AppTest.from_file(str(APP_SCRIPT), default_timeout=240); at.run()\n"
        "titles = [t.value for t in at.title]\n"
        "at.switch_page('views/places.py'); at.run()\n"
        "print(json.dumps([[str(e.value) for e in [*at.exception, *at.error]], titles + [t.value for t in at.title],"
        " [str(df.value) for df in at.dataframe]]))",
    )
    errors, titles, tables = result
    assert errors == [] and titles == ["Campaign map", "Places"], result
    assert any("Ramadi" in table and "Mosul" in table for table in tables), tables


def test_serve_finds_a_teams_secrets_in_the_working_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """An installed app's folder is inside the package: OpenID Connect secrets go in the working folder's .streamlit/,
    where Streamlit reads them too."""
    from mapdash.cli import main

    commands: list[list[str]] = []
    monkeypatch.setattr(os, "execve", lambda _exe, argv, _env: commands.append(list(argv)))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("MAPDASH_PASSWORD", raising=False)
    monkeypatch.delenv("MAPDASH_PASSWORD_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    serve = ["--db", str(tmp_path / "m.sqlite"), "serve", "--host", "0.0.0.0", "--port", "1"]
    assert main(serve) == 2 and commands == [], "no login set up: refused beyond loopback"
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[auth]\nredirect_uri = "https://maps.example/oauth2callback"\ncookie_secret = "x"\nclient_id = "c"\n'
        'client_secret = "s"\nserver_metadata_url = "https://idp.example/.well-known/openid-configuration"\n'
    )
    assert main(serve) == 0
    assert "(login: oidc)" in capsys.readouterr().out
    (command,) = commands
    assert command[command.index("run") + 1] == str(APP_SCRIPT)

"""Login for a shared server: none on loopback, a user beyond it (OpenID Connect or the team password), refused
without either; corrections record who made them (store schema 2, the command line and the Places page's path)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from mapdash import store
from mapdash.cli import main
from mapdash.ui.auth import (
    AuthError,
    check_password,
    clean_user_name,
    is_loopback,
    login_policy,
    oidc_configured,
    team_password,
)


@pytest.mark.parametrize(
    "address,loopback",
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("", False),
        (None, False),
        ("::", False),
        ("10.1.2.3", False),
        ("dashboard.example", False),
    ],
)
def test_loopback_addresses(address, loopback: bool) -> None:
    assert is_loopback(address) is loopback


@pytest.mark.parametrize(
    "address,oidc,password,mode",
    [
        ("127.0.0.1", False, None, "none"),
        ("0.0.0.0", False, None, "refuse"),
        ("0.0.0.0", False, "s3cret", "password"),
        ("0.0.0.0", True, "s3cret", "oidc"),
        ("127.0.0.1", False, "s3cret", "password"),  # a password set is asked for on loopback too
        ("10.0.0.5", True, None, "oidc"),
    ],
)
def test_login_policy(address: str, oidc: bool, password: str | None, mode: str) -> None:
    policy = login_policy(address, oidc_configured=oidc, password=password)
    assert policy.mode == mode and policy.required is (mode in ("oidc", "password"))
    if mode == "refuse":
        assert "MAPDASH_PASSWORD" in policy.reason and "127.0.0.1" in policy.reason


def test_passwords_and_names() -> None:
    assert check_password("correct horse", "correct horse") and not check_password("correct hors", "correct horse")
    assert not check_password("", "x") and check_password("é", "é")
    assert clean_user_name("  Alice   Analyst ") == "Alice Analyst"
    assert clean_user_name("x\ny") == "x y"
    for bad in ("", "   ", "<script>", "a" * 61, "x\x00y"):
        with pytest.raises(AuthError):
            clean_user_name(bad)


def test_the_team_password_comes_from_the_environment_or_a_file(tmp_path: Path) -> None:
    assert team_password({}) is None
    assert team_password({"MAPDASH_PASSWORD": "p1"}) == "p1"
    secret = tmp_path / "password"
    secret.write_text("p2\n")
    assert team_password({"MAPDASH_PASSWORD_FILE": str(secret)}) == "p2"
    with pytest.raises(AuthError, match="MAPDASH_PASSWORD_FILE"):
        team_password({"MAPDASH_PASSWORD_FILE": str(tmp_path / "missing")})


def test_oidc_is_configured_by_streamlit_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert not oidc_configured(tmp_path)
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text(
        '[auth]\nredirect_uri = "https://maps.example/oauth2callback"\n'
        'cookie_secret = "x"\nclient_id = "c"\nclient_secret = "s"\n'
        'server_metadata_url = "https://idp.example/.well-known/openid-configuration"\n'
    )
    assert oidc_configured(tmp_path)


def test_serving_beyond_loopback_without_a_login_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.delenv("MAPDASH_PASSWORD", raising=False)
    monkeypatch.delenv("MAPDASH_PASSWORD_FILE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert main(["--db", str(tmp_path / "x.sqlite"), "serve", "--host", "0.0.0.0"]) == 2
    err = capsys.readouterr().err
    assert "no login is set up" in err and "MAPDASH_PASSWORD" in err


def test_upgrading_schema_1_keeps_corrections_with_no_author(tmp_path: Path) -> None:
    db = tmp_path / "v1.sqlite"
    raw = sqlite3.connect(db, isolation_level=None)
    for statement in store.schema.statements(store.MIGRATIONS[1]):
        raw.execute(statement)
    raw.execute("PRAGMA user_version = 1")
    raw.execute(
        "INSERT INTO corrections (doc_id, mention_start, mention_end, kind, value, note, created_at)"
        " VALUES ('d', 1, 5, 'phase', '\"strike\"', 'old', '2026-01-01T00:00:00+00:00')"
    )
    raw.close()
    conn = store.connect(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION >= 2
    row = conn.execute("SELECT note, author FROM corrections").fetchone()
    assert (row["note"], row["author"]) == ("old", "")

"""Who may use the dashboard: nobody needs to log in on loopback; beyond it, a user must.

Two ways to log in, chosen by configuration: Streamlit's own OpenID Connect login (``st.login``, an
``[auth]`` section in ``.streamlit/secrets.toml``: the team's identity provider), or, for air-gapped sites,
a team password from the environment (``MAPDASH_PASSWORD``, or ``MAPDASH_PASSWORD_FILE`` naming a file
that holds it) with each analyst's name typed beside it. The name a user logs in with is recorded on the
corrections they make. The page code (Streamlit) lives in ``app.py``; this module decides and checks.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Mode = Literal["none", "oidc", "password", "refuse"]
LOOPBACK_NAMES = frozenset({"localhost", "ip6-localhost", "ip6-loopback"})
_USER_NAME = re.compile(r"^[\w .@'-]{1,60}$")


class AuthError(ValueError):
    """The login configuration cannot be used; the message says what to change."""


@dataclass(frozen=True)
class LoginPolicy:
    """How this server lets users in."""

    mode: Mode
    reason: str = ""  # for "refuse": why the dashboard will not open

    @property
    def required(self) -> bool:
        """Return True when a user must log in before seeing anything."""
        return self.mode in ("oidc", "password")


def is_loopback(address: str | None) -> bool:
    """Return True when a bind address only accepts connections from this machine ("" and 0.0.0.0 accept all)."""
    host = (address or "").strip().strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False  # a host name other than localhost, "" (all interfaces): reachable from elsewhere


def team_password(environ: dict[str, str] | None = None) -> str | None:
    """Return the team password from MAPDASH_PASSWORD or the file MAPDASH_PASSWORD_FILE names, or None."""
    env = os.environ if environ is None else environ
    if value := env.get("MAPDASH_PASSWORD", ""):
        return value
    if path := env.get("MAPDASH_PASSWORD_FILE", ""):
        try:
            value = Path(path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise AuthError(f"MAPDASH_PASSWORD_FILE={path}: {exc.strerror or exc}") from None
        if not value:
            raise AuthError(f"MAPDASH_PASSWORD_FILE={path}: the file is empty")
        return value
    return None


def login_policy(address: str | None, *, oidc_configured: bool, password: str | None) -> LoginPolicy:
    """Return how users log in on a server bound to address: OIDC first, then the team password, none on loopback."""
    if oidc_configured:
        return LoginPolicy("oidc")
    if password:
        return LoginPolicy("password")
    if is_loopback(address):
        return LoginPolicy("none")
    return LoginPolicy(
        "refuse",
        f"the dashboard listens on {address or 'every interface'}, beyond this machine, and no login is set up:"
        " set MAPDASH_PASSWORD (or an [auth] section in .streamlit/secrets.toml for OpenID Connect),"
        " or serve on 127.0.0.1",
    )


def check_password(given: str, expected: str) -> bool:
    """Return True when given is the expected password (compared in constant time)."""
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def clean_user_name(name: str) -> str:
    """Return a typed user name trimmed; raise AuthError when it is empty or has characters a name does not."""
    name = " ".join(name.split())
    if not _USER_NAME.fullmatch(name):
        raise AuthError("type your name (letters, digits, spaces, . @ ' -; at most 60 characters)")
    return name


def local_user() -> str:
    """Return the name of the person at this machine (the command line's author of corrections)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "local"


def oidc_configured(app_dir: Path) -> bool:
    """Return True if Streamlit's secrets (the app's .streamlit/secrets.toml, else the user's) set up OpenID Connect."""
    import tomllib

    for path in (app_dir / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"):
        try:
            secrets = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError):
            continue
        auth = secrets.get("auth")
        if isinstance(auth, dict) and auth.get("redirect_uri") and auth.get("cookie_secret"):
            return True
    return False

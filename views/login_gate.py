"""The login in front of every page when the dashboard is reachable beyond this machine (see mapdash.ui.auth)."""

import time

import streamlit as st

from mapdash.ui.auth import AuthError, check_password, clean_user_name, local_user, login_policy, team_password
from mapdash.ui.dashboard import markdown_literal
from mapdash.ui.state import session_state

FAILURE_DELAY = 1.0  # seconds per failed attempt in a session, doubled each time (at most 30): guessing stays slow


def _oidc_configured() -> bool:
    """Return True when Streamlit's secrets hold an [auth] section for st.login (OpenID Connect)."""
    try:
        auth = st.secrets.get("auth")
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False
    return bool(auth and auth.get("redirect_uri") and auth.get("cookie_secret"))


def _logged_in(user: str) -> str:
    """Say in the sidebar who is logged in, with a way out; return user."""
    st.sidebar.caption(markdown_literal(f"Logged in as {user}"))
    st.sidebar.button("Log out", key="logout", on_click=st.logout if _oidc_configured() else _forget_user)
    return user


def _forget_user() -> None:
    """Log out of the team-password login."""
    session_state(st.session_state).login.user = ""


def require_user() -> str:
    """Return the user of this session; show the login (or why the dashboard won't open) and stop till there is one."""
    login = session_state(st.session_state).login
    try:
        policy = login_policy(
            st.get_option("server.address"), oidc_configured=_oidc_configured(), password=team_password()
        )
    except AuthError as exc:
        st.error(markdown_literal(str(exc)))
        st.stop()
    if policy.mode == "none":
        return local_user()  # loopback: the person at this machine
    if policy.mode == "refuse":
        st.error(markdown_literal(policy.reason))
        st.stop()
    if policy.mode == "oidc":
        if not st.user.is_logged_in:
            st.title("mapdash")
            st.button("Log in", type="primary", on_click=st.login, key="login_oidc")
            st.stop()
        return _logged_in(str(st.user.get("email") or st.user.get("name") or st.user.get("sub") or "user"))
    if login.user:
        return _logged_in(login.user)
    st.title("mapdash")
    st.caption("This dashboard is shared: log in with your name and the team's password.")
    with st.form("login"):
        name = st.text_input("Your name", key="login_name")
        password = st.text_input("Team password", type="password", key="login_password")
        if st.form_submit_button("Log in", type="primary"):
            try:
                user = clean_user_name(name)
                ok = check_password(password, team_password() or "")
            except AuthError as exc:
                st.error(markdown_literal(str(exc)))
            else:
                if ok:
                    login.user, login.failures = user, 0
                    st.rerun()
                login.failures += 1
                time.sleep(min(30.0, FAILURE_DELAY * 2 ** (login.failures - 1)))
                st.error("Wrong password.")
    st.stop()

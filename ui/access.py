"""Who is using the app, asked of the running server, and the checks every page and action
makes. The rules themselves are in `stories/access.py`; this module only gathers the facts
(the browser's address and headers, the signed-in user) and shows the Dutch messages.

`identify()` is the one seam tests replace: AppTest cannot sign in or come from an address.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import streamlit as st
from streamlit.runtime.context import _get_client_context

from stories.access import (
    MODES,
    PARTICIPANT_COOKIE,
    ROLE_LABELS,
    User,
    check_auth_section,
    local_user,
    login_provider,
    needed_role,
    parse_addresses,
    parse_rules,
    role_for,
    signed_in_address,
)
from stories.audit import Actor
from stories.workshop import new_participant
from ui.gate import is_participant_id


def _secrets() -> Mapping:
    try:
        return st.secrets.to_dict()
    except FileNotFoundError:  # no secrets file: settings come from the environment
        return {}


def secrets_section(name: str) -> dict:
    """A section of `.streamlit/secrets.toml` ([auth], [toegang]); empty when absent."""
    value = _secrets().get(name)
    return value if isinstance(value, dict) else {}


def setting(name: str) -> str | None:
    """A setting from the environment, else from `.streamlit/secrets.toml`; None when unset
    (an empty value is a value: `WIJK_LOKALE_ADRESSEN=` means nobody)."""
    if name in os.environ:
        return os.environ[name]
    value = _secrets().get(name)
    return None if value is None else str(value)


def _remote_ip() -> str | None:
    """The browser's TCP peer address. Not `st.context.ip_address`, which reports loopback
    and 'unknown' alike as None; an agent-API session has no address (so is no staff)."""
    client = _get_client_context()
    return client.remote_ip if client is not None else None


def identify() -> User:
    """Who is asking, by the mode `WIJK_TOEGANG` sets (`lokaal` unless set)."""
    mode = (setting("WIJK_TOEGANG") or "lokaal").strip().lower()
    if mode == "lokaal":
        return local_user(
            _remote_ip(),
            dict(st.context.headers or {}),
            parse_addresses(setting("WIJK_LOKALE_ADRESSEN")),
        )
    if mode == "login":
        return _signed_in_user()
    return User(
        None,
        "",
        problems=(
            f"WIJK_TOEGANG staat op '{mode}'; dat ken ik niet. Kies "
            + " of ".join(MODES)
            + ".",
        ),
    )


def _signed_in_user() -> User:
    secrets = _secrets()
    rules, problems = parse_rules(secrets.get("toegang"))
    problems = [*check_auth_section(secrets.get("auth")), *problems]
    if problems or rules is None:
        return User(None, "", problems=tuple(problems))
    if not st.user.is_logged_in:
        return User(None, "")
    claims = st.user.to_dict()
    email = signed_in_address(claims, rules)
    who = str(email or claims.get("email") or claims.get("sub") or "")
    return User(role_for(email, claims, rules), who, signed_in=True)


def current_user() -> User:
    return identify()


def actor(user: User) -> Actor:
    """How the audit log names this user. Without a role (not signed in, on a shared
    server) the only thing anyone can do is join a werksessie: as a participant."""
    if user.role in (None, "deelnemer"):
        return Actor("deelnemer", "deelnemer")
    return Actor(user.role, user.who)


def deny(user: User, permission: str) -> None:
    """The page or part is not for this user: say so, show nothing else."""
    if user.role in (None, "deelnemer"):
        st.title("Alleen voor medewerkers")
        st.info(
            "Deze pagina is alleen voor medewerkers van de gemeente en het wijkteam. Doe je "
            "mee aan een werksessie? Scan de code op het grote scherm, of typ het adres en "
            "de code die daar staan.",
            icon=":material/lock:",
        )
    else:
        st.warning(
            f"Dit is alleen voor een {ROLE_LABELS[needed_role(permission)]} (of hoger). Je "
            f"bent {ROLE_LABELS[user.role]}. Vraag de beheerder als je meer nodig hebt.",
            icon=":material/lock:",
        )
    st.stop()


def require(permission: str) -> User:
    """Stop the page here unless the user may `permission`; returns the user."""
    user = current_user()
    if not user.can(permission):
        deny(user, permission)
    return user


def access_screen(user: User) -> None:
    """For anyone who is not staff: a login, what is wrong with the settings, or 'staff only'.
    Shows no data at all."""
    if user.problems:
        st.title("Tellen & Vertellen")
        st.error(
            "**Inloggen is nog niet goed ingesteld**, dus de app toont niets. Dit moet de "
            "beheerder aanvullen in `.streamlit/secrets.toml`:\n"
            + "\n".join(f"- {p}" for p in user.problems),
            icon=":material/lock:",
        )
    elif user.role == "deelnemer":
        deny(user, "read_figures")
    elif not user.signed_in:
        st.title("Tellen & Vertellen")
        st.markdown(
            "Wijkanalyse met cijfers én verhalen. Log in met je account van de gemeente."
        )
        provider, _ = login_provider(_secrets().get("auth", {}))
        if st.button("Inloggen", type="primary", icon=":material/login:"):
            st.login(provider)
        st.caption(
            "Doe je mee aan een werksessie? Dan heb je geen account nodig: scan de code op "
            "het grote scherm."
        )
    else:
        st.title("Geen toegang")
        st.warning(
            f"Je bent ingelogd als {user.who}, maar je hebt (nog) geen rol in Tellen & "
            "Vertellen. Vraag de beheerder om je toegang te geven.",
            icon=":material/lock:",
        )
        st.button("Uitloggen", on_click=st.logout)


def who_box(user: User) -> None:
    """In the sidebar: who you are here, and a way out when signed in."""
    with st.sidebar:
        label = ROLE_LABELS.get(user.role or "", "geen toegang")
        st.caption(f"{user.who} · {label}")
        if user.signed_in:
            st.button("Uitloggen", key="access_logout", on_click=st.logout)


def log_view(user: User, dataset: str, count: int, where: str) -> None:
    """Record that this user was shown residents' story text: once per session, page,
    gemeente and number shown (a rerun for a click does not add a line)."""
    from ui.state import audit_log

    if count <= 0:
        return
    seen = st.session_state.setdefault("_audit_seen", set())
    key = (where, dataset, count)
    if key not in seen:
        audit_log().write(actor(user), "viewed", dataset, count, where)
        seen.add(key)


def log_export(user: User, dataset: str, count: int, what: str = "verhalen") -> None:
    """Record a download of records (called when the download button is clicked)."""
    from ui.state import audit_log

    audit_log().write(actor(user), "exported", dataset, count, what)


def participant_id() -> str:
    """This phone's participant id: the random one the server put in its cookie when the
    first page was sent (ui/gate.py), never one from the address. A browser that refuses
    cookies gets one for this session."""
    value = st.context.cookies.get(PARTICIPANT_COOKIE)
    if is_participant_id(value):
        return value
    return st.session_state.setdefault("_participant_id", new_participant())

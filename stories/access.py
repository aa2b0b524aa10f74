"""Who may see and do what: the four roles, what each may do, and how a visitor gets a role
(on a laptop by where the browser is; on a shared server by the identity provider's answer).

Pure rules, no Streamlit: `ui/access.py` asks the running server who is there and calls these.
Everything fails closed: an unknown mode, a broken setting or a user who matches nothing gets
no access, never a guess.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlsplit

import pandas as pd

# From least to most: every role may do what the roles before it may.
ROLES = ("deelnemer", "lezer", "medewerker", "beheerder")
ROLE_LABELS = {
    "deelnemer": "deelnemer aan een werksessie",
    "lezer": "lezer",
    "medewerker": "medewerker",
    "beheerder": "beheerder",
}

# What an action needs, at the least.
PERMISSIONS = {
    "read_figures": "lezer",  # figures, maps, coverage, rolwijzer, profiles; story counts
    "read_stories": "medewerker",  # story text, quotes, exact points, the initiative register
    "edit_records": "medewerker",  # add, edit and import stories, initiatives, agreements
    "export_records": "medewerker",  # story and initiative exports
    "run_workshops": "medewerker",
    "delete_records": "beheerder",  # stories (a resident's request) and initiatives
    "manage_datasets": "beheerder",  # import and remove gemeenten
    "set_retention": "beheerder",
    "read_audit": "beheerder",
}

# What each page needs; the phone page of a werksessie needs a join code instead.
PAGES = {
    "overzicht": "read_figures",
    "kaart": "read_figures",
    "tellen": "read_figures",
    "vertellen": "read_figures",  # a lezer sees counts only
    "initiatieven": "read_figures",  # a lezer sees no register
    "agenda": "read_figures",  # a lezer reads the buurtagenda; a medewerker edits it
    "buurtprofiel": "read_figures",  # a lezer sees no quotes
    "werksessie": "run_workshops",
    "data": "manage_datasets",
    "uitleg": "read_figures",  # the glossary the other pages link to
}
# The participants' phone form: the one page a participant reaches (by QR code or a short
# address and a code), hidden from the menu.
JOIN_PATH = "doemee"

MODES = ("lokaal", "login")
DEFAULT_LOCAL_ADDRESSES = ("127.0.0.1", "::1")
# The names by which only this computer reaches the app.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")
# Headers that say a request was passed on by something in between (a reverse proxy, a
# forwarder, a CDN). Matched by pattern, not by a list of names: a list always misses one.
FORWARDING_NAMES = (
    "forwarded",
    "via",
    "x-real-ip",
    "x-originating-ip",
    "x-proxyuser-ip",
)
FORWARDING_PARTS = ("forward", "client-ip", "connecting-ip")
# The participant's own random id, made by the server (ui/assets.py) and kept in a cookie:
# never taken from the address, so changing the URL does not make a new voter.
PARTICIPANT_COOKIE = "wijk_deelnemer"
THIS_COMPUTER = "deze computer"
PARTICIPANT = "deelnemer"


@dataclass(frozen=True)
class User:
    """Who is using the app: a role (None: no access at all) and how the audit log names them."""

    role: str | None
    who: str
    problems: tuple[str, ...] = field(default=())  # why there is no access, in Dutch
    signed_in: bool = False

    def can(self, permission: str) -> bool:
        return allowed(self.role, permission)

    @property
    def is_staff(self) -> bool:
        return self.can("read_figures")


def allowed(role: str | None, permission: str) -> bool:
    """Whether `role` may do `permission` (a key of PERMISSIONS).

    >>> allowed("lezer", "read_stories"), allowed("beheerder", "read_stories")
    (False, True)
    """
    if permission not in PERMISSIONS:
        raise ValueError(f"unknown permission {permission!r}")
    if role not in ROLES:
        return False
    return ROLES.index(role) >= ROLES.index(PERMISSIONS[permission])


def needed_role(permission: str) -> str:
    return PERMISSIONS[permission]


# --- lokaal: this computer is beheerder, every other device a participant --------------------


def parse_addresses(setting: str | None) -> tuple[str, ...]:
    """`WIJK_LOKALE_ADRESSEN`: unset means loopback; an empty value means nobody is staff."""
    if setting is None:
        return DEFAULT_LOCAL_ADDRESSES
    return tuple(a.strip() for a in setting.replace(";", ",").split(",") if a.strip())


def _address(text: str):
    """An address, with an IPv4 address seen through an IPv6 socket (::ffff:127.0.0.1,
    as a server listening on all interfaces reports it) read as the IPv4 address it is."""
    ip = ipaddress.ip_address(text.strip().removeprefix("[").removesuffix("]"))
    return getattr(ip, "ipv4_mapped", None) or ip


def _same_address(a: str, b: str) -> bool:
    try:
        return _address(a) == _address(b)
    except ValueError:
        return False


def host_name(host: str | None) -> str | None:
    """The name in a Host header, without its port, lower case; None when it is no host.

    >>> host_name("LocalHost:8501"), host_name("[::1]:8501"), host_name("a b")
    ('localhost', '::1', None)
    """
    text = (host or "").strip().lower()
    if not text or any(c in text for c in " /\\@?#"):
        return None
    if text.startswith("["):
        name, bracket, rest = text[1:].partition("]")
        if (
            not bracket
            or (rest and not rest[1:].isdigit())
            or (rest and rest[0] != ":")
        ):
            return None
    else:
        name, colon, port = text.partition(":")
        if colon and not port.isdigit():
            return None
    return name.rstrip(".") or None


def is_loopback_host(host: str | None) -> bool:
    """Whether a Host header names this computer only (localhost, 127.0.0.1, [::1])."""
    return host_name(host) in LOOPBACK_HOSTS


def is_ip_literal(name: str | None) -> bool:
    try:
        ipaddress.ip_address(name or "")
    except ValueError:
        return False
    return True


def forwarded(headers: Mapping[str, str]) -> bool:
    """Whether any header says the request was passed on (X-Forwarded-*, Forwarded, Via,
    X-Real-IP, *-Client-IP, CF-*, ...).

    >>> forwarded({"True-Client-IP": "1.2.3.4"}), forwarded({"Accept": "*/*"})
    (True, False)
    """
    for name in headers:
        low = name.lower()
        if (
            low in FORWARDING_NAMES
            or low.startswith("cf-")
            or any(part in low for part in FORWARDING_PARTS)
        ):
            return True
    return False


def same_origin(origin: str | None, host: str | None) -> bool:
    """Whether a browser's Origin is the app's own address (no Origin: not a cross-site page;
    a browser always sends one with a WebSocket)."""
    if not origin:
        return True
    netloc = urlsplit(origin.strip()).netloc.lower()
    return bool(host) and netloc == (host or "").strip().lower()


def local_user(
    remote_ip: str | None, headers: Mapping[str, str], local_addresses: Iterable[str]
) -> User:
    """In `lokaal` mode: beheerder for a browser on this computer, deelnemer for any other.

    "This computer" is a loopback peer that asked for a loopback name (localhost,
    127.0.0.1, [::1]) from a page of the app itself, with no forwarding header of any kind.
    Anything else is a participant: a forwarder (socat, `ssh -R`, a reverse proxy) also
    connects from loopback but asks for another name, a rebound name (DNS rebinding) is not a
    loopback name, and a page of another site sends its own Origin. An address configured
    beyond loopback (`WIJK_LOKALE_ADRESSEN`) must ask for an IP address, never a name a
    stranger's DNS could point here.

    >>> local_user("127.0.0.1", {"Host": "localhost:8501"}, ["127.0.0.1"]).role
    'beheerder'
    >>> local_user("127.0.0.1", {"Host": "evil.example:8501"}, ["127.0.0.1"]).role
    'deelnemer'
    >>> local_user("127.0.0.1", {"Host": "localhost", "Via": "1.1 x"}, ["127.0.0.1"]).role
    'deelnemer'
    """
    fields = {k.lower(): v for k, v in headers.items()}
    host = fields.get("host")
    peer_is_local = bool(remote_ip) and any(
        _same_address(remote_ip, a) for a in local_addresses
    )
    if peer_is_local and _address(remote_ip).is_loopback:
        host_ok = is_loopback_host(host)
    else:
        host_ok = is_ip_literal(host_name(host))
    if (
        peer_is_local
        and host_ok
        and not forwarded(fields)
        and same_origin(fields.get("origin"), host)
    ):
        return User("beheerder", THIS_COMPUTER)
    return User("deelnemer", PARTICIPANT)


# --- login: roles from the identity provider's answer ----------------------------------------


@dataclass(frozen=True)
class AccessRules:
    """The `[toegang]` setting: e-mail addresses or '@domain' entries per role, a claim whose
    values name roles (Entra ID app roles), and the role for a signed-in user who matches
    nothing (None: no access)."""

    members: Mapping[str, tuple[str, ...]]
    role_claim: str | None = None
    default_role: str | None = None
    # Entra ID only, by the beheerder's explicit choice: match on the sign-in name
    # (`preferred_username`) of accounts without e-mail, for one named tenant.
    name_claim: str | None = None
    tenant: str | None = None


STAFF_ROLES = ("lezer", "medewerker", "beheerder")


def parse_rules(section: Mapping | None) -> tuple[AccessRules | None, list[str]]:
    """Read `[toegang]`; return the rules, or None and what is wrong (Dutch)."""
    if not section:
        return None, [
            "De instelling [toegang] ontbreekt: zet daarin wie beheerder, medewerker of "
            "lezer is (e-mailadressen of @domein)."
        ]
    problems: list[str] = []
    known = {
        *STAFF_ROLES,
        "rolclaim",
        "standaardrol",
        "aanbieder",
        "naamclaim",
        "tenant",
    }
    for key in section:
        if key not in known:
            problems.append(
                f"Onbekende sleutel '{key}' in [toegang]; bedoeld zijn: "
                + ", ".join(sorted(known))
                + "."
            )
    members: dict[str, tuple[str, ...]] = {}
    for role in STAFF_ROLES:
        entries = section.get(role, [])
        if isinstance(entries, str):
            entries = [entries]
        if not isinstance(entries, list | tuple) or not all(
            isinstance(e, str) for e in entries
        ):
            problems.append(f"[toegang] {role} moet een lijst van e-mailadressen zijn.")
            continue
        cleaned = tuple(e.strip().lower() for e in entries if e.strip())
        for e in cleaned:
            if "@" not in e:
                problems.append(
                    f"'{e}' onder [toegang] {role} is geen e-mailadres of @domein."
                )
        members[role] = cleaned
    default = (section.get("standaardrol") or "").strip() or None
    if default is not None and default not in STAFF_ROLES:
        problems.append(
            f"[toegang] standaardrol '{default}' bestaat niet; kies lezer, medewerker, "
            "beheerder, of laat hem leeg."
        )
    claim = (section.get("rolclaim") or "").strip() or None
    name_claim = (section.get("naamclaim") or "").strip() or None
    tenant = (section.get("tenant") or "").strip() or None
    if name_claim and not tenant:
        problems.append(
            f"[toegang] naamclaim '{name_claim}' mag alleen met een tenant: zet tenant op "
            "de tenant-id van de gemeente (Entra ID), zodat een account van een andere "
            "organisatie met dezelfde naam niet binnenkomt."
        )
    if not problems and not claim and not any(members.values()) and default is None:
        problems.append(
            "[toegang] noemt niemand: zet ten minste één beheerder (e-mailadres), een "
            "rolclaim of een standaardrol."
        )
    if problems:
        return None, problems
    return AccessRules(members, claim, default, name_claim, tenant), []


def role_for(email: str | None, claims: Mapping, rules: AccessRules) -> str | None:
    """The highest role the signed-in user matches: by exact e-mail, by '@domain', or by a
    value of the role claim; otherwise the default role (None: no access).

    >>> rules = AccessRules({"beheerder": ("an@x.nl",), "lezer": ("@x.nl",)})
    >>> role_for("An@X.nl", {}, rules), role_for("bo@x.nl", {}, rules), role_for("c@y.nl", {}, rules)
    ('beheerder', 'lezer', None)
    """
    found: set[str] = set()
    address = (email or "").strip().lower()
    if address and "@" in address:
        domain = "@" + address.rsplit("@", 1)[1]
        for role, entries in rules.members.items():
            if address in entries or domain in entries:
                found.add(role)
    if rules.role_claim:
        values = claims.get(rules.role_claim) or []
        if isinstance(values, str):
            values = [values]
        found.update(str(v).strip().lower() for v in values)
    matched = [r for r in STAFF_ROLES if r in found]
    return matched[-1] if matched else rules.default_role


def signed_in_address(claims: Mapping, rules: AccessRules) -> str | None:
    """The e-mail address to match a signed-in user on: `email` only when the provider does
    not say it is unverified (anyone can type an address into a new account at some
    providers); a sign-in name only where the beheerder chose its claim (`naamclaim`) and the
    account belongs to the named tenant (`tid`).

    >>> rules = AccessRules({})
    >>> signed_in_address({"email": "a@x.nl", "email_verified": False}, rules) is None
    True
    >>> signed_in_address({"preferred_username": "a@x.nl"}, rules) is None
    True
    """
    verified = claims.get("email_verified", True)
    if isinstance(verified, str):
        verified = verified.strip().lower() == "true"
    if claims.get("email") and verified is True:
        return str(claims["email"])
    if rules.name_claim and rules.tenant and claims.get(rules.name_claim):
        if str(claims.get("tid", "")).strip().lower() == rules.tenant.lower():
            return str(claims[rules.name_claim])
    return None


# Cookie secrets printed as examples (README): anyone who read them can sign a login cookie.
EXAMPLE_SECRETS = ("een-lange-willekeurige-tekst",)
MIN_SECRET_LENGTH = 32


def weak_secret(secret: str) -> str | None:
    """Why a `cookie_secret` lets someone forge a login cookie, in Dutch; None when strong.
    Streamlit signs the identity cookie with it: whoever knows or guesses it is whoever they
    claim to be."""
    fix = (
        'Maak een nieuw geheim met `python -c "import secrets; '
        'print(secrets.token_urlsafe(48))"` en zet dat in [auth] cookie_secret.'
    )
    if secret.strip() in EXAMPLE_SECRETS:
        return f"[auth] cookie_secret is het voorbeeld uit de handleiding. {fix}"
    if len(secret) < MIN_SECRET_LENGTH:
        return (
            f"[auth] cookie_secret is te kort ({len(secret)} tekens; minstens "
            f"{MIN_SECRET_LENGTH}). {fix}"
        )
    if len(set(secret)) < 10:
        return f"[auth] cookie_secret is te eenvoudig (te weinig verschillende tekens). {fix}"
    return None


def check_auth_section(auth: Mapping | None) -> list[str]:
    """What `[auth]` (Streamlit's OpenID Connect settings) lacks, in Dutch; empty when usable.

    Either the provider's keys stand in [auth] itself, or in one sub-section such as
    [auth.microsoft].
    """
    if not auth:
        return [
            "De instelling [auth] ontbreekt: zonder de gegevens van de identity provider "
            "(OpenID Connect) kan niemand inloggen."
        ]
    problems = [
        f"[auth] mist '{key}'."
        for key in ("redirect_uri", "cookie_secret")
        if not auth.get(key)
    ]
    if auth.get("cookie_secret") and (weak := weak_secret(str(auth["cookie_secret"]))):
        problems.append(weak)
    if auth.get("redirect_uri") and not str(auth["redirect_uri"]).endswith(
        "/oauth2callback"
    ):
        problems.append("[auth] redirect_uri moet eindigen op /oauth2callback.")
    provider, keys = login_provider(auth)
    for key in ("client_id", "client_secret", "server_metadata_url"):
        if not keys.get(key):
            where = "[auth]" if provider == "default" else f"[auth.{provider}]"
            problems.append(f"{where} mist '{key}'.")
    return problems


def login_provider(auth: Mapping) -> tuple[str, Mapping]:
    """Which provider `st.login` should use, and its keys: [auth] itself or its one
    sub-section (e.g. [auth.microsoft])."""
    subsections = {k: v for k, v in auth.items() if isinstance(v, Mapping)}
    if "client_id" not in auth and len(subsections) == 1:
        return next(iter(subsections.items()))
    return "default", auth


# --- what a role may see of stories ----------------------------------------------------------

# Kept for counts: kind, themes, buurt, month, source. Everything a reader could quote goes.
TEXT_COLUMNS = ("title", "text", "voice")
POINT_COLUMNS = ("lon", "lat")


def counts_only(stories: pd.DataFrame) -> pd.DataFrame:
    """The stories with everything personal removed: no text or title, no teller, no exact
    point, dates to the first of their month. Every count per buurt × theme × kind stays."""
    out = stories.copy()
    for column in TEXT_COLUMNS:
        if column in out:
            out[column] = ""
    for column in POINT_COLUMNS:
        if column in out:
            out[column] = float("nan")
    if "date" in out and len(out):
        out["date"] = out["date"].map(lambda d: d.replace(day=1) if pd.notna(d) else d)
    return out


def whole_months(
    since: date | None, until: date | None
) -> tuple[date | None, date | None]:
    """A lezer's date filter, widened to whole months: counts_only shows dates to the month,
    so a filter of one day must not tell the day either.

    >>> whole_months(date(2025, 3, 17), date(2025, 3, 17))
    (datetime.date(2025, 3, 1), datetime.date(2025, 3, 31))
    """
    start = since.replace(day=1) if since else None
    end = None
    if until:
        next_month = (until.replace(day=28) + timedelta(days=4)).replace(day=1)
        end = next_month - timedelta(days=1)
    return start, end

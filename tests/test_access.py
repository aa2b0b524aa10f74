"""The access rules: what each role may, who a browser is in `lokaal` mode, how a signed-in
user gets a role, what a broken login setting lacks, and what a lezer sees of stories."""

import re
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from stories.access import (
    PAGES,
    PERMISSIONS,
    ROLES,
    allowed,
    check_auth_section,
    counts_only,
    local_user,
    login_provider,
    parse_addresses,
    parse_rules,
    role_for,
    signed_in_address,
    weak_secret,
)

# role → permissions it has; every other permission it lacks.
HAS = {
    None: set(),
    "deelnemer": set(),
    "lezer": {"read_figures"},
    "medewerker": {
        "read_figures", "read_stories", "edit_records", "export_records", "run_workshops",
    },
    "beheerder": set(PERMISSIONS),
}  # fmt: skip


@pytest.mark.parametrize("role", [None, *ROLES, "admin"])
@pytest.mark.parametrize("permission", sorted(PERMISSIONS))
def test_what_each_role_may(role, permission):
    assert allowed(role, permission) == (permission in HAS.get(role, set()))


def test_every_page_names_a_known_permission_and_unknown_ones_fail():
    assert set(PAGES.values()) <= set(PERMISSIONS)
    with pytest.raises(ValueError):
        allowed("beheerder", "read_everything")


@pytest.mark.parametrize(
    "setting, expected",
    [
        (None, ("127.0.0.1", "::1")),  # unset: loopback
        ("", ()),  # empty: nobody is staff
        ("127.0.0.1", ("127.0.0.1",)),
        (" 10.0.0.5 ; ::1 ,", ("10.0.0.5", "::1")),
    ],
)
def test_local_addresses_setting(setting, expected):
    assert parse_addresses(setting) == expected


LOOPBACK = ("127.0.0.1", "::1")
HOST = {"Host": "127.0.0.1:8501"}


@pytest.mark.parametrize(
    "remote, headers, local, role",
    [
        ("127.0.0.1", HOST, LOOPBACK, "beheerder"),
        ("::1", {"Host": "[::1]:8501"}, LOOPBACK, "beheerder"),
        (
            "0:0:0:0:0:0:0:1",
            HOST,
            LOOPBACK,
            "beheerder",
        ),  # the same address, written out
        (
            "::ffff:127.0.0.1",
            HOST,
            LOOPBACK,
            "beheerder",
        ),  # IPv4 through an IPv6 socket
        ("127.0.0.1", {"host": "LOCALHOST:8501"}, LOOPBACK, "beheerder"),
        ("127.0.0.1", {"Host": "localhost."}, LOOPBACK, "beheerder"),
        ("::ffff:192.168.1.23", HOST, LOOPBACK, "deelnemer"),
        ("192.168.1.23", HOST, LOOPBACK, "deelnemer"),  # a phone in the room
        ("127.0.0.1", HOST, (), "deelnemer"),  # WIJK_LOKALE_ADRESSEN= empty
        # A loopback peer is not enough: the name asked for must be this computer's own.
        ("127.0.0.1", {}, LOOPBACK, "deelnemer"),  # no Host at all
        (
            "127.0.0.1",
            {"Host": "evil.example:8501"},
            LOOPBACK,
            "deelnemer",
        ),  # rebinding
        ("127.0.0.1", {"Host": "192.168.1.5:9000"}, LOOPBACK, "deelnemer"),  # socat
        ("127.0.0.1", {"Host": "laptop.local:8501"}, LOOPBACK, "deelnemer"),
        ("127.0.0.1", {"Host": "127.0.0.1.evil.example"}, LOOPBACK, "deelnemer"),
        ("127.0.0.1", {"Host": "localhost:80:80"}, LOOPBACK, "deelnemer"),
        ("127.0.0.1", {"Host": "user@localhost"}, LOOPBACK, "deelnemer"),
        # Any sign of something in between.
        *(
            ("127.0.0.1", {**HOST, name: value}, LOOPBACK, "deelnemer")
            for name, value in [
                ("X-Forwarded-For", "192.168.1.23"),
                ("forwarded", "for=192.168.1.23"),
                ("X-Real-IP", "192.168.1.23"),
                ("X-Forwarded-Proto", "http"),
                ("X-Forwarded-Host", "localhost"),
                ("CF-Connecting-IP", "192.168.1.23"),
                ("CF-IPCountry", "NL"),
                ("True-Client-IP", "192.168.1.23"),
                ("X-Client-IP", "192.168.1.23"),
                ("X-Cluster-Client-IP", "192.168.1.23"),
                ("Fastly-Client-IP", "192.168.1.23"),
                ("Via", "1.1 proxy"),
                ("X-Original-Forwarded-For", "192.168.1.23"),
            ]
        ),
        # A page of another site (its own Origin) talking to the app.
        (
            "127.0.0.1",
            {**HOST, "Origin": "http://127.0.0.1:8501"},
            LOOPBACK,
            "beheerder",
        ),
        ("127.0.0.1", {**HOST, "Origin": "http://evil.example"}, LOOPBACK, "deelnemer"),
        ("127.0.0.1", {**HOST, "Origin": "null"}, LOOPBACK, "deelnemer"),
        (None, HOST, LOOPBACK, "deelnemer"),  # no address known (an agent session)
        ("not-an-ip", HOST, ("not-an-ip",), "deelnemer"),
        # A listed address beyond loopback is staff, asking for an address, not a name.
        ("10.0.0.5", {"Host": "10.0.0.1:8501"}, ("10.0.0.5",), "beheerder"),
        ("10.0.0.5", {"Host": "evil.example:8501"}, ("10.0.0.5",), "deelnemer"),
    ],
)
def test_who_is_this_computer(remote, headers, local, role):
    user = local_user(remote, headers, local)
    assert user.role == role
    assert user.who == ("deze computer" if role == "beheerder" else "deelnemer")


RULES = {
    "beheerder": ["I.Jansen@Eindhoven.nl"],
    "medewerker": ["@eindhoven.nl", "p.de.vries@wijkteam.nl"],
    "lezer": ["@wijkteam.nl"],
}


@pytest.mark.parametrize(
    "email, claims, section, role",
    [
        ("i.jansen@eindhoven.nl", {}, RULES, "beheerder"),  # address beats domain
        ("A.Bakker@EINDHOVEN.nl", {}, RULES, "medewerker"),  # case does not matter
        ("p.de.vries@wijkteam.nl", {}, RULES, "medewerker"),
        ("k.smit@wijkteam.nl", {}, RULES, "lezer"),
        ("k.smit@wijkteam.nl.evil.com", {}, RULES, None),  # a domain is the whole domain
        ("someone@eindhoven.nl.nl", {}, RULES, None),
        ("x@elders.nl", {}, RULES, None),
        (None, {}, RULES, None),
        ("x@elders.nl", {}, {**RULES, "standaardrol": "lezer"}, "lezer"),
        ("x@elders.nl", {"roles": ["medewerker"]}, {**RULES, "rolclaim": "roles"}, "medewerker"),
        ("k.smit@wijkteam.nl", {"roles": "beheerder"}, {**RULES, "rolclaim": "roles"}, "beheerder"),
        ("x@elders.nl", {"roles": ["Admin"]}, {**RULES, "rolclaim": "roles"}, None),
        ("x@elders.nl", {"roles": ["beheerder"]}, RULES, None),  # no claim configured
    ],
)  # fmt: skip
def test_role_from_the_identity_provider(email, claims, section, role):
    rules, problems = parse_rules(section)
    assert problems == []
    assert role_for(email, claims, rules) == role


@pytest.mark.parametrize(
    "section, fragment",
    [
        (None, "[toegang] ontbreekt"),
        ({}, "[toegang] ontbreekt"),
        ({"beheerder": []}, "noemt niemand"),
        ({"beheerder": ["jan"]}, "geen e-mailadres"),
        ({"beheerder": [3]}, "lijst van e-mailadressen"),
        ({"beheerders": ["a@b.nl"]}, "Onbekende sleutel 'beheerders'"),
        ({"standaardrol": "admin"}, "standaardrol 'admin' bestaat niet"),
        ({"standaardrol": "deelnemer"}, "bestaat niet"),
    ],
)
def test_broken_access_rules_fail_closed(section, fragment):
    rules, problems = parse_rules(section)
    assert rules is None
    assert any(fragment in p for p in problems), problems


GOOD_AUTH = {
    "redirect_uri": "https://wijk.eindhoven.nl/oauth2callback",
    "cookie_secret": "k3Jv9QxZ-p0T7mWcYb2LhN4sRdEu8AfG",  # 32 characters, random
    "client_id": "id",
    "client_secret": "secret",
    "server_metadata_url": "https://login.example/.well-known/openid-configuration",
}


def test_login_settings_name_what_is_missing():
    assert check_auth_section(GOOD_AUTH) == []
    assert "ontbreekt" in check_auth_section(None)[0]
    problems = check_auth_section({"redirect_uri": "https://x/callback"})
    for expected in (
        "cookie_secret", "/oauth2callback", "client_id", "client_secret",
        "server_metadata_url",
    ):  # fmt: skip
        assert any(expected in p for p in problems), (expected, problems)
    nested = {
        "redirect_uri": GOOD_AUTH["redirect_uri"],
        "cookie_secret": GOOD_AUTH["cookie_secret"],
        "microsoft": {k: GOOD_AUTH[k] for k in ("client_id", "client_secret")},
    }
    assert check_auth_section(nested) == [
        "[auth.microsoft] mist 'server_metadata_url'."
    ]
    assert login_provider(nested)[0] == "microsoft"
    assert login_provider(GOOD_AUTH)[0] == "default"


def test_counts_only_keeps_every_count_and_nothing_to_quote():
    stories = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "buurtcode": ["BU1", "BU1", "BU2"],
            "kind": ["zorg", "kracht", "zorg"],
            "themes": [["jeugd"], ["jeugd", "veiligheid"], ["taal"]],
            "title": ["Te hard", "", "Taalcafé"],
            "text": ["Er wordt te hard gereden.", "Fijne buren.", "Een taalcafé."],
            "voice": ["bewoner", "ondernemer", "bewoner"],
            "date": [date(2025, 3, 17), date(2025, 4, 2), date(2024, 12, 31)],
            "lon": [5.4, None, 5.5],
            "lat": [51.4, None, 51.5],
        }
    )
    safe = counts_only(stories)
    assert (safe[["title", "text", "voice"]] == "").all().all()
    assert safe[["lon", "lat"]].isna().all().all()
    assert list(safe["date"]) == [date(2025, 3, 1), date(2025, 4, 1), date(2024, 12, 1)]

    def per_cell(f):
        return f.explode("themes").groupby(["buurtcode", "themes", "kind"]).size()

    assert per_cell(safe).equals(per_cell(stories))
    assert (
        stories.loc[0, "text"] == "Er wordt te hard gereden."
    )  # the input is untouched


def readme_cookie_secrets() -> list[str]:
    text = (Path(__file__).resolve().parents[1] / "README.md").read_text(
        encoding="utf-8"
    )
    return re.findall(r'^cookie_secret\s*=\s*"([^"]*)"', text, flags=re.M)


@pytest.mark.parametrize(
    "secret, fragment",
    [
        ("een-lange-willekeurige-tekst", "voorbeeld uit de handleiding"),
        ("s3cret", "te kort (6 tekens"),
        ("x" * 40, "te eenvoudig"),
        ("ab" * 20, "te eenvoudig"),
    ],
)
def test_weak_cookie_secrets_fail_closed(secret, fragment):
    """Streamlit signs the login cookie with this secret: a known or guessable one lets
    anyone claim to be the beheerder (tests/e2e/test_aanvallen.py forges one)."""
    problems = check_auth_section({**GOOD_AUTH, "cookie_secret": secret})
    assert any(fragment in p for p in problems), problems
    assert any("secrets.token_urlsafe" in p for p in problems)  # names the fix


def test_every_cookie_secret_in_the_readme_is_refused():
    examples = readme_cookie_secrets()
    assert examples  # the README shows one, so the check has something to read
    for secret in examples:
        assert weak_secret(secret), secret


@pytest.mark.parametrize(
    "claims, section, address",
    [
        ({"email": "a@x.nl"}, {}, "a@x.nl"),
        ({"email": "a@x.nl", "email_verified": True}, {}, "a@x.nl"),
        ({"email": "a@x.nl", "email_verified": "true"}, {}, "a@x.nl"),
        ({"email": "a@x.nl", "email_verified": False}, {}, None),
        ({"email": "a@x.nl", "email_verified": "false"}, {}, None),
        ({"preferred_username": "a@x.nl"}, {}, None),  # a sign-in name is no address
        (
            {"preferred_username": "a@x.nl", "tid": "T1"},
            {"naamclaim": "preferred_username", "tenant": "t1"},
            "a@x.nl",
        ),
        (
            {"preferred_username": "a@x.nl", "tid": "other"},
            {"naamclaim": "preferred_username", "tenant": "t1"},
            None,
        ),
        (
            {"preferred_username": "a@x.nl"},
            {"naamclaim": "preferred_username", "tenant": "t1"},
            None,
        ),
    ],
)
def test_the_address_a_role_is_matched_on(claims, section, address):
    rules, problems = parse_rules({"beheerder": ["a@x.nl"], **section})
    assert problems == []
    assert signed_in_address(claims, rules) == address
    expected = "beheerder" if address else None
    assert role_for(signed_in_address(claims, rules), claims, rules) == expected


def test_a_name_claim_needs_a_tenant():
    rules, problems = parse_rules({"beheerder": ["a@x.nl"], "naamclaim": "upn"})
    assert rules is None
    assert "tenant" in problems[0]

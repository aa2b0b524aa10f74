"""Direct identifiers are found before a story is stored; ordinary numbers are left alone."""

import pytest

from stories.privacy import find_identifiers, is_bsn, redact
from stories.themes import suggest_themes


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Bel me op 06-12345678", "telefoonnummer"),
        ("bereikbaar via 0612345678", "telefoonnummer"),
        ("mijn nummer is +31 6 1234 5678", "telefoonnummer"),
        ("kantoor 010-1234567", "telefoonnummer"),
        ("mail naar j.de.vries@voorbeeld.nl", "e-mailadres"),
        ("BSN 111222333 staat op de brief", "BSN"),
        ("BSN 1112.22.333", "BSN"),
        ("ik woon op 1234 AB 12", "adres (postcode of straat met huisnummer)"),
        ("ze woont aan de Kerkstraat 12a", "adres (postcode of straat met huisnummer)"),
    ],
)
def test_identifiers_are_found(text, kind):
    assert [f.kind for f in find_identifiers(text)] == [kind]
    assert "[verwijderd]" in redact(text)


@pytest.mark.parametrize(
    "text",
    [
        "Er wonen hier 1234 mensen.",
        "In 2024 kwamen 150 buren naar het feest.",
        "Het kost 12,50 euro per maand.",
        "De bus van 10.15 uur rijdt niet meer.",
        "Nummer 123456789 is geen BSN (elfproef klopt niet).",
        "Wij wonen al 40 jaar in de straat.",
    ],
)
def test_ordinary_text_is_left_alone(text):
    assert find_identifiers(text) == []


@pytest.mark.parametrize(
    "digits, ok",
    [
        ("111222333", True),
        ("123456782", True),
        ("123456789", False),
        ("000000000", False),
    ],
)
def test_elfproef(digits, ok):
    assert is_bsn(digits) is ok


@pytest.mark.parametrize(
    "text, theme",
    [
        ("De speeltuin is kapot en de kinderen hebben niks.", "jeugd"),
        ("Sinds mijn vrouw overleed ben ik vaak alleen.", "ontmoeting"),
        ("We komen niet rond aan het eind van de maand.", "bestaanszekerheid"),
        ("'s Avonds is het donker en wordt er gedeald.", "veiligheid"),
        ("De huisarts neemt niemand meer aan.", "gezondheid"),
        ("Mijn moeder kan de brieven niet lezen.", "taal"),
        ("De bus rijdt niet meer op zondag.", "voorzieningen"),
    ],
)
def test_theme_suggestions(text, theme):
    assert theme in suggest_themes(text)

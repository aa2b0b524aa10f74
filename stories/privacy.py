"""Find direct identifiers in story text before it is stored: phone numbers, e-mail addresses,
BSNs and postcode with house number. Resident stories are personal data; these never go in."""

from __future__ import annotations

import re
from dataclasses import dataclass

REDACTED = "[verwijderd]"
PATTERNS = {
    "e-mailadres": re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),
    # Dutch numbers: 06-12345678, 06 1234 5678, +31 6 12345678, 010-1234567, 0201234567.
    "telefoonnummer": re.compile(
        r"(?<![\d+])(\+31[\s-]?|0031[\s-]?|0)(6[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}[\s-]?\d{2}"
        r"|[1-9]\d{1,2}[\s-]?\d{3}[\s-]?\d{2}[\s-]?\d{2}|[1-9]\d{1,2}[\s-]?\d{6,7})(?!\d)"
    ),
    "adres (postcode of straat met huisnummer)": re.compile(
        r"\b[1-9]\d{3}\s?(?!SA|SD|SS)[A-Z]{2}\b[\s,]*\d{1,5}\s?[a-zA-Z]?\b"
        r"|\b[A-Z][a-z]+(?:straat|laan|weg|plein|kade|gracht|hof|singel|dijk)\s\d{1,5}[a-zA-Z]?\b"
    ),
}
NINE_DIGITS = re.compile(
    r"(?<!\d)(\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}\.\d{3}\.\d{3})(?!\d)"
)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    end: int


def is_bsn(digits: str) -> bool:
    """The Dutch 'elfproef': 9×d1 + 8×d2 + … + 2×d8 − d9 is divisible by 11 (and not 0)."""
    d = [int(c) for c in digits]
    total = sum(w * n for w, n in zip(range(9, 1, -1), d[:8])) - d[8]
    return total % 11 == 0 and total != 0


def find_identifiers(text: str) -> list[Finding]:
    """Everything in `text` that looks like a direct identifier, in order of appearance.

    >>> [f.kind for f in find_identifiers("Bel me: 06-12345678 of mail a@b.nl")]
    ['telefoonnummer', 'e-mailadres']
    """
    found = [
        Finding(kind, m.group(0), m.start(), m.end())
        for kind, pattern in PATTERNS.items()
        for m in pattern.finditer(text)
    ]
    for m in NINE_DIGITS.finditer(text):
        digits = re.sub(r"\D", "", m.group(0))
        if is_bsn(digits) and not any(f.start <= m.start() < f.end for f in found):
            found.append(Finding("BSN", m.group(0), m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def redact(text: str, findings: list[Finding] | None = None) -> str:
    """The text with every finding replaced by '[verwijderd]'."""
    for f in sorted(
        findings if findings is not None else find_identifiers(text),
        key=lambda f: -f.start,
    ):
        text = text[: f.start] + REDACTED + text[f.end :]
    return text


def describe(findings: list[Finding]) -> str:
    """A Dutch sentence naming what was found, for the user."""
    kinds = sorted({f.kind for f in findings})
    return "De tekst bevat mogelijk een " + " en een ".join(kinds) + "."

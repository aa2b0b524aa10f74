"""Suggest themes for a story from its words (`data/theme_lexicon.toml`); the person confirms."""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path

LEXICON = Path(__file__).resolve().parent.parent / "data" / "theme_lexicon.toml"


@cache
def lexicon() -> dict[str, list[re.Pattern]]:
    raw = tomllib.loads(LEXICON.read_text(encoding="utf-8"))
    return {
        theme: [re.compile(r"(?<!\w)" + re.escape(stem.lower())) for stem in stems]
        for theme, stems in raw.items()
    }


def suggest_themes(text: str, limit: int = 3) -> list[str]:
    """Themes whose words occur in `text`, most hits first (at most `limit`).

    >>> suggest_themes("Er is niks voor pubers; ze hangen bij de supermarkt.")
    ['jeugd', 'voorzieningen']
    """
    lower = text.lower()
    hits = {
        theme: sum(bool(p.search(lower)) for p in patterns)
        for theme, patterns in lexicon().items()
    }
    ranked = sorted((t for t, n in hits.items() if n), key=lambda t: -hits[t])
    return ranked[:limit]

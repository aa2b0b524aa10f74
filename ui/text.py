"""User text in Streamlit Markdown, shown exactly as typed."""

import re

# The kind of a story as coloured bold text (Streamlit Markdown), the colours of the map dots.
KIND_MARKS = {
    "kracht": ":blue[**Kracht**]",
    "zorg": ":red[**Zorg**]",
    "droom": ":violet[**Droom**]",
    "talent": ":green[**Talent**]",
}


def plain(text: str) -> str:
    """User text for st.markdown: every Markdown character escaped, so it shows as typed and
    can never become a link, an image (a request elsewhere) or markup.

    >>> plain("[klik](http://x) *vet*")
    '\\\\[klik\\\\]\\\\(http://x\\\\) \\\\*vet\\\\*'
    """
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", text)


def explained(anchor: str, words: str = "Wat betekent dit?") -> str:
    """A link to one term on the 'Wat betekent dit?' page (pages/uitleg.py), for a caption:
    the rule is explained in one place instead of repeated on every page."""
    return f"[{words}](uitleg#{anchor})"


def fitting_width(texts, per_character: float = 7.5, padding: int = 28) -> int:
    """Pixels for a table column that shows its longest text whole (Streamlit sizes a column
    to its header and cuts longer cells off: "13,0 per 1.000 inw…").

    >>> fitting_width(["9,1%", "13,0 per 1.000 inwoners"])
    200
    """
    longest = max((len(str(t)) for t in texts), default=0)
    return int(round(longest * per_character)) + padding

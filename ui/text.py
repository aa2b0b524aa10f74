"""User text in Streamlit Markdown, shown exactly as typed."""

import re


def plain(text: str) -> str:
    """User text for st.markdown: every Markdown character escaped, so it shows as typed and
    can never become a link, an image (a request elsewhere) or markup.

    >>> plain("[klik](http://x) *vet*")
    '\\\\[klik\\\\]\\\\(http://x\\\\) \\\\*vet\\\\*'
    """
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~])", r"\\\1", text)

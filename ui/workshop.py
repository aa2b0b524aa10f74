"""The werksessie's look and its address for participants: large type for the projector,
a clean small screen for phones, a link plus QR code that work on the room's network, and
which werksessie a URL is about."""

from __future__ import annotations

import html
from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

import pandas as pd
import segno
import streamlit as st

from analysis.datasets import Dataset
from analysis.workshop import Summary, helpers_words
from stories.access import JOIN_PATH
from stories.model import KINDS
from stories.workshop import Workshop, WorkshopStore
from ui.maps import KIND_COLOURS, swatch

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "0.0.0.0", ""}

# Both views: no sidebar, no Streamlit menu; the room sees the werksessie only.
_BARE = (
    '[data-testid="stSidebar"],[data-testid="stSidebarCollapsedControl"],'
    '[data-testid="stToolbar"],[data-testid="stDecoration"]{display:none}'
    ".block-container{padding-top:1.2rem;padding-bottom:1rem}"
)
# Readable from the back of a room: larger type everywhere, bigger still for what is said.
PROJECTOR_CSS = (
    "<style>" + _BARE + '[data-testid="stHeader"]{display:none}'
    "html{font-size:20px}"
    ".block-container{max-width:none;padding:1rem 1.5rem}"
    ".ws-title{font-size:2.2rem;font-weight:700;line-height:1.1;color:#1f2a44}"
    ".ws-muted{color:#3d3d3d}.ws-small{font-size:1rem}"
    ".ws-join{display:flex;gap:.7rem;align-items:center;font-size:1.1rem;line-height:1.3}"
    ".ws-join a{font-size:1.3rem;font-weight:700;word-break:break-all}"
    ".ws-code{font-size:1.6rem;letter-spacing:.08em;font-family:monospace}"
    ".ws-big{font-size:1.45rem;line-height:1.35;color:#111}"
    ".ws-big h2{font-size:2.3rem;margin:.2rem 0 .3rem;padding:0}"
    ".ws-big h3{font-size:1.5rem;margin:.6rem 0 .1rem;padding:0;color:#1f2a44}"
    ".ws-big p{font-size:1.45rem;margin:0}"
    ".ws-big ul{margin:0 0 0 1.2rem;padding:0}.ws-big li{margin:.1rem 0;font-size:1.45rem}"
    ".ws-quote{font-style:italic;border-left:.3rem solid #7b3294;padding-left:.6rem;"
    "margin:.5rem 0}"
    ".ws-legend{font-size:1.05rem;line-height:1.55}"
    ".ws-feed-head{font-size:1.5rem;font-weight:700;color:#1f2a44;margin-bottom:.3rem}"
    ".ws-card{border:2px solid #1f2a44;border-radius:.5rem;padding:.4rem .6rem;"
    "margin-bottom:.5rem;font-size:1.3rem;line-height:1.3;background:#fff}"
    ".ws-rank{display:flex;align-items:center;gap:1rem;font-size:1.6rem;margin:.35rem 0}"
    ".ws-rank .ws-place{font-weight:700;min-width:2.4rem;text-align:right}"
    ".ws-rank .ws-bar{background:#7b3294;height:1.4rem;border-radius:.2rem}"
    ".stButton button p,[data-testid=stBaseButton-segmented_control] p{font-size:1.1rem}"
    # At 200 % zoom the view switch wraps rather than hiding an option off to the side; its
    # options are separate buttons, each with its whole border, so a wrapped one stays whole.
    ".st-key-ws_weergave [role=radiogroup]{flex-wrap:wrap;gap:.3rem}"
    ".st-key-ws_weergave button{border-radius:10px}"
    ".st-key-ws_weergave [data-testid=stBaseButton-segmented_control]"
    "{border-left-color:rgba(31,42,68,.2)}"  # the theme's border (textColor at 20 %)
    # The buurt choice keeps room for a whole name; with less room the step buttons wrap.
    ".st-key-ws_stappen .stSelectbox{min-width:12rem}"
    "</style>"
)
# How the privacy-safe projector and the phones name a buurt with too few stories to show.
LITTLE_TOLD = "een buurt met weinig verhalen"
PARTICIPANT_CSS = (
    "<style>" + _BARE + '[data-testid="stHeader"]{display:none}'
    ".block-container{max-width:40rem;padding-left:1rem;padding-right:1rem}"
    "</style>"
)


def participant_url(
    page_url: str | None,
    network_ip: str | None,
    port: int,
    base_path: str,
    join_code: str,
) -> str:
    """The address participants open on their phones, with the join code (`short_address`
    is its root and path alone: that page then asks for the code).

    The projector's own address when it is reachable from elsewhere (the laptop was opened by
    its network address); otherwise the laptop's network address, as Streamlit prints it.
    """
    parts = urlsplit(page_url or "")
    if parts.hostname not in LOCAL_HOSTS and parts.netloc:
        root = f"{parts.scheme}://{parts.netloc}"
    else:
        root = f"http://{network_ip or 'localhost'}:{port}"
    path = "/".join(p for p in (base_path.strip("/"), JOIN_PATH) if p)
    query = urlencode({"code": join_code})
    return f"{root}/{path}?{query}"


def qr_svg(url: str, scale: int = 4) -> str:
    """The URL as a QR code, an inline SVG (black on white, with its quiet zone)."""
    return segno.make(url, error="m").svg_inline(scale=scale, dark="#000", light="#fff")


def short_address(url: str) -> str:
    """'192.168.1.20:8501/doemee': what to type when the QR code does not work."""
    parts = urlsplit(url)
    return f"{parts.netloc}{parts.path}"


def workshop_from_url(store: WorkshopStore, data: Dataset) -> Workshop | None:
    """The werksessie in the URL (`?sessie=`, staff only), when it belongs to the chosen
    gemeente."""
    wanted = st.query_params.get("sessie")
    if not wanted:
        return None
    found: Workshop | None = store.get(wanted)
    if found is None or found.dataset != data.info.gemeentecode:
        st.error(
            "Deze werksessie bestaat niet (meer) in deze gemeente. Kies hieronder een "
            "werksessie of start een nieuwe."
        )
        return None
    return found


# --- what the projector shows, as HTML in its large type ------------------------------------


def esc(text: object) -> str:
    return html.escape(str(text))


def summary_html(summary: Summary, quotes: list[str]) -> str:
    """One buurt for the room: what goes well, the concerns, who is already at work, and (when
    the view is not privacy-safe) a few residents' words."""

    def points(title: str, items: list[str], empty: str) -> str:
        listed = (
            "".join(f"<li>{esc(i)}</li>" for i in items) or f"<li>{esc(empty)}</li>"
        )
        return f"<h3>{title}</h3><ul>{listed}</ul>"

    return (
        f'<div class="ws-big"><h2>{esc(summary.buurtnaam)}</h2><p>{esc(summary.intro)}</p>'
        + points("Wat gaat goed", summary.krachten, "Nog niets opvallends.")
        + points("Waar zijn zorgen over", summary.zorgen, "Nog niets opvallends.")
        + points(
            "Wie zijn al bezig", summary.initiatives, "Nog geen initiatief bekend."
        )
        + "".join(f'<div class="ws-quote">“{esc(q)}”</div>' for q in quotes)
        + "</div>"
    )


def legend_html(title: str, legend: list[tuple[str, str]]) -> str:
    """The map's colours, and the dots for what comes in during the session."""
    swatches = "".join(
        f'<span style="white-space:nowrap;margin-right:1rem">{swatch(c, 1.4, 0.9)} '
        f"{esc(label)}</span>"
        for c, label in legend
    )
    dots = "".join(
        f'<span style="white-space:nowrap;margin-right:1rem">'
        f"{swatch(KIND_COLOURS[k], 1, 1, True)} {label}</span>"
        for k, label in KINDS.items()
    )
    return (
        f'<div class="ws-legend"><b>{esc(title)}</b>: {swatches}<br>'
        f"Nieuw in deze sessie: {dots}</div>"
    )


def feed_html(
    entries: pd.DataFrame, newest: int, where: Callable[[str], str], privacy_safe: bool
) -> str:
    """The `newest` entries (newest first) as cards; privacy-safe: the short title only."""
    cards = []
    for entry in entries.head(newest).to_dict("records"):
        more = entry["text"] != entry["title"] and not privacy_safe
        cards.append(
            f'<div class="ws-card"><b style="color:{KIND_COLOURS[entry["kind"]]}">'
            f"{KINDS[entry['kind']]}</b> · {esc(where(entry['buurtcode']))}"
            f"<br>{esc(entry['title'])}"
            + (
                f'<div class="ws-muted ws-small">{esc(entry["text"][:120])}</div>'
                if more
                else ""
            )
            + "</div>"
        )
    if not cards:
        cards.append(
            '<div class="ws-card ws-muted">Nog niets binnen. Scan de code rechtsboven en '
            "vertel iets!</div>"
        )
    return (
        f'<div class="ws-feed"><div class="ws-feed-head">Net binnen ({len(entries)})</div>'
        + "".join(cards)
        + "</div>"
    )


def ranking_html(dreams: pd.DataFrame, top: int, where: Callable[[str], str]) -> str:
    """The `top` dreams by votes (`analysis.workshop.rank_dreams`), each with a bar."""
    most = max(int(dreams["votes"].max()), 1)
    rows = []
    for d in dreams.head(top).to_dict("records"):
        chosen = " ✓ gekozen" if pd.notna(d["initiative_id"]) else ""
        if helping := helpers_words(d.get("helpers", 0)):
            chosen += f" · {helping}"
        rows.append(
            f'<div class="ws-rank"><span class="ws-place">{d["place"]}.</span>'
            f'<span style="flex:0 0 40%">{esc(d["title"] or d["text"][:60])}'
            f'<span class="ws-muted" style="font-size:1.1rem"> · '
            f"{esc(where(d['buurtcode']))}{chosen}</span></span>"
            f'<span class="ws-bar" style="width:{28 * d["votes"] / most:.1f}%"></span>'
            f"<b>{d['votes']}</b></div>"
        )
    return f'<div class="ws-ranking">{"".join(rows)}</div>'

"""Overzicht: the gemeente at a glance — headline figures, krachten, zorgen, where to start."""

from datetime import date

import streamlit as st

from analysis.overview import theme_summary, where_to_start
from analysis.signals import signals_by_chance
from analysis.wijken import LEVELS
from stories.agenda import OPEN, due, successes, unnamed
from ui.agenda import area_names, success_lines
from ui.state import (
    agenda_store,
    cached_initiatives,
    cached_signals,
    cached_stories,
    cached_wijken,
    catalogue,
    current_dataset,
    fictional_banner,
    require_entry,
)
from ui.text import explained

require_entry()
cat = catalogue()
data = current_dataset()
year = data.years[-1]
stories = cached_stories(data)
initiatives = cached_initiatives(data)
reference, signals = cached_signals(data.info.id, year)

st.title(data.gemeentenaam)
st.markdown(
    "**Wijkanalyse: wat gaat goed en wat behoeft aandacht?** Cijfers van het CBS (*tellen*) naast "
    "de verhalen van bewoners en professionals (*vertellen*), per buurt."
)
fictional_banner(data)

n_wijken = data.buurten["wijkcode"].nunique()
cols = st.columns(5)
cols[0].metric(
    "Inwoners", cat["aantal_inwoners"].format(reference["value"].get("aantal_inwoners"))
)
cols[1].metric("Buurten", f"{len(data.buurten)}", help=f"In {n_wijken} wijken.")
low = cat["pct_huishoudens_laag_inkomen"]
cols[2].metric(
    "Laag inkomen",
    low.format(reference["value"].get(low.id)),
    help="Huishoudens met een laag inkomen. Gewogen naar het aantal huishoudens per buurt, niet het gemiddelde van de buurtpercentages.",
)
cols[3].metric(
    "Verhalen", f"{len(stories)}", help="Krachten, zorgen en dromen van bewoners."
)
stopped = int((initiatives["phase"] == "gestopt").sum())
cols[4].metric(
    "Initiatieven",
    f"{len(initiatives) - stopped}",
    help="Bewonersinitiatieven en ontmoetingsplekken die niet gestopt zijn.",
)
st.caption(
    f"Cijfers: {data.info.source}, {year}. Verhalen en initiatieven: {len(stories)} en "
    f"{len(initiatives)} vastgelegd"
    + (
        f" ({stopped} {'initiatief is' if stopped == 1 else 'initiatieven zijn'} gestopt)."
        if stopped
        else "."
    )
)
if stories.empty:
    st.caption(
        "Voor deze gemeente zijn nog geen verhalen vastgelegd: krachten en zorgen hieronder "
        "komen alleen uit de cijfers."
    )

summary = theme_summary(
    signals, stories, cat.themes, {i: cat[i].label for i in cat.indicators}
)
counted = {i.theme for i in cat.indicators.values() if i.has_signal}


def figures(row, side: str, phrase: str, other: str) -> str:
    """What the figures say for a theme: how many buurten, on which figures, and how many
    buurten the other way; or that this theme has no figures with a direction."""
    if row.name not in counted:
        return "geen cijfers met een goede of slechte richting"
    text = f"{buurten(row[f'buurten_{side}'])} {phrase}"
    if row[f"cijfers_{side}"]:
        text += f" (buurten per cijfer: {row[f'cijfers_{side}']})"
    opposite = "kracht" if side == "aandacht" else "aandacht"
    if row[f"buurten_{opposite}"]:
        text += f"; {buurten(row[f'buurten_{opposite}'])} {other}"
    return text


def buurten(n: int) -> str:
    return f"{n} buurt" if n == 1 else f"{n} buurten"


def told(count: int, kind: str) -> str:
    """The stories part of a line; left out while a gemeente has no stories at all."""
    return "" if stories.empty else f"; {count} verhalen over {kind}"


def strongest(heading: str, explanation: str, side: str, phrase: str, other: str,
              kind: str, kinds: str) -> None:  # fmt: skip
    """The three themes where the verdicts on `side` most exceed what the rule gives when
    nothing stands out, plus stories of `kind`."""
    st.subheader(heading)
    st.caption(explanation)
    top = summary.assign(score=summary[f"beyond_{side}"] + summary[kind])
    for _, row in top[top["score"] > 0].nlargest(3, "score").iterrows():
        st.markdown(
            f"**{row['label']}** — {figures(row, side, phrase, other)}"
            + told(row[kind], kinds)
        )


left, right = st.columns(2)
with left:
    strongest(
        ":material/thumb_up: Sterkste krachten",
        "Thema's waar in de cijfers meer buurten beter staan dan de regel bij gewone "
        "verschillen al aanwijst, en waar bewoners de meeste krachten vertellen.",
        "kracht", "sterk in de cijfers", "met aandacht", "kracht", "krachten",
    )  # fmt: skip
with right:
    strongest(
        ":material/warning: Grootste zorgen",
        "Thema's waar in de cijfers meer buurten aandacht vragen dan de regel bij gewone "
        "verschillen al aanwijst, en waar bewoners de meeste zorgen vertellen.",
        "aandacht", "met aandacht in de cijfers", "sterk", "zorg", "zorgen",
    )  # fmt: skip

if by_chance := signals_by_chance(signals):
    st.caption(by_chance)

st.subheader(":material/flag: Waar beginnen?")
level = st.radio(
    "Niveau", list(LEVELS), format_func=LEVELS.get, key="overzicht_niveau", horizontal=True,
    label_visibility="collapsed",
)  # fmt: skip
area = "buurt" if level == "buurt" else "wijk"
st.caption(
    f"De {LEVELS[level].lower()} waar cijfers en verhalen samen de meeste zorgen aanwijzen: het "
    f"aantal cijfers met 'aandacht' plus het aantal zorgverhalen (bij een wijk: van al zijn "
    f"buurten samen). Klik op een {area} om hem op de kaart te zien."
)
if level == "wijk":
    areas, _ = cached_wijken(data)
    groups = data.buurten.set_index("buurtcode")["wijkcode"]
    start = where_to_start(signals, stories, areas, groups=groups)
else:
    start = where_to_start(signals, stories, data.buurten)
start["kaart"] = f"kaart?gemeente={data.info.id}" + (
    "&niveau=wijk" if level == "wijk" else "&buurt=" + start["buurtcode"]
)
start["thema"] = start["thema"].map(cat.themes)
st.dataframe(
    start[["buurtnaam", "wijknaam", "aandacht", "zorgen", "thema", "kaart"]].drop(
        columns=["wijknaam"] if level == "wijk" else []
    ),
    hide_index=True,
    width="stretch",
    column_config={
        "buurtnaam": area.capitalize(),
        "wijknaam": "Wijk",
        "aandacht": st.column_config.NumberColumn(
            "Cijfers met aandacht",
            help="Cijfers waarop de buurt slechter is dan de gemeente, buiten de gewone "
            "spreiding tussen buurten.",
        ),
        "zorgen": st.column_config.NumberColumn("Zorgverhalen"),
        "thema": st.column_config.TextColumn(
            "Belangrijkste thema",
            help="Het thema met de meeste cijfers met aandacht plus zorgverhalen.",
        ),
        "kaart": st.column_config.LinkColumn(
            "Op de kaart", display_text="Bekijk op de kaart"
        ),
    },
)
st.caption(f"Hoe een cijfer een oordeel krijgt: {explained('oordeel')}")

with st.expander("Alle thema's"):
    st.dataframe(
        summary.drop(
            columns=[c for c in summary if c.startswith(("beyond_", "cijfers_"))]
        ).rename(
            columns={
                "label": "Thema",
                "buurten_kracht": "Buurten sterk (cijfers)",
                "buurten_aandacht": "Buurten aandacht (cijfers)",
                "kracht": "Krachtverhalen",
                "zorg": "Zorgverhalen",
                "droom": "Dromen",
            }
        ),
        hide_index=True,
        width="stretch",
    )

st.subheader(":material/celebration: Samen verder")
agenda = agenda_store()
afspraken = agenda.query(data.info.gemeentecode)
wins = successes(agenda.entries(data.info.gemeentecode), afspraken)
names = area_names(data)
left, right = st.columns(2)
with left:
    st.markdown("**Laatste successen**")
    for title, detail in success_lines(wins.head(3), names, cat):
        st.markdown(f"**{title}** · {detail}")
    if wins.empty:
        st.caption("Nog geen successen vastgelegd op de buurtagenda.")
with right:
    st.markdown("**Wat staat er?**")
    open_count = int(afspraken["status"].isin(OPEN).sum())
    st.markdown(
        f"{open_count} open {'afspraak' if open_count == 1 else 'afspraken'}; "
        f"{len(due(afspraken, date.today()))} met een contactmoment deze maand of eerder, "
        f"{len(unnamed(afspraken))} zonder iemand die ze draagt."
    )
st.page_link(
    "pages/agenda.py", label="Naar de buurtagenda", icon=":material/event_note:"
)

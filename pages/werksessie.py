"""Werksessie: projector mode for workshops, for medewerkers.

The projector shows the map, steps through the buurten and shows what comes in, live.
Participants join on their phones with the join code shown here (`pages/doemee.py`).
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from streamlit import net_util

from analysis.profile import select_quotes
from analysis.signals import deviation_classes
from analysis.workshop import (
    buurt_summary,
    helpers_words,
    hidden_buurten,
    rank_dreams,
    step,
    step_order,
)
from stories.agenda import sign_up_counts
from stories.errors import StoreError
from stories.privacy import find_identifiers
from stories.workshop import Workshop
from ui.access import log_view
from ui.agenda import afspraak_form, agenda_button, area_names, day, proposed
from ui.initiatives import dream_form
from ui.maps import (
    MISSING_COLOUR,
    buurt_map,
    buurt_style,
    deviation_colours,
    deviation_legend,
    map_table,
    story_points,
)
from ui.state import (
    agenda_store,
    available_indicators,
    cached_initiatives,
    cached_shapes,
    cached_signals,
    cached_stories,
    catalogue,
    current_dataset,
    initiative_names,
    keep_in_address,
    require_entry,
    synced_choice,
    workshop_store,
)
from ui.text import plain
from ui.workshop import (
    LITTLE_TOLD,
    PROJECTOR_CSS,
    esc,
    feed_html,
    legend_html,
    participant_url,
    qr_svg,
    ranking_html,
    short_address,
    summary_html,
    workshop_from_url,
)

LIVE_EVERY = "3s"  # how soon the projector shows a new entry or dot
FEED = 5  # newest entries on the projector

user = require_entry("run_workshops")
cat = catalogue()
data = current_dataset()
store = workshop_store()
codes = data.buurten["buurtcode"].tolist()
names = dict(zip(data.buurten["buurtcode"], data.buurten["buurtnaam"]))


def buurt_label(code: str, hidden: set[str]) -> str:
    return LITTLE_TOLD if code in hidden else names.get(code, code)


# --- the projector -------------------------------------------------------------------------


def start_panel() -> None:
    """No werksessie chosen: explain, offer to resume one, or start a new one."""
    st.title("Werksessie")
    st.markdown(
        "Een werksessie is een bijeenkomst met bewoners, het wijkteam en partners rond één "
        "scherm.\n"
        "1. **Verkennen**: loop samen langs de buurten. Wat laten de cijfers zien, wat "
        "vertellen bewoners?\n"
        "2. **Verzamelen**: iedereen zet met de eigen telefoon krachten, zorgen en dromen op "
        "het scherm.\n"
        "3. **Kiezen**: met stippen kiest de groep de dromen om mee aan de slag te gaan. De "
        "gekozen droom wordt een initiatief in de fase *idee*."
    )
    earlier = store.list(data.info.gemeentecode)
    if earlier:
        st.subheader("Verder met een werksessie")
        for w in earlier[:5]:
            st.page_link(
                "pages/werksessie.py",
                label=f"{w.name} ({w.created:%d-%m-%Y %H:%M})"
                + ("" if w.is_open() else " · afgelopen"),
                query_params={"sessie": w.id, "gemeente": data.info.id},
                icon=":material/co_present:",
            )
    st.subheader("Nieuwe werksessie")
    with st.form("ws_nieuw"):
        name = st.text_input(
            "Naam", value=f"Werksessie {date.today():%d-%m-%Y}", key="ws_nieuw_naam"
        )
        cols = st.columns(2)
        votes_each = cols[0].number_input(
            "Stippen per deelnemer", min_value=1, max_value=10, value=3
        )
        minimum = cols[1].number_input(
            "Veilig tonen: verberg buurten met minder verhalen dan", min_value=1,
            max_value=50, value=5,
        )  # fmt: skip
        if st.form_submit_button(
            "Start de werksessie", type="primary", key="ws_nieuw_start"
        ):
            try:
                made = store.create(
                    data.info.gemeentecode, name, int(votes_each), int(minimum)
                )
            except StoreError as exc:
                st.error(str(exc))
            else:
                st.query_params["sessie"] = made.id
                st.rerun()


def closed_view(workshop: Workshop) -> None:
    """The werksessie has ended (or its code ran out): nobody can join; open it again?"""
    st.title(workshop.name)
    st.info(
        "Deze werksessie is afgelopen: de code werkt niet meer en deelnemers kunnen niet "
        "meer meedoen. Wat er is verteld en gekozen, blijft bewaard.",
        icon=":material/event_busy:",
    )
    if st.button("Opnieuw openen met een nieuwe code", key="ws_heropenen"):
        store.reopen(workshop.id)
        st.rerun()
    st.page_link(
        "pages/werksessie.py", label="Andere werksessie", icon=":material/swap_horiz:",
        query_params={"gemeente": data.info.id},
    )  # fmt: skip


def projector_view(workshop: Workshop) -> None:
    url = participant_url(
        st.context.url, net_util.get_internal_ip(), st.get_option("server.port"),
        st.get_option("server.baseUrlPath") or "", workshop.join_code,
    )  # fmt: skip
    head, switch, join = st.columns([5, 3, 3], vertical_alignment="center")
    head.markdown(
        f'<div class="ws-title">{esc(workshop.name)}</div><div class="ws-muted">'
        f"{esc(data.info.name)}"
        + (" · veilig tonen staat aan" if workshop.privacy_safe else "")
        + "</div>",
        unsafe_allow_html=True,
    )
    join.markdown(
        f'<div class="ws-join">{qr_svg(url, 3)}<div>Doe mee! Scan de QR-code of ga naar<br>'
        f'<a href="{esc(url)}" target="_blank">{esc(short_address(url))}</a><br>'
        f'code <b class="ws-code">{esc(workshop.code_display)}</b></div></div>',
        unsafe_allow_html=True,
    )
    if st.get_option("server.address") in ("localhost", "127.0.0.1"):
        st.warning(
            "Deelnemers kunnen deze computer niet bereiken: de app luistert alleen naar "
            "zichzelf. Start hem met `streamlit run app.py --server.address 0.0.0.0`."
        )
    views = {"buurten": "Buurten", "kiezen": "Dromen kiezen", "samen": "Samen verder"}
    synced_choice("weergave", list(views), "buurten", "ws_weergave")
    view = switch.segmented_control(
        "Weergave", list(views), format_func=views.get, key="ws_weergave",
        label_visibility="collapsed",
    )  # fmt: skip
    keep_in_address(weergave=view or "buurten")
    if view == "kiezen" and st.session_state.get("ws_kiezen_open"):
        # No live part meanwhile: the form stays as typed.
        dream_form(workshop, store, data, cat)
    elif view == "kiezen":
        ranking(workshop)
        st.button(
            "Gekozen droom vastleggen als initiatief", key="ws_naar_vastleggen",
            icon=":material/flag:", on_click=st.session_state.update,
            kwargs={"ws_kiezen_open": True},
        )  # fmt: skip
    elif view == "samen":
        together(workshop)
        plan_tonight(workshop)
    else:
        buurten_view(workshop)
    facilitator(workshop, url)


def privacy_view(workshop: Workshop) -> tuple[pd.DataFrame, set[str]]:
    """The gemeente's stories, and the buurten the privacy-safe view leaves out."""
    stories = cached_stories(data)
    if not workshop.privacy_safe:
        return stories, set()
    return stories, hidden_buurten(stories, codes, workshop.min_stories)


def buurten_view(workshop: Workshop) -> None:
    """Step through the buurten (a full run per step); the map and the newest entries
    refresh themselves every few seconds."""
    stories, hidden = privacy_view(workshop)
    order = step_order(data.buurten, hidden)
    if st.session_state.get("ws_stap") not in order:
        st.session_state["ws_stap"] = (
            workshop.current_buurt
            if workshop.current_buurt in order
            else step(order, None, 0)
        )
    map_col, talk_col, feed_col = st.columns([10, 8, 4], gap="medium")
    with talk_col:
        if not order:
            st.info(
                f"Veilig tonen verbergt alle buurten: geen enkele buurt heeft {workshop.min_stories} "
                "verhalen of meer. Verlaag het minimum bij Instellingen."
            )
            return
        # The buurt's name gets the room the step buttons do not need; where there is too little
        # for both (200 % zoom), the buttons go together onto the next line (PROJECTOR_CSS).
        steps = st.container(
            horizontal=True, vertical_alignment="bottom", key="ws_stappen"
        )
        steps.selectbox(
            "Buurt", order, format_func=names.get, key="ws_stap",
            label_visibility="collapsed", on_change=remember, args=(workshop,),
        )  # fmt: skip
        buttons = steps.container(horizontal=True, wrap=False, width="content")
        buttons.button("◀", key="ws_vorige", shortcut="Left", help="Vorige buurt",
                       on_click=move, args=(workshop, order, -1))  # fmt: skip
        buttons.button("▶", key="ws_volgende", shortcut="Right", help="Volgende buurt",
                       on_click=move, args=(workshop, order, 1))  # fmt: skip
        talk(workshop, st.session_state["ws_stap"], stories)
    with map_col:
        live_map(workshop)
    with feed_col:
        live_feed(workshop)


def move(workshop: Workshop, order: list[str], delta: int) -> None:
    st.session_state["ws_stap"] = step(order, st.session_state.get("ws_stap"), delta)
    remember(workshop)


def remember(workshop: Workshop) -> None:
    """The buurt on the screen is where the phone form starts."""
    store.update(workshop.id, current_buurt=st.session_state.get("ws_stap"))


def talk(workshop: Workshop, code: str, stories: pd.DataFrame) -> None:
    year = data.years[-1]
    _, signals = cached_signals(data.info.id, year)
    wide = data.wide(year)
    inwoners = wide.at[code, "aantal_inwoners"] if "aantal_inwoners" in wide else None
    buurt = data.buurten.loc[data.buurten["buurtcode"] == code].iloc[0]
    summary = buurt_summary(
        buurt,
        cat["aantal_inwoners"].format(inwoners) if pd.notna(inwoners) else None,
        signals, stories, cached_initiatives(data), cat,
    )  # fmt: skip

    quotes = []
    if not workshop.privacy_safe:
        chosen = select_quotes(
            stories[stories["buurtcode"] == code], find_identifiers, n=2
        )
        quotes = [q.text for q in chosen]
        log_view(
            user, data.info.gemeentecode, len(chosen), f"Werksessie: citaten {code}"
        )
    st.markdown(summary_html(summary, quotes), unsafe_allow_html=True)


@st.fragment(run_every=LIVE_EVERY)
def live_map(workshop: Workshop) -> None:
    """The map, with a dot for every entry of this werksessie (new ones within seconds)."""
    code, (_, hidden) = st.session_state["ws_stap"], privacy_view(workshop)
    indicator_ids, default = available_indicators(data)
    indicator = st.session_state.get("ws_indicator", default)
    ind = cat[indicator]
    year = data.years[-1]
    wide = data.wide(year)
    values = wide.get(indicator, pd.Series(dtype=float)).reindex(codes)
    reference, _ = cached_signals(data.info.id, year)
    classes = deviation_classes(
        values, reference["value"].get(indicator, float("nan")), ind, wide,
    )  # fmt: skip
    colours = deviation_colours(classes)
    notes = classes.copy()
    for c in hidden:
        colours[c], notes[c] = MISSING_COLOUR, "verborgen: weinig verhalen"
    told = store.entries(workshop.id)
    told = told[~told["buurtcode"].isin(hidden)]
    # The same map every few seconds, restyled in place: new dots appear, the room's zoom stays.
    buurt_map(
        cached_shapes(data),
        buurt_style(
            data.map_geometry, values, ind, colours, selected=code, notes=notes
        ),
        key="ws_map", height=450,
        label=f"Kaart van {ind.label} per buurt met de inbreng van deze werksessie. "
        "Dezelfde cijfers staan in de tabel onder de kaart.",
        stories=story_points(
            told, data.map_geometry, hide_exact=workshop.privacy_safe,
            quotes=not workshop.privacy_safe,
        ),
    )  # fmt: skip
    map_table(
        "ws_tabel", data.map_geometry, values, f"{ind.label} ({ind.unit})", f"%.{ind.decimals}f",
        words=notes, words_label="Afwijking",
    )  # fmt: skip
    legend = deviation_legend(classes, ind)
    if hidden:
        legend.append(
            (MISSING_COLOUR, f"verborgen: minder dan {workshop.min_stories} verhalen")
        )
    st.markdown(legend_html(f"{ind.label} ({year})", legend), unsafe_allow_html=True)


@st.fragment(run_every=LIVE_EVERY)
def live_feed(workshop: Workshop) -> None:
    """The newest entries, as cards; in the privacy-safe view without the longer text."""
    _, hidden = privacy_view(workshop)
    told = store.entries(workshop.id)
    st.markdown(
        feed_html(
            told, FEED, lambda code: buurt_label(code, hidden), workshop.privacy_safe
        ),
        unsafe_allow_html=True,
    )


@st.fragment(run_every=LIVE_EVERY)
def ranking(workshop: Workshop) -> None:
    _, hidden = privacy_view(workshop)
    dreams = rank_dreams(store.entries(workshop.id))
    voters = store.voters(workshop.id)
    st.markdown(
        f'<div class="ws-big"><h2>Welke dromen pakken we op?</h2>'
        f"<p>{len(dreams)} dromen · {voters} deelnemers zetten samen "
        f"{int(dreams['votes'].sum())} stippen (ieder {workshop.votes}).</p></div>",
        unsafe_allow_html=True,
    )
    if dreams.empty:
        st.info(
            "Nog geen dromen. Deelnemers voegen ze toe met hun telefoon (scan de code)."
        )
        return
    st.markdown(
        ranking_html(dreams, 10, lambda code: buurt_label(code, hidden)),
        unsafe_allow_html=True,
    )


def tonight(workshop: Workshop) -> pd.DataFrame:
    """The afspraken made in this werksessie."""
    found = agenda_store().query(data.info.gemeentecode)
    return found[
        (found["origin"] == "werksessie")
        & found["origin_ref"].str.startswith(workshop.id)
    ]


@st.fragment(run_every=LIVE_EVERY)
def together(workshop: Workshop) -> None:
    """Samen verder, on the projector: tonight's afspraken with their next contact moment,
    the dreams with the most dots, and how many people joined each werkgroep (counts only,
    never names)."""
    _, hidden = privacy_view(workshop)
    counts = sign_up_counts(agenda_store().engine, data.info.gemeentecode)
    made = tonight(workshop)
    areas = area_names(data)
    lines = [
        f"<li><b>{esc(a['what'])}</b> · {esc(areas.get(a['area'], a['area']))} · "
        f"volgend contact {esc(day(a['contact_date']))} · "
        f"{joined(counts.get(a['id'], 0))}</li>"
        for a in made.to_dict("records")
    ]
    dreams = rank_dreams(store.entries(workshop.id)).head(5)
    wishes = [
        f"<li><b>{esc(d['title'] or d['text'][:80])}</b> · "
        f"{esc(buurt_label(d['buurtcode'], hidden))} · {joined(counts.get(d['id'], 0))}"
        + (f" · {helpers_words(d['helpers'])}" if d["helpers"] else "")
        + "</li>"
        for d in dreams.to_dict("records")
    ]
    st.markdown(
        '<div class="ws-big"><h2>Samen verder</h2>'
        + (f"<h3>Wat spraken we vanavond af?</h3><ul>{''.join(lines)}</ul>" if lines
           else "<p>Nog geen afspraken vanavond. Leg ze hieronder vast.</p>")
        + (f"<h3>Dromen met de meeste stippen</h3><ul>{''.join(wishes)}</ul>" if wishes
           else "")
        + "<p>Doe mee in een werkgroep: kies <i>Meedoen</i> op je telefoon.</p></div>",
        unsafe_allow_html=True,
    )  # fmt: skip


def joined(n: int) -> str:
    return f"{n} {'persoon doet' if n == 1 else 'mensen doen'} mee"


def plan_tonight(workshop: Workshop) -> None:
    """For the facilitator: an afspraak for tonight, or a chosen dream onto the agenda."""
    agenda, areas = agenda_store(), area_names(data)
    planned = agenda.query(data.info.gemeentecode)
    initiatives = initiative_names(data)
    chosen = store.entries(workshop.id)
    chosen = chosen[chosen["initiative_id"].notna()]
    for dream in chosen.to_dict("records"):
        said, act = st.columns([5, 1], vertical_alignment="center")
        said.markdown(
            f"Gekozen droom: **{plain(dream['title'] or dream['text'][:80])}** "
            f"(initiatief '{plain(initiatives.get(dream['initiative_id'], ''))}')"
        )
        raw = proposed(
            dream["buurtcode"], (dream["themes"] or ["ontmoeting"])[0],
            dream["title"] or dream["text"][:300],
            f"Droom uit {workshop.name}, {int(dream['votes'])} stippen", "werksessie",
            f"{workshop.id}:{dream['id']}", data.years[-1],
        )  # fmt: skip
        with act:
            agenda_button(agenda, data, areas, planned,
                          {**raw, "themes": dream["themes"] or ["ontmoeting"],
                           "initiative_id": dream["initiative_id"]},
                          f"ws_agenda_{dream['id']}")  # fmt: skip
    with st.expander("Afspraak voor vanavond vastleggen", icon=":material/event_note:"):
        afspraak_form(
            "ws_afspraak", data, cat, agenda, areas, initiatives,
            origin={"origin": "werksessie", "origin_ref": workshop.id,
                    "year": data.years[-1]},
        )  # fmt: skip


def facilitator(workshop: Workshop, url: str) -> None:
    """Settings for whoever leads the session, out of the way at the bottom."""
    with st.expander("Instellingen voor de begeleider", icon=":material/settings:"):
        cols = st.columns(3)
        safe = cols[0].toggle(
            "Veilig tonen", value=workshop.privacy_safe, key="ws_veilig",
            help="Voor een gemengd publiek: verbergt citaten, exacte plekken en buurten met "
            "weinig verhalen. Wat deelnemers nu insturen blijft zichtbaar als korte titel.",
        )  # fmt: skip
        minimum = cols[1].number_input(
            "Verberg buurten met minder verhalen dan", min_value=1, max_value=50,
            value=workshop.min_stories, key="ws_minimum",
        )  # fmt: skip
        indicator_ids, default = available_indicators(data)
        synced_choice("indicator", indicator_ids, default, "ws_indicator")
        cols[2].selectbox(
            "Kleur de kaart naar", indicator_ids, format_func=cat.option_label,
            key="ws_indicator",
        )  # fmt: skip
        if (safe, minimum) != (workshop.privacy_safe, workshop.min_stories):
            store.update(workshop.id, privacy_safe=safe, min_stories=int(minimum))
            st.rerun()
        st.markdown(
            f"Deelnemers: [{esc(url)}]({url}), code {esc(workshop.code_display)} (geldig "
            f"tot {workshop.code_until:%d-%m %H:%M}) · op de knoppen ◀ ▶ of met de "
            "pijltjestoetsen stap je door de buurten."
        )
        if st.button(
            "Werksessie beëindigen", key="ws_einde", icon=":material/stop_circle:",
            help="De code werkt daarna niet meer. Wat er verteld is, blijft bewaard.",
        ):  # fmt: skip
            store.end(workshop.id)
            st.rerun()
        links = st.columns(3)
        links[0].page_link(
            "pages/initiatieven.py",
            label="Naar de initiatieven",
            icon=":material/diversity_3:",
        )
        links[1].page_link(
            "pages/werksessie.py", label="Andere werksessie", icon=":material/swap_horiz:",
            query_params={"gemeente": data.info.id},
        )  # fmt: skip
        links[2].page_link(
            "pages/overzicht.py",
            label="Terug naar het dashboard",
            icon=":material/home:",
        )


# --- which view ----------------------------------------------------------------------------

workshop = workshop_from_url(store, data)
if workshop is None:
    start_panel()
elif not workshop.is_open():
    closed_view(workshop)
else:
    st.markdown(PROJECTOR_CSS, unsafe_allow_html=True)
    projector_view(workshop)

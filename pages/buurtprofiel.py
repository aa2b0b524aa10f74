"""Buurtprofiel: one buurt on one page for the focusgesprek, with PDF and HTML export."""

from dataclasses import replace
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.expected import focus_question, outcomes
from analysis.profile import assemble_profile
from analysis.reference import NEDERLAND_HINT, NOT_LOADED
from analysis.wijken import LEVELS, per_wijk
from stories.agenda import due, unnamed
from stories.agreements import Agreement, check_agreement
from stories.errors import StoreError
from stories.privacy import find_identifiers
from ui.access import log_export, log_view
from ui.agenda import (
    agenda_for,
    agenda_table,
    already_planned,
    area_names,
    profile_agenda,
    proposed,
    save_afspraak,
)
from ui.charts import POSITION_COLOURS, chart_config
from ui.comparisons import expected_caption, peers_view
from ui.profile_doc import (
    locator_svg,
    period_mark,
    period_note,
    render_html,
    render_pdf,
)
from ui.state import (
    agenda_store,
    agreement_store,
    cached_expected,
    cached_initiatives,
    cached_network,
    cached_signals,
    cached_stories,
    cached_wijk_dataset,
    catalogue,
    current_dataset,
    fictional_banner,
    initiative_names,
    keep_in_address,
    require_entry,
    synced_choice,
)
from ui.text import KIND_MARKS, explained, plain

user = require_entry()
reader = user.can("read_stories")  # a lezer gets the profile without quotes
cat = catalogue()
gemeente = current_dataset()
synced_choice("niveau", list(LEVELS), "buurt", "profiel_niveau")
level = st.session_state["profiel_niveau"]
# A wijk profile is the same profile of the gemeente with its wijken as the areas.
data = gemeente if level == "buurt" else cached_wijk_dataset(gemeente)
names = dict(zip(data.buurten["buurtcode"], data.buurten["buurtnaam"]))
codes = list(names)
synced_choice("buurt", codes, codes[0], f"profiel_{level}")

st.title("Buurtprofiel")
st.markdown(
    "**Alles over één buurt op één plek**, voor het focusgesprek tussen wijkteam en gemeente: "
    "de cijfers, wat bewoners vertellen, de initiatieven en vragen om het gesprek mee te "
    "beginnen. Download het als PDF (A4) of als HTML-bestand."
)
fictional_banner(data)
years = [str(y) for y in sorted(data.years, reverse=True)]
synced_choice("jaar", years, years[0], "profiel_jaar")
pick, when, across = st.columns([4, 1, 1], vertical_alignment="bottom")
when.selectbox(
    "Cijfers van", years, key="profiel_jaar",
    help="Een eerder jaar: het profiel zoals het er toen uitzag, bijvoorbeeld voor het "
    "focusgesprek van vorig jaar. Een afspraak die je hier maakt, onthoudt dat jaar.",
)  # fmt: skip
year = int(st.session_state["profiel_jaar"])
across.radio(
    "Profiel van een", list(LEVELS), format_func=lambda v: v, key="profiel_niveau",
    horizontal=True, help="Een wijkprofiel: de cijfers per wijk (van CBS waar gepubliceerd, "
    "anders berekend uit de buurten), elke wijk vergeleken met de andere wijken, en de "
    "verhalen en initiatieven van al zijn buurten.",
)  # fmt: skip
if level == "buurt":
    code = pick.selectbox(
        "Buurt", codes, key="profiel_buurt",
        format_func=lambda c: f"{names[c]} ({data.buurten.set_index('buurtcode').at[c, 'wijknaam']})",
    )  # fmt: skip
    stories, initiatives = cached_stories(data), cached_initiatives(data)
    signals_for = lambda year: cached_signals(data.info.id, year)  # noqa: E731
else:
    code = pick.selectbox("Wijk", codes, key="profiel_wijk", format_func=names.get)
    stories, initiatives = per_wijk(
        gemeente, cached_stories(gemeente), cached_initiatives(gemeente)
    )
    signals_for = None  # a handful of wijken: computed, not cached
keep_in_address(
    buurt=code, niveau=level, jaar=str(year) if year != data.years[-1] else None
)

agreements = agreement_store()
agreed = agreements.get(data.info.gemeentecode, code)
profile = assemble_profile(
    data, code, cat, stories, initiatives, find_identifiers, year,
    agreement={"focus_themes": agreed.focus_themes, "ambition": agreed.ambition,
               "activities": agreed.activities},
    signals_for=signals_for, level=level, network=cached_network(gemeente),
)  # fmt: skip
if not reader:
    profile = replace(profile, quotes=[])
# Verwacht versus werkelijk: an outcome outside its interval is a question, not a verdict.
expected_notes = []
for outcome in outcomes(cat) if level == "buurt" else []:
    model = cached_expected(data, profile.year, outcome.id)
    if code in model.table.index and (
        question := focus_question(outcome.label, model.table.at[code, "oordeel"])
    ):
        row = model.table.loc[code]
        expected_notes.append(
            f"{outcome.label}: {outcome.format(row['werkelijk'])}, verwacht "
            f"{outcome.format(row['verwacht'])} ({outcome.format(row['ondergrens'])} tot "
            f"{outcome.format(row['bovengrens'])}). {expected_caption(model)}"
        )
        profile = replace(profile, questions=[question, *profile.questions])

top = st.columns([1, 2], gap="large")
with top[0]:
    st.markdown(locator_svg(data.map_geometry, code, 240), unsafe_allow_html=True)
    st.caption(f"{profile.buurtnaam} in {profile.gemeentenaam}")
with top[1]:
    st.subheader(profile.buurtnaam)
    st.caption(
        f"Wijk {profile.wijknaam} · {code} · {profile.inwoners} inwoners · cijfers {profile.year}"
    )
    counts = profile.story_counts
    cols = st.columns(4)
    cols[0].metric("Krachten verteld", counts["kracht"])
    cols[1].metric("Zorgen verteld", counts["zorg"])
    cols[2].metric("Dromen verteld", counts["droom"])
    cols[3].metric("Initiatieven", len(profile.initiatives))
    left, right = st.columns(2)
    left.markdown("**Sterkste krachten (cijfers)**")
    left.markdown("\n".join(f"- {plain(k)}" for k in profile.krachten) or "_Geen cijfer "
                  "beter dan de gemeente._")  # fmt: skip
    right.markdown("**Grootste zorgen (cijfers)**")
    right.markdown("\n".join(f"- {plain(z)}" for z in profile.zorgen) or "_Geen cijfer "
                   "slechter dan de gemeente._")  # fmt: skip

st.subheader("Cijfers per thema")
figures = pd.DataFrame(
    [
        {
            "Thema": cat.themes[f.theme],
            "Indicator": f"{f.label}{period_mark(profile, f)}",
            "Buurt": f.buurt,
            "Gemeente": f.gemeente,
            "Nederland": f.nederland,
            "Oordeel": f.verdict,
            f"Sinds {profile.trend_since}"
            if profile.trend_since
            else "Ontwikkeling": f.trend,
        }  # fmt: skip
        for f in profile.figures
    ]
)
# A table that wraps: as a grid its Oordeel and Ontwikkeling were cut off at 1280 px.
st.table(figures.set_index("Thema"))
if note := period_note(profile):
    st.caption(f"{note} ({explained('peildatum')}).")
if (figures["Nederland"] == NOT_LOADED).all():
    st.caption(NEDERLAND_HINT)
compared = [f for f in profile.figures if f.value is not None and f.reference is not None
            and f.indicator != "aantal_inwoners" and f.reference]  # fmt: skip
if compared:
    shares = [100 * f.value / f.reference for f in compared]
    fig = go.Figure(
        go.Bar(
            y=[f.label for f in compared],
            x=shares,
            orientation="h",
            marker_color=[
                POSITION_COLOURS.get(f.position, "#969696") for f in compared
            ],
            text=[f"{f.buurt} (gemeente {f.gemeente})" for f in compared],
            textposition="outside",
            cliponaxis=False,
        )  # fmt: skip
    )
    fig.add_vline(x=100, line_dash="dash", line_color="#1f2a44")
    fig.update_layout(
        height=90 + 30 * len(compared), margin=dict(l=10, r=20, t=30, b=10),
        font=dict(size=13), plot_bgcolor="#ffffff", yaxis=dict(autorange="reversed"),
        # Room right of the longest bar for its words: they are never cut off.
        xaxis=dict(range=[min(0, min(shares)), max(shares) * 1.9 + 10]),
        xaxis_title="buurt als % van de gemeente (100 = gelijk); rood aandacht, blauw kracht, "
        "licht: iets slechter of iets beter",
    )  # fmt: skip
    st.plotly_chart(fig, width="stretch", key="profiel_chart",
                    config=chart_config(f"profiel_{code}"))  # fmt: skip

left, right = st.columns(2, gap="large")
with left:
    st.subheader("Wat bewoners vertellen")
    log_view(user, data.info.gemeentecode, len(profile.quotes), f"Buurtprofiel {code}")
    if not reader:
        told = stories[stories["buurtcode"] == code]["kind"]
        counts = told.value_counts()
        st.markdown(
            f"{counts.get('kracht', 0)} krachten, {counts.get('zorg', 0)} zorgen en "
            f"{counts.get('droom', 0)} dromen uit deze buurt."
        )
        st.caption(
            "Citaten zijn voor medewerkers; als lezer zie je alleen de aantallen."
        )
    for q in profile.quotes:
        themes = ", ".join(cat.themes.get(t, t) for t in q.themes)
        st.markdown(f"{KIND_MARKS[q.kind]} · {plain(themes)}\n\n> {plain(q.text)}")
        st.caption(f"{q.source} · {q.voice} · {q.date}")
    if reader and not profile.quotes:
        st.caption("Nog geen verhalen uit deze buurt.")
with right:
    st.subheader("Initiatieven")
    for i in profile.initiatives:
        people = f" · {i['people']} mensen" if i["people"] else ""
        st.markdown(
            f"**{plain(i['name'])}** ({i['phase']}) – {plain(', '.join(i['themes']))}{people}"
        )
    if not profile.initiatives:
        st.caption("Geen initiatieven vastgelegd voor deze buurt.")
    st.subheader("Wie en wat is er")
    there = profile.network
    for partner in there["partners"][:6]:
        st.markdown(
            f"**{plain(partner['name'])}** ({partner['category']}, {partner['where']}) · "
            f"biedt {plain(partner['offers'])} · {plain(partner['themes'])}"
        )
    if len(there["partners"]) > 6:
        st.caption(
            f"En nog {len(there['partners']) - 6} partners binnen een kilometer."
        )
    if there["vindplaatsen"]:
        st.markdown(
            "**Vindplaatsen:** "
            + plain("; ".join(v["name"] for v in there["vindplaatsen"]))
        )
    if there["talents"]:
        st.markdown(
            "**Talenten van bewoners:** "
            + plain(
                ", ".join(f"{n} voor {t.lower()}" for t, n in there["talents"].items())
            )
        )
    if not any(there.values()):
        st.caption("Nog geen partners, vindplaatsen of talenten vastgelegd.")
    st.subheader("Rolwijzer")
    for r in profile.roles:
        st.markdown(f"**{r['role']}** · {plain(r['theme'])}: {plain(r['reason'])}")
    if not profile.roles:
        st.caption("Geen suggesties.")
    if profile.conversation:
        st.subheader("Waar cijfers en verhalen verschillen")
        st.markdown("\n".join(f"- {plain(c)}" for c in profile.conversation))

st.subheader("Vragen voor het focusgesprek")
# The team makes the questions its own before printing: one per line, in the PDF and HTML.
edited = st.text_area(
    "Pas de vragen aan voor het printen (één vraag per regel)",
    "\n".join(profile.questions),
    key=f"profiel_vragen_{code}_{profile.year}",
    height=200,
    help="Uit de cijfers, verhalen en de rolwijzer van deze buurt. Wat je hier verandert, "
    "komt in de PDF en het HTML-bestand; de pagina onthoudt het tot je hem sluit.",
)
profile = replace(
    profile, questions=[q.strip() for q in edited.splitlines() if q.strip()]
)
for note in expected_notes:
    st.caption(note)

if level == "buurt":
    st.subheader("Vergelijkbare buurten")
    peers_view(data, profile.year, code, cat, "profiel_peers")

st.subheader("Afspraken")
if agreed.updated:
    st.caption(f"Laatst bijgewerkt op {agreed.updated:%d-%m-%Y %H:%M}.")
if not user.can("edit_records"):
    lines = [
        ("Focusthema's", ", ".join(cat.themes.get(t, t) for t in agreed.focus_themes)),
        ("Ambitie", agreed.ambition),
        ("Activiteiten", agreed.activities),
    ]
    st.markdown(
        "\n".join(f"- **{label}:** {plain(text)}" for label, text in lines if text)
        or "Nog geen afspraken vastgelegd."
    )
else:
    with st.form(f"afspraken_{code}"):
        focus = st.multiselect(
            "Focusthema's", list(cat.themes), agreed.focus_themes, format_func=cat.themes.get,
            key=f"afspraken_{code}_themas", placeholder="Kies een of meer thema's",
        )  # fmt: skip
        ambition = st.text_area(
            "Ambitie: wat willen we samen bereiken?", agreed.ambition, height=80,
            key=f"afspraken_{code}_ambitie",
        )  # fmt: skip
        activities = st.text_area(
            "Activiteiten: wie doet wat?", agreed.activities, height=80,
            key=f"afspraken_{code}_activiteiten",
        )  # fmt: skip
        if st.form_submit_button(
            "Afspraken opslaan", type="primary", key=f"afspraken_{code}_opslaan"
        ):
            new = Agreement(focus, ambition, activities)
            problems = check_agreement(new, cat.themes)
            for problem in problems:
                st.error(problem)
            if not problems:
                try:
                    agreements.save(data.info.gemeentecode, code, new)
                except StoreError as exc:
                    st.error(str(exc))
                else:
                    # A PDF made before the change is out of date.
                    st.session_state.pop("profiel_pdf_bestand", None)
                    st.toast("De afspraken zijn opgeslagen.")
                    st.rerun()

st.subheader("Op de buurtagenda")
agenda = agenda_store()
afspraken = agenda.query(gemeente.info.gemeentecode)
areas = area_names(gemeente)
named_initiatives = initiative_names(gemeente)
here = agenda_for(afspraken, code, gemeente, level)
profile = replace(profile, agenda=profile_agenda(here, areas, named_initiatives))
if here.empty:
    st.caption("Nog geen afspraken op de buurtagenda voor deze " + level + ".")
else:
    st.dataframe(
        agenda_table(here, areas, cat, named_initiatives), hide_index=True,
        width="stretch", key="profiel_agenda",
    )  # fmt: skip
    if user.can("edit_records"):  # Wat staat er, for the team
        st.markdown(
            f"**Wat staat er?** {len(due(here, date.today()))} met een contactmoment deze "
            f"maand of eerder, {len(unnamed(here))} zonder iemand die ze draagt."
        )
activity_lines = [line.strip(" -•*") for line in agreed.activities.splitlines()]
activity_lines = [line for line in activity_lines if line]
if user.can("edit_records") and activity_lines:
    waiting = [
        line for line in activity_lines
        if not already_planned(afspraken, "focusgesprek", f"{code}:{line[:80]}")
    ]  # fmt: skip
    if not waiting:
        st.caption(":material/event_available: Alle activiteiten staan op de agenda.")
    elif st.button(
        f"Zet de activiteiten op de agenda ({len(waiting)})",
        key="profiel_op_agenda", icon=":material/event_note:",
        help="Elke regel onder Activiteiten wordt een afspraak (gepland), met de "
        "focusthema's, de ambitie en de zorgen van nu als aanleiding.",
    ):  # fmt: skip
        if not agreed.focus_themes:
            st.error("Kies eerst een of meer focusthema's en sla de afspraken op.")
        else:
            grounds = "\n".join(
                [f"Ambitie: {agreed.ambition}"] * bool(agreed.ambition)
                + [f"Zorg: {z}" for z in profile.zorgen]
            )
            saved = [
                save_afspraak(agenda, gemeente, {
                    **proposed(code, agreed.focus_themes[0], line[:300], grounds,
                               "focusgesprek", f"{code}:{line[:80]}", profile.year),
                    "themes": agreed.focus_themes,
                }, areas)
                for line in waiting
            ]  # fmt: skip
            if all(saved):
                st.rerun()

st.subheader("Downloaden")


def log_document() -> None:
    """A downloaded profile with quotes is an export of story text."""
    if profile.quotes:
        log_export(
            user, data.info.gemeentecode, len(profile.quotes), f"buurtprofiel {code}"
        )


def page_html() -> str:
    return render_html(profile, data.map_geometry, cat.themes)


slug = f"{level}profiel_{code}_{profile.year}"
cols = st.columns(2)
cols[1].download_button(
    "HTML-bestand", lambda: page_html().encode("utf-8"), file_name=f"{slug}.html",
    mime="text/html",
    key="profiel_html", icon=":material/code:", on_click=log_document,
)  # fmt: skip
if cols[0].button(
    "PDF maken (A4)", key="profiel_pdf_maken", icon=":material/picture_as_pdf:"
):
    try:
        with st.spinner("PDF maken…"):
            st.session_state["profiel_pdf_bestand"] = (code, render_pdf(page_html()))
    except RuntimeError as exc:
        st.error(str(exc))
made = st.session_state.get("profiel_pdf_bestand")
if made and made[0] == code:
    cols[0].download_button(
        "PDF downloaden", lambda: made[1], file_name=f"{slug}.pdf",
        mime="application/pdf",
        key="profiel_pdf", type="primary", icon=":material/download:",
        on_click=log_document,
    )  # fmt: skip

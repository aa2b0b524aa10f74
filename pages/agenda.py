"""Buurtagenda: the afspraken per buurt and wijk, what needs doing now, and what went well."""

from datetime import date

import pandas as pd
import streamlit as st

from analysis.lookback import look_back
from analysis.signals import dataset_signals
from stories.agenda import OPEN, STATUSES, due, successes, unnamed
from stories.exchange import AGENDA, export_agenda
from ui.access import log_export
from ui.agenda import (
    CAUTION,
    afspraak_form,
    afspraak_view,
    agenda_table,
    area_names,
    edit_current,
    in_areas,
    look_words,
    render_lookback,
    success_lines,
)
from ui.profile_doc import render_pdf
from ui.records import export_buttons, import_panel
from ui.state import (
    agenda_store,
    cached_initiatives,
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
from ui.text import plain

user = require_entry()
cat = catalogue()
data = current_dataset()
store = agenda_store()
names = area_names(data)
gemeente = data.info.gemeentecode
afspraken = store.query(gemeente)
entries = store.entries(gemeente)
initiatives = initiative_names(data)

st.title("Buurtagenda")
st.markdown(
    "**Wie doet wat, en wanneer spreken we elkaar weer?** De afspraken per buurt en wijk: wat "
    "er gebeurt, waarom, wie het draagt en hoe het loopt. Wat lukte, vieren we samen."
)
fictional_banner(data)

VIEWS = {
    "agenda": f"Agenda ({len(afspraken)})",
    "nu": "Wat staat er?",
    "vieren": "Vieren",
    "terugblik": "Terugblik",
}
synced_choice("weergave", list(VIEWS), "agenda", "agenda_weergave")
view = (
    st.segmented_control(
        "Weergave",
        list(VIEWS),
        format_func=VIEWS.get,
        key="agenda_weergave",
        label_visibility="collapsed",
    )  # fmt: skip
    or "agenda"
)
keep_in_address(weergave=view)

if view == "nu":
    today = date.today()
    for title, rows, none, key in (
        ("Contactmoment deze maand of verstreken", due(afspraken, today),
         "Geen open afspraak met een contactmoment tot het eind van deze maand.",
         "agenda_nu_tabel"),
        ("Nog niemand genoemd", unnamed(afspraken),
         "Bij elke open afspraak staat wie haar draagt.", "agenda_niemand_tabel"),
    ):  # fmt: skip
        st.subheader(f"{title} ({len(rows)})")
        if rows.empty:
            st.caption(none)
        else:
            st.dataframe(
                agenda_table(rows, names, cat, initiatives), hide_index=True,
                width="stretch", key=key,
            )  # fmt: skip
    st.caption(
        "Open: gepland of bezig. Niemand genoemd: geen partner, geen initiatief en geen rol "
        "voor het wijkteam."
    )
elif view == "terugblik":
    st.markdown(
        "**Wat spraken we af, wat gebeurde er, en hoe bewogen de cijfers?** Per afspraak de "
        "cijfers waar ze op antwoordde, van het jaar waarin ze werd gemaakt tot het nieuwste "
        "jaar, met de verhalen en initiatieven van daarna."
    )
    left, middle, right = st.columns([2, 1, 1])
    place = left.selectbox(
        "Voor", ["", *names], format_func=lambda c: names.get(c, "de hele gemeente"),
        key="agenda_terugblik_gebied",
    )  # fmt: skip
    until = right.date_input("Tot en met", date.today(), format="DD-MM-YYYY",
                             key="agenda_terugblik_tot")  # fmt: skip
    since = middle.date_input(
        "Vanaf", until.replace(year=until.year - 1), format="DD-MM-YYYY",
        key="agenda_terugblik_vanaf",
    )  # fmt: skip
    st.caption(CAUTION)
    chosen = afspraken
    if place:
        chosen = in_areas(chosen, [place], data)
    wijk_data = cached_wijk_dataset(data)
    members = data.buurten.groupby("wijkcode")["buurtcode"].apply(list).to_dict()
    looks = look_back(
        chosen, entries, cached_stories(data), cached_initiatives(data), since, until, cat,
        {
            "buurt": (data, lambda y: cached_signals(data.info.id, y), {}),
            "wijk": (wijk_data, lambda y: dataset_signals(wijk_data, y, cat), members),
        },
    )  # fmt: skip
    words = [look_words(look, names, cat, initiatives) for look in looks]
    if not words:
        st.info("Geen afspraken in deze periode.")
    for said in words:
        with st.container(border=True):
            st.markdown(f"#### {plain(said['afspraak']['what'])}")
            st.caption(
                f"{said['place']} · {said['themes']} · status: {said['afspraak']['status']} "
                f"· gemaakt {said['made']} · wie: {said['who']}"
            )
            for e in said["entries"]:
                mark = "**succes** · " if e["kind"] == "succes" else ""
                st.markdown(f"- {e['at']} · {mark}{plain(e['text'])}")
            if not said["entries"]:
                st.caption("In deze periode niets vastgelegd.")
            if said["figures"]:
                st.table(
                    pd.DataFrame(
                        [vars(f) for f in said["figures"]]
                    ).rename(columns={"label": "Cijfer", "then": "Toen", "now": "Nu",
                                      "gemeente": "Gemeente", "verdict": "Verandering"})
                    .set_index("Cijfer")
                )  # fmt: skip
            else:
                st.caption(said["note"])
            st.markdown(f"{said['stories']} {said['started']}")
    title = names.get(place, data.info.name)
    page = render_lookback(words, data, title, since, until)
    slug = f"terugblik_{place or gemeente}_{since:%Y%m%d}_{until:%Y%m%d}"
    cols = st.columns(2)
    cols[0].download_button(
        "Terugblik als HTML", page.encode("utf-8"), file_name=f"{slug}.html",
        mime="text/html", key="agenda_terugblik_html", icon=":material/code:",
    )  # fmt: skip
    if cols[1].button("PDF maken (A4)", key="agenda_terugblik_pdf_maken",
                      icon=":material/picture_as_pdf:"):  # fmt: skip
        try:
            with st.spinner("PDF maken…"):
                st.session_state["agenda_terugblik_pdf"] = (slug, render_pdf(page))
        except RuntimeError as exc:
            st.error(str(exc))
    made = st.session_state.get("agenda_terugblik_pdf")
    if made and made[0] == slug:
        cols[1].download_button(
            "PDF downloaden", made[1], file_name=f"{slug}.pdf", mime="application/pdf",
            key="agenda_terugblik_pdf", type="primary", icon=":material/download:",
        )  # fmt: skip
elif view == "vieren":
    wins = successes(entries, afspraken)
    st.subheader("Wat is gelukt")
    if wins.empty:
        st.info(
            "Nog geen successen vastgelegd. Leg er een vast bij een afspraak: vink *Een "
            "succes om te vieren* aan."
        )
    for title, detail in success_lines(wins, names, cat):
        with st.container(border=True):
            st.markdown(f"### {title}")
            st.markdown(detail)
else:
    filters = st.columns(3)
    chosen_areas = filters[0].multiselect(
        "Buurt of wijk", list(names), format_func=names.get,
        placeholder="Alle buurten en wijken", key="agenda_gebied",
    )  # fmt: skip
    chosen_status = filters[1].multiselect(
        "Status", STATUSES, default=list(OPEN), placeholder="Alle", key="agenda_status"
    )
    chosen_themes = filters[2].multiselect(
        "Thema", list(cat.themes), format_func=cat.themes.get,
        placeholder="Alle thema's", key="agenda_thema",
    )  # fmt: skip
    shown = afspraken
    if chosen_areas:
        shown = in_areas(shown, chosen_areas, data)
    if chosen_status:
        shown = shown[shown["status"].isin(chosen_status)]
    if chosen_themes:
        shown = shown[[bool(set(ts) & set(chosen_themes)) for ts in shown["themes"]]]
    if shown.empty:
        st.info("Geen afspraken voor deze keuze.")
    else:
        st.dataframe(
            agenda_table(shown, names, cat, initiatives), hide_index=True,
            width="stretch", key="agenda_tabel",
        )  # fmt: skip
        labels = dict(zip(shown["id"], shown["what"]))
        picked = st.selectbox(
            "Bekijk een afspraak", list(shown["id"]), index=None,
            format_func=labels.get, placeholder="Kies een afspraak", key="agenda_kies",
        )  # fmt: skip
        if picked:
            item = shown[shown["id"] == picked].iloc[0].to_dict()
            afspraak_view(item, entries, names, cat, initiatives, store, user)
            if st.session_state.get("agenda_edit") == picked:
                afspraak_form(f"agenda_form_{picked}", data, cat, store, names,
                              initiatives, edit_current(item))  # fmt: skip
    if user.can("edit_records"):
        with st.expander("Nieuwe afspraak", icon=":material/add:"):
            afspraak_form("agenda_nieuw", data, cat, store, names, initiatives)
        with st.expander("Inlezen en uitvoeren", icon=":material/upload_file:"):
            st.markdown(
                "**Inlezen** uit CSV of Excel met de kolommen *gebied* (buurt- of wijkcode), "
                "*thema* en *wat* (en eventueel *waarom, wie, rol wijkteam, startdatum, "
                "contactmoment, status*). Als één regel niet klopt, wordt er niets ingelezen, "
                "tenzij je kiest om foute regels over te slaan."
            )
            import_panel(AGENDA, store, gemeente, set(names), "afspraken", "agenda")
            st.divider()
            export_buttons(
                lambda fmt: export_agenda(shown, fmt), f"buurtagenda_{gemeente}",
                "agenda_export",
                on_download=lambda: log_export(user, gemeente, len(shown), "afspraken"),
            )  # fmt: skip

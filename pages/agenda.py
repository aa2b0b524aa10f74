"""Buurtagenda: the afspraken per buurt and wijk, what needs doing now, and what went well."""

from datetime import date

import streamlit as st

from stories.agenda import OPEN, STATUSES, due, successes, unnamed
from stories.exchange import AGENDA, export_agenda
from ui.access import log_export
from ui.agenda import (
    afspraak_form,
    afspraak_view,
    agenda_table,
    area_names,
    edit_current,
    success_lines,
)
from ui.records import export_buttons, import_panel
from ui.state import (
    agenda_store,
    cached_initiatives,
    catalogue,
    current_dataset,
    fictional_banner,
    keep_in_address,
    require_entry,
    synced_choice,
)

user = require_entry()
cat = catalogue()
data = current_dataset()
store = agenda_store()
names = area_names(data)
gemeente = data.info.gemeentecode
afspraken = store.query(gemeente)
entries = store.entries(gemeente)
initiatives = dict(zip(*cached_initiatives(data)[["id", "name"]].T.to_numpy()))

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
    now_due, nobody = due(afspraken, today), unnamed(afspraken)
    st.subheader(f"Contactmoment deze maand of verstreken ({len(now_due)})")
    if now_due.empty:
        st.caption(
            "Geen open afspraak met een contactmoment tot het eind van deze maand."
        )
    else:
        st.dataframe(
            agenda_table(now_due, names, cat, initiatives), hide_index=True,
            width="stretch", key="agenda_nu_tabel",
        )  # fmt: skip
    st.subheader(f"Nog niemand genoemd ({len(nobody)})")
    if nobody.empty:
        st.caption("Bij elke open afspraak staat wie haar draagt.")
    else:
        st.dataframe(
            agenda_table(nobody, names, cat, initiatives), hide_index=True,
            width="stretch", key="agenda_niemand_tabel",
        )  # fmt: skip
    st.caption(
        "Open: gepland of bezig. Niemand genoemd: geen partner, geen initiatief en geen rol "
        "voor het wijkteam."
    )
elif view == "vieren":
    wins = successes(entries, afspraken)
    st.subheader("Wat is gelukt")
    if wins.empty:
        st.info(
            "Nog geen successen vastgelegd. Leg er een vast bij een afspraak: vink *Een "
            "succes om te vieren* aan."
        )
    for line in success_lines(wins, names, cat):
        with st.container(border=True):
            st.markdown(f"### {line.splitlines()[0]}\n{line.splitlines()[1]}")
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
        # A wijk's agenda includes its buurten's afspraken.
        wijk_of = dict(zip(data.buurten["buurtcode"], data.buurten["wijkcode"]))
        shown = shown[
            shown["area"].isin(chosen_areas)
            | shown["area"].map(wijk_of).isin(chosen_areas)
        ]
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

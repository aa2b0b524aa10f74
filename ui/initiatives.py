"""Initiatives in the app: the Initiatieven page's register (the list, one initiative in full,
the form to add or edit one, reading and writing the register as a file) and the werksessie's
form that turns the chosen dream into an initiative."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.catalogue import Catalogue
from analysis.datasets import Dataset
from analysis.workshop import rank_dreams
from stories.access import User
from stories.errors import StoreError
from stories.exchange import INITIATIVES, export_initiatives
from stories.initiatives import InitiativeStore, as_input, validate_initiative
from stories.model import INITIATORS, LADDER, PHASES, SUPPORT, TARGET_GROUPS
from stories.model import ROLES as WIJKTEAM_ROLES
from stories.workshop import Workshop, WorkshopStore
from ui.access import log_export
from ui.charts import chart_config
from ui.records import (
    delete_button,
    export_buttons,
    form_key,
    import_panel,
    save_record,
    saved_message,
)
from ui.text import plain


def _names(data: Dataset) -> dict[str, str]:
    return dict(zip(data.buurten["buurtcode"], data.buurten["buurtnaam"]))


def register_view(
    shown: pd.DataFrame,
    data: Dataset,
    cat: Catalogue,
    store: InitiativeStore,
    user: User,
) -> None:
    """The initiatives `shown` (after the page's filters) as a table; pick one to see, edit or
    delete it; add one; import and export."""
    names = _names(data)
    register = pd.DataFrame(
        {
            "Naam": shown["name"],
            "Fase": shown["phase"],
            "Thema's": shown["themes"].map(
                lambda ts: ", ".join(cat.themes[t] for t in ts)
            ),
            "Buurten": shown["buurtcodes"].map(
                lambda cs: ", ".join(names.get(c, c) for c in cs)
            ),
            "Doelgroep": shown["target_groups"].map(", ".join),
            "Rol wijkteam": shown["wijkteam_role"],
            "Mensen": shown["ladder"].map(lambda r: sum(r) if r else None),
        }
    )
    st.dataframe(register, hide_index=True, width="stretch")
    st.caption(
        "Mensen: het totaal over de treden van de bindingsladder (bezoeker, deelnemer, "
        "ondersteuner, kartrekker, coördinator, wijkverbinder). Geen trede is beter dan een "
        "andere."
    )
    ids = list(shown["id"])
    labels = dict(zip(shown["id"], shown["name"]))
    picked = st.selectbox(
        "Bekijk of bewerk een initiatief", ids, index=None, format_func=labels.get,
        placeholder="Kies een initiatief", key="initiatieven_kies",
    )  # fmt: skip
    if picked:
        item = shown[shown["id"] == picked].iloc[0].to_dict()
        with st.container(border=True):
            st.subheader(item["name"])
            if item["description"]:
                st.markdown(plain(item["description"]))
            served_names = ", ".join(names.get(c, c) for c in item["buurtcodes"])
            st.caption(
                f"Fase: {item['phase']} · voor {served_names} · begonnen door "
                f"{item['initiator']} · rol wijkteam: {item['wijkteam_role']} · steun: "
                f"{', '.join(item['support']) or 'geen'}"
                + (
                    f" · sinds {item['start_date']:%d-%m-%Y}"
                    if item["start_date"]
                    else ""
                )
            )
            if item["ladder"]:
                ladder_chart(item["ladder"], f"ladder_{picked}")
            else:
                st.caption("Hoeveel mensen meedoen is niet vastgelegd.")
            st.page_link(
                "pages/kaart.py", label="Toon de buurten op de kaart", icon=":material/map:",
                query_params={"initiatief": picked},
            )  # fmt: skip
            edit, delete, _ = st.columns([1, 1, 3])
            if edit.button(
                "Bewerken", key="initiatieven_bewerk", icon=":material/edit:"
            ):
                st.session_state["initiatieven_edit"] = picked
            if user.can("delete_records"):
                delete_button(
                    delete, store, picked,
                    "Dit initiatief echt verwijderen? Dat kan niet ongedaan worden.",
                    "Het initiatief is verwijderd.", "initiatieven_weg", "initiatieven_kies",
                )  # fmt: skip
            if st.session_state.get("initiatieven_edit") == picked:
                stored = as_input(item)
                current = {**item, **vars(stored), "id": picked}
                initiative_form(f"form_{picked}", data, cat, store, names, current)

    saved_message()
    with st.expander("Nieuw initiatief vastleggen", icon=":material/add:"):
        initiative_form("initiatieven_nieuw", data, cat, store, names)
    with st.expander("Inlezen en uitvoeren", icon=":material/upload_file:"):
        st.markdown(
            "**Inlezen** uit CSV of Excel met de kolommen *naam, buurtcodes, thema, fase* (en "
            "eventueel *beschrijving, doelgroep, initiatiefnemer, rol wijkteam, steun, "
            "bindingsladder, startdatum, lon, lat*). Meerdere buurten of thema's met `;` "
            "ertussen; de bindingsladder als zes getallen, bijvoorbeeld `40;12;5;2;1;0`. Als één "
            "regel niet klopt, wordt er niets ingelezen, tenzij je kiest om foute regels over "
            "te slaan."
        )
        import_panel(
            INITIATIVES, store, data.info.gemeentecode, set(data.buurten["buurtcode"]),
            "initiatieven", "initiatieven",
        )  # fmt: skip
        st.divider()
        st.markdown("**Uitvoeren**: de initiatieven die nu in het register staan.")
        export_buttons(
            lambda fmt: export_initiatives(shown, fmt),
            f"initiatieven_{data.info.gemeentecode}", "initiatieven",
            on_download=lambda: log_export(
                user, data.info.gemeentecode, len(shown), "initiatieven"
            ),
        )  # fmt: skip


def initiative_form(
    key: str,
    data: Dataset,
    cat: Catalogue,
    store: InitiativeStore,
    names: dict[str, str],
    current: dict | None = None,
) -> None:
    """Add (no `current`) or edit an initiative; Dutch messages for every problem."""
    current = current or {}
    base, key = key, form_key(key, current)
    all_codes = list(data.buurten["buurtcode"])
    ladder = current.get("ladder")
    with st.form(key):
        name = st.text_input(
            "Naam", current.get("name", ""), max_chars=120, key=f"{key}_naam"
        )
        description = st.text_area(
            "Wat doet het initiatief?", current.get("description", ""), height=90,
            help="Zonder namen, adressen of telefoonnummers van bewoners.",
            key=f"{key}_beschrijving",
        )  # fmt: skip
        left, right = st.columns(2)
        served = left.multiselect(
            "Buurten waar het voor werkt", all_codes, current.get("buurtcodes", []),
            format_func=names.get, key=f"{key}_buurten", placeholder="Kies buurten",
        )  # fmt: skip
        chosen = right.multiselect(
            "Thema's", list(cat.themes), current.get("themes", []),
            format_func=cat.themes.get, key=f"{key}_themas", placeholder="Kies thema's",
        )  # fmt: skip
        groups = left.multiselect(
            "Doelgroep", TARGET_GROUPS, current.get("target_groups", ["iedereen"]),
            key=f"{key}_doelgroep", placeholder="Kies voor wie",
        )  # fmt: skip
        phase = right.selectbox(
            "Fase",
            PHASES,
            PHASES.index(current.get("phase", "idee")),
            key=f"{key}_fase",
        )
        initiator = left.selectbox(
            "Wie begon het?", INITIATORS,
            INITIATORS.index(current.get("initiator", "bewoners")),
            key=f"{key}_initiatiefnemer",
        )  # fmt: skip
        role = right.selectbox(
            "Rol van het wijkteam", WIJKTEAM_ROLES,
            WIJKTEAM_ROLES.index(current.get("wijkteam_role", "geen")), key=f"{key}_rol",
        )  # fmt: skip
        support = left.multiselect(
            "Steun die het krijgt", SUPPORT, current.get("support", []),
            key=f"{key}_steun", placeholder="Kies de steun",
        )  # fmt: skip
        start = right.date_input(
            "Gestart op", current.get("start_date"), format="DD-MM-YYYY",
            min_value=date(1900, 1, 1), max_value=date(2100, 1, 1), key=f"{key}_start",
        )  # fmt: skip
        known = st.checkbox(
            "Ik weet hoeveel mensen meedoen (bindingsladder)", value=ladder is not None,
            key=f"{key}_ladder",
        )  # fmt: skip
        rungs = st.columns(len(LADDER))
        counts = [
            rung_col.number_input(
                rung,
                min_value=0,
                step=1,
                value=int(ladder[i]) if ladder else 0,
                key=f"{key}_{rung}",
            )  # fmt: skip
            for i, (rung_col, rung) in enumerate(zip(rungs, LADDER))
        ]
        if st.form_submit_button(
            "Initiatief opslaan", type="primary", key=f"{key}_opslaan"
        ):
            raw = {
                "name": name, "description": description, "buurtcodes": served,
                "themes": chosen, "target_groups": groups, "phase": phase,
                "initiator": initiator, "wijkteam_role": role, "support": support,
                "ladder": [int(c) for c in counts] if known else None,
                "start_date": start,
                "lon": current.get("lon"), "lat": current.get("lat"),
            }  # fmt: skip
            item, errors = validate_initiative(raw, set(all_codes))
            save_record(
                store,
                data.info.gemeentecode,
                current,
                item,
                errors,
                "initiatieven_edit",
                base,
            )


def ladder_chart(counts: list[int], key: str) -> None:
    fig = go.Figure(
        go.Bar(
            x=counts, y=list(LADDER), orientation="h", marker_color="#2c7fb8",
            text=counts, textposition="outside", cliponaxis=False,
        )
    )  # fmt: skip
    fig.update_layout(
        height=220, margin=dict(l=10, r=40, t=10, b=10), font=dict(size=13),
        plot_bgcolor="#ffffff", yaxis=dict(autorange="reversed"),
        xaxis_title="mensen per trede van de bindingsladder",
    )  # fmt: skip
    st.plotly_chart(fig, width="stretch", key=key, config=chart_config(key))


def dream_form(
    workshop: Workshop, store: WorkshopStore, data: Dataset, cat: Catalogue
) -> None:
    """Werksessie, 'kiezen': the group's chosen dream becomes an initiative in phase idee."""
    codes = list(data.buurten["buurtcode"])
    names = _names(data)
    dreams = rank_dreams(store.entries(workshop.id))
    open_dreams = dreams[dreams["initiative_id"].isna()]
    st.markdown('<div class="ws-big"><h2>Gekozen droom vastleggen</h2></div>',
                unsafe_allow_html=True)  # fmt: skip
    st.button(
        "Terug naar de stemming", key="ws_terug", icon=":material/arrow_back:",
        on_click=st.session_state.update, kwargs={"ws_kiezen_open": False},
    )  # fmt: skip
    if open_dreams.empty:
        st.caption("Er is (nog) geen droom om vast te leggen.")
        return
    labels = {
        d["id"]: f"{d['title'] or d['text'][:60]} ({d['votes']} stippen)"
        for d in open_dreams.to_dict("records")
    }
    picked = st.selectbox(
        "Welke droom?", list(labels), format_func=labels.get, key="ws_kies"
    )
    dream = open_dreams.set_index("id").loc[picked]
    with st.form(f"ws_initiatief_{picked}"):
        name = st.text_input("Naam van het initiatief", value=dream["title"] or "")
        description = st.text_area("Wat gaan we doen?", value=dream["text"])
        served = st.multiselect(
            "Voor welke buurten", codes, default=[dream["buurtcode"]],
            format_func=names.get, placeholder="Kies buurten",
        )  # fmt: skip
        themes = st.multiselect(
            "Thema's",
            list(cat.themes),
            default=dream["themes"],
            format_func=cat.themes.get,
            placeholder="Kies thema's",
        )
        groups = st.multiselect(
            "Voor wie", TARGET_GROUPS, default=["iedereen"], placeholder="Kies voor wie"
        )
        st.caption(
            "Het initiatief komt in de fase *idee*, met bewoners als initiatiefnemer en "
            "het wijkteam in de rol *stimuleren*: meedenken, niet overnemen."
        )
        if st.form_submit_button(
            "Vastleggen als initiatief", type="primary", key="ws_vastleggen"
        ):
            raw = {
                "name": name, "description": description, "buurtcodes": served,
                "themes": themes, "target_groups": groups, "phase": "idee",
                "initiator": "bewoners", "wijkteam_role": "stimuleren",
            }  # fmt: skip
            valid, errors = validate_initiative(raw, set(codes))
            try:
                if errors:
                    raise StoreError(" ".join(errors))
                store.choose(workshop, picked, valid)
            except StoreError as exc:
                st.error(str(exc))
            else:
                st.session_state["ws_kiezen_open"] = False
                st.toast(f"'{valid.name}' staat nu bij de initiatieven, fase idee.")
                st.rerun()

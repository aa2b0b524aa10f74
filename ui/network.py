"""The network register on the Initiatieven page: partners and vindplaatsen as a table, one in
full to edit or delete, the form to add one, and reading and writing the register as a file
(a sociale-kaart export with lat/lon or RD x/y lands in the right buurten)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.catalogue import Catalogue
from analysis.datasets import Dataset
from stories.access import User
from stories.exchange import export_network, network_kind
from stories.network import (
    CATEGORIES,
    OFFERS,
    SORTS,
    Locate,
    NetworkStore,
    as_input,
    validate_network,
)
from ui.access import log_export
from ui.records import (
    delete_button,
    export_buttons,
    form_key,
    import_panel,
    save_record,
    saved_message,
)
from ui.text import explained, plain


def network_view(
    items: pd.DataFrame,
    data: Dataset,
    cat: Catalogue,
    store: NetworkStore,
    user: User,
    locate: Locate,
) -> None:
    """The register: who and what the gemeente's buurten already have to connect."""
    names = dict(zip(data.buurten["buurtcode"], data.buurten["buurtnaam"]))
    st.markdown(
        "**Wie en wat is er al?** Partners met wat ze bieden (een *ontwikkelplaats* zoals "
        "vrijwilligerswerk, een stage of een leerwerkplek, of ruimte, kennis, geld) en "
        "*vindplaatsen*: waar bewoners te vinden zijn. De rolwijzer stelt voor ze te verbinden "
        f"met wat een buurt nodig heeft. {explained('netwerk')}"
    )
    counts = items["soort"].value_counts()
    st.caption(
        f"{counts.get('partner', 0)} partners en {counts.get('vindplaats', 0)} vindplaatsen."
    )
    st.dataframe(
        pd.DataFrame(
            {
                "Soort": items["soort"].map(SORTS),
                "Naam": items["name"],
                "Categorie": items["category"],
                "Biedt": items["offers"].map(lambda o: ", ".join(o) or "–"),
                "Thema's": items["themes"].map(
                    lambda ts: ", ".join(cat.themes.get(t, t) for t in ts) or "–"
                ),
                "Buurten": items["buurtcodes"].map(
                    lambda cs: ", ".join(names.get(c, c) for c in cs)
                ),
                "Contact": items["contact"].replace("", "–"),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    labels = dict(zip(items["id"], items["name"]))
    picked = st.selectbox(
        "Bekijk of bewerk een partner of vindplaats", list(items["id"]), index=None,
        format_func=labels.get, placeholder="Kies uit het netwerk", key="netwerk_kies",
    )  # fmt: skip
    if picked:
        item = items[items["id"] == picked].iloc[0].to_dict()
        with st.container(border=True):
            st.subheader(item["name"])
            if item["description"]:
                st.markdown(plain(item["description"]))
            where = " · ".join(x for x in (item["address"], item["postcode"]) if x)
            st.caption(
                f"{SORTS[item['soort']]} · {item['category']}"
                + (f" · {where}" if where else "")
                + (f" · contact: {item['contact']}" if item["contact"] else "")
            )
            edit, delete, _ = st.columns([1, 1, 3])
            if edit.button("Bewerken", key="netwerk_bewerk", icon=":material/edit:"):
                st.session_state["netwerk_edit"] = picked
            if user.can("delete_records"):
                delete_button(
                    delete, store, picked,
                    "Deze partner of vindplaats echt verwijderen? Dat kan niet ongedaan "
                    "worden.", "Verwijderd uit het netwerk.", "netwerk_weg", "netwerk_kies",
                )  # fmt: skip
            if st.session_state.get("netwerk_edit") == picked:
                network_form(
                    f"netwerk_{picked}", data, cat, store, names, locate,
                    {**item, **vars(as_input(item)), "id": picked},
                )  # fmt: skip
    saved_message()
    with st.expander("Partner of vindplaats toevoegen", icon=":material/add:"):
        network_form("netwerk_nieuw", data, cat, store, names, locate)
    with st.expander("Inlezen en uitvoeren", icon=":material/upload_file:"):
        st.markdown(
            "**Inlezen** uit CSV of Excel, bijvoorbeeld een export van de *sociale kaart*: de "
            "kolommen *naam* en *lat/lon* of RD *x/y* (en eventueel *soort* (partner of "
            "vindplaats), *categorie, aanbod, thema, buurtcodes, adres, postcode, contact, "
            "beschrijving*). Zonder buurtcodes komt elk punt in de buurt waar het ligt; zonder "
            "thema's stelt de app ze voor uit de naam en de beschrijving. Als één regel niet "
            "klopt, wordt er niets ingelezen, tenzij je kiest om foute regels over te slaan."
        )
        import_panel(
            network_kind(locate), store, data.info.gemeentecode,
            set(data.buurten["buurtcode"]), "partners en vindplaatsen", "netwerk",
        )  # fmt: skip
        st.divider()
        st.markdown("**Uitvoeren**: het hele netwerk, met punten als lat/lon (WGS84).")
        export_buttons(
            lambda fmt: export_network(items, fmt),
            f"netwerk_{data.info.gemeentecode}", "netwerk",
            on_download=lambda: log_export(
                user, data.info.gemeentecode, len(items), "netwerk"
            ),
        )  # fmt: skip


def _point_text(current: dict) -> str:
    if current.get("lat") is None or pd.isna(current.get("lat")):
        return ""
    return f"{current['lat']:.6f}, {current['lon']:.6f}"


def network_form(
    key: str,
    data: Dataset,
    cat: Catalogue,
    store: NetworkStore,
    names: dict[str, str],
    locate: Locate,
    current: dict | None = None,
) -> None:
    """Add (no `current`) or edit a partner or vindplaats; Dutch messages for every problem."""
    current = current or {}
    base, key = key, form_key(key, current)
    all_codes = list(data.buurten["buurtcode"])
    soort = st.radio(
        "Soort", list(SORTS), list(SORTS).index(current.get("soort", "partner")),
        format_func=SORTS.get, horizontal=True, key=f"{key}_soort",
    )  # fmt: skip
    with st.form(key):
        name = st.text_input(
            "Naam", current.get("name", ""), max_chars=120, key=f"{key}_naam"
        )
        left, right = st.columns(2)
        options = CATEGORIES[soort]
        category = left.selectbox(
            "Categorie", options,
            options.index(current["category"]) if current.get("category") in options else 0,
            key=f"{key}_categorie",
        )  # fmt: skip
        offers = (
            right.multiselect(
                "Wat biedt de partner?",
                OFFERS,
                current.get("offers", []),
                key=f"{key}_aanbod",
                placeholder="Kies wat ze bieden",
                help="Vrijwilligerswerk, stage, leerwerkplek en betaald werk zijn "
                "ontwikkelplaatsen: plekken waar een bewoner kan groeien.",
            )  # fmt: skip
            if soort == "partner"
            else []
        )
        themes = left.multiselect(
            "Thema's", list(cat.themes), current.get("themes", []),
            format_func=cat.themes.get, key=f"{key}_themas", placeholder="Kies thema's",
        )  # fmt: skip
        served = right.multiselect(
            "Buurten" if soort == "partner" else "Buurt",
            all_codes, current.get("buurtcodes", []), format_func=names.get,
            key=f"{key}_buurten", placeholder="Leeg: de buurt waar de plek ligt",
        )  # fmt: skip
        address = left.text_input(
            "Adres", current.get("address", ""), key=f"{key}_adres"
        )
        point = right.text_input(
            "Plek (breedtegraad, lengtegraad)", _point_text(current), key=f"{key}_plek",
            placeholder="52.4227, 5.8352",
            help="Zoals een kaartdienst ze geeft als je op een plek klikt. Leeg laten mag als "
            "je de buurten kiest.",
        )  # fmt: skip
        contact = left.text_input(
            "Contact (een rol)", current.get("contact", ""), key=f"{key}_contact",
            help="Bijvoorbeeld 'coördinator vrijwilligers'. Een naam alleen als die persoon "
            "ermee heeft ingestemd; nooit een telefoonnummer of e-mailadres van een persoon.",
        )  # fmt: skip
        description = st.text_area(
            "Beschrijving", current.get("description", ""), height=80,
            key=f"{key}_beschrijving",
        )  # fmt: skip
        if st.form_submit_button("Opslaan", type="primary", key=f"{key}_opslaan"):
            parts = [p.strip() for p in point.replace(";", ",").split(",") if p.strip()]
            if point.strip() and len(parts) != 2:
                st.error(
                    f"Plek '{point}': geef twee getallen met een komma ertussen, eerst de "
                    "breedtegraad, bijvoorbeeld 52.4227, 5.8352."
                )
                return
            lat, lon = parts if parts else (None, None)
            raw = {
                "soort": soort, "name": name, "category": category, "offers": offers,
                "themes": themes, "buurtcodes": served, "address": address,
                "contact": contact, "description": description, "lat": lat, "lon": lon,
                "postcode": current.get("postcode", ""),
            }  # fmt: skip
            item, errors = validate_network(raw, set(all_codes), locate)
            save_record(
                store,
                data.info.gemeentecode,
                current,
                item,
                errors,
                "netwerk_edit",
                base,
            )

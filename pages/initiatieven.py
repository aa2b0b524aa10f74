"""Initiatieven: the register, coverage of needs, the rolwijzer and tellen × vertellen."""

import html
from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analysis.coverage import (
    ROLE_EXPLANATIONS,
    ROLES,
    CoverageRule,
    count_phrase,
    coverage_table,
    focus_cells,
    serving,
    supply_label,
)
from analysis.signals import SignalRule
from stories.errors import StoreError
from stories.exchange import INITIATIVES, export_initiatives
from stories.initiatives import as_input, validate_initiative
from stories.model import INITIATORS, LADDER, PHASES, SUPPORT, TARGET_GROUPS
from stories.model import ROLES as WIJKTEAM_ROLES
from ui.access import log_export
from ui.comparisons import unexpected_lines
from ui.maps import SEQUENTIAL, buurt_style, buurtkaart, encode_shapes, map_table
from ui.records import export_buttons, import_panel
from ui.state import (
    cached_initiatives,
    cached_shapes,
    cached_signals,
    cached_stories,
    catalogue,
    current_dataset,
    fictional_banner,
    initiative_store,
    keep_in_address,
    require_entry,
    synced_choice,
)
from ui.text import plain

# Colour-blind safe (ColorBrewer-based): red asks most, blue is carried, purple is a chance.
ROLE_COLOURS = {
    "initiëren": "#ca0020",
    "stimuleren": "#f4a582",
    "versterken": "#0571b0",
    "kans": "#7b3294",
    None: "#f0f0f0",
}


class _Count:
    """Formats 'zorgen zonder initiatief' for the map tooltip."""

    def format(self, value: float) -> str:
        n = int(value)
        return "geen thema" if n == 0 else f"{n} {'thema' if n == 1 else 'thema’s'}"


user = require_entry()
cat = catalogue()
data = current_dataset()
store = initiative_store()
buurten = data.buurten.set_index("buurtcode")
names = buurten["buurtnaam"].to_dict()
wijken = (
    data.buurten.drop_duplicates("wijkcode").set_index("wijkcode")["wijknaam"].to_dict()
)
year = data.years[-1]

st.title("Initiatieven")
st.markdown(
    "**Waar pakken bewoners zelf al iets op, en waar nog niet?** Per buurt en thema: de zorgen "
    "uit cijfers en verhalen naast de initiatieven die er zijn, en welke rol het wijkteam kan "
    "nemen (naar *Burgerinitiatieven en wijkteams* van het NJi)."
)
fictional_banner(data)

filters = st.columns(3)
chosen_wijken = filters[0].multiselect(
    "Wijk", list(wijken), format_func=wijken.get, placeholder="Alle wijken",
    key="initiatieven_wijk",
)  # fmt: skip
chosen_themes = filters[1].multiselect(
    "Thema", list(cat.themes), format_func=cat.themes.get, placeholder="Alle thema's",
    key="initiatieven_thema",
)  # fmt: skip
group = filters[2].selectbox(
    "Doelgroep", TARGET_GROUPS, index=None, placeholder="Alle doelgroepen",
    key="initiatieven_doelgroep",
    help="Alleen initiatieven voor deze doelgroep (of voor iedereen) tellen mee als aanbod.",
)  # fmt: skip

codes = [
    c
    for c in data.buurten["buurtcode"]
    if not chosen_wijken or buurten.at[c, "wijkcode"] in chosen_wijken
]
themes = chosen_themes or list(cat.themes)
initiatives = cached_initiatives(data)
shown = serving(initiatives, codes)
shown = shown.loc[[bool(set(ts) & set(themes)) for ts in shown["themes"]]]
if group:
    shown = shown.loc[[group in g or "iedereen" in g for g in shown["target_groups"]]]

_, signals = cached_signals(data.info.id, year)
rule = CoverageRule()
table = coverage_table(codes, themes, signals, cached_stories(data), shown, cat, rule)
table["buurt"] = table["buurtcode"].map(names)
table["thema"] = table["theme"].map(cat.themes)

# One view at a time (not st.tabs): a Leaflet map drawn in a hidden tab has no size.
VIEWS = {
    "rolwijzer": "Rolwijzer",
    "dekking": "Dekking",
    "gesprek": "Tellen × vertellen",
}
if user.can("read_stories"):  # the register is for medewerkers
    VIEWS["register"] = f"Register ({len(shown)})"
synced_choice("weergave", list(VIEWS), "rolwijzer", "initiatieven_weergave")
view = (
    st.segmented_control(
        "Weergave",
        list(VIEWS),
        format_func=VIEWS.get,
        key="initiatieven_weergave",
        label_visibility="collapsed",
    )  # fmt: skip
    or "rolwijzer"
)
keep_in_address(weergave=view)

if view == "rolwijzer":
    counts = table["rol"].value_counts()
    cols = st.columns(4)
    for col, (role, label) in zip(cols, ROLES.items()):
        with col.container(border=True):
            st.metric(label, int(counts.get(role, 0)))
            st.caption(ROLE_EXPLANATIONS[role])
    st.caption(
        f"Per buurt en thema. {rule.sentence()} Cijfers: {year}; {SignalRule().sentence()}"
    )
    top = focus_cells(table)
    if not top.empty:
        st.markdown(
            "**Eerst kijken**: de meeste zorg (cijfers met aandacht plus zorgverhalen) met het "
            "minste aanbod.\n\n"
            + "\n".join(
                f"{i}. **{plain(r.buurt)} · {plain(r.thema)}**: "
                f"{count_phrase(r.aandacht, 'cijfer', 'cijfers')} met aandacht, "
                f"{count_phrase(r.zorg, 'zorgverhaal', 'zorgverhalen')}, aanbod "
                f"{supply_label(r.aanbod)} → "
                f"{ROLES[r.rol].lower()}"
                for i, r in enumerate(top.itertuples(), start=1)
            )
        )
    pick = st.pills(
        "Toon", list(ROLES), format_func=ROLES.get, selection_mode="multi",
        default=list(ROLES), key="initiatieven_rollen",
    )  # fmt: skip
    suggested = table[table["rol"].isin(pick or [])]
    order = {role: i for i, role in enumerate(ROLES)}
    suggested = suggested.assign(_o=suggested["rol"].map(order)).sort_values(
        ["_o", "aandacht", "zorg"], ascending=[True, False, False]
    )
    if suggested.empty:
        st.info("Geen suggesties voor deze keuze.")
    for role in ROLES:
        rows = suggested[suggested["rol"] == role]
        if rows.empty:
            continue
        with st.expander(f"{ROLES[role]} ({len(rows)})", expanded=True):
            for row in rows.itertuples():
                st.markdown(
                    f"**{plain(row.buurt)} · {plain(row.thema)}**  \n"
                    f"{plain(row.rol_reden)}"
                )
    out = suggested[["buurtcode", "buurt", "thema", "rol", "rol_reden"]].rename(
        columns={"buurt": "buurtnaam", "rol_reden": "waarom"}
    )
    st.download_button(
        "Download de rolwijzer (CSV)",
        out.to_csv(index=False, sep=";").encode("utf-8-sig"),
        file_name=f"rolwijzer_{data.info.gemeentecode}.csv",
        mime="text/csv",
        key="initiatieven_rolwijzer_csv",
    )

if view == "dekking":
    st.markdown(
        "**Behoefte tegen aanbod.** Het getal in een vak is de behoefte (cijfers met aandacht "
        "plus zorgverhalen); de kleur is de voorgestelde rol. Ga met de muis over een vak voor "
        "de initiatieven."
    )
    codes_order = list(reversed(codes))  # first buurt on top
    grid = table.set_index(["buurtcode", "theme"])
    z, text, hover = [], [], []
    role_number = {role: i for i, role in enumerate([None, *ROLES])}
    for code in codes_order:
        zr, tr, hr = [], [], []
        for theme in themes:
            c = grid.loc[(code, theme)]
            role = c["rol"] if isinstance(c["rol"], str) else None
            need = int(c["aandacht"] + c["zorg"])
            zr.append(role_number[role])
            tr.append(str(need) if need else "")
            running = c["initiatieven_actief"] + c["initiatieven_starting"]
            hr.append(
                f"<b>{html.escape(names[code])} · {html.escape(cat.themes[theme])}</b><br>"
                f"Cijfers met aandacht: {c['aandacht']} · zorgverhalen: {c['zorg']} · "
                f"dromen: {c['droom']}<br>Aanbod: {supply_label(c['aanbod'])} "
                f"({html.escape(', '.join(running)) or 'geen initiatief'})<br>"
                f"Rol: {ROLES.get(role, '–')}"
            )
        z.append(zr)
        text.append(tr)
        hover.append(hr)
    n = len(role_number)
    scale = []
    for i, role in enumerate([None, *ROLES]):
        scale += [[i / n, ROLE_COLOURS[role]], [(i + 1) / n, ROLE_COLOURS[role]]]
    fig = go.Figure(
        go.Heatmap(
            z=z, x=[cat.themes[t] for t in themes], y=[names[c] for c in codes_order],
            text=text, texttemplate="%{text}", hovertext=hover,
            hovertemplate="%{hovertext}<extra></extra>", colorscale=scale, zmin=-0.5,
            zmax=n - 0.5, showscale=False, xgap=2, ygap=2,
        )
    )  # fmt: skip
    fig.update_layout(
        height=120 + 24 * len(codes), margin=dict(l=10, r=10, t=10, b=10),
        font=dict(size=13), plot_bgcolor="#ffffff", xaxis=dict(side="top"),
    )  # fmt: skip
    st.plotly_chart(fig, width="stretch", key="initiatieven_heatmap")
    legend = " ".join(
        f'<span style="display:inline-flex;align-items:center;gap:.3rem;margin-right:1rem">'
        f'<span style="width:1.2rem;height:.9rem;background:{ROLE_COLOURS[r]};'
        f'border:1px solid #4d4d4d"></span>{label}</span>'
        for r, label in [*ROLES.items(), (None, "geen suggestie")]
    )
    st.markdown(legend, unsafe_allow_html=True)

    st.subheader("Zorgen zonder initiatief")
    per_buurt = table[table["rol"] == "initiëren"].groupby("buurtcode").size()
    per_buurt = per_buurt.reindex(codes, fill_value=0).astype(float)
    top = max(int(per_buurt.max()), 1)
    palette = ["#ffffff", *SEQUENTIAL[1:]]

    def shade(v: float) -> str:
        return palette[min(round(v / top * (len(palette) - 1)), len(palette) - 1)]

    colours = per_buurt.map(shade)
    geometry = data.map_geometry[data.map_geometry["buurtcode"].isin(codes)]
    map_col, text_col = st.columns([3, 2])
    with map_col:
        buurtkaart(
            cached_shapes(data) if len(geometry) == len(data.buurten)
            else encode_shapes(geometry),
            buurt_style(geometry, per_buurt, _Count(), colours),
            key="initiatieven_map", height=480,
            label="Kaart van het aantal zorgen zonder initiatief per buurt. Dezelfde "
            "aantallen staan in de tabel onder de kaart.",
        )  # fmt: skip
        map_table(
            "initiatieven_tabel", geometry, per_buurt, "Thema's zonder initiatief", "%d"
        )
    with text_col:
        st.markdown(
            "Het aantal thema's per buurt waar cijfers of verhalen een zorg laten zien en nog "
            "geen initiatief aan werkt (rol *initiëren*). Hoe donkerder, hoe meer."
        )
        st.markdown(
            " ".join(
                f'<span style="display:inline-flex;align-items:center;gap:.3rem;'
                f'margin-right:.8rem"><span style="width:1.2rem;height:.9rem;'
                f'background:{shade(v)};border:1px solid #4d4d4d"></span>{v}</span>'
                for v in range(top + 1)
            ),
            unsafe_allow_html=True,
        )
        worst = per_buurt[per_buurt > 0].sort_values(ascending=False).head(8)
        for code in worst.index:
            open_themes = table.loc[
                (table["buurtcode"] == code) & (table["rol"] == "initiëren"), "thema"
            ]
            st.markdown(f"**{plain(names[code])}**: {plain(', '.join(open_themes))}")
        if worst.empty:
            st.success("Overal waar een zorg is, werkt al een initiatief.")


if view == "gesprek":
    st.markdown(
        "**Waar zeggen cijfers en verhalen iets anders?** Daar begint het gesprek: kloppen "
        "de cijfers niet met wat bewoners meemaken, of horen we de bewoners nog niet?"
    )
    verdicts = {
        "oneens": "Cijfers en verhalen verschillen",
        "stil": "Cijfers zeggen aandacht, niemand vertelt erover",
        "eens": "Cijfers en verhalen zeggen hetzelfde",
    }
    st.caption(
        f"Verhalen tellen mee vanaf {rule.min_stories} krachten en zorgen samen; de kant met "
        "de meeste verhalen bepaalt wat bewoners 'vooral' vertellen."
    )
    for verdict, heading in verdicts.items():
        rows = table[table["overeenstemming"] == verdict]
        with st.expander(f"{heading} ({len(rows)})", expanded=verdict != "eens"):
            if rows.empty:
                st.caption("Geen.")
            for row in rows.itertuples():
                st.markdown(
                    f"**{plain(row.buurt)} · {plain(row.thema)}**: {plain(row.gesprek)}"
                )
    unexpected = unexpected_lines(data, year, codes, names, table, cat)
    with st.expander(
        f"Anders dan je op grond van de bevolking zou verwachten ({len(unexpected)})",
        expanded=bool(unexpected),
    ):
        st.caption(
            "Jeugdzorg, Wmo en bijstand buiten het 95%-interval van wat de bevolking doet "
            "verwachten, naast wat bewoners over dat thema vertellen."
        )
        for line in unexpected or ["Geen."]:
            st.markdown(line)


def initiative_form(key: str, current: dict | None = None) -> None:
    """Add (no `current`) or edit an initiative; Dutch messages for every problem."""
    current = current or {}
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
            format_func=names.get, key=f"{key}_buurten",
        )  # fmt: skip
        chosen = right.multiselect(
            "Thema's", list(cat.themes), current.get("themes", []),
            format_func=cat.themes.get, key=f"{key}_themas",
        )  # fmt: skip
        groups = left.multiselect(
            "Doelgroep", TARGET_GROUPS, current.get("target_groups", ["iedereen"]),
            key=f"{key}_doelgroep",
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
            key=f"{key}_steun",
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
            if errors:
                for e in errors:
                    st.error(e)
                return
            try:
                if current:
                    store.update(current["id"], item)
                else:
                    store.add(data.info.gemeentecode, item)
            except StoreError as exc:
                st.error(str(exc))
                return
            st.session_state.pop("initiatieven_edit", None)
            st.toast(f"{item.name} is opgeslagen.")
            st.rerun()


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
    st.plotly_chart(fig, width="stretch", key=key)


if view == "register":
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
                with delete.popover("Verwijderen", icon=":material/delete:"):
                    st.markdown(
                        "Dit initiatief echt verwijderen? Dat kan niet ongedaan worden."
                    )
                    if st.button(
                        "Ja, verwijderen", key="initiatieven_weg", type="primary"
                    ):
                        try:
                            store.delete(picked)
                        except StoreError as exc:
                            st.error(str(exc))
                        else:
                            st.session_state.pop("initiatieven_kies", None)
                            st.toast("Het initiatief is verwijderd.")
                            st.rerun()
            if st.session_state.get("initiatieven_edit") == picked:
                stored = as_input(item)
                initiative_form(
                    f"form_{picked}", {**item, **vars(stored), "id": picked}
                )

    with st.expander("Nieuw initiatief vastleggen", icon=":material/add:"):
        initiative_form("initiatieven_nieuw")
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
            export_initiatives(shown), export_initiatives(shown, "xlsx"),
            f"initiatieven_{data.info.gemeentecode}", "initiatieven",
            on_download=lambda: log_export(
                user, data.info.gemeentecode, len(shown), "initiatieven"
            ),
        )  # fmt: skip

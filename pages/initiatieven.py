"""Initiatieven: the register, the network (partners and vindplaatsen), coverage of needs,
the rolwijzer (with what can be connected) and tellen × vertellen."""

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
from stories.exchange import spreadsheet
from stories.model import TARGET_GROUPS
from ui.agenda import agenda_button, area_names, proposed
from ui.charts import ROLE_COLOURS, chart_config, coverage_heatmap
from ui.comparisons import unexpected_lines
from ui.initiatives import register_view
from ui.maps import (
    SEQUENTIAL,
    Shapes,
    buurt_map,
    buurt_style,
    inline_legend,
    map_table,
)
from ui.network import network_view
from ui.state import (
    agenda_store,
    buurt_locator,
    cached_initiatives,
    cached_network,
    cached_shapes,
    cached_signals,
    cached_stories,
    catalogue,
    current_dataset,
    fictional_banner,
    initiative_store,
    keep_in_address,
    network_links,
    network_store,
    require_entry,
    synced_choice,
)
from ui.text import explained, plain


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
table = coverage_table(
    codes, themes, signals, cached_stories(data), shown, cat, rule,
    links=network_links(data),
)  # fmt: skip
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
    network = cached_network(data)
    VIEWS["netwerk"] = f"Netwerk ({len(network)})"
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
        f"Per buurt en thema. {rule.sentence()} Cijfers: {year}; kracht of aandacht "
        f"volgens de oordelen van Tellen. {explained('oordeel')} Te verbinden: partners, "
        f"talenten en vindplaatsen uit het netwerk ({explained('talent')})."
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
    can_plan = user.can("edit_records")  # one click puts a suggestion on the agenda
    if can_plan:
        agenda, areas = agenda_store(), area_names(data)
        planned = agenda.query(data.info.gemeentecode)
    for role in ROLES:
        rows = suggested[suggested["rol"] == role]
        if rows.empty:
            continue
        with st.expander(f"{ROLES[role]} ({len(rows)})", expanded=True):
            for row in rows.itertuples():
                said, act = st.columns([5, 1], vertical_alignment="center")
                said.markdown(
                    f"**{plain(row.buurt)} · {plain(row.thema)}**  \n"
                    f"{plain(row.rol_reden)}"
                )
                if can_plan:
                    raw = proposed(
                        row.buurtcode, row.theme,
                        f"{ROLES[role]}: {row.thema.lower()} in {row.buurt}",
                        row.rol_reden, "rolwijzer", f"{row.buurtcode}/{row.theme}",
                        year, row.rol,
                    )  # fmt: skip
                    with act:
                        agenda_button(agenda, data, areas, planned, raw,
                                      f"agenda_{row.buurtcode}_{row.theme}")  # fmt: skip
    out = suggested[["buurtcode", "buurt", "thema", "rol", "rol_reden"]].rename(
        columns={"buurt": "buurtnaam", "rol_reden": "waarom"}
    )
    st.download_button(
        "Download de rolwijzer (CSV)",
        lambda: spreadsheet(out),
        file_name=f"rolwijzer_{data.info.gemeentecode}.csv",
        mime="text/csv",
        key="initiatieven_rolwijzer_csv",
    )

if view == "dekking":
    st.markdown(
        "**Behoefte tegen aanbod.** Het getal in een vak is de behoefte (cijfers met aandacht "
        "plus zorgverhalen); de kleur is de voorgestelde rol. Ga met de muis over een vak voor "
        "de initiatieven; zonder muis staan dezelfde vakken, met de reden, bij *Rolwijzer*."
    )
    fig = coverage_heatmap(table, codes, themes, names, cat.themes)
    st.plotly_chart(fig, width="stretch", key="initiatieven_heatmap",
                    config=chart_config("initiatieven_dekking"))  # fmt: skip
    inline_legend(
        [
            (ROLE_COLOURS[r], label)
            for r, label in [*ROLES.items(), (None, "geen suggestie")]
        ]
    )

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
        buurt_map(
            cached_shapes(data) if len(geometry) == len(data.buurten)
            else Shapes.of(geometry),
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
        inline_legend([(shade(v), str(v)) for v in range(top + 1)])
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
            "Jeugdzorg, Wmo en bijstand buiten het bereik van wat de bevolking doet "
            "verwachten, naast wat bewoners over dat thema vertellen "
            f"({explained('verwacht')})."
        )
        for line in unexpected or ["Geen."]:
            st.markdown(line)

if view == "register":
    register_view(shown, data, cat, store, user)

if view == "netwerk":
    network_view(
        network, data, cat, network_store(), user,
        buurt_locator(data.info.id, data.version),
    )  # fmt: skip

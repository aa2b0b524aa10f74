"""Tellen: buurten against gemeente and Nederland; ranking, distribution, scatter and trend;
one figure for all wijken too."""

import pandas as pd
import streamlit as st

from analysis.catalogue import format_number
from analysis.compare import comparison_table, reason_table
from analysis.reference import NEDERLAND_HINT, nederland_loaded
from analysis.signals import SignalRule
from analysis.trend import breaks, buurt_trend
from analysis.wijken import LEVELS
from ui.charts import (
    chart_config,
    distribution_chart,
    ranking_chart,
    scatter_chart,
    trend_chart,
)
from ui.comparisons import expected_view, funnel_view, peers_view, wijk_view
from ui.exports import export_downloads
from ui.state import (
    available_indicators,
    cached_signals,
    catalogue,
    current_dataset,
    fictional_banner,
    keep_in_address,
    require_entry,
    synced_choice,
)
from ui.text import explained, fitting_width

require_entry()
cat = catalogue()
data = current_dataset()
codes = data.buurten["buurtcode"].tolist()
names = data.buurten.set_index("buurtcode")["buurtnaam"]
years = [str(y) for y in data.years]

st.title("Tellen")
st.markdown(
    "**Wat zeggen de cijfers?** Per buurt naast de gemeente en Nederland, met per cijfer of het "
    "een *kracht* is, *aandacht* vraagt of gemiddeld is."
)
fictional_banner(data)
synced_choice("niveau", list(LEVELS), "buurt", "tellen_niveau")
level = st.session_state["tellen_niveau"]
indicator_ids, default_indicator = available_indicators(data, level)

# Several buurten travel in the URL as "buurt=BU1,BU2".
if "tellen_buurten" not in st.session_state or not set(
    st.session_state["tellen_buurten"]
) <= set(codes):
    wanted = [c for c in st.query_params.get("buurt", "").split(",") if c in codes]
    st.session_state["tellen_buurten"] = wanted[:4]
synced_choice("jaar", years, years[-1], "tellen_jaar")
synced_choice("indicator", indicator_ids, default_indicator, "tellen_indicator")

left, right = st.columns([4, 1])
chosen = left.multiselect(
    "Buurten (één tot vier, om te vergelijken)",
    codes,
    format_func=names.get,
    max_selections=4,
    key="tellen_buurten",
    placeholder="Kies een of meer buurten",
)
year = int(right.selectbox("Jaar", years, key="tellen_jaar"))
export_downloads(data, year, "tellen_export")
keep_in_address(jaar=str(year), buurt=",".join(chosen) or None)

wide, status = data.wide(year), data.status(year)
reference, signals = cached_signals(data.info.id, year)
rule = SignalRule()

if chosen:
    st.subheader("Alle cijfers")
    table = comparison_table(
        wide, status, reference, signals, cat, chosen, names.to_dict()
    )
    # The reasons stand in full under the table ("Waarom dit oordeel?"): in a cell they
    # would be cut off. What matters first stands left (the verdict before Nederland and the
    # theme), and each column is as wide as its longest figure ("13,0 per 1.000 inwoners").
    shown = table.drop(columns="Toelichting", errors="ignore")
    first = [
        "Indicator",
        *[c for c in shown.columns if c not in ("Thema", "Indicator", "Nederland")],
    ]
    shown = shown[first + [c for c in ("Nederland", "Thema") if c in shown]]
    widths = {
        column: st.column_config.TextColumn(
            width=fitting_width([column, *shown[column]])
        )
        for column in shown.columns
        if column != "Indicator"
    }
    st.dataframe(
        shown, hide_index=True, width="stretch", height=min(38 * len(shown) + 40, 700),
        column_config=widths,
    )  # fmt: skip
    st.caption(
        f"Oordeel: kracht, aandacht of gemiddeld, met tussen haakjes de positie "
        f"({explained('oordeel')}). Gemeente: gewogen naar inwoners, huishoudens of woningen (zoals "
        "bij elk cijfer hoort), of de waarde die CBS zelf publiceert."
        + ("" if nederland_loaded(reference) else f" {NEDERLAND_HINT}")
    )
    # The reasons in full, wrapped: a cell of the table above would cut them off.
    for code in chosen:
        with st.expander(
            f"Waarom dit oordeel? {names[code]}", expanded=len(chosen) == 1
        ):
            st.table(reason_table(signals, cat, code).set_index("Indicator"))
    picture = signals[signals["buurtcode"].isin(chosen) & signals["signal"].notna()]
    if not picture.empty:
        st.subheader("Per thema")
        counts = (
            picture.assign(buurt=picture["buurtcode"].map(names)).pivot_table(
                index="theme",
                columns=["buurt", "signal"],
                values="indicator",
                aggfunc="count",
                fill_value=0,
            )  # fmt: skip
        )
        counts.index = counts.index.map(cat.themes)
        summary = pd.DataFrame(index=counts.index)
        for buurt in counts.columns.get_level_values(0).unique():
            part = counts[buurt]
            summary[buurt] = [
                f"{part.get('kracht', pd.Series(0, index=part.index))[t]} kracht · "
                f"{part.get('aandacht', pd.Series(0, index=part.index))[t]} aandacht"
                for t in part.index
            ]
        st.dataframe(summary.rename_axis("Thema"), width="stretch")
    st.subheader(f"Vergelijkbare buurten: {names[chosen[0]]}")
    peers_view(data, year, chosen[0], cat, "tellen_peers")
else:
    st.info(
        "Kies hierboven een buurt voor al zijn cijfers naast de gemeente en Nederland; "
        "of bekijk hieronder één cijfer voor alle buurten.",
        icon=":material/touch_app:",
    )

st.subheader("Eén cijfer, alle buurten of wijken")
pick, across, about = st.columns([5, 3, 2], vertical_alignment="bottom")
indicator_id = pick.selectbox(
    "Cijfer", indicator_ids, format_func=cat.option_label, key="tellen_indicator"
)
across.radio(
    "Niveau", list(LEVELS), format_func=LEVELS.get, key="tellen_niveau", horizontal=True,
    help="Wijken: de cijfers die CBS per wijk publiceert, en anders berekend uit de buurten, "
    "gewogen zoals het gemeentecijfer.",
)  # fmt: skip
keep_in_address(indicator=indicator_id, niveau=level)
ind = cat[indicator_id]
with about.popover("Over dit cijfer", icon=":material/info:"):
    direction = {
        1: "Hoger is beter.",
        -1: "Lager is beter.",
        0: "Achtergrondcijfer: geen oordeel.",
    }
    missing = (
        int(wide[indicator_id].isna().sum()) if indicator_id in wide else len(codes)
    )
    st.markdown(
        f"**{ind.label}** ({ind.unit})\n\n{ind.definition}\n\n{direction[ind.direction]}\n\n"
        f"Gemeentewaarde: {reference.at[indicator_id, 'basis'] if indicator_id in reference.index else '–'}."
        f"\n\nBron: {ind.source}, {year}.\n\nPeildatum: {ind.reference_period(year)} "
        f"({explained('peildatum')})."
        f"\n\nZonder cijfer (geheim of niet beschikbaar): {missing} "
        f"van {len(codes)} buurten."
    )

if level == "wijk":
    wijk_view(data, year, ind, reference)
    st.stop()

values = wide[indicator_id] if indicator_id in wide else pd.Series(dtype=float)
own_rows = signals[signals["indicator"] == indicator_id].set_index("buurtcode")
own = own_rows["signal"]
gemeente = reference["value"].get(indicator_id)
nederland = reference["nederland"].get(indicator_id)
tabs = st.tabs(
    ["Ranglijst", "Trechter", "Verwacht", "Verdeling", "Samenhang", "Ontwikkeling"]
)
with tabs[1]:
    if indicator_id in wide and pd.notna(gemeente):
        funnel_view(wide, ind, gemeente, own, names, chosen, rule, "tellen_funnel")
    else:
        st.info("Voor dit cijfer zijn er geen buurtcijfers of geen gemeentewaarde.")
with tabs[2]:
    expected_view(data, year, ind, names, chosen)
with tabs[0]:
    st.plotly_chart(
        ranking_chart(values, names, own_rows["position"], ind, gemeente, nederland, chosen),
        width="stretch", key="tellen_ranking",
        config=chart_config(f"ranglijst_{indicator_id}_{year}"),
    )  # fmt: skip
    st.caption(
        "Blauw: kracht · lichtblauw: iets beter · grijs: gemiddeld · lichtrood: iets slechter "
        "· rood: aandacht. 'Iets' betekent: binnen de gewone spreiding tussen buurten, maar "
        "meer dan halverwege de grens. Lichtgrijs: geen oordeel (geheim, achtergrondcijfer "
        "of minder dan 200 inwoners). Gekozen buurten zijn omlijnd."
    )
with tabs[3]:
    st.plotly_chart(
        distribution_chart(values, names, ind, gemeente, chosen), width="stretch",
        key="tellen_distribution", config=chart_config(f"verdeling_{indicator_id}_{year}"),
    )  # fmt: skip
with tabs[4]:
    others = [i for i in indicator_ids if i != indicator_id]
    # Start with a pairing that tells something: income against bijstand, for example.
    paired = (
        "bijstand_per_1000",
        "pct_huishoudens_laag_inkomen",
        "gem_inkomen_per_inwoner",
    )
    default_x = next((i for i in paired if i in others), others[0] if others else None)
    synced_choice("x", others, default_x, "tellen_x")
    x_id = st.selectbox(
        "Tegen welk cijfer?", others, format_func=cat.option_label, key="tellen_x"
    )
    if x_id:
        keep_in_address(x=x_id)
        fig, r = scatter_chart(wide[x_id], values, names, cat[x_id], ind, chosen)
        st.plotly_chart(fig, width="stretch", key="tellen_scatter",
                        config=chart_config(f"samenhang_{indicator_id}_{x_id}_{year}"))  # fmt: skip
        if r is not None:
            st.caption(
                "Elke stip is een buurt; de stippellijn is de best passende rechte lijn. "
                f"Samenhang (correlatie r): {format_number(r, 2)}. Samenhang zegt niets "
                "over oorzaak en gevolg."
            )
with tabs[5]:
    if len(years) < 2:
        st.info(
            "Er is maar één jaar ingeladen. Laad een ander jaar in om ontwikkelingen te zien."
        )
    else:
        first = (
            int(years[years.index(str(year)) - 1])
            if years.index(str(year))
            else int(years[0])
        )
        last = year if first != year else int(years[1])
        old_ref, _ = cached_signals(data.info.id, first)
        new_ref, _ = cached_signals(data.info.id, last)
        trend = buurt_trend(
            data.wide(first).get(indicator_id, pd.Series(index=codes, dtype=float)),
            data.wide(last).get(indicator_id, pd.Series(index=codes, dtype=float)),
            old_ref["value"].get(indicator_id),
            new_ref["value"].get(indicator_id),
            ind,
            breaks(data.changes, codes, first, last),
        )
        if chosen:
            st.plotly_chart(
                trend_chart(trend, names, ind, (first, last),
                            (old_ref["value"].get(indicator_id), new_ref["value"].get(indicator_id)),
                            chosen),
                width="stretch", key="tellen_trend",
                config=chart_config(f"ontwikkeling_{indicator_id}_{first}_{last}"),
            )  # fmt: skip
        shown = trend.assign(Buurt=trend["buurtcode"].map(names))
        shown = shown[
            ["Buurt", "from_value", "to_value", "change", "richting", "beweging"]
        ]
        # Across a new boundary or code the trend is not a change: say so instead.
        shown[["richting", "beweging"]] = (
            shown[["richting", "beweging"]]
            .apply(lambda column: column.fillna(trend["breuk"]))
            .fillna("geen cijfer")
        )
        shown[["from_value", "to_value"]] = shown[["from_value", "to_value"]].map(
            ind.format
        )
        shown["change"] = trend["change"].map(
            lambda c: "–" if pd.isna(c) else ("+" if c > 0 else "") + ind.format(c)
        )
        st.dataframe(
            shown.rename(
                columns={
                    "from_value": str(first),
                    "to_value": str(last),
                    "change": "Verandering",
                    "richting": "Richting",
                    "beweging": "Ten opzichte van de gemeente",
                }
            ),
            hide_index=True,
            width="stretch",
        )
        st.caption(
            "Richting: beter of slechter (of hoger/lager bij achtergrondcijfers); kleine "
            "veranderingen tellen als gelijk. 'Naar de gemeente toe': het verschil met het "
            "gemeentegemiddelde is kleiner geworden. Waar een buurt een andere grens of code "
            "kreeg, is het geen vergelijking van hetzelfde gebied: daar staat dat, zonder lijn."
        )

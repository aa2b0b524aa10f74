"""Views of 'compared with what?', shared by Tellen and the buurtprofiel: the funnel plot of
one figure, verwacht versus werkelijk for an outcome, comparable buurten, and one figure for
every wijk."""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from analysis.catalogue import Catalogue, Indicator, format_number
from analysis.datasets import Dataset
from analysis.expected import VERDICTS, Expected, outcomes
from analysis.peers import compare_with_peers, nearest, peer_variables, standardised
from analysis.signals import SignalRule, chance_sentence, funnel_for
from ui.charts import chart_config, funnel_chart, ranking_chart
from ui.state import (
    cached_expected,
    cached_pool,
    cached_wijk_figures,
    cached_wijken,
    catalogue,
)
from ui.text import explained, plain

VERDICT_MARKS = {
    VERDICTS[0]: "▲ meer dan verwacht",
    VERDICTS[1]: "● zoals verwacht",
    VERDICTS[2]: "▼ minder dan verwacht",
}


def funnel_view(
    wide: pd.DataFrame,
    ind: Indicator,
    reference: float,
    own: pd.Series,
    names: pd.Series,
    chosen: list[str],
    rule: SignalRule,
    key: str,
) -> None:
    """The funnel plot of one figure, or why this figure has none."""
    inwoners = wide.get("aantal_inwoners", pd.Series(np.nan, index=wide.index))
    eligible = (wide[ind.id].notna() & (inwoners >= rule.min_inwoners)).to_numpy()
    found = funnel_for(wide, ind, reference, eligible) if ind.id in wide else None
    if found is None:
        st.info(
            "Dit cijfer is geen aandeel met een bekend aantal inwoners, huishoudens of "
            "jongeren (maar een gemiddelde, een aantal of een klasse): daarvoor geldt de "
            "spreidingsregel en is er geen trechter.",
            icon=":material/info:",
        )
        return
    funnel, scale, n = found
    st.plotly_chart(
        funnel_chart(wide[ind.id], pd.Series(n, index=wide.index), names, ind, funnel,
                     scale, own, chosen),
        width="stretch", key=key, config=chart_config(f"trechter_{ind.id}"),
    )  # fmt: skip
    spread = (
        "De gewone spreiding tussen buurten is meegenomen: de buurten verschillen "
        f"{format_number(funnel.phi, 1)} keer zoveel als toeval alleen zou geven."
        if funnel.tau2 > 0
        else "De buurten verschillen niet meer dan door toeval te verwachten is."
    )
    judged = int(own.notna().sum())
    flagged = int(own.isin(["kracht", "aandacht"]).sum())
    st.caption(
        f"Trechterregel ({explained('trechter')}). Elke stip is een buurt; rechts de grote "
        f"buurten. Doorgetrokken lijn: de gemeente; streepjes: de grenzen waarbinnen 95 "
        f"van de 100 buurten vallen; stippels: 998 van de 1.000; dunne lijnen: waar toeval "
        f"alleen de buurten zou houden, zonder de gewone spreiding. {spread} "
        f"{chance_sentence(judged, flagged)} Blauw kracht, rood aandacht, grijs "
        "gemiddeld; gekozen buurten zijn groter en omlijnd."
    )


def expected_caption(result: Expected) -> str:
    return " ".join([result.summary(), *result.caveats])


def expected_view(
    data: Dataset, year: int, ind: Indicator, names: pd.Series, chosen: list[str]
) -> None:
    """Verwacht versus werkelijk for one outcome, as a table with intervals."""
    if not ind.is_outcome:
        st.info(
            "Verwacht versus werkelijk is er voor uitkomsten: jeugdzorg, Wmo en bijstand. "
            "Kies er een van bij 'Cijfer'.",
            icon=":material/info:",
        )
        return
    result = cached_expected(data, year, ind.id)
    table = result.table.loc[result.table.index.isin(names.index)].copy()
    table.insert(0, "Buurt", table.index.map(names))
    for column in ("werkelijk", "verwacht", "ondergrens", "bovengrens"):
        table[column] = table[column].map(ind.format)
    table["oordeel"] = table["oordeel"].map(lambda v: VERDICT_MARKS.get(v, v))
    order = {VERDICTS[0]: 0, VERDICTS[2]: 1, VERDICTS[1]: 2}
    table = table.iloc[
        np.argsort(
            [order.get(v, 3) for v in result.table.loc[table.index, "oordeel"]],
            kind="stable",
        )
    ]
    if chosen:
        table = pd.concat(
            [table.loc[table.index.isin(chosen)], table.drop(chosen, errors="ignore")]
        )
    counts = result.table.loc[names.index.intersection(result.table.index), "oordeel"]
    counts = counts.value_counts()
    st.markdown(
        f"**{counts.get(VERDICTS[0], 0)}** buurten meer dan verwacht, "
        f"**{counts.get(VERDICTS[2], 0)}** minder dan verwacht, "
        f"**{counts.get(VERDICTS[1], 0)}** zoals verwacht."
    )
    st.dataframe(
        table.rename(columns={"werkelijk": "Werkelijk", "verwacht": "Verwacht",
                              "ondergrens": "Ondergrens", "bovengrens": "Bovengrens",
                              "oordeel": "Oordeel"}),
        hide_index=True, width="stretch", key=f"verwacht_{ind.id}",
    )  # fmt: skip
    used = ", ".join(data_label(p) for p in result.predictors)
    st.caption(
        f"Verwacht: wat je op grond van de bevolking zou verwachten (voorspeld uit {used}), "
        "met het bereik waarin 95 van de 100 buurten met zo'n bevolking vallen (ondergrens tot "
        "bovengrens). Daarbuiten: meer of minder dan verwacht — een vraag voor partners en "
        f"bewoners, geen oordeel over het wijkteam ({explained('verwacht')}). "
        f"{expected_caption(result)}"
    )
    for note in result.caveats:
        st.warning(note, icon=":material/warning:")


def data_label(indicator_id: str) -> str:
    """An indicator's label inside a sentence: 'huishoudens met een laag inkomen', but
    'WOZ-waarde' stays as it is."""
    label = catalogue()[indicator_id].label
    return label if label[:2].isupper() else label[0].lower() + label[1:]


def peers_view(data: Dataset, year: int, code: str, cat: Catalogue, key: str) -> None:
    """The comparable buurten of one buurt, and how it does against them."""
    pooled = cached_pool(data, year)
    variables = peer_variables(cat)
    with st.popover("Vergelijken op", icon=":material/tune:"):
        k = st.slider("Aantal vergelijkbare buurten", 3, 25, 10, key=f"{key}_k")
        weights = {
            v: st.slider(cat[v].label, 0.0, 3.0, 1.0, 0.5, key=f"{key}_w_{v}")
            for v in variables
        }
    z = standardised(pooled, variables)
    if code not in z.index:
        st.info(
            "Voor deze buurt ontbreken achtergrondcijfers (of hij heeft minder dan 200 "
            "inwoners): er zijn geen vergelijkbare buurten te vinden."
        )
        return
    if sum(weights.values()) <= 0:
        st.warning("Zet ten minste één kenmerk boven 0.")
        return
    found = nearest(z, code, k, weights)
    gemeenten = pooled["gemeentenaam"].nunique()
    st.caption(
        f"De {len(found)} buurten die het meest op deze lijken, uit {len(z)} buurten van "
        f"{gemeenten} ingeladen {'gemeente' if gemeenten == 1 else 'gemeenten'}: "
        f"op {', '.join(data_label(v) for v in variables)}. De afstand telt hoeveel "
        "een buurt op die kenmerken verschilt, gemeten in de gewone spreiding tussen "
        "buurten; kenmerken die samen op en neer gaan (zoals huurwoningen en "
        "eenpersoonshuishoudens) tellen één keer, niet dubbel. 0 is gelijk; hoe kleiner, "
        "hoe meer gelijk. Alle kenmerken wegen even zwaar, tenzij je dat hierboven anders "
        "kiest."
    )
    peers = pd.DataFrame(
        {
            "Buurt": pooled.loc[found.index, "buurtnaam"],
            "Gemeente": pooled.loc[found.index, "gemeentenaam"],
            "Afstand": found.round(2),
        }
    )
    compared = compare_with_peers(pooled, code, list(found.index), cat)
    st.dataframe(peers, hide_index=True, width="stretch", key=f"{key}_lijst")
    st.caption(
        "Hoe deze buurt het doet tegen de vergelijkbare buurten die het cijfer hebben "
        "(beter: in de goede richting, hoger of lager). Een buurt telt alleen mee als "
        "het verschil groter is dan toeval bij het aantal mensen in beide buurten; "
        "anders is het verschil te klein om iets te zeggen."
    )
    st.dataframe(
        pd.DataFrame(
            {
                "Cijfer": [cat[i].label for i in compared["indicator"]],
                "Buurt": [cat[i].format(v) for i, v in zip(compared["indicator"], compared["value"])],
                "Tegen vergelijkbare buurten": compared["sentence"],
            }
        ),
        hide_index=True, width="stretch", key=f"{key}_vergelijking",
    )  # fmt: skip


def unexpected_lines(
    data: Dataset,
    year: int,
    codes: list[str],
    names: dict,
    cells: pd.DataFrame,
    cat: Catalogue,
) -> list[str]:
    """For Tellen × vertellen: outcomes outside their expected interval, beside what
    residents tell about that theme. 'Jagershoef · Jongeren met jeugdzorg: meer dan
    verwacht (14,6% tegen 10,9% verwacht); bewoners vertellen 2 zorgen en 0 krachten …'"""
    told = cells.set_index(["buurtcode", "theme"])
    lines = []
    for outcome in outcomes(cat):
        model = cached_expected(data, year, outcome.id).table
        off = model[model["oordeel"].isin([VERDICTS[0], VERDICTS[2]])]
        theme = cat.themes[outcome.theme]
        for code, row in off[off.index.isin(codes)].iterrows():
            if (code, outcome.theme) in told.index:
                cell = told.loc[(code, outcome.theme)]
                stories = (
                    f"bewoners vertellen {int(cell['zorg'])} zorgen en "
                    f"{int(cell['kracht_verhalen'])} krachten over {theme.lower()}"
                )
            else:
                stories = f"geen verhalen over {theme.lower()}"
            lines.append(
                f"**{plain(names[code])} · {plain(outcome.label)}**: {row['oordeel']} "
                f"({outcome.format(row['werkelijk'])} tegen "
                f"{outcome.format(row['verwacht'])} verwacht); {stories}."
            )
    return lines


def wijk_view(
    data: Dataset, year: int, ind: Indicator, reference: pd.DataFrame
) -> None:
    """One figure for every wijk, from high to low, and per wijk where it comes from."""
    areas, _ = cached_wijken(data)
    figures = cached_wijk_figures(data, year)
    names = areas.set_index("buurtcode")["buurtnaam"]
    values = figures.values.get(ind.id, pd.Series(np.nan, index=names.index))
    st.plotly_chart(
        ranking_chart(values, names, pd.Series(dtype=object), ind,
                      reference["value"].get(ind.id), reference["nederland"].get(ind.id)),
        width="stretch", key="tellen_wijk_ranking",
        config=chart_config(f"ranglijst_wijken_{ind.id}_{year}"),
    )  # fmt: skip
    st.dataframe(
        pd.DataFrame(
            {
                "Wijk": names.reindex(values.index).to_numpy(),
                ind.label: ind.format_many(values.to_numpy()),
                "Herkomst": figures.source.get(ind.id, pd.Series(index=values.index))
                .fillna("geen cijfer")
                .to_numpy(),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption(
        "Per wijk: het cijfer zoals CBS of de gemeente het per wijk publiceert, anders berekend "
        "uit de buurten, gewogen zoals het gemeentecijfer. Trechter, verwacht, samenhang en "
        "ontwikkeling zijn er per buurt: kies Buurten."
    )

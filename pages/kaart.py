"""Kaart: any indicator per buurt or per wijk on a map; click a buurt for its key figures."""

import html

import pandas as pd
import streamlit as st

from analysis.compare import verdict_words
from analysis.coverage import serving
from analysis.signals import deviation_classes, signals_by_chance
from analysis.wijken import COMPUTED, LEVELS, PUBLISHED
from stories.store import StoryFilter
from ui.access import log_view
from ui.comparisons import expected_caption
from ui.exports import export_downloads
from ui.map_image import COLOURINGS as MEANINGS
from ui.map_image import Colouring, map_image
from ui.maps import (
    KIND_COLOURS,
    KIND_LABELS,
    buurt_map,
    buurt_style,
    deviation_colours,
    deviation_legend,
    expected_colours,
    expected_legend,
    initiative_icon,
    initiative_points,
    legend_items,
    map_table,
    network_icon,
    network_points,
    quantile_classes,
    quantile_colours,
    quantile_words,
    story_points,
    swatch,
    theme_colours,
)
from ui.state import (
    available_indicators,
    cached_expected,
    cached_initiatives,
    cached_network,
    cached_shapes,
    cached_signals,
    cached_stories,
    cached_wijk_figures,
    cached_wijken,
    catalogue,
    current_dataset,
    keep_in_address,
    require_entry,
    synced_choice,
)
from ui.text import explained

user = require_entry()
# Story dots carry quotes and points, initiative diamonds descriptions and exact points
# (the register): medewerkers only.
reader = user.can("read_stories")
cat = catalogue()
data = current_dataset()
codes = data.buurten["buurtcode"].tolist()
names = dict(zip(data.buurten["buurtcode"], data.buurten["buurtnaam"]))
years = [str(y) for y in data.years]

synced_choice("niveau", list(LEVELS), "buurt", "kaart_niveau")
synced_choice("jaar", years, years[-1], "kaart_jaar")
synced_choice("buurt", [None, *codes], None, "kaart_buurt")
COLOURINGS = {
    "klassen": "Vijf klassen",
    "afwijking": "Afwijking",
    "verwacht": "Verwacht",
}
synced_choice("kleur", list(COLOURINGS), "klassen", "kaart_kleur")

st.title("Kaart")


# The map and everything that follows it form a fragment: a new indicator, year, colouring or
# buurt reruns only this part (not the navigation and sidebar), and the map on screen is
# restyled rather than drawn again.
@st.fragment
def map_view() -> None:
    # The map goes to the browser before the widgets around it (their boxes are placed first and
    # filled last). The widgets' values are already in the session state (seeded above or set
    # by the user). (Sending the map last instead measured the same: 2.39 and 2.35 s to map.)
    controls_box = st.container()
    level = st.session_state["kaart_niveau"]
    # At wijk level also the figures a gemeente has per wijk only.
    indicator_ids, default_indicator = available_indicators(data, level)
    synced_choice("indicator", indicator_ids, default_indicator, "kaart_indicator")
    show_initiatives = reader and st.session_state.get("kaart_initiatieven", False)
    # Initiatives come from the database on every run; a restyle without them skips that.
    wanted = show_initiatives or st.session_state.get("kaart_initiatief")
    initiatives = (
        cached_initiatives(data)
        if reader and (wanted or "initiatief" in st.query_params)
        else None
    )
    init_names = (
        {} if initiatives is None else dict(zip(initiatives["id"], initiatives["name"]))
    )
    synced_choice("initiatief", [None, *init_names], None, "kaart_initiatief")
    indicator_id = st.session_state["kaart_indicator"]
    year = int(st.session_state["kaart_jaar"])
    colouring = st.session_state["kaart_kleur"]
    basemap = st.session_state.get("kaart_achtergrond", False)
    show_stories = reader and st.session_state.get("kaart_verhalen", False)
    show_network = reader and st.session_state.get("kaart_netwerk", False)
    hide_exact = st.session_state.get("kaart_verbergen", False)
    highlighted = st.session_state["kaart_initiatief"]
    keep_in_address(
        indicator=indicator_id,
        jaar=str(year),
        kleur=colouring,
        niveau=level,
        initiatief=highlighted or None,
    )

    ind = cat[indicator_id]
    if level == "wijk":  # wijken as areas: CBS's wijk figures, or combined from buurten
        areas, shapes = cached_wijken(data)
        figures = cached_wijk_figures(data, year)
        wide = figures.values
        source = figures.source.get(indicator_id, pd.Series(dtype=object))
    else:
        areas, shapes, wide, source = (
            data.map_geometry,
            cached_shapes(data),
            data.wide(year),
            None,
        )
    area_codes = areas["buurtcode"].tolist()
    values = wide[indicator_id] if indicator_id in wide else pd.Series(dtype=float)
    selected = st.session_state["kaart_buurt"] if level == "buurt" else None
    if colouring == "verwacht" and ind.is_outcome and level == "buurt":
        model = cached_expected(data, year, indicator_id)
        verdicts = model.table["oordeel"].reindex(codes)
        colours, notes = expected_colours(verdicts), verdicts
        words, shown = verdicts, "verwacht"
        legend = expected_legend(verdicts)
        explanation = (
            "Verwacht: wat je op grond van de bevolking zou verwachten; buiten het bereik waarin "
            "95 van de 100 buurten met zo'n bevolking vallen is het meer of minder dan "
            f"verwacht, een vraag voor partners en bewoners ({explained('verwacht')}). "
            + expected_caption(model)
        )
    elif colouring == "afwijking":
        reference, signals = cached_signals(data.info.id, year)
        deviation = deviation_classes(
            values.reindex(area_codes),
            reference["value"].get(indicator_id, float("nan")),
            ind,
            wide,
        )
        colours, notes = deviation_colours(deviation), deviation
        words, shown = deviation, "afwijking"
        legend = deviation_legend(deviation, ind)
        explanation = (
            "Rood: aandacht, blauw: kracht, buiten de gewone spreiding tussen buurten; 'iets "
            f"beter' of 'iets slechter': meer dan halverwege de grens ({explained('positie')}). "
            f"Gemeente: {ind.format(reference['value'].get(indicator_id))}. "
            + signals_by_chance(signals[signals["indicator"] == indicator_id])
        )
    else:
        classes = quantile_classes(values)
        colours, notes = quantile_colours(values, classes), None
        words, shown = quantile_words(values, classes), "klassen"
        legend = legend_items(
            classes, ind, int(values.reindex(area_codes).isna().sum()), level
        )
        explanation = (
            f"Vijf klassen met ongeveer evenveel {LEVELS[level].lower()} (kwantielen)."
        )
        if colouring == "verwacht":
            explanation = (
                "Verwacht is er alleen per buurt, voor jeugdzorg, Wmo en bijstand; hier "
                "toont de kaart vijf klassen. " + explanation
            )
    # Say per wijk whether CBS (or the gemeente) published the figure or it was combined.
    if source is not None:
        parts = pd.DataFrame({"note": notes, "source": source}).reindex(area_codes)
        notes = parts.apply(
            lambda row: "; ".join(n for n in row if isinstance(n, str)), axis=1
        )

    map_col, side_col = st.columns([3, 2], gap="medium")
    side_panel = side_col.container()  # toggles, filled after the map
    outlined = (
        frozenset()
        if level == "wijk"
        else frozenset(
            initiatives.loc[initiatives["id"] == highlighted, "buurtcodes"]
            .explode()
            .dropna()
        )
        if highlighted
        else frozenset()
    )

    def choose_buurt(code: str) -> None:
        if code in names:
            st.session_state["kaart_buurt"] = code

    with map_col:
        theme_colour = theme_colours(list(cat.themes))
        told = cached_stories(data) if show_stories else None
        buurt_map(
            shapes,
            buurt_style(
                areas,
                values,
                ind,
                colours,
                selected=selected,
                notes=notes,
                outlined=outlined,
            ),
            key="kaart_map",
            label=f"Kaart van {ind.label} per {level}, {year}. Dezelfde cijfers staan in de "
            "tabel onder de kaart.",
            stories=story_points(told, data.map_geometry, hide_exact)
            if show_stories
            else None,
            initiatives=initiative_points(
                initiatives, data.map_geometry, theme_colour, cat.themes
            )
            if show_initiatives
            else None,
            network=network_points(cached_network(data), data.map_geometry, cat.themes)
            if show_network
            else None,
            basemap=basemap,
            on_click=choose_buurt,
        )
        if show_stories:
            log_view(user, data.info.gemeentecode, len(told), "Kaart: verhalen")
        map_table(
            "kaart_tabel",
            areas,
            values,
            f"{ind.label} ({ind.unit})",
            f"%.{ind.decimals}f",
            words=words,
            words_label="Kleur op de kaart",
            area=level,
        )

    with controls_box:
        controls = st.columns([9, 3, 4], vertical_alignment="bottom")
        indicator_id = controls[0].selectbox(
            "Indicator",
            indicator_ids,
            format_func=cat.option_label,
            key="kaart_indicator",
        )
        year = int(controls[1].selectbox("Jaar", years, key="kaart_jaar"))
        colouring = controls[2].selectbox(
            "Kleuren",
            list(COLOURINGS),
            format_func=COLOURINGS.get,
            key="kaart_kleur",
            help="Vijf klassen: elke kleur heeft ongeveer evenveel buurten. Afwijking: hoe de buurt "
            "zich verhoudt tot het gemeentegemiddelde; rood betekent altijd aandacht, blauw kracht. "
            "Verwacht (jeugdzorg, Wmo, bijstand): hoger of lager dan je op grond van de "
            "bevolking zou verwachten.",
        )
    with side_panel:
        st.radio(
            "Niveau", list(LEVELS), format_func=LEVELS.get, key="kaart_niveau",
            horizontal=True,
            help="Wijken: de cijfers die CBS per wijk publiceert, en anders berekend uit de "
            "buurten, gewogen zoals het gemeentecijfer.",
        )  # fmt: skip
        if reader:
            st.toggle(
                "Verhalen op de kaart", key="kaart_verhalen",
                help="Krachten, zorgen en dromen van bewoners als stippen op de kaart.",
            )  # fmt: skip
            st.toggle(
                "Exacte plekken verbergen", key="kaart_verbergen", disabled=not show_stories,
                help="Zet elk verhaal op een willekeurige plek binnen zijn buurt in plaats "
                "van waar het verteld is. Voor het tonen aan een gemengd publiek.",
            )  # fmt: skip
        if reader:
            st.toggle(
                "Initiatieven op de kaart", key="kaart_initiatieven",
                help="Initiatieven van bewoners als ruitjes, in de kleur van hun thema.",
            )  # fmt: skip
            st.toggle(
                "Partners en vindplaatsen", key="kaart_netwerk",
                help="Partners (vierkantjes) met wat ze bieden, en vindplaatsen (driehoekjes): "
                "waar bewoners te vinden zijn.",
            )  # fmt: skip
        st.toggle(
            "Straatkaart", key="kaart_achtergrond",
            help="Een straatkaart onder de buurten. Heeft internet nodig; zonder internet "
            "blijft de achtergrond wit.",
        )  # fmt: skip
        if show_initiatives or highlighted:
            st.selectbox(
                "Initiatief uitlichten",
                list(init_names),
                key="kaart_initiatief",
                format_func=init_names.get,
                placeholder="Kies een initiatief om zijn buurten te omlijnen",
            )

    with side_col:
        rows = "".join(
            f'<div style="display:flex;align-items:center;gap:.5rem;margin:.15rem 0">'
            f"{swatch(colour, 1.6, 1)}<span>{html.escape(label)}</span></div>"
            for colour, label in legend
        )
        # Title and legend as one element: every element is work for the browser on each
        # restyle.
        st.markdown(
            f"**{html.escape(ind.label)}** ({ind.unit}), {year}"
            f'<div class="legend">{rows}</div>',
            unsafe_allow_html=True,
        )
        if show_stories:
            dots = " ".join(
                f'<span style="white-space:nowrap">{swatch(KIND_COLOURS[k], 0.8, 0.8, True)} '
                f"{label}</span>"
                for k, label in KIND_LABELS.items()
            )
            st.markdown(f"Verhalen: {dots}", unsafe_allow_html=True)
        if show_initiatives:
            present = dict.fromkeys(t for ts in initiatives["themes"] for t in ts[:1])
            diamonds = "".join(
                f'<span style="display:inline-flex;align-items:center;gap:.45rem">'
                f"{initiative_icon(theme_colour[t], 11)}{html.escape(cat.themes[t])}</span>"
                for t in cat.themes
                if t in present
            )
            st.markdown(
                f'Initiatieven, naar hun eerste thema:<div style="display:flex;flex-wrap:wrap;'
                f'gap:.3rem 1rem;margin:.3rem 0 .6rem .2rem">{diamonds}</div>',
                unsafe_allow_html=True,
            )
        if show_network:
            st.markdown(
                " ".join(
                    f'<span style="display:inline-flex;align-items:center;gap:.4rem;'
                    f'margin-right:1rem">{network_icon(soort, 13)}{label}</span>'
                    for soort, label in (
                        ("partner", "Partner"),
                        ("vindplaats", "Vindplaats"),
                    )
                ),
                unsafe_allow_html=True,
            )
        if highlighted:
            served = [names[c] for c in sorted(outlined) if c in names]
            st.caption(
                f"Omlijnd: de buurten van {init_names[highlighted]} ({', '.join(served)})."
            )
        st.caption(
            f"{explanation} {ind.definition} Bron: {ind.source}, {year}. "
            f"Peildatum: {ind.reference_period(year)}."
        )
        # One switch away, like the map as a table: every button is bytes on every restyle.
        if st.toggle(
            "Downloaden", key="kaart_downloaden",
            help="De kaart als afbeelding (met titel, legenda en bron, 1920 pixels breed) "
            "en alle cijfers als Excel, CSV of GeoPackage.",
        ):  # fmt: skip
            if level == "buurt":
                image = Colouring(colours, legend, MEANINGS[shown])
                for column, fmt in zip(st.columns(2), ("png", "svg")):
                    column.download_button(
                        f"Kaart als {fmt.upper()}",
                        lambda fmt=fmt: map_image(data, year, cat, indicator_id, image, fmt),
                        file_name=f"kaart_{data.info.gemeentecode}_{indicator_id}_{year}.{fmt}",
                        mime="image/png" if fmt == "png" else "image/svg+xml",
                        key=f"kaart_{fmt}", icon=":material/image:", width="stretch",
                    )  # fmt: skip
            export_downloads(data, year, "kaart_export")
        if level == "wijk":
            counted = source.value_counts()
            st.caption(
                f"Per wijk: {counted.get(PUBLISHED, 0)} {PUBLISHED}, "
                f"{counted.get(COMPUTED, 0)} {COMPUTED} (gewogen zoals het gemeentecijfer)."
            )
            return

        chosen = st.selectbox(
            "Buurt",
            codes,
            key="kaart_buurt",
            format_func=names.get,
            placeholder="Kies een buurt of klik op de kaart",
            help="De belangrijkste cijfers van de buurt verschijnen hieronder.",
        )
        keep_in_address(buurt=chosen or None)
        if chosen:
            row = data.buurten.set_index("buurtcode").loc[chosen]
            st.subheader(row["buurtnaam"])
            st.caption(f"Wijk {row['wijknaam']} · {chosen}")
            reference, signals = cached_signals(data.info.id, year)
            status = data.status(year).loc[chosen]
            sig = signals[signals["buurtcode"] == chosen].set_index("indicator")
            key_ids = [i.id for i in cat.indicators.values() if i.key]
            if indicator_id not in key_ids:
                key_ids.insert(0, indicator_id)
            table = pd.DataFrame(
                {
                    "Indicator": [cat[i].label for i in key_ids],
                    "Buurt": [
                        cat[i].format(wide.at[chosen, i])
                        if i in wide and pd.notna(wide.at[chosen, i])
                        else status.get(i, "niet beschikbaar")
                        for i in key_ids
                    ],
                    "Gemeente": [
                        cat[i].format(reference.at[i, "value"])
                        if i in reference.index
                        else "–"
                        for i in key_ids
                    ],
                    "Oordeel": [
                        verdict_words(sig.at[i, "signal"], sig.at[i, "position"])
                        if i in sig.index
                        else "–"
                        for i in key_ids
                    ],
                }
            )
            # One line per figure, not a table: in the narrow panel a table's columns would
            # be cut off or scroll sideways; lines wrap.
            st.markdown(
                "\n".join(
                    f"- **{r.Indicator}**: {r.Buurt} (gemeente {r.Gemeente}) · {r.Oordeel}"
                    for r in table.itertuples()
                )
            )
            st.caption(
                f"Oordeel: kracht, aandacht of gemiddeld, met tussen haakjes de positie. "
                f"{explained('oordeel')}"
            )
            told = cached_stories(data, StoryFilter(buurtcodes=[chosen]))[
                "kind"
            ].value_counts()
            if initiatives is None:  # after the map: no delay to its colours
                initiatives = cached_initiatives(data)
            active = serving(initiatives, [chosen])
            active = active[active["phase"] != "gestopt"]
            st.markdown(
                f"**Verhalen:** {told.get('kracht', 0)} krachten, {told.get('zorg', 0)} zorgen, "
                f"{told.get('droom', 0)} dromen · **Initiatieven:** {len(active)}"
            )
            st.page_link(
                "pages/buurtprofiel.py", label=f"Buurtprofiel van {row['buurtnaam']}",
                icon=":material/description:", query_params={"buurt": chosen},
            )  # fmt: skip


map_view()

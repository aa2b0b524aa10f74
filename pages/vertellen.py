"""Vertellen: browse, filter, add, edit, delete, import and export resident stories."""

from datetime import date

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from stories.access import whole_months
from stories.errors import StoreError
from stories.exchange import STORIES, export_stories
from stories.model import KIND_QUESTIONS, KINDS, SOURCES, VOICES
from stories.store import StoryFilter
from stories.themes import suggest_themes
from stories.validation import validate_story
from ui.access import log_export, log_view
from ui.charts import chart_config
from ui.maps import KIND_COLOURS
from ui.records import dream_select, export_buttons, identifier_warning, import_panel
from ui.state import (
    cached_stories,
    catalogue,
    current_dataset,
    fictional_banner,
    require_entry,
    story_store,
)
from ui.text import KIND_MARKS, plain

PAGE = 15

user = require_entry()
cat = catalogue()
data = current_dataset()
store = story_store()
names = data.buurten.set_index("buurtcode")["buurtnaam"].to_dict()
wijken = (
    data.buurten.drop_duplicates("wijkcode").set_index("wijkcode")["wijknaam"].to_dict()
)
codes = set(names)


st.title("Vertellen")
st.markdown(
    "**Wat vertellen bewoners?** Krachten, zorgen en dromen uit gesprekken, werksessies en "
    "enquêtes. Zonder namen, adressen of telefoonnummers, en alleen met toestemming."
)
fictional_banner(data)
reader = user.can("read_stories")
if reader:
    browse_tab, add_tab, exchange_tab = st.tabs(
        ["Verhalen", "Verhaal toevoegen", "Inlezen en uitvoeren"]
    )
else:  # a lezer: counts per theme × kind, no text, no list, no export
    browse_tab = st.container()
    st.caption(
        "Als lezer zie je hoeveel verhalen er zijn, per thema en soort; de verhalen zelf "
        "zijn voor medewerkers."
    )

with browse_tab:
    with st.expander("Filteren", expanded=True, icon=":material/filter_list:"):
        row1 = st.columns(3)
        wijk_pick = row1[0].multiselect(
            "Wijk",
            list(wijken),
            format_func=wijken.get,
            key="vertellen_wijk",
            placeholder="Alle",
        )
        in_wijk = [
            c for c in names if not wijk_pick or c[2:8] in {w[2:8] for w in wijk_pick}
        ]
        buurt_pick = row1[1].multiselect(
            "Buurt",
            in_wijk,
            format_func=names.get,
            key="vertellen_buurt",
            placeholder="Alle",
        )
        kinds = row1[2].multiselect(
            "Soort",
            list(KINDS),
            format_func=KINDS.get,
            key="vertellen_soort",
            placeholder="Alle",
        )
        row2 = st.columns(3)
        themes = row2[0].multiselect(
            "Thema",
            list(cat.themes),
            format_func=cat.themes.get,
            key="vertellen_thema",
            placeholder="Alle",
        )
        sources = row2[1].multiselect(
            "Bron", SOURCES, key="vertellen_bron", placeholder="Alle"
        )
        voices = row2[2].multiselect(
            "Wie vertelt", VOICES, key="vertellen_stem", placeholder="Alle",
            disabled=not reader,
        )  # fmt: skip
        row3 = st.columns([1, 2])
        period = row3[0].date_input(
            "Periode", value=(), format="DD-MM-YYYY", key="vertellen_periode",
            help=None if reader else "Je ziet verhalen per hele maand: de periode gaat "
            "van de eerste tot de laatste dag van de maanden die je kiest.",
        )  # fmt: skip
        text = row3[1].text_input(
            "Zoek in de tekst of op nummer", key="vertellen_zoek", disabled=not reader,
            help="Een woord uit het verhaal, of het nummer van een verhaal (bijvoorbeeld "
            "als een bewoner vraagt om zijn verhaal te verwijderen).",
        )  # fmt: skip
    since = period[0] if len(period) >= 1 else None
    until = period[1] if len(period) == 2 else None
    if (
        not reader
    ):  # a lezer sees dates to the month (counts_only): filters on months too
        since, until = whole_months(since, until)
    where = StoryFilter(
        buurtcodes=buurt_pick or (in_wijk if wijk_pick else []),
        kinds=kinds,
        themes=themes,
        sources=sources,
        # A disabled widget is no check: a lezer's search could probe the text by counts.
        voices=voices if reader else [],
        since=since,
        until=until,
        text=text if reader else "",
    )
    found = cached_stories(data, where)
    total = store.count(data.info.gemeentecode)
    st.markdown(f"**{len(found)}** van {total} verhalen.")
    if not found.empty:
        per_theme = (
            found.explode("themes")
            .groupby(["themes", "kind"])
            .size()
            .unstack(fill_value=0)
        )
        per_theme = per_theme.reindex(columns=list(KINDS), fill_value=0)
        per_theme.index = per_theme.index.map(lambda t: cat.themes.get(t, t))
        per_theme = per_theme.loc[per_theme.sum(axis=1).sort_values().index]
        fig = go.Figure(
            [
                go.Bar(
                    y=per_theme.index,
                    x=per_theme[k],
                    name=KINDS[k],
                    orientation="h",
                    marker_color=KIND_COLOURS[k],
                )  # fmt: skip
                for k in KINDS
            ]
        )
        fig.update_layout(
            barmode="stack", height=60 + 34 * len(per_theme), margin=dict(l=10, r=10, t=10, b=10),
            legend=dict(orientation="h", y=-0.15), font=dict(size=14), plot_bgcolor="#ffffff",
            xaxis_title="aantal verhalen (een verhaal met twee thema's telt bij beide)",
        )  # fmt: skip
        st.plotly_chart(fig, width="stretch", key="vertellen_chart",
                        config=chart_config("verhalen_per_thema"))  # fmt: skip
        with st.expander("Als tabel", icon=":material/table:"):
            st.dataframe(per_theme.iloc[::-1].rename(columns=KINDS), width="stretch")
    if not reader:
        st.stop()

    shown = st.session_state.get("vertellen_shown", PAGE)
    listed = found.head(shown)
    log_view(user, data.info.gemeentecode, len(listed), "Vertellen: verhalen")
    for story in listed.to_dict("records"):
        with st.container(border=True):
            title = f" — **{plain(story['title'])}**" if story["title"] else ""
            st.markdown(f"{KIND_MARKS[story['kind']]}{title}")
            anonymous = pd.notna(story["anonymised"])
            if anonymous:
                st.markdown(
                    "*Geanonimiseerd na de bewaartermijn: de tekst is verwijderd, soort, "
                    "thema's, buurt en maand zijn bewaard.*"
                )
            else:
                st.markdown(f"> {plain(story['text'])}")
            themes_text = ", ".join(cat.themes.get(t, t) for t in story["themes"])
            when = (
                f"{story['date']:%m-%Y}" if anonymous else f"{story['date']:%d-%m-%Y}"
            )
            st.caption(
                " · ".join(
                    p for p in (
                        names.get(story["buurtcode"], story["buurtcode"]), when,
                        story["source"], story["voice"], themes_text,
                        f"nummer {story['id']}",
                    ) if p
                )
            )  # fmt: skip
            edit, delete, _ = st.columns([1, 1, 3])
            if not anonymous and edit.button(
                "Bewerken", key=f"edit_{story['id']}", icon=":material/edit:"
            ):
                st.session_state["vertellen_edit"] = story["id"]
            if user.can("delete_records"):
                with delete.popover("Verwijderen", icon=":material/delete:"):
                    st.markdown(
                        "Dit verhaal echt verwijderen? Dat kan niet ongedaan worden. Het "
                        "logboek houdt bij dat het is verwijderd (niet wat er stond)."
                    )
                    if st.button(
                        "Ja, verwijderen", key=f"delete_{story['id']}", type="primary"
                    ):
                        try:
                            store.delete(story["id"])
                        except StoreError as exc:
                            st.error(str(exc))
                        else:
                            st.toast("Het verhaal is verwijderd.")
                            st.rerun()
            if st.session_state.get("vertellen_edit") == story["id"]:
                with st.form(f"form_{story['id']}"):
                    new_text = st.text_area("Tekst", story["text"], height=120)
                    new_kind = st.radio("Soort", list(KINDS), index=list(KINDS).index(story["kind"]),
                                        format_func=KINDS.get, horizontal=True)  # fmt: skip
                    new_themes = st.multiselect("Thema's", list(cat.themes), story["themes"],
                                                format_func=cat.themes.get,
                                                placeholder="Kies thema's")  # fmt: skip
                    if st.form_submit_button("Opslaan", type="primary"):
                        raw = {
                            **story,
                            "text": new_text,
                            "kind": new_kind,
                            "themes": new_themes,
                            "consent": True,
                        }
                        valid, errors = validate_story(raw, codes)
                        if errors:
                            for e in errors:
                                st.error(e)
                        else:
                            try:
                                store.update(story["id"], valid)
                            except StoreError as exc:
                                st.error(str(exc))
                                st.stop()
                            st.session_state.pop("vertellen_edit")
                            st.toast("Het verhaal is bijgewerkt.")
                            st.rerun()
    if len(found) > shown:
        if st.button(f"Toon meer ({len(found) - shown} over)", key="vertellen_more"):
            st.session_state["vertellen_shown"] = shown + PAGE
            st.rerun()

with add_tab:
    if st.session_state.pop("nieuw_opgeslagen", False):
        # Empty values, not removed keys: then the browser's widgets are empty as well.
        st.session_state.update(
            nieuw_tekst="", nieuw_titel="", nieuw_themas=[], nieuw_toestemming=False
        )
        st.success("Opgeslagen. Dank je wel!")
    st.markdown(
        "Schrijf op wat iemand vertelde, in diens woorden. **Geen namen, adressen of "
        "telefoonnummers** van bewoners: die worden herkend en moeten eruit voor het opslaan."
    )
    buurt = st.selectbox("Buurt", sorted(codes, key=names.get), format_func=names.get, index=None,
                         placeholder="Kies de buurt", key="nieuw_buurt")  # fmt: skip
    kind = st.radio(
        "Soort", list(KINDS), format_func=KINDS.get, horizontal=True, key="nieuw_soort",
        help=" · ".join(f"{KINDS[k]}: {q}" for k, q in KIND_QUESTIONS.items()),
    )  # fmt: skip
    helps = None
    if kind == "talent" and buurt:
        dreams = store.query(
            data.info.gemeentecode, StoryFilter(buurtcodes=[buurt], kinds=["droom"])
        )
        helps = dream_select(
            dreams,
            "Helpt bij de droom (mag leeg blijven)",
            "Kies een droom uit deze buurt",
            "nieuw_helpt",
        )
    title = st.text_input("Titel (mag leeg blijven)", key="nieuw_titel")
    story_text = st.text_area("Het verhaal", height=140, key="nieuw_tekst")
    identifier_warning("nieuw_tekst")
    suggested = suggest_themes(story_text) if story_text else []
    if suggested:
        st.caption(
            "Voorgestelde thema's (kies zelf): "
            + ", ".join(cat.themes[t] for t in suggested)
        )
    chosen_themes = st.multiselect(
        "Thema's", list(cat.themes), format_func=cat.themes.get, key="nieuw_themas",
        placeholder="Kies een of meer thema's",
    )  # fmt: skip
    cols = st.columns(3)
    source = cols[0].selectbox("Bron", SOURCES, key="nieuw_bron")
    voice = cols[1].selectbox("Wie vertelt", VOICES, key="nieuw_stem")
    when = cols[2].date_input(
        "Datum", value=date.today(), format="DD-MM-YYYY", key="nieuw_datum"
    )
    consent = st.checkbox(
        "De verteller vindt het goed dat dit verhaal (zonder naam) wordt bewaard en gebruikt.",
        key="nieuw_toestemming",
    )
    if st.button("Verhaal opslaan", type="primary", key="nieuw_opslaan"):
        raw = {
            "buurtcode": buurt, "kind": kind, "themes": chosen_themes, "text": story_text,
            "title": title, "source": source, "voice": voice, "date": when, "consent": consent,
            "helps": helps or "",
        }  # fmt: skip
        valid, errors = validate_story(raw, codes)
        if errors:
            for e in errors:
                st.error(e)
        else:
            try:
                store.add(data.info.gemeentecode, valid)
            except StoreError as exc:
                st.error(str(exc))
            else:
                st.session_state["nieuw_opgeslagen"] = (
                    True  # empty the form on the next run
                )
                st.rerun()

with exchange_tab:
    st.markdown(
        "**Inlezen** uit een CSV- of Excel-bestand met de kolommen *buurtcode, soort, thema, "
        "tekst, datum, toestemming* (en eventueel *titel, bron, stem, lon, lat*; Engelse "
        "namen mogen ook). Als één regel niet klopt, wordt er niets ingelezen, tenzij je kiest "
        "om foute regels over te slaan."
    )
    import_panel(STORIES, store, data.info.gemeentecode, codes, "verhalen", "vertellen")
    st.divider()
    st.markdown("**Uitvoeren**: de verhalen die nu onder *Verhalen* gefilterd zijn.")
    export_buttons(
        lambda fmt: export_stories(found, fmt),
        f"verhalen_{data.info.gemeentecode}", "vertellen",
        on_download=lambda: log_export(user, data.info.gemeentecode, len(found)),
    )  # fmt: skip

"""Data: load a real gemeente (files or the CBS/PDOK services) and its own indicators, see the
report, manage datasets."""

from datetime import date

import pandas as pd
import streamlit as st

from analysis.datasets import DEMO_ID, list_datasets, remove_dataset
from analysis.errors import AnalysisError
from analysis.importer import import_cbs
from analysis.online import KWB_TABLES, fetch_gemeente, online_available
from stories.errors import StoreError
from stories.exchange import spreadsheet
from stories.retention import MONTHS_RANGE
from ui.access import actor
from ui.own import own_indicators
from ui.state import (
    audit_log,
    catalogue,
    connect_datasets,
    current_dataset,
    require_entry,
    retention,
)

user = require_entry("manage_datasets")
cat = catalogue()

st.title("Data")
st.markdown(
    "Laad je eigen gemeente in: de **buurtgrenzen** van CBS/PDOK met de **Kerncijfers wijken en "
    "buurten**. Elk jaar dat je inlaadt komt bij dezelfde gemeente, zodat je ontwikkelingen ziet."
)


def run_import(geometry, statistics, **options) -> None:
    """Import with progress shown; keep the report for after the rerun."""
    with st.status("Bezig met inladen…", expanded=True) as status:
        try:
            report = import_cbs(geometry, statistics, progress=st.write, **options)
        except AnalysisError as exc:
            status.update(label="Inladen mislukt", state="error")
            st.error(f"{exc} Er is niets veranderd aan de bestaande gegevens.")
            return
        status.update(label="Ingeladen", state="complete")
    gemeentecode = next(
        (i.gemeentecode for i in list_datasets() if i.id == report.dataset_id),
        report.dataset_id,
    )
    audit_log().write(
        actor(user), "dataset_imported", gemeentecode, 0, report.lines(cat)[1]
    )
    st.session_state["data_report"] = report.lines(cat)
    st.session_state["_switch_to"] = report.dataset_id
    st.rerun()


if moved := connect_datasets():
    st.info(
        f"Bij het starten naar de gedeelde database overgezet: {', '.join(moved)}. De oude map "
        "staat er nog als datasets-naar-database-… in de datamap; verwijder hem als alles klopt.",
        icon=":material/database:",
    )

if lines := st.session_state.pop("data_report", None):
    st.success(f"**Ingeladen.** {lines[1]} Je ziet de gemeente nu in de zijbalk.")
    with st.expander("Controleverslag", expanded=True):
        st.markdown("\n".join(f"- {line}" for line in lines))

files_tab, online_tab, own_tab, manage_tab, retention_tab, audit_tab = st.tabs(
    [
        "Uit bestanden",
        "Van internet (CBS en PDOK)",
        "Eigen indicatoren",
        "Ingeladen gemeenten",
        "Bewaartermijn",
        "Logboek",
    ],
    key="data_tabs",  # the chosen tab stays when the import report above it goes
)

with files_tab:
    with st.form("data_upload"):
        geometry_file = st.file_uploader(
            "Buurtkaart",
            type=["gpkg", "geojson", "json", "zip"],
            key="data_geometry",
            help="De Wijk- en buurtkaart van CBS als GeoPackage (wijkenbuurten_JJJJ_v1.gpkg), "
            "een gezipt shapefile, of GeoJSON. Cijfers in de kaart worden ook gelezen.",
        )
        stats_file = st.file_uploader(
            "Kerncijfers wijken en buurten (mag leeg blijven)",
            type=["csv", "txt", "xlsx"],
            key="data_stats",
            help="Een CSV of Excel-bestand uit StatLine of de CBS open-data-API, met een kolom met "
            "buurtcodes (BU…). Zonder dit bestand gebruiken we de cijfers uit de kaart.",
        )
        left, middle, right = st.columns(3)
        year = left.number_input(
            "Jaar", min_value=2000, max_value=2100, value=None, step=1, key="data_year",
            help="Alleen nodig als het jaar niet in de bestanden of de bestandsnaam staat.",
        )  # fmt: skip
        gemeente = middle.text_input(
            "Gemeentecode", key="data_gemeente", placeholder="bijv. GM0772",
            help="Alleen nodig bij een landelijk kaartbestand met alle gemeenten.",
        )  # fmt: skip
        name = right.text_input("Naam (mag leeg blijven)", key="data_name")
        submitted = st.form_submit_button("Inladen", type="primary")
    if submitted:
        if geometry_file is None:
            st.error("Kies eerst een bestand met buurtgrenzen.")
        else:
            run_import(
                (geometry_file.getvalue(), geometry_file.name),
                (stats_file.getvalue(), stats_file.name) if stats_file else None,
                year=int(year) if year else None,
                gemeente=gemeente.strip() or None,
                name=name.strip() or None,
            )

with online_tab:
    if not online_available():
        st.info(
            "**Geen internetverbinding.** Deze computer kan de open data van CBS en PDOK nu niet "
            "bereiken. Download de bestanden op een computer met internet en laad ze in via "
            "'Uit bestanden'.",
            icon=":material/wifi_off:",
        )
    else:
        with st.form("data_online"):
            left, right = st.columns(2)
            code = left.text_input(
                "Gemeentecode", placeholder="bijv. GM0772", key="data_online_gm"
            )
            year = right.selectbox(
                "Jaar", sorted(KWB_TABLES, reverse=True), key="data_online_year"
            )
            fetch = st.form_submit_button("Ophalen en inladen", type="primary")
        if fetch:
            try:
                with st.status("Ophalen bij CBS en PDOK…", expanded=True):
                    geometry, statistics = fetch_gemeente(
                        code.strip(), int(year), progress=st.write
                    )
            except AnalysisError as exc:
                st.error(str(exc))
            else:
                run_import(geometry, statistics, year=int(year), gemeente=code.strip())

with manage_tab:
    infos = list_datasets()
    st.dataframe(
        pd.DataFrame(
            {
                "Gemeente": [i.name for i in infos],
                "Code": [i.gemeentecode for i in infos],
                "Jaren": [", ".join(str(y) for y in i.years) for i in infos],
                "Bron": [i.source for i in infos],
                "Ingeladen": [
                    i.imported.replace("T", " ") or "meegeleverd" for i in infos
                ],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    removable = {i.id: i.name for i in infos if i.id != DEMO_ID}
    if not removable:
        st.caption(
            "Nog geen echte gemeenten ingeladen. De voorbeeldgemeente blijft altijd staan."
        )
    else:
        target = st.selectbox(
            "Gemeente verwijderen", list(removable), format_func=removable.get,
            index=None, placeholder="Kies een gemeente", key="data_remove",
        )  # fmt: skip
        if target and st.button(
            f"{removable[target]} verwijderen", key="data_remove_ask"
        ):
            st.session_state["data_confirm"] = target
        if st.session_state.get("data_confirm") == target and target:
            st.warning(
                f"Weet je het zeker? Alle ingeladen jaren van {removable[target]} worden verwijderd."
            )
            yes, no = st.columns(2)
            if yes.button("Ja, verwijderen", type="primary", key="data_remove_yes"):
                gone = next(i for i in infos if i.id == target)
                remove_dataset(target)
                audit_log().write(
                    actor(user), "dataset_removed", gone.gemeentecode, 0, gone.name
                )
                st.session_state.pop("data_confirm")
                st.toast(f"{removable[target]} is verwijderd.")
                st.rerun()
            if no.button("Nee, laten staan", key="data_remove_no"):
                st.session_state.pop("data_confirm")
                st.rerun()

data = current_dataset()
gemeentecode = data.info.gemeentecode

with own_tab:
    own_indicators(data, cat, user)

with retention_tab:
    st.markdown(
        f"**Bewaartermijn van de verhalen van {data.info.name}.** Verhalen zijn "
        "persoonsgegevens: bewaar ze niet langer dan nodig (AVG). Na de termijn wordt een "
        "verhaal geanonimiseerd: de tekst, de titel, wie het vertelde en de precieze plek "
        "gaan eruit; soort, thema's, buurt en maand blijven, zodat alle aantallen kloppen. "
        "Dit gebeurt elke keer dat de app start, en hier met de knop."
    )
    store = retention()
    plan = store.plan(gemeentecode, date.today())
    left, right = st.columns(2)
    left.metric("Voorbij de termijn", plan.due)
    right.metric("Bereikt de termijn binnen een maand", plan.next_month)
    with st.form("data_bewaartermijn"):
        months = st.number_input(
            "Bewaartermijn in maanden", min_value=MONTHS_RANGE[0],
            max_value=MONTHS_RANGE[1], value=plan.months, step=1, key="data_maanden",
        )  # fmt: skip
        if st.form_submit_button("Termijn opslaan"):
            try:
                store.set_months(gemeentecode, int(months), actor(user))
            except StoreError as exc:
                st.error(str(exc))
            else:
                st.toast(f"De bewaartermijn is nu {int(months)} maanden.")
                st.rerun()
    st.caption(
        f"Verhalen van voor {plan.cutoff:%d-%m-%Y} vallen nu buiten de termijn van "
        f"{plan.months} maanden."
        + (
            " Voorbeeldstad is fictief: bij het starten blijven zijn verzonnen verhalen "
            "heel; met de knop kun je het anonimiseren toch laten zien."
            if data.info.fictional
            else ""
        )
    )
    if plan.due and st.button(
        f"{plan.due} verhalen nu anonimiseren", type="primary", key="data_anonimiseer"
    ):
        done = store.apply(gemeentecode, date.today(), actor(user))
        st.toast(f"{done} verhalen geanonimiseerd.")
        st.rerun()
    st.markdown(
        "**Vraagt een bewoner om zijn verhaal te verwijderen?** Zoek het op de pagina "
        "Vertellen op zijn nummer (dat staat bij elk verhaal en in elke uitvoer) en "
        "verwijder het. Het logboek houdt bij dat het is verwijderd, niet wat er stond."
    )

with audit_tab:
    st.markdown(
        f"**Logboek van {data.info.name}**: wie wanneer verhalen bekeek, uitvoerde, "
        "toevoegde, wijzigde of verwijderde, en wie gegevens inlaadde of instellingen "
        "veranderde. Het logboek kan niet worden gewijzigd."
    )
    since = st.date_input(
        "Vanaf", value=None, format="DD-MM-YYYY", key="data_logboek_vanaf"
    )
    lines = audit_log().entries(gemeentecode, since)
    st.caption(f"{len(lines)} {'regel' if len(lines) == 1 else 'regels'}.")
    st.dataframe(lines, hide_index=True, width="stretch")
    st.download_button(
        "Logboek downloaden (CSV)",
        lambda: spreadsheet(lines),
        file_name=f"logboek_{gemeentecode}.csv",
        mime="text/csv",
        key="data_logboek_csv",
    )

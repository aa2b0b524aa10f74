"""Data: load a real gemeente (files or the CBS/PDOK services), see the report, manage datasets."""

import pandas as pd
import streamlit as st

from analysis.datasets import DEMO_ID, list_datasets, remove_dataset
from analysis.errors import AnalysisError
from analysis.importer import import_cbs
from analysis.online import KWB_TABLES, fetch_gemeente, online_available
from ui.state import catalogue, require_entry

require_entry()
cat = catalogue()

st.title("Data")
st.markdown(
    "Laad je eigen gemeente in: een **buurtkaart** van CBS/PDOK met de **Kerncijfers wijken en "
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
    st.session_state["data_report"] = report.lines(cat)
    st.session_state["_switch_to"] = report.dataset_id
    st.rerun()


if lines := st.session_state.pop("data_report", None):
    st.success(f"**Ingeladen.** {lines[1]} Je ziet de gemeente nu in de zijbalk.")
    with st.expander("Controleverslag", expanded=True):
        st.markdown("\n".join(f"- {line}" for line in lines))

files_tab, online_tab, manage_tab = st.tabs(
    ["Uit bestanden", "Van internet (CBS en PDOK)", "Ingeladen gemeenten"]
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
            st.error("Kies eerst een buurtkaart.")
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
                remove_dataset(target)
                st.session_state.pop("data_confirm")
                st.toast(f"{removable[target]} is verwijderd.")
                st.rerun()
            if no.button("Nee, laten staan", key="data_remove_no"):
                st.session_state.pop("data_confirm")
                st.rerun()

"""The Data page's part for a gemeente's own indicators: template, import, export."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analysis.catalogue import Catalogue
from analysis.cbs import read_table
from analysis.datasets import Dataset
from analysis.errors import AnalysisError
from analysis.own import DESCRIPTION_COLUMNS, export, import_own, own_levels, template
from stories.access import User
from ui.access import actor
from ui.state import audit_log

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def own_indicators(data: Dataset, cat: Catalogue, user: User) -> None:
    st.markdown(
        "Cijfers van de gemeente zelf, per buurt of per wijk: de GGD Gezondheidsmonitor, de "
        "Veiligheidsmonitor, eigen registraties. Ze verschijnen daarna overal waar de CBS-cijfers "
        "staan, met hun bron erbij."
    )
    if data.info.fictional:
        st.info(
            "De voorbeeldgemeente krijgt geen eigen cijfers. Kies in de zijbalk een ingeladen "
            "gemeente."
        )
        return
    name = data.info.name
    st.download_button(
        "Sjabloon downloaden (Excel)", lambda: template(data, cat),
        file_name=f"eigen-indicatoren-{data.info.gemeentecode}.xlsx", mime=XLSX,
        icon=":material/download:", on_click="ignore",
        help="Blad 'cijfers': een rij per buurt, een kolom per indicator. Blad 'indicatoren': "
        "per kolom de naam, het thema, de eenheid, de richting, de noemer en de bron.",
    )  # fmt: skip
    upload = st.file_uploader(
        f"Eigen cijfers van {name}", type=["xlsx", "csv"], key="own_file",
        help="Het ingevulde sjabloon, of een CSV met een kolom buurtcode of wijkcode.",
    )  # fmt: skip
    if upload is None:
        _listing(data, cat)
        return
    described = None
    if upload.name.lower().endswith(".csv"):
        try:
            columns = [
                c for c in read_table(upload.getvalue(), upload.name).columns
                if c.lower() not in ("buurtcode", "wijkcode", "jaar")
                and not c.lower().endswith("naam")
            ]  # fmt: skip
        except AnalysisError as exc:
            st.error(str(exc))
            return
        st.markdown(
            "Een CSV heeft geen beschrijving: vul hem hier in, een rij per kolom."
        )
        described = st.data_editor(
            pd.DataFrame({"kolom": columns, "label": columns, "thema": None, "eenheid": None,
                          "richting": None, "noemer": None, "bron": None}),
            column_config={
                "kolom": st.column_config.TextColumn(disabled=True),
                "thema": st.column_config.SelectboxColumn(options=list(cat.themes)),
                "richting": st.column_config.SelectboxColumn(
                    options=["1", "-1", "0"], help="1: hoger is beter; -1: hoger is slechter; "
                    "0: achtergrond, zonder signaal."),
                "noemer": st.column_config.SelectboxColumn(
                    options=["inwoners", "huishoudens", "woningen", "jongeren", "som", "geen"]),
            },
            hide_index=True, key="own_described",
        )[DESCRIPTION_COLUMNS]  # fmt: skip
    year = st.selectbox(
        "Jaar", [None, *data.years], key="own_year",
        format_func=lambda y: "uit de kolom 'jaar'" if y is None else str(y),
    )  # fmt: skip
    if st.button("Eigen cijfers inlezen", type="primary", key="own_import"):
        try:
            result = import_own(
                (upload.getvalue(), upload.name),
                data,
                cat,
                year=year,
                described=described,
            )
        except AnalysisError as exc:
            st.error(str(exc))
            return
        lines = result.lines()
        audit_log().write(
            actor(user), "indicators_imported", data.info.gemeentecode, 0, lines[0]
        )
        st.success("\n".join(f"- {line}" for line in lines))


def _listing(data: Dataset, cat: Catalogue) -> None:
    if not data.own:
        return
    st.dataframe(
        pd.DataFrame(
            {
                "Indicator": [i.label for i in data.own],
                "Thema": [cat.themes[i.theme] for i in data.own],
                "Eenheid": [i.unit for i in data.own],
                "Bron": [i.source for i in data.own],
            }
        ),
        hide_index=True,
    )
    for level in own_levels(data):
        st.download_button(
            f"Eigen cijfers per {level} downloaden (Excel)",
            lambda level=level: export(data, cat, level),
            file_name=f"eigen-cijfers-{level}-{data.info.gemeentecode}.xlsx", mime=XLSX,
            icon=":material/download:", key=f"own_export_{level}", on_click="ignore",
        )  # fmt: skip

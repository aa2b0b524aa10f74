"""Downloads of every figure (XLSX, CSV, GeoPackage), the same files as `cli.py export`."""

import streamlit as st

from analysis.datasets import Dataset
from analysis.export import SUFFIXES, export_bytes
from ui.state import catalogue

CHOICES = {
    "xlsx": ("Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": ("CSV, Nederlandse notatie (; en decimale komma)", "text/csv"),
    "csv-plain": ("CSV, internationale notatie (, en decimale punt)", "text/csv"),
    "gpkg": ("GeoPackage voor QGIS (met de grenzen)", "application/geopackage+sqlite3"),
}  # fmt: skip


def export_downloads(data: Dataset, year: int, key: str) -> None:
    """A 'Alle cijfers' popover: every buurt and wijk × every figure as numbers, with the
    verdict and reason; the file is made only when its button is clicked."""
    cat = catalogue()
    with st.popover("Alle cijfers downloaden", icon=":material/download:"):
        st.caption(
            f"Alle buurten en wijken van {data.info.name} met elk cijfer over {year} als "
            "getal, met buurtcode en wijkcode, en per cijfer het oordeel en de toelichting. "
            "Een leeg vak betekent: geen cijfer; waarom staat in de kolom ernaast."
        )
        for fmt, (label, mime) in CHOICES.items():
            st.download_button(
                label,
                lambda fmt=fmt: export_bytes(data, year, cat, fmt),
                file_name=f"cijfers_{data.info.gemeentecode}_{year}"
                + ("_internationaal" if fmt == "csv-plain" else "")
                + SUFFIXES[fmt],
                mime=mime,
                key=f"{key}_{fmt}",
                icon=":material/download:",
                width="stretch",
            )

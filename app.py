"""Tellen & Vertellen: wijkanalyse from neighbourhood statistics and residents' stories.

Entry point: page config, navigation and the shared sidebar (which gemeente is shown).
"""

import streamlit as st

from ui.state import sidebar

st.set_page_config(
    page_title="Tellen & Vertellen",
    page_icon="static/favicon.svg",
    layout="wide",
    initial_sidebar_state="expanded",
)

navigation = st.navigation(
    [
        st.Page(
            "pages/overzicht.py",
            title="Overzicht",
            icon=":material/home:",
            default=True,
        ),
        st.Page("pages/kaart.py", title="Kaart", icon=":material/map:"),
        st.Page("pages/tellen.py", title="Tellen", icon=":material/bar_chart:"),
        st.Page("pages/vertellen.py", title="Vertellen", icon=":material/forum:"),
        st.Page(
            "pages/initiatieven.py",
            title="Initiatieven",
            icon=":material/diversity_3:",
        ),
        st.Page(
            "pages/buurtprofiel.py", title="Buurtprofiel", icon=":material/description:"
        ),
        st.Page(
            "pages/werksessie.py", title="Werksessie", icon=":material/co_present:"
        ),
        st.Page("pages/data.py", title="Data", icon=":material/database:"),
        # The participants' phone form, reached by QR code or a short address.
        st.Page(
            "pages/doe_mee.py", title="Doe mee", url_path="doemee", visibility="hidden"
        ),
    ]
)
st.logo("static/logo.svg", size="large")
# Less empty space above the title: on a laptop the map should start above the fold.
st.markdown(
    "<style>.block-container{padding-top:2.5rem}</style>", unsafe_allow_html=True
)
sidebar()
navigation.run()

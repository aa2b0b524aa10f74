"""Tellen & Vertellen: wijkanalyse from neighbourhood statistics and residents' stories.

This file is both the server and the app. `streamlit run app.py` imports it and starts the
server it finds in `app` at the bottom: Streamlit's own, with what the browser loads first
handed out from memory (ui/assets.py). That server runs this same file as a script for every
visit: page config, who is asking, navigation and the shared sidebar (which gemeente is shown).
Only staff get the menu and the sidebar; a participant's phone runs the werksessie page and
nothing else, so a tap stays light.
"""

import streamlit as st
from starlette.middleware import Middleware

from stories.access import JOIN_PATH, PAGES
from ui.assets import NOT_FOUND, FrontEnd
from ui.gate import Gate, configured_names

# Captions in Streamlit's grey reach a contrast of only 4.0:1 on white (their grey at 60 %
# opacity); this grey reaches 6.8:1 (WCAG 1.4.3: 4.5:1). It goes into the head of the app's
# pages (ui/assets.py), ahead of Streamlit's own rules: `html body` outranks their classes.
CAPTION_STYLE = (
    "html body [data-testid=stCaptionContainer] { color: #555b6b; opacity: 1 }\n"
)

MENU = [
    # (file, title, icon); the page's own name is the key of its permission in PAGES.
    ("overzicht", "Overzicht", ":material/home:"),
    ("kaart", "Kaart", ":material/map:"),
    ("tellen", "Tellen", ":material/bar_chart:"),
    ("vertellen", "Vertellen", ":material/forum:"),
    ("initiatieven", "Initiatieven", ":material/diversity_3:"),
    ("agenda", "Buurtagenda", ":material/event_note:"),
    ("buurtprofiel", "Buurtprofiel", ":material/description:"),
    ("werksessie", "Werksessie", ":material/co_present:"),
    ("data", "Data", ":material/database:"),
    ("uitleg", "Wat betekent dit?", ":material/help:"),
]


def visit() -> None:
    """One run of the app, for one visitor."""
    # Imported here: the server itself (at the bottom) needs none of this.
    from ui.access import access_screen, current_user, who_box
    from ui.state import connect_datasets, sidebar

    st.set_page_config(
        page_title="Tellen & Vertellen",
        page_icon="static/favicon.svg",
        layout="wide",
        initial_sidebar_state="expanded",
    )

    # Streamlit declares its pages English; ours are Dutch, and a screen reader pronounces
    # the text by the declared language (WCAG 3.1.1). The app's pages say so in their HTML
    # (ui/assets.py); this says so, and sets the styles, wherever a page is served otherwise.
    # A component (the kind the map is) rather than st.html: as the first element of every
    # page it has the browser load Streamlit's component code early, which the map then
    # often finds there.
    page_setup = st.components.v2.component(
        "page_setup",
        # (Code and styles end in a line break: Streamlit takes a text of one line for a path.)
        js='export default function () {\n  document.documentElement.lang = "nl";\n}\n',
        css=".st-key-page_setup { display: none }\n"
        + CAPTION_STYLE
        # Less empty space above the title: on a laptop the map should start above the
        # fold. A plain class rule, so that the werksessie's views can set their own.
        + ".block-container { padding-top: 2.5rem }\n",
        isolate_styles=False,
    )
    page_setup(key="page_setup")

    connect_datasets()  # with WIJK_DATABASE_URL, the gemeenten come from the shared database
    user = current_user()
    pages = [
        st.Page(
            f"pages/{name}.py",
            title=title,
            icon=icon,
            default=name == "overzicht",
            # Every page keeps its address (it says itself who it is for); the menu shows
            # only what this user may open.
            visibility="visible" if user.can(PAGES[name]) else "hidden",
        )
        for name, title, icon in MENU
    ]
    # The participants' phone form, reached by QR code or a short address and a code.
    pages.append(
        st.Page(
            "pages/doemee.py", title="Doe mee", url_path=JOIN_PATH, visibility="hidden"
        )
    )
    navigation = st.navigation(pages, position="sidebar" if user.is_staff else "hidden")
    st.session_state["_entry_ran"] = True  # the pages check that they run through here
    if navigation.url_path == JOIN_PATH:
        navigation.run()
    elif not user.is_staff:
        access_screen(user)
    else:
        st.logo("static/logo.svg", size="large")
        sidebar()
        who_box(user)
        if NOT_FOUND in st.query_params:  # sent here from an address that is no page
            st.warning(
                "Die pagina bestaat niet (meer). Je ziet het overzicht; de pagina's staan "
                "in het menu links.",
                icon=":material/search_off:",
            )
            del st.query_params[NOT_FOUND]
        navigation.run()


if __name__ == "__main__":  # run as a visit's script (by the server, or by AppTest)
    visit()
else:  # imported, by `streamlit run app.py`: the server

    def host_names() -> set[str]:
        """The names the app is reached by, from the settings (read on the first request)."""
        from ui.access import secrets_section, setting

        return configured_names(
            setting, secrets_section("auth"), st.get_option("server.allowedHosts")
        )

    app = st.App(
        __file__,
        middleware=[
            Middleware(
                Gate, names=host_names, base_path=st.get_option("server.baseUrlPath")
            ),
            Middleware(
                FrontEnd,
                base_path=st.get_option("server.baseUrlPath"),
                pages=("", *(name for name, _, _ in MENU), JOIN_PATH),
                style=CAPTION_STYLE,
            ),
        ],
    )

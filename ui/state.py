"""Shared Streamlit state: cached loaders, URL-synced choices and the sidebar.

Choices a user would share (gemeente, indicator, buurt, jaar) live in `st.query_params`, so a
copied URL reproduces the view; every page loads what it needs through these loaders.
"""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from datetime import date

import geopandas as gpd
import pandas as pd
import streamlit as st
from sqlalchemy.engine import Engine
from streamlit.runtime.pages_manager import PagesManager

from analysis.catalogue import Catalogue, load_catalogue
from analysis.datasets import (
    DEMO_ID,
    Dataset,
    catalogue_for,
    dataset_version,
    list_datasets,
    load_dataset,
    pool_members,
    pooled_wide,
    use_store,
)
from analysis.errors import AnalysisError
from analysis.expected import Expected, expected_values
from analysis.network import links, locator
from analysis.signals import dataset_signals
from analysis.wijken import WijkFigures, wijk_areas, wijk_dataset, wijk_figures
from stories.access import User, counts_only
from stories.agenda import AgendaStore
from stories.agreements import AgreementStore
from stories.audit import Actor, AuditLog
from stories.dataset_store import DatabaseDatasets, use_database
from stories.db import database_url, make_engine
from stories.errors import StoreError
from stories.initiatives import InitiativeStore
from stories.network import NetworkStore
from stories.retention import Retention
from stories.store import StoryFilter, StoryStore
from stories.workshop import WorkshopStore
from ui.access import actor, current_user, require
from ui.maps import Shapes

START_UP = Actor("beheerder", "bewaartermijn bij het starten")


def require_entry(permission: str | None = "read_figures") -> User:
    """Make sure the page runs inside app.py's navigation, not on its own, and that the
    user may open it (`permission`; None for the werksessie's phone page, which checks its
    join code itself). Returns the user.

    Streamlit starts every server in its legacy mode for apps with a `pages/` folder and only
    leaves it once `st.navigation` has run. So when the very first visit after a (re)start is a
    deep link such as /kaart, the page would run without app.py: no page config, no sidebar,
    the folder listed as menu. Leave that mode and run again, this time through app.py.
    """
    # app.py sets the token on every run; the page takes it, so it proves *this* run.
    if not st.session_state.pop("_entry_ran", False):
        PagesManager.uses_pages_directory = False
        st.rerun()
    return require(permission) if permission else current_user()


@contextmanager
def stop_on_error():
    """A problem with the data (an AnalysisError) is shown in its Dutch words and ends the
    page, instead of a traceback."""
    try:
        yield
    except AnalysisError as exc:
        st.error(str(exc))
        st.stop()


def themes() -> dict[str, str]:
    """The themes (id → Dutch label), without loading any gemeente: for the phone page."""
    with stop_on_error():
        return load_catalogue().themes


def catalogue() -> Catalogue:
    """The catalogue with the shown gemeente's own indicators (this loads the gemeente)."""
    dataset_id = st.session_state.get("sidebar_gemeente", DEMO_ID)
    with stop_on_error():
        return _catalogue(dataset_id, dataset_version(dataset_id))


@st.cache_resource(max_entries=8)
def _catalogue(dataset_id: str, version: str) -> Catalogue:
    return catalogue_for(cached_dataset(dataset_id))


@st.cache_data(max_entries=4, show_spinner="Gegevens laden…")
def _load(dataset_id: str, version: str) -> Dataset:
    return load_dataset(dataset_id)


def cached_dataset(dataset_id: str) -> Dataset:
    """The dataset, reloaded when it was re-imported (its version is part of the cache key)."""
    return _load(dataset_id, dataset_version(dataset_id))


@st.cache_data(max_entries=8)
def _signals(dataset_id: str, version: str, year: int):
    data = cached_dataset(dataset_id)
    return dataset_signals(data, year, catalogue_for(data))


@st.cache_resource(max_entries=8)
def _shapes(dataset_id: str, version: str) -> Shapes:
    return Shapes.of(cached_dataset(dataset_id).map_geometry)


def cached_shapes(data: Dataset) -> Shapes:
    """The dataset's buurt outlines as the map fetches them (shared, never changed)."""
    return _shapes(data.info.id, dataset_version(data.info.id))


@st.cache_resource(max_entries=8)
def _wijken(dataset_id: str, version: str) -> tuple[gpd.GeoDataFrame, Shapes]:
    areas = wijk_areas(cached_dataset(dataset_id))
    return areas, Shapes.of(areas)


def cached_wijken(data: Dataset) -> tuple[gpd.GeoDataFrame, Shapes]:
    """The wijken as areas (buurt column names, see analysis/wijken) and their map outlines;
    shared and never changed, like `cached_shapes`."""
    return _wijken(data.info.id, dataset_version(data.info.id))


@st.cache_resource(max_entries=16)
def _wijk_figures(dataset_id: str, version: str, year: int) -> WijkFigures:
    data = cached_dataset(dataset_id)
    return wijk_figures(data, year, catalogue_for(data))


def cached_wijk_figures(data: Dataset, year: int) -> WijkFigures:
    """Figures per wijk of one year: CBS's where published, else combined from buurten."""
    return _wijk_figures(data.info.id, dataset_version(data.info.id), year)


@st.cache_resource(max_entries=4)
def _wijk_dataset(dataset_id: str, version: str) -> Dataset:
    data = cached_dataset(dataset_id)
    return wijk_dataset(data, catalogue_for(data))


def cached_wijk_dataset(data: Dataset) -> Dataset:
    """The gemeente with its wijken as areas (analysis/wijken.wijk_dataset): for a wijk
    profile. Shared and never changed."""
    return _wijk_dataset(data.info.id, dataset_version(data.info.id))


def cached_signals(dataset_id: str, year: int):
    """Reference values and signals of one dataset and year."""
    return _signals(dataset_id, dataset_version(dataset_id), year)


def _pool_keys(data: Dataset, year: int) -> tuple[tuple[str, str], ...]:
    """The pooled gemeenten (`pool_members`) with their versions: the cache keys."""
    return tuple((i.id, dataset_version(i.id)) for i in pool_members(data.info, year))


@st.cache_data(max_entries=4, show_spinner="Buurten van alle gemeenten verzamelen…")
def _pooled(keys: tuple[tuple[str, float], ...], year: int) -> pd.DataFrame:
    return pooled_wide([cached_dataset(i) for i, _ in keys], year)


def cached_pool(data: Dataset, year: int) -> pd.DataFrame:
    """All buurten of all loaded gemeenten (of the same kind) for one year."""
    return _pooled(_pool_keys(data, year), year)


@st.cache_data(max_entries=16, show_spinner="Verwachte waarden berekenen…")
def _expected(keys, year: int, indicator_id: str) -> Expected:
    return expected_values(_pooled(keys, year), load_catalogue()[indicator_id])


def cached_expected(data: Dataset, year: int, indicator_id: str) -> Expected:
    """Verwacht versus werkelijk for an outcome, modelled over all pooled buurten."""
    return _expected(_pool_keys(data, year), year, indicator_id)


@st.cache_resource(max_entries=4)
def _moved_into(url: str) -> tuple[str, ...]:
    """Once per server: gemeenten still in the data directory move into the database (and
    the audit log says so)."""
    engine = _engine(url)
    moved = use_database(engine)
    for info in moved:
        line = f"{info.name} ({info.gemeentecode}) uit de datamap naar de database overgezet"
        print(line, file=sys.stderr)
        AuditLog(engine).write(MOVED, "dataset_imported", info.gemeentecode, 0, line)
    return tuple(f"{i.name} ({i.gemeentecode})" for i in moved)


MOVED = Actor("beheerder", "overzetten bij het starten")


def connect_datasets() -> tuple[str, ...]:
    """With WIJK_DATABASE_URL the gemeenten live in that database, like the stories: every
    server on it sees the same. Returns the gemeenten this server moved in at its start."""
    url = database_setting()
    if not url:
        return ()
    try:
        moved = _moved_into(url)
        use_store(DatabaseDatasets(_engine(url)))
    except (StoreError, AnalysisError) as exc:
        st.error(str(exc))
        st.stop()
    return moved


def database_setting() -> str | None:
    """WIJK_DATABASE_URL from the environment or from Streamlit's secrets (shared installs)."""
    try:
        return os.environ.get("WIJK_DATABASE_URL") or st.secrets.get(
            "WIJK_DATABASE_URL"
        )
    except (
        FileNotFoundError
    ):  # no secrets file: the default SQLite in the data directory
        return None


@st.cache_resource(max_entries=4)
def _engine(url: str) -> Engine:
    """The engine, once per server: also the moment to apply the bewaartermijn."""
    engine = make_engine(url)
    Retention(engine).apply_everywhere(date.today(), START_UP)
    return engine


def _engine_or_stop() -> Engine:
    try:
        return _engine(database_url(database_setting()))
    except StoreError as exc:
        st.error(str(exc))
        st.stop()


def story_store() -> StoryStore:
    """The one store of stories, shared by all sessions; writes are logged as this user."""
    return StoryStore(_engine_or_stop(), actor(current_user()))


def initiative_store() -> InitiativeStore:
    """The initiatives, in the same database as the stories."""
    return InitiativeStore(_engine_or_stop(), actor(current_user()))


def network_store() -> NetworkStore:
    """Partners and vindplaatsen, in the same database; writes are logged as this user."""
    return NetworkStore(_engine_or_stop(), actor(current_user()))


def agenda_store() -> AgendaStore:
    """The buurtagenda, in the same database; writes are logged as this user."""
    return AgendaStore(_engine_or_stop(), actor(current_user()))


def agreement_store() -> AgreementStore:
    """The focusgesprek's agreements, in the same database; saves are logged as this user."""
    return AgreementStore(_engine_or_stop(), actor(current_user()))


def audit_log() -> AuditLog:
    return AuditLog(_engine_or_stop())


def retention() -> Retention:
    return Retention(_engine_or_stop())


def cached_stories(data: Dataset, where: StoryFilter | None = None):
    """Stories of a gemeente from the store (fresh on every run: others may have added some).
    For a user who may not read stories, with everything personal removed, here, before
    any page can show or export it: counts stay right, no quote or point gets through."""
    found = story_store().query(data.info.gemeentecode, where)
    return found if current_user().can("read_stories") else counts_only(found)


def cached_initiatives(data: Dataset):
    """Initiatives of a gemeente from the store (fresh on every run, like the stories)."""
    return initiative_store().query(data.info.gemeentecode)


def cached_network(data: Dataset) -> pd.DataFrame:
    """Partners and vindplaatsen of a gemeente from the store (fresh on every run)."""
    return network_store().query(data.info.gemeentecode)


def network_links(data: Dataset) -> pd.DataFrame:
    """What can be connected per buurt × theme (`analysis.network.links`)."""
    return links(data.buurten, cached_network(data), list(catalogue().themes))


@st.cache_resource(max_entries=16)
def buurt_locator(dataset_id: str, version: float):
    """(lon, lat) → buurtcode on a gemeente's full geometry, kept per dataset version."""
    return locator(cached_dataset(dataset_id).buurten)


def initiative_names(data: Dataset) -> dict[str, str]:
    """The gemeente's initiatives by id: their names, for the buurtagenda's 'wie'."""
    found = cached_initiatives(data)
    return dict(zip(found["id"], found["name"]))


@st.cache_resource(max_entries=16)
def _present(dataset_id: str, version: str, level: str) -> tuple[list[str], str]:
    """The indicators with at least one figure, in picker order, and the one to start with.
    Kept per dataset version: a restyle of the map asks for them on every click."""
    data, cat = cached_dataset(dataset_id), _catalogue(dataset_id, version)
    values = data.values
    present = set(values["indicator"][values["status"].eq("")].unique())
    if level == "wijk" and data.published is not None:
        published = data.published
        wijk = published["code"].str.startswith("WK") & published["status"].eq("")
        present |= set(published.loc[wijk, "indicator"].unique()) & set(cat.indicators)
    ids = cat.picker_order(i for i in cat.indicators if i in present)
    preferred = ("pct_huishoudens_laag_inkomen", "aantal_inwoners")
    return ids, next((i for i in preferred if i in present), ids[0] if ids else "")


def available_indicators(data: Dataset, level: str = "buurt") -> tuple[list[str], str]:
    """Indicators this gemeente has figures for (an early CBS release lacks income, say),
    grouped by theme with the curated ones first, and the one to start with; at wijk level
    also those published per wijk only. Stops the page with a message when none."""
    ids, first = _present(data.info.id, dataset_version(data.info.id), level)
    if not ids:
        st.warning(
            "Deze gemeente heeft nog geen cijfers. Laad de Kerncijfers in op de pagina Data."
        )
        st.stop()
    return list(ids), first


def synced_choice(param: str, options: list, default, key: str) -> None:
    """Seed widget `key` from the URL, so a shared link opens the same view; and reset it
    when its value is no longer an option (another gemeente was chosen meanwhile)."""
    if key not in st.session_state or st.session_state[key] not in options:
        wanted = st.query_params.get(param)
        st.session_state[key] = wanted if wanted in options else default


def keep_in_address(**params: str | None) -> None:
    """Keep the page's choices in its address, so a shared link opens the same view; `None`
    takes a choice out. Only a change is sent: every write is a message to the browser, which
    rewrites its history for each."""
    current = st.query_params.to_dict()
    wanted = {k: v for k, v in {**current, **params}.items() if v is not None}
    if wanted != current:
        st.query_params.from_dict(wanted)


def sidebar() -> Dataset:
    """The shared sidebar: which gemeente (dataset) is shown. Returns the loaded dataset."""
    infos = {d.id: d for d in list_datasets()}
    if "_switch_to" in st.session_state:  # set by the Data page after an import
        st.session_state["sidebar_gemeente"] = st.session_state.pop("_switch_to")
    if st.session_state.get("sidebar_gemeente") not in infos:
        st.session_state.pop("sidebar_gemeente", None)  # removed since the last run
    synced_choice("gemeente", list(infos), DEMO_ID, "sidebar_gemeente")
    # Streamlit keeps a selectbox's choice by its label: labels must be unique.
    names = [i.name for i in infos.values()]
    labels = {
        i.id: i.name
        if names.count(i.name) == 1
        else f"{i.name} ({i.gemeentecode}, {i.id})"
        for i in infos.values()
    }
    with st.sidebar:
        chosen = st.selectbox(
            "Gemeente",
            list(infos),
            format_func=labels.get,
            key="sidebar_gemeente",
            help="Welke gemeente je bekijkt. Echte gemeenten laad je in op de pagina Data.",
        )
        if infos[chosen].fictional:
            st.caption(
                "**Fictief.** Voorbeeldstad bestaat niet: cijfers, verhalen en initiatieven zijn "
                "verzonnen om het dashboard te laten zien."
            )
        else:
            years = ", ".join(str(y) for y in infos[chosen].years)
            st.caption(f"{infos[chosen].source}, {years}.")
    keep_in_address(gemeente=chosen)
    with stop_on_error():
        return cached_dataset(chosen)


def current_dataset() -> Dataset:
    """The dataset chosen in the sidebar (app.py renders the sidebar before every page)."""
    return cached_dataset(st.session_state.get("sidebar_gemeente", DEMO_ID))


def fictional_banner(data: Dataset) -> None:
    if data.info.fictional:
        st.info(
            "**Let op: fictieve gemeente.** Voorbeeldstad en alle cijfers, verhalen en initiatieven "
            "hier zijn verzonnen, om te laten zien hoe het dashboard werkt.",
            icon=":material/info:",
        )


def workshop_store() -> WorkshopStore:
    """Werksessies, their entries and votes, in the same database as the stories."""
    return WorkshopStore(_engine_or_stop(), actor(current_user()))


@st.cache_data(max_entries=16)
def _buurt_names(dataset_id: str, version: str) -> dict[str, str]:
    buurten = load_dataset(dataset_id).buurten
    return dict(zip(buurten["buurtcode"], buurten["buurtnaam"]))


def buurt_names(gemeentecode: str) -> dict[str, str]:
    """A gemeente's buurten by code: all the phone page needs of a dataset (a small cached
    dict, not the whole dataset with its geometry)."""
    found = next((d for d in list_datasets() if d.gemeentecode == gemeentecode), None)
    if found is None:
        return {}
    return _buurt_names(found.id, dataset_version(found.id))

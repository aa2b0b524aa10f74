"""Panels shared by the pages that take records: import and export (Vertellen and
Initiatieven), saving a register's form, and the warning about identifiers in story text
(Vertellen and Werksessie)."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from stories.errors import StoreError
from stories.exchange import RecordKind, import_records, read_records
from stories.privacy import describe, find_identifiers, redact
from stories.store import RecordStore


def import_panel(
    kind: RecordKind,
    store: RecordStore,
    dataset: str,
    buurtcodes: set[str],
    noun: str,
    key: str,
) -> None:
    """Upload → preview → per-row report → all-or-nothing import (or skip the bad rows)."""
    upload = st.file_uploader(
        f"Bestand met {noun}", type=["csv", "txt", "xlsx"], key=f"{key}_upload"
    )
    if upload is None:
        return
    try:
        checked = read_records(upload.getvalue(), upload.name, kind, buurtcodes)
    except StoreError as exc:
        st.error(str(exc))
        return
    st.caption(f"Voorbeeld van de eerste regels ({checked.rows} in totaal):")
    st.dataframe(checked.preview, hide_index=True, width="stretch")
    if checked.ignored:
        st.caption("Niet gebruikte kolommen: " + ", ".join(checked.ignored))
    if checked.problems:
        st.warning(f"{len(checked.problems)} van {checked.rows} regels kloppen niet:")
        st.dataframe(
            pd.DataFrame(
                [(line, " ".join(msgs)) for line, msgs in checked.problems],
                columns=["Regel", "Wat er niet klopt"],
            ),
            hide_index=True, width="stretch",
        )  # fmt: skip
    skip = st.checkbox(
        "Sla de foute regels over en lees de rest in",
        key=f"{key}_skip",
        disabled=not checked.problems,
    )
    ready = not checked.problems or skip
    if st.button(
        f"{len(checked.valid)} {noun} inlezen",
        type="primary",
        disabled=not ready or not checked.valid,
        key=f"{key}_import",
    ):
        try:
            result = import_records(
                store, dataset, upload.getvalue(), upload.name, kind, buurtcodes,
                skip_bad_rows=skip,
            )  # fmt: skip
        except StoreError as exc:
            st.error(str(exc))
        else:
            st.success(f"{result.written} {noun} ingelezen.")


def export_buttons(
    make: Callable[[str], bytes], name: str, key: str, on_download: Callable[[], None]
) -> None:
    """CSV and Excel downloads, made by `make("csv")` or `make("xlsx")` only when clicked:
    a file made on every view would wait on the server, fetchable by its address, after the
    browser closed. `on_download` runs on a click (the audit log's line)."""
    cols = st.columns(2)
    cols[0].download_button(
        "Download als CSV", lambda: make("csv"), file_name=f"{name}.csv",
        mime="text/csv", key=f"{key}_csv", on_click=on_download,
    )  # fmt: skip
    cols[1].download_button(
        "Download als Excel", lambda: make("xlsx"), file_name=f"{name}.xlsx",
        key=f"{key}_xlsx", on_click=on_download,
    )  # fmt: skip


def identifier_warning(key: str) -> None:
    """Warn when the text in widget `key` looks like it holds a phone number, e-mail address,
    BSN or address, and offer to take those out (saving is refused until they are gone)."""
    findings = find_identifiers(st.session_state.get(key) or "")
    if not findings:
        return
    st.warning(
        f"{describe(findings)} Gevonden: " + ", ".join(f"'{f.text}'" for f in findings),
        icon=":material/privacy_tip:",
    )

    def _remove() -> None:
        st.session_state[key] = redact(st.session_state[key])

    st.button("Haal deze gegevens uit de tekst", on_click=_remove, key=f"{key}_redact")


SAVED = "register_opgeslagen"  # the message of the last save, shown until the next run
ADDED = "register_toegevoegd"  # per add form: how many records it added this session


def form_key(base: str, current: dict) -> str:
    """The widget keys' prefix of a register's form: an edit form keeps `base`; an add form
    gets a new one after every record it added. The browser keeps what was typed in a widget
    whose key stays the same, even when the server forgets it, so only a new key shows the
    form empty (and a second click cannot add the same record again)."""
    added = st.session_state.get(ADDED, {}).get(base, 0)
    return base if current or not added else f"{base}_{added}"


def store_record(
    store: RecordStore,
    gemeentecode: str,
    record_id: str | None,
    item,
    errors: list[str],
) -> bool:
    """Store a validated record: its Dutch errors on the page if any, else add it (or update
    `record_id`); a store's refusal shown in Dutch too. True when stored."""
    for e in errors:
        st.error(e)
    if errors:
        return False
    try:
        if record_id:
            store.update(record_id, item)
        else:
            store.add(gemeentecode, item)
    except StoreError as exc:
        st.error(str(exc))
        return False
    return True


def save_record(
    store: RecordStore, gemeentecode: str, current: dict, item, errors: list[str],
    editing: str, form: str,
) -> None:  # fmt: skip
    """Save a validated form: its Dutch errors if any, else add the record (or update
    `current`, the one being edited), close the `editing` state and rerun. A record added
    by the form with base key `form` gives that form new keys (see `form_key`);
    `saved_message` then says what was saved."""
    if not store_record(store, gemeentecode, current.get("id"), item, errors):
        return
    st.session_state.pop(editing, None)
    if not current:
        added = st.session_state.setdefault(ADDED, {})
        added[form] = added.get(form, 0) + 1
    st.session_state[SAVED] = f"{item.name} is opgeslagen."
    st.rerun()


def saved_message() -> None:
    """What the last save stored, once: it stays on screen (a toast fades before everyone
    has read it) and is gone after the next click."""
    # Always there, so what follows keeps its place: an open form stays open.
    place = st.container()
    if said := st.session_state.pop(SAVED, None):
        place.success(said, icon=":material/check_circle:")


def dream_select(
    dreams: pd.DataFrame, label: str, placeholder: str, key: str
) -> str | None:
    """A talent's 'helps with' choice among `dreams` (stories of kind droom); empty allowed."""
    labels = {d["id"]: d["title"] or d["text"][:70] for d in dreams.to_dict("records")}
    return st.selectbox(
        label, list(labels), index=None, format_func=labels.get, placeholder=placeholder,
        key=key,
    )  # fmt: skip


def delete_button(
    where, store: RecordStore, record_id: str, question: str, done: str, key: str,
    picker: str,
) -> None:  # fmt: skip
    """A *Verwijderen* popover in `where` (a column) that asks `question` first, deletes the
    record, says `done` and clears the `picker` that had it chosen."""
    with where.popover("Verwijderen", icon=":material/delete:"):
        st.markdown(question)
        if st.button("Ja, verwijderen", key=key, type="primary"):
            try:
                store.delete(record_id)
            except StoreError as exc:
                st.error(str(exc))
            else:
                st.session_state.pop(picker, None)
                st.toast(done)
                st.rerun()

"""The buurtagenda in the app: one afspraak in full with its log, the form to add or edit one,
the lists of what needs doing, the calm *Vieren* view, and the one-click afspraak from a
rolwijzer suggestion or a focusgesprek."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analysis.catalogue import Catalogue
from analysis.datasets import Dataset
from stories.access import User
from stories.agenda import (
    STATUSES,
    AgendaStore,
    as_input,
    validate_afspraak,
    validate_entry,
)
from stories.errors import StoreError
from stories.model import ROLES as WIJKTEAM_ROLES
from ui.records import delete_button, store_record
from ui.text import plain


def area_names(data: Dataset) -> dict[str, str]:
    """Every buurt by its name and every wijk as 'wijk …', for the agenda's pickers."""
    wijken = data.buurten.drop_duplicates("wijkcode")
    return {
        **{c: f"wijk {n}" for c, n in zip(wijken["wijkcode"], wijken["wijknaam"])},
        **dict(zip(data.buurten["buurtcode"], data.buurten["buurtnaam"])),
    }


def day(value) -> str:
    return "–" if value is None or pd.isna(value) else f"{value:%d-%m-%Y}"


def agenda_table(
    shown: pd.DataFrame, names: dict[str, str], cat: Catalogue, initiatives: dict
) -> pd.DataFrame:
    """The afspraken as the page lists them, in Dutch."""
    return pd.DataFrame(
        {
            "Gebied": shown["area"].map(lambda c: names.get(c, c)),
            "Thema's": shown["themes"].map(
                lambda ts: ", ".join(cat.themes.get(t, t) for t in ts)
            ),
            "Wat": shown["what"],
            "Wie": [who_words(r, initiatives) for r in shown.to_dict("records")],
            "Status": shown["status"],
            "Contactmoment": shown["contact_date"].map(day),
        }
    )


def who_words(row: dict, initiatives: dict) -> str:
    """Who carries an afspraak, in words; 'nog niemand' when no one is named."""
    parts = [row["who"]] if row.get("who") else []
    if row.get("initiative_id"):
        parts.append(
            f"initiatief '{initiatives.get(row['initiative_id'], 'onbekend')}'"
        )
    if row.get("wijkteam_role") not in (None, "", "geen"):
        parts.append(f"wijkteam ({row['wijkteam_role']})")
    return ", ".join(parts) or "nog niemand"


def afspraak_view(
    item: dict,
    entries: pd.DataFrame,
    names: dict[str, str],
    cat: Catalogue,
    initiatives: dict,
    store: AgendaStore,
    user: User,
) -> None:
    """One afspraak in full: what, why, who, when, its log; and (for a medewerker) a new
    log line, a new status, an edit; (for a beheerder) removal."""
    with st.container(border=True):
        st.subheader(plain(item["what"]))
        st.caption(
            f"{names.get(item['area'], item['area'])} · "
            + ", ".join(cat.themes.get(t, t) for t in item["themes"])
            + f" · status: {item['status']} · gestart {day(item['start_date'])} · "
            f"volgend contact {day(item['contact_date'])} · herkomst: {item['origin']}"
        )
        st.markdown(f"**Wie:** {plain(who_words(item, initiatives))}")
        if item["why"]:
            st.markdown(f"**Waarom:** {plain(item['why'])}")
        if item["grounds"]:
            year = (
                "" if pd.isna(item["year"]) else f" (cijfers van {int(item['year'])})"
            )
            st.markdown(
                f"**Aanleiding, zoals het er stond toen de afspraak werd gemaakt{year}:**  \n"
                + "  \n".join(plain(line) for line in item["grounds"].splitlines())
            )
        own = entries[entries["agenda_id"] == item["id"]]
        st.markdown("**Verloop**")
        if own.empty:
            st.caption("Nog niets vastgelegd.")
        for entry in own.itertuples():
            mark = "**Succes** · " if entry.kind == "succes" else ""
            whom = f" (met {plain(entry.with_whom)})" if entry.with_whom else ""
            st.markdown(f"{day(entry.at)} · {mark}{plain(entry.text)}{whom}")
        werkgroep_view(store.engine, item["dataset"], item["id"], user,
                       f"agenda_{item['id']}")  # fmt: skip
        if not user.can("edit_records"):
            return
        key = f"agenda_{item['id']}"
        with st.form(f"{key}_verloop", clear_on_submit=True):
            st.markdown("**Wat gebeurde er?**")
            left, right = st.columns([1, 3])
            at = left.date_input(
                "Datum", date.today(), format="DD-MM-YYYY", key=f"{key}_datum"
            )
            text = right.text_input("Wat", max_chars=2000, key=f"{key}_tekst")
            left, right = st.columns([1, 3])
            success = left.checkbox("Een succes om te vieren", key=f"{key}_succes")
            with_whom = right.text_input(
                "Met wie (organisaties of groepen, geen namen van bewoners)",
                max_chars=200, key=f"{key}_metwie",
            )  # fmt: skip
            status = st.selectbox(
                "Status", STATUSES, STATUSES.index(item["status"]), key=f"{key}_status"
            )
            if st.form_submit_button("Vastleggen", type="primary"):
                _save_entry(store, item, at, text, success, with_whom, status)
        edit, delete, _ = st.columns([1, 1, 3])
        if edit.button(
            "Afspraak bewerken", key=f"{key}_bewerk", icon=":material/edit:"
        ):
            st.session_state["agenda_edit"] = item["id"]
        if user.can("delete_records"):
            delete_button(
                delete, store, item["id"],
                "Deze afspraak en haar verloop echt verwijderen? Dat kan niet ongedaan "
                "worden.", "De afspraak is verwijderd.", f"{key}_weg", "agenda_kies",
            )  # fmt: skip


def _save_entry(store, item, at, text, success, with_whom, status) -> None:
    try:
        if text.strip() or success:
            entry, errors = validate_entry(
                {
                    "at": at,
                    "text": text,
                    "with_whom": with_whom,
                    "kind": "succes" if success else "verloop",
                }  # fmt: skip
            )
            if errors:
                for e in errors:
                    st.error(e)
                return
            store.add_entry(item["id"], entry)
        if status != item["status"]:
            store.set_status(item["id"], status)
    except StoreError as exc:
        st.error(str(exc))
        return
    st.toast("Vastgelegd.")
    st.rerun()


def afspraak_form(
    key: str,
    data: Dataset,
    cat: Catalogue,
    store: AgendaStore,
    names: dict[str, str],
    initiatives: dict,
    current: dict | None = None,
    origin: dict | None = None,
) -> None:
    """Add (no `current`) or edit an afspraak; Dutch messages for every problem. `origin`
    (origin, origin_ref, year) says where a new one comes from, such as a werksessie."""
    current = current or dict(origin or {})
    areas = list(names)
    with st.form(key):
        what = st.text_input(
            "Wat gaat er gebeuren?", current.get("what", ""), max_chars=300,
            key=f"{key}_wat",
        )  # fmt: skip
        left, right = st.columns(2)
        area = left.selectbox(
            "Buurt of wijk", areas,
            areas.index(current["area"]) if current.get("area") in areas else None,
            format_func=names.get, placeholder="Kies een buurt of wijk", key=f"{key}_gebied",
        )  # fmt: skip
        themes = right.multiselect(
            "Thema's", list(cat.themes), current.get("themes", []),
            format_func=cat.themes.get, placeholder="Kies thema's", key=f"{key}_themas",
        )  # fmt: skip
        why = st.text_area(
            "Waarom?", current.get("why", ""), height=70, key=f"{key}_waarom",
            help="Welke cijfers en verhalen vragen hierom?",
        )  # fmt: skip
        left, right = st.columns(2)
        who = left.text_input(
            "Wie (partner of rol)", current.get("who", ""), max_chars=200,
            help="Een organisatie of een rol, zoals 'Stichting Buurtwerk' of "
            "'jongerenwerker'; geen namen van bewoners.", key=f"{key}_wie",
        )  # fmt: skip
        options = ["", *initiatives]
        initiative = right.selectbox(
            "Initiatief", options,
            options.index(current.get("initiative_id") or "")
            if (current.get("initiative_id") or "") in options else 0,
            format_func=lambda i: initiatives.get(i, "geen"), key=f"{key}_initiatief",
        )  # fmt: skip
        left, middle, right = st.columns(3)
        role = left.selectbox(
            "Rol van het wijkteam", WIJKTEAM_ROLES,
            WIJKTEAM_ROLES.index(current.get("wijkteam_role") or "geen"), key=f"{key}_rol",
        )  # fmt: skip
        start = middle.date_input(
            "Start", current.get("start_date") or date.today(), format="DD-MM-YYYY",
            key=f"{key}_start",
        )  # fmt: skip
        contact = right.date_input(
            "Volgend contactmoment", current.get("contact_date"), format="DD-MM-YYYY",
            key=f"{key}_contact",
        )  # fmt: skip
        if st.form_submit_button("Afspraak opslaan", type="primary"):
            raw = {
                **current, "area": area or "", "themes": themes, "what": what, "why": why,
                "who": who, "initiative_id": initiative, "wijkteam_role": role,
                "start_date": start, "contact_date": contact,
            }  # fmt: skip
            if save_afspraak(store, data, raw, names, current.get("id")):
                st.rerun()


def werkgroep_view(engine, dataset: str, target_id: str, user: User, key: str) -> None:
    """How many signed up for this werkgroep; for a medewerker who asks, who they are and
    how to reach them (personal data: the view is logged)."""
    from stories.agenda import sign_up_counts, sign_ups
    from ui.access import log_view

    count = sign_up_counts(engine, dataset).get(target_id, 0)
    if not count:
        st.caption("Nog niemand aangemeld voor de werkgroep.")
        return
    st.markdown(
        f"**Werkgroep:** {count} {'aanmelding' if count == 1 else 'aanmeldingen'}"
    )
    if not user.can("read_stories"):
        return
    if st.toggle("Toon wie meedoen (persoonsgegevens)", key=f"{key}_werkgroep"):
        people = sign_ups(engine, dataset, target_id)
        log_view(user, dataset, len(people), f"werkgroep {target_id}: aanmeldingen")
        st.dataframe(
            pd.DataFrame({
                "Voornaam": people["first_name"],
                "Contact (met toestemming)": people["contact"].replace("", "–"),
                "Aangemeld": people["created"].map(lambda t: f"{t:%d-%m-%Y}"),
            }), hide_index=True, width="stretch",
        )  # fmt: skip


def save_afspraak(
    store: AgendaStore,
    data: Dataset,
    raw: dict,
    names: dict[str, str],
    record_id: str | None = None,
) -> bool:
    """Check and store one afspraak, with Dutch messages on the page; True when stored."""
    item, errors = validate_afspraak(raw, set(names))
    if not store_record(store, data.info.gemeentecode, record_id, item, errors):
        return False
    st.session_state.pop("agenda_edit", None)
    st.toast(f"Op de agenda: {item.what}")
    return True


def edit_current(item: dict) -> dict:
    """A stored afspraak as the form's starting values."""
    return {**item, **vars(as_input(item)), "id": item["id"]}


def success_lines(
    wins: pd.DataFrame, names: dict[str, str], cat: Catalogue
) -> list[tuple[str, str]]:
    """Each success as (what went well, where · themes · when · with whom · its afspraak),
    for Vieren and Overzicht."""
    return [
        (
            plain(w.text),
            f"{plain(names.get(w.area, w.area))} · "
            f"{', '.join(cat.themes.get(t, t) for t in w.themes).lower()} · {day(w.at)}"
            + (f" · met {plain(w.with_whom)}" if w.with_whom else "")
            + f"  \nbij de afspraak: {plain(w.what)}",
        )
        for w in wins.itertuples()
    ]


def proposed(
    area: str,
    theme: str,
    what: str,
    grounds: str,
    origin: str,
    origin_ref: str,
    year: int,
    role: str = "geen",
) -> dict:
    """The raw afspraak one click makes from a suggestion (rolwijzer, focusgesprek, dream):
    planned, starting today, with its grounds as they read today."""
    return {
        "area": area, "themes": [theme], "what": what, "grounds": grounds,
        "origin": origin, "origin_ref": origin_ref, "year": year, "status": "gepland",
        "wijkteam_role": role if role in WIJKTEAM_ROLES else "geen",
        "start_date": date.today(),
    }  # fmt: skip


def already_planned(afspraken: pd.DataFrame, origin: str, origin_ref: str) -> bool:
    open_ = afspraken[afspraken["status"].isin(("gepland", "bezig"))]
    return bool(
        ((open_["origin"] == origin) & (open_["origin_ref"] == origin_ref)).any()
    )


def agenda_button(
    store: AgendaStore,
    data: Dataset,
    names: dict[str, str],
    afspraken: pd.DataFrame,
    raw: dict,
    key: str,
) -> None:
    """One click puts a suggestion on the buurtagenda (planned, its grounds kept as they read
    today); once it is there and open, the button says so instead."""
    if already_planned(afspraken, raw["origin"], raw["origin_ref"]):
        st.caption(":material/event_available: Staat op de agenda")
    elif st.button("Op de agenda", key=key, icon=":material/event_note:"):
        if save_afspraak(store, data, raw, names):
            st.rerun()


def in_areas(afspraken: pd.DataFrame, chosen: list[str], data: Dataset) -> pd.DataFrame:
    """The afspraken of the chosen buurten and wijken; a wijk's include its buurten's."""
    wijk_of = dict(zip(data.buurten["buurtcode"], data.buurten["wijkcode"]))
    area = afspraken["area"]
    return afspraken[area.isin(chosen) | area.map(wijk_of).isin(chosen)]


def agenda_for(
    afspraken: pd.DataFrame, code: str, data: Dataset, level: str = "buurt"
) -> pd.DataFrame:
    """The afspraken a profile shows: a buurt's own and its wijk's; a wijk's own and all of
    its buurten's."""
    if level == "wijk":
        return in_areas(afspraken, [code], data)
    wijk_of = dict(zip(data.buurten["buurtcode"], data.buurten["wijkcode"]))
    return afspraken[afspraken["area"].isin([code, wijk_of.get(code)])]


def profile_agenda(
    rows: pd.DataFrame, names: dict[str, str], initiatives: dict
) -> list[dict]:
    """The afspraken as the profile document lists them, open ones first."""
    ordered = rows.assign(done=~rows["status"].isin(("gepland", "bezig"))).sort_values(
        ["done", "contact_date"], kind="stable"
    )
    return [
        {
            "what": r["what"],
            "area": names.get(r["area"], r["area"]),
            "who": who_words(r, initiatives),
            "status": r["status"],
            "contact": day(r["contact_date"]),
        }  # fmt: skip
        for r in ordered.to_dict("records")
    ]


CAUTION = (
    "Dit is samenhang, geen bewijs: een cijfer dat veranderde waar iets gebeurde, is niet "
    "door die afspraak veranderd, en een cijfer dat bleef, zegt niet dat ze niet werkte. "
    "Een verandering telt als 'meer verbeterd' of 'meer verslechterd' als ze buiten toeval "
    "en de gewone verschillen tussen buurten valt, vergeleken met de hele gemeente."
)


def look_words(look, names: dict[str, str], cat: Catalogue, initiatives: dict) -> dict:
    """One afspraak of the terugblik as the page and the document say it."""
    a = look.afspraak
    kinds = {"kracht": ("kracht", "krachten"), "zorg": ("zorg", "zorgen"),
             "droom": ("droom", "dromen")}  # fmt: skip
    told = [
        f"{n} {kinds[k][n != 1]}" for k, n in look.stories.items() if k in kinds and n
    ]
    return {
        "afspraak": a,
        "place": names.get(a["area"], a["area"]),
        "themes": ", ".join(cat.themes.get(t, t) for t in a["themes"]),
        "made": day(pd.Timestamp(a["created"]).date()),
        "who": who_words(a, initiatives),
        "entries": [
            {**e, "at": day(e["at"])}
            for e in sorted(look.entries, key=lambda e: e["at"])
        ],
        "figures": look.figures,
        "note": look.note,
        "stories": (
            f"Verhalen op dit thema sinds de afspraak: {', '.join(told)}."
            if told
            else "Sinds de afspraak geen verhalen op dit thema."
        ),
        "started": (
            f"Initiatieven gestart: {', '.join(look.started)}." if look.started else ""
        ),
    }


def render_lookback(
    words: list[dict], data: Dataset, place: str, since: date, until: date
) -> str:
    """The terugblik as one standalone HTML file (for the yearly talk; PDF via render_pdf)."""
    from ui.profile_doc import ENV

    return ENV.get_template("terugblik.html.j2").render(
        looks=words, place=place, gemeente=data.info.name, since=day(since),
        until=day(until), caution=CAUTION, fictional=data.info.fictional,
        source=f"Cijfers: {data.info.source}", made=day(date.today()),
    )  # fmt: skip

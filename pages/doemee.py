"""Doe mee: the werksessie on a participant's phone. Add a dream, kracht or zorg in a few taps,
and put dots on the dreams. Opened from the QR code on the projector (it carries the join
code), or by typing the short address and then the code. Hidden from the menu.

Anyone with a valid code may use it, without an account; it shows nothing else. It loads no
dataset (only the werksessie's buurt names, cached), so a tap stays light with 30 phones."""

from __future__ import annotations

from datetime import date

import streamlit as st

from analysis.workshop import hidden_by_counts, rank_dreams
from stories.agenda import validate_sign_up
from stories.errors import StoreError
from stories.model import KINDS, VOICES
from stories.validation import validate_story
from stories.workshop import Workshop
from ui.access import participant_id
from ui.records import dream_select, identifier_warning
from ui.state import (
    agenda_store,
    buurt_names,
    require_entry,
    story_store,
    themes,
    workshop_store,
)
from ui.text import plain
from ui.workshop import LITTLE_TOLD, PARTICIPANT_CSS

DOTS_EVERY = "5s"  # how soon a phone sees new dreams to vote on

require_entry(None)  # the join code is the check
theme_labels = themes()  # not catalogue(): a tap never loads the gemeente
store = workshop_store()


def participant_view(workshop: Workshop) -> None:
    participant = participant_id()
    st.subheader(f"Doe mee: {plain(workshop.name)}")
    view = st.segmented_control(
        "Wat wil je doen?",
        ["vertellen", "stemmen", "meedoen"],
        format_func={
            "vertellen": "Iets vertellen",
            "stemmen": "Stippen zetten",
            "meedoen": "Meedoen",
        }.get,  # fmt: skip
        default="vertellen",
        key="ws_doen",
        label_visibility="collapsed",
        width="stretch",
    )
    if view == "stemmen":
        dots_panel(workshop, participant)
    elif view == "meedoen":
        join_panel(workshop)
    else:
        capture_form(workshop)


def join_panel(workshop: Workshop) -> None:
    """Sign up for the werkgroep of one of tonight's afspraken or dreams: a first name, and
    only with explicit consent a phone number or e-mail address for the wijkteam."""
    if done := st.session_state.pop("ws_aangemeld", None):
        # Emptied before the widgets are drawn (set, not removed: the browser follows).
        st.session_state.update(
            {"ws_voornaam": "", "ws_contact": "", "ws_contact_ok": False}
        )
        st.success(done, icon=":material/check:")
    hidden = hidden_on_projector(workshop)
    found = agenda_store().query(workshop.dataset)
    made = found[
        (found["origin"] == "werksessie")
        & found["origin_ref"].str.startswith(workshop.id)
    ]
    targets = {
        ("afspraak", a["id"]): f"Afspraak: {a['what']}"
        + (
            f" (volgend contact {a['contact_date']:%d-%m-%Y})"
            if a["contact_date"]
            else ""
        )
        for a in made.to_dict("records")
    }
    for d in rank_dreams(store.entries(workshop.id)).head(5).to_dict("records"):
        where = (
            LITTLE_TOLD if d["buurtcode"] in hidden else names.get(d["buurtcode"], "")
        )
        targets[("droom", d["id"])] = f"Droom: {d['title'] or d['text'][:80]} ({where})"
    st.markdown("### Doe mee in een werkgroep")
    if not targets:
        st.info("Er zijn nog geen afspraken of dromen om voor aan te melden.")
        return
    target = st.radio(
        "Waarvoor meld je je aan?", list(targets), format_func=targets.get,
        key="ws_werkgroep",
    )  # fmt: skip
    name = st.text_input("Je voornaam", max_chars=40, key="ws_voornaam")
    consent = st.checkbox(
        "Het wijkteam mag me bellen of mailen over deze werkgroep.", key="ws_contact_ok"
    )
    contact = ""
    if consent:
        contact = st.text_input(
            "Telefoonnummer of e-mailadres", max_chars=254, key="ws_contact",
            help="Alleen medewerkers van het wijkteam zien dit, en het wordt na de "
            "bewaartermijn verwijderd.",
        )  # fmt: skip
    st.caption(
        "Je voornaam komt niet op het grote scherm; daar staat alleen hoeveel mensen meedoen."
    )
    if st.button("Aanmelden", type="primary", key="ws_aanmelden", width="stretch"):
        person, errors = validate_sign_up({
            "target_kind": target[0], "target_id": target[1], "first_name": name,
            "contact": contact, "consent": consent,
        })  # fmt: skip
        for message in errors:
            st.error(message)
        if person is None:
            return
        try:
            store.sign_up(workshop, person)
        except StoreError as exc:
            st.error(str(exc))
            return
        st.session_state["ws_aangemeld"] = (
            "Je doet mee! Het wijkteam neemt contact met je op."
            if person.contact
            else "Je doet mee! Kom naar het volgende contactmoment, of vraag de begeleider."
        )
        st.rerun()


def capture_form(workshop: Workshop) -> None:
    if st.session_state.pop("ws_bewaard", None):
        # Set back to empty (not removed): the browser then knows the form is empty too.
        blank = {
            "ws_titel": "",
            "ws_tekst": "",
            "ws_themas": [],
            "ws_toestemming": False,
            "ws_helpt": None,
        }
        st.session_state.update(blank)
        st.success(
            "Dank je wel! Het staat op het grote scherm.", icon=":material/check:"
        )
    if st.session_state.get("ws_buurt") not in codes:
        st.session_state["ws_buurt"] = workshop.current_buurt
    kind = st.segmented_control(
        "Wat is het?", ["droom", "kracht", "zorg", "talent"], format_func=KINDS.get,
        default="droom", key="ws_soort", width="stretch",
    )  # fmt: skip
    st.caption(
        "Droom: wat je wenst · Kracht: wat goed gaat · Zorg: wat beter moet · "
        "Talent: wat jij kunt of wilt inbrengen"
    )
    helps = None
    if kind == "talent":
        helps = dream_select(
            rank_dreams(store.entries(workshop.id)),
            "Ik help mee met de droom (mag leeg blijven)",
            "Kies een droom van vanavond",
            "ws_helpt",
        )
    buurt = st.selectbox(
        "Over welke buurt?", sorted(codes, key=names.get), format_func=names.get,
        index=None, placeholder="Kies de buurt", key="ws_buurt",
    )  # fmt: skip
    themes = st.pills(
        "Waar gaat het over?", list(theme_labels), format_func=theme_labels.get,
        selection_mode="multi", key="ws_themas",
    )  # fmt: skip
    title = st.text_input(
        "In een paar woorden", max_chars=80, key="ws_titel",
        placeholder="Bijvoorbeeld: ik kan koken voor een groep"
        if kind == "talent"
        else "Bijvoorbeeld: een moestuin bij de school",
    )  # fmt: skip
    st.text_area("Vertel er meer over (mag leeg blijven)", height=100, key="ws_tekst")
    identifier_warning("ws_tekst")
    voice = st.selectbox("Ik ben", VOICES, key="ws_stem")
    consent = st.checkbox(
        "Ik vind het goed dat dit zonder mijn naam wordt bewaard en op het scherm komt.",
        key="ws_toestemming",
    )
    st.caption("Schrijf geen namen, adressen of telefoonnummers op.")
    if st.button("Versturen", type="primary", key="ws_versturen", width="stretch"):
        more = (st.session_state.get("ws_tekst") or "").strip()
        raw = {
            "buurtcode": buurt, "kind": kind, "themes": themes or [],
            "title": title, "text": more or title, "source": "werksessie",
            "voice": voice, "date": date.today(), "consent": consent,
            "helps": helps or "",
        }  # fmt: skip
        valid, errors = validate_story(raw, set(codes))
        if not (title or "").strip():
            errors.insert(0, "Schrijf in een paar woorden wat je wilt vertellen.")
        if errors:
            for message in errors:
                st.error(message)
            return
        try:
            store.add_entry(workshop, valid)
        except StoreError as exc:
            st.error(str(exc))
        else:
            st.session_state["ws_bewaard"] = True
            st.rerun()


@st.fragment(run_every=DOTS_EVERY)
def dots_panel(workshop: Workshop, participant: str) -> None:
    # The code again on every refresh: after *Opnieuw openen* or the end, the old one is dead.
    if store.by_code(workshop.join_code) is None:
        code_refused(heading=False)  # the page's own heading is already above
        return
    # In the order they came in, without the tally: everyone chooses for themselves.
    told = store.entries(workshop.id)
    dreams = told[told["kind"] == "droom"].iloc[::-1]
    mine = store.dots_of(workshop.id, participant)
    left = workshop.votes - sum(mine.values())
    if problem := st.session_state.pop("ws_stip_fout", None):
        st.warning(problem)
    st.markdown(
        f"### Je hebt nog {left} van de {workshop.votes} stippen\n"
        "Zet ze op de dromen die jij het belangrijkst vindt. Meer stippen op één droom mag."
    )
    if dreams.empty:
        st.info("Er zijn nog geen dromen. Vertel de eerste!")
        return
    hidden = hidden_on_projector(workshop)
    for dream in dreams.to_dict("records"):
        with st.container(border=True, key=f"ws_droom_{dream['id']}"):
            own = mine.get(dream["id"], 0)
            where = dream["buurtcode"]
            st.markdown(
                f"**{plain(dream['title'] or dream['text'][:80])}**  \n"
                f"{plain(LITTLE_TOLD if where in hidden else names.get(where, ''))} · "
                f"{plain(', '.join(theme_labels.get(t, t) for t in dream['themes']))}"
                + (f"  \nJouw stippen: {'●' * own}" if own else "")
            )
            add, remove = st.columns(2)
            add.button(
                "Stip erbij", key=f"ws_plus_{dream['id']}", icon=":material/add:",
                disabled=left <= 0, width="stretch", on_click=cast,
                args=(store.vote, workshop, participant, dream["id"]),
            )  # fmt: skip
            if own:
                remove.button(
                    "Stip eraf", key=f"ws_min_{dream['id']}", icon=":material/remove:",
                    width="stretch", on_click=cast,
                    args=(store.unvote, workshop, participant, dream["id"]),
                )  # fmt: skip


def hidden_on_projector(workshop: Workshop) -> set[str]:
    """The buurten the privacy-safe projector does not name (too few stories): the phones
    do not name them either."""
    if not workshop.privacy_safe:
        return set()
    counts = story_store().per_buurt(workshop.dataset)
    return hidden_by_counts(counts, codes, workshop.min_stories)


def cast(action, workshop: Workshop, participant: str, story_id: str) -> None:
    """Put a dot on (or take it off) a dream, before the panel is drawn again."""
    try:
        action(workshop, participant, story_id)
    except StoreError as exc:
        st.session_state["ws_stip_fout"] = str(exc)


def code_refused(heading: bool = True) -> None:
    """A wrong, ended or replaced code: say so, and offer to type the one on the screen."""
    if heading:
        st.subheader("Doe mee")
    st.warning(
        "Deze code klopt niet, of de werksessie is afgelopen. Kijk op het grote scherm "
        "voor de code, of vraag de begeleider.",
        icon=":material/key_off:",
    )
    if st.button("Andere code invullen", key="ws_andere_code"):
        st.query_params.pop("code", None)
        st.rerun()


def ask_code() -> None:
    """No code in the address: ask for the one on the projector."""
    st.subheader("Doe mee")
    with st.form("ws_code_form"):
        typed = st.text_input(
            "Code van de werksessie", max_chars=12, key="ws_code",
            placeholder="Bijvoorbeeld K7QF-M2XP",
            help="De code staat op het grote scherm, naast de QR-code.",
        )  # fmt: skip
        if st.form_submit_button("Meedoen", type="primary", width="stretch"):
            st.query_params["code"] = typed
            st.rerun()


st.markdown(PARTICIPANT_CSS, unsafe_allow_html=True)
typed = st.query_params.get("code")
if not typed:
    ask_code()
    st.stop()
workshop = store.by_code(typed)
if workshop is None:
    code_refused()
    st.stop()
names = buurt_names(workshop.dataset)
codes = list(names)
participant_view(workshop)

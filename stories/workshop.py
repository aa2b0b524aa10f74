"""Werksessies: a workshop's settings, the stories participants add live, dot-voting on its
dreams, and the dream the group chooses, saved as an initiative in phase 'idee'.

Entries are ordinary stories (source 'werksessie'), stored with the same checks as any other;
a link table says which werksessie they came from. Every participant has a fixed number of
dots: a vote takes one of the participant's numbered slots (a primary key), so the limit holds
even when two taps arrive at the same moment, on SQLite and on PostgreSQL alike.
"""

from __future__ import annotations

import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from stories.agenda import SignUp, agenda, werkgroep
from stories.audit import Actor, record
from stories.errors import StoreError
from stories.initiatives import InitiativeIn, InitiativeStore
from stories.store import STORY_COLUMNS, StoryStore, saving, stories, writer
from stories.validation import StoryIn

MAX_NAME = 120
VOTE_RANGE = (1, 10)
MIN_STORIES_RANGE = (1, 50)
# Join codes: 8 characters without look-alikes (0/O, 1/I/L), about 10^12 possibilities; read
# aloud or typed from the projector. A code stops working when the werksessie ends, or a day
# after it was given out.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
CODE_VALID = timedelta(hours=24)

workshops = sa.table(
    "workshops",
    *(sa.column(c, sa.String()) for c in ("id", "dataset", "name", "current_buurt")),
    sa.column("votes", sa.Integer()),
    sa.column("min_stories", sa.Integer()),
    sa.column("privacy_safe", sa.Boolean()),
    sa.column("created", sa.DateTime()),
    sa.column("join_code", sa.String()),
    sa.column("code_until", sa.DateTime()),
)
entries = sa.table(
    "workshop_entries",
    *(sa.column(c, sa.String()) for c in ("story_id", "workshop_id", "initiative_id")),
)
votes = sa.table(
    "workshop_votes",
    *(sa.column(c, sa.String()) for c in ("workshop_id", "participant", "story_id")),
    sa.column("slot", sa.Integer()),
    sa.column("created", sa.DateTime()),
)


@dataclass(frozen=True)
class Workshop:
    id: str
    dataset: str
    name: str
    votes: int  # dots per participant
    min_stories: int  # the privacy-safe view hides buurten with fewer stories
    privacy_safe: bool
    current_buurt: str | None
    created: datetime
    join_code: str | None = None
    code_until: datetime | None = None

    def is_open(self, now: datetime | None = None) -> bool:
        """Whether participants can join with its code now."""
        now = now or datetime.now()
        return (
            bool(self.join_code)
            and self.code_until is not None
            and now < self.code_until
        )

    @property
    def code_display(self) -> str:
        """'K7QF-M2XP': easier to read aloud and type."""
        code = self.join_code or ""
        return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


def check_settings(name: str, votes_each: int, min_stories: int) -> list[str]:
    """Dutch messages for settings a werksessie cannot have; empty when all is well."""
    errors = []
    if not name.strip():
        errors.append("Geef de werksessie een naam, bijvoorbeeld 'Buurtavond Noord'.")
    elif len(name.strip()) > MAX_NAME:
        errors.append(
            f"De naam is te lang ({len(name.strip())} tekens; hooguit {MAX_NAME})."
        )
    if not VOTE_RANGE[0] <= votes_each <= VOTE_RANGE[1]:
        errors.append(
            f"Geef iedere deelnemer {VOTE_RANGE[0]} tot {VOTE_RANGE[1]} stippen."
        )
    if not MIN_STORIES_RANGE[0] <= min_stories <= MIN_STORIES_RANGE[1]:
        errors.append(
            f"Het minimum aantal verhalen ligt tussen {MIN_STORIES_RANGE[0]} en "
            f"{MIN_STORIES_RANGE[1]}."
        )
    return errors


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str | None) -> str:
    """What someone typed or scanned, as stored: capitals, no spaces or dashes.

    >>> normalise_code(" k7qf-m2xp ")
    'K7QFM2XP'
    """
    return "".join(c for c in (typed or "").upper() if c.isalnum())[:32]


def new_participant() -> str:
    """A random id for one participant's device; it holds no personal data."""
    return uuid.uuid4().hex[:12]


class WorkshopStore:
    """Werksessies and what happens in them, in the stories' database. Entries, settings
    and choices are logged under the store's actor (a participant's entry as 'deelnemer')."""

    def __init__(self, engine: Engine, actor: Actor | None = None):
        self.engine = engine
        self.actor = actor

    def _writer(self, permission: str | None = "run_workshops") -> Actor:
        return writer(self.actor, permission)

    # --- the werksessie itself ------------------------------------------------------------

    def create(
        self,
        dataset: str,
        name: str,
        votes_each: int = 3,
        min_stories: int = 5,
        privacy_safe: bool = True,
    ) -> Workshop:
        actor = self._writer()
        if errors := check_settings(name, votes_each, min_stories):
            raise StoreError(" ".join(errors))
        now = datetime.now().replace(microsecond=0)
        row = {
            "id": uuid.uuid4().hex[:10], "dataset": dataset, "name": name.strip(),
            "votes": votes_each, "min_stories": min_stories, "privacy_safe": privacy_safe,
            "current_buurt": None, "created": now, "join_code": new_join_code(),
            "code_until": now + CODE_VALID,
        }  # fmt: skip
        with saving(self.engine) as conn:
            conn.execute(sa.insert(workshops), row)
            record(
                conn,
                actor,
                "setting_changed",
                dataset,
                0,
                f"werksessie '{row['name']}' gestart",
            )
        return Workshop(**row)

    def by_code(self, typed: str | None) -> Workshop | None:
        """The open werksessie with this join code; None for a wrong or ended code."""
        code = normalise_code(typed)
        if len(code) != CODE_LENGTH:
            return None
        with self.engine.connect() as conn:
            row = (
                conn.execute(sa.select(workshops).where(workshops.c.join_code == code))
                .mappings()
                .first()
            )
        found = Workshop(**row) if row else None
        return found if found is not None and found.is_open() else None

    def end(self, workshop_id: str) -> None:
        """End the werksessie: its code stops working at once."""
        self._set_code(workshop_id, None, "beëindigd")

    def reopen(self, workshop_id: str) -> Workshop:
        """A new code, valid for another day (the old one stays dead)."""
        self._set_code(workshop_id, new_join_code(), "heropend met een nieuwe code")
        return self.get(workshop_id)

    def _set_code(self, workshop_id: str, code: str | None, what: str) -> None:
        actor = self._writer()
        now = datetime.now().replace(microsecond=0)
        until = now + CODE_VALID if code else now
        with saving(self.engine) as conn:
            found = conn.execute(
                sa.select(workshops.c.dataset, workshops.c.name).where(
                    workshops.c.id == workshop_id
                )
            ).first()
            if found is None:
                raise StoreError("Deze werksessie bestaat niet (meer).")
            conn.execute(
                sa.update(workshops)
                .where(workshops.c.id == workshop_id)
                .values(join_code=code, code_until=until)
            )
            record(
                conn,
                actor,
                "setting_changed",
                found.dataset,
                0,
                f"werksessie '{found.name}' {what}",
            )

    def get(self, workshop_id: str) -> Workshop | None:
        with self.engine.connect() as conn:
            row = (
                conn.execute(sa.select(workshops).where(workshops.c.id == workshop_id))
                .mappings()
                .first()
            )
        return Workshop(**row) if row else None

    def list(self, dataset: str) -> list[Workshop]:
        """A dataset's werksessies, newest first."""
        q = (
            sa.select(workshops)
            .where(workshops.c.dataset == dataset)
            .order_by(workshops.c.created.desc(), workshops.c.id)
        )
        with self.engine.connect() as conn:
            return [Workshop(**r) for r in conn.execute(q).mappings()]

    def latest(self) -> Workshop | None:
        """The newest werksessie of any dataset: the one a room is most likely in."""
        q = sa.select(workshops).order_by(workshops.c.created.desc(), workshops.c.id)
        with self.engine.connect() as conn:
            row = conn.execute(q.limit(1)).mappings().first()
        return Workshop(**row) if row else None

    def update(self, workshop_id: str, **changes) -> None:
        """Change privacy_safe, min_stories or current_buurt (the buurt on the projector).
        A change of what the room is shown (not of the buurt) goes into the audit log."""
        allowed = {"privacy_safe", "min_stories", "current_buurt"}
        if unknown := set(changes) - allowed:
            raise ValueError(f"cannot change {sorted(unknown)}")
        actor = self._writer()
        with saving(self.engine) as conn:
            done = conn.execute(
                sa.update(workshops)
                .where(workshops.c.id == workshop_id)
                .values(**changes)
            )
            if done.rowcount == 1 and (settings := set(changes) - {"current_buurt"}):
                dataset = conn.execute(
                    sa.select(workshops.c.dataset).where(workshops.c.id == workshop_id)
                ).scalar_one()
                shown = ", ".join(f"{k}={changes[k]}" for k in sorted(settings))
                record(
                    conn, actor, "setting_changed", dataset, 0, f"werksessie: {shown}"
                )
        if done.rowcount != 1:
            raise StoreError("Deze werksessie bestaat niet (meer).")

    # --- entries: stories told during the werksessie --------------------------------------

    def add_entry(self, workshop: Workshop, story: StoryIn) -> str:
        """Store a checked story and its link to the werksessie, together or not at all.
        Anyone in the werksessie may: a participant's phone as well as staff."""
        actor = self._writer(None)
        story_id = str(uuid.uuid4())
        row = StoryStore(self.engine).to_row(
            workshop.dataset, story, datetime.now().replace(microsecond=0), story_id
        )
        with saving(self.engine) as conn:
            self._refuse_if_closed(conn, workshop)
            if story.helps:  # only a dream of this werksessie, whatever the phone sent
                self._dream_and_limit(conn, workshop.id, story.helps)
            conn.execute(sa.insert(stories), row)
            conn.execute(
                sa.insert(entries), {"story_id": story_id, "workshop_id": workshop.id}
            )
            record(
                conn,
                actor,
                "added",
                workshop.dataset,
                1,
                f"verhaal {story_id} (werksessie)",
            )
        return story_id

    def entries(self, workshop_id: str) -> pd.DataFrame:
        """The werksessie's stories, newest first, with their dots and the initiative made of
        them (if chosen). Themes as lists."""
        counted = (
            sa.select(votes.c.story_id, sa.func.count().label("votes"))
            .where(votes.c.workshop_id == workshop_id)
            .group_by(votes.c.story_id)
            .subquery()
        )
        q = (
            sa.select(
                stories,
                entries.c.initiative_id,
                sa.func.coalesce(counted.c.votes, 0).label("votes"),
            )
            .join(entries, entries.c.story_id == stories.c.id)
            .outerjoin(counted, counted.c.story_id == stories.c.id)
            .where(entries.c.workshop_id == workshop_id)
            .order_by(stories.c.created.desc(), stories.c.id)
        )
        with self.engine.connect() as conn:
            frame = pd.DataFrame(
                conn.execute(q).mappings().all(),
                columns=[*STORY_COLUMNS, "initiative_id", "votes"],
            )
        frame["themes"] = frame["themes"].map(lambda s: [t for t in s.split(";") if t])
        frame["votes"] = frame["votes"].astype(int)
        return frame

    # --- dot-voting ---------------------------------------------------------------------

    def vote(self, workshop: Workshop, participant: str, story_id: str) -> int:
        """Put one of the participant's dots on a dream; returns the dots left. Only with
        the code the participant joined with, while it is the werksessie's open code."""
        workshop_id = workshop.id
        for attempt in range(20):
            try:
                with self.engine.begin() as conn:
                    self._refuse_if_closed(conn, workshop)
                    limit = self._dream_and_limit(conn, workshop_id, story_id)
                    used = set(
                        conn.execute(
                            sa.select(votes.c.slot).where(
                                votes.c.workshop_id == workshop_id,
                                votes.c.participant == participant,
                            )
                        ).scalars()
                    )
                    free = [s for s in range(1, limit + 1) if s not in used]
                    if not free:
                        raise StoreError(
                            f"Je hebt al je {limit} stippen gezet. Haal er een weg als je "
                            "anders wilt kiezen."
                        )
                    conn.execute(
                        sa.insert(votes),
                        {
                            "workshop_id": workshop_id, "participant": participant,
                            "slot": free[0], "story_id": story_id,
                            "created": datetime.now().replace(microsecond=0),
                        },
                    )  # fmt: skip
                return len(free) - 1
            except (sa.exc.IntegrityError, sa.exc.OperationalError):
                # Another tap of this participant took the same slot first: try the next.
                time.sleep(0.01 * (attempt + 1))
        raise StoreError("Het is even erg druk. Probeer het nog eens.")

    def unvote(self, workshop: Workshop, participant: str, story_id: str) -> None:
        """Take one of the participant's dots off a dream (with a code that still works)."""
        workshop_id = workshop.id
        with saving(self.engine) as conn:
            self._refuse_if_closed(conn, workshop)
            slot = conn.execute(
                sa.select(sa.func.max(votes.c.slot)).where(
                    votes.c.workshop_id == workshop_id,
                    votes.c.participant == participant,
                    votes.c.story_id == story_id,
                )
            ).scalar()
            if slot is None:
                raise StoreError("Je had geen stip op deze droom.")
            conn.execute(
                sa.delete(votes).where(
                    votes.c.workshop_id == workshop_id,
                    votes.c.participant == participant,
                    votes.c.slot == slot,
                )
            )

    def dots_of(self, workshop_id: str, participant: str) -> dict[str, int]:
        """How many dots this participant put on each dream."""
        q = (
            sa.select(votes.c.story_id, sa.func.count())
            .where(
                votes.c.workshop_id == workshop_id, votes.c.participant == participant
            )
            .group_by(votes.c.story_id)
        )
        with self.engine.connect() as conn:
            return {story: int(n) for story, n in conn.execute(q)}

    def voters(self, workshop_id: str) -> int:
        q = sa.select(sa.func.count(sa.distinct(votes.c.participant))).where(
            votes.c.workshop_id == workshop_id
        )
        with self.engine.connect() as conn:
            return int(conn.execute(q).scalar_one())

    # --- choosing: the dream becomes an initiative ('creëren') --------------------------

    def choose(
        self, workshop: Workshop, story_id: str, initiative: InitiativeIn
    ) -> str:
        """Save the chosen dream as an initiative and link the two, in one transaction."""
        actor = self._writer()
        initiative_id = str(uuid.uuid4())
        row = InitiativeStore(self.engine).to_row(
            workshop.dataset, initiative, datetime.now().replace(microsecond=0),
            initiative_id,
        )  # fmt: skip
        with saving(self.engine) as conn:
            self._dream_and_limit(conn, workshop.id, story_id)
            done = conn.execute(
                sa.update(entries)
                .where(
                    entries.c.story_id == story_id, entries.c.initiative_id.is_(None)
                )
                .values(initiative_id=initiative_id)
            )
            if done.rowcount != 1:
                raise StoreError(
                    "Deze droom is al gekozen en staat bij de initiatieven."
                )
            conn.execute(sa.insert(InitiativeStore.table), row)
            record(
                conn,
                actor,
                "added",
                workshop.dataset,
                1,
                f"initiatief {initiative_id} (gekozen droom)",
            )
        return initiative_id

    # --- helpers ------------------------------------------------------------------------

    def sign_up(self, workshop: Workshop, person: SignUp) -> str:
        """Someone joins the werkgroep of one of tonight's afspraken or dreams, from their
        phone (no account: the open werksessie is the check). The audit line names the
        werkgroep, never the person."""
        actor = self._writer(None)
        signup_id = str(uuid.uuid4())
        with saving(self.engine) as conn:
            self._refuse_if_closed(conn, workshop)
            if person.target_kind == "droom":
                known = conn.execute(
                    sa.select(entries.c.story_id).where(
                        entries.c.workshop_id == workshop.id,
                        entries.c.story_id == person.target_id,
                    )
                ).first()
            else:
                known = conn.execute(
                    sa.select(agenda.c.id).where(
                        agenda.c.id == person.target_id,
                        agenda.c.dataset == workshop.dataset,
                        agenda.c.origin_ref.like(f"{workshop.id}%"),
                    )
                ).first()
            if known is None:
                raise StoreError(
                    "Deze afspraak of droom hoort niet bij deze werksessie."
                )
            conn.execute(
                sa.insert(werkgroep).values(
                    id=signup_id, dataset=workshop.dataset, workshop_id=workshop.id,
                    target_kind=person.target_kind, target_id=person.target_id,
                    first_name=person.first_name, contact=person.contact,
                    created=datetime.now().replace(microsecond=0),
                )
            )  # fmt: skip
            record(conn, actor, "added", workshop.dataset, 1,
                   f"aanmelding werkgroep {person.target_kind} {person.target_id}")  # fmt: skip
        return signup_id

    def _refuse_if_closed(self, conn, workshop: Workshop) -> None:
        """Entries and dots only while the werksessie is open with the code the participant
        came in with: after *Opnieuw openen* a phone still holding the old code is refused,
        though the werksessie itself is open again."""
        now = conn.execute(
            sa.select(workshops.c.join_code, workshops.c.code_until).where(
                workshops.c.id == workshop.id
            )
        ).first()
        if (
            now is None
            or now.code_until is None
            or datetime.now() >= now.code_until
            or now.join_code != workshop.join_code
        ):
            raise StoreError(
                "Deze werksessie is afgelopen of heeft een nieuwe code; wat je stuurde is "
                "niet bewaard. Kijk op het grote scherm voor de code."
            )

    def _dream_and_limit(self, conn, workshop_id: str, story_id: str) -> int:
        """The werksessie's dots per participant, after checking the story is one of its
        dreams; a clear message otherwise."""
        found = conn.execute(
            sa.select(stories.c.kind, workshops.c.votes)
            .join(entries, entries.c.story_id == stories.c.id)
            .join(workshops, workshops.c.id == entries.c.workshop_id)
            .where(entries.c.workshop_id == workshop_id, stories.c.id == story_id)
        ).first()
        if found is None:
            raise StoreError("Deze droom hoort niet (meer) bij deze werksessie.")
        if found.kind != "droom":
            raise StoreError("Alleen op dromen kun je stippen zetten.")
        return int(found.votes)

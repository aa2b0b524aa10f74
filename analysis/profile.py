"""The buurtprofiel: everything about one buurt on one page, for the focusgesprek.

Pure assembly from the dataset, the stories and the initiatives: figures per theme against
gemeente and Nederland with their signal, the trend, the strongest krachten and zorgen, a few
representative quotes (never one that trips the privacy checks), the initiatives serving the
buurt, who and what is there to connect (partners, vindplaatsen, talents), the rolwijzer, where
figures and stories disagree, and questions to start the talk.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from analysis.catalogue import Catalogue
from analysis.compare import verdict_words
from analysis.coverage import ROLES, coverage_table, serving
from analysis.datasets import Dataset
from analysis.network import distances, links, metres_words
from analysis.peers import peer_question
from analysis.reference import nederland_text
from analysis.signals import SignalRule, dataset_signals
from analysis.trend import breaks, buurt_trend

MAX_QUOTE = 320  # characters: a quote on paper is a sentence or three, not a page
KIND_ORDER = ("zorg", "kracht", "droom", "talent")


@dataclass
class Figure:
    theme: str
    indicator: str
    label: str
    buurt: str
    gemeente: str
    nederland: str
    signal: str | None
    reason: str
    value: float | None = None
    reference: float | None = None
    trend: str = ""
    position: str | None = (
        None  # graded: 'iets slechter' within the spread (signals.py)
    )
    period: str = ""  # the date or period the figure describes: '1 januari 2022'

    @property
    def verdict(self) -> str:
        """'gemiddeld (iets slechter)', 'aandacht', or '–' without a verdict."""
        return verdict_words(self.signal, self.position) if self.signal else "–"


@dataclass
class Quote:
    kind: str
    themes: list[str]
    text: str
    source: str
    voice: str
    date: str


@dataclass
class Profile:
    buurtcode: str
    buurtnaam: str
    wijknaam: str
    gemeentenaam: str
    fictional: bool
    year: int
    inwoners: str
    figures: list[Figure]
    trend_since: int | None
    krachten: list[str]
    zorgen: list[str]
    story_counts: dict[str, int]
    quotes: list[Quote]
    initiatives: list[dict]
    roles: list[dict]
    conversation: list[str]
    questions: list[str]
    sources: list[str]
    agreement: dict = field(default_factory=dict)  # focus_themes, ambition, activities
    # The buurtagenda's afspraken for this area: what, area, who, status, contact (text).
    agenda: list[dict] = field(default_factory=list)
    # Wie en wat is er: partners (name, what, offers, how far), vindplaatsen, talents per theme
    network: dict = field(default_factory=dict)
    level: str = (
        "buurt"  # or "wijk": the same profile of a wijk (analysis/wijken.wijk_dataset)
    )
    made: str = field(default_factory=lambda: date.today().isoformat())

    def to_dict(self) -> dict:
        return asdict(self)


def strongest(
    sig: pd.DataFrame, catalogue: Catalogue, kind: str, n: int = 3
) -> list[str]:
    """The `n` figures of one buurt furthest from the gemeente with signal `kind`, as
    "label: value (gemeente value)"; `sig` is the buurt's signals indexed by indicator.
    Where fewer figures have the verdict, those on the way to it follow ('iets slechter',
    said so): a visibly high figure is not left out because it stays within the spread."""
    near = "iets beter" if kind == "kracht" else "iets slechter"
    rows = sig[(sig["signal"] == kind) | (sig["position"] == near)].copy()
    rows["distance"] = (rows["difference"] / rows["reference"].abs()).abs()
    rows["beyond"] = rows["signal"] == kind
    rows = rows.sort_values(["beyond", "distance"], ascending=False).head(n)
    return [
        f"{catalogue[i].label}: {catalogue[i].format(r.value)} "
        f"(gemeente {catalogue[i].format(r.reference)}"
        + ("" if r.beyond else f"; {near}, binnen de gewone spreiding")
        + ")"
        for i, r in rows.iterrows()
    ]


def select_quotes(
    stories: pd.DataFrame, private: Callable[[str], object], n: int = 5
) -> list[Quote]:
    """3–6 quotes varied in kind and theme: take turns over zorg, kracht and droom, each time
    the newest story about a theme not shown yet. Stories whose title and text `private`
    flags (stories.privacy.find_identifiers: a phone number, e-mail address, BSN or address)
    are never chosen, nor overly long ones."""
    ok = [
        len(text) <= MAX_QUOTE and not private(f"{title or ''} {text}")
        for text, title in zip(stories["text"], stories["title"])
    ]
    safe = stories[np.array(ok, dtype=bool)]
    safe = safe.sort_values("date", ascending=False)
    pools = {k: list(safe[safe["kind"] == k].to_dict("records")) for k in KIND_ORDER}
    chosen, seen_themes = [], set()
    while len(chosen) < n and any(pools.values()):
        for kind in KIND_ORDER:
            pool = pools[kind]
            if not pool or len(chosen) >= n:
                continue
            fresh = next(
                (s for s in pool if not set(s["themes"]) & seen_themes), pool[0]
            )
            pool.remove(fresh)
            seen_themes |= set(fresh["themes"])
            chosen.append(
                Quote(
                    fresh["kind"],
                    list(fresh["themes"]),
                    fresh["text"],
                    fresh["source"],
                    fresh["voice"],
                    str(fresh["date"]),
                )  # fmt: skip
            )
    return chosen


# Questions from a buurt's own figures: (column, value, template), the first matching figure
# (furthest from the gemeente) fills the template.
FIGURE_QUESTIONS = [
    ("signal", "aandacht", "{label}: {value} tegen {gemeente} in de gemeente, buiten de "
     "gewone spreiding. Herkennen bewoners en partners dat, en wat zit erachter?"),
    ("position", "iets slechter", "{label} is met {value} slechter dan in de gemeente "
     "({gemeente}), maar nog binnen de gewone spreiding: is hier iets aan het ontstaan?"),
    ("signal", "kracht", "{label} is een kracht ({value} tegen {gemeente}): wie of wat "
     "draagt daaraan bij, en hoe houden we dat vast?"),
]  # fmt: skip


def figure_questions(
    sig: pd.DataFrame, catalogue: Catalogue, stories: pd.DataFrame
) -> list[str]:
    """Questions from the buurt's own figures and stories, each from its own template: the
    strongest concern, a figure on its way to one, the strongest kracht (`FIGURE_QUESTIONS`),
    and the theme residents tell most zorgen about. `sig` is the buurt's signals indexed by
    indicator."""
    sig = sig.assign(
        distance=(sig["difference"] / sig["reference"].abs()).abs().fillna(0)
    ).sort_values("distance", ascending=False)
    out = []
    for column, wanted, template in FIGURE_QUESTIONS:
        rows = sig[sig[column] == wanted]
        if len(rows):
            ind, row = catalogue[rows.index[0]], rows.iloc[0]
            out.append(template.format(label=ind.label, value=ind.format(row["value"]),
                                       gemeente=ind.format(row["reference"])))  # fmt: skip
    zorgen = (
        stories[stories["kind"] == "zorg"].explode("themes")["themes"].value_counts()
    )
    if len(zorgen):
        theme = catalogue.themes.get(zorgen.index[0], zorgen.index[0])
        out.append(
            f"Bewoners vertellen het vaakst zorgen over {theme.lower()} ({zorgen.iloc[0]}): "
            "wat moet er volgens hen als eerste gebeuren?"
        )
    return out


def focus_questions(
    name: str, roles: pd.DataFrame, talk: pd.DataFrame, themes, own: list[str] = ()
) -> list[str]:
    """3–6 open questions for the focusgesprek: from the buurt's own figures and stories
    (`own`, see `figure_questions`), the disagreements and the rolwijzer; each template at
    most once, so no two questions read alike."""
    questions = list(own)
    for row in talk[talk["overeenstemming"] == "oneens"].head(1).itertuples():
        said = re.sub(r"\s*\([^)]*\)\.$", "", row.gesprek)
        questions.append(f"{themes[row.theme]}: {said[0].lower()}{said[1:]}. Wat zien we over "
                         "het hoofd?")  # fmt: skip
    for row in talk[talk["overeenstemming"] == "stil"].head(1).itertuples():
        questions.append(
            f"De cijfers vragen aandacht voor {themes[row.theme].lower()}, maar niemand vertelt "
            f"erover: waar kunnen we bewoners van {name} hierover spreken?"
        )
    templates = {
        "initiëren": "Wie in {name} wil meedenken over {theme}? Er is zorg, maar nog geen "
        "initiatief.",
        "stimuleren": "Wat heeft {initiative} nodig om van de grond te komen?",
        "versterken": "Hoe kunnen we {initiative} steunen zonder het over te nemen?",
        "kans": "Welke droom over {theme} kunnen bewoners zelf waarmaken, en wat helpt daarbij?",
    }
    for row in (
        roles.sort_values("rol", key=lambda r: r.map(list(templates).index))
        .drop_duplicates("rol")  # each template once: variety, not five alike
        .itertuples()
    ):
        running = [*row.initiatieven_actief, *row.initiatieven_starting]
        questions.append(
            templates[row.rol].format(
                name=name,
                theme=themes[row.theme].lower(),
                initiative=f"'{running[0]}'" if running else "het initiatief",
            )  # fmt: skip
        )
    questions.append(f"Wat gaat er goed in {name} waar we op kunnen bouwen?")
    questions.append(
        f"Waar zijn bewoners van {name} te vinden (vindplaatsen), en wie spreken we nog niet?"
    )
    questions.append("Waar leggen we samen de focus op voor het komende jaar?")
    return list(dict.fromkeys(questions))[:6]


def who_is_there(
    buurtcode: str,
    buurten: pd.DataFrame,
    network: pd.DataFrame,
    stories: pd.DataFrame,
    catalogue: Catalogue,
) -> dict:
    """'Wie en wat is er' for one buurt: the partners serving it or within reach (nearest
    first), the vindplaatsen in it, and how many residents offer a talent, per theme."""
    partners, places = [], []
    if not network.empty:
        near = distances(buurten, network)
        near = near[near["buurtcode"] == buurtcode].merge(network, on="id")
        for item in near.sort_values(["metres", "name"]).to_dict("records"):
            if item["soort"] == "vindplaats":
                places.append(
                    {"name": item["name"], "description": item["description"]}
                )
                continue
            partners.append({
                "name": item["name"], "category": item["category"],
                "offers": ", ".join(item["offers"]) or "–",
                "themes": ", ".join(catalogue.themes.get(t, t) for t in item["themes"]),
                "where": metres_words(item["metres"]),
            })  # fmt: skip
    talents = (
        stories[stories["kind"] == "talent"].explode("themes")["themes"].value_counts()
    )
    return {
        "partners": partners,
        "vindplaatsen": places,
        "talents": {catalogue.themes.get(t, t): int(n) for t, n in talents.items()},
    }


def network_question(name: str, table: pd.DataFrame, themes) -> str | None:
    """A question from what can be connected to a need here (the first rolwijzer line with a
    partner or a talent), None when the buurt has nothing to connect yet."""
    for row in table[table["rol"].notna() & table["verbinden"].ne("")].itertuples():
        return (
            f"{themes[row.theme]}: {row.verbinden}. Wie legt in {name} die verbinding, "
            "en wat is daarvoor nodig?"
        )
    return None


def assemble_profile(
    data: Dataset,
    buurtcode: str,
    catalogue: Catalogue,
    stories: pd.DataFrame,
    initiatives: pd.DataFrame,
    private: Callable[[str], object],
    year: int | None = None,
    agreement: dict | None = None,
    signals_for: Callable[[int], tuple[pd.DataFrame, pd.DataFrame]] | None = None,
    level: str = "buurt",
    network: pd.DataFrame | None = None,
) -> Profile:
    """The profile of one buurt; `stories` and `initiatives` are the gemeente's (store rows);
    `private` flags a story text that may not be quoted (stories.privacy.find_identifiers);
    `agreement` is what was agreed earlier (focus_themes, ambition, activities).

    `signals_for(year)` gives (reference values, signals) as `dataset_signals` does; the app
    passes its cached copy, so a profile does not compute them again. `network` holds the
    gemeente's partners and vindplaatsen (stories.network rows).
    """
    buurten = data.buurten.set_index("buurtcode")
    if buurtcode not in buurten.index:
        raise KeyError(f"Buurt {buurtcode} hoort niet bij {data.info.name}.")
    row = buurten.loc[buurtcode]
    year = year or data.years[-1]
    signals_for = signals_for or (lambda y: dataset_signals(data, y, catalogue))
    wide, status = data.wide(year), data.status(year)
    reference, signals = signals_for(year)
    sig = signals[signals["buurtcode"] == buurtcode].set_index("indicator")
    trends = _trends(data, catalogue, buurtcode, year, reference, signals_for)

    figures = []
    for ind in catalogue.indicators.values():
        if ind.id not in wide:
            continue
        flagged = ind.id in sig.index and sig.at[ind.id, "signal"] in (
            "kracht",
            "aandacht",
        )
        # The key figures, every curated figure with a good and a bad side (poverty, youth,
        # health, safety: what a focusgesprek is about), and whatever stands out.
        judged = ind.kind == "curated" and ind.direction != 0
        if not (ind.key or judged or flagged):
            continue
        value = wide.at[buurtcode, ind.id]
        ref = reference["value"].get(ind.id, float("nan"))
        figures.append(
            Figure(
                theme=ind.theme,
                indicator=ind.id,
                label=ind.label,
                buurt=ind.format(value)
                if pd.notna(value)
                else status.at[buurtcode, ind.id],
                gemeente=ind.format(ref),
                nederland=nederland_text(reference, ind),
                signal=sig.at[ind.id, "signal"] if ind.id in sig.index else None,
                reason=sig.at[ind.id, "reason"]
                if ind.id in sig.index
                else "Achtergrondcijfer.",
                value=None if pd.isna(value) else float(value),
                reference=None if pd.isna(ref) else float(ref),
                trend=trends.get(ind.id, ""),
                position=sig.at[ind.id, "position"] if ind.id in sig.index else None,
                period=ind.reference_period(year),
            )  # fmt: skip
        )
    theme_order = list(catalogue.themes)
    figures.sort(key=lambda f: theme_order.index(f.theme))

    own_stories = stories[stories["buurtcode"] == buurtcode]
    serves = serving(initiatives, [buurtcode])
    network = network if network is not None else pd.DataFrame()
    area = data.buurten[data.buurten["buurtcode"] == buurtcode]
    table = coverage_table(
        [buurtcode], theme_order, signals, stories, initiatives, catalogue,
        links=links(area, network, theme_order) if not network.empty else None,
    )  # fmt: skip
    roles = table[table["rol"].notna()]
    talk = table[table["overeenstemming"].isin(["oneens", "stil"])]
    names = buurten["buurtnaam"].to_dict()
    fictional = data.info.fictional
    inwoners = (
        wide.at[buurtcode, "aantal_inwoners"] if "aantal_inwoners" in wide else None
    )
    return Profile(
        buurtcode=buurtcode,
        buurtnaam=row["buurtnaam"],
        wijknaam=row["wijknaam"],
        gemeentenaam=data.info.name,
        fictional=fictional,
        year=year,
        inwoners=catalogue["aantal_inwoners"].format(inwoners)
        if inwoners is not None and pd.notna(inwoners)
        else "onbekend",
        figures=figures,
        trend_since=max((y for y in data.years if y < year), default=None),
        krachten=strongest(sig, catalogue, "kracht"),
        zorgen=strongest(sig, catalogue, "aandacht"),
        story_counts={k: int((own_stories["kind"] == k).sum()) for k in KIND_ORDER},
        quotes=select_quotes(own_stories, private),
        initiatives=[
            {
                "name": i["name"],
                "phase": i["phase"],
                "themes": [catalogue.themes.get(t, t) for t in i["themes"]],
                "buurten": [names.get(c, c) for c in i["buurtcodes"]],
                "wijkteam_role": i["wijkteam_role"],
                "people": int(sum(i["ladder"])) if i["ladder"] else None,
            }  # fmt: skip
            for i in serves.sort_values("phase", key=lambda p: p == "gestopt").to_dict(
                "records"
            )
        ],
        roles=[
            {
                "theme": catalogue.themes[r.theme],
                "role": ROLES[r.rol],
                "reason": r.rol_reden,
            }
            for r in roles.itertuples()
        ],
        conversation=[
            f"{catalogue.themes[r.theme]}: {r.gesprek}" for r in talk.itertuples()
        ],
        questions=focus_questions(
            row["buurtnaam"],
            roles,
            talk,
            catalogue.themes,
            [
                *figure_questions(sig, catalogue, own_stories),
                *filter(
                    None,
                    [
                        network_question(row["buurtnaam"], table, catalogue.themes),
                        peer_question(
                            wide,
                            buurtcode,
                            row["buurtnaam"],
                            catalogue,
                            areas="wijken" if level == "wijk" else "buurten",
                        ),
                    ],
                ),
            ],
        ),  # fmt: skip
        sources=_sources(data, year, fictional),
        agreement=agreement or {},
        level=level,
        network=who_is_there(buurtcode, area, network, own_stories, catalogue),
    )


def _trends(data, catalogue, buurtcode, year, reference, signals_for) -> dict[str, str]:
    """'beter, naar de gemeente toe' per indicator since the year before, where it exists."""
    earlier = [y for y in data.years if y < year]
    if not earlier:
        return {}
    before = earlier[-1]
    old_wide = data.wide(before)
    old_ref, _ = signals_for(before)
    out = {}
    wide = data.wide(year)
    broken = breaks(data.changes, [buurtcode], before, year)
    if broken.iloc[0]:  # not the same area as the year before: no trend to tell
        return {i: broken.iloc[0] for i in catalogue.indicators if i in wide}
    for ind in catalogue.indicators.values():
        if ind.id not in wide or ind.id not in old_wide:
            continue
        t = buurt_trend(
            old_wide[ind.id].loc[[buurtcode]],
            wide[ind.id].loc[[buurtcode]],
            old_ref["value"].get(ind.id, float("nan")),
            reference["value"].get(ind.id, float("nan")),
            ind,
        ).iloc[0]
        if t["richting"]:
            movement = f", {t['beweging']}" if t["beweging"] else ""
            out[ind.id] = f"{t['richting']}{movement}"
    return out


def _sources(data: Dataset, year: int, fictional: bool) -> list[str]:
    if fictional:
        return [
            f"Fictieve cijfers, verhalen en initiatieven van {data.info.name} ({year}), "
            "alleen om het dashboard te laten zien."
        ]
    return [
        f"CBS, Kerncijfers wijken en buurten {year}; CBS/PDOK, Wijk- en buurtkaart.",
        "Verhalen en initiatieven: vastgelegd in Tellen & Vertellen, met toestemming van de "
        "vertellers.",
        "Signaal: " + SignalRule().sentence(),
    ]

"""Where tellen, vertellen and action meet, per buurt × theme.

- **Need**: indicators with the signal *aandacht*, and zorg stories.
- **Supply**: initiatives serving the buurt on the theme, weighted by phase and by how deep
  people are engaged (the bindingsladder).
- **Rolwijzer**: the role the wijkteam could take (NJi, *Burgerinitiatieven en wijkteams*):
  *initiëren*, *stimuleren*, *versterken*, or *kans* where residents dream and nobody acts yet.
- **Verbinden**: what is already there to connect to a need (`analysis.network`): partners
  with an offer on the theme in or near the buurt, residents' talents, vindplaatsen.
- **Tellen × vertellen**: whether figures and stories agree; disagreements start conversations.

Every rule is a pure function of one row of the table built by `coverage_table`, so each can be
read (and tested) on its own, and every suggestion carries one Dutch sentence saying why.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from analysis.catalogue import Catalogue, format_number
from analysis.network import connect_phrase

PHASE_WEIGHT = {"idee": 0.25, "opstart": 0.5, "actief": 1.0, "gestopt": 0.0}
DEEP_RUNG = 3  # kartrekker: from this rung of the bindingsladder up, people carry it
DEEP_BONUS = 1.5
ROLES = {
    "initiëren": "Initiëren",
    "stimuleren": "Stimuleren",
    "versterken": "Versterken",
    "kans": "Kans",
}
ROLE_EXPLANATIONS = {
    "initiëren": "Er is een gedeelde zorg en nog geen initiatief van bewoners. Het wijkteam zet "
    "de eerste stap en zoekt de krachten in de buurt die het kunnen dragen.",
    "stimuleren": "Er is een zorg en een initiatief dat nog in de fase idee of opstart is. Help "
    "het op gang (ruimte, geld, een netwerk, een vast aanspreekpunt) zonder het over te nemen.",
    "versterken": "Er is een zorg en een actief initiatief dat er al aan werkt. Versterk het "
    "(training, netwerk, ruimte) zonder het te professionaliseren.",
    "kans": "Geen zorg, maar wel dromen van bewoners en nog geen initiatief: een kans om mensen "
    "met een droom te verbinden.",
}
COUNT_COLUMNS = [
    "aandacht", "kracht_cijfers", "cijfers", "zonder_signaal", "zorg", "kracht_verhalen",
    "droom", "talent",
]  # fmt: skip


def serving(initiatives: pd.DataFrame, buurtcodes) -> pd.DataFrame:
    """The initiatives that serve at least one of `buurtcodes` (an empty frame stays a frame:
    a boolean list, not a Series, so pandas never mistakes it for column names)."""
    wanted = set(buurtcodes)
    return initiatives.loc[
        [bool(wanted & set(codes)) for codes in initiatives["buurtcodes"]]
    ]


@dataclass(frozen=True)
class CoverageRule:
    """When a buurt × theme counts as a need, and when stories are enough to have a say."""

    min_zorg_stories: int = 2
    min_stories: int = 2  # kracht + zorg stories needed before stories 'say' something

    def sentence(self) -> str:
        return (
            f"Behoefte: minstens één cijfer met aandacht, of minstens {self.min_zorg_stories} "
            "zorgverhalen over het thema in de buurt. Aanbod: een actief initiatief telt 1, in "
            "opstart ½, als idee ¼, gestopt 0; met mensen op de trede kartrekker of hoger telt "
            "het anderhalf keer."
        )


def initiative_weight(phase: str, ladder: list[int] | None) -> float:
    """How much one initiative adds to the supply: phase weight, times 1.5 when people at
    kartrekker level or higher carry it (unknown ladder: no bonus)."""
    weight = PHASE_WEIGHT.get(phase, 0.0)
    if ladder and sum(ladder[DEEP_RUNG:]) > 0:
        weight *= DEEP_BONUS
    return weight


def coverage_table(
    buurtcodes: list[str],
    themes: list[str],
    signals: pd.DataFrame,
    stories: pd.DataFrame,
    initiatives: pd.DataFrame,
    catalogue: Catalogue,
    rule: CoverageRule = CoverageRule(),
    links: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per buurt × theme with need, supply, suggested role and agreement.

    Parameters
    ----------
    signals : `buurt_signals` output (signal None where suppressed or too few inhabitants).
    stories : story rows with `buurtcode`, `kind`, `themes` (list).
    initiatives : initiative rows with `name`, `buurtcodes`, `themes` (lists), `phase`, `ladder`.
    links : `analysis.network.links` output (partners and vindplaatsen per buurt × theme).
    """
    index = pd.MultiIndex.from_product(
        [buurtcodes, themes], names=["buurtcode", "theme"]
    )
    table = pd.DataFrame(index=index)

    sig = signals[signals["buurtcode"].isin(buurtcodes)]
    counts = sig.assign(signal=sig["signal"].fillna("geen")).pivot_table(
        index=["buurtcode", "theme"], columns="signal", values="indicator",
        aggfunc="count", fill_value=0,
    )  # fmt: skip
    counts = counts.reindex(
        columns=["aandacht", "kracht", "gemiddeld", "geen"], fill_value=0
    )
    table["aandacht"] = counts["aandacht"]
    table["kracht_cijfers"] = counts["kracht"]
    table["cijfers"] = counts[["aandacht", "kracht", "gemiddeld"]].sum(axis=1)
    table["zonder_signaal"] = counts["geen"]
    named: dict[tuple[str, str], list[str]] = {}
    for row in sig[sig["signal"] == "aandacht"].sort_values("indicator").itertuples():
        named.setdefault((row.buurtcode, row.theme), []).append(_figure(catalogue, row))
    table["aandacht_namen"] = pd.Series(named, dtype=object)

    told = stories[["buurtcode", "kind", "themes"]].explode("themes")
    told = told[told["buurtcode"].isin(buurtcodes)]
    kinds = told.pivot_table(
        index=["buurtcode", "themes"], columns="kind", aggfunc="size", fill_value=0
    ).reindex(columns=["zorg", "kracht", "droom", "talent"], fill_value=0)
    kinds.index = kinds.index.set_names(["buurtcode", "theme"])
    table["zorg"] = kinds["zorg"]
    table["kracht_verhalen"] = kinds["kracht"]
    table["droom"] = kinds["droom"]
    table["talent"] = kinds["talent"]
    table[COUNT_COLUMNS] = table[COUNT_COLUMNS].fillna(0).astype(int)

    served = initiatives.explode("buurtcodes").explode("themes")
    served = served[
        served["buurtcodes"].isin(buurtcodes) & served["themes"].isin(themes)
    ]
    names: dict[str, dict[tuple[str, str], list[str]]] = {
        "actief": {}, "starting": {}, "gestopt": {}
    }  # fmt: skip
    supply: dict[tuple[str, str], float] = {}
    for row in served.itertuples():
        key = (row.buurtcodes, row.themes)
        group = "starting" if row.phase in ("idee", "opstart") else row.phase
        names[group].setdefault(key, []).append(row.name)
        supply[key] = supply.get(key, 0.0) + initiative_weight(row.phase, row.ladder)
    for group, by_cell in names.items():
        table[f"initiatieven_{group}"] = pd.Series(by_cell, dtype=object)
    table["aanbod"] = pd.Series(supply, dtype=float).reindex(index).fillna(0.0)
    for col in ("partners", "vindplaatsen"):
        table[col] = links[col] if links is not None else None
    for col in ("aandacht_namen", "initiatieven_actief", "initiatieven_starting",
                "initiatieven_gestopt", "partners", "vindplaatsen"):  # fmt: skip
        table[col] = table[col].map(lambda v: v if isinstance(v, list) else [])
    table["verbinden"] = [connect_phrase(r) for r in table.to_dict("records")]

    table["behoefte"] = [has_need(r, rule) for r in table.to_dict("records")]
    roles = [suggest_role(r, rule) for r in table.to_dict("records")]
    table["rol"] = [role for role, _ in roles]
    table["rol_reden"] = [why for _, why in roles]
    agreement = [tell_and_told(r, rule) for r in table.to_dict("records")]
    table["overeenstemming"] = [verdict for verdict, _ in agreement]
    table["gesprek"] = [why for _, why in agreement]
    return table.reset_index()


def _figure(catalogue: Catalogue, row) -> str:
    ind = catalogue[row.indicator]
    return f"{ind.label}: {ind.format(row.value)}, gemeente {ind.format(row.reference)}"


def has_need(cell: dict, rule: CoverageRule = CoverageRule()) -> bool:
    return cell["aandacht"] > 0 or cell["zorg"] >= rule.min_zorg_stories


def _need_phrase(cell: dict, rule: CoverageRule) -> str:
    parts = []
    if cell["aandacht"]:
        names = cell.get("aandacht_namen") or []
        named = "; ".join(names[:2]) + (
            f" en {len(names) - 2} meer" if len(names) > 2 else ""
        )
        parts.append(f"de cijfers vragen aandacht ({named})" if named else
                     "de cijfers vragen aandacht")  # fmt: skip
    if cell["zorg"]:
        parts.append(count_phrase(cell["zorg"], "zorgverhaal", "zorgverhalen"))
    return " en ".join(parts)


def count_phrase(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _names(names: list[str], singular: str, plural: str) -> str:
    """'A' werkt / 'A' en 'B' werken: the names with the verb that fits."""
    quoted = [f"'{n}'" for n in names]
    if len(quoted) == 1:
        return f"{quoted[0]} {singular}"
    return ", ".join(quoted[:-1]) + " en " + quoted[-1] + " " + plural


def suggest_role(
    cell: dict, rule: CoverageRule = CoverageRule()
) -> tuple[str | None, str]:
    """The wijkteam's suggested role for one buurt × theme, and why (Dutch sentences).

    Need without a running initiative → initiëren; need with one in idee/opstart only →
    stimuleren; need with an active one → versterken; dreams, no need and no initiative → kans.
    A stopped initiative counts as none (and is named). Otherwise: no suggestion (None, "").
    What can be connected there (partners, talents, vindplaatsen) follows as a second sentence.
    """
    role, why = _role(cell, rule)
    if role and (connect := connect_phrase(cell)):
        why += f" {connect[0].upper()}{connect[1:]}."
    return role, why


def _role(cell: dict, rule: CoverageRule) -> tuple[str | None, str]:
    active = cell.get("initiatieven_actief") or []
    starting = cell.get("initiatieven_starting") or []
    stopped = cell.get("initiatieven_gestopt") or []
    stopped_note = f" ({_names(stopped, 'is', 'zijn')} gestopt)" if stopped else ""
    if has_need(cell, rule):
        need = _need_phrase(cell, rule)
        need = need[0].upper() + need[1:]
        if active:
            return "versterken", (
                f"{need}; {_names(active, 'werkt', 'werken')} hier al aan: versterk wat er "
                "is zonder het over te nemen."
            )
        if starting:
            return "stimuleren", (
                f"{need}; {_names(starting, 'is', 'zijn')} nog in de fase idee of opstart: "
                "help op gang."
            )
        dreams = (
            f"; {count_phrase(cell['droom'], 'droom', 'dromen')} van bewoners om bij te beginnen"
            if cell["droom"] else ""
        )  # fmt: skip
        return "initiëren", (
            f"{need}, maar geen initiatief werkt hier aan{stopped_note}{dreams}: zet de eerste "
            "stap."
        )
    if cell["droom"] and not active and not starting:
        return "kans", (
            f"{count_phrase(cell['droom'], 'droom', 'dromen')} van bewoners en nog geen "
            f"initiatief{stopped_note}: een kans om mensen met een droom te verbinden."
        )
    return None, ""


def figures_say(cell: dict) -> str | None:
    """'aandacht', 'kracht' or 'gemiddeld' from the theme's indicators; None without signals."""
    if cell["aandacht"] > cell["kracht_cijfers"]:
        return "aandacht"
    if cell["kracht_cijfers"] > cell["aandacht"]:
        return "kracht"
    return "gemiddeld" if cell["cijfers"] else None


def stories_say(cell: dict, rule: CoverageRule = CoverageRule()) -> str | None:
    """'zorg', 'kracht' or 'gemengd' from kracht and zorg stories; None with too few stories."""
    zorg, kracht = cell["zorg"], cell["kracht_verhalen"]
    if zorg + kracht < rule.min_stories:
        return None
    if zorg > kracht:
        return "zorg"
    return "kracht" if kracht > zorg else "gemengd"


def tell_and_told(
    cell: dict, rule: CoverageRule = CoverageRule()
) -> tuple[str | None, str]:
    """Do figures and stories agree on this buurt × theme? ('eens' | 'oneens' | 'stil' | None,
    one Dutch sentence). 'stil': the figures ask attention and nobody tells about it."""
    figures, told = figures_say(cell), stories_say(cell, rule)
    told_counts = (
        f"{count_phrase(cell['kracht_verhalen'], 'kracht', 'krachten')}, "
        f"{count_phrase(cell['zorg'], 'zorg', 'zorgen')}"
    )
    if figures == "aandacht" and told == "kracht":
        return "oneens", (
            f"De cijfers zeggen aandacht, bewoners vertellen vooral krachten ({told_counts})."
        )
    if figures == "kracht" and told == "zorg":
        return "oneens", (
            f"De cijfers zeggen kracht, bewoners vertellen vooral zorgen ({told_counts})."
        )
    if figures == "gemiddeld" and told == "zorg":
        return "oneens", (
            f"De cijfers zijn gemiddeld, bewoners vertellen vooral zorgen ({told_counts})."
        )
    if (
        figures == "aandacht"
        and cell["zorg"] + cell["kracht_verhalen"] + cell["droom"] == 0
    ):
        return "stil", "De cijfers zeggen aandacht, maar niemand vertelt erover."
    if (figures, told) in (("aandacht", "zorg"), ("kracht", "kracht")):
        word = "aandacht" if figures == "aandacht" else "kracht"
        return "eens", f"Cijfers en verhalen zeggen allebei {word} ({told_counts})."
    return None, ""


def focus_cells(table: pd.DataFrame, n: int = 5) -> pd.DataFrame:
    """The buurt × theme cells with the most need and the least supply: where to look first.

    Score = indicators with aandacht + zorg stories − supply; only cells with a need.
    """
    need = table[table["behoefte"]].copy()
    need["score"] = need["aandacht"] + need["zorg"] - need["aanbod"]
    return need.sort_values(["score", "zorg"], ascending=False).head(n)


def supply_label(value: float) -> str:
    return format_number(value, 2).rstrip("0").rstrip(",") or "0"

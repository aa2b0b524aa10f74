"""The vocabulary of stories and initiatives, with the Dutch labels the UI shows.

Themes are shared with the indicators and live in the catalogue (`data/indicators.toml`).
"""

KINDS = {"kracht": "Kracht", "zorg": "Zorg", "droom": "Droom", "talent": "Talent"}
# What a kind asks of the person telling it.
KIND_QUESTIONS = {
    "kracht": "Wat gaat goed in de buurt?",
    "zorg": "Waar maak je je zorgen over?",
    "droom": "Wat zou je willen?",
    "talent": "Wat kun of wil jij inbrengen?",
}
SOURCES = (
    "gesprek",
    "werksessie",
    "enquête",
    "wijkteam-signaal",
    "sociale media",
    "anders",
)
VOICES = ("bewoner", "professional", "ondernemer", "organisatie")
PHASES = ("idee", "opstart", "actief", "gestopt")
INITIATORS = ("bewoners", "ondernemer", "vereniging/stichting", "professional")
ROLES = ("initiëren", "stimuleren", "versterken", "geen")
SUPPORT = ("ruimte", "geld", "training", "netwerk", "advies")
TARGET_GROUPS = (
    "kinderen",
    "jongeren",
    "gezinnen",
    "ouderen",
    "nieuwkomers",
    "iedereen",
)
LADDER = (
    "bezoeker",
    "deelnemer",
    "ondersteuner",
    "kartrekker",
    "coördinator",
    "wijkverbinder",
)

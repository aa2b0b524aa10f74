"""Wat betekent dit? The words of the dashboard explained once, in plain Dutch; the other
pages link here instead of repeating their rules."""

import streamlit as st

from analysis.network import NEAR_M, metres_words
from analysis.signals import MIN_EXPECTED, SignalRule
from ui.state import require_entry

require_entry()
rule = SignalRule()

st.title("Wat betekent dit?")
st.markdown(
    "De woorden die het dashboard gebruikt, kort uitgelegd. Elke pagina verwijst hierheen "
    "waar zo'n woord staat."
)

TERMS = [
    ("oordeel", "Kracht, aandacht en gemiddeld",
     "Per cijfer krijgt een buurt een **oordeel** ten opzichte van de hele gemeente. "
     "**Kracht**: de buurt doet het beter dan gewone verschillen tussen buurten verklaren. "
     "**Aandacht**: de buurt doet het slechter dan dat. **Gemiddeld**: het verschil past "
     "binnen de gewone verschillen. Het oordeel zegt niets over de oorzaak; het is een "
     "aanleiding om te vragen wat er speelt."),
    ("positie", "Iets beter en iets slechter",
     "Binnen *gemiddeld* zegt de **positie** hoe ver de buurt al richting de grens zit: "
     "**iets slechter** of **iets beter** betekent meer dan halverwege de grens. Zo staat "
     "een buurt die zichtbaar hoog zit niet als gewoon grijs in de lijst."),
    ("grens", "De grens van een oordeel",
     "Bij elk oordeel staat de **grens** die gold: *aandacht boven 13,3% bij deze "
     "buurtgrootte*. Ligt het cijfer van de buurt voorbij die grens, dan is het kracht of "
     "aandacht. Bij aandelen hangt de grens af van het aantal inwoners of huishoudens: een "
     "kleine buurt schommelt van jaar tot jaar meer, dus daar ligt de grens verder weg."),
    ("spreiding", "Gewone spreiding tussen buurten",
     "Buurten verschillen altijd wat van elkaar, ook zonder dat er iets bijzonders is. De "
     "**gewone spreiding** is hoe groot die verschillen in deze gemeente meestal zijn. Pas "
     "een verschil dat daar duidelijk buiten valt, krijgt een oordeel."),
    ("trechter", "Trechterregel (aandelen en cijfers per 1.000)",
     f"{rule.rule_sentence('trechter')} De grenzen zijn zo gekozen dat bij gewone "
     "verschillen ongeveer 5 van de 100 buurten er toch buiten vallen (2,5 aan elke kant). "
     f"Een buurt met te weinig mensen voor het cijfer (minder dan {MIN_EXPECTED} verwachte "
     "gevallen) krijgt geen oordeel, met die reden erbij."),
    ("spreidingsregel", "Spreidingsregel (gemiddelden)",
     f"{rule.rule_sentence('spreiding')} Dit geldt voor cijfers zonder aantal mensen "
     "erachter, zoals het gemiddelde inkomen, de WOZ-waarde of een afstand. Een "
     "**standaardafwijking** is de gebruikelijke afstand van een buurt tot het gemiddelde "
     "van alle buurten."),
    ("toeval", "Door toeval",
     "Bij veel buurten vallen er altijd een paar buiten de grenzen, ook als er niets aan "
     "de hand is. Daarom staat naast een telling van oordelen hoeveel je er door toeval "
     "alleen zou verwachten. Zijn het er veel meer, dan zegt dat iets."),
    ("geen-oordeel", "Geen oordeel",
     f"Een buurt krijgt geen oordeel als CBS het cijfer geheim houdt (te weinig mensen), "
     f"als het cijfer ontbreekt, bij buurten met minder dan {rule.min_inwoners} inwoners, "
     "en bij **achtergrondcijfers**: cijfers zonder goede of slechte kant, zoals het aantal "
     "inwoners of het aandeel 65-plussers."),
    ("verwacht", "Verwacht versus werkelijk",
     "Voor jeugdzorg, Wmo en bijstand berekent het dashboard wat je op grond van de "
     "bevolking van een buurt (leeftijd, inkomen, huishoudens, wonen) zou **verwachten**. "
     "Ligt het werkelijke cijfer buiten het bereik waarin 95 van de 100 buurten vallen, "
     "dan is het *meer* of *minder dan verwacht*. Het bereik van een buurt komt uit een "
     "berekening zonder die buurt zelf."),
    ("verklaard", "Hoeveel het model verklaart",
     "Het getal tussen 0 en 1 bij *verwacht* zegt hoeveel van de verschillen tussen "
     "buurten de bevolking verklaart, getoetst op buurten die niet in de berekening zaten "
     "(kruisvalidatie: de buurten worden telkens in vijf groepen verdeeld, en elke groep "
     "wordt voorspeld uit de andere vier). 0,5 betekent: ongeveer de helft."),
    ("vergelijkbaar", "Vergelijkbare buurten",
     "Buurten die op een buurt lijken in bevolking, huishoudens en wonen, in deze en "
     "andere ingeladen gemeenten. De **afstand** zegt hoe veel ze verschillen: 0 is "
     "gelijk, hoe groter hoe minder ze op elkaar lijken. Cijfers die veel op elkaar lijken "
     "(zoals huurwoningen en eenpersoonshuishoudens) tellen samen niet dubbel. *Beter dan* "
     "telt alleen waar het verschil groter is dan toeval."),
    ("klassen", "Vijf klassen",
     "Op de kaart: vijf kleuren met elk ongeveer evenveel buurten (kwantielen). Het zegt "
     "welke buurten hoog en laag zitten, niet of dat goed of slecht is."),
    ("netwerk", "Partners, ontwikkelplaatsen en vindplaatsen",
     "Het **netwerk** is wie en wat er al is in de wijk. Een **partner** is een organisatie "
     "(vereniging, school, zorg en welzijn, corporatie, ondernemer, kerk of moskee) die iets "
     "biedt: ruimte, expertise, geld, of een **ontwikkelplaats**: een plek waar bewoners "
     "kunnen groeien, zoals vrijwilligerswerk, een stage, een leerwerkplek of betaald werk. "
     "Een **vindplaats** is een plek waar je bewoners treft: het bankje bij de supermarkt, "
     "het schoolplein, de moskee na het vrijdaggebed."),
    ("talent", "Talent en verbinden",
     "Een **talent** is wat een bewoner kan of wil inbrengen, bijvoorbeeld voor een droom "
     "uit een werksessie (*ik help mee*). **Verbinden** in de rolwijzer noemt bij een zorg "
     "zonder initiatief de partners die op dat thema iets bieden en in de buurt of binnen "
     f"{metres_words(NEAR_M)} ervan zitten (dichtstbijzijnde eerst), de bewoners met een "
     "talent en waar je bewoners vindt. Het is een suggestie om mensen bij elkaar te brengen, geen toewijzing."),
    ("peildatum", "Peildatum",
     "De dag of de periode die een cijfer beschrijft. Inwoners, huishoudens en woningen telt "
     "CBS op **1 januari**; inkomens gaan over het **hele jaar** (van wie op 1 januari in "
     "Nederland woonde). Bij andere cijfers noemt CBS de peildatum in de toelichting bij "
     "de tabel *Kerncijfers wijken en buurten*; het dashboard zegt dan dat, en verzint "
     "geen eigen datum. Eigen cijfers van de gemeente hebben de datum van haar bestand."),
    ("samenhang", "Samenhang",
     "Twee cijfers hangen samen als ze vaak samen hoog of laag zijn (correlatie, van -1 "
     "tot 1). Samenhang zegt niets over oorzaak en gevolg."),
]  # fmt: skip

for anchor, heading, text in TERMS:
    st.subheader(heading, anchor=anchor)
    st.markdown(text)

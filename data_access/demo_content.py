"""Demo content written by people, so every page shows what it is for: the buurtnetwerken's stories, review
sessions with agreed actions, published best-practice stories (stage and presentation mode), published
buurtverslagen and the kartrekkers' contacts. All of it is fictitious and says so ("demo", "fictief").

Saved through the versioned-record service as author "demo", so it has a history like real input. Idempotent:
a buurt that already has a record of a kind keeps it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from data_access import periods, records
from data_access.models import BestPractice, BuurtReport, Narrative, NetworkContacts, ProgrammeBuurt, ReviewSession

AUTHOR = "demo"
MARK = "[Demo – fictief]"
# first names and surnames for fictitious kartrekkers; addresses on example.org (reserved, never delivered)
FIRST = ["Anna", "Henk", "Fatima", "Joost", "Sanne", "Mehmet", "Ingrid", "Pieter", "Yara", "Kees", "Noor", "Bas"]
LAST = ["de Vries", "Bos", "El Amrani", "Jansen", "Visser", "Yilmaz", "Smit", "Mulder", "de Graaf", "Bakker",
        "Kramer", "Hendriks"]
ROLES = ["wijkverpleegkundige", "huisarts", "beleidsmedewerker gemeente", "bewoner", "sociaal werker"]

STORIES = {
    "de-vijfhoek": {
        "challenges": "Veel alleenwonende ouderen in kleine bovenwoningen; eenzaamheid en valincidenten nemen toe. "
                      "De huisartsenpraktijk heeft een lange wachttijd voor visites.",
        "strengths": "Een actieve buurtvereniging, het Hofje als ontmoetingsplek en korte lijnen tussen het "
                     "Buurtzorgteam en de praktijk aan de Kruisstraat.",
        "why_it_matters": "Wie valt of vereenzaamt, komt vaak pas in beeld op de SEH. Eerder samen optrekken "
                          "voorkomt opnames en houdt mensen langer thuis.",
        "if_tackled": "Over twee jaar kent elke 75-plusser een vast aanspreekpunt en zijn er minder SEH-bezoeken "
                      "na een val.",
    },
    "sterrenwijk": {
        "challenges": "Jonge gezinnen en ouderen wonen naast elkaar maar kennen elkaar weinig; mantelzorgers "
                      "raken overbelast.",
        "strengths": "Een sterke basisschool, de wijkkerk als huiskamer en een betrokken wijkagent.",
        "why_it_matters": "Overbelaste mantelzorgers haken af, en dan komt de zorg in één keer bij de "
                          "wijkverpleging en de huisarts terecht.",
        "if_tackled": "Mantelzorgers weten waar ze terechtkunnen en de vraag naar wijkverpleging groeit minder hard.",
    },
    "kleverpark-zuid": {
        "challenges": "Veel COPD en hartfalen; ziekenhuisopnames na een verslechtering.",
        "strengths": "Een huisartsenpraktijk die al met een praktijkondersteuner ouderen werkt.",
        "why_it_matters": "Thuismonitoring en een gezamenlijk spreekuur kunnen een opname voorkomen.",
        "if_tackled": "Minder opnames van kwetsbare ouderen en kortere ligduur.",
    },
    "groenewoud": {
        "challenges": "Weinig voorzieningen dichtbij; ouderen rijden niet meer en raken geïsoleerd.",
        "strengths": "Een buurtbus van vrijwilligers en een actieve voedselbank.",
        "why_it_matters": "Zonder vervoer vallen afspraken en ontmoetingen weg.",
        "if_tackled": "Een ontmoetingsplek in de buurt en een vaste rit naar de huisarts.",
    },
}
ACTIONS = [
    "Mantelzorgcafé starten in het buurthuis (wijkverpleegkundige) [afgerond]",
    "Valpreventietraining voor 75-plussers plannen met de fysiotherapeut [loopt]",
    "Lijst van alleenwonende 80-plussers bespreken met de huisarts [open]",
    "NPS-vragenlijst uitzetten bij cliënten (sociaal werker) [loopt]",
    "Resultaten buurtbeeld delen op de bewonersavond [open]",
]
PRACTICES = [
    ("de-vijfhoek", "Samen op huisbezoek bij 80-plussers (demo)",
     "De wijkverpleegkundige en de praktijkondersteuner gaan samen op huisbezoek bij alleenwonende 80-plussers. "
     "Ze bespreken wat iemand zelf wil, wie er in de buurt helpt en wat er nodig is om thuis te blijven wonen. "
     "Fictief voorbeeld voor de demo.",
     "preventieve-huisbezoeken,wvp-als-poh-ouderen", "wvpk_uren_per_client"),
    ("kleverpark-zuid", "COPD-monitoring thuis voorkomt opnames (demo)",
     "Cliënten met COPD meten thuis hun saturatie; bij een afwijking belt de wijkverpleegkundige dezelfde dag en "
     "overlegt met de huisarts. Fictief voorbeeld voor de demo.",
     "copd-monitoring-thuis,gezamenlijk-spreekuur", "opnames_kwetsbare_ouderen_per_1000"),
    ("sterrenwijk", "Voorzorgcirkels voor mantelzorgers (demo)",
     "Buren vormen kleine kringen die elkaar wekelijks zien en bijspringen als een mantelzorger uitvalt. "
     "Fictief voorbeeld voor de demo.",
     "voorzorgcirkel,lotgenotencontact", "wvpk_uren_per_client"),
]
REPORTS = {
    "de-vijfhoek": "Dit jaar zijn we in De Vijfhoek gestart met huisbezoeken bij 80-plussers en een mantelzorgcafé. "
                   "Hieronder leest u wat we samen hebben gedaan en hoe het met de buurt gaat.",
    "sterrenwijk": "In Sterrenwijk zijn buren elkaars steun geworden: er zijn nu vijf voorzorgcirkels. Dank aan "
                   "iedereen die meedoet!",
    "kleverpark-zuid": "In Kleverpark-Zuid helpen we mensen met COPD om thuis hun gezondheid in de gaten te houden.",
}


def _contacts_text(i: int) -> str:
    people = []
    for k in range(2):
        n = (i * 2 + k) % len(FIRST)
        first, last = FIRST[n], LAST[(i + 3 * k) % len(LAST)]
        mail = f"{first.lower()}.{last.lower().replace(' ', '')}@example.org"
        people.append(f"{first} {last} (demo); {ROLES[(i + k) % len(ROLES)]}; {mail}; 06 0000 {1000 + i * 10 + k}")
    return "\n".join(people) + "\n"


def _exists(conn, model: type, **keys) -> bool:  # noqa: ANN001
    return records.load_where(conn, model, **keys) is not None


def add_demo_content(engine: Engine, today: dt.date | None = None) -> int:
    """Add the fictitious written content (see the module docstring); returns the number of records saved."""
    today = today or dt.date.today()
    review = periods.last_delivered(today)
    reviews = [periods.previous(periods.previous(review)), periods.previous(review), review]
    saved = 0
    with engine.begin() as conn:
        programme = dict(conn.execute(select(ProgrammeBuurt.slug, ProgrammeBuurt.id)
                                      .where(ProgrammeBuurt.synthetic.is_(False))
                                      .order_by(ProgrammeBuurt.slug)).all())

        def save(model: type, slug: str, values: dict, **keys) -> None:  # noqa: ANN003
            nonlocal saved
            if slug in programme and not _exists(conn, model, programme_id=programme[slug], **keys):
                records.save_record(conn, model, None, values, None, AUTHOR, programme[slug])
                saved += 1

        for i, slug in enumerate(programme):
            save(NetworkContacts, slug, {"kartrekkers": _contacts_text(i)})
        for slug, story in STORIES.items():
            save(Narrative, slug, {k: f"{MARK} {v}" for k, v in story.items()})
            for n, period in enumerate(reviews):
                actions = "\n".join(f"- {a}" for a in ACTIONS[n:n + 3])
                held = periods.start_date(periods.previous(period)) + dt.timedelta(days=70)
                save(ReviewSession, slug, {
                    "period": period, "held_on": min(held, today), "attendees": "wijkverpleegkundige, huisarts, "
                    "gemeente, twee bewoners (demo)", "notes": f"{MARK} Besproken: de uitkomsten van "
                    f"{periods.label(period)}; opvallend waren de adoptiecijfers en de NPS.", "actions": actions,
                }, period=period)
        for slug, title, story, interventions, indicator in PRACTICES:
            save(BestPractice, slug, {"title": title, "story": story, "interventions": interventions,
                                      "indicator_code": indicator, "contact": "", "status": "gepubliceerd"},
                 title=title)
        for slug, intro in REPORTS.items():
            save(BuurtReport, slug, {"year": today.year - 1, "intro": f"{MARK} {intro}", "published": True,
                                     "published_at": dt.datetime(today.year, 1, 15)}, year=today.year - 1)
    return saved

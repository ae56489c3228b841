"""Jacob: an intern with an NPF diagnosis, at a hotel, in Swedish, with more pictures.

Jacob finds it hard to put words on what he can do and is stressed by unclear steps.
He documents his internship almost only by tapping, then goes through all ten general
work skills. With "more pictures and smaller steps" on, every message he gets carries
a picture.
"""

from __future__ import annotations

from tests.bot.telegram_chat import TelegramChat
from tests.chat_script import act, talk
from tests.fakes.telegram import FakeBotApi
from tests.personas.effort import GOAL_TAPS, GOAL_TYPED, effort_to_first_skill

JACOB = 5001
STARTS_IN_SWEDISH_WITH_PICTURES = [
    ("/start", "Välj ditt språk"),
    ("tap: Svenska", "Jag sparar dina svar"),
    ("tap: Ja, det är okej", "fler bilder och mindre steg"),
    ("tap: Ja, fler bilder", "Vad vill du göra?"),
]
HIS_HOTEL_INTERNSHIP = [
    ("tap: Lägg till en erfarenhet", "Vad för slags erfarenhet"),
    ("tap: En praktik", "Vad för slags arbete"),
    ("tap: Hotell", "Vad var ditt jobb där?"),
    ("tap: Rumsstädare", "Var var det?"),
    ("Scandic Norra", "När började du?"),
    ("tap: 2025", "Vilken månad"),
    ("tap: mars", "När tog det slut?"),
    ("tap: Jag är kvar där", "Vad gjorde du där?"),
    ("tap: städade rum", "Vad gjorde du där?"),
    ("tap: bäddade sängar", "Vad gjorde du där?"),
    ("tap: Klar", "De här färdigheterna kan passa"),
    ("tap: Städa hotellrum", "Du har valt 1 färdighet."),
    ("tap: Klar", "Är det här rätt?"),
    ("tap: Spara", "Sparat! Nu har du 1 färdighet från Scandic Norra."),
]
# His answers, in turn, to every question of the self-check.
HIS_ANSWERS = (
    "tap: Ja, det kan jag",
    "tap: Med lite hjälp",
    "tap: Ja, det kan jag",
    "tap: Inte än",
)


async def test_jacob_documents_his_internship_and_checks_his_work_skills(
    api: FakeBotApi,
) -> None:
    jacob = TelegramChat(api, chat_id=JACOB, language="sv")
    await talk(jacob, STARTS_IN_SWEDISH_WITH_PICTURES)
    pictures_on_from = len(jacob.history)
    await talk(jacob, HIS_HOTEL_INTERNSHIP)

    await talk(
        jacob,
        [
            ("tap: Kolla hur jag jobbar", "Det finns 10 ämnen"),
            ("tap: Börja", "Kan du komma till arbetsplatsen i tid"),
            ("tap: Berätta om en gång", "Berätta"),
            ("Jag kom alltid tio minuter före.", "Ditt exempel: Jag kom alltid tio minuter före."),
        ],
    )
    questions = 0
    while not any("10 av 10 ämnen" in m.text for m in jacob.history[-2:]):
        await act(jacob, HIS_ANSWERS[questions % len(HIS_ANSWERS)])
        questions += 1
        assert questions < 60, "the self-check should end after its questions"
    assert questions >= 20  # ten topics with 2-5 outcomes each

    await talk(jacob, [("tap: Se mina svar", "Kommer i tid")])
    after_onboarding = jacob.history[pictures_on_from:]
    assert all(m.has_picture for m in after_onboarding), [
        m.text for m in after_onboarding if not m.has_picture
    ]


def test_jacob_documents_his_first_skill_with_few_taps_and_little_typing() -> None:
    effort = effort_to_first_skill(HIS_HOTEL_INTERNSHIP, "Städa hotellrum")
    print(effort.report("Jacob"))
    assert (effort.taps, effort.typed) == (11, len("Scandic Norra"))
    assert effort.taps <= GOAL_TAPS and effort.typed <= GOAL_TYPED

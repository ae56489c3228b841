"""Saman: a car mechanic from Iraq with basic Swedish, in Arabic.

He documents twenty years in a workshop in Baghdad (typing his years, searching a skill
in Arabic) and his football coaching in a Swedish association, then sees both saved.
"""

from __future__ import annotations

from tests.bot.telegram_chat import TelegramChat
from tests.chat_script import talk
from tests.fakes.telegram import FakeBotApi
from tests.personas.effort import GOAL_TAPS, GOAL_TYPED, effort_to_first_skill

SAMAN = 5002
STARTS_IN_ARABIC = [
    ("/start", "اختر لغتك"),
    ("tap: العربية", "أحفظ إجاباتك"),
    ("tap: نعم، موافق", "صورًا أكثر"),
    ("tap: لا، شكرًا", "ماذا تريد أن تفعل؟"),
]
HIS_WORKSHOP_IN_BAGHDAD = [
    ("tap: أضف خبرة", "ما نوع هذه الخبرة؟"),
    ("tap: عمل", "ما نوع العمل؟"),
    ("tap: تصليح السيارات", "ما كانت وظيفتك هناك؟"),
    ("tap: ميكانيكي سيارات", "أين كان ذلك؟"),
    ("ورشة في بغداد", "متى بدأت؟"),
    ("tap: سنة أقدم", "اكتب سنة البداية"),
    ("2001", "في أي شهر بدأت؟"),
    ("tap: لا أتذكر", "متى انتهت؟"),
    ("tap: سنة أخرى", "اكتب سنة النهاية"),
    ("2019", "في أي شهر انتهت؟"),
    ("tap: يونيو", "ماذا فعلت هناك؟"),
    ("tap: غيرت الزيت", "ماذا فعلت هناك؟"),
    ("tap: غيرت الفرامل", "ماذا فعلت هناك؟"),
    ("tap: انتهيت", "قد تناسبك هذه المهارات"),
    # He searches in Arabic, as he would say it.
    ("تغيير الزيت", "هذا ما وجدته"),
    ("tap: تغيير الزيت والصيانة", "قد تناسبك هذه المهارات"),
    ("tap: إصلاح الفرامل", "قد تناسبك هذه المهارات"),
    ("tap: انتهيت", "هل هذا صحيح؟"),
    ("tap: 💾 حفظ", "ورشة في بغداد"),
]
HIS_FOOTBALL_COACHING = [
    ("tap: أضف خبرة", "ما نوع هذه الخبرة؟"),
    ("tap: جمعية أو نادٍ", "ما نوع العمل؟"),
    ("tap: الجمعيات والأندية", "ما كانت وظيفتك هناك؟"),
    ("مدرب كرة القدم", "أين كان ذلك؟"),
    ("نادي فيستروس", "متى بدأت؟"),
    ("tap: 2022", "في أي شهر بدأت؟"),
    ("tap: لا أتذكر", "متى انتهت؟"),
    ("tap: ما زلت هناك", "ماذا فعلت هناك؟"),
    ("tap: دربت فريقا", "ماذا فعلت هناك؟"),
    ("tap: انتهيت", "قد تناسبك هذه المهارات"),
    ("tap: تدريب فريق", "قد تناسبك هذه المهارات"),
    ("tap: انتهيت", "هل هذا صحيح؟"),
    ("tap: 💾 حفظ", "نادي فيستروس"),
]


async def test_saman_documents_his_workshop_and_his_football_club_in_arabic(
    api: FakeBotApi,
) -> None:
    saman = TelegramChat(api, chat_id=SAMAN, language="ar")
    await talk(saman, STARTS_IN_ARABIC)
    await talk(saman, HIS_WORKSHOP_IN_BAGHDAD)
    await talk(saman, HIS_FOOTBALL_COACHING)
    summary = await talk(saman, [("tap: ما حفظته", "خبرتان")])
    saved = [label for m in summary for row in m.buttons for label, _ in row]
    assert any("ورشة في بغداد" in label for label in saved), saved
    assert any("نادي فيستروس" in label for label in saved), saved
    # Right to left: the back arrow points right, and typed names are isolated.
    assert any("➡️" in label for m in saman.history for row in m.buttons for label, _ in row)
    everything = "\n".join(m.text for m in saman.history)
    assert "\u2068ورشة في بغداد\u2069" in everything
    # His tasks are listed the Arabic way ("A وB"), not with a Latin comma.
    assert "\u2068غيرت الزيت\u2069 و\u2068غيرت الفرامل\u2069" in everything


def test_saman_documents_his_first_skills_with_few_taps_and_little_typing() -> None:
    workshop = effort_to_first_skill(HIS_WORKSHOP_IN_BAGHDAD, "تغيير الزيت والصيانة")
    coaching = effort_to_first_skill(HIS_FOOTBALL_COACHING, "تدريب فريق")
    print(workshop.report("Saman, his workshop"))
    print(coaching.report("Saman, his football club"))
    # The workshop: twelve taps, his place, two years and a search in his own words.
    typed = len("ورشة في بغداد") + len("2001") + len("2019") + len("تغيير الزيت")
    assert (workshop.taps, workshop.typed) == (12, typed)
    for effort in (workshop, coaching):
        assert effort.taps <= GOAL_TAPS and effort.typed <= GOAL_TYPED

"""Plain language, measured: what learners read in Swedish and English is easy to read.

Swedish: LIX (Björnsson) at most 30 and at most 15 words per sentence on average, for
every chat message and every learning outcome as the self-check asks it ("Kan du …?").
English: Flesch reading ease at least 70 for the same texts.

LIX and Flesch are measures of running text. A label of one to four words (a button,
a picture's caption, a heading) has no sentences to measure: one long word alone
scores a LIX of 101. So a text is measured from five words up, whatever it is.
"""

from __future__ import annotations

import pytest

from api.skills.catalogue import default_catalogue
from tests.language.catalogs import catalog, source_messages
from tests.language.readability import stats, words_of

MAX_LIX = 30
MAX_WORDS_PER_SENTENCE = 15
MIN_FLESCH = 70
# Fewer words than this make a label, not a message.
MESSAGE_WORDS = 5


def _forms(string: str | tuple[str, ...]) -> list[str]:
    return [string] if isinstance(string, str) else [s for s in string if s]


def chat_messages(locale: str) -> list[str]:
    """Every form of every message the chat says (found in dialogs/ and bot/)."""
    in_chat = {
        key
        for key, source in source_messages().items()
        if source.where.startswith(("dialogs/", "bot/"))
    }
    texts = []
    for message in catalog(locale):
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        if not msgid or (message.context, msgid) not in in_chat:
            continue
        if locale == "en":
            source = message.id if isinstance(message.id, tuple) else (message.id,)
            texts += list(source)
        else:
            texts += _forms(message.string)
    return [t for t in texts if len(words_of(t)) >= MESSAGE_WORDS]


def outcome_questions(locale: str) -> list[str]:
    question = {"sv": "Kan du {}?", "en": "Can you {}?"}[locale]
    return [
        question.format(outcome.text[locale])
        for skill in default_catalogue().skills
        for outcome in skill.outcomes
    ]


@pytest.mark.parametrize("texts", [chat_messages, outcome_questions], ids=["chat", "outcomes"])
def test_swedish_reads_easily(texts: object) -> None:
    assert callable(texts)
    measured = [(text, stats(text, "sv_SE")) for text in texts("sv")]
    assert len(measured) > 20
    hard = [
        f"LIX {s.lix:.0f}, {s.words_per_sentence:.0f} words/sentence: {text}"
        for text, s in measured
        if s.lix > MAX_LIX or s.words_per_sentence > MAX_WORDS_PER_SENTENCE
    ]
    assert not hard, "\n".join(hard)


@pytest.mark.parametrize("texts", [chat_messages, outcome_questions], ids=["chat", "outcomes"])
def test_english_reads_easily(texts: object) -> None:
    assert callable(texts)
    measured = [(text, stats(text, "en_US")) for text in texts("en")]
    assert len(measured) > 20
    hard = [f"Flesch {s.flesch:.0f}: {text}" for text, s in measured if s.flesch < MIN_FLESCH]
    assert not hard, "\n".join(hard)


def test_the_measures_match_worked_examples() -> None:
    # 2 sentences, 11 words, 5 of them longer than six letters: 11/2 + 100*5/11 = 51.
    text = (
        "Innehavaren kan städa rummet noggrant. Hen kontrollerar resultatet efter varje städning."
    )
    assert words_of(text)[0] == "Innehavaren"
    assert round(stats(text, "sv_SE").lix) == 51
    assert stats("The cat sat on the mat.").flesch > 100

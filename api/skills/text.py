"""Text normalisation for matching what a learner types against skill labels.

Both sides of every comparison go through :func:`normalise`:

* Unicode NFKC (folds Arabic presentation forms and full-width letters), then casefold;
* zero-width and bidirectional control characters are dropped;
* Latin accents are stripped (``é`` -> ``e``) except the Swedish letters ``å``, ``ä`` and
  ``ö``, which stay distinct letters (``ø``/``æ`` are read as ``ö``/``ä``);
* Arabic: short vowels and other marks (tashkeel) and tatweel are dropped,
  ``أ إ آ ٱ`` -> ``ا``, ``ة`` -> ``ه``, ``ى`` -> ``ي``;
* punctuation, symbols and emoji become spaces, and whitespace is collapsed.

:func:`stem` is a deliberately small suffix/prefix stripper so that "städade" meets
"städa", "bromsarna" meets "bromsar", "washed" meets "wash" and "والزيت" meets "الزيت".
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

_KEEP_LATIN: Final = frozenset("åäöÅÄÖ")


def _build_table() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    # Zero-width characters, bidi controls, soft hyphen, Arabic letter mark, BOM.
    invisible = [0x00AD, 0x061C, 0x180E, 0xFEFF, *range(0x200B, 0x2010)]
    invisible += [*range(0x202A, 0x202F), *range(0x2060, 0x2065), *range(0x2066, 0x206A)]
    for cp in invisible:
        table[cp] = None
    # Stray combining marks (after NFKC they only remain when nothing could absorb them).
    for cp in range(0x0300, 0x0370):
        table[cp] = None
    # Latin letters with diacritics -> base letter, except å, ä, ö.
    for cp in [*range(0x00C0, 0x0250), *range(0x1E00, 0x1F00)]:
        char = chr(cp)
        if char in _KEEP_LATIN:
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        if base and base != char:
            table[cp] = base
    table[ord("ø")] = "ö"
    table[ord("Ø")] = "ö"
    table[ord("æ")] = "ä"
    table[ord("Æ")] = "ä"
    # Arabic: tashkeel, Quranic marks, superscript alef, tatweel.
    for cp in [*range(0x0610, 0x061B), *range(0x064B, 0x0660), 0x0670, 0x0640]:
        table[cp] = None
    for cp in [*range(0x06D6, 0x06DD), *range(0x06DF, 0x06E9), *range(0x06EA, 0x06EE)]:
        table[cp] = None
    for alef in "أإآٱ":
        table[ord(alef)] = "ا"
    table[ord("ة")] = "ه"
    table[ord("ى")] = "ي"
    return table


_TABLE: Final = _build_table()
_NON_WORD: Final = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """The comparable form of ``text``: lower-case words separated by single spaces."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFKC", text).casefold().translate(_TABLE)
    return _NON_WORD.sub(" ", folded).strip()


def is_arabic(word: str) -> bool:
    """Whether the word is written in Arabic script (judged by its first letter)."""
    return bool(word) and "\u0600" <= word[0] <= "\u06ff"


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Function words that never identify a skill on their own (normalised forms), per language.
STOPWORDS_BY_LOCALE: Final[dict[str, frozenset[str]]] = {
    "sv": _word_set(
        "och i på att med som en ett det den de jag vi hen han hon man till för av om är var "
        "har hade sig sin sitt sina min mitt mina från vid under efter eller men så när där "
        "här också mycket lite dom oss ta ut in upp kan ska kunde kunna vara varit"
    ),
    "en": _word_set(
        "and or the a an of in on at to for with i we he she they my our was were is are be "
        "been have has had did do this that from by as also very some"
    ),
    # After normalisation: أن -> ان, على -> علي, إلى -> الي.
    "ar": _word_set(
        "و في من الي علي عن مع ان انا نحن هو هي كان كنت ثم او هذا هذه ذلك التي الذي قد ما لا كل"
    ),
}
#: Every language's function words together, for labels and queries of unknown language.
STOPWORDS: Final = frozenset().union(*STOPWORDS_BY_LOCALE.values())


# Longest first; a stem keeps at least three letters.
_LATIN_SUFFIXES: Final = (
    "ningarna",
    "ningar",
    "ningen",
    "arna",
    "erna",
    "orna",
    "ande",
    "ende",
    "ning",
    "ade",
    "are",
    "ing",
    "het",
    "ar",
    "er",
    "or",
    "en",
    "et",
    "an",
    "na",
    "te",
    "de",
    "ed",
    "es",
    "a",
    "e",
    "s",
)
_ARABIC_PREFIXES: Final = ("وبال", "وال", "بال", "فال", "كال", "لل", "ال")
_ARABIC_SUFFIXES: Final = ("ات", "ون", "ين", "ها", "ه")
_MIN_STEM: Final = 3


_ARABIC_CONJUNCTIONS: Final = "وف"
_ARABIC_VERB_PREFIXES: Final = "انيت"
_ARABIC_VERB_SUFFIXES: Final = ("تم", "نا", "وا", "ون", "ت")


def stem(word: str) -> str:
    """A light stem of one normalised word (Swedish/English suffixes, Arabic clitics)."""
    if is_arabic(word):
        for prefix in _ARABIC_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= _MIN_STEM:
                word = word[len(prefix) :]
                break
        for suffix in _ARABIC_SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                return word[: -len(suffix)]
        return word
    for suffix in _LATIN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word


def word_forms(word: str) -> set[str]:
    """The stems a word of free text may stand for.

    Besides :func:`stem`, an Arabic word is also read as a verb: without a past-tense ending
    ("نظفت" -> "نظف", I cleaned) and without a conjunction and present-tense prefix
    ("وأطبخ" -> "طبخ", and I cook), so that it meets "نظافة" and "الطبخ".
    """
    forms = {stem(word)}
    if is_arabic(word):
        forms.add(_strip_verb_suffix(word))
        verb = word
        if verb[0] in _ARABIC_CONJUNCTIONS and len(verb) > 4:
            verb = verb[1:]
        if verb[0] in _ARABIC_VERB_PREFIXES and len(verb) >= 4:
            forms.add(_strip_verb_suffix(verb[1:]))
    return forms


def _strip_verb_suffix(word: str) -> str:
    for suffix in _ARABIC_VERB_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            return word[: -len(suffix)]
    return word

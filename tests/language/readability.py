"""Readability measures for the plain-language tests.

LIX (Björnsson's läsbarhetsindex) for Swedish: words per sentence plus the share of
long words (more than six letters) in percent. Flesch reading ease for English, with
syllables counted by the hyphenation dictionary that Pyphen ships (no download).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pyphen

# A word is a run of letters (digits and emoji are not words a reader must decode).
_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# A sentence ends at . ! ? : or a line break; placeholders like {place} count as a word.
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)|\n+")
_PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


@dataclass(frozen=True)
class TextStats:
    words: int
    sentences: int
    long_words: int
    syllables: int

    @property
    def words_per_sentence(self) -> float:
        return self.words / self.sentences

    @property
    def lix(self) -> float:
        return self.words_per_sentence + 100 * self.long_words / self.words

    @property
    def flesch(self) -> float:
        return 206.835 - 1.015 * self.words_per_sentence - 84.6 * self.syllables / self.words


@functools.cache
def _hyphenator(lang: str) -> pyphen.Pyphen:
    return pyphen.Pyphen(lang=lang)


def words_of(text: str) -> list[str]:
    return _WORD.findall(_PLACEHOLDER.sub("Namn", text))


def stats(text: str, lang: str = "en_US") -> TextStats:
    words = words_of(text)
    pieces = [p for p in _SENTENCE_END.split(_PLACEHOLDER.sub("Namn", text)) if words_of(p)]
    hyphenate = _hyphenator(lang)
    return TextStats(
        words=len(words),
        sentences=max(1, len(pieces)),
        long_words=sum(len(w) > 6 for w in words),
        syllables=sum(len(hyphenate.positions(w.lower())) + 1 for w in words),
    )

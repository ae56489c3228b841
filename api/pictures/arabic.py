"""Join Arabic letters without libraqm, using Unicode presentation forms.

Pillow shapes Arabic itself when it has libraqm (with FriBiDi). Where it does not — Pillow's
wheels load FriBiDi from the system, and a laptop may lack it — each letter would be drawn in
its isolated form, which reads as a row of unconnected letters. This module picks the
contextual form (isolated, final, initial, medial) of each letter and the lam-alef
ligatures, which the Noto Arabic and DejaVu fonts all carry. It covers the Arabic alphabet
and the common Persian letters; vowel marks are dropped because without a shaper they
cannot be placed over their letter.
"""

from __future__ import annotations

# letter -> (isolated, final, initial, medial); letters that join only to the previous
# letter have no initial or medial form.
_FORMS: dict[str, tuple[str, ...]] = {
    "\u0621": ("\ufe80",),
    "\u0622": ("\ufe81", "\ufe82"),
    "\u0623": ("\ufe83", "\ufe84"),
    "\u0624": ("\ufe85", "\ufe86"),
    "\u0625": ("\ufe87", "\ufe88"),
    "\u0626": ("\ufe89", "\ufe8a", "\ufe8b", "\ufe8c"),
    "\u0627": ("\ufe8d", "\ufe8e"),
    "\u0628": ("\ufe8f", "\ufe90", "\ufe91", "\ufe92"),
    "\u0629": ("\ufe93", "\ufe94"),
    "\u062a": ("\ufe95", "\ufe96", "\ufe97", "\ufe98"),
    "\u062b": ("\ufe99", "\ufe9a", "\ufe9b", "\ufe9c"),
    "\u062c": ("\ufe9d", "\ufe9e", "\ufe9f", "\ufea0"),
    "\u062d": ("\ufea1", "\ufea2", "\ufea3", "\ufea4"),
    "\u062e": ("\ufea5", "\ufea6", "\ufea7", "\ufea8"),
    "\u062f": ("\ufea9", "\ufeaa"),
    "\u0630": ("\ufeab", "\ufeac"),
    "\u0631": ("\ufead", "\ufeae"),
    "\u0632": ("\ufeaf", "\ufeb0"),
    "\u0633": ("\ufeb1", "\ufeb2", "\ufeb3", "\ufeb4"),
    "\u0634": ("\ufeb5", "\ufeb6", "\ufeb7", "\ufeb8"),
    "\u0635": ("\ufeb9", "\ufeba", "\ufebb", "\ufebc"),
    "\u0636": ("\ufebd", "\ufebe", "\ufebf", "\ufec0"),
    "\u0637": ("\ufec1", "\ufec2", "\ufec3", "\ufec4"),
    "\u0638": ("\ufec5", "\ufec6", "\ufec7", "\ufec8"),
    "\u0639": ("\ufec9", "\ufeca", "\ufecb", "\ufecc"),
    "\u063a": ("\ufecd", "\ufece", "\ufecf", "\ufed0"),
    "\u0641": ("\ufed1", "\ufed2", "\ufed3", "\ufed4"),
    "\u0642": ("\ufed5", "\ufed6", "\ufed7", "\ufed8"),
    "\u0643": ("\ufed9", "\ufeda", "\ufedb", "\ufedc"),
    "\u0644": ("\ufedd", "\ufede", "\ufedf", "\ufee0"),
    "\u0645": ("\ufee1", "\ufee2", "\ufee3", "\ufee4"),
    "\u0646": ("\ufee5", "\ufee6", "\ufee7", "\ufee8"),
    "\u0647": ("\ufee9", "\ufeea", "\ufeeb", "\ufeec"),
    "\u0648": ("\ufeed", "\ufeee"),
    "\u0649": ("\ufeef", "\ufef0", "\ufbe8", "\ufbe9"),
    "\u064a": ("\ufef1", "\ufef2", "\ufef3", "\ufef4"),
    "\u067e": ("\ufb56", "\ufb57", "\ufb58", "\ufb59"),
    "\u0686": ("\ufb7a", "\ufb7b", "\ufb7c", "\ufb7d"),
    "\u0698": ("\ufb8a", "\ufb8b"),
    "\u06a9": ("\ufb8e", "\ufb8f", "\ufb90", "\ufb91"),
    "\u06af": ("\ufb92", "\ufb93", "\ufb94", "\ufb95"),
    "\u06cc": ("\ufbfc", "\ufbfd", "\ufbfe", "\ufbff"),
}

_TATWEEL = "\u0640"
_LAM = "\u0644"
# alef variant -> (isolated, final) lam-alef ligature
_LAM_ALEF = {
    "\u0622": ("\ufef5", "\ufef6"),
    "\u0623": ("\ufef7", "\ufef8"),
    "\u0625": ("\ufef9", "\ufefa"),
    "\u0627": ("\ufefb", "\ufefc"),
}


def _is_mark(char: str) -> bool:
    code = ord(char)
    return 0x064B <= code <= 0x065F or code == 0x0670 or 0x06D6 <= code <= 0x06ED


def _joins_forward(char: str | None) -> bool:
    """Whether ``char`` connects to the letter after it."""
    return char == _TATWEEL or (char is not None and len(_FORMS.get(char, ())) == 4)


def _joins_back(char: str | None) -> bool:
    """Whether ``char`` connects to the letter before it."""
    return char == _TATWEEL or (char is not None and len(_FORMS.get(char, ())) >= 2)


def shape(text: str) -> str:
    """Replace Arabic letters by their contextual presentation forms, in logical order."""
    letters = [c for c in text if not _is_mark(c)]
    out: list[str] = []
    i = 0
    while i < len(letters):
        char = letters[i]
        prev = letters[i - 1] if i > 0 else None
        nxt = letters[i + 1] if i + 1 < len(letters) else None
        joined_before = _joins_forward(prev) and _joins_back(char)
        if char == _LAM and nxt in _LAM_ALEF:
            out.append(_LAM_ALEF[nxt][1 if joined_before else 0])
            i += 2
            continue
        forms = _FORMS.get(char)
        if forms is None:
            out.append(char)
        else:
            joined_after = _joins_forward(char) and _joins_back(nxt)
            if joined_before and joined_after:
                out.append(forms[3])
            elif joined_after:
                out.append(forms[2])
            elif joined_before:
                out.append(forms[1])
            else:
                out.append(forms[0])
        i += 1
    return "".join(out)

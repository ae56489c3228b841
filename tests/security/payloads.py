"""What a hostile learner, endorser or mentor types, and what a page must show instead of running.

Every payload that could run tries to set ``window.__xss``; the browser tests check
that it stays undefined. ``visible`` is what the page must show of it as text (a
field may cut a long word short; a bidi override may be dropped, never obeyed).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Payload:
    name: str
    text: str
    visible: str


PAYLOADS: Final = (
    Payload("script tag", "<script>window.__xss=1</script>", "<script>window.__xss=1</script>"),
    Payload("event handler", "<img src=x onerror=window.__xss=2>", "<img src=x onerror="),
    Payload("svg onload", "<svg onload=window.__xss=3>", "<svg onload=window.__xss=3>"),
    Payload("javascript url", "javascript:window.__xss=4", "javascript:window.__xss=4"),
    Payload("attribute breakout", "\"'><b onmouseover=window.__xss=5>", "\"'><b onmouseover="),
    Payload("template injection", "{{7*7}} ${7*7} {%print 7%}", "{{7*7}} ${7*7} {%print 7%}"),
    Payload("bidi override", "\u202egnp.exe\u202c Ali", "gnp.exe"),
    Payload("very long word", "W" * 120, "W" * 30),
)

# Names are typed in the chat, where a name is at most this long.
NAME_CHARS: Final = 40

"""Message text and keyboard checks, so formatting bugs fail here as they would live.

Telegram rejects a message whose ``parse_mode`` markup does not parse (an unescaped
``<`` from user input in HTML, a bare ``.`` in MarkdownV2). These checks follow the
documented rules closely enough to catch those bugs; they are not a full parser.
"""

from __future__ import annotations

import re
from typing import Any

from tests.fakes._telegram_errors import bad_request, cant_parse_entities
from tests.fakes._telegram_records import Buttons

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64  # bytes
MAX_COPY_TEXT = 256  # characters, as CopyTextButton documents

_HTML_TAGS = frozenset(
    {
        "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "span",
        "tg-spoiler", "a", "code", "pre", "blockquote", "tg-emoji",
    }
)  # fmt: skip
_HTML_ENTITY = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|lt|gt|amp|quot);")
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_TOGGLES = frozenset("*_~|")


def render_text(text: str, parse_mode: str | None) -> str:
    """The text the user reads; raises ApiError when the markup would not parse."""
    mode = (parse_mode or "").lower()
    if mode == "html":
        return _render_html(text)
    if mode == "markdownv2":
        return _render_markdown_v2(text)
    if mode == "markdown":
        return _render_markdown_legacy(text)
    if mode:
        raise bad_request(f"unsupported parse_mode {parse_mode!r}")
    return text


def utf16_length(text: str) -> int:
    """Telegram counts lengths in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def check_text(text: Any, parse_mode: str | None) -> str:
    if not isinstance(text, str) or not text.strip():
        raise bad_request("message text is empty")
    plain = render_text(text, parse_mode)
    if not plain.strip():
        raise bad_request("message text is empty")
    if utf16_length(plain) > MAX_TEXT:
        raise bad_request("message is too long")
    return plain


def check_caption(caption: Any, parse_mode: str | None) -> str | None:
    if caption is None or caption == "":
        return None
    plain = render_text(str(caption), parse_mode)
    if utf16_length(plain) > MAX_CAPTION:
        raise bad_request("message caption is too long")
    return plain


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode())


def _render_html(text: str) -> str:
    out: list[str] = []
    open_tags: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "&":
            match = _HTML_ENTITY.match(text, i)
            if match:
                out.append(_decode_entity(match.group(1)))
                i = match.end()
                continue
            # Telegram keeps an '&' that starts no known entity as a literal.
            out.append(char)
            i += 1
            continue
        if char != "<":
            out.append(char)
            i += 1
            continue
        i = _consume_tag(text, i, open_tags)
    if open_tags:
        raise cant_parse_entities(
            f'Can\'t find end tag corresponding to start tag "{open_tags[-1]}"'
        )
    return "".join(out)


def _consume_tag(text: str, start: int, open_tags: list[str]) -> int:
    """Check the tag opening at ``text[start]``; return the index after its '>'."""
    offset = _byte_offset(text, start)
    closing = text.startswith("</", start)
    # As in Telegram (TDLib), the tag name runs to the first space or '>'.
    name_start = start + (2 if closing else 1)
    name_end = name_start
    while name_end < len(text) and not text[name_end].isspace() and text[name_end] != ">":
        name_end += 1
    name = text[name_start:name_end].lower()
    end = text.find(">", name_end)
    if closing:
        if end < 0:
            raise cant_parse_entities(f"Unclosed end tag at byte offset {offset}")
        if not open_tags:
            raise cant_parse_entities(f'Unexpected end tag "{name}" at byte offset {offset}')
        if name != open_tags[-1]:
            raise cant_parse_entities(
                f'Unmatched end tag at byte offset {offset}, expected "</{open_tags[-1]}>", '
                f'found "</{name}>"'
            )
        open_tags.pop()
        return end + 1
    if name_end >= len(text):
        raise cant_parse_entities(f"Unclosed start tag at byte offset {offset}")
    if name not in _HTML_TAGS:
        raise cant_parse_entities(f'Unsupported start tag "{name}" at byte offset {offset}')
    if end < 0:
        raise cant_parse_entities(f"Unclosed start tag at byte offset {offset}")
    if name == "span" and "tg-spoiler" not in text[name_end:end]:
        raise cant_parse_entities(
            f'Tag "span" must have class "tg-spoiler" at byte offset {offset}'
        )
    open_tags.append(name)
    return end + 1


def _decode_entity(body: str) -> str:
    if body.startswith("#x"):
        return chr(int(body[2:], 16))
    if body.startswith("#"):
        return chr(int(body[1:]))
    return _NAMED_ENTITIES[body]


def _render_markdown_v2(text: str) -> str:
    out: list[str] = []
    open_marks: dict[str, int] = {}  # toggle mark -> index where it was opened
    link_open: int | None = None
    in_url = False
    code_fence: str | None = None
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\":
            if i + 1 >= len(text):
                raise cant_parse_entities("Unexpected end of text")
            out.append(text[i + 1])
            i += 2
            continue
        if code_fence is not None:
            if text.startswith(code_fence, i):
                i += len(code_fence)
                code_fence = None
            else:
                out.append(char)
                i += 1
            continue
        if in_url:
            # Inside (url) only ')' and '\' need escaping.
            in_url = char != ")"
            i += 1
            continue
        if char == "`":
            code_fence = "```" if text.startswith("```", i) else "`"
            i += len(code_fence)
            continue
        if char in _MDV2_TOGGLES:
            mark = "||" if text.startswith("||", i) else "__" if text.startswith("__", i) else char
            if mark in open_marks:
                del open_marks[mark]
            else:
                open_marks[mark] = i
            i += len(mark)
            continue
        if char == "[":
            link_open = i
            i += 1
            continue
        if char == "]" and link_open is not None:
            if not text.startswith("(", i + 1):
                raise cant_parse_entities(
                    f"Can't find end of a URL at byte offset {_byte_offset(text, i)}"
                )
            link_open = None
            in_url = True
            i += 2
            continue
        if char == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1  # a block quotation marker
            continue
        if char in _MDV2_RESERVED:
            raise cant_parse_entities(
                f"Character '{char}' is reserved and must be escaped with the preceding '\\'"
            )
        out.append(char)
        i += 1
    unclosed = [*open_marks.values(), *([] if link_open is None else [link_open])]
    if code_fence is not None or in_url or unclosed:
        start = min(unclosed) if unclosed else len(text)
        raise cant_parse_entities(
            f"Can't find end of the entity starting at byte offset {_byte_offset(text, start)}"
        )
    return "".join(out)


def _render_markdown_legacy(text: str) -> str:
    out: list[str] = []
    open_mark: tuple[str, int] | None = None
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in "*_`[":
            out.append(text[i + 1])
            i += 2
            continue
        mark = "```" if text.startswith("```", i) else char
        if mark in ("*", "_", "`", "```"):
            if open_mark is None:
                open_mark = (mark, i)
            elif open_mark[0] == mark:
                open_mark = None
            else:
                out.append(char)
                i += 1
                continue
            i += len(mark)
            continue
        out.append(char)
        i += 1
    if open_mark is not None:
        raise cant_parse_entities(
            "Can't find end of the entity starting at byte offset "
            f"{_byte_offset(text, open_mark[1])}"
        )
    return "".join(out)


def check_reply_markup(markup: Any) -> None:
    """Reject keyboards Telegram would reject (the common one: callback_data > 64 bytes)."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    rows = markup.get("inline_keyboard")
    if rows is None:
        return
    if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
        raise bad_request(
            'can\'t parse inline keyboard button: field "inline_keyboard" must be an Array'
        )
    for row in rows:
        for button in row:
            _check_inline_button(button)


def _check_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise bad_request("can't parse inline keyboard button: Text must be a string")
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
            raise bad_request("BUTTON_DATA_INVALID")
    elif "url" in button:
        if not re.match(r"(https?|tg)://\S+$", str(button["url"])):
            raise bad_request(f"inline keyboard button URL '{button['url']}' is invalid")
    elif "copy_text" in button:
        copy = button["copy_text"]
        text = copy.get("text") if isinstance(copy, dict) else None
        if not isinstance(text, str) or not 1 <= len(text) <= MAX_COPY_TEXT:
            raise bad_request(
                "can't parse inline keyboard button: copy_text must have 1-256 characters"
            )
    elif len(button) == 1:
        raise bad_request("text buttons are unallowed in the inline keyboard")


def inline_buttons(markup: Any) -> Buttons:
    if not isinstance(markup, dict) or not isinstance(markup.get("inline_keyboard"), list):
        return []
    rows: Buttons = []
    for row in markup["inline_keyboard"]:
        rows.append([(str(b.get("text", "")), _button_target(b)) for b in row])
    return rows


def _button_target(button: dict[str, Any]) -> str:
    for key in ("callback_data", "url", "switch_inline_query", "copy_text"):
        if key in button:
            value = button[key]
            # A copy button's target is the text it copies.
            return str(value.get("text", "")) if isinstance(value, dict) else str(value)
    return ""


def reply_keyboard(markup: Any) -> list[list[str]]:
    if not isinstance(markup, dict) or not isinstance(markup.get("keyboard"), list):
        return []
    return [
        [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
        for row in markup["keyboard"]
    ]


def is_inline_keyboard(markup: Any) -> bool:
    return isinstance(markup, dict) and "inline_keyboard" in markup

"""The formatting and keyboard rules, without a server."""

from __future__ import annotations

import pytest

from tests.fakes._telegram_errors import ApiError
from tests.fakes._telegram_markup import (
    check_reply_markup,
    check_text,
    inline_buttons,
    render_text,
    reply_keyboard,
)
from tests.fakes._telegram_users import command_entities


@pytest.mark.parametrize(
    ("text", "mode", "plain"),
    [
        ("<b>Hej</b> &amp; <i>välkommen</i>", "HTML", "Hej & välkommen"),
        ('<a href="https://x.se">länk</a> &lt;3', "HTML", "länk <3"),
        ("R&D", "HTML", "R&D"),  # a bare '&' is kept, as Telegram does
        ('<pre><code class="language-py">x</code></pre>', "HTML", "x"),
        ("*fet* _kursiv_ klart\\.", "MarkdownV2", "fet kursiv klart."),
        ("[länk](https://x.se/a-b.c) `kod.!`", "MarkdownV2", "länk kod.!"),
        ("*fet* och _kursiv_", "Markdown", "fet och kursiv"),
        ("<b>inte html</b>", None, "<b>inte html</b>"),
    ],
)
def test_valid_markup_renders_to_plain_text(text: str, mode: str | None, plain: str) -> None:
    assert render_text(text, mode) == plain


@pytest.mark.parametrize(
    ("text", "mode", "reason"),
    [
        ("Jag <3 dig", "HTML", 'Unsupported start tag "3"'),
        ("<b>fet", "HTML", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", "HTML", "Unmatched end tag"),
        ("<div>x</div>", "HTML", 'Unsupported start tag "div"'),
        ("Klart.", "MarkdownV2", "Character '.' is reserved"),
        ("1-2", "MarkdownV2", "Character '-' is reserved"),
        ("*fet", "MarkdownV2", "Can't find end of the entity"),
        ("_kursiv", "Markdown", "Can't find end of the entity"),
    ],
)
def test_broken_markup_is_refused_like_telegram(text: str, mode: str, reason: str) -> None:
    with pytest.raises(ApiError) as caught:
        render_text(text, mode)
    assert caught.value.status == 400
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")
    assert reason in caught.value.description


def test_text_must_be_non_empty_and_at_most_4096_utf16_units() -> None:
    for empty in ("", "   ", None):
        with pytest.raises(ApiError, match="message text is empty"):
            check_text(empty, None)
    assert check_text("å" * 4096, None)
    with pytest.raises(ApiError, match="message is too long"):
        check_text("🙂" * 2049, None)  # 4098 UTF-16 units


def test_keyboards_are_read_and_checked() -> None:
    inline = {
        "inline_keyboard": [
            [{"text": "Ja", "callback_data": "yes"}, {"text": "Web", "url": "https://x.se"}]
        ]
    }
    check_reply_markup(inline)
    assert inline_buttons(inline) == [[("Ja", "yes"), ("Web", "https://x.se")]]
    assert reply_keyboard({"keyboard": [["A", {"text": "B"}]]}) == [["A", "B"]]
    with pytest.raises(ApiError, match="BUTTON_DATA_INVALID"):
        check_reply_markup({"inline_keyboard": [[{"text": "x", "callback_data": "å" * 33}]]})
    with pytest.raises(ApiError, match="text buttons are unallowed"):
        check_reply_markup({"inline_keyboard": [[{"text": "x"}]]})


def test_copy_buttons_copy_at_most_256_characters() -> None:
    copy = {"inline_keyboard": [[{"text": "Copy", "copy_text": {"text": "Hello Maria"}}]]}
    check_reply_markup(copy)
    assert inline_buttons(copy) == [[("Copy", "Hello Maria")]]
    for text in ("", "x" * 257, None):
        with pytest.raises(ApiError, match="copy_text"):
            check_reply_markup({"inline_keyboard": [[{"text": "C", "copy_text": {"text": text}}]]})


def test_command_entities_use_utf16_offsets() -> None:
    assert command_entities("🙂 /start@meritkompis_bot x") == [
        {"type": "bot_command", "offset": 3, "length": 22}
    ]
    assert command_entities("no/command here") == []

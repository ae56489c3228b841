"""The unfilled form, rendered once per request and language and kept in memory.

A link's form looks the same on every visit until the endorser sends something:
only the link itself and the hidden form token (made from the visitor's cookie)
differ. So it is rendered once with two markers in their places, and each visit
fills them in, which costs two string replacements instead of a template render.

The key is the request's id, then everything the page shows (``LinkedRequest.shown``
and the language), so an experience the learner corrects gives a new key and the old
page simply ages out. Once the request is answered its form is not shown again, so
its pages are forgotten then: otherwise every link ever visited would stay until a
thousand others pushed it out (about 20 MB; the load run saw it as steady growth).
The markers are random per process: nothing a learner types can contain them.
"""

from __future__ import annotations

import secrets
from collections import OrderedDict
from collections.abc import Hashable
from typing import Final
from urllib.parse import quote

from markupsafe import escape

LINK_MARKER: Final = f"link{secrets.token_hex(16)}"
FORM_TOKEN_MARKER: Final = f"form{secrets.token_hex(16)}"
PAGES_KEPT: Final = 1024  # about 20 kB each


class RenderedForms:
    """The most recently used unfilled forms, at most ``size`` of them."""

    def __init__(self, size: int = PAGES_KEPT) -> None:
        self.size = size
        self._pages: OrderedDict[tuple[Hashable, ...], str] = OrderedDict()

    def get(self, key: tuple[Hashable, ...]) -> str | None:
        page = self._pages.get(key)
        if page is not None:
            self._pages.move_to_end(key)
        return page

    def keep(self, key: tuple[Hashable, ...], page: str) -> None:
        """Keep ``page``; ``key`` begins with the request's id."""
        self._pages[key] = page
        self._pages.move_to_end(key)
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)

    def forget(self, request_id: int) -> None:
        """The request's form will not be shown again: its pages go, in every language."""
        for key in [key for key in self._pages if key[0] == request_id]:
            del self._pages[key]

    def __len__(self) -> int:
        return len(self._pages)


def fill_in(page: str, link_token: str, form_token: str) -> str:
    """One visit's page: the link and the form token where the markers stand."""
    link = str(escape(quote(link_token, safe="")))
    return page.replace(LINK_MARKER, link).replace(FORM_TOKEN_MARKER, form_token)

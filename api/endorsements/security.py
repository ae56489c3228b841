"""What keeps the endorser's page safe: form tokens, response headers, a rate limiter.

The form token is a signed double submit: a random cookie, and in the form an HMAC of
that cookie keyed by the link's own token. A page elsewhere cannot read the cookie,
and without the link it cannot compute the HMAC either, so it cannot post a form in
the endorser's name. Keying by the link needs no server secret, so any worker (or a
restarted one) checks a form another one made. No JavaScript is needed.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

CSRF_COOKIE: Final = "meritkompis_form"
CSRF_FIELD: Final = "form_token"
COOKIE_PATH: Final = "/e/"

# The page loads nothing but its own style sheet; no script runs at all, and the
# token in the address never leaves in a Referer header.
SECURITY_HEADERS: Final = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def new_form_cookie() -> str:
    return secrets.token_urlsafe(32)


def form_token(link_token: str, cookie: str) -> str:
    """The hidden field that goes with this cookie on this link's form."""
    key = link_token.encode("utf-8", "surrogatepass")
    return hmac.new(key, cookie.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()


def form_token_ok(link_token: str, cookie: str | None, posted: str | None) -> bool:
    if not cookie or not posted or len(cookie) > 128 or len(posted) > 128:
        return False
    return hmac.compare_digest(form_token(link_token, cookie), posted)


@dataclass(slots=True)
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """A token bucket per client: ``per_minute`` requests, refilled evenly over a minute.

    It lives in the process's memory and is checked before any database work, so a
    flood of guessed links costs a dictionary lookup each. ``max_clients`` bounds the
    memory: when full, buckets that have refilled (clients who went quiet) are dropped.
    """

    def __init__(
        self,
        per_minute: int,
        *,
        max_clients: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.capacity = float(max(1, per_minute))
        self.rate = self.capacity / 60.0
        self.max_clients = max_clients
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}

    def allow(self, client: str) -> bool:
        """Take one request from the client's allowance; False when it is used up."""
        now = self._clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            if len(self._buckets) >= self.max_clients:
                self._forget_quiet(now)
            bucket = self._buckets[client] = _Bucket(self.capacity, now)
        else:
            bucket.tokens = min(self.capacity, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        if bucket.tokens < 1.0:
            return False
        bucket.tokens -= 1.0
        return True

    def retry_after(self, client: str) -> int:
        """Whole seconds until the client may ask again."""
        bucket = self._buckets.get(client)
        if bucket is None or bucket.tokens >= 1.0:
            return 0
        return max(1, math.ceil((1.0 - bucket.tokens) / self.rate))

    def _forget_quiet(self, now: float) -> None:
        full = [
            client
            for client, bucket in self._buckets.items()
            if bucket.tokens + (now - bucket.updated) * self.rate >= self.capacity
        ]
        for client in full:
            del self._buckets[client]
        if len(self._buckets) >= self.max_clients:
            # Everyone is busy: start over rather than grow without bound.
            self._buckets.clear()

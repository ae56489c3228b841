"""Who may see what: five kinds of visitor against every route and every chat command.

The visitors: someone anonymous; Jacob, a learner (his web chat cookie); Anna, his
mentor (her web chat cookie); Erik, whom Jacob asked to confirm his internship (the
link he got); and an organisation with an API key that may only issue. Saman, a
second learner with an endorser, a credential, shared links and a mentor of his own,
is who none of them may ever see.

Each visitor presents what they hold: a cookie in their browser, a link, a key. Where
a route takes a token in its path and the visitor holds none of that kind, they try
the secret they do hold (or a guess) instead. The answer must have the expected
status, show the words of Jacob's that cell names, and show none of his others and
nothing of Saman's. The route table is compared with the application's router, so a
new route fails here until someone decides who may use it.
"""

from __future__ import annotations

import base64
import html
import json
import secrets
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import update
from starlette.routing import BaseRoute, Mount

from api.credentials import apikeys
from api.credentials.models import ApiKey
from api.endorsements import service as endorsements
from bot.rendering import Card
from bot.webchat.routes import card_url
from dialogs import flows  # noqa: F401 - registers every flow's commands
from dialogs.engine import COMMANDS, OPEN_COMMANDS
from tests.security.people import JACOB, SAMAN, fields
from tests.security.world import (
    Learner,
    Live,
    WebChatter,
    Words,
    live_service,
    make_learner,
    stops_sharing,
)

ACTORS: Final = ("anonymous", "learner", "mentor", "endorser", "organisation")
NOT_YET: Final = "First, please answer the question below."
ISSUE_BODY: Final = {"credential": {"credentialSubject": {"achievement": {"name": "Forklift A"}}}}


# --------------------------------------------------------------------------- the world


@dataclass
class World:
    live: Live
    jacob: Learner
    saman: Learner
    keys: dict[str, str]  # "issue", "revoke", "both", "revoked" -> the key
    org_credential: str  # issued with the issue key
    clients: dict[str, httpx.AsyncClient] = field(default_factory=dict)
    anonymous_chat: WebChatter | None = None

    def client(self, actor: str) -> httpx.AsyncClient:
        if actor == "learner":
            return self.jacob.chat.client
        if actor == "mentor":
            return self.jacob.mentor.client
        client = self.clients[actor]
        # No chat of their own: a cookie the last cell's /chat gave is not kept.
        client.cookies.delete("meritkompis_chat")
        return client

    def secret(self, actor: str, kind: str) -> str:
        """What the visitor puts where a route wants a token of this kind."""
        jacob = self.jacob
        held: dict[str, dict[str, str]] = {
            "anonymous": {},
            "learner": {
                "portfolio": jacob.portfolio_token,
                "merit": jacob.merit_token,
                "bearer": jacob.portfolio_token,
                "credential": jacob.credential_id,
                # The learner forwarded this link himself.
                "endorser": jacob.open_token,
            },
            "mentor": {"any": jacob.mentor.cookie},
            "endorser": {"any": jacob.open_token},
            "organisation": {"any": self.keys["issue"], "credential": self.org_credential},
        }
        mine = held[actor]
        if kind in mine:
            return mine[kind]
        if "any" in mine:
            return mine["any"]
        return str(uuid.uuid4()) if kind == "credential" else secrets.token_urlsafe(32)


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    async with live_service(tmp_path_factory.mktemp("authorisation")) as live:
        jacob = await make_learner(live, JACOB)
        saman = await make_learner(live, SAMAN)
        keys: dict[str, str] = {}
        async with live.sessions() as session, session.begin():
            now = datetime.now(UTC)
            for name, scopes in (
                ("issue", {"issue"}),
                ("revoke", {"revoke"}),
                ("both", {"issue", "revoke"}),
                ("revoked", {"issue", "revoke"}),
            ):
                row, keys[name] = await apikeys.create(session, scopes, name=name, now=now)
                if name == "revoked":
                    await session.execute(
                        update(ApiKey).where(ApiKey.id == row.id).values(revoked_at=now)
                    )
        async with httpx.AsyncClient(base_url=live.url) as anyone:
            issued = await anyone.post(
                "/credentials/issue", json=ISSUE_BODY, headers=bearer(keys["issue"])
            )
        assert issued.status_code == 201, issued.text
        org_credential = issued.json()["verifiableCredential"]["id"].rsplit("/", 1)[-1]
        built = World(live, jacob, saman, keys, org_credential.removeprefix("urn:uuid:"))
        built.clients = {
            "anonymous": httpx.AsyncClient(base_url=live.url),
            # Erik's phone has opened his link (so it holds the page's form cookie).
            "endorser": httpx.AsyncClient(base_url=live.url),
            # The organisation sends its key with everything it asks.
            "organisation": httpx.AsyncClient(base_url=live.url, headers=bearer(keys["issue"])),
        }
        assert (await built.clients["endorser"].get(f"/e/{jacob.open_token}")).status_code == 200
        built.anonymous_chat = await live.chatter()
        try:
            yield built
        finally:
            for client in built.clients.values():
                await client.aclose()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --------------------------------------------------------------------------- what is seen


def readable(response: httpx.Response) -> str:
    """The answer as a person would read it: HTML unescaped, files in chat answers opened."""
    text = html.unescape(response.text)
    if response.headers.get("content-type", "").startswith("application/json"):
        try:
            text += "\n" + json.dumps(response.json(), ensure_ascii=False)
            for message in response.json().get("messages", []):
                if message.get("file"):
                    text += "\n" + base64.b64decode(message["file"]["data"]).decode(
                        "utf-8", "replace"
                    )
        except (ValueError, AttributeError):
            pass
    return text


def words_in(text: str, words: Words) -> set[str]:
    return {name for name, value in fields(words).items() if value in text}


@dataclass(frozen=True)
class Expect:
    status: int
    # Jacob's words this visitor must see; any other of his they must not.
    shows: tuple[str, ...] = ()
    # Jacob's words they may see but need not (say, only in some languages).
    may_show: tuple[str, ...] = ()


def see(status: int, *shows: str, may: tuple[str, ...] = ()) -> Expect:
    return Expect(status, shows, may)


# Shorthands for the common cells.
NOT_FOUND = see(404)
GONE_WRONG = see(401)
PUBLIC = see(200)
PUBLIC_EVERYWHERE: Final = {actor: PUBLIC for actor in ACTORS}


def everyone(expect: Expect) -> dict[str, Expect]:
    return dict.fromkeys(ACTORS, expect)


# What the credential itself says (the learner's, public to whoever holds its id).
CREDENTIAL_WORDS: Final = ("first_name", "endorser_name", "endorser_role", "organisation")
# Erik's own page: what Jacob asked of him, and his own name and address to confirm.
ERIKS_PAGE: Final = ("first_name", "role", "place", "own_skill", "other_endorser", "other_email")
# Jacob gave Erik the same role as Maria: it is Erik's own, as Jacob wrote it.
ERIKS_ROLE: Final = ("endorser_role",)


@dataclass(frozen=True)
class Call:
    method: str
    path: str  # with {portfolio}, {merit}, {endorser}, {credential}, {bearer}, {cookie}
    json: Any = None
    form: dict[str, str] | None = None
    authorised: bool = False  # sends Authorization: Bearer {bearer}

    async def send(self, world: World, actor: str) -> httpx.Response:
        values = {
            kind: world.secret(actor, kind)
            for kind in ("portfolio", "merit", "endorser", "credential", "bearer")
        }
        headers = bearer(values["bearer"]) if self.authorised else None
        body = self.json
        if isinstance(body, dict):
            body = {k: v.format(**values) if isinstance(v, str) else v for k, v in body.items()}
        return await world.client(actor).request(
            self.method,
            self.path.format(**values),
            json=body,
            data=self.form,
            headers=headers,
        )


def chat_event(value: str) -> Call:
    return Call("POST", "/chat/events", json={"kind": "text", "value": value})


CARD: Final = card_url(Card("🛏️", "Rooms", False, ()))

# (method, route as the router names it) -> what is sent -> what each visitor gets.
MATRIX: Final[dict[tuple[str, str], tuple[Call, dict[str, Expect]]]] = {
    ("GET", "/"): (Call("GET", "/"), everyone(see(307))),
    ("GET", "/health"): (Call("GET", "/health"), PUBLIC_EVERYWHERE),
    ("GET", "/openapi.json"): (Call("GET", "/openapi.json"), PUBLIC_EVERYWHERE),
    ("GET", "/docs"): (Call("GET", "/docs"), PUBLIC_EVERYWHERE),
    ("GET", "/docs/oauth2-redirect"): (Call("GET", "/docs/oauth2-redirect"), PUBLIC_EVERYWHERE),
    ("GET", "/redoc"): (Call("GET", "/redoc"), PUBLIC_EVERYWHERE),
    # ---- the web chat: a cookie is a chat, and a chat shows only its own person.
    ("GET", "/chat"): (Call("GET", "/chat"), PUBLIC_EVERYWHERE),
    ("POST", "/chat/events"): (
        chat_event("/mydata"),
        {
            "anonymous": see(400),
            # Everything stored about him: his words, and whom he asked and linked.
            "learner": see(
                200,
                "first_name",
                "role",
                "place",
                "endorser_name",
                "mentor_name",
                may=(
                    "task",
                    "own_skill",
                    "example",
                    "endorser_role",
                    "organisation",
                    "comment",
                    "outcome_comment",
                    "other_endorser",
                    # The addresses he gave when he asked them.
                    "endorser_email",
                    "other_email",
                ),
            ),
            # Anna is no learner: /mydata is not hers to ask.
            "mentor": see(200),
            "endorser": see(400),
            "organisation": see(400),
        },
    ),
    ("GET", "/chat/news"): (
        Call("GET", "/chat/news"),
        {**everyone(PUBLIC), "learner": see(200, may=("first_name", "mentor_name"))},
    ),
    ("GET", "/chat/cards/{spec}.png"): (Call("GET", CARD), PUBLIC_EVERYWHERE),
    ("MOUNT", "/chat/static"): (Call("GET", "/chat/static/chat.js"), PUBLIC_EVERYWHERE),
    # ---- the endorser's page: the link is the key, and it opens only what was asked.
    ("GET", "/e/{token}"): (
        Call("GET", "/e/{endorser}"),
        {
            **everyone(NOT_FOUND),
            "learner": see(200, *ERIKS_PAGE, may=ERIKS_ROLE),
            "endorser": see(200, *ERIKS_PAGE, may=ERIKS_ROLE),
        },
    ),
    ("POST", "/e/{token}"): (
        # No form token: nothing is stored, the form comes back.
        Call("POST", "/e/{endorser}", form={"name": "Someone else"}),
        {
            **everyone(NOT_FOUND),
            # The form shows what was posted, not what Jacob wrote about Erik.
            "learner": see(403, *ERIKS_PAGE[:4], may=ERIKS_PAGE[4:] + ERIKS_ROLE),
            "endorser": see(403, *ERIKS_PAGE[:4], may=ERIKS_PAGE[4:] + ERIKS_ROLE),
        },
    ),
    ("GET", "/e/{token}/decline"): (
        Call("GET", "/e/{endorser}/decline?reason=not_me"),
        {
            **everyone(NOT_FOUND),
            "learner": see(200, "first_name"),
            "endorser": see(200, "first_name"),
        },
    ),
    ("POST", "/e/{token}/decline"): (
        Call("POST", "/e/{endorser}/decline", form={"reason": "not_me"}),
        {**everyone(NOT_FOUND), "learner": see(303), "endorser": see(303)},
    ),
    ("POST", "/e/{token}/email"): (
        Call("POST", "/e/{endorser}/email", form={}),
        {**everyone(NOT_FOUND), "learner": see(303), "endorser": see(303)},
    ),
    ("GET", "/e/{token}/code"): (
        Call("GET", "/e/{endorser}/code"),
        {**everyone(NOT_FOUND), "learner": see(303), "endorser": see(303)},
    ),
    ("POST", "/e/{token}/code"): (
        Call("POST", "/e/{endorser}/code", form={"code": "123456"}),
        {**everyone(NOT_FOUND), "learner": see(303), "endorser": see(303)},
    ),
    ("GET", "/e/{token}/retract"): (
        Call("GET", "/e/{endorser}/retract"),
        {**everyone(NOT_FOUND), "learner": see(303), "endorser": see(303)},
    ),
    ("POST", "/e/{token}/retract"): (
        Call("POST", "/e/{endorser}/retract", form={}),
        {**everyone(NOT_FOUND), "learner": see(303), "endorser": see(303)},
    ),
    ("GET", "/e/{rest:path}"): (Call("GET", "/e/{endorser}/more/than/a/link"), everyone(NOT_FOUND)),
    ("POST", "/e/{rest:path}"): (
        Call("POST", "/e/{endorser}/more/than/a/link", form={}),
        everyone(NOT_FOUND),
    ),
    ("MOUNT", "/endorse/static"): (
        Call("GET", "/endorse/static/endorse.css"),
        PUBLIC_EVERYWHERE,
    ),
    # ---- credentials: verifying is public; issuing and revoking need a key with the scope.
    ("GET", "/did.json"): (Call("GET", "/did.json"), PUBLIC_EVERYWHERE),
    ("GET", "/.well-known/did.json"): (Call("GET", "/.well-known/did.json"), PUBLIC_EVERYWHERE),
    ("POST", "/credentials/verify"): (
        Call("POST", "/credentials/verify", json={"verifiableCredential": {}}),
        PUBLIC_EVERYWHERE,
    ),
    ("POST", "/credentials/issue"): (
        Call("POST", "/credentials/issue", json=ISSUE_BODY, authorised=True),
        {**everyone(GONE_WRONG), "organisation": see(201)},
    ),
    ("POST", "/credentials/revoke"): (
        Call("POST", "/credentials/revoke", json={"credentialId": "{credential}"}, authorised=True),
        # Nobody here holds the revoke scope: the organisation's key may only issue.
        {**everyone(GONE_WRONG), "organisation": see(403)},
    ),
    ("GET", "/credentials/status/{number}"): (
        Call("GET", "/credentials/status/1"),
        PUBLIC_EVERYWHERE,
    ),
    ("GET", "/credentials"): (
        # Only a link the learner made lists credentials; a key lists nothing.
        Call("GET", "/credentials", authorised=True),
        {**everyone(GONE_WRONG), "learner": see(200, *CREDENTIAL_WORDS)},
    ),
    ("GET", "/credentials/{credential_id}"): (
        # The id is in the merit's QR code: whoever holds it may read the credential.
        Call("GET", "/credentials/{credential}"),
        {**everyone(NOT_FOUND), "learner": see(200, *CREDENTIAL_WORDS), "organisation": PUBLIC},
    ),
    ("GET", "/verify"): (
        Call("GET", "/verify?credential={credential}"),
        {**everyone(NOT_FOUND), "learner": see(200, "first_name"), "organisation": PUBLIC},
    ),
    ("POST", "/verify"): (Call("POST", "/verify", form={"credential": "{}"}), PUBLIC_EVERYWHERE),
    ("GET", "/verify/verify.css"): (Call("GET", "/verify/verify.css"), PUBLIC_EVERYWHERE),
    # ---- what the learner shares: only while the link is on, and only that.
    ("GET", "/m/{token}"): (
        Call("GET", "/m/{merit}"),
        {**everyone(NOT_FOUND), "learner": see(200, "first_name")},
    ),
    ("GET", "/p/{token}"): (
        Call("GET", "/p/{portfolio}"),
        {
            **everyone(NOT_FOUND),
            # Never who confirmed, how to reach them, or what they wrote.
            "learner": see(200, "first_name", "role", "place", may=("own_skill", "task")),
        },
    ),
    ("MOUNT", "/portfolio/static"): (
        Call("GET", "/portfolio/static/portfolio.css"),
        PUBLIC_EVERYWHERE,
    ),
    ("POST", "/telegram/webhook/{secret}"): (
        Call("POST", "/telegram/webhook/{bearer}", json={"update_id": 1}),
        everyone(NOT_FOUND),
    ),
}


# --------------------------------------------------------------------------- routes


def routes_of(routes: list[BaseRoute], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Every (method, path) the application answers, included routers and mounts too."""
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            # FastAPI includes a router lazily; its routes sit on the original router.
            context = getattr(route, "include_context", None)
            inner = [*included.routes, *getattr(included, "_low_priority_routes", [])]
            yield from routes_of(inner, prefix + getattr(context, "prefix", ""))
        elif isinstance(route, Mount):
            yield "MOUNT", prefix + route.path
        else:
            path = prefix + str(getattr(route, "path", ""))
            for method in sorted(set(getattr(route, "methods", None) or {"WEBSOCKET"}) - {"HEAD"}):
                yield method, path


def test_every_route_of_the_application_is_in_the_matrix(world: World) -> None:
    served = set(routes_of(world.live.app.routes))
    assert served - MATRIX.keys() == set(), "new routes: decide who may use them, add them here"
    assert MATRIX.keys() - served == set(), "the matrix lists routes that are gone"


def test_every_cell_names_every_visitor() -> None:
    for route, (_, cells) in MATRIX.items():
        assert set(cells) == set(ACTORS), route


CELLS: Final = [
    pytest.param(route, actor, id=f"{route[0]} {route[1]} · {actor}")
    for route in MATRIX
    for actor in ACTORS
]


@pytest.mark.parametrize(("route", "actor"), CELLS)
async def test_each_visitor_sees_only_what_is_theirs(
    world: World, route: tuple[str, str], actor: str
) -> None:
    call, cells = MATRIX[route]
    expect = cells[actor]
    response = await call.send(world, actor)
    assert response.status_code == expect.status, response.text[:500]
    seen = readable(response)
    assert words_in(seen, SAMAN) == set(), f"{actor} saw Saman's words"
    shown = words_in(seen, JACOB)
    assert set(expect.shows) <= shown, f"{actor} should see {expect.shows}"
    allowed = set(expect.shows) | set(expect.may_show)
    assert shown <= allowed, f"{actor} saw Jacob's {sorted(shown - allowed)}"


async def test_nothing_the_matrix_sent_changed_anything(world: World) -> None:
    """Posts without a form token, keys without the scope: Erik's link is still open and
    unanswered, and Jacob's credential still verifies."""
    async with world.live.sessions() as session:
        request = await endorsements.request_by_token(session, world.jacob.open_token)
        assert request is not None and request.endorsement is None
        state = endorsements.state_of(request, datetime.now(UTC))
    assert state in endorsements.OPEN_STATES
    async with httpx.AsyncClient(base_url=world.live.url) as anyone:
        document = await anyone.get(f"/credentials/{world.jacob.credential_id}")
        checked = await anyone.post("/credentials/verify", json=document.json())
    assert checked.json()["verified"] is True


# --------------------------------------------------------------------------- commands


def chatters(world: World) -> dict[str, WebChatter]:
    assert world.anonymous_chat is not None
    return {
        "anonymous": world.anonymous_chat,
        "learner": world.jacob.chat,
        "other learner": world.saman.chat,
        "mentor": world.jacob.mentor,
    }


# What each one may see in any answer to any command: their own words, no one else's.
MAY_SEE: Final[dict[str, dict[str, tuple[str, ...]]]] = {
    "anonymous": {"jacob": (), "saman": ()},
    "learner": {"jacob": tuple(fields(JACOB)), "saman": ()},
    "other learner": {"jacob": (), "saman": tuple(fields(SAMAN))},
    # A mentor sees the learner's name and progress: never who confirmed or what they wrote.
    "mentor": {"jacob": ("first_name", "mentor_name"), "saman": ()},
}

COMMAND_CELLS: Final = [
    pytest.param(name, actor, id=f"/{name} · {actor}")
    for name in sorted(COMMANDS)
    if name != "delete"  # confirmed nothing, but kept for its own test below
    for actor in MAY_SEE
]


@pytest.mark.parametrize(("command", "actor"), COMMAND_CELLS)
async def test_each_chat_command_answers_with_only_the_askers_own_things(
    world: World, command: str, actor: str
) -> None:
    chat = chatters(world)[actor]
    answer = await chat.post("text", f"/{command}")
    text = "\n".join(
        m.text + " " + " ".join(b for row in m.buttons for b, _ in row) for m in answer
    )
    assert answer, "every command gets an answer"
    if actor == "anonymous" and command not in OPEN_COMMANDS | {"start", "help"}:
        assert NOT_YET in text
    for whose, words in (("jacob", JACOB), ("saman", SAMAN)):
        shown = words_in(text, words)
        allowed = set(MAY_SEE[actor][whose])
        assert shown <= allowed, f"{actor} saw {whose}'s {sorted(shown - allowed)}: {text}"
    # Whatever flow the command opened, the next visitor finds the chat at its menu.
    await chat.post("text", "/menu")


async def test_a_mentor_sees_a_digest_of_jacob_and_nothing_of_his_endorsers(world: World) -> None:
    answer = await world.jacob.mentor.post("text", "/progress")
    text = "\n".join(m.text for m in answer)
    assert "👤 Jacob" in text and "credential" in text
    assert words_in(text, JACOB) == {"first_name"}
    assert words_in(text, SAMAN) == set()


async def test_delete_asks_first_and_a_stranger_cannot_delete_anything(world: World) -> None:
    for actor in ("anonymous", "mentor"):
        chat = chatters(world)[actor]
        answer = await chat.post("text", "/delete")
        assert "Yes, delete everything" not in str([m.buttons for m in answer]), actor
    asked = await world.jacob.chat.post("text", "/delete")
    assert any("Yes, delete everything" in b for m in asked for row in m.buttons for b, _ in row)
    kept = await world.jacob.chat.post("text", "/menu")
    assert kept and "What do you want to do?" in kept[-1].text


@pytest.mark.parametrize("kind", ["endorser", "portfolio", "merit", "cookie"])
async def test_a_deep_link_made_of_someone_elses_secret_opens_nothing(
    world: World, kind: str
) -> None:
    """A stranger pastes Jacob's secrets into /chat?start=... : the chat only starts."""
    secret = {
        "endorser": world.jacob.open_token,
        "portfolio": world.jacob.portfolio_token,
        "merit": world.jacob.merit_token,
        "cookie": world.jacob.chat.cookie,
    }[kind]
    stranger = await world.live.chatter()
    for payload in (secret, f"m-{secret}"):
        answer = await stranger.post("start", payload)
        text = "\n".join(m.text for m in answer)
        assert words_in(text, JACOB) == set(), text


async def test_a_forged_chat_cookie_is_a_new_empty_chat(world: World) -> None:
    forged = httpx.AsyncClient(
        base_url=world.live.url,
        cookies={"meritkompis_chat": secrets.token_urlsafe(24)},
        headers={"Accept-Language": "en"},
    )
    async with forged:
        answer = await forged.post("/chat/events", json={"kind": "text", "value": "/review"})
    assert answer.status_code == 200
    assert words_in(readable(answer), JACOB) == set() and NOT_YET in answer.text


# --------------------------------------------------------------------------- keys


async def test_a_key_can_only_do_what_its_scopes_say(world: World) -> None:
    async with httpx.AsyncClient(base_url=world.live.url) as api:

        async def revoke(key: str, credential: str) -> int:
            sent = await api.post(
                "/credentials/revoke", json={"credentialId": credential}, headers=bearer(key)
            )
            return sent.status_code

        issued = await api.post(
            "/credentials/issue", json=ISSUE_BODY, headers=bearer(world.keys["both"])
        )
        assert issued.status_code == 201
        own = issued.json()["verifiableCredential"]["id"]
        # Only issuing with the issue scope, only revoking with the revoke scope.
        refused = await api.post(
            "/credentials/issue", json=ISSUE_BODY, headers=bearer(world.keys["revoke"])
        )
        assert refused.status_code == 403
        assert await revoke(world.keys["issue"], own) == 403
        # A key revokes what it issued: not a learner's credential, not another key's.
        assert await revoke(world.keys["revoke"], own) == 404
        assert await revoke(world.keys["both"], world.jacob.credential_id) == 404
        assert await revoke(world.keys["both"], world.org_credential) == 404
        assert await revoke(world.keys["both"], own) == 200
        # No key lists a learner's credentials.
        for key in world.keys.values():
            listed = await api.get("/credentials", headers=bearer(key))
            assert listed.status_code == 401
        checked = await api.post("/credentials/verify", json={"credentialId": own})
        assert checked.status_code == 200


async def test_a_revoked_key_gets_401_everywhere(world: World) -> None:
    key = world.keys["revoked"]
    async with httpx.AsyncClient(base_url=world.live.url, headers=bearer(key)) as api:
        answers = [
            await api.post("/credentials/issue", json=ISSUE_BODY),
            await api.post("/credentials/revoke", json={"credentialId": world.org_credential}),
            await api.get("/credentials"),
        ]
    assert [a.status_code for a in answers] == [401, 401, 401]


# --------------------------------------------------------------------------- links


async def test_switching_a_link_off_closes_it_at_once(world: World, tmp_path: Path) -> None:
    """Amina shares her page and a merit, then stops both: the next visit finds nothing."""
    amina = await make_learner(world.live, _amina())
    async with httpx.AsyncClient(base_url=world.live.url) as visitor:
        pages = {
            "portfolio": f"/p/{amina.portfolio_token}",
            "merit": f"/m/{amina.merit_token}",
        }
        for path in pages.values():
            opened = await visitor.get(path)
            assert opened.status_code == 200 and "Amina" in opened.text
            assert opened.headers["cache-control"] == "no-store"
        listed = await visitor.get("/credentials", headers=bearer(amina.merit_token))
        assert listed.status_code == 200 and listed.json()["total"] == 1
        await stops_sharing(amina.chat)
        stopped = [await visitor.get(path) for path in pages.values()]
        assert [s.status_code for s in stopped] == [404, 410]
        assert all("Amina" not in s.text for s in stopped)
        for token in (amina.portfolio_token, amina.merit_token):
            listed = await visitor.get("/credentials", headers=bearer(token))
            assert listed.status_code == 401


def _amina() -> Words:
    return Words.all("Amina", "amina")

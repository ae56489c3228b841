"""The wire protocol, checked with a plain HTTP client."""

from __future__ import annotations

import asyncio
import json
import time

import httpx

from tests.fakes.telegram import FakeBotApi, sample_png


async def _post(api: FakeBotApi, method: str, **kwargs: object) -> httpx.Response:
    async with httpx.AsyncClient() as client:
        return await client.post(f"{api.base_url}{api.token}/{method}", **kwargs)  # type: ignore[arg-type]


async def test_serves_on_loopback_with_ptb_style_urls(api: FakeBotApi) -> None:
    assert api.url.startswith("http://127.0.0.1:")
    assert api.base_url == f"{api.url}/bot"
    assert api.base_file_url == f"{api.url}/file/bot"


async def test_get_me_answers_in_telegram_envelope_and_ignores_case(api: FakeBotApi) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"{api.base_url}{api.token}/GETme")
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] is True
    assert body["result"]["is_bot"] is True
    assert body["result"]["id"] == int(api.token.split(":")[0])
    assert api.calls[-1].method == "getMe"


async def test_wrong_token_is_401_and_unknown_method_is_404(api: FakeBotApi) -> None:
    async with httpx.AsyncClient() as client:
        wrong = await client.post(f"{api.base_url}999:nope/getMe")
        unknown = await client.post(f"{api.base_url}{api.token}/frobnicate")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert unknown.status_code == 404
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


async def test_json_form_and_multipart_bodies_decode_to_the_same_params(api: FakeBotApi) -> None:
    api.add_user(7)
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    as_json = await _post(
        api, "sendMessage", json={"chat_id": 7, "text": "123", "reply_markup": markup}
    )
    as_form = await _post(
        api, "sendMessage", data={"chat_id": "7", "text": "123", "reply_markup": json.dumps(markup)}
    )
    as_multipart = await _post(
        api,
        "sendPhoto",
        data={"chat_id": "7", "caption": "[x]", "reply_markup": json.dumps(markup)},
        files={"photo": ("p.png", sample_png(), "image/png")},
    )
    for response in (as_json, as_form, as_multipart):
        assert response.status_code == 200, response.text
        assert response.json()["result"]["reply_markup"] == markup
    sent = api.sent(7)
    # "123" and "[x]" stay strings: text fields are never JSON-decoded.
    assert [m.text for m in sent] == ["123", "123", "[x]"]
    assert all(call.params["chat_id"] == 7 for call in api.calls)
    assert sent[2].photo == sample_png()
    assert api.calls[-1].files["photo"] == sample_png()
    assert [m.message_id for m in sent] == [1, 2, 3]


async def test_send_to_a_chat_that_never_wrote_is_refused(api: FakeBotApi) -> None:
    response = await _post(api, "sendMessage", json={"chat_id": 555, "text": "hej"})
    assert response.status_code == 400
    assert response.json()["description"] == "Bad Request: chat not found"


async def test_long_poll_returns_as_soon_as_an_update_arrives(api: FakeBotApi) -> None:
    async def user_later() -> int:
        await asyncio.sleep(0.2)
        return api.user_sends_text(1, "hej")

    started = time.perf_counter()
    poll = asyncio.create_task(_post(api, "getUpdates", json={"timeout": 10}))
    update_id = await user_later()
    response = await poll
    elapsed = time.perf_counter() - started
    assert 0.15 < elapsed < 2.0
    updates = response.json()["result"]
    assert [u["update_id"] for u in updates] == [update_id]
    message = updates[0]["message"]
    assert message["text"] == "hej"
    assert message["from"] == {
        "id": 1,
        "is_bot": False,
        "first_name": "Test",
        "language_code": "sv",
    }
    assert message["chat"] == {"id": 1, "type": "private", "first_name": "Test"}


async def test_long_poll_times_out_empty(api: FakeBotApi) -> None:
    started = time.perf_counter()
    response = await _post(api, "getUpdates", json={"timeout": 0.3})
    assert response.json() == {"ok": True, "result": []}
    assert time.perf_counter() - started >= 0.3


async def test_offset_confirms_and_limit_caps(api: FakeBotApi) -> None:
    ids = [api.user_sends_text(1, f"m{i}") for i in range(5)]
    first = (await _post(api, "getUpdates", json={"limit": 2})).json()["result"]
    assert [u["update_id"] for u in first] == ids[:2]
    again = (await _post(api, "getUpdates", json={"limit": 2})).json()["result"]
    assert [u["update_id"] for u in again] == ids[:2]  # not confirmed yet: served again
    rest = (await _post(api, "getUpdates", json={"offset": ids[2]})).json()["result"]
    assert [u["update_id"] for u in rest] == ids[2:]
    assert api.pending_updates == 3
    await _post(api, "getUpdates", json={"offset": ids[-1] + 1})
    assert api.pending_updates == 0


async def test_a_second_poller_ends_the_first_with_409(api: FakeBotApi) -> None:
    first = asyncio.create_task(_post(api, "getUpdates", json={"timeout": 5}))
    await asyncio.sleep(0.1)
    second = asyncio.create_task(_post(api, "getUpdates", json={"timeout": 0.2}))
    first_response = await first
    assert first_response.status_code == 409
    assert "terminated by other getUpdates request" in first_response.json()["description"]
    assert (await second).status_code == 200


async def test_webhook_blocks_get_updates(api: FakeBotApi) -> None:
    assert (await _post(api, "setWebhook", json={"url": "http://insecure"})).status_code == 400
    assert (await _post(api, "setWebhook", json={"url": "https://bot.example/hook"})).json()["ok"]
    assert api.webhook_url == "https://bot.example/hook"
    blocked = await _post(api, "getUpdates", json={})
    assert blocked.status_code == 409
    await _post(api, "deleteWebhook", json={})
    info = (await _post(api, "getWebhookInfo")).json()["result"]
    assert info["url"] == ""


async def test_injected_429_looks_like_telegrams(api: FakeBotApi) -> None:
    api.fail_next("getMe", times=2, status=429, retry_after=2)
    answers = [await _post(api, "getMe") for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    assert answers[0].json() == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 2",
        "parameters": {"retry_after": 2},
    }
    assert [c.status for c in api.calls_to("getMe")] == [429, 429, 200]


async def test_faults_can_target_one_chat(api: FakeBotApi) -> None:
    api.add_user(1)
    api.add_user(2)
    api.fail_next("sendMessage", status=502, chat_id=2)
    ok = await _post(api, "sendMessage", json={"chat_id": 1, "text": "a"})
    failed = await _post(api, "sendMessage", json={"chat_id": 2, "text": "b"})
    assert ok.status_code == 200
    assert failed.status_code == 502
    assert failed.json()["description"] == "Bad Gateway"


async def test_latency_and_delay_hold_answers_back(api: FakeBotApi) -> None:
    api.delay_next("getMe", 0.2)
    started = time.perf_counter()
    await _post(api, "getMe")
    assert time.perf_counter() - started >= 0.2
    api.latency = 0.1
    started = time.perf_counter()
    await _post(api, "getMe")
    assert time.perf_counter() - started >= 0.1


async def test_user_files_can_be_downloaded(api: FakeBotApi) -> None:
    picture = sample_png(300, 150)
    api.user_sends_photo(3, picture, caption="min svets")
    updates = (await _post(api, "getUpdates", json={})).json()["result"]
    sizes = updates[0]["message"]["photo"]
    assert [(s["width"], s["height"]) for s in sizes] == [(90, 45), (300, 150)]
    file_info = (await _post(api, "getFile", json={"file_id": sizes[-1]["file_id"]})).json()[
        "result"
    ]
    async with httpx.AsyncClient() as client:
        download = await client.get(f"{api.base_file_url}{api.token}/{file_info['file_path']}")
    assert download.content == picture
    assert (await _post(api, "getFile", json={"file_id": "nope"})).status_code == 400


async def test_commands_are_kept_per_language(api: FakeBotApi) -> None:
    commands = [{"command": "start", "description": "Börja"}]
    assert (
        await _post(api, "setMyCommands", json={"commands": commands, "language_code": "sv"})
    ).json()["ok"]
    assert api.my_commands(language_code="sv") == commands
    assert api.my_commands() == []
    got = await _post(api, "getMyCommands", json={"language_code": "sv"})
    assert got.json()["result"] == commands
    bad = await _post(
        api, "setMyCommands", json={"commands": [{"command": "hjälp", "description": "x"}]}
    )
    assert bad.json()["description"] == "Bad Request: BOT_COMMAND_INVALID"
    await _post(api, "deleteMyCommands", json={"language_code": "sv"})
    assert api.my_commands(language_code="sv") == []

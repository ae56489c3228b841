"""/mydata: Jacob gets everything stored about him, as a file and as a message he can read."""

from __future__ import annotations

import json
from pathlib import Path

from dialogs.events import Event
from tests.privacy.world import jacobs_world, settings_for


async def test_jacob_gets_a_summary_and_a_file_with_everything(
    database_url: str, tmp_path: Path
) -> None:
    async with jacobs_world(settings_for(database_url, tmp_path)) as world:
        replies = await world.turn(Event.command("mydata"))

        summary, file_reply, question = replies
        assert summary.text.splitlines() == [
            "This is what I have saved about you:",
            "🌍 Language: English",
            "💼 1 experience",
            "• Rumsstädare, Hotell Norra",
            "🧩 2 skills",
            "✅ 1 work skill topic checked",
            "📨 2 requests to confirm",
            "• Maria Berg confirmed 3 things",
            "🏅 1 credential",
            "🧑‍🏫 1 mentor",
            "• Anna, job centre",
        ]
        assert file_reply.file is not None and file_reply.file.mime == "application/json"
        assert file_reply.file.name.startswith("meritkompis-my-data-")
        assert "computer" in file_reply.text
        # The question he was at is asked again: nothing moved on.
        assert question.text == "What do you want to do?"

        data = json.loads(file_reply.file.data)
        assert data["profile"]["id"] == world.learner_id
        assert data["profile"]["locale"] == "en"
        [experience] = data["experiences"]
        assert (experience["role"], experience["place"]) == ("Rumsstädare", "Hotell Norra")
        assert {c["skill_id"] or c["own_words"] for c in experience["skill_claims"]} == {
            "hotel_room_cleaning",
            "Folding towels the hotel's way",
        }
        [check] = data["self_checks"]
        assert check["example"] == "Arrives before every shift"

        answered, still_open = sorted(data["endorsement_requests"], key=lambda r: r["id"])
        assert answered["state"] == "answered"
        assert answered["endorser_email"] == "maria@hotel.example"
        assert answered["answer"]["name"] == "Maria Berg"
        assert [v["verdict"] for v in answered["answer"]["verdicts"]] == ["yes", "yes", "yes"]
        # The endorser's own address on the answer is hers, not Jacob's; no codes or hashes.
        assert "email" not in answered["answer"]
        assert "token_hash" not in json.dumps(data)
        assert still_open["state"] == "sent" and still_open["answer"] is None
        assert still_open["endorser_phone"] == "+46701234567"

        [credential] = data["credentials"]
        assert credential["document"]["credentialSubject"]["achievement"]
        verified = await world.client.post("/credentials/verify", json=credential["document"])
        assert verified.json()["verified"] is True, "the copy in the file is the signed one"

        [link] = data["mentors"]["links"]
        assert (link["mentor_name"], link["status"]) == ("Anna, job centre", "active")
        [chat] = data["conversations"]
        assert chat["state"]["at"] == "home.menu"


async def test_the_summary_is_in_the_learners_language(database_url: str, tmp_path: Path) -> None:
    async with jacobs_world(settings_for(database_url, tmp_path)) as world:
        await world.turn(Event.command("language"))
        [*_, language_question] = await world.turn(Event.command("language"))
        tap = next(b.data for row in language_question.buttons for b in row if "Svenska" in b.label)
        await world.turn(Event.tap(tap))

        summary, file_reply, _question = await world.turn(Event.command("mydata"))

        assert summary.text.startswith("📦 ") is False  # the emoji is separate from the text
        assert summary.emoji == "📦"
        assert "Svenska" in summary.text
        assert "Maria Berg" in summary.text
        assert file_reply.file is not None
        assert json.loads(file_reply.file.data)["profile"]["locale"] == "sv"

"""/delete: after one plain question, nothing about Jacob is left, and nothing vouches for him.

His credential verifies as revoked, the link he sent Erik says the request is withdrawn,
every table is searched for his words and his endorsers', and /start begins afresh.
"""

from __future__ import annotations

from pathlib import Path

from dialogs.events import Event
from tests.chat_script import talk
from tests.privacy.world import PERSONAL, jacobs_world, settings_for

ASKS_TO_DELETE = [
    ("/delete", "Do you want to delete everything I have saved about you?"),
]


async def test_no_keeps_everything(database_url: str, tmp_path: Path) -> None:
    async with jacobs_world(settings_for(database_url, tmp_path)) as world:
        await talk(
            world.chat,
            [
                ("/delete", "Your credentials will stop working."),
                ("tap: Help", "Write /mydata first if you want a copy."),
                ("tap: No, keep it", "OK. Nothing is deleted."),
            ],
        )
        assert "What do you want to do?" in world.chat.history[-1].text
        rows = await world.every_row()
        assert any("Maria Berg" in row for row in rows["endorsements"])
        [credential] = await world.credentials()
        assert credential.revoked_at is None


async def test_yes_erases_jacob_revokes_his_credential_and_withdraws_his_request(
    database_url: str, tmp_path: Path
) -> None:
    async with jacobs_world(settings_for(database_url, tmp_path)) as world:
        [held] = await world.credentials()
        his_copy = held.document
        assert (await world.site.open(world.open_token)).status_code == 200, "open before"

        await talk(
            world.chat,
            [
                ("/delete", "You cannot undo this."),
                ("tap: Yes, delete everything", "Everything about you is deleted."),
            ],
        )

        # Every table, row by row, as the database holds it: none of Jacob's words,
        # his endorsers' names or their addresses, and no row that points at him.
        rows = await world.every_row()
        left = {
            table: [row for row in found if any(word in row for word in PERSONAL)]
            for table, found in rows.items()
        }
        assert not any(left.values()), left
        for table in ("learners", "experiences", "skill_claims", "self_check_answers"):
            assert rows[table] == [], table
        for table in ("endorsement_requests", "endorsements", "endorsement_links", "notices"):
            assert rows[table] == [], table
        assert rows["conversations"] == []
        assert rows["mentor_links"] == [], "Anna no longer follows him"
        assert len(rows["mentors"]) == 1, "Anna herself is not his to delete"

        # The copy he shared still carries a valid signature, but the status list says no.
        verified = (await world.client.post("/credentials/verify", json=his_copy)).json()
        assert verified["verified"] is False
        assert [p["code"] for p in verified["problems"]] == ["revoked"]
        kept = (await world.client.get(f"/credentials/{held.id}")).json()
        assert set(kept) == {"id", "credentialStatus"}, "only the id and the revocation slot"

        # Erik opens the link Jacob sent him: the request is withdrawn, naming nobody.
        assert len(rows["withdrawn_links"]) == 1, rows["withdrawn_links"]
        page = await world.site.open(world.open_token, lang="en")
        assert page.status_code == 410, page.text
        assert "This request is withdrawn" in page.text
        assert "The person who asked you</bdi> does not need an answer any more." in page.text
        assert "Jacob" not in page.text
        posted = await world.client.post(f"/e/{world.open_token}", data={"name": "Erik"})
        assert posted.status_code == 410
        # Maria's link (answered, so closed) opens nothing any more.
        assert (await world.site.open(world.answered_token)).status_code == 404

        # The next message begins afresh: the language question, as on the first day.
        await talk(world.chat, [("/start", "Choose your language")])
        await talk(world.chat, [("hello", "Choose your language")])


async def test_delete_asked_before_agreeing_is_not_a_command(
    database_url: str, tmp_path: Path
) -> None:
    async with jacobs_world(settings_for(database_url, tmp_path)) as world:
        world.chat.chat_id = "someone-new"
        await talk(world.chat, [("/start", "Choose your language")])
        await talk(world.chat, [("/delete", "First, please answer the question below.")])
        del world


async def test_mydata_then_delete_in_one_session(database_url: str, tmp_path: Path) -> None:
    async with jacobs_world(settings_for(database_url, tmp_path)) as world:
        summary, file_reply, _ = await world.turn(Event.command("mydata"))
        assert file_reply.file is not None and "Maria Berg" in summary.text
        await talk(world.chat, ASKS_TO_DELETE)
        await talk(world.chat, [("tap: Yes, delete everything", "deleted")])
        # Asking again after the erasure: there is nobody to send data about.
        await talk(world.chat, [("/mydata", "Choose your language")])

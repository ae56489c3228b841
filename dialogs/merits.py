"""My merits (``/merits``): the signed credentials the learner holds, and what to do with them.

A merit is issued when someone confirms the learner's skills. The list shows a picture
card for each merit, a few at a time; for one merit the learner can get the file, a
badge picture with the merit inside it, a QR code, a certificate to print, a link to
a public page (and switch it off again), or withdraw it. The files and the link are
made by the driver (bot/merits.py): the dialog only asks for them.

```mermaid
flowchart LR
  menu -->|My merits| list[merits.list]
  list -->|more| list
  list --> one[merits.one]
  one -->|file, badge, QR code, certificate, share, stop sharing| one
  one -->|withdraw| withdraw[merits.withdraw] -->|yes or no| one
```
"""

from __future__ import annotations

from typing import Final

from dialogs import pictures
from dialogs.engine import Step, Turn, command, register
from dialogs.home import remember_unfinished
from dialogs.outputs import Button, Picture, SendMerit, ShareMerit, WithdrawMerit
from dialogs.portfolio import SavedMerit
from dialogs.texts import N_, Joined, Localized, Text, Verbatim, YearMonth, pN_

# Cards per page: each is a picture message, and a short list is easier to take in.
PAGE_SIZE: Final = 3
MEDAL: Final = Picture("🏅", N_("A medal"))
WITHDRAWN: Final = Picture("🚫", N_("A no entry sign"))
# What the learner can ask for, as the form the driver makes.
FILES: Final = ("json", "badge", "qr", "pdf")


def start_merits(turn: Turn) -> None:
    remember_unfinished(turn)
    turn.scratch["merits_page"] = 0
    _show_page(turn)


def _title(turn: Turn, merit: SavedMerit) -> Text:
    skill = turn.catalogue.get(merit.skill_id) if merit.skill_id else None
    return Localized(skill.name) if skill is not None else N_("A merit")


def _picture(turn: Turn, merit: SavedMerit) -> Picture:
    if merit.withdrawn:
        return WITHDRAWN
    skill = turn.catalogue.get(merit.skill_id) if merit.skill_id else None
    return Picture(skill.picture if skill is not None else MEDAL.emoji, _title(turn, merit))


def _about(turn: Turn, merit: SavedMerit) -> Text:
    when = YearMonth(merit.issued_on.year, merit.issued_on.month)
    lines: list[Text] = [_title(turn, merit)]
    if merit.endorser_name:
        lines.append(N_("{name} confirmed it.")(name=merit.endorser_name))
    lines.append(N_("You got it in {when}.")(when=when))
    if merit.withdrawn:
        lines.append(N_("You have withdrawn it. It is no longer valid."))
    elif merit.shared:
        lines.append(N_("It is shared: anyone with the link can see it."))
    return Joined(tuple(lines))


def _page(turn: Turn) -> tuple[SavedMerit, ...]:
    merits = turn.portfolio.merits
    page = int(turn.scratch.get("merits_page") or 0)
    if page * PAGE_SIZE >= len(merits):
        page = 0
        turn.scratch["merits_page"] = 0
    return merits[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]


def _show_page(turn: Turn) -> None:
    """A picture card for each merit on this page, then the question."""
    for merit in _page(turn):
        turn.say(_about(turn, merit), _picture(turn, merit), card=True)
    turn.go("merits.list")


def _list_prompt(turn: Turn) -> Text:
    merits = turn.portfolio.merits
    if not merits:
        return N_(
            "You have no merits yet. You get a merit when someone confirms your skills. "
            "Do you want to ask someone?"
        )
    if len(merits) <= PAGE_SIZE:
        return N_("Which merit do you want to use?")
    page = int(turn.scratch.get("merits_page") or 0)
    return Joined(
        (
            N_("Merits {first} to {last} of {total}.")(
                first=page * PAGE_SIZE + 1,
                last=min((page + 1) * PAGE_SIZE, len(merits)),
                total=len(merits),
            ),
            N_("Which merit do you want to use?"),
        )
    )


def _list_buttons(turn: Turn) -> list[list[Button]]:
    if not turn.portfolio.merits:
        return [
            [Button("ask", pN_("button", "Ask someone to confirm"), "📨")],
            [Button("menu", pN_("button", "Back to the menu"), "🧭")],
        ]
    rows = [[Button(f"c:{m.id}", _title(turn, m), _picture(turn, m).emoji)] for m in _page(turn)]
    if len(turn.portfolio.merits) > PAGE_SIZE:
        rows.append([Button("more", pN_("button", "Show more merits"), "➡️")])
    rows.append([Button("menu", pN_("button", "Back to the menu"), "🧭")])
    return rows


def _list_tap(turn: Turn, value: str) -> None:
    if value == "menu":
        turn.go_home()
    elif value == "ask":
        from dialogs.endorsements import start_asking

        start_asking(turn)
    elif value == "more":
        page = int(turn.scratch.get("merits_page") or 0) + 1
        turn.scratch["merits_page"] = page if page * PAGE_SIZE < len(turn.portfolio.merits) else 0
        _show_page(turn)
    else:
        turn.scratch["merit"] = value.removeprefix("c:")
        turn.go("merits.one")


def _chosen(turn: Turn) -> SavedMerit | None:
    return turn.portfolio.merit(str(turn.scratch.get("merit") or ""))


def _one_prompt(turn: Turn) -> Text:
    merit = _chosen(turn)
    if merit is None:
        return N_("This merit is no longer here.")
    return Joined((_about(turn, merit), N_("What do you want to do with it?")))


def _one_picture(turn: Turn) -> Picture:
    merit = _chosen(turn)
    return MEDAL if merit is None else _picture(turn, merit)


def _one_buttons(turn: Turn) -> list[list[Button]]:
    merit = _chosen(turn)
    if merit is None:
        return []
    rows = [[Button("json", pN_("button", "Get the file"), "📄")]]
    if merit.withdrawn:
        return rows
    rows += [
        [Button("badge", pN_("button", "Get a badge picture"), "🏅")],
        [Button("qr", pN_("button", "Get a QR code"), "📱")],
        [Button("pdf", pN_("button", "Get a certificate to print"), "🖨️")],
        [Button("share", pN_("button", "Share a link"), "🔗")],
    ]
    if merit.shared:
        rows.append([Button("stop", pN_("button", "Stop sharing"), "🔒")])
    rows.append([Button("withdraw", pN_("button", "Withdraw it"), "🗑️")])
    return rows


def _one_tap(turn: Turn, value: str) -> None:
    merit = _chosen(turn)
    if merit is None:
        turn.back()
    elif value in FILES:
        turn.act(SendMerit(merit.id, value, turn.locale))
        turn.stay()
    elif value == "share":
        turn.act(ShareMerit(merit.id, True, turn.locale))
        turn.stay()
    elif value == "stop":
        turn.act(ShareMerit(merit.id, False, turn.locale))
        turn.say(N_("Done. The links to this merit no longer work."), pictures.CONSENT)
        turn.stay()
    else:
        turn.go("merits.withdraw")


def _withdraw_tap(turn: Turn, value: str) -> None:
    merit = _chosen(turn)
    if value == "yes" and merit is not None:
        turn.act(WithdrawMerit(merit.id))
        turn.say(N_("Withdrawn. Anyone who checks it now sees that it is no longer valid."))
    turn.state["history"] = ["merits.list"]
    turn.go("merits.one", remember=False)


def _withdraw_prompt(turn: Turn) -> Text:
    merit = _chosen(turn)
    title = _title(turn, merit) if merit is not None else Verbatim("")
    return N_(
        "Do you want to withdraw {merit}? Anyone who checks it will see that it is no longer "
        "valid. You cannot undo this."
    )(merit=title)


register(
    Step(
        id="merits.list",
        prompt=_list_prompt,
        picture=MEDAL,
        help=N_(
            "A merit shows that someone confirmed your skills. Tap a merit to get it as a "
            "file, a picture or a paper, or to share it."
        ),
        buttons=_list_buttons,
        on_tap=_list_tap,
    ),
    Step(
        id="merits.one",
        prompt=_one_prompt,
        picture=_one_picture,
        help=N_(
            "The file is the real merit. Keep it safe. The badge picture has the merit "
            "inside it. The QR code and the paper lead to a page that checks it. "
            "A link shows the merit to anyone who has the link."
        ),
        buttons=_one_buttons,
        on_tap=_one_tap,
    ),
    Step(
        id="merits.withdraw",
        prompt=_withdraw_prompt,
        picture=pictures.DELETE,
        help=N_("Yes withdraws the merit for good. No keeps it valid."),
        buttons=lambda _turn: [
            [Button("yes", pN_("button", "Yes, withdraw it"), "🗑️")],
            [Button("no", pN_("button", "No, keep it"), "↩️")],
        ],
        on_tap=_withdraw_tap,
    ),
)


@command("merits")
def _merits(turn: Turn) -> None:
    start_merits(turn)

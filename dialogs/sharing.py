"""Sharing: the learner turns their public portfolio page on or off (``/share``).

The page lives at a link only the learner gets (see api/portfolio). Turning it on
always makes a new link and stops the old one; turning it off closes the page at
once. The dialog remembers in the profile whether the page is on, only to ask the
right question: the system of record decides what a link opens.

```mermaid
flowchart LR
  settings -->|Share my page| menu[share.menu]
  menu -->|Yes, make a link / Make a new link| link[the link] --> home
  menu -->|Stop sharing| home
```
"""

from __future__ import annotations

from dialogs import pictures
from dialogs.engine import Step, Turn, command, register
from dialogs.home import remember_unfinished
from dialogs.outputs import Button, SharePortfolio
from dialogs.texts import N_, Msg, pN_


def sharing(turn: Turn) -> bool:
    return bool(turn.profile.get("sharing"))


def _prompt(turn: Turn) -> Msg:
    if sharing(turn):
        return N_(
            "Your page is shared now. Anyone with the link can see it. What do you want to do?"
        )
    return N_(
        "I can make a web page that shows what you can do. "
        "Anyone with the link can see it. You can stop it at any time. Do you want a link?"
    )


def _buttons(turn: Turn) -> list[list[Button]]:
    if sharing(turn):
        first = [
            [Button("on", pN_("button", "Make a new link"), "🔄")],
            [Button("off", pN_("button", "Stop sharing"), "🚫")],
        ]
    else:
        first = [[Button("on", pN_("button", "Yes, make a link"), "🔗")]]
    return [*first, [Button("menu", pN_("button", "Back to the menu"), "🧭")]]


def _tap(turn: Turn, value: str) -> None:
    if value == "on":
        turn.act(SharePortfolio(on=True, locale=turn.locale))
        turn.profile["sharing"] = True
    elif value == "off":
        turn.act(SharePortfolio(on=False, locale=turn.locale))
        turn.profile["sharing"] = False
        turn.say(N_("Your page is not shared any more. The old link does not work now."))
    turn.go_home()


@command("share")
def _share(turn: Turn) -> None:
    remember_unfinished(turn)
    turn.go("share.menu")


register(
    Step(
        id="share.menu",
        prompt=_prompt,
        picture=pictures.SHARE,
        help=N_(
            "The page shows your first name, your experience, your skills and your "
            "credentials. It never shows who confirmed your skills, or what they wrote. "
            "A new link stops the old one."
        ),
        buttons=_buttons,
        on_tap=_tap,
    )
)

"""The built-in safety card: when to stop, when to get advice the same day, when to call for help.

Pure data, the same for every programme, so safety never depends on what a programme's notes or
an exercise's cautions happen to say. `deskbreak safety`, the tray menu's "When to get help"
window, the printed handout, the welcome window and every guided-break screen take their words
from here. Nothing here names a condition or a cause: the card tells people what to do, it does
not diagnose.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class SafetySection:
    """One part of the card: a heading, one line saying what to do, and the signs that apply."""

    #: Stable name other parts refer to: "stop", "same_day" or "emergency".
    key: str
    heading: str
    action: str
    signs: tuple[str, ...]
    #: What to do once the signs are read (may be empty).
    after: str = ""


@dataclass(frozen=True)
class SafetyCard:
    """The whole card, in reading order."""

    title: str
    intro: str
    sections: tuple[SafetySection, ...]
    #: Said at the end of every form of the card: the app is a reminder, not a diagnosis.
    not_a_diagnosis: str

    def section(self, key: str) -> SafetySection:
        """The section called `key`; KeyError when there is none."""
        for section in self.sections:
            if section.key == key:
                return section
        raise KeyError(key)


STOP_NOW = SafetySection(
    key="stop",
    heading="Stop the exercise",
    action="Stop at once, sit or lie down somewhere safe, and rest if:",
    signs=(
        "it hurts, rather than a mild, comfortable stretch",
        "pain spreads into your arm, or into your head",
        "you feel dizzy, light-headed, sick or unsteady",
        "your sight blurs or you see double",
        "you get pins and needles, numbness or weakness in an arm or hand",
        "a headache starts or gets worse while you exercise",
    ),
    after="If it settles within a few minutes, carry on with your day and leave that exercise "
          "out until you have spoken to your physiotherapist. If it does not settle, or comes "
          "back every time, read on.",
)

SAME_DAY = SafetySection(
    key="same_day",
    heading="Get medical advice today",
    action="Stop the neck exercises and speak to a doctor today (your GP practice or an urgent "
           "care or advice line) if you have:",
    signs=(
        "dizziness, double vision, trouble swallowing or speaking, or falls without warning, "
        "when you move or hold your neck in a position",
        "numbness, pins and needles or weakness in an arm or hand that does not go away",
        "a headache with a fever, a rash, or a neck too stiff and sore to bend your chin "
        "towards your chest",
        "a headache after a knock or blow to the head",
        "headaches that are getting steadily worse, wake you from sleep, or are worse when "
        "you lie down",
        "a new kind of headache, or a clear change in your usual headaches, especially "
        "after the age of 50",
        "over the age of 50: an aching jaw when you chew, or a scalp that is tender to touch "
        "near the temples",
    ),
)

EMERGENCY = SafetySection(
    key="emergency",
    heading="Call an ambulance now",
    action="Call the emergency number (112 in Europe, 999 in the UK, 911 in North America) "
           "if you have:",
    signs=(
        "a sudden, very severe headache that is at its worst within a minute or so, or is "
        "the worst you have ever had",
        "weakness or numbness in the face, an arm or a leg, a drooping face, or slurred or "
        "muddled speech",
        "sudden loss of sight, loss of balance, or confusion",
        "a headache with a stiff neck and fever together with drowsiness, confusion or a "
        "rash that does not fade when pressed",
        "a fit, or passing out",
    ),
    after="Do not drive yourself. Tell them what happened and when it started.",
)

SAFETY_CARD = SafetyCard(
    title="When to stop and when to get help",
    intro="Neck exercises should feel easy: a gentle stretch, never pain. These rules apply to "
          "every exercise, whatever your programme says.",
    sections=(STOP_NOW, SAME_DAY, EMERGENCY),
    not_a_diagnosis="deskbreak reminds you to move. It cannot tell what causes a pain or a "
                    "headache, and nothing it shows is a diagnosis. If you are unsure, ask a "
                    "doctor or your physiotherapist.",
)

#: The short line on every guided-break screen. Kept under 90 characters so it fits one line.
SCREEN_LINE = "Stop if it hurts, or if you feel dizzy, numb or unwell. Tray menu: When to get help."

#: What to do when an exercise brought on symptoms (the guided break's Stop, "because of
#: symptoms", shows it while the screening questions are on their way).
SYMPTOM_ADVICE = ("Rest, and leave out the exercise that brought it on until you have spoken to "
                  "your physiotherapist. If it does not settle within a few minutes, or you feel "
                  "dizzy, numb, weak or unwell, get medical advice today.")

#: The built-in stop rules, added after every exercise's own cautions wherever cautions are
#: shown, whatever the programme says. Short forms of the card's "stop" section.
BUILT_IN_STOP_RULES: tuple[str, ...] = (
    "Stop if it hurts, rather than a gentle stretch.",
    "Stop if you feel dizzy, sick or unsteady, or your sight blurs or doubles.",
    "Stop if you get pins and needles, numbness or weakness in an arm or hand.",
    "Stop if a headache starts or gets worse.",
)

#: Words that show an exercise's own caution already covers one of the built-in rules, so the
#: list shown does not say the same thing twice. One tuple of alternatives per rule.
_RULE_MARKERS: tuple[tuple[str, ...], ...] = (
    ("hurt", "pain"),
    ("dizzy",),
    ("numb", "pins and needles"),
    ("headache",),
)


def stop_rules(cautions: Sequence[str]) -> tuple[str, ...]:
    """An exercise's own `cautions` followed by every built-in stop rule they do not already
    cover. Never shorter than BUILT_IN_STOP_RULES' coverage: each rule appears in some line."""
    own = tuple(cautions)
    lowered = " ".join(own).lower()
    added = tuple(rule for rule, markers in zip(BUILT_IN_STOP_RULES, _RULE_MARKERS, strict=True)
                  if not any(marker in lowered for marker in markers))
    return own + added


def card_text(card: SafetyCard = SAFETY_CARD, width: int = 72) -> str:
    """The card as a plain-text handout: title, intro, each section with its signs as bullets,
    and the not-a-diagnosis note, wrapped at `width` columns."""

    def wrap(text: str, indent: str = "", first: str | None = None) -> list[str]:
        return textwrap.wrap(text, width=width, initial_indent=first if first is not None
                             else indent, subsequent_indent=indent) or [""]

    lines: list[str] = [card.title.upper(), "=" * min(width, len(card.title)), ""]
    lines += wrap(card.intro)
    for number, section in enumerate(card.sections, start=1):
        lines += ["", f"{number}. {section.heading.upper()}"]
        lines += wrap(section.action)
        for sign in section.signs:
            lines += wrap(sign, indent="     ", first="   - ")
        if section.after:
            lines += wrap(section.after)
    lines += [""] + wrap(card.not_a_diagnosis)
    return "\n".join(lines) + "\n"

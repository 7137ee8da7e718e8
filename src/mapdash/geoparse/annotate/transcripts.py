"""Speaker turns of a transcript: a paragraph opening with a label in capitals and a colon ("COL. WARREN: ...").

A turn runs from its label to the next label (or the end of the text). A text is a transcript when it has two
labels or more, or opens with one that holds a title (an excerpt of a press conference). The label names the speaker,
with titles and notes such as "(THROUGH TRANSLATOR)"; "Q:" and moderators' turns are questions, not
statements, and only end the turn before them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A label: one to seven words in capitals (initials and hyphens allowed), an optional note in brackets, a colon.
_LABEL = re.compile(
    r"(?m)^[ \t]*(?P<label>[A-Z][A-Z.'’-]*(?:[ \t]+[A-Z][A-Z.'’-]*){0,6})[ \t]*(?P<note>\([^()\n]{1,40}\))?[ \t]*:[ "
    r"\t]+(?=\S)"
)
# Labels that are not speakers of statements: questions, the moderator, and page furniture.
_NOT_SPEAKERS = frozenset({"Q", "QUESTION", "MODERATOR", "OPERATOR", "STAFF", "REPORTER", "AUDIENCE"})
_NOT_LABELS = frozenset(
    {
        "NOTE",
        "EDITOR'S NOTE",
        "EDITOR’S NOTE",
        "UPDATE",
        "UPDATED",
        "CORRECTION",
        "PHOTO",
        "VIDEO",
        "RELATED",
        "SOURCE",
        "SOURCES",
        "CONTACT",
        "MEDIA CONTACT",
        "RELEASE",
        "SUBJECT",
        "TOPIC",
    }
)


@dataclass(frozen=True)
class Turn:
    """One speaker turn: its content span (after the label) and the speaker as a title-cased name, or None."""

    start: int
    end: int
    speaker: str | None


def transcript_turns(text: str) -> list[Turn]:
    """Return the speakers' turns of a transcript in order (questions left out), or [] for a text without labels."""
    labels = [m for m in _LABEL.finditer(text) if _is_label(m)]
    # One label could be a heading ("WASHINGTON: ...") or a one-off inside a story, and a turn runs to the next label:
    # a single label counts only when it opens the text and holds a title ("DEFENSE MINISTER X: ...").
    single = len(labels) == 1 and (text[: labels[0].start()].strip() or not _has_title(labels[0].group("label")))
    # Headings in capitals ("SYRIA: ...", "IRAQ: ...") are no speakers: a transcript has a titled speaker or questions.
    speakers_known = any(_has_title(m.group("label")) or m.group("label").rstrip(".") in _NOT_SPEAKERS for m in labels)
    if not labels or single or not speakers_known:
        return []
    turns = []
    for i, match in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        while end > match.end() and text[end - 1].isspace():
            end -= 1
        label = " ".join(match.group("label").split())
        if label.rstrip(".") in _NOT_SPEAKERS or end <= match.end():
            continue
        turns.append(Turn(match.end(), end, speaker_name(label)))
    return turns


def speaker_name(label: str) -> str:
    """Return a label's speaker in title case ("DEFENSE MINISTER JEAN-YVES LE DRIAN" -> "Defense Minister Jean-Yves Le
    Drian")."""
    return " ".join("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")) for word in label.split())


def _is_label(match: re.Match[str]) -> bool:
    """Return True when the capitals before a colon read as a speaker label, not a heading or notice."""
    label = " ".join(match.group("label").split())
    letters = re.sub(r"[^A-Z]", "", label)
    return label not in _NOT_LABELS and (len(letters) >= 2 or label == "Q") and not label.endswith("-")


_TITLE = re.compile(
    r"\b(?:SECRETARY|MINISTER|PRESIDENT|GEN|GENERAL|ADM|ADMIRAL|COL|COLONEL|LT|MAJ|CAPT|CMDR|SGT|MR|MRS|MS|DR|AMBASSADO"
    r"R"
    r"|SPOKESMAN|SPOKESWOMAN|DIRECTOR|CHAIRMAN|SENATOR|SEN|REP|GOVERNOR|ENVOY|COMMANDER|PRIME)\b\.?"
)


def _has_title(label: str) -> bool:
    """Return True when a label holds a title word ("COL. WARREN", "SECRETARY CARTER")."""
    return _TITLE.search(label) is not None

"""Attribution clauses of quotes and reported speech, as regular expressions over speaker expressions.

Each pattern names the speaker in group ``spk`` (or ``spk2``/``spk3``) and a role appositive in ``appos``
(or ``appos2``); ``quotes`` decides which to try where. Datelines are here too: they are blanked before
any of these patterns runs, so a dateline is never taken for quoted text or a speaker.
"""

from __future__ import annotations

import re

from mapdash.geoparse.annotate.speakers import SPEAKER, VERB

# ", general counsel for the department," between a name and its verb; one inner comma ("Adam, 14, from Botley,").
APPOS = r"(?:,\s+(?P<appos>[^,“”\"\n]{2,80}?)(?:,\s+[^,“”\"\n]{2,60}?)?,)?"
TAIL_APPOS = r"(?:,\s+(?P<appos2>[^,.;“”\"\n]{2,80}))?"
ADVERB = r"(?:also\s+|later\s+|then\s+|again\s+|previously\s+|repeatedly\s+)?"
# Words between a speech verb and its clause: "confirmed yesterday that", "said in a statement that".
WHEN = (
    r"(?:\s+(?:here|there|today|yesterday|tonight|earlier|later|again|recently|(?:on\s+)?(?:Monday|Tuesday|Wednesday|Th"
    r"ursday"
    r"|Friday|Saturday|Sunday)|(?:this|last)\s+week|(?:in|during|at|via|by|through|on)\s+(?:(?:a|an|the|his|her|their)"
    r"\s+)?"
    r"(?:[\w-]+\s+){0,2}?(?:statement|release|briefing|conference|teleconference|videoconference|interview|call|email|p"
    r"ost"
    r"|tweet|readout)))*"
)
NO_CLAUSE = re.compile(rf"{WHEN}[\s.!?;,]*")  # what may follow "said" when it ends its sentence
# Before "that", any short phrases: "told reporters at the Pentagon via teleconference from Baghdad that".
PLACE_PHRASES = (
    r"(?:\s+(?:at|in|from|during|via|by|on|to|after|before)\s+"
    r"(?:(?:a|an|the)\s+)?[\w.'’-]+(?:\s+[\w.'’-]+){0,3}?){0,3}?"
)
# The same line only: an attribution never crosses a paragraph break (the next paragraph's speaker is not this one's).
AFTER = re.compile(
    rf"[ \t]*(?:\n[ \t]*)?(?:,|--|—|–)?[ \t]*(?:(?P<spk>{SPEAKER}){APPOS}\s+{ADVERB}{VERB}\b"
    rf"|{VERB}\s+(?P<spk2>{SPEAKER}){TAIL_APPOS})"
)
ACCORDING = (
    r"[Aa]ccording\s+to\s+(?:(?:a|an|the)\s+(?:[\w.-]+\s+){0,3}?(?:statement|release|readout)\s+(?:by|from)\s+)?"
)
BEFORE = re.compile(
    rf"(?:\b(?P<spk>{SPEAKER}){APPOS}\s+{ADVERB}{VERB}(?:\s+[a-z]+){{0,4}}"
    rf"|\b{ACCORDING}(?P<spk2>{SPEAKER}))\s*[,:]?\s*$"
)
# Anywhere in the sentence, for a partial quote ("He called the deal "a first step" toward peace").
IN_SENTENCE = re.compile(
    rf"\b(?P<spk>{SPEAKER})\s+{ADVERB}(?:{VERB}|called|calling|described|dubbed|termed)\b"
    rf"|\b(?:{VERB})\s+(?P<spk2>{SPEAKER})"
)
# The subject of a sentence that introduces a quote with a colon ("Gen. X, the commander, released this statement:").
INTRO_SUBJECT = re.compile(rf"(?P<spk>{SPEAKER}){APPOS}\s+{ADVERB}[a-z]+\b")
INTRO_PHRASE = re.compile(r"[^,]{1,40},\s+")  # "On Oct. 17, " before the subject
TRAIL = re.compile(
    rf",\s*(?:(?P<spk>{SPEAKER}){APPOS}\s+{ADVERB}{VERB}\b|{VERB}\s+(?P<spk2>{SPEAKER}){TAIL_APPOS}(?=[\s,.;]|$)"
    rf"|{ACCORDING}(?P<spk3>{SPEAKER}))"
)
# (LEAD and SUBJECT are used with match(): they hold at the sentence start without "^", which match(text, pos) ignores.)
# Verbs that take a bare clause ("Garver said the world watched"); other speech verbs need "that".
BARE = r"(?:said|says|told\s+(?:[A-Z][\w.-]*\s+)?(?:reporters|journalists|[a-z]+))"
LEAD = re.compile(
    rf"(?:(?:And|But|Yet|Also)\s+)?(?:(?:[^,“”\"]{{1,90}}),\s+)??(?:(?P<spk>{SPEAKER}){APPOS}\s+{ADVERB}"
    rf"(?:(?:{BARE}|{VERB}){WHEN}{PLACE_PHRASES},?\s+that\s+|{BARE}{WHEN}\s+"
    rf"|(?:announced|reported|confirmed|stated){WHEN}\s+(?=(?:the\s+)?[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*(?:\s+[a-z]+)"
    rf"{{0,2}}?\s+(?:have|has|had|were|was|are|is|will|[a-z]+ed)\b))"
    rf"|According\s+to\s+(?P<spk2>{SPEAKER}),\s*)"
)
# "..., noting that X" / "..., adding that X": a second statement of the sentence's speaker.
PARTICIPLE = re.compile(
    r",\s+(?:and\s+)?(?:noting|adding|saying|explaining|stressing|emphasizing|emphasising|warning|arguing|insisting"
    r"|pointing\s+out)\s+(?:that\s+)(?=\S)"
)
SUBJECT = re.compile(rf"(?:(?:And|But|Also)\s+)?(?P<spk>{SPEAKER}){APPOS}\s+{ADVERB}[a-z]+\b")
# An appositive that reads as a role ("the defense secretary", "general counsel for the department").
ROLE_APPOS = re.compile(
    r"(?:(?:the|a|an)\s+)?(?!(?:from|of|in|who|which|whose|at|on|with|and|but|as)\b|[a-z]+ing\b)[a-z][a-z .’'-]*"
    r"(?:\s+(?:of|for|at)\s+[\w .’'-]+)?"
)
MONTH_DAY = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2}(?:\s*[–-]\s*\d{1,2})?(?:,?\s+\d{4})?"
)
# A dateline opens a paragraph: the issuing place in capitals, maybe a state or country and a date, then a dash
# ("SOUTHWEST ASIA, Dec. 20, 2016 --", "WASHINGTON,(June 27, 2016) --", "TAMPA, Fla., Aug. 19, 2014 -"); without a dash,
# the place and one capitalised word ("BAGHDAD, Iraq Iraqi officials said ...").
DATELINE = re.compile(
    r"(?m)^[ \t]*[A-Z][A-Z.'’]+(?:[ -][A-Z][A-Z.'’]+){0,3}"
    rf"(?:(?:,\s*[A-Z][a-z]+\.?(?:\s+[A-Z][a-z]+\.?){{0,2}})?(?:,?\s*\(?{MONTH_DAY}\)?)?(?:[ \t]*(?:--|—|–)|[ \t]+-)\s*"
    r"|,\s*[A-Z][a-z]+\.?[ \t]+(?=[A-Z]))"
)


def blank_datelines(text: str) -> str:
    """Return text with each paragraph's dateline ("WASHINGTON, Feb. 11, 2016 --") replaced by spaces."""
    return DATELINE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)

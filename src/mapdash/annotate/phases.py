"""Campaign phases for place mentions: cue rules from the taxonomy, applied sentence by sentence.

In each sentence every mention is replaced by a marker, so a cue pattern's ``{place}`` matches a
whole mention whatever its name. A cue then goes to:
- object / subject: the mention its ``{place}`` matched, and the places coordinated with it
  ("Saudi Arabia and the United Arab Emirates are expanding"); a qualifier there is passed over for
  the place it qualifies;
- located: every place in the sentence after a locative preposition ("in Syria");
- sentence: every place in the sentence.
A qualifier only locates another place: "Hit in Iraq's Anbar province" (Anbar and Iraq qualify Hit),
"Mosul -- Iraq's second-largest city", "Raqqa, Syria". It takes no cue itself; when the place it
qualifies gets a phase, it gets the low-confidence ``context`` phase (if the taxonomy has one).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from mapdash.text import sentence_spans
from mapdash.annotate.taxonomy import CONTEXT, MARK_CLOSE, MARK_OPEN, Cue, PhaseDef
from mapdash.model import PhaseTag

# Coarser places qualify finer ones: "Hit in Anbar", "Mosul, Iraq".
_RANK = {"city": 0, "admin2": 1, "admin1": 2, "region": 3, "country": 4}
_M = f"{MARK_OPEN}\\d+{MARK_CLOSE}"
_POSSESSED_PLACE = re.compile(rf"(?:’s|'s|’|')\s+(?:[\w-]+\s+){{0,2}}?{_M}")
_PLACE_NOUN = re.compile(
    r"(?:’s|'s|’|')\s+(?:[\w-]+\s+){0,2}?(?:city|town|village|province|governorate|region|district|capital"
    r"|border|north|south|east|west|territory|countryside|heartland)\b",
    re.IGNORECASE,
)
_APPOSITION = re.compile(r"\s*(?:,|--|—|–|\()\s*$")
# Between a place and a coarser one that locates it: "Hit in Iraq's Anbar", "Ramadi, the capital of Anbar".
_LOCATES = re.compile(
    rf"\s*(?:,|--|—|–|\()?\s*(?:in|of|near|outside)?\s*(?:the\s+)?"
    rf"(?:(?:[\w-]+\s+){{0,2}}(?:capital|city|town|seat)\s+of\s+)?(?:(?:north|south|east|west)(?:ern)?\s+|central\s+)?"
    rf"(?:{_M}(?:’s|'s)\s+)?",
    re.IGNORECASE,
)
_COORDINATION = re.compile(r"\s*(?P<link>,\s*(?:and|or)\s+|,\s*|\s+(?:and|or|&|as\s+well\s+as)\s+)(?:the\s+)?", re.IGNORECASE)
_LOCATIVE = re.compile(
    r"\b(?:in|into|inside|across|throughout|within|near|around|outside|over|at)\s+(?:the\s+)?"
    r"(?:(?:city|town|province|region|country|village)\s+of\s+)?$",
    re.IGNORECASE,
)
CHAIN_FACTOR = 0.95  # a place coordinated with the cue's place: as likely, but one step removed
HEAD_FACTOR = 0.9  # the cue landed on a qualifier and was passed to the place it qualifies


@dataclass(frozen=True)
class MentionRef:
    """What phase assignment needs of a resolved mention: its span and its place's name, feature and country."""

    start: int
    end: int
    name: str
    feature: str  # "country", "admin1", "admin2", "city", "region"
    country_code: str


def assign_phases(text: str, mentions: Sequence[MentionRef], taxonomy: Mapping[str, PhaseDef]) -> list[PhaseTag]:
    """Return the phase tags of the mentions, one per mention and phase (the most confident), in text order."""
    refs = _usable(text, mentions)
    starts = [m.start for m in refs]  # sorted: each sentence bisects its mentions instead of scanning all
    best: dict[tuple[int, int, str], PhaseTag] = {}
    for s_start, s_end in sentence_spans(text):
        local = [m for m in refs[bisect_left(starts, s_start) : bisect_left(starts, s_end)] if m.end <= s_end]
        if local:
            for tag in _sentence_tags(text, s_start, s_end, local, taxonomy):
                key = (tag.mention_start, tag.mention_end, tag.phase)
                if key not in best or tag.confidence > best[key].confidence:
                    best[key] = tag
    return sorted(best.values(), key=lambda t: (t.mention_start, -t.confidence, t.phase))


def _usable(text: str, mentions: Sequence[MentionRef]) -> list[MentionRef]:
    """Return the mentions that lie inside text, sorted, without overlaps (the first one wins)."""
    kept: list[MentionRef] = []
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if 0 <= m.start < m.end <= len(text) and (not kept or m.start >= kept[-1].end):
            kept.append(m)
    return kept


class _Sentence:
    """One sentence with its mentions masked, and which mentions qualify or coordinate with which."""

    def __init__(self, text: str, start: int, end: int, mentions: list[MentionRef]) -> None:
        """Mask the mentions and work out qualifiers and coordination chains."""
        self.start, self.end, self.mentions = start, end, mentions
        pieces, spans, pos, length = [], [], start, 0
        clean = text[start:end].replace(MARK_OPEN, " ").replace(MARK_CLOSE, " ")  # no false markers
        for i, m in enumerate(mentions):
            pieces.append(clean[pos - start : m.start - start])
            length += m.start - pos
            marker = f"{MARK_OPEN}{i}{MARK_CLOSE}"
            spans.append((length, length + len(marker)))
            pieces.append(marker)
            length += len(marker)
            pos = m.end
        pieces.append(clean[pos - start :])
        self.masked, self.spans = "".join(pieces), spans
        self.head = self._heads()
        self.chains = self._chains()

    def _heads(self) -> dict[int, int]:
        """Return qualifier index -> the index of the place it finally qualifies."""
        head: dict[int, int] = {}
        n = len(self.mentions)
        for i in range(n):
            after = self.masked[self.spans[i][1] :]
            if _POSSESSED_PLACE.match(after) and i + 1 < n:
                head[i] = i + 1  # "Iraq's Anbar province"
            elif _PLACE_NOUN.match(after) and i > 0 and _APPOSITION.search(self._gap(i - 1, i)):
                head[i] = i - 1  # "Mosul -- Iraq's second-largest city"
        for i in range(1, n):
            h = i - 1
            while h in head and h > 0:
                h -= 1  # skip qualifiers back to the place being located
            if i not in head and h not in head and self._rank(i) > self._rank(h) and _LOCATES.fullmatch(self._gap(h, i)):
                head[i] = h
        resolved: dict[int, int] = {}
        for i in head:
            h, seen = head[i], {i}
            while h in head and h not in seen:  # "Iraq's" -> Anbar -> Hit
                seen.add(h)
                h = head[h]
            resolved[i] = h
        return resolved

    def _chains(self) -> dict[int, tuple[int, ...]]:
        """Return mention index -> the coordinated places it belongs with ("Syria and Iraq")."""
        chains: dict[int, tuple[int, ...]] = {}
        current: list[int] = []
        commas = 0
        for i in range(len(self.mentions)):
            if i in self.head:
                continue
            link = _COORDINATION.fullmatch(self._gap(current[-1], i)) if current else None
            word = " ".join(link.group("link").split()) if link else ""
            # ", and" closes a list ("Iraq, Syria, and Libya"); after a single place it starts a new clause
            # ("targets in Syria, and Saudi Arabia is expanding").
            if link and (word == "," or not word.startswith(",") or commas):
                commas += word == ","
                current.append(i)
            else:
                current, commas = [i], 0
            for j in current:
                chains[j] = tuple(current)
        return chains

    def _gap(self, i: int, j: int) -> str:
        """Return the masked text between mention i and mention j, qualifiers' markers kept."""
        return self.masked[self.spans[i][1] : self.spans[j][0]]

    def _rank(self, i: int) -> int:
        """Return how coarse mention i's place is."""
        return _RANK.get(self.mentions[i].feature, 0)

    def targets(self, cue: Cue) -> list[tuple[int, float, str]]:
        """Return (mention index, confidence, rule) for each place the cue applies to here."""
        found: list[tuple[int, float, str]] = []
        for match in cue.pattern.finditer(self.masked):
            if cue.unless and cue.unless.search(self.masked[max(0, match.start() - 40) : match.end()]):
                continue
            if cue.target in ("sentence", "located"):
                found.extend((i, cue.confidence, cue.rule) for i in self._sentence_places(cue.target == "located"))
                break
            for name, value in match.groupdict().items():
                if re.fullmatch(r"p\d+", name) and value is not None:
                    found.extend(self._slot(int(value), cue))
        return found

    def _slot(self, i: int, cue: Cue) -> list[tuple[int, float, str]]:
        """Return the places a cue's {place} at mention i stands for: its head if a qualifier, and its chain."""
        confidence, rule = cue.confidence, cue.rule
        if i in self.head:
            i, confidence, rule = self.head[i], confidence * HEAD_FACTOR, f"{rule}+head"
        out = [(i, confidence, rule)]
        out.extend((j, confidence * CHAIN_FACTOR, f"{rule}+coordinated") for j in self.chains.get(i, (i,)) if j != i)
        return out

    def _sentence_places(self, located_only: bool) -> list[int]:
        """Return the non-qualifier places of the sentence, or only those after a locative preposition."""
        places = [i for i in range(len(self.mentions)) if i not in self.head]
        if not located_only:
            return places
        located = {i for i in places if _LOCATIVE.search(self.masked[max(0, self.spans[i][0] - 60) : self.spans[i][0]])}
        return [i for i in places if located & set(self.chains.get(i, (i,)))]


def _sentence_tags(
    text: str, start: int, end: int, mentions: list[MentionRef], taxonomy: Mapping[str, PhaseDef],
) -> list[PhaseTag]:
    """Return the tags the taxonomy's cues give the mentions of one sentence, with context for qualifiers."""
    sentence = _Sentence(text, start, end, mentions)
    tags: list[PhaseTag] = []
    for phase in taxonomy.values():
        for cue in phase.cues:
            for i, confidence, rule in sentence.targets(cue):
                m = mentions[i]
                if phase.scope.admits(m.feature, m.country_code):
                    tags.append(PhaseTag(m.start, m.end, phase.key, rule, round(confidence, 3), start, end))
    context = taxonomy.get(CONTEXT)
    if context is not None:
        tagged = {(t.mention_start, t.mention_end): t for t in tags}
        for q, h in sentence.head.items():
            head_tag = tagged.get((mentions[h].start, mentions[h].end))
            if head_tag is not None:
                m = mentions[q]
                rule = f"{CONTEXT}.qualifies:{mentions[h].name}"
                tags.append(PhaseTag(m.start, m.end, CONTEXT, rule, context.confidence, start, end))
    return tags

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

Two kinds of reference reach past a sentence's own names:
- an anaphor, "the city", "the liberated town", "the city's liberation", stands for the last town named in it or in the
  two sentences before; a cue on it goes to that town, with the evidence stretched back to where the town is named;
- a cue with no place to land on ("the coalition has conducted 630 airstrikes since July, he said") goes to the
  sentence's topic: of the towns named in the two sentences before, the one the text has named most, when the cue's
  target is ``located`` and no place of its own sentence is located.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from mapdash.geoparse.annotate.taxonomy import CONTEXT, MARK_CLOSE, MARK_OPEN, Cue, PhaseDef
from mapdash.model import PhaseTag
from mapdash.text import sentence_spans

# Coarser places qualify finer ones: "Hit in Anbar", "Mosul, Iraq".
_RANK = {"city": 0, "admin2": 1, "admin1": 2, "region": 3, "country": 4}
_M = f"{MARK_OPEN}\\d+{MARK_CLOSE}"
_POSSESSED_PLACE = re.compile(rf"(?:’s|'s|’|')\s+(?:[\w-]+\s+){{0,2}}?{_M}")
_PLACE_NOUN = re.compile(
    r"(?:’s|'s|’|')\s+(?:[\w-]+\s+){0,2}?(?:city|town|village|province|governorate|region|district|capital"
    r"|border|north|south|east|west|territory|countryside|heartland)\b",
    re.IGNORECASE,
)
# "the Iraqi city of Mosul", "the Syrian border town of Kobani": the first place only says where the second is.
_KIND_OF = re.compile(
    r"\s+(?:[\w-]+\s+){0,2}?(?:city|town|village|province|governorate|capital|district|region)\s+of\s+(?:the\s+)?",
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
# The article a list item may carry outside its name: "the Tishrin Dam", "al Hawl" where only "Hawl" was recognised.
# "A; B, including C; and half of D" lists too, but a semicolon only joins bare items (see _Sentence._chains).
_COORDINATION = re.compile(
    r"\s*(?P<link>,\s*(?:and|or)\s+|;\s*(?:and\s+)?|,?\s*including\s+(?:at\s+|in\s+)?|,\s*|\s+(?:and|or|&|as\s+well\s+a"
    r"s)\s+)"
    r"(?:(?:half|parts?|most|much|all|some)\s+of\s+)?(?:the\s+|[ae]l[-\s])?",
    re.IGNORECASE,
)
_BARE_ITEM_END = re.compile(r"\s*(?:[;,.:)]|and\b|or\b|$)", re.IGNORECASE)
_LOCATIVE = re.compile(
    r"\b(?:in|into|inside|across|throughout|within|near|around|outside|over|at)\s+(?:the\s+)?"
    r"(?:(?:city|town|province|region|country|village)\s+of\s+)?$",
    re.IGNORECASE,
)
# "the city", "the liberated city", "the key town", "the city's": not "the city of X" (that names it), not "a city".
# The anaphor's span is its head noun, so a cue can read the words before it ("the liberated city").
_ANAPHOR = re.compile(
    r"\bthe\s+(?:[\w-]+\s+){0,2}?(?P<noun>city|town)\b(?!\s+(?:council|center|centre|limits|hall)\b)", re.IGNORECASE
)
_OF = re.compile(r"\s+of\s+(?:the\s+)?", re.IGNORECASE)
_ANTECEDENT_FEATURES = frozenset({"city", "admin2"})
# A release's dateline: a place in capitals, maybe a state and a date, then a dash.
_DATELINE = re.compile(
    r"[A-Z]{3}[A-Z.'’ -]{0,40}(?:,\s*[A-Z][a-z]+\.?)?\s*,?\s*\(?(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:\s*[-–]\s*\d{1,2})?,?"
    r"\s*(?:\d{4})?)?\)?"
    r"\s*(?:--|—|–|-)\s+"
)
REACH_SENTENCES = 2  # an anaphor or a placeless cue looks this many sentences back for its town
ANAPHOR_FACTOR = 0.9  # a cue on "the city" is as good as one on the name, one step removed
TOPIC_FACTOR = 0.75  # a placeless cue given to the last town named: a guess from the discourse
_QUALIFIER_IN_GAP = re.compile(rf"^\s*,?\s*(?:the\s+)?{_M}(?:’s|'s)?(?=\s*(?:,|and\b|or\b|$))", re.IGNORECASE)
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
    refers_to: MentionRef | None = None  # for an anaphor ("the city"): the mention it stands for


def assign_phases(text: str, mentions: Sequence[MentionRef], taxonomy: Mapping[str, PhaseDef]) -> list[PhaseTag]:
    """Return the phase tags of the mentions, one per mention and phase (the most confident), in text order."""
    refs = _usable(text, mentions)
    sentences = _without_datelines(text, sentence_spans(text))
    refs = _with_anaphors(text, refs, sentences)
    sentence_starts = [s for s, _ in sentences]
    starts = [m.start for m in refs]  # sorted: each sentence bisects its mentions instead of scanning all
    best: dict[tuple[int, int, str], PhaseTag] = {}
    named: Counter[str] = Counter()  # how often each place was named before the sentence at hand
    for index, (s_start, s_end) in enumerate(sentences):
        local = [m for m in refs[bisect_left(starts, s_start) : bisect_left(starts, s_end)] if m.end <= s_end]
        topic = _topic(refs, starts, sentences, index, named)
        named.update((m.refers_to or m).name for m in local)
        if local or topic is not None:
            for tag in _sentence_tags(text, s_start, s_end, local, taxonomy, topic):
                if tag.mention_start < s_start:  # a town named before: the evidence runs from its sentence
                    named_in = sentences[bisect_left(sentence_starts, tag.mention_start + 1) - 1][0]
                    tag = replace(tag, evidence_start=min(named_in, tag.mention_start))
                key = (tag.mention_start, tag.mention_end, tag.phase)
                if key not in best or tag.confidence > best[key].confidence:
                    best[key] = tag
    return sorted(best.values(), key=lambda t: (t.mention_start, -t.confidence, t.phase))


def _without_datelines(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Return the sentences with a leading dateline ("SOUTHWEST ASIA, Dec. 20, 2016 --") split off as its own span,
    so the sentence after it starts where its words do ("Near Mosul, three strikes ...")."""
    out: list[tuple[int, int]] = []
    for start, end in sentences:
        dateline = _DATELINE.match(text, start, end)
        if dateline and dateline.end() < end:
            out.extend([(start, dateline.end()), (dateline.end(), end)])
        else:
            out.append((start, end))
    return out


def _with_anaphors(text: str, refs: list[MentionRef], sentences: Sequence[tuple[int, int]]) -> list[MentionRef]:
    """Return refs with a mention added for each "the city" that stands for a town named just before it."""
    if not refs:
        return refs
    starts = [m.start for m in refs]
    sentence_starts = [s for s, _ in sentences]
    added: list[MentionRef] = []
    for found in _ANAPHOR.finditer(text):
        here = bisect_left(starts, found.start())
        if here < len(refs) and refs[here].start < found.end() or here > 0 and refs[here - 1].end > found.start():
            continue  # part of a name ("the Old City")
        start, end = found.span("noun")
        of = _OF.match(text, end)
        if of and here < len(refs) and refs[here].start == of.end():
            continue  # "the city of Mosul" names its town; "clear the city of fighters" refers back
        index = max(0, bisect_left(sentence_starts, found.start() + 1) - 1)
        earliest = sentences[max(0, index - REACH_SENTENCES)][0]
        window = refs[bisect_left(starts, earliest) : here]
        antecedent = next((m for m in reversed(window) if m.feature in _ANTECEDENT_FEATURES), None)
        if antecedent is not None:
            added.append(
                MentionRef(
                    start, end, antecedent.name, antecedent.feature, antecedent.country_code, refers_to=antecedent
                )
            )
    return sorted(refs + added, key=lambda m: m.start) if added else refs


def _topic(
    refs: Sequence[MentionRef],
    starts: Sequence[int],
    sentences: Sequence[tuple[int, int]],
    index: int,
    named: Counter[str],
) -> MentionRef | None:
    """Return the topic a placeless cue in sentence index is about: of the towns named in the sentences just before,
    the one the text has named most so far (the latest on a tie)."""
    if index == 0:
        return None
    here = bisect_left(starts, sentences[index][0])
    earliest = sentences[max(0, index - REACH_SENTENCES)][0]
    recent = [m.refers_to or m for m in refs[bisect_left(starts, earliest) : here] if m.feature in _ANTECEDENT_FEATURES]
    if not recent:
        return None
    return max(reversed(recent), key=lambda m: named[m.name])


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
        self.lowered = self.masked.lower()
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
            elif i + 1 < n and _KIND_OF.fullmatch(self._gap(i, i + 1)):
                head[i] = i + 1  # "the Iraqi city of Mosul"
            elif _PLACE_NOUN.match(after) and i > 0 and _APPOSITION.search(self._gap(i - 1, i)):
                head[i] = i - 1  # "Mosul -- Iraq's second-largest city"
        for i in range(1, n):
            h = i - 1
            while h in head and h > 0:
                h -= 1  # skip qualifiers back to the place being located
            if (
                i not in head
                and h not in head
                and self._rank(i) > self._rank(h)
                and _LOCATES.fullmatch(self._gap(h, i))
            ):
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
            link = _COORDINATION.fullmatch(self._link_gap(current[-1], i)) if current else None
            word = " ".join(link.group("link").split()) if link else ""
            if word.startswith(";") and not _BARE_ITEM_END.match(self.masked, self.spans[i][1]):
                link, word = None, ""  # "X was freed; Y remains held": a new clause, not a list
            # ", and" closes a list ("Iraq, Syria, and Libya"); after a single place it starts a new clause
            # ("targets in Syria, and Saudi Arabia is expanding").
            if link and (word == "," or not word.startswith(",") or commas or word.endswith("including")):
                commas += word == ","
                current.append(i)
            else:
                current, commas = [i], 0
            for j in current:
                chains[j] = tuple(current)
        return chains

    def _link_gap(self, i: int, j: int) -> str:
        """Return the gap between two places with a qualifier in it passed over, its commas with it:
        "Raqqa, Syria, and Mosul, Iraq" lists Raqqa and Mosul."""
        gap = self._gap(i, j)
        bare = _QUALIFIER_IN_GAP.sub("", gap)
        if bare == gap:
            return gap
        rest = bare.lstrip().removeprefix(",").lstrip()
        return f" {rest}" if rest else ", "

    def _gap(self, i: int, j: int) -> str:
        """Return the masked text between mention i and mention j, qualifiers' markers kept."""
        return self.masked[self.spans[i][1] : self.spans[j][0]]

    def _rank(self, i: int) -> int:
        """Return how coarse mention i's place is."""
        return _RANK.get(self.mentions[i].feature, 0)

    def targets(self, cue: Cue, tagged: Mapping[int, set[str]] | None = None) -> list[tuple[int, float, str]]:
        """Return (mention index, confidence, rule) for each place the cue applies to here; index -1 is the topic."""
        found: list[tuple[int, float, str]] = []
        if cue.needles is not None and not any(needle in self.lowered for needle in cue.needles):
            return found
        for match in self._matches(cue):
            if cue.unless and cue.unless.search(self.masked[max(0, match.start() - 40) : match.end()]):
                continue
            if cue.target == "alongside":
                found.extend(
                    (i, cue.confidence, cue.rule) for i, phases in (tagged or {}).items() if phases & cue.alongside
                )
                break
            if cue.target in ("sentence", "located"):
                places = self._sentence_places(cue.target == "located")
                found.extend((i, cue.confidence, cue.rule) for i in places)
                if not places and cue.target == "located":
                    found.append((-1, cue.confidence * TOPIC_FACTOR, f"{cue.rule}+topic"))
                break
            for name, value in match.groupdict().items():
                if re.fullmatch(r"p\d+", name) and value is not None:
                    found.extend(self._slot(int(value), cue))
        return found

    def _matches(self, cue: Cue) -> list[re.Match[str]]:
        """Return the cue's matches; after each, the places it took are hidden and the cue is tried again, so a lazy
        gap that stopped at the first place ("struck targets in Iraq ... north of Mosul") reaches the later ones."""
        if cue.target not in ("object", "subject"):
            return list(cue.pattern.finditer(self.masked))
        matches: list[re.Match[str]] = []
        masked = self.masked
        for _ in range(len(self.mentions)):
            match = cue.pattern.search(masked)
            if match is None:
                break
            matches.append(match)
            for name, value in match.groupdict().items():
                if re.fullmatch(r"p\d+", name) and value is not None:
                    start, end = match.span(name)
                    masked = masked[: start - 1] + "\ue002" * (end - start + 2) + masked[end + 1 :]
        return matches

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
    text: str,
    start: int,
    end: int,
    mentions: list[MentionRef],
    taxonomy: Mapping[str, PhaseDef],
    topic: MentionRef | None = None,
) -> list[PhaseTag]:
    """Return the tags the taxonomy's cues give the mentions of one sentence, with context for qualifiers."""
    sentence = _Sentence(text, start, end, mentions)
    tags: list[PhaseTag] = []
    tagged: dict[int, set[str]] = {}
    # "alongside" cues read the phases the other cues gave, so they run last.
    # Without a place of its own, a sentence can only give its topic a "located" cue: the rest need not run.
    cues = [(phase, cue) for phase in taxonomy.values() for cue in phase.cues if mentions or cue.target == "located"]
    for phase, cue in sorted(cues, key=lambda pc: pc[1].target == "alongside"):
        for i, confidence, rule in sentence.targets(cue, tagged):
            m = topic if i < 0 else mentions[i]
            if (
                m is None
                or not phase.scope.admits(m.feature, m.country_code)
                or cue.features
                and m.feature not in cue.features
            ):
                continue
            if m.refers_to is not None:
                m, confidence, rule = m.refers_to, confidence * ANAPHOR_FACTOR, f"{rule}+anaphor"
            tags.append(PhaseTag(m.start, m.end, phase.key, rule, round(confidence, 3), start, end))
            if i >= 0:
                tagged.setdefault(i, set()).add(phase.key)
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

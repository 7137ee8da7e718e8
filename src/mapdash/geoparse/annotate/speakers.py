"""Who is speaking: named people with their titles, and role or pronoun references resolved to them.

Rules, in order of use:
- A title followed by a name ("President Barack Obama", "Defense Secretary Ash Carter") registers the
  person with that role; a later bare surname ("Obama") is the same person.
- "the president", "the defense secretary", "the general" refer to the most recent person whose
  role contains that word.
- "he" / "she" refer to the most recent speaker (not merely the most recent name: in "He praised
  Ash Carter's efforts ... he said" the second "he" is still the first speaker), else the most
  recent named person. Gender is not tracked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Title words that precede a name; several may stack ("Army Lt. Gen.", "Defense Secretary").
_TITLE_WORD = (
    r"(?:President|Vice|Deputy|Assistant|Under|Acting|Prime|Foreign|Defense|Defence|Secretary|Attorney|Press|Pentagon"
    r"|Army|Navy|Air\s+Force|Marine|Marine\s+Corps|Coast\s+Guard|Rear|Lt\.|Lieutenant|Maj\.|Major|Brig\.|Brigadier"
    r"|Gen\.|General|Col\.|Colonel|Adm\.|Admiral|Capt\.|Captain|Cmdr\.|Commander|Sgt\.|Sergeant|Staff|Master|Chief"
    r"|Sen\.|Senator|Rep\.|Representative|Gov\.|Governor|Mayor|Minister|Spokesman|Spokeswoman|Spokesperson"
    r"|Ambassador|Envoy|Special|Director|Chairman|Chairwoman|King|Queen|Prince|Crown|Pope|Sheikh|Mr\.|Mrs\.|Ms\.|Dr\."
    r"|City|County|Manager|Commissioner|Superintendent|Sheriff|Judge|Justice|Police|Detective|Officer|Coach|Professor"
    r"|Prof\.|Councilman|Councilwoman|Council\s+Member|Bishop|Rev\.|Father|Rabbi|Imam|Prosecutor|Clerk)"
)
_TITLE_OF = (
    r"(?:\s+of\s+(?:the\s+)?"
    r"(?:State|Defense|Homeland\s+Security|Treasury|Army|Navy|Air\s+Force|Joint\s+Chiefs\s+of\s+Staff|Staff))?"
)
_CAPITAL_TITLE = rf"(?:{_TITLE_WORD}{_TITLE_OF}\s+)+"
_VERBS = (
    "said says told tells added adds noted notes explained explains stated states asked asks continued continues"
    " declared declares warned warns stressed stresses emphasized emphasizes emphasised remarked remarks insisted"
    " insists acknowledged acknowledges observed observes announced announces wrote writes tweeted tweets replied"
    " replies responded responds argued argues cautioned cautions predicted predicts urged urges affirmed affirms"
    " recalled recalls commented comments confirmed confirms concluded concludes reiterated reiterates underscored"
    " underscores reported reaffirmed reaffirms indicated indicates estimated assessed highlighted revealed reveals"
    " admitted admits conceded concedes maintained maintains contended contends claimed briefed"
)
VERB = "(?:" + "|".join(_VERBS.split()) + r"|pointed\s+out|points\s+out)"
# Lower-case job titles before a name ("spokeswoman Amanda Wurst", "wrestling coach Darren Ripley").
_LOWER_TITLE = (
    rf"(?:(?!(?:and|or|the|that|but|as|to|of|with|by|for|{VERB})\b)[a-z]+\s+){{0,2}}?"
    r"(?:coach|spokes(?:man|woman|person)|member|counsel|manager|commissioner|superintendent|principal|attorney"
    r"|lawyer|sheriff|detective|analyst|professor|resident|owner|teacher|mayor|council(?:man|woman|or)|official"
    r"|officer|director|chair(?:man|woman)?|president|secretary|minister|commander|agent|chief|leader)\s+"
)
# "Defense Secretary", "Pentagon spokesman Navy Capt.", "coach": capitalised and lower-case titles, in that order.
TITLE = rf"(?:{_CAPITAL_TITLE}(?:{_LOWER_TITLE})?(?:{_CAPITAL_TITLE})?|{_LOWER_TITLE}(?:{_CAPITAL_TITLE})?)"
# A name word: "Carter", "MacFarland", "O'Brien", "al-Abadi", "Jean-Yves", or an initial "F."
# A title abbreviation ("Maj.") is never a name word: "United Kingdom Maj. Gen. X" names X.
_ABBREVIATED_TITLE = r"(?:Maj|Gen|Lt|Col|Capt|Cmdr|Sgt|Adm|Brig|Sen|Rep|Gov|Mr|Mrs|Ms|Dr|Rev|Prof|Spc|Pvt|Cpl)\."
_NAME_WORD = (
    rf"(?!{_ABBREVIATED_TITLE})(?:(?:al-|el-|bin\s+|ibn\s+|abu\s+|van\s+|von\s+|de\s+)?(?:[A-Z]['’])?[A-Z][a-z]+"
    r"(?:[A-Z][a-z]+)*(?:-[A-Z]?[a-z]+)*(?![A-Za-z])|[A-Z]\.)"
)
# Two to four name words ("Barack Obama", "Joseph F. Dunford Jr."), or one after a title ("President Obama").
NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}(?:,?\s+(?:Jr\.|Sr\.|II\b|III\b|IV\b))?"
_SUFFIX = frozenset({"Jr.", "Sr.", "II", "III", "IV"})
_ROLE_NOUN = (
    r"president|secretary|minister|general|admiral|colonel|commander|spokes(?:man|woman|person)|ambassador|envoy"
    r"|senator|governor|chairman|chairwoman|mayor|director|official|officer|king|prince|leader|chief"
)
# An organisation's proper name: capitalised words and acronyms, with "of"/"for"/"and" or a dash inside
# ("Combined Joint Task Force – Operation Inherent Resolve", "U.S. Central Command", "CJTF-OIR", "Department of
# Defense").
_ORG_WORD = (
    r"(?!(?:The|A|An|One|Two|Three|Four|Several|Other|Some|Many|Most|These|Those|Both|All|He|She|It|They|We|But|And)\b)"
    r"(?:U\.S\.|U\.K\.|[A-Z]{2,}(?:-[A-Z]{2,})*\b|[A-Z][a-z]+(?:-[A-Z][a-z]+)?\b)"
)
ORG = rf"{_ORG_WORD}(?:(?:\s+(?:of|for|and)(?:\s+the)?\s+|\s+[–—-]\s+|\s+){_ORG_WORD}){{0,7}}"
_ROLE_PREFIX = (
    r"(?:(?i:defense|foreign|prime|vice|deputy|press|army|pentagon|white\s+house|state\s+department|senior|top|military"
    r"|coalition|task\s+force|command|u\.s\.)\s+){0,2}"
)
# "the general", "the Pentagon press secretary", "the Operation Inherent Resolve spokesman".
# "... for Combined Joint Task Force Operation Inherent Resolve", "... for the coalition" after a role.
_FOR_ORG = rf"(?:\s+(?:for|of)\s+(?:the\s+)?(?:{ORG}|(?i:coalition|task\s+force|command|department)))?"
ROLE_REF = rf"[Tt]he\s+(?:{ORG}\s+)?{_ROLE_PREFIX}(?:{_ROLE_NOUN})\b{_FOR_ORG}"
PRONOUN = r"\b(?:[Hh]e|[Ss]he)\b"
# An unnamed source: "a senior defense official", "one officer". It has a role but no name.
ANONYMOUS = (
    r"(?:(?:[Aa]n?|[Oo]ne|[Tt]wo|[Ss]everal|[Oo]ther)\s+)?(?:(?:senior|top|U\.S\.|American|military|defense|Pentagon"
    r"|coalition|administration|State\s+Department|White\s+House|government|intelligence)\s+){0,3}"
    r"(?:officials?|officers?|spokes(?:man|woman|person)|commanders?|diplomats?|sources?)\b"
) + _FOR_ORG
_BODY_MODIFIER = (
    r"(?:(?i:senior|top|military|defense|security|coalition|government|administration|intelligence|local|tribal"
    r"|task\s+force)\s+)"
)
_GROUP = r"(?i:officials|leaders|spokesmen|commanders|authorities|representatives|officers)\b"
# A body speaking for an organisation: "Combined Joint Task Force Operation Inherent Resolve officials",
# "Pentagon officials", "Iraqi military leaders", "officials". It is the speaker, as a name is.
BODY = rf"(?:[Tt]he\s+)?(?:{ORG}\s+)?{_BODY_MODIFIER}{{0,3}}{_GROUP}"
_INSTITUTION_HEAD = (
    r"(?i:task\s+force|coalition|department|ministry|command|government|military|pentagon|white\s+house|embassy"
    r"|headquarters)\b"
)
# An institution speaking: "the task force", "the Department of Defense", "U.S. Central Command", "the Pentagon".
# An organisation by its acronym ("CENTCOM said", "CJTF-OIR reported"): three capitals or more.
_ACRONYM = r"(?:[A-Z]{3,}(?:-[A-Z]{2,})*|[A-Z]{2,}-[A-Z]{2,})(?![\w.])"
# The head may go on in the name: "Combined Joint Task Force – Operation Inherent Resolve", "Department of Defense".
INSTITUTION = (
    rf"(?:(?:[Tt]he\s+)?(?:{ORG}\s+)?{_INSTITUTION_HEAD}(?:\s+of\s+(?:the\s+)?{ORG}|(?:\s+[–—-])?\s+{ORG})?|{_ACRONYM})"
)
# A document speaking for whoever issued it: "the release", "a Defense Department news release", "the statement".
DOC_REF = (
    rf"(?:[Tt]he|[Aa]n?)\s+(?:(?P<issuer>{ORG})\s+)?(?i:news\s+release|press\s+release|release|statement|readout)\b"
    rf"(?:\s+(?:from|by|of)\s+(?P<from>(?:the\s+)?(?:{ORG}\s+)?(?:{ORG}|(?i:coalition|task\s+force|command|department|m"
    r"inistry))))?"
)
_DOC_REF = re.compile(DOC_REF)
# A title may follow a nationality or organisation ("United Kingdom Maj. Gen. Christopher Ghika").
SPEAKER = (
    rf"(?:{ROLE_REF}|{PRONOUN}|{BODY}|{INSTITUTION}|{DOC_REF.replace('(?P<issuer>', '(?:').replace('(?P<from>', '(?:')}"
    rf"|{ANONYMOUS}"
    rf"|(?:(?:(?:[A-Z][\w.'’-]*|chief|senior|top|deputy|acting|former)\s+){{1,8}}?(?={TITLE}))?(?:{TITLE})?{NAME})"
)

_TITLED = re.compile(rf"\b(?P<title>{TITLE})(?P<name>{NAME})")
_ORG_RE = re.compile(rf"\b{ORG}")
_APPOSITIVE = re.compile(r",\s+(?:(?:the|a|an)\s+)?([^,“”\"\n]{2,80}?),")  # ", commander of Combined Joint Task Force,"
_GROUP_RE = re.compile(_GROUP)
# Generic words that stand for an office named in full before ("the task force", "the department").
_ANAPHORIC_HEADS = frozenset({"task force", "command", "department", "ministry", "headquarters", "embassy"})
# Words that make a body expression generic ("officials", "the task force"): it stands for the body named before.
_GENERIC = frozenset(
    "the officials leaders spokesmen commanders authorities representatives officers senior top military defense"
    " security coalition government administration intelligence local tribal task force department ministry command"
    " headquarters embassy".split()
)
_ROLE_WORDS = re.compile(_ROLE_NOUN, re.IGNORECASE)
# Role nouns and the title words that carry them ("the general" -> "Lt. Gen.").
_ROLE_ALIASES = {
    "general": ("general", "gen."),
    "admiral": ("admiral", "adm."),
    "colonel": ("colonel", "col."),
    "commander": ("commander", "cmdr."),
    "senator": ("senator", "sen."),
    "governor": ("governor", "gov."),
}
# Capitalised words that start sentences, not names ("Yesterday Obama said").
_NOT_NAMES = frozenset(
    {
        "The",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "We",
        "They",
        "I",
        "You",
        "But",
        "And",
        "In",
        "On",
        "At",
        "As",
        "Also",
        "However",
        "Meanwhile",
        "Later",
        "Earlier",
        "Then",
        "Still",
        "Yesterday",
        "Today",
        "Tonight",
        "Tomorrow",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "So",
        "Now",
        "Here",
        "There",
    }
)


@dataclass(frozen=True)
class Person:
    """A named person met in the text, with the role stated at first mention."""

    name: str
    role: str | None


@dataclass
class SpeakerRegistry:
    """The people named so far in a text, and who spoke last, for resolving references."""

    people: list[Person] = field(default_factory=list)
    last_speaker: Person | None = None
    bodies: list[str] = field(default_factory=list)  # organisations named so far, latest last
    issuers: list[str] = field(default_factory=list)  # who issued the releases and statements named so far
    spoken: list[str] = field(default_factory=list)  # bodies that spoke so far
    described: dict[str, str] = field(default_factory=dict)  # what appositives said of each person ("commander of X")

    def register_titled(self, text: str) -> None:
        """Register every titled name ("Defense Secretary Ash Carter"), organisation and release issuer in text."""
        for match in _TITLED.finditer(text):
            name = _clean_name(match.group("name"))
            if name:
                person = self._add(name, " ".join(match.group("title").split()))
                appositive = _APPOSITIVE.match(text, match.end())
                if appositive:
                    self.describe(person, appositive.group(1))
        for match in _ORG_RE.finditer(text):
            org = _clean_name(match.group())
            if len(org.split()) >= 2 or re.fullmatch(r"[A-Z]{2,}(?:-[A-Z]{2,})*", org):
                self.bodies.append(org)
        for match in _DOC_REF.finditer(text):
            if match.group("issuer"):
                self.issuers.append(" ".join(match.group("issuer").split()))

    def resolve_body(self, expression: str) -> str | None:
        """Return the body a body, institution or document expression stands for, or None for an unknown issuer.

        A specific expression ("Combined Joint Task Force officials") is its own body; a generic one ("officials",
        "the task force") is the latest body named before that holds its words; "the release" is its issuer.
        """
        expr = " ".join(re.sub(r"^(?:[Tt]he|[Aa]n?)\s+", "", expression.strip()).split())
        document = _DOC_REF.fullmatch(" ".join(expression.split()))
        if document is not None:
            if document.group("from"):
                return self.resolve_body(document.group("from"))  # "a statement from the coalition": the coalition
            issuer = document.group("issuer")
            return " ".join(issuer.split()) if issuer else (self.issuers[-1] if self.issuers else None)
        words = expr.split()
        if not _is_generic(words):
            self.spoken.append(expr)
            return expr
        group = _GROUP_RE.search(expr)
        core = _GROUP_RE.sub("", expr).strip().lower()  # "task force" of "task force officials"
        # A body that spoke before, else (for words that stand for a named office) an organisation named before:
        # "the task force" is Combined Joint Task Force ...; "coalition officials" are not the Syrian Arab Coalition's.
        named = self.bodies if core in _ANAPHORIC_HEADS else []
        for body in [*reversed(self.spoken), *reversed(named)]:
            low = body.lower()
            if core and core not in low:
                continue
            if group is not None and not _GROUP_RE.search(body):
                if not core:
                    continue  # bare "officials": only a body already speaking as officials
                return (
                    f"{body} {group.group().lower()}"  # "task force officials" -> "<the task force's name> officials"
                )
            return body if group is not None else _GROUP_RE.sub("", body).strip()
        return expr[0].lower() + expr[1:] if words[0].lower() in _GENERIC else expr

    def resolve(self, expression: str, role: str | None = None) -> Person | None:
        """Return the person a speaker expression refers to (registering new names with role); None if unknown."""
        expr = " ".join(expression.split())
        if re.fullmatch(PRONOUN, expr):
            return self.last_speaker or (self.people[-1] if self.people else None)
        if re.fullmatch(ROLE_REF, expr):
            return self._by_role(expr)
        if re.fullmatch(ANONYMOUS, expr):
            return None
        # "United Kingdom Maj. Gen. X", "chief Pentagon spokesperson X": the titled name that ends the expression
        titled = _TITLED.fullmatch(expr) or next((m for m in _TITLED.finditer(expr) if m.end() == len(expr)), None)
        if titled:
            name = _clean_name(titled.group("name"))
            return self._add(name, " ".join(titled.group("title").split())) if name else None
        name = _clean_name(expr)
        return self._add(name, role) if name else None

    def describe(self, person: Person | None, appositive: str) -> None:
        """Remember what an appositive says a person is ("Gen. X, commander of CENTCOM,"), for "the commander said"."""
        if person is not None and person.name and _ROLE_WORDS.search(appositive):
            self.described[person.name] = f"{self.described.get(person.name, '')} {appositive.lower()}"

    def spoke(self, person: Person | None) -> None:
        """Remember who spoke last, for later pronouns."""
        if person is not None:
            self.last_speaker = person

    def _add(self, name: str, role: str | None) -> Person:
        """Register a name (merging with a known person of that surname) and return the person."""
        known = self._find(name)
        if known is not None:
            # "Ryan Dillon" after "Dillon": the full name
            fuller = len(name) > len(known.name) and name.endswith(known.name) and re.fullmatch(NAME, name) is not None
            if (known.role is None and role) or fuller:
                upgraded = Person(name if fuller or len(name) > len(known.name) else known.name, known.role or role)
                self.people = [upgraded if p == known else p for p in self.people]
                if self.last_speaker == known:
                    self.last_speaker = upgraded
                return upgraded
            return known
        person = Person(name, role)
        self.people.append(person)
        return person

    def _find(self, name: str) -> Person | None:
        """Return the latest person whose name is name or shares its surname."""
        last = surname(name)
        for person in reversed(self.people):
            if person.name == name or surname(person.name) == last:
                return person
        return None

    def _by_role(self, expr: str) -> Person | None:
        """Return the last speaker if "the <role>" fits them, else the most recent person it fits."""
        nouns = _ROLE_WORDS.findall(expr.lower())
        if not nouns:
            return None
        keys = _ROLE_ALIASES.get(nouns[-1], (nouns[-1],))
        # "the defense secretary": a secretary of defense before any other secretary.
        qualifiers = [w for w in re.findall(r"[a-z.]+", expr.lower()) if w not in ("the", nouns[-1])]
        # The speaker first: a president named inside a quote should not take over "the president said".
        candidates = ([self.last_speaker] if self.last_speaker else []) + self.people[::-1]
        roles = {p.name: f"{p.role or ''} {self.described.get(p.name, '')}".lower() for p in candidates}
        fitting = [p for p in candidates if any(k in roles[p.name] for k in keys)]
        qualified = [p for p in fitting if all(q in roles[p.name] for q in qualifiers)]
        return (qualified or fitting or [None])[0]


def _clean_name(name: str) -> str:
    """Return a name without a leading sentence word ("The", "It") that the capital pattern swept in."""
    words = name.split()
    while words and words[0] in _NOT_NAMES:
        words = words[1:]
    return " ".join(words)


def surname(name: str) -> str:
    """Return the last word of a name that is not a suffix ("Funk" of "Paul E. Funk II")."""
    words = [w for w in name.split() if w.rstrip(",") not in _SUFFIX] or name.split()
    return words[-1].rstrip(",") if words else ""


def _is_generic(words: list[str]) -> bool:
    """Return True when a body expression names no organisation of its own ("officials", "Task force officials")."""
    if any(w[:1].isupper() for w in words[1:]):
        return False
    return not words[0][:1].isupper() or words[0].lower() in _GENERIC

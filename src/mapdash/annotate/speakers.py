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
_TITLE_OF = r"(?:\s+of\s+(?:the\s+)?(?:State|Defense|Homeland\s+Security|Treasury|Army|Navy|Air\s+Force|Joint\s+Chiefs\s+of\s+Staff|Staff))?"
_CAPITAL_TITLE = rf"(?:{_TITLE_WORD}{_TITLE_OF}\s+)+"
_VERBS = (
    "said says told tells added adds noted notes explained explains stated states asked asks continued continues"
    " declared declares warned warns stressed stresses emphasized emphasizes emphasised remarked remarks insisted"
    " insists acknowledged acknowledges observed observes announced announces wrote writes tweeted tweets replied"
    " replies responded responds argued argues cautioned cautions predicted predicts urged urges affirmed affirms"
    " recalled recalls commented comments confirmed confirms concluded concludes reiterated reiterates underscored"
    " underscores"
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
_NAME_WORD = r"(?:(?:al-|el-|bin\s+|ibn\s+|abu\s+|van\s+|von\s+|de\s+)?(?:[A-Z]['’])?[A-Z][a-z]+(?:[A-Z][a-z]+)*(?:-[A-Z]?[a-z]+)*|[A-Z]\.)"
# Two to four name words ("Barack Obama", "Joseph F. Dunford Jr."), or one after a title ("President Obama").
NAME = rf"{_NAME_WORD}(?:\s+{_NAME_WORD}){{0,3}}(?:,?\s+(?:Jr|Sr)\.)?"
_ROLE_NOUN = (
    r"president|secretary|minister|general|admiral|colonel|commander|spokes(?:man|woman|person)|ambassador|envoy"
    r"|senator|governor|chairman|chairwoman|mayor|director|official|officer|king|prince|leader|chief"
)
_ROLE_PREFIX = r"(?:(?:defense|foreign|prime|vice|deputy|press|army|pentagon|white\s+house|state\s+department|senior|top|military|coalition|u\.s\.)\s+){0,2}"
ROLE_REF = rf"[Tt]he\s+{_ROLE_PREFIX}(?:{_ROLE_NOUN})\b"
PRONOUN = r"\b(?:[Hh]e|[Ss]he)\b"
# An unnamed source: "a senior defense official", "Pentagon officials". It has a role but no name.
ANONYMOUS = (
    r"(?:(?:[Aa]n?|[Oo]ne|[Tt]wo|[Ss]everal|[Oo]ther)\s+)?(?:(?:senior|top|U\.S\.|American|military|defense|Pentagon"
    r"|coalition|administration|State\s+Department|White\s+House|government|intelligence)\s+){0,3}"
    r"(?:officials?|officers?|spokes(?:man|woman|person)|commanders?|diplomats?|sources?)\b"
)
# Any speaker expression an attribution may name.
SPEAKER = rf"(?:{ROLE_REF}|{PRONOUN}|{ANONYMOUS}|(?:{TITLE})?{NAME})"

_TITLED = re.compile(rf"\b(?P<title>{TITLE})(?P<name>{NAME})")
_ROLE_WORDS = re.compile(_ROLE_NOUN, re.IGNORECASE)
# Role nouns and the title words that carry them ("the general" -> "Lt. Gen.").
_ROLE_ALIASES = {"general": ("general", "gen."), "admiral": ("admiral", "adm."), "colonel": ("colonel", "col."),
                 "commander": ("commander", "cmdr."), "senator": ("senator", "sen."), "governor": ("governor", "gov.")}
# Capitalised words that start sentences, not names ("Yesterday Obama said").
_NOT_NAMES = frozenset({
    "The", "This", "That", "These", "Those", "It", "We", "They", "I", "You", "But", "And", "In", "On", "At", "As",
    "Also", "However", "Meanwhile", "Later", "Earlier", "Then", "Still", "Yesterday", "Today", "Tonight", "Tomorrow",
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "So", "Now", "Here", "There",
})


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

    def register_titled(self, text: str) -> None:
        """Register every titled name in text ("Defense Secretary Ash Carter")."""
        for match in _TITLED.finditer(text):
            name = _clean_name(match.group("name"))
            if name:
                self._add(name, " ".join(match.group("title").split()))

    def resolve(self, expression: str, role: str | None = None) -> Person | None:
        """Return the person a speaker expression refers to (registering new names with role); None if unknown."""
        expr = " ".join(expression.split())
        if re.fullmatch(PRONOUN, expr):
            return self.last_speaker or (self.people[-1] if self.people else None)
        if re.fullmatch(ROLE_REF, expr):
            return self._by_role(expr)
        if re.fullmatch(ANONYMOUS, expr):
            return None
        titled = _TITLED.fullmatch(expr)
        if titled:
            name = _clean_name(titled.group("name"))
            return self._add(name, " ".join(titled.group("title").split())) if name else None
        name = _clean_name(expr)
        return self._add(name, role) if name else None

    def spoke(self, person: Person | None) -> None:
        """Remember who spoke last, for later pronouns."""
        if person is not None:
            self.last_speaker = person

    def _add(self, name: str, role: str | None) -> Person:
        """Register a name (merging with a known person of that surname) and return the person."""
        known = self._find(name)
        if known is not None:
            if known.role is None and role:
                upgraded = Person(known.name if len(known.name) >= len(name) else name, role)
                self.people = [upgraded if p == known else p for p in self.people]
                if self.last_speaker == known:
                    self.last_speaker = upgraded
                return upgraded
            return known
        person = Person(name, role)
        self.people.append(person)
        return person

    def _find(self, name: str) -> Person | None:
        """Return the latest person whose name is name or ends with its last word."""
        last = name.split()[-1]
        for person in reversed(self.people):
            if person.name == name or person.name.split()[-1] == last:
                return person
        return None

    def _by_role(self, expr: str) -> Person | None:
        """Return the last speaker if "the <role>" fits them, else the most recent person it fits."""
        nouns = _ROLE_WORDS.findall(expr.lower())
        if not nouns:
            return None
        keys = _ROLE_ALIASES.get(nouns[-1], (nouns[-1],))
        # The speaker first: a president named inside a quote should not take over "the president said".
        for person in ([self.last_speaker] if self.last_speaker else []) + self.people[::-1]:
            if person.role and any(k in person.role.lower() for k in keys):
                return person
        return None


def _clean_name(name: str) -> str:
    """Return a name without a leading sentence word ("The", "It") that the capital pattern swept in."""
    words = name.split()
    while words and words[0] in _NOT_NAMES:
        words = words[1:]
    return " ".join(words)

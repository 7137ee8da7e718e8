"""The campaign-phase taxonomy: phases with their look and cue rules, read from data/phases.toml.

The file format is documented at the top of data/phases.toml. A cue is a regular expression over a
sentence in which every place mention has been replaced by a marker; ``{place}`` in the pattern stands
for one such marker and says which place the cue is about.
"""

from __future__ import annotations

import re
import re._constants as sre_constants  # the parsed form of a pattern: to find words every match must contain
import re._parser as sre_parse
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Target = Literal["object", "subject", "sentence", "located", "alongside"]
TARGETS: tuple[str, ...] = ("object", "subject", "sentence", "located", "alongside")
# How direct each kind of cue is, when the file gives no confidence: a cue that names the place's
# role in the sentence beats one that only shares a sentence with it.
DEFAULT_CONFIDENCE: Mapping[str, float] = {
    "object": 0.85,
    "subject": 0.8,
    "located": 0.6,
    "sentence": 0.5,
    "alongside": 0.6,
}
CONTEXT = "context"  # the engine's phase for a place that only locates another one
PLACE = "{place}"
ANY_PLACE = "{any_place}"  # a mention that is part of the cue but not its target
# Masked sentences mark mention i as MARK_OPEN + str(i) + MARK_CLOSE (private-use characters, never in text).
MARK_OPEN, MARK_CLOSE = "\ue000", "\ue001"
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
_FEATURES = frozenset({"country", "admin1", "admin2", "city", "region"})
# Known fields: a misspelt one ("confidance") is an error, not silently ignored.
_PHASE_FIELDS = frozenset({"label", "color", "icon", "description", "scope", "cues", "confidence"})
_CUE_FIELDS = frozenset(
    {"name", "pattern", "target", "confidence", "unless", "case_sensitive", "alongside", "features"}
)


class TaxonomyError(ValueError):
    """A phase taxonomy file that cannot be used; the message names the phase and field."""


@dataclass(frozen=True)
class Cue:
    """One cue rule: a compiled pattern, which place it is about, how sure it makes us, and its veto."""

    rule: str  # "<phase>.<name>", reported with each tag
    pattern: re.Pattern[str]
    target: Target
    confidence: float
    unless: re.Pattern[str] | None = None  # vetoes a match when found in it or the 40 characters before it
    alongside: frozenset[str] = frozenset()  # target "alongside": the phases a place must already have in the sentence
    features: frozenset[str] = frozenset()  # the feature kinds the cue may tag; empty = any
    needles: frozenset[str] | None = (
        None  # every match contains one of these (lower case): a sentence without is skipped
    )


@dataclass(frozen=True)
class Scope:
    """Which places a phase may be given: by feature kind and ISO country code (empty = any)."""

    features: frozenset[str] = frozenset()
    countries: frozenset[str] = frozenset()
    exclude_countries: frozenset[str] = frozenset()

    def admits(self, feature: str, country_code: str) -> bool:
        """Return True when a place of that feature and country may take the phase."""
        return (
            (not self.features or feature in self.features)
            and (not self.countries or country_code in self.countries)
            and country_code not in self.exclude_countries
        )


@dataclass(frozen=True)
class PhaseDef:
    """A campaign phase: its key, legend label, colour, icon, cue rules and scope."""

    key: str
    label: str
    color: str  # "#rrggbb"
    icon: str  # a unicode symbol: the map runs offline, without icon fonts
    cues: tuple[Cue, ...]
    scope: Scope = Scope()
    description: str = ""
    confidence: float = 0.2  # used for the engine-assigned 'context' phase


def load_phase_taxonomy(path: Path) -> dict[str, PhaseDef]:
    """Return the phases of a taxonomy TOML file by key, in file order; raise TaxonomyError on a bad file."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise TaxonomyError(f"{path}: cannot read the phase taxonomy: {exc}") from exc
    phases = data.get("phases")
    if not isinstance(phases, dict) or not phases:
        raise TaxonomyError(f"{path}: no [phases.<key>] tables")
    taxonomy = {key: _phase(path, key, table) for key, table in phases.items()}
    for phase in taxonomy.values():
        for cue in phase.cues:
            unknown = sorted(cue.alongside - taxonomy.keys())
            if unknown:
                raise TaxonomyError(
                    f"{path}: phase '{phase.key}', cue '{cue.rule}': field 'alongside': unknown phases {unknown}"
                )
    return taxonomy


def compile_cue_pattern(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """Return pattern compiled with each {place} turned into a marker group p0, p1, ... capturing the mention index.

    A {place} takes the article before it along: names rarely include it, so "near {place}" reads "near the Mosul Dam".
    """
    pieces = pattern.replace(ANY_PLACE, f"{MARK_OPEN}\\d+{MARK_CLOSE}").split(PLACE)
    out = pieces[0]
    for i, piece in enumerate(pieces[1:]):
        out += f"(?:the\\s+)?{MARK_OPEN}(?P<p{i}>\\d+){MARK_CLOSE}" + piece  # "near the Mosul Dam", "within the city"
    return re.compile(out, flags)


def _phase(path: Path, key: str, table: Any) -> PhaseDef:
    """Return one phase from its TOML table, checking every field."""
    where = f"{path}: phase '{key}'"
    if not _NAME.fullmatch(key):
        raise TaxonomyError(f"{where}: the key must be lower-case letters, digits and '_'")
    if not isinstance(table, dict):
        raise TaxonomyError(f"{where}: must be a table")
    _known_fields(table, _PHASE_FIELDS, where)
    label = _string(table, "label", where)
    color = _string(table, "color", where)
    if not _HEX.fullmatch(color):
        raise TaxonomyError(f"{where}: field 'color': {color!r} is not a hex colour like '#d62728'")
    icon = _string(table, "icon", where)
    confidence = _confidence(table.get("confidence", 0.2), f"{where}: field 'confidence'")
    raw_cues = table.get("cues", [])
    if not isinstance(raw_cues, list):
        raise TaxonomyError(f"{where}: field 'cues': must be an array of [[phases.{key}.cues]] tables")
    cues = tuple(_cue(where, key, i, raw) for i, raw in enumerate(raw_cues))
    rules = [cue.rule for cue in cues]
    if len(set(rules)) < len(rules):
        raise TaxonomyError(f"{where}: field 'cues': two cues share the name {max(rules, key=rules.count)!r}")
    return PhaseDef(
        key,
        label,
        color,
        icon,
        cues,
        _scope(table.get("scope", {}), where),
        str(table.get("description", "")),
        confidence,
    )


def _cue(where: str, key: str, index: int, raw: Any) -> Cue:
    """Return one cue from its TOML table, checking its pattern against its target."""
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{where}: cues[{index}]: must be a table")
    name = str(raw.get("name", index))
    here = f"{where}, cue '{name}' (cues[{index}])"
    _known_fields(raw, _CUE_FIELDS, here)
    pattern = _string(raw, "pattern", here)
    target = raw.get("target", "object")
    if target not in TARGETS:
        raise TaxonomyError(f"{here}: field 'target': {target!r} is not one of {', '.join(TARGETS)}")
    if target in ("object", "subject") and PLACE not in pattern:
        raise TaxonomyError(f"{here}: field 'pattern': a '{target}' cue must contain {PLACE}")
    if target in ("sentence", "located", "alongside") and PLACE in pattern:
        raise TaxonomyError(f"{here}: field 'pattern': a '{target}' cue applies to the sentence and takes no {PLACE}")
    alongside = raw.get("alongside", [])
    if not isinstance(alongside, list) or not all(isinstance(a, str) for a in alongside):
        raise TaxonomyError(f"{here}: field 'alongside': must be an array of phase keys")
    if (target == "alongside") != bool(alongside):
        raise TaxonomyError(
            f"{here}: field 'alongside': give it (a list of phase keys) with target 'alongside', and only then"
        )
    flags = 0 if raw.get("case_sensitive", False) is True else re.IGNORECASE
    compiled = _compiled(pattern, flags, f"{here}: field 'pattern'")
    unless = _compiled(_string(raw, "unless", here), flags, f"{here}: field 'unless'") if "unless" in raw else None
    confidence = _confidence(raw.get("confidence", DEFAULT_CONFIDENCE[target]), f"{here}: field 'confidence'")
    features = raw.get("features", [])
    if not isinstance(features, list) or not set(features) <= _FEATURES:
        raise TaxonomyError(f"{here}: field 'features': must be an array of {sorted(_FEATURES)}")
    return Cue(
        f"{key}.{name}",
        compiled,
        target,
        confidence,
        unless,
        frozenset(alongside),
        frozenset(features),
        required_literals(compiled.pattern, compiled.flags),
    )


def required_literals(pattern: str, flags: int = 0) -> frozenset[str] | None:
    """Return strings (lower case) of which every match of pattern contains one, or None when none is known.

    A cheap test before the regular expression: most sentences hold none of a cue's words, and a substring search
    is far faster than a failed match.
    """
    try:
        return _required(list(sre_parse.parse(pattern, flags)))
    except (re.error, TypeError, ValueError, IndexError):
        return None


def _required(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """Return the most selective set of strings one of which every match of this sequence contains."""
    found: list[frozenset[str]] = []
    run = ""
    for op, arg in items:
        if op is sre_constants.LITERAL:
            run += chr(arg).lower()
            continue
        if run:
            found.append(frozenset({run}))
            run = ""
        need: frozenset[str] | None = None
        if op is sre_constants.SUBPATTERN:
            need = _required(list(arg[3]))
        elif op is sre_constants.BRANCH:
            branches = [_required(list(branch)) for branch in arg[1]]
            known = [b for b in branches if b is not None]
            need = frozenset[str]().union(*known) if len(known) == len(branches) else None
        elif (
            op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT) and arg[0] >= 1
        ):
            need = _required(list(arg[2]))
        if need:
            found.append(need)
    if run:
        found.append(frozenset({run}))
    return max(found, key=lambda strings: min(len(x) for x in strings)) if found else None


def _scope(raw: Any, where: str) -> Scope:
    """Return a phase's scope table; feature names must be the model's feature kinds."""
    if not isinstance(raw, dict):
        raise TaxonomyError(f"{where}: field 'scope': must be a table")
    values: dict[str, frozenset[str]] = {}
    for name in ("features", "countries", "exclude_countries"):
        items = raw.get(name, [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise TaxonomyError(f"{where}: field 'scope.{name}': must be an array of strings")
        values[name] = frozenset(i.upper() if "countries" in name else i for i in items)
    unknown = values["features"] - _FEATURES
    if unknown:
        raise TaxonomyError(f"{where}: field 'scope.features': unknown {sorted(unknown)}; use {sorted(_FEATURES)}")
    return Scope(values["features"], values["countries"], values["exclude_countries"])


def _known_fields(table: dict[str, Any], known: frozenset[str], where: str) -> None:
    """Raise TaxonomyError naming the first field the format does not know."""
    for field in table:
        if field not in known:
            raise TaxonomyError(f"{where}: field '{field}': unknown; expected one of {', '.join(sorted(known))}")


def _string(table: dict[str, Any], field: str, where: str) -> str:
    """Return a required non-empty string field."""
    value = table.get(field)
    if not isinstance(value, str) or not value.strip():
        raise TaxonomyError(f"{where}: field '{field}': required, a non-empty string")
    return value


def _confidence(value: Any, where: str) -> float:
    """Return a confidence in (0, 1]."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 1:
        raise TaxonomyError(f"{where}: must be a number in (0, 1], not {value!r}")
    return float(value)


def _compiled(pattern: str, flags: int, where: str) -> re.Pattern[str]:
    """Return the compiled cue pattern, or raise TaxonomyError saying where it is broken."""
    try:
        return compile_cue_pattern(pattern, flags)
    except re.error as exc:
        raise TaxonomyError(f"{where}: bad regular expression: {exc}") from exc

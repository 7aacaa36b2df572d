"""The tone check (practice P10): does a draft read as a person writing, or as a campaign?

"Cold calls and sales-y emails come off as insensitive; online requests feel like an attack on
the inbox." A draft is checked against the rules of `tone_rules.toml` (sales and marketing
phrasing, pressure and urgency), and for self-focus (I/we against you), a favour asked of
someone I have never helped (the caller says so, from the ledger), length, hard-to-read
sentences (Flesch reading ease, syllables from pyphen's bundled dictionary) and clichés and
corporate-speak (proselint's own checks, registered through its registry). Each flag has a
one-line explanation and a service-first rewrite suggestion; the score is
1 - exp(-sum of the weights of the flags' hits), 0 to 1.

Quoted lines (`> ...`) are not the writer's words and are left out. Reading the rules file and
pyphen's and proselint's bundled data is the only I/O here, done once.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Sequence
from dataclasses import field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from kithkin.model import Record, record

if TYPE_CHECKING:
    import pyphen

RULES_FILE: Final = "tone_rules.toml"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n\s*\n")
_SELF = re.compile(r"\b(i|i'm|i've|i'd|i'll|me|my|mine|myself|we|we're|we've|our|ours|us)\b", re.I)
_YOU = re.compile(r"\b(you|you're|you've|you'd|you'll|your|yours|yourself)\b", re.I)
_QUOTED = re.compile(r"^[ \t]*>.*$", re.M)


@record
class Rule(Record):
    id: str
    kind: str
    weight: float
    patterns: tuple[re.Pattern[str], ...]
    why: str
    instead: str
    max_hits: int = 3
    min_hits: int = 1


@record
class Rules(Record):
    threshold: float
    rules: tuple[Rule, ...]
    limits: dict[str, float]
    weights: dict[str, float]


@record
class Flag(Record):
    rule: str  # the rule's id: "sales.offer", "self", "length", ...
    kind: str  # sales, pressure, favour, self, length, reading, cliche
    why: str  # one line
    instead: str  # a service-first rewrite suggestion
    hits: list[str] = field(default_factory=list)  # the words that fired it, as written
    weight: float = 0.0  # what it added to the score (before the 1 - exp(-x))


@record
class Tone(Record):
    score: float  # 0 (a note between friends) to 1 (a campaign)
    threshold: float
    salesy: bool  # score >= threshold
    flags: list[Flag]
    words: int
    reading_ease: float | None  # Flesch, of the whole text (None: no sentence)
    asks: bool  # the draft asks something of its reader
    truncated: bool = False  # only the first `max_chars` characters were checked


def parse_rules(text: str, where: str = RULES_FILE) -> Rules:
    """The rules of a TOML text; ValueError naming the rule and what is wrong with it."""
    data = tomllib.loads(text)
    rules = []
    for n, raw in enumerate(data.get("rule", []), 1):
        name = raw.get("id", f"rule {n}")
        try:
            flags = 0 if raw.get("case") else re.IGNORECASE
            rules.append(
                Rule(
                    id=str(raw["id"]),
                    kind=str(raw["kind"]),
                    weight=float(raw["weight"]),
                    patterns=tuple(re.compile(p, flags) for p in raw["patterns"]),
                    why=str(raw["why"]),
                    instead=str(raw["instead"]),
                    max_hits=int(raw.get("max_hits", 3)),
                    min_hits=int(raw.get("min_hits", 1)),
                )
            )
        except (KeyError, TypeError, ValueError, re.error) as e:
            raise ValueError(f"{where}: {name}: {e}") from None
    return Rules(
        threshold=float(data.get("threshold", 0.6)),
        rules=tuple(rules),
        limits={k: float(v) for k, v in data.get("limits", {}).items()},
        weights={k: float(v) for k, v in data.get("weights", {}).items()},
    )


@cache
def default_rules() -> Rules:
    """The rules shipped in the package (read once)."""
    text = resources.files("kithkin.practices").joinpath(RULES_FILE).read_text("utf-8")
    return parse_rules(text)


def check(
    text: str,
    *,
    rules: Rules | None = None,
    never_helped: str | None = None,
    outreach: bool = True,
) -> Tone:
    """Check a draft. `never_helped`: the name of its recipient when the ledger holds no help
    given to them (a favour asked of them is then flagged); `outreach`: a note to one person,
    which should stay short."""
    rules = rules or default_rules()
    limit = int(rules.limits.get("max_chars", 100_000))
    truncated = len(text) > limit
    body = _QUOTED.sub("", text[:limit])
    flags: list[Flag] = []
    asks = False
    for rule in rules.rules:
        hits = _hits(rule.patterns, body, rule.max_hits)
        if len(hits) < max(rule.min_hits, 1):
            continue
        if rule.kind == "ask":
            asks = True
            continue
        flags.append(
            Flag(rule.id, rule.kind, rule.why, rule.instead, hits, rule.weight * len(hits))
        )
    words = _WORD.findall(body)
    weights = rules.weights
    if asks and never_helped:
        flags.append(_favour(never_helped, weights.get("favour", 0.45)))
    flags.extend(_self_focus(body, rules))
    if outreach and len(words) > rules.limits.get("outreach_words", 180):
        flags.append(
            Flag(
                "length",
                "length",
                f"{len(words)} words: outreach that runs long is skimmed, or kept for later.",
                "Keep it to a few sentences: who you are to them, the one thing you offer or "
                "ask, and an easy way to say no.",
                [],
                weights.get("length", 0.15),
            )
        )
    ease, hard = _reading(body, rules)
    if hard:
        flags.append(
            Flag(
                "reading",
                "reading",
                f"{len(hard)} hard-to-read sentence{'s' if len(hard) > 1 else ''}: "
                "long, or full of long words.",
                "Split it in two and say it plainly, as you would across a table.",
                [_excerpt(s) for s in hard[:3]],
                weights.get("reading", 0.1) * min(len(hard), 3),
            )
        )
    flags.extend(_cliches(body, weights.get("cliche", 0.08)))
    total = sum(f.weight for f in flags)
    score = round(1 - math.exp(-total), 3)
    return Tone(
        score=score,
        threshold=rules.threshold,
        salesy=score >= rules.threshold,
        flags=sorted(flags, key=lambda f: -f.weight),
        words=len(words),
        reading_ease=ease,
        asks=asks,
        truncated=truncated,
    )


def trips(text: str, rules: Rules, kinds: Sequence[str] = ("sales", "pressure")) -> bool:
    """Whether `text` alone meets a rule of these kinds (a fact about someone that would make
    a draft quoting it read as a pitch: "writes a newsletter")."""
    body = _QUOTED.sub("", text[: int(rules.limits.get("max_chars", 100_000))])
    return any(
        len(_hits(rule.patterns, body, rule.max_hits)) >= max(rule.min_hits, 1)
        for rule in rules.rules
        if rule.kind in kinds
    )


def _hits(patterns: Sequence[re.Pattern[str]], text: str, most: int) -> list[str]:
    found: list[str] = []
    for pattern in patterns:
        for match in pattern.finditer(text):
            found.append(" ".join(match.group(0).split()))
            if len(found) >= most:
                return found
    return found


def _favour(name: str, weight: float) -> Flag:
    return Flag(
        "favour",
        "favour",
        f"A favour asked of {name}, whom you have never helped (nothing given in the ledger).",
        f"Give first: offer {name} something useful (an introduction, what you know) and ask "
        "another time — or say plainly what is in it for them.",
        [],
        weight,
    )


def _self_focus(body: str, rules: Rules) -> list[Flag]:
    mine = len(_SELF.findall(body))
    yours = len(_YOU.findall(body))
    least = rules.limits.get("self_focus_min", 5)
    ratio = rules.limits.get("self_focus_ratio", 2.0)
    if mine < least or mine < ratio * max(yours, 1):
        return []
    return [
        Flag(
            "self",
            "self",
            f"Self-focused: I/we {mine} times, you {yours} times.",
            "Turn it around: start from them — their work, their news, what they need — "
            "and keep yourself to one sentence.",
            [],
            rules.weights.get("self", 0.25),
        )
    ]


def _reading(body: str, rules: Rules) -> tuple[float | None, list[str]]:
    """The Flesch reading ease of the whole text and its hard-to-read sentences."""
    hyphen = _hyphenator()
    longest = rules.limits.get("long_sentence_words", 32)
    hardest = rules.limits.get("hard_reading_ease", 30)
    hard: list[str] = []
    n_sentences = n_words = n_syllables = 0
    for sentence in _SENTENCE_END.split(body):
        words = _WORD.findall(sentence)
        if not words:
            continue
        syllables = sum(_syllables(hyphen, w) for w in words)
        n_sentences += 1
        n_words += len(words)
        n_syllables += syllables
        if len(words) >= longest or (
            len(words) >= 12 and _ease(1, len(words), syllables) < hardest
        ):
            hard.append(sentence)
    if not n_sentences:
        return None, hard
    return round(_ease(n_sentences, n_words, n_syllables), 1), hard


def _ease(sentences: int, words: int, syllables: int) -> float:
    return 206.835 - 1.015 * (words / sentences) - 84.6 * (syllables / words)


def _syllables(hyphen: pyphen.Pyphen, word: str) -> int:
    if len(word) > 40:  # no word: a URL's or a hash's leftovers
        return 1
    return len(hyphen.positions(word.lower())) + 1


@cache
def _hyphenator() -> pyphen.Pyphen:
    import pyphen

    return pyphen.Pyphen(lang="en_US")


def _excerpt(sentence: str, most: int = 90) -> str:
    one = " ".join(sentence.split())
    return one if len(one) <= most else one[: most - 1] + "…"


_CLICHE_CHECKS: Final = ("cliches", "industrial_language")


@cache
def _proselint() -> Any:
    """proselint's registry with its cliché and industrial-language checks registered once."""
    from proselint.checks import cliches, industrial_language
    from proselint.registry import CheckRegistry

    registry = CheckRegistry()
    known = {c.path for c in registry.checks}
    registry.register_many(
        tuple(
            c
            for c in (*cliches.__register__, *industrial_language.__register__)
            if c.path not in known
        )
    )
    return registry


def _cliches(body: str, weight: float) -> list[Flag]:
    if not body.strip():
        return []
    from proselint.tools import LintFile

    _proselint()
    config: Any = {"max_errors": 50, "checks": dict.fromkeys(_CLICHE_CHECKS, True)}
    found: dict[str, str] = {}
    for result in LintFile("draft", body).lint(config):
        start, end = result.check_result.span
        phrase = " ".join(("\n" + body + "\n")[start:end].split())
        found.setdefault(phrase.lower(), phrase)
    if not found:
        return []
    hits = list(found.values())
    return [
        Flag(
            "cliche",
            "cliche",
            "Clichés and corporate-speak: " + ", ".join(f"“{h}”" for h in hits[:4]) + ".",
            "Say the plain thing in your own words: it sounds like you, not like a memo.",
            hits[:4],
            weight * min(len(hits), 4),
        )
    ]

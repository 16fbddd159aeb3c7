"""The AnswerThePublic-style expansions of a seed term, in the client's language.

Questions go before the seed (``come caffè``), prepositions and comparisons after it
(``caffè senza``, ``caffè vs``), and the alphabet after it (``caffè a`` ... ``caffè z``).
Languages without their own lists use English.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

QUESTIONS: dict[str, tuple[str, ...]] = {
    "it": ("come", "cosa", "perché", "quando", "dove", "chi", "quale", "quanto"),
    "en": ("how", "what", "why", "when", "where", "who", "which", "can", "are"),
}
PREPOSITIONS: dict[str, tuple[str, ...]] = {
    "it": ("per", "con", "senza", "vicino"),
    "en": ("for", "with", "without", "near"),
}
COMPARISONS: dict[str, tuple[str, ...]] = {
    "it": ("vs", "o"),
    "en": ("vs", "or"),
}
GROUP_ORDER = ("seed", "questions", "prepositions", "comparisons", "alphabet")


@dataclass(frozen=True)
class Expansion:
    """One query sent to the autocomplete: its group and its text."""

    group: str
    text: str


def expand(
    seed: str, language: str, groups: tuple[str, ...] | list[str] = GROUP_ORDER
) -> list[Expansion]:
    """The seed itself, then each requested group's expansions, in :data:`GROUP_ORDER`."""
    seed = " ".join(seed.split())
    lang = language.lower() if language.lower() in QUESTIONS else "en"
    found = [Expansion("seed", seed)]
    if "questions" in groups:
        found += [Expansion("questions", f"{w} {seed}") for w in QUESTIONS[lang]]
    if "prepositions" in groups:
        found += [Expansion("prepositions", f"{seed} {w}") for w in PREPOSITIONS[lang]]
    if "comparisons" in groups:
        found += [Expansion("comparisons", f"{seed} {w}") for w in COMPARISONS[lang]]
    if "alphabet" in groups:
        found += [Expansion("alphabet", f"{seed} {c}") for c in string.ascii_lowercase]
    return found

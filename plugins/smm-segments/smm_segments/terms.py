"""Dominant terms of a group of texts, against the whole corpus."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

_WORD = re.compile(r"#?[^\W\d_][\w'\u2019-]{2,}", re.UNICODE)

STOPWORDS = frozenset(
    [
        "the",
        "and",
        "for",
        "with",
        "you",
        "your",
        "are",
        "was",
        "this",
        "that",
        "from",
        "have",
        "has",
        "not",
        "but",
        "all",
        "our",
        "out",
        "about",
        "just",
        "more",
        "what",
        "when",
        "who",
        "how",
        "why",
        "can",
        "will",
        "would",
        "there",
        "their",
        "they",
        "them",
        "his",
        "her",
        "its",
        "she",
        "him",
        "into",
        "than",
        "then",
        "also",
        "some",
        "any",
        "only",
        "very",
        "www",
        "http",
        "https",
        "com",
        "che",
        "per",
        "con",
        "non",
        "una",
        "uno",
        "gli",
        "del",
        "della",
        "delle",
        "dei",
        "degli",
        "nel",
        "nella",
        "alla",
        "alle",
        "allo",
        "dal",
        "dalla",
        "sono",
        "come",
        "più",
        "piu",
        "anche",
        "questo",
        "questa",
        "quello",
        "quella",
        "tutto",
        "tutti",
        "ogni",
        "fra",
        "tra",
        "suo",
        "sua",
        "loro",
        "mio",
        "mia",
        "nostro",
        "nostra",
        "vostro",
        "cosa",
        "quando",
        "dove",
        "perché",
        "perche",
        "essere",
        "stato",
        "stata",
        "siamo",
    ]
)


def tokens(text: str | None) -> list[str]:
    """Lowercase words and hashtags of three letters or more, without stopwords."""
    if not text:
        return []
    return [
        w
        for w in (m.group(0).lower().strip("'\u2019-") for m in _WORD.finditer(text))
        if w.lstrip("#") not in STOPWORDS and len(w.lstrip("#")) >= 3
    ]


def dominant_terms(
    group: Iterable[list[str]], corpus_counts: Counter[str], corpus_total: int, top: int = 5
) -> list[str]:
    """Terms over-represented in ``group`` (documents as token lists, see :func:`tokens`)
    compared with the corpus: lift above 1 and at least 2 uses, ranked by uses x log(lift)."""
    counts: Counter[str] = Counter()
    for doc in group:
        counts.update(doc)
    total = sum(counts.values())
    if not total or not corpus_total:
        return []
    scored = []
    for term, n in counts.items():
        if n < 2:
            continue
        lift = (n / total) / (corpus_counts[term] / corpus_total)
        if lift > 1.0:
            scored.append((n * math.log(lift), term))
    scored.sort(key=lambda item: (-item[0], item[1]))
    return [term for _, term in scored[:top]]

"""One engagement definition: smmcore.kpitools.ENGAGEMENTS_SQL. A second copy of the sum in
product code (a plugin, the core) would let the two drift apart unnoticed, so none may exist;
the benchmark's raw-SQL baseline is the one deliberate copy."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from smmcore.kpitools import ENGAGEMENTS_SQL

ROOT = Path(__file__).resolve().parents[1]
# two engagement counters added together, in SQL (COALESCE(likes, 0) + ...) or Python
# (p.likes + p.replies, (m.likes or 0) + ...)
SUM = re.compile(
    r"COALESCE\(\s*(?:\w+\.)?(?:likes|reposts|replies|quotes)\s*,\s*0\s*\)\s*\+"
    r"|\b(?:\w+\.)(?:likes|reposts|replies)\b(?:\s*or\s*0\s*\))?\s*\+\s*\(?\s*(?:\w+\.)?"
    r"(?:likes|reposts|replies|quotes)\b",
    re.IGNORECASE,
)
ALLOWED = {Path("smmcore/kpitools.py"), Path("benchmarks/bench_report.py")}


def _product_sources() -> list[Path]:
    files = [*ROOT.glob("smmcore/**/*.py"), *ROOT.glob("plugins/*/*/**/*.py")]
    return [f for f in files if "tests" not in f.relative_to(ROOT).parts and ".venv" not in f.parts]


def test_the_sum_of_engagement_counters_is_written_once() -> None:
    copies = []
    for path in _product_sources():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if SUM.search(line) and path.relative_to(ROOT) not in ALLOWED:
                copies.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not copies, "use smmcore.kpitools.ENGAGEMENTS_SQL instead of:\n" + "\n".join(copies)


def test_the_pattern_finds_a_copy() -> None:
    assert SUM.search("SELECT COALESCE(m.likes, 0) + COALESCE(m.replies, 0) FROM x")
    assert SUM.search("total = post.likes + post.reposts")
    assert SUM.search("(m.likes or 0) + (m.replies or 0)")
    assert not SUM.search('"engagements = likes + reposts + replies + quotes"')  # a formula text


def test_the_definition_keeps_unknown_unknown() -> None:
    con = duckdb.connect()
    rows = con.execute(
        f"SELECT {ENGAGEMENTS_SQL} FROM (VALUES (1, 2, 3, 4), (NULL, 2, NULL, NULL), "
        "(NULL, NULL, NULL, NULL), (0, 0, 0, 0)) AS t(likes, reposts, replies, quotes)"
    ).fetchall()
    assert [r[0] for r in rows] == [10, 2, None, 0]  # all unknown: unknown, never 0

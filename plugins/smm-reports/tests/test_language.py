"""Every word in the report's language: the Italian demo report, in every format, holds no
English phrase of the catalogues (the core's, the KPIs', the segments'), and the English one
no Italian phrase. Texts that came from the data (post texts, names, search terms) do not
count: they are the client's words."""

from __future__ import annotations

import csv
import html
import io
import re
import shutil
import subprocess
from datetime import date
from importlib.util import find_spec
from pathlib import Path

import pytest
from click.testing import CliRunner

from smmcore.cli.app import App
from smmcore.cli.main import cli

END = date(2026, 3, 31)
FORMATS = ["terminal", "markdown", "html", "csv"]
if shutil.which("chromium") and shutil.which("pdftotext") and find_spec("playwright"):
    FORMATS.append("pdf")  # .ci/run installs what it needs


def run(ws: Path, *args: str):
    return CliRunner().invoke(cli, list(args), obj=App(workspace_dir=ws), catch_exceptions=False)


@pytest.fixture(scope="module")
def demo_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from smm_files.demo import write_demo_workspace

    ws = write_demo_workspace(tmp_path_factory.mktemp("lang") / "ws", end_date=END)
    assert run(ws, "sync").exit_code == 0
    return ws


def _pieces(template: str) -> list[str]:
    return [p.strip(" .,:;()'") for p in re.split(r"\{[^}]*\}", template)]


def phrases(lang: str) -> set[str]:
    """Every phrase a reader could see, from the catalogues, in ``lang``."""
    from smm_kpis.definitions import BUILTINS
    from smm_kpis.translations import IT
    from smm_segments.texts import TEXTS

    from smmcore.i18n import catalogue

    found = set(catalogue(lang))
    for template in TEXTS[lang].values():
        found.update(_pieces(template))
    for entry in BUILTINS:
        texts = entry if lang == "en" else {**entry, **IT[entry["name"]]}
        for key in ("label", "formula", "aggregation"):
            found.update(p.strip() for p in re.split(r"[;()]", texts[key]))
    return {p for p in found if len(p) >= 3 and not re.fullmatch(r"[\W\d_]+", p)}


def foreign(lang: str, other: str) -> set[str]:
    """Phrases of ``other`` that ``lang`` does not share: not one of its phrases, not a word
    of them (``Follower`` is Italian too), not a month or weekday name of ``lang``."""
    from babel import Locale

    own = phrases(lang)
    locale = Locale.parse(lang)
    own |= set(locale.months["format"]["abbreviated"].values())
    own |= set(locale.days["format"]["abbreviated"].values())
    joined = "\n".join(own)
    return {
        p
        for p in phrases(other) - own
        if not re.search(r"(?<!\w)" + re.escape(p) + r"(?!\w)", joined, flags=re.IGNORECASE)
    }


def data_text(ws: Path) -> str:
    """Everything the demo data says itself (posts, bios, names)."""
    return "\n".join(p.read_text(encoding="utf-8") for p in (ws / "data").glob("*.csv"))


def visible_text(fmt: str, output: str) -> str:
    if fmt == "html":
        body = re.sub(r"<style.*?</style>|<title>.*?</title>", " ", output, flags=re.S)
        body = re.sub(r"<head>.*?</head>", " ", body, flags=re.S)
        return html.unescape(re.sub(r"<[^>]+>", " ", body))
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(output)))
        shown = ("label", "unit", "formula", "aggregation", "scope_label")
        return "\n".join(row[k] for row in rows for k in shown)  # the other columns are codes
    return output


def render(ws: Path, fmt: str, lang: str, audience: str = "analyst") -> str:
    target = ws / f"report-{lang}-{audience}.{fmt}"
    result = run(
        ws, "report", "--format", fmt, "--language", lang, "--audience", audience,
        "-o", str(target),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    if fmt == "pdf":
        return subprocess.run(
            ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
        ).stdout
    return target.read_text(encoding="utf-8")


def offending(text: str, candidates: set[str], data: str) -> list[str]:
    hits = []
    for phrase in sorted(candidates):
        pattern = r"(?<!\w)" + re.escape(phrase) + r"(?!\w)"
        if re.search(pattern, text) and not re.search(pattern, data):
            hits.append(phrase)
    return hits


@pytest.mark.parametrize("audience", ["analyst", "client"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_italian_report_has_no_english_phrase(demo_ws: Path, fmt: str, audience: str) -> None:
    text = visible_text(fmt, render(demo_ws, fmt, "it", audience))
    assert offending(text, foreign("it", "en"), data_text(demo_ws)) == []
    assert "Crescita follower" in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_english_report_has_no_italian_phrase(demo_ws: Path, fmt: str) -> None:
    text = visible_text(fmt, render(demo_ws, fmt, "en"))
    assert offending(text, foreign("en", "it"), data_text(demo_ws)) == []
    assert "Follower growth" in text


def test_the_check_catches_an_english_word(demo_ws: Path) -> None:
    # the test can fail: an English label in an Italian report is found
    text = visible_text("markdown", render(demo_ws, "markdown", "it")) + "\nFollower growth rate"
    assert "Follower growth rate" in offending(text, foreign("it", "en"), data_text(demo_ws))

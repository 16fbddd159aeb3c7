"""smmcore.exports: the declarative export-format model, its parsing rules, the hook, and the
plugin author guide's example."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from smmcore import ExportFormatSpec, hookimpl
from smmcore.exports import DateStyle, ExportColumn, ExportFormat, NumberStyle, load_format
from smmcore.testing.helpers import make_host

GUIDE = Path(__file__).parents[1] / "docs" / "plugin-author-guide.md"


def guide_format() -> ExportFormat:
    text = GUIDE.read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```python\n(.*?)```", text, re.S) if "PINTEREST" in b)
    namespace: dict = {}
    exec(block, namespace)
    return namespace["PINTEREST_PINS"]


def test_the_guide_example_recognises_its_headers_in_two_languages() -> None:
    fmt = guide_format()
    assert fmt.languages == ("en", "it")
    match = fmt.match(["\ufeffID del Pin ", "Data di creazione", "URL", "Titolo", "Other"])
    assert match is not None and match.language == "it"
    assert match.ignored == ("Other",)
    assert "Impressions" in match.missing
    assert fmt.match(["Title", "URL"]) is None  # required columns missing


def test_a_registered_format_is_listed_by_the_host() -> None:
    class Plugin:
        @hookimpl
        def smm_register_export_formats(self, register):
            register(
                ExportFormatSpec(
                    name="pins", description="Pins.", impl="tests.nowhere:X",
                    network="pinterest", fills=("posts",), languages=("en",),
                )
            )  # fmt: skip
            register(ExportFormatSpec(name="bad", description="x", impl="a:b", fills=("audience",)))

    host = make_host(("p", Plugin()), strict=False)
    assert list(host.export_formats()) == ["pins"]
    problems = " ".join(host.problems())
    assert "needs a network" in problems and "'audience'" in problems


def test_load_format_checks_the_record_against_the_declaration(monkeypatch) -> None:
    import sys
    import types

    module = types.ModuleType("fmt_mod")
    module.F = guide_format()
    monkeypatch.setitem(sys.modules, "fmt_mod", module)
    good = ExportFormatSpec(
        name="p", description="d", impl="fmt_mod:F", network="pinterest", fills=("posts",)
    )
    assert load_format(good) is module.F
    wrong = ExportFormatSpec(
        name="p", description="d", impl="fmt_mod:F", network="x", fills=("posts",)
    )
    with pytest.raises(ValueError, match="network"):
        load_format(wrong)


def test_a_format_must_name_canonical_columns_and_a_required_one() -> None:
    with pytest.raises(ValidationError, match="not canonical posts columns"):
        ExportFormat(
            network="n", fills="posts",
            columns=(ExportColumn(to="shares", required=True, headers={"en": "Shares"}),),
        )  # fmt: skip
    with pytest.raises(ValidationError, match="at least one column must be required"):
        ExportFormat(
            network="n", fills="posts", columns=(ExportColumn(to="likes", headers={"en": "L"}),)
        )


@pytest.mark.parametrize(
    ("text", "style", "expected"),
    [
        ("1,234", NumberStyle(), 1234.0),
        ("1.234", NumberStyle(thousands=(".",), decimal=","), 1234.0),
        ("12,5", NumberStyle(thousands=(".",), decimal=","), 12.5),
        ("29.0", NumberStyle(), 29.0),
        ("1.2K", NumberStyle(), 1200.0),
        ("38%", NumberStyle(), 0.38),
        ("--", NumberStyle(), None),
        ("N/A", NumberStyle(), None),
        ("undefined", NumberStyle(), None),
        ("", NumberStyle(), None),
        ("abc", NumberStyle(), "abc"),
    ],
)
def test_numbers(text: str, style: NumberStyle, expected: object) -> None:
    assert style.parse(text) == expected


def test_dates_with_localised_months_and_no_year() -> None:
    style = DateStyle(formats=("%b %d", "%d %b", "%a, %b %d, %Y"), year="infer", timezone="UTC")
    captured = datetime(2026, 1, 10, tzinfo=UTC)
    assert style.parse("December 30", captured=captured) == datetime(2025, 12, 30, tzinfo=UTC)
    assert style.parse("2 gennaio", captured=captured) == datetime(2026, 1, 2, tzinfo=UTC)
    assert style.parse("1 de febrero", captured=captured) == datetime(2025, 2, 1, tzinfo=UTC)
    assert style.parse("Fri, Feb 27, 2026") == datetime(2026, 2, 27, tzinfo=UTC)
    assert style.parse("not a date") == "not a date"
    assert style.parse("") is None

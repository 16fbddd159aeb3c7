"""The report-section extension point: a plugin's section reaches the report model and every
installed reporter renders it (issue 11, item 10)."""

from __future__ import annotations

import importlib
import io
import json
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from smmcore import ReportSectionSpec, hookimpl
from smmcore.errors import PluginError
from smmcore.plugins import PluginHost
from smmcore.testing import make_workspace

SECTIONS = '''
from pydantic import BaseModel

from smmcore.contracts import ReportSectionBuilder
from smmcore.report_model import ReportSection, SectionTable


class Settings(BaseModel):
    title: str = "Posts per channel"


class PostsPerChannel(ReportSectionBuilder):
    """A table of the number of posts of each workspace channel, read with SQL."""

    def build(self, ctx):
        rows = ctx.con.execute(
            "SELECT wc.network || ':' || wc.account, count(p.post_id) FROM workspace_channels wc "
            "LEFT JOIN posts p USING (network, account) GROUP BY ALL ORDER BY 1"
        ).fetchall()
        return ReportSection(
            name="ignored",
            title=self.settings.title,
            text=f"{len(ctx.report.kpis)} KPIs above; language {ctx.language}.",
            table=SectionTable(columns=["channel", "posts"], rows=[list(r) for r in rows]),
        )


class Broken(ReportSectionBuilder):
    def build(self, ctx):
        raise RuntimeError("no such table")
'''

WS = """
[client]
name = "Forno"
timezone = "Europe/Rome"

[[channels]]
network = "mastodon"
handle = "forno@example.social"

[plugins.posts-per-channel]
title = "Posts <b>per</b> channel"
"""


@pytest.fixture
def sections_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "section_impls.py").write_text(textwrap.dedent(SECTIONS))
    monkeypatch.syspath_prepend(str(folder))
    importlib.invalidate_caches()
    yield
    sys.modules.pop("section_impls", None)


def _host(*names: str, strict: bool = False) -> PluginHost:
    impls = {"posts-per-channel": "PostsPerChannel", "broken": "Broken"}

    def smm_register_report_sections(register):
        for name in names:
            register(
                ReportSectionSpec(
                    name=name,
                    description="A section.",
                    impl=f"section_impls:{impls[name]}",
                    settings="section_impls:Settings" if name != "broken" else None,
                )
            )

    plugin = SimpleNamespace(smm_register_report_sections=hookimpl(smm_register_report_sections))
    # the installed plugins (KPIs, reporters) plus the section plugin
    return PluginHost([("sections", plugin)], strict=strict, env={})


def _report(tmp_path: Path, host: PluginHost):
    from smmcore.report import build_report

    ws = make_workspace(tmp_path / "ws", WS)
    store = ws.open_store()
    try:
        return ws, build_report(ws, host, "30d", store=store)
    finally:
        store.close()


def test_a_section_reaches_the_report_with_its_settings(sections_module, tmp_path) -> None:
    _ws, report = _report(tmp_path, _host("posts-per-channel"))
    (section,) = report.sections
    assert section.name == "posts-per-channel" and section.plugin == "sections"
    assert section.title == "Posts <b>per</b> channel"
    assert section.table is not None
    assert section.table.rows == [["mastodon:forno@example.social", 0]]
    assert f"{len(report.kpis)} KPIs above" in section.text


def test_every_reporter_renders_sections(sections_module, tmp_path) -> None:
    host = _host("posts-per-channel")
    ws, report = _report(tmp_path, host)
    for name, spec in host.reporters().items():
        if spec.binary:  # the PDF prints the HTML, checked here (and in smm-reports' tests)
            continue
        reporter = host.implementation(spec, ws)
        out = io.StringIO()
        reporter.render(report, out)
        text = out.getvalue()
        if name == "json":
            assert json.loads(text)["sections"][0]["title"] == "Posts <b>per</b> channel"
        elif name == "html":
            assert "Posts &lt;b&gt;per&lt;/b&gt; channel" in text
            assert "<b>per</b>" not in text
        else:
            assert "mastodon:forno@example.social" in text, name


def test_a_failing_section_is_a_note_or_an_error_in_strict_mode(sections_module, tmp_path):
    _ws, report = _report(tmp_path, _host("broken", "posts-per-channel"))
    assert [s.name for s in report.sections] == ["posts-per-channel"]
    note = next(n for n in report.notes if n.code == "section_failed")
    assert note.params["section"] == "broken" and "no such table" in note.params["error"]
    with pytest.raises(PluginError, match="report section 'broken' of plugin 'sections'"):
        _report(tmp_path / "strict", _host("broken", strict=True))

"""The plugin manager: isolation of broken plugins, strict mode, allow/block lists, tracing."""

from __future__ import annotations

import importlib
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from smmcore import KPISpec, SourceSpec, hookimpl
from smmcore.errors import PluginError, SmmError
from smmcore.plugins import PluginHost


def _source(name: str = "good") -> SourceSpec:
    return SourceSpec(
        name=name, description="A source.", impl="smm_x.source:Source", networks=("x",)
    )


def _plugin(**hooks: object) -> SimpleNamespace:
    """An in-memory plugin whose attributes are hook implementations."""
    return SimpleNamespace(**{name: hookimpl(fn) for name, fn in hooks.items()})


def good_plugin() -> SimpleNamespace:
    def smm_register_sources(register):
        register(_source("good"))

    return _plugin(smm_register_sources=smm_register_sources)


def test_good_plugin_registers_a_source() -> None:
    host = PluginHost([("good", good_plugin())], discover=False)
    assert list(host.sources()) == ["good"]
    assert host.sources()["good"].plugin == "good"
    assert host.plugin("good").status == "ok"


def test_a_plugin_raising_in_a_hook_leaves_the_others_working() -> None:
    def boom(register):
        raise RuntimeError("database exploded")

    host = PluginHost(
        [("bad", _plugin(smm_register_sources=boom)), ("good", good_plugin())], discover=False
    )
    assert list(host.sources()) == ["good"]
    bad = host.plugin("bad")
    assert bad.status == "failed"
    assert "smm_register_sources raised RuntimeError: database exploded" in bad.problems[0]
    assert host.plugin("good").status == "ok"


@pytest.mark.parametrize(
    ("registration", "expected"),
    [
        (
            KPISpec(
                name="k",
                description="d",
                impl="a:b",
                label="l",
                formula="f",
                unit="%",
                aggregation="sum",
            ),
            "expected SourceSpec",
        ),
        ("just a string", "expected SourceSpec"),
        (SourceSpec(name="", description="d", impl="a:b"), "invalid name ''"),
        (SourceSpec(name="Bad Name", description="d", impl="a:b"), "invalid name 'Bad Name'"),
        (SourceSpec(name="ok", description="", impl="a:b"), "has no description"),
        (SourceSpec(name="ok", description="d", impl="not a reference"), "impl must be"),
    ],
)
def test_invalid_registrations_are_reported_and_skipped(registration, expected) -> None:
    def smm_register_sources(register):
        register(registration)
        register(_source("fine"))

    host = PluginHost([("odd", _plugin(smm_register_sources=smm_register_sources))], discover=False)
    assert list(host.sources()) == ["fine"]
    record = host.plugin("odd")
    assert record.status == "failed"
    assert any(expected in p for p in record.problems), record.problems


def test_duplicate_names_keep_the_first_plugin_and_report_the_second() -> None:
    def smm_register_sources(register):
        register(_source("good"))

    host = PluginHost(
        [("good", good_plugin()), ("copycat", _plugin(smm_register_sources=smm_register_sources))],
        discover=False,
    )
    assert host.sources()["good"].plugin == "good"
    problems = host.plugin("copycat").problems
    assert "duplicate source name 'good', already registered by plugin 'good'" in problems[0]


def test_a_misspelt_hook_is_reported() -> None:
    def smm_register_source(register):  # missing the final "s"
        register(_source())

    host = PluginHost([("typo", _plugin(smm_register_source=smm_register_source))], discover=False)
    assert "unknown hook 'smm_register_source'" in host.plugin("typo").problems[0]


def test_strict_mode_turns_problems_into_errors() -> None:
    def boom(register):
        raise ValueError("nope")

    host = PluginHost([("bad", _plugin(smm_register_sources=boom))], discover=False, strict=True)
    with pytest.raises(PluginError, match="plugin 'bad': smm_register_sources raised ValueError"):
        host.sources()


def test_strict_mode_from_the_environment() -> None:
    host = PluginHost(discover=False, env={"SMM_STRICT_PLUGINS": "1"})
    assert host.strict


def test_hook_implementations_may_take_fewer_arguments() -> None:
    calls = []

    def smm_register_kpis():
        calls.append("called")

    host = PluginHost([("lazy", _plugin(smm_register_kpis=smm_register_kpis))], discover=False)
    assert host.kpis() == {}
    assert calls == ["called"]


def test_hooks_are_called_once_and_only_when_needed() -> None:
    calls = []

    def smm_register_sources(register):
        calls.append("sources")
        register(_source())

    def smm_register_commands(register):
        calls.append("commands")

    host = PluginHost(
        [
            (
                "p",
                _plugin(
                    smm_register_sources=smm_register_sources,
                    smm_register_commands=smm_register_commands,
                ),
            )
        ],
        discover=False,
    )
    host.commands()
    host.commands()
    assert calls == ["commands"]
    host.sources()
    assert calls == ["commands", "sources"]


def test_unknown_names_get_a_helpful_error() -> None:
    host = PluginHost([("good", good_plugin())], discover=False)
    with pytest.raises(SmmError, match=r"no source named 'nope' \(available: good\)"):
        host.get("sources", "nope")
    with pytest.raises(SmmError, match="no plugin named 'nope'"):
        host.plugin("nope")


# ---------------------------------------------------------------- installed (entry-point) plugins


def make_distribution(site: Path, dist: str, plugin: str, module: str, source: str) -> None:
    """Write an installed-looking distribution (dist-info + module) into ``site``."""
    info = site / f"{dist.replace('-', '_')}-1.2.3.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2.3\n")
    (info / "entry_points.txt").write_text(f"[smmcore]\n{plugin} = {module}\n")
    (site / f"{module}.py").write_text(textwrap.dedent(source))


GOOD_SOURCE = """
    from smmcore import SourceSpec, hookimpl

    @hookimpl
    def smm_register_sources(register):
        register(SourceSpec(name="{name}", description="Fine.", impl="x:y"))
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder on sys.path holding fake installed plugin distributions."""
    site = tmp_path / "site"
    site.mkdir()
    make_distribution(site, "smm-fake-good", "fakegood", "fake_good", GOOD_SOURCE.format(name="g"))
    make_distribution(
        site, "smm-fake-other", "fakeother", "fake_other", GOOD_SOURCE.format(name="o")
    )
    make_distribution(
        site, "smm-fake-broken", "fakebroken", "fake_broken", "import not_a_module_anywhere\n"
    )
    monkeypatch.syspath_prepend(str(site))
    importlib.invalidate_caches()
    yield site
    for name in ("fake_good", "fake_other", "fake_broken"):
        sys.modules.pop(name, None)


def _fake(host: PluginHost) -> dict[str, str]:
    return {p.name: p.status for p in host.plugins if p.name.startswith("fake")}


def test_a_plugin_broken_at_import_is_reported_with_its_distribution(site: Path) -> None:
    host = PluginHost(env={})
    assert _fake(host) == {"fakebroken": "failed", "fakegood": "ok", "fakeother": "ok"}
    broken = host.plugin("smm-fake-broken")
    assert broken.distribution == "smm-fake-broken"
    assert broken.version == "1.2.3"
    assert "failed to import 'fake_broken': ModuleNotFoundError" in broken.problems[0]
    assert {"g", "o"} <= set(host.sources())


def test_strict_mode_fails_on_a_plugin_broken_at_import(site: Path) -> None:
    with pytest.raises(PluginError, match=r"smm-fake-broken 1\.2\.3"):
        PluginHost(env={"SMM_STRICT_PLUGINS": "1"})


def test_allowlist_loads_only_the_named_distributions(site: Path) -> None:
    host = PluginHost(env={"SMM_LOAD_PLUGINS": "smm-fake-good"})
    statuses = _fake(host)
    assert statuses == {"fakebroken": "disabled", "fakegood": "ok", "fakeother": "disabled"}
    assert "fake_other" not in sys.modules
    assert "g" in host.sources() and "o" not in host.sources()


def test_empty_allowlist_loads_no_plugin(site: Path) -> None:
    host = PluginHost(env={"SMM_LOAD_PLUGINS": ""})
    assert all(p.status == "disabled" for p in host.plugins)
    assert host.sources() == {}


def test_blocklist_skips_the_named_plugins(site: Path) -> None:
    host = PluginHost(env={"SMM_DISABLE_PLUGINS": "smm-fake-broken, fakeother"})
    assert _fake(host) == {"fakebroken": "disabled", "fakegood": "ok", "fakeother": "disabled"}
    assert "fake_broken" not in sys.modules


def test_tracing_prints_each_load_and_hook_call(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    host = PluginHost(env={"SMM_TRACE_PLUGINS": "1", "SMM_LOAD_PLUGINS": "smm-fake-good"})
    host.sources()
    err = capsys.readouterr().err
    assert "smm: trace: loaded plugin 'fakegood' (smm-fake-good 1.2.3)" in err
    assert "smm_register_sources -> plugin 'fakegood' (smm-fake-good 1.2.3): 1 registered" in err

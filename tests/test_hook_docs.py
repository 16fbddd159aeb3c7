"""The hook reference: every hook documented, docs/hooks.md generated and up to date."""

from __future__ import annotations

import importlib.util
import inspect
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from smmcore import contracts, hookspec, hookspecs, registry

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "gen_hook_docs.py"
REGEN = "run 'uv run python scripts/gen_hook_docs.py' and commit docs/hooks.md"


@pytest.fixture(scope="module")
def gen() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_hook_docs", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_hook_is_documented(gen: ModuleType) -> None:
    assert gen.hook_problems(hookspecs) == []


def test_every_extension_point_has_a_hook_and_every_hook_an_extension_point(
    gen: ModuleType,
) -> None:
    hooks = {name for name, _ in gen.hook_functions(hookspecs)}
    assert hooks == {f"smm_register_{point}" for point in registry.REGISTRATION_TYPES}


def test_each_hook_names_what_it_registers(gen: ModuleType) -> None:
    for name, func in gen.hook_functions(hookspecs):
        spec = registry.REGISTRATION_TYPES[name.removeprefix("smm_register_")]
        assert f"register({spec.__name__}(...))" in (func.__doc__ or ""), name


def test_an_undocumented_hook_is_reported(gen: ModuleType) -> None:
    fake = ModuleType("fake_hookspecs")

    @hookspec
    def smm_register_widgets(register, strict):  # no docstring at all
        pass

    @hookspec
    def smm_register_gadgets(register):
        """Register gadgets.

        :param register: call it.
        """

    fake.smm_register_widgets = smm_register_widgets
    fake.smm_register_gadgets = smm_register_gadgets
    assert gen.hook_problems(fake) == [
        "smm_register_widgets: no docstring",
        "smm_register_gadgets: does not say when it is called ('Called ...')",
        "smm_register_gadgets: no '.. versionadded::'",
    ]
    smm_register_gadgets.__doc__ = "Called never.\n\n.. versionadded:: 9.9\n"
    assert gen.hook_problems(fake)[-1] == (
        "smm_register_gadgets: parameter 'register' is undocumented (:param register:)"
    )


def test_docs_hooks_md_is_up_to_date(gen: ModuleType) -> None:
    current = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    assert current == gen.render(), f"docs/hooks.md is stale: {REGEN}"


def test_the_reference_covers_every_hook_record_and_contract(gen: ModuleType) -> None:
    text = gen.render()
    for name, _ in gen.hook_functions(hookspecs):
        assert f"\n### {name}\n" in text
    for cls in [registry.Registration, *registry.REGISTRATION_TYPES.values()]:
        assert f"\n### {cls.__name__}\n" in text
    public = [
        name
        for name, obj in vars(contracts).items()
        if inspect.isclass(obj) and obj.__module__ == contracts.__name__ and name[0] != "_"
    ]
    for name in public:
        assert f"\n### {name}\n" in text, name
        assert inspect.getdoc(getattr(contracts, name)), f"contracts.{name} has no docstring"
    # reST markup is converted, not copied
    assert ":class:" not in text and ".. versionadded" not in text
    assert re.search(r"(?<!`)``(?!`)", text) is None


def test_check_mode_reports_a_stale_file(gen: ModuleType, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    stale = tmp_path / "hooks.md"
    stale.write_text("# old\n")
    original = gen.OUTPUT
    gen.OUTPUT = stale
    try:
        assert gen.main(["--check"]) == 1
    finally:
        gen.OUTPUT = original

"""scripts/mutation.py's report: a survivor counts as explained only when an entry of the
target's mutation-equivalents.toml names it and its recorded change is the mutant's change.

mutmut itself is not run here: its ``results`` output is replaced by a fixed listing and the
mutated module (which mutmut writes into ``mutants/``) is written by the test.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

MUTATED_MODULE = """\
def x_double__mutmut_orig(n):
    return n * 2


def x_double__mutmut_1(n):
    return n * 3


def x_double__mutmut_2(n):
    return n + 2


def x_scale__mutmut_orig(n, factor=10):
    return n * factor


def x_scale__mutmut_1(n, factor=11):
    return n * factor
"""


@pytest.fixture
def mutation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    spec = importlib.util.spec_from_file_location("mutation_script", ROOT / "scripts/mutation.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    target = tmp_path / "pkg"
    (target / "mutants/calc").mkdir(parents=True)
    (target / "mutants/calc/ops.py").write_text(MUTATED_MODULE, encoding="utf-8")
    (target / "pyproject.toml").write_text(
        '[tool.mutmut]\nsmm_mutate = ["calc.ops.x_double__*", "calc.ops.x_scale__*"]\n',
        encoding="utf-8",
    )
    listing = (
        "calc.ops.x_double__mutmut_1: survived\n"
        "calc.ops.x_double__mutmut_2: killed\n"
        "calc.ops.x_scale__mutmut_1: survived\n"
        "calc.ops.x_other__mutmut_1: survived\n"  # not a configured function: not reported
    )
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "TARGETS", ["pkg"])
    monkeypatch.setattr(module, "_mutmut", lambda target, *args, timeout=None: listing)
    return module, target


def _equivalents(target: Path, *entries: tuple[str, str]) -> None:
    text = "".join(
        f"[[equivalent]]\nmutant = '{name}'\nchange = '{change}'\nwhy = 'no test can tell'\n"
        for name, change in entries
    )
    (target / "mutation-equivalents.toml").write_text(text, encoding="utf-8")


def test_a_survivor_nobody_explained_fails_the_report(mutation, capsys) -> None:
    module, _target = mutation
    assert module.report() == 1
    out = capsys.readouterr().out
    assert (
        "not explained (scripts/mutation.sh show NAME for the diff):\n  calc.ops.x_double__mutmut_1"
        in out
    )
    assert "  calc.ops.x_scale__mutmut_1" in out
    assert "x_other" not in out
    assert out.rstrip().endswith("equivalent: 0, not explained: 2")


def test_an_entry_matching_its_mutant_explains_it(mutation, capsys) -> None:
    module, target = mutation
    # a mutated default argument is on the def line, whose function name mutmut changes
    _equivalents(
        target,
        ("calc.ops.x_double__mutmut_1", "return n * 3"),
        ("calc.ops.x_scale__mutmut_1", "factor=11"),
    )
    assert module.report() == 0
    out = capsys.readouterr().out
    assert "calc.ops.x_double__mutmut_1: no test can tell" in out
    assert out.rstrip().endswith("equivalent: 2, not explained: 0")


def test_an_entry_whose_change_is_not_the_mutants_fails(mutation, capsys) -> None:
    # after an edit mutmut numbers the mutants anew: the entry then names another mutation
    module, target = mutation
    _equivalents(
        target,
        ("calc.ops.x_double__mutmut_1", "return n + 2"),
        ("calc.ops.x_scale__mutmut_1", "factor=11"),
    )
    assert module.report() == 1
    out = capsys.readouterr().out
    assert "calc.ops.x_double__mutmut_1: its change is not 'return n + 2' but:" in out
    assert "return n * 3" in out


def test_an_entry_for_a_mutant_that_does_not_exist_fails(mutation, capsys) -> None:
    module, target = mutation
    _equivalents(
        target,
        ("calc.ops.x_double__mutmut_1", "return n * 3"),
        ("calc.ops.x_scale__mutmut_1", "factor=11"),
        ("calc.ops.x_double__mutmut_9", "return n"),
    )
    assert module.report() == 1
    assert "calc.ops.x_double__mutmut_9: not a mutant of pkg" in capsys.readouterr().out


def test_an_entry_without_its_reason_is_refused(mutation) -> None:
    module, target = mutation
    (target / "mutation-equivalents.toml").write_text(
        "[[equivalent]]\nmutant = 'calc.ops.x_double__mutmut_1'\nchange = 'n * 3'\n",
        encoding="utf-8",
    )
    with pytest.raises(SystemExit, match="an entry lacks why"):
        module.report()


def test_every_recorded_equivalent_names_its_reason() -> None:
    # the project's own files parse and every entry is complete (mutmut is not needed for this)
    import tomllib

    files = [ROOT / "mutation-equivalents.toml", *ROOT.glob("plugins/*/mutation-equivalents.toml")]
    assert len(files) >= 4
    for path in files:
        for entry in tomllib.loads(path.read_text(encoding="utf-8")).get("equivalent", []):
            assert entry.keys() >= {"mutant", "change", "why"}, (path, entry)
            assert entry["why"].strip() and entry["change"].strip(), (path, entry)

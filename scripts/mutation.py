"""The mutation run over the modules holding the pinned invariants (run it through
``scripts/mutation.sh``, which provides mutmut).

Each target folder has a ``[tool.mutmut]`` table in its ``pyproject.toml``: the core at the
repository root, and the plugins whose modules hold invariants (smm-reports: escaping,
smm-kpis: the KPI SQL, smm-files: the import's validation). Its ``smm_mutate`` key lists the
functions mutated (mutmut mutant-name globs); mutmut's own keys say which tests run against
them. The targets share one time budget (``MUTATION_TIMEOUT`` seconds, 840 by default);
results persist in each target's ``mutants/`` folder, so a stopped run resumes.

    python scripts/mutation.py [--fresh]     run, then list the survivors, counts last
    python scripts/mutation.py --report      only list what the last runs found
    python scripts/mutation.py show NAME     the diff of one mutant

A survivor no test can tell from the code is explained in ``mutation-equivalents.toml``
beside the target's ``pyproject.toml``: one ``[[equivalent]]`` per mutant with its ``mutant``
name, a ``change`` (text from the mutant's changed lines, checked against the mutant so a
renumbered mutant is caught) and ``why``. The report lists the survivors not explained; the
exit status is 1 while there are any, or while an entry does not match its mutant.
"""

from __future__ import annotations

import ast
import difflib
import fnmatch
import os
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGETS = os.environ.get(
    "MUTATION_TARGETS", "plugins/smm-reports plugins/smm-kpis plugins/smm-files ."
).split()
"""Smallest first: each target gets an equal share of what is left of the budget."""


RERUN = {"not checked", "survived", "timeout", "check was interrupted by user"}
"""The statuses a run tries again (the others are final for the code as it is)."""


def _globs(target: str) -> list[str]:
    data = tomllib.loads((ROOT / target / "pyproject.toml").read_text(encoding="utf-8"))
    return list(data["tool"]["mutmut"]["smm_mutate"])


def _equivalents(target: str) -> list[dict[str, str]]:
    path = ROOT / target / "mutation-equivalents.toml"
    if not path.exists():
        return []
    entries = tomllib.loads(path.read_text(encoding="utf-8")).get("equivalent", [])
    for entry in entries:
        missing = {"mutant", "change", "why"} - entry.keys()
        if missing:
            sys.exit(f"{path}: an entry lacks {', '.join(sorted(missing))}: {entry}")
    return entries


def _functions(target: str, module: str) -> dict[str, str]:
    """Function name -> source, from the mutated copy of ``module`` in the target's mutants/."""
    relative = Path(*module.split(".")).with_suffix(".py")
    source = (ROOT / target / "mutants" / relative).read_text(encoding="utf-8")
    lines = source.splitlines()
    return {
        node.name: "\n".join(lines[node.lineno - 1 : node.end_lineno])
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }


def _changed_lines(target: str, name: str, cache: dict[str, dict[str, str]]) -> str:
    """The lines a mutant changes (removed and added, without their +/-), or "" if unknown."""
    module, _, function = name.rpartition(".")
    if module not in cache:
        try:
            cache[module] = _functions(target, module)
        except (OSError, SyntaxError):
            cache[module] = {}
    functions = cache[module]
    original_name = function.rsplit("__mutmut_", 1)[0] + "__mutmut_orig"
    original = functions.get(original_name)
    mutant = functions.get(function)
    if original is None or mutant is None:
        return ""
    # the names differ on the def line; a mutated default argument is on that line too
    mutant = mutant.replace(f"def {function}(", f"def {original_name}(", 1)
    diff = difflib.unified_diff(original.splitlines(), mutant.splitlines(), lineterm="", n=0)
    return "\n".join(
        line[1:] for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))
    )


def _mutmut(target: str, *args: str, timeout: float | None = None) -> str:
    """Run mutmut in ``target``; its output (empty when it was stopped by ``timeout``)."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mutmut", *args],
            cwd=ROOT / target,
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    except subprocess.TimeoutExpired:
        return ""
    return done.stdout


def _results(target: str) -> dict[str, str]:
    """Mutant name -> status, for the mutants of the target's ``smm_mutate`` functions."""
    globs = _globs(target)
    found: dict[str, str] = {}
    for line in _mutmut(target, "results", "--all", "true").splitlines():
        name, sep, status = line.strip().rpartition(": ")
        if sep and any(fnmatch.fnmatchcase(name, g) for g in globs):
            found[name] = status
    return found


def run(fresh: bool) -> None:
    jobs = os.environ.get("MUTATION_JOBS", "2")
    deadline = time.monotonic() + float(os.environ.get("MUTATION_TIMEOUT", "840"))
    for i, target in enumerate(TARGETS):
        if fresh:
            shutil.rmtree(ROOT / target / "mutants", ignore_errors=True)
        share = (deadline - time.monotonic()) / (len(TARGETS) - i)
        if share <= 5:
            print(f"{target}: no time left; run again to resume", flush=True)
            continue
        # mutmut runs again every mutant named on its command line: name only those not
        # checked yet and the survivors (a new test may kill them), so a run resumes
        known = _results(target)
        names = [n for n, status in known.items() if status in RERUN] if known else []
        if known and not names:
            print(f"{target}: nothing left to run", flush=True)
            continue
        start = time.monotonic()
        out = _mutmut(
            target, "run", "--max-children", jobs, *(names or _globs(target)), timeout=share
        )
        took = time.monotonic() - start
        note = "" if out else f", stopped after its share of {share:.0f} s (run again to resume)"
        print(f"{target}: {took:.0f} s{note}", flush=True)


def report() -> int:
    """Print the survivors and counts; 1 if a survivor is unexplained or an entry is wrong."""
    totals: Counter[str] = Counter()
    rows = []
    survivors = []
    explained: dict[str, str] = {}
    wrong: list[str] = []
    for target in TARGETS:
        results = _results(target)
        functions: dict[str, dict[str, str]] = {}
        for entry in _equivalents(target):
            name = entry["mutant"]
            changed = _changed_lines(target, name, functions)
            if name not in results:
                wrong.append(f"{name}: not a mutant of {target} (renamed? run --fresh)")
            elif entry["change"] not in changed:
                wrong.append(f"{name}: its change is not {entry['change']!r} but:\n{changed}")
            else:
                explained[name] = entry["why"]
        by_module: dict[str, Counter[str]] = {}
        for name, status in results.items():
            module = name.split(".x_")[0].split(".xǁ")[0]
            by_module.setdefault(module, Counter())[status] += 1
            if status in ("survived", "no tests"):
                survivors.append(name)
        for module, counts in sorted(by_module.items()):
            rows.append((module, counts))
            totals.update(counts)
    unexplained = sorted(n for n in survivors if n not in explained)
    equivalent = sorted(n for n in survivors if n in explained)
    print(f"equivalent survivors, explained in mutation-equivalents.toml: {len(equivalent)}")
    for name in equivalent:
        print(f"  {name}: {explained[name]}")
    print()
    if wrong:
        print("mutation-equivalents.toml entries that do not match their mutant:")
        for line in wrong:
            print(f"  {line}")
        print()
    print("surviving mutants not explained (scripts/mutation.sh show NAME for the diff):")
    for name in unexplained:
        print(f"  {name}")
    print()
    print(
        f"{'module':<28} {'mutants':>7} {'killed':>7} {'survived':>8} {'no test':>7} {'other':>6}"
    )
    for module, c in [*rows, ("total", totals)]:
        total = sum(c.values())
        other = total - c["killed"] - c["survived"] - c["no tests"]
        print(
            f"{module:<28} {total:>7} {c['killed']:>7} {c['survived']:>8} {c['no tests']:>7} "
            f"{other:>6}"
        )
    other = Counter({k: v for k, v in totals.items() if k not in ("killed", "survived")})
    if other:
        print("other statuses: " + ", ".join(f"{k} {v}" for k, v in sorted(other.items())))
    reached = totals["killed"] + totals["survived"]
    if reached:
        print(f"killed / (killed + survived): {totals['killed'] / reached:.3f}")
    print(
        f"survivors (with no test) equivalent: {len(equivalent)}, not explained: {len(unexplained)}"
    )
    return 1 if unexplained or wrong else 0


def show(name: str) -> None:
    for target in TARGETS:
        if any(fnmatch.fnmatchcase(name, g) for g in _globs(target)):
            sys.stdout.write(_mutmut(target, "show", name))
            return
    sys.exit(f"{name}: not a mutant of any target ({', '.join(TARGETS)})")


def main(argv: list[str]) -> None:
    if argv[:1] == ["show"] and len(argv) == 2:
        show(argv[1])
        return
    if "--report" not in argv:
        start = time.monotonic()
        run(fresh="--fresh" in argv)
        print(f"mutation run: {time.monotonic() - start:.0f} s", flush=True)
    sys.exit(report())


if __name__ == "__main__":
    main(sys.argv[1:])

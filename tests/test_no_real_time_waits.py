"""No test waits for real time: a test waits on an event (a line read, a request received, a
thread's signal) or runs on an injected clock, never for a number of seconds.

The rule, checked on the syntax tree of every test module (tests/, plugins/*/tests/,
examples/*/tests/, the root conftest.py and the test helpers smmcore/testing/ and
plugins/*/*/testing.py): the real ``sleep`` of ``time``, ``asyncio``, ``anyio`` or ``trio`` is

* called only with the constant 0 (``await asyncio.sleep(0)``: one turn of the event loop),
* never handed over uncalled (``sleep=time.sleep`` would make the code under test wait).

"The real sleep" is the name bound by an import in the scope the name is looked up in:
``time.sleep`` after ``import time`` (or ``import time as t``, then ``t.sleep``), ``sleep``
after ``from asyncio import sleep``. A method of an injected fake clock (``self.time.sleep``,
``clock.sleep``, a local ``time = VirtualTime()`` shadowing the module) is not one, and a
subprocess's source string (``"time.sleep(120)"`` in a child that the test kills) is text, not
a call of this process.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SLEEPY = {"time", "asyncio", "anyio", "trio"}
"""Modules whose ``sleep`` waits for real time."""
SKIP_DIRS = {".venv", ".team-env", "mutants", "node_modules", "__pycache__"}


def suite_files() -> list[Path]:
    """Every module of the test suites and test helpers (see the module docstring)."""
    found: set[Path] = {ROOT / "conftest.py"}
    for pattern in (
        "tests/**/*.py",
        "plugins/*/tests/**/*.py",
        "examples/*/tests/**/*.py",
        "smmcore/testing/*.py",
        "plugins/*/*/testing.py",
    ):
        found.update(
            p for p in ROOT.glob(pattern) if not SKIP_DIRS.intersection(p.relative_to(ROOT).parts)
        )
    return sorted(p for p in found if p.is_file())


Binding = tuple[str, str] | None
"""What a name is bound to in a scope: ``("module", "time")``, ``("function",
"asyncio.sleep")``, or ``None`` (anything else: a parameter, an assignment, a def)."""


def _bindings(body: list[ast.stmt], args: ast.arguments | None = None) -> dict[str, Binding]:
    """The names one scope binds (not descending into nested functions, lambdas, classes)."""
    bound: dict[str, Binding] = {}
    if args is not None:
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg):
            if arg is not None:
                bound[arg.arg] = None
    todo: list[ast.AST] = list(body)
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import):
            for alias in node.names:
                name = alias.asname or alias.name.split(".")[0]
                module = alias.name if alias.asname else alias.name.split(".")[0]
                bound[name] = ("module", module)
            continue
        if isinstance(node, ast.ImportFrom):
            for alias in node.names:
                if node.level == 0 and node.module in SLEEPY and alias.name == "sleep":
                    bound[alias.asname or alias.name] = ("function", f"{node.module}.sleep")
                else:
                    bound.setdefault(alias.asname or alias.name, None)
            continue
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.setdefault(node.name, None)
            todo.extend(node.decorator_list)
            continue
        if isinstance(node, ast.Lambda):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.setdefault(node.id, None)
        todo.extend(ast.iter_child_nodes(node))
    return bound


class _Finder(ast.NodeVisitor):
    """Collects ``(line, message)`` for every real sleep the rule forbids."""

    def __init__(self, tree: ast.Module) -> None:
        self.scopes: list[dict[str, Binding]] = [_bindings(tree.body)]
        self.found: list[tuple[int, str]] = []
        self.called: set[int] = set()  # ids of sleep references that are a call's function

    def _resolve(self, name: str) -> Binding:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return None

    def _sleep_ref(self, node: ast.AST) -> str | None:
        """``"time.sleep"`` (etc.) when ``node`` names a real sleep in its scope."""
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "sleep"
            and isinstance(node.value, ast.Name)
        ):
            bound = self._resolve(node.value.id)
            if bound is not None and bound[0] == "module" and bound[1] in SLEEPY:
                return f"{bound[1]}.sleep"
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            bound = self._resolve(node.id)
            if bound is not None and bound[0] == "function":
                return bound[1]
        return None

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        body = node.body if isinstance(node.body, list) else [ast.Expr(node.body)]
        for default in (*node.args.defaults, *node.args.kw_defaults):
            if default is not None:
                self.visit(default)
        for decorator in getattr(node, "decorator_list", []):
            self.visit(decorator)
        self.scopes.append(_bindings(body, node.args))
        for statement in body:
            self.visit(statement)
        self.scopes.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_Call(self, node: ast.Call) -> None:
        name = self._sleep_ref(node.func)
        if name is not None:
            self.called.add(id(node.func))
            delay = node.args[0] if node.args else None
            if delay is None:
                delay = next((k.value for k in node.keywords if k.arg in ("delay", "secs")), None)
            zero = (
                isinstance(delay, ast.Constant)
                and not isinstance(delay.value, bool)
                and delay.value == 0
            )
            if not zero:
                shown = ast.unparse(node)
                self.found.append((node.lineno, f"{shown} waits for real time"))
        self.generic_visit(node)

    def _reference(self, node: ast.Attribute | ast.Name) -> None:
        name = self._sleep_ref(node)
        if name is not None and id(node) not in self.called:
            self.found.append((node.lineno, f"{name} handed over: the code under test sleeps"))
        self.generic_visit(node)

    visit_Attribute = visit_Name = _reference


def real_time_waits(source: str, filename: str = "<test>") -> list[str]:
    """``FILE:LINE: what`` for every real-time wait of the rule in ``source``."""
    tree = ast.parse(source, filename)
    finder = _Finder(tree)
    finder.visit(tree)
    return [f"{filename}:{line}: {what}" for line, what in sorted(finder.found)]


def scan(files: list[Path], root: Path = ROOT) -> list[str]:
    """:func:`real_time_waits` of every file, named relative to ``root``."""
    found = []
    for path in files:
        found += real_time_waits(path.read_text("utf-8"), str(path.relative_to(root)))
    return found


def test_no_test_waits_for_real_time() -> None:
    files = suite_files()
    assert len(files) > 50  # the globs found the suites
    assert Path(__file__) in files and ROOT / "plugins/smm-serve/tests/conftest.py" in files
    found = scan(files)
    assert not found, (
        "tests wait for real time; inject a clock or sleep function (tests/conftest.py's"
        " fake_time) or wait on an event:\n" + "\n".join(found)
    )


@pytest.mark.parametrize(
    ("source", "lines"),
    [
        # planted: the real sleeps, however imported or called
        ("import time\n\ndef test():\n    time.sleep(0.1)\n", [4]),
        ("import time as t\nt.sleep(1)\n", [2]),
        ("from time import sleep\nsleep(0.05)\n", [2]),
        ("from asyncio import sleep as nap\nasync def f():\n    await nap(0.002)\n", [3]),
        ("import asyncio\nasync def f(delay):\n    await asyncio.sleep(delay)\n", [3]),
        ("import asyncio\nasync def f():\n    await asyncio.sleep(delay=0.5)\n", [3]),
        ("import anyio\nasync def f():\n    await anyio.sleep(1)\n", [3]),
        ("import time\ntime.sleep(True)\n", [2]),
        ("import time\ntime.sleep(-1)\n", [2]),
        ("def f():\n    import time\n    time.sleep(2)\n", [3]),
        # handed over uncalled: the code under test would wait
        ("import time\nopen_client(sleep=time.sleep)\n", [2]),
        ("import asyncio\nf = lambda: run(sleep=asyncio.sleep)\n", [2]),
        ("from time import sleep\nthreading.Thread(target=sleep, args=(5,))\n", [2]),
        # allowed: a turn of the event loop, a fake clock's methods, a child's source text
        ("import asyncio\nasync def f():\n    await asyncio.sleep(0)\n", []),
        ("import time\ntime.sleep(0.0)\n", []),
        (
            "import asyncio\nclass Fake:\n    async def sleep(self, s):\n"
            "        self.now += s\n        await asyncio.sleep(0)\n",
            [],
        ),
        (
            "import time\nasync def f(self, clock):\n    await self.time.sleep(1)\n"
            "    await clock.sleep(2)\n",
            [],
        ),
        (
            "import time\ndef test():\n    time = VirtualTime()\n    time.sleep(0.01)\n"
            "    open_client(sleep=time.sleep)\n",
            [],
        ),
        ("import time\ndef f(time):\n    time.sleep(3)\n", []),
        (
            "import subprocess, sys\n"
            "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(120)'])\n",
            [],
        ),
        ("import asyncio\nasync def f(fake):\n    await fake.sleep(5)\n", []),
        ("def sleep(s):\n    pass\nsleep(4)\n", []),  # no import: not the real one
    ],
)
def test_the_rule_finds_real_sleeps_and_only_them(source: str, lines: list[int]) -> None:
    found = real_time_waits(source, "planted.py")
    assert [int(f.split(":")[1]) for f in found] == lines, found
    assert all(f.startswith("planted.py:") for f in found)


def test_a_planted_sleep_in_a_test_file_is_named_with_file_and_line(tmp_path: Path) -> None:
    tests = tmp_path / "tests"
    tests.mkdir()
    (tests / "test_fast.py").write_text(
        "import asyncio\n\n\nasync def f():\n    await asyncio.sleep(0)\n"
    )
    (tests / "test_slow.py").write_text("import time\n\n\ndef test_slow():\n    time.sleep(0.1)\n")
    found = scan(sorted(tests.iterdir()), tmp_path)
    assert found == ["tests/test_slow.py:5: time.sleep(0.1) waits for real time"]

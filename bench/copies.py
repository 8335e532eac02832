"""Measure building a person's copies (JSON, CSV, overview, manifest) from a large SQL source.

    python bench/copies.py [--rows 100000] [--rounds 5] [--write]

One SQLite customer database (made in a temporary directory) holds ``--rows`` rows
for the person asked about, among 10,000 rows of other people. Two ways of
making the copies read the same rows through the same read-only ``SqlSource``:

- mailbot: rows streamed straight into spooled JSON and CSV files (``drafts.copies``);
- baseline: what the obvious code does: fetch all rows into a list, then
  ``json.dumps`` the list and write the CSV into a ``StringIO``.

Each round runs both, alternately, twice: once timed (wall clock), once under
``tracemalloc`` for the peak of Python allocations. The medians and their ratio
are printed; ``--write`` puts them into bench/RESULTS.md (section "Copies").
"""

from __future__ import annotations

import argparse
import csv
import functools
import io
import json
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._measure import python_peak  # noqa: E402
from bench._results import write_section  # noqa: E402
from mailbot.config import DataSourceSettings  # noqa: E402
from mailbot.datasources.sql import SqlSource  # noqa: E402
from mailbot.letters import copies  # noqa: E402

PERSON = "tom.baker@example.com"
OTHERS = 10_000
MIB = 1024 * 1024


def make_database(path: Path, rows: int) -> None:
    """A lesson log: one row per planned lesson, ten columns of the kinds a CRM holds."""
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE lessons (id INTEGER PRIMARY KEY, email TEXT, name TEXT, street TEXT,"
            " city TEXT, postcode TEXT, phone TEXT, planned_at TEXT, course TEXT, note TEXT)"
        )
        connection.execute("CREATE INDEX lessons_email ON lessons (lower(email))")

        def row(number: int, email: str) -> tuple[object, ...]:
            return (
                number, email, "Tom Baker", "High Street 12", "Leeds", "LS1 4AP",
                "+44 113 496 0000", f"2025-{1 + number % 12:02d}-{1 + number % 28:02d}T09:30:00",
                f"Course {number % 40}", "Prefers mornings; bring the workbook",
            )  # fmt: skip

        connection.executemany(
            "INSERT INTO lessons VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (row(n, PERSON if n < rows else f"other{n}@example.com") for n in range(rows + OTHERS)),
        )


def source_for(database: Path) -> SqlSource:
    return SqlSource(
        DataSourceSettings(
            name="lessons",
            kind="sql",
            url=f"sqlite:///{database}",
            query="SELECT * FROM lessons WHERE lower(email) = lower(:email)",
            category="Lesplanning",
        )
    )


def mailbot_way(source: SqlSource) -> int:
    # access and portability at once: the CSV (local times, labels) and the JSON
    table = copies.Table(
        name="lessons", category="Lesplanning", rows=source.rows(PERSON), portable=True
    )
    built = copies.build([table], language="en", zone=ZoneInfo("Europe/Amsterdam"))
    files = copies.finish(
        built,
        overview_html="<p>overview</p>",
        manifest_file=copies.manifest("AVG-2026-0001", "Example B.V.", [table], built),
        language="en",
        reference="AVG-2026-0001",
        zip_above=10**12,
    )
    return sum(len(item.content) for item in files)


def baseline_way(source: SqlSource) -> int:
    rows = list(source.rows(PERSON))
    json_bytes = json.dumps(rows, ensure_ascii=False, indent=2).encode("utf-8")
    text = io.StringIO()
    writer = csv.DictWriter(text, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    csv_bytes = text.getvalue().encode("utf-8")
    return len(json_bytes) + len(csv_bytes)


def timed(way: Callable[[SqlSource], int], source: SqlSource) -> float:
    start = time.perf_counter()
    way(source)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    args = parser.parse_args()

    ways = {"mailbot (streamed)": mailbot_way, "baseline (list, then dumps)": baseline_way}
    seconds: dict[str, list[float]] = {name: [] for name in ways}
    peaks: dict[str, list[int]] = {name: [] for name in ways}
    sizes: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as directory:
        database = Path(directory) / "crm.db"
        make_database(database, args.rows)
        source = source_for(database)
        try:
            for _ in range(args.rounds):
                for name, way in ways.items():
                    seconds[name].append(timed(way, source))
                    peak_bytes, sizes[name] = python_peak(functools.partial(way, source))
                    peaks[name].append(peak_bytes)
        finally:
            source.close()

    base = "baseline (list, then dumps)"
    lines = [
        f"{args.rows:,} rows of one person (10 columns) among {OTHERS:,} of others, SQLite,"
        f" {args.rounds} rounds; medians.",
        "",
        "| way | time (s) | time ratio | peak Python memory (MiB) | memory ratio | files (MiB) |",
        "|---|---|---|---|---|---|",
    ]
    for name in ways:
        time_median = statistics.median(seconds[name])
        peak_median = statistics.median(peaks[name])
        lines.append(
            f"| {name} | {time_median:.2f} |"
            f" {time_median / statistics.median(seconds[base]):.2f} |"
            f" {peak_median / MIB:.1f} | {peak_median / statistics.median(peaks[base]):.2f} |"
            f" {sizes[name] / MIB:.1f} |"
        )
    report = "\n".join(lines)
    print(report)
    if args.write:
        header = (
            "### Copies\n\n"
            f"Measured by `python bench/copies.py --write` (Python {platform.python_version()}"
            f" on {platform.machine()}). Peak memory is what `tracemalloc` saw allocated by"
            " Python at once; the files themselves end up in memory in both ways (they are"
            " stored with the draft), so the difference is the rows held as objects."
        )
        write_section("copies", f"{header}\n\n{report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

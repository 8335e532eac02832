"""Measure the export: the draft for a person with 100,000 records across two sources.

    python bench/export.py [--rows 100000] [--rounds 3] [--write]
    python bench/export.py --short          # CI: 5,000 rows, one round, checks only

A customer database (SQLite, read through the SQL source) holds 60% of the person's
records among 10,000 of other people, a CSV export the other 40% among 10,000 more.
The person asks for access; ``Drafting.draft`` builds the reply with the copies of
their data (JSON, CSV, overview, manifest; zipped when large) and stores it. Baseline,
in the same run and alternately: the same rows of both sources read into lists and
dumped with ``json.dumps`` and ``csv`` into memory, nothing else (no draft, no store):
what the obvious code would do for the copies alone. Each round times both, then runs
both again under ``tracemalloc`` for the peak of Python allocations; medians.

``--write`` puts the table into bench/RESULTS.md (section "Export").
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from sqlmodel import func, select  # noqa: E402

from bench._measure import python_peak  # noqa: E402
from bench._results import machine, write_section  # noqa: E402
from bench.copies import OTHERS, PERSON, make_database  # noqa: E402
from mailbot.config import Settings, settings_from_dict  # noqa: E402
from mailbot.datasources import DataSource, open_sources  # noqa: E402
from mailbot.letters.render import Renderer  # noqa: E402
from mailbot.ports import MailKey, MailRef  # noqa: E402
from mailbot.service.drafting import Drafting  # noqa: E402
from mailbot.service.intake import Intake, IntakePolicy  # noqa: E402
from mailbot.storage.database import Database  # noqa: E402
from mailbot.storage.models import DraftAttachmentRecord  # noqa: E402
from mailbot.storage.store import CaseStore  # noqa: E402
from tests.support.mails import simple  # noqa: E402

MIB = 1024 * 1024
CONFIG = """\
[database]
url = "sqlite:///{work}/mailbot.db"
[maildir]
path = "{work}/Maildir"
[organisation]
name = "Voorbeeld B.V."
officer_name = "R. de Functionaris"
addresses = ["privacy@voorbeeld.example"]
automated_decisions = "geen"
transfers_outside_eea = "geen"
[[sources]]
name = "lessen"
kind = "sql"
url = "sqlite:///{work}/crm.db"
query = "SELECT * FROM lessons WHERE lower(email) = lower(:email)"
category = "Lesplanning"
[[sources]]
name = "facturen"
kind = "csv"
path = "{work}/facturen.csv"
email_column = "email"
category = "Facturen"
"""


def make_csv(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["factuur", "email", "naam", "bedrag", "datum", "omschrijving"])
        for number in range(rows + OTHERS):
            email = PERSON if number < rows else f"other{number}@example.com"
            writer.writerow(
                [f"2025-{number:06d}", email, "Tom Baker", f"{number % 500}.00",
                 f"2025-{1 + number % 12:02d}-01", "Lespakket; maandelijkse termijn"]
            )  # fmt: skip


class Setup:
    def __init__(self, work: Path, rows: int) -> None:
        make_database(work / "crm.db", rows * 6 // 10)
        make_csv(work / "facturen.csv", rows - rows * 6 // 10)
        text = CONFIG.format(work=work)
        self.settings: Settings = settings_from_dict(tomllib.loads(text), work / "mailbot.toml")
        self.database = Database(self.settings.database.url)
        self.database.upgrade()
        self.sources: list[DataSource] = open_sources(self.settings.sources)
        renderer = Renderer(self.settings.drafts.templates)
        self.drafting = Drafting(self.database, self.settings, self.sources, renderer)
        self.intake = Intake(self.database, IntakePolicy.from_settings(self.settings))
        self.mails = 0

    def new_case(self) -> int:
        self.mails += 1
        raw = simple(
            f"Graag wil ik inzage in al mijn gegevens ({self.mails}).",
            From=f"Tom Baker <{PERSON}>",
            Message_ID=f"<export-{self.mails}@example.com>",
        )
        key = MailKey("bench", "INBOX", 1, str(self.mails))
        result = self.intake.process(MailRef(key, len(raw), datetime.now(UTC)), raw)
        assert result.reference is not None, result
        with self.database.reader() as session:
            case = CaseStore(session).case(result.reference)
            assert case.id is not None
            return case.id

    def mailbot_way(self) -> int:
        case_id = self.new_case()
        assert self.drafting.draft(case_id)
        with self.database.reader() as session:
            latest = select(func.max(DraftAttachmentRecord.draft_id)).scalar_subquery()
            query = select(func.sum(DraftAttachmentRecord.size)).where(
                DraftAttachmentRecord.draft_id == latest
            )
            size = session.exec(query).one()
        assert size, "no copies were attached"
        return int(size)

    def baseline_way(self) -> int:
        total = 0
        for source in self.sources:
            rows = list(source.rows(PERSON))
            total += len(json.dumps(rows, ensure_ascii=False, indent=2).encode("utf-8"))
            text = io.StringIO()
            writer = csv.DictWriter(text, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
            total += len(text.getvalue().encode("utf-8"))
        return total


def timed(way: Callable[[], int]) -> float:
    started = time.perf_counter()
    way()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--short", action="store_true", help="5,000 rows, one round (CI)")
    args = parser.parse_args()
    if args.short:
        args.rows, args.rounds = 5_000, 1
    with tempfile.TemporaryDirectory() as directory:
        setup = Setup(Path(directory), args.rows)
        ways = {
            "mailbot: the draft with its copies, stored": setup.mailbot_way,
            "baseline: rows into lists, dumped (copies only)": setup.baseline_way,
        }
        seconds: dict[str, list[float]] = {name: [] for name in ways}
        peaks: dict[str, list[int]] = {name: [] for name in ways}
        for number in range(args.rounds):
            order = list(ways) if number % 2 == 0 else list(ways)[::-1]
            for name in order:
                seconds[name].append(timed(ways[name]))
            for name in order:
                peaks[name].append(python_peak(ways[name])[0])
        for source in setup.sources:
            source.close()
        setup.database.dispose()
    base = list(ways)[1]
    lines = [
        "| way | time (s) | time ratio | peak Python memory (MiB) | memory ratio |",
        "|---|---|---|---|---|",
    ]
    for name in ways:
        median = statistics.median(seconds[name])
        memory = statistics.median(peaks[name])
        lines.append(
            f"| {name} | {median:.2f} | {median / statistics.median(seconds[base]):.2f} "
            f"| {memory / MIB:.1f} | {memory / statistics.median(peaks[base]):.2f} |"
        )
    text = "\n".join(lines)
    print(text)
    if statistics.median(seconds[next(iter(ways))]) >= 5:
        print("goal missed: the draft took 5 seconds or more")
    if args.write:
        write_section(
            "export",
            "### Export\n\n"
            f"Measured by `python bench/export.py --rows {args.rows} --rounds {args.rounds} "
            f"--write` ({machine()}). One person with {args.rows:,} records: 60% in an SQL "
            f"source, 40% in a CSV export, each among {OTHERS:,} rows of other people; an "
            "access request; medians. Peak memory is what `tracemalloc` saw allocated by "
            "Python at once (the finished copies are held in both ways).\n\n" + text,
        )


if __name__ == "__main__":
    main()

"""Measure the classifier on the shared request corpus and on our own fixture mails.

    python bench/classifier.py [--corpus ../shared/corpus/requests] [--write]

The corpus is read from where it lies (third-party text, never copied into the
project). For each set it prints, per language:

- found: the expected rights were all found (letters of kind ``request``);
- clean: no right outside ``rights`` + ``also_acceptable`` was found;
- correct: both (for ``not-a-new-request`` mail: no right found at all);
- accuracy among high- and low-confidence decisions separately.

``--write`` also puts the tables into bench/RESULTS.md (section "Classifier").
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._results import write_section  # noqa: E402
from mailbot.core.classification import classify  # noqa: E402
from mailbot.core.parsing import parse_mail  # noqa: E402
from mailbot.core.rights import Right  # noqa: E402

DEFAULT_CORPUS = Path(
    os.environ.get("MAILBOT_CORPUS") or ROOT.parent / "shared" / "corpus" / "requests"
)
FIXTURES = ROOT / "tests" / "fixtures" / "mails"
LOW_CONFIDENCE = 0.7


@dataclass(frozen=True)
class Case:
    name: str
    language: str
    is_request: bool
    expected: frozenset[Right]
    acceptable: frozenset[Right]
    subject: str
    text: str
    quoted: str = ""


@dataclass(frozen=True)
class Outcome:
    case: Case
    found: frozenset[Right]
    language: str | None
    confidence: float

    @property
    def all_found(self) -> bool:
        return self.case.expected <= self.found

    @property
    def clean(self) -> bool:
        return self.found <= self.case.expected | self.case.acceptable

    @property
    def correct(self) -> bool:
        if not self.case.is_request:
            return not self.found
        return self.all_found and self.clean


def _rights(field: str) -> frozenset[Right]:
    return frozenset(Right(name) for name in field.split(";") if name)


def corpus_cases(folder: Path) -> list[Case]:
    with (folder / "labels.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        Case(
            name=row["file"],
            language=row["lang"],
            is_request=row["kind"] == "request",
            expected=_rights(row["rights"]),
            acceptable=_rights(row["also_acceptable"]),
            subject="",
            text=(folder / row["file"]).read_text(encoding="utf-8"),
        )
        for row in rows
    ]


def fixture_cases(folder: Path) -> list[Case]:
    with (folder / "labels.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    cases = []
    for row in rows:
        mail = parse_mail((folder / row["file"]).read_bytes())
        cases.append(
            Case(
                name=row["file"],
                language=row["lang"],
                is_request=row["kind"] == "request",
                expected=_rights(row["rights"]),
                acceptable=_rights(row["also_acceptable"]),
                subject=mail.request_subject,
                text=mail.request_text,
                quoted=mail.quoted_text if mail.forwarded is None else "",
            )
        )
    return cases


def run(cases: Iterable[Case]) -> list[Outcome]:
    outcomes = []
    for case in cases:
        result = classify(case.subject, case.text, case.quoted)
        outcomes.append(Outcome(case, frozenset(result.rights), result.language, result.confidence))
    return outcomes


def _pct(numerator: int, denominator: int) -> str:
    return (
        f"{100 * numerator / denominator:.0f}% ({numerator}/{denominator})" if denominator else "-"
    )


def table(title: str, outcomes: list[Outcome]) -> str:
    by_language: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        by_language[outcome.case.language].append(outcome)
    lines = [
        f"#### {title}",
        "",
        "| lang | requests | rights all found | no right outside acceptable | correct | "
        "not-a-request correct | language right | high conf. correct | low conf. correct |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    groups = [*sorted(by_language.items()), ("all", outcomes)]
    for language, group in groups:
        requests = [o for o in group if o.case.is_request]
        others = [o for o in group if not o.case.is_request]
        high = [o for o in group if o.confidence >= LOW_CONFIDENCE]
        low = [o for o in group if o.confidence < LOW_CONFIDENCE]
        found = _pct(sum(o.all_found for o in requests), len(requests))
        lines.append(
            f"| {language} | {len(requests)} | {found} | "
            f"{_pct(sum(o.clean for o in requests), len(requests))} | "
            f"{_pct(sum(o.correct for o in requests), len(requests))} | "
            f"{_pct(sum(o.correct for o in others), len(others))} | "
            f"{_pct(sum(o.language == o.case.language for o in group), len(group))} | "
            f"{_pct(sum(o.correct for o in high), len(high))} | "
            f"{_pct(sum(o.correct for o in low), len(low))} |"
        )
    return "\n".join(lines)


def mistakes(outcomes: list[Outcome]) -> str:
    lines = []
    for o in outcomes:
        if not o.correct or o.language != o.case.language:
            expected = ",".join(sorted(o.case.expected)) or "-"
            found = ",".join(sorted(o.found)) or "-"
            acceptable = ",".join(sorted(o.case.acceptable)) or "-"
            lines.append(
                f"  {o.case.name}: expected {expected} (ok: {acceptable})"
                f" found {found} conf {o.confidence} lang {o.language}"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument("--mistakes", action="store_true", help="list every wrong decision")
    args = parser.parse_args()

    sets = [("Shared corpus (formal letters, third-party)", run(corpus_cases(args.corpus)))]
    for name, title in (
        ("informal", "Our informal fixtures"),
        ("holdout", "Held-out informal mails"),
    ):
        if (FIXTURES / name / "labels.csv").exists():
            sets.append((title, run(fixture_cases(FIXTURES / name))))
    tables = [table(title, outcomes) for title, outcomes in sets]
    report = "\n\n".join(tables)
    print(report)
    if args.mistakes:
        for title, outcomes in sets:
            print(f"\n{title}: mistakes\n{mistakes(outcomes)}")
    if args.write:
        machine = f"Python {platform.python_version()} on {platform.machine()}"
        header = (
            "### Classifier\n\n"
            f"Measured by `python bench/classifier.py --write` ({machine}). 'high conf.' means a "
            f"confidence of at least {LOW_CONFIDENCE}, the default of "
            "`classification.low_confidence`."
        )
        write_section("classifier", f"{header}\n\n{report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

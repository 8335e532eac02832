"""How far two careful readers agree on the rights a mail asks for, and where the classifier stands.

    python bench/agreement.py [--write] [--mistakes]

Issue 21 asks that the rights be "exactly right" for 95% of requests, judged by the labels of
whoever wrote the set. A label is one reader's judgement, so that goal can only be met as far
as careful readers agree. Each set with a ``labels-second.csv`` beside its ``labels.csv`` was
labelled a second time by a reader who saw the mails only (shuffled, under neutral names) and
the same instructions as the writer, never the writer's labels, the rules or the other sets.

For the mails both readers call a request, in nl/en/de/fr, it prints:

- second by first: the second reader's rights are right by the first's labels, the measure
  the classifier is held to (every labelled right, nothing outside rights + also acceptable);
- first by second: the same the other way round;
- both ways: each reader's rights are right by the other's labels;
- the classifier by the first's labels, by the second's, and by both.

It also prints how often the two readers agree on the kind (request, not a request, machine).
"""

from __future__ import annotations

import argparse
import csv
import platform
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._results import write_section  # noqa: E402
from mailbot.core.analysis import analyse  # noqa: E402
from mailbot.core.parsing import Limits  # noqa: E402
from mailbot.core.rights import Right  # noqa: E402
from mailbot.documents import read_documents  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "mails"
OWN = frozenset({"privacy@omix.example"})


@dataclass(frozen=True)
class Label:
    kind: str
    rights: frozenset[Right]
    acceptable: frozenset[Right]

    def accepts(self, rights: frozenset[Right]) -> bool:
        """Whether ``rights`` is right by this label: all of it asked, nothing outside."""
        return self.rights <= rights <= self.rights | self.acceptable


def _rights(field: str) -> frozenset[Right]:
    return frozenset(Right(name) for name in field.split(";") if name)


def _labels(path: Path) -> dict[str, tuple[str, Label]]:
    with path.open(encoding="utf-8") as handle:
        return {
            row["file"]: (
                row["lang"],
                Label(row["kind"], _rights(row["rights"]), _rights(row["also_acceptable"])),
            )
            for row in csv.DictReader(handle)
        }


@dataclass(frozen=True)
class Pair:
    name: str
    first: Label
    second: Label
    found: frozenset[Right]


def read_pairs(folder: Path) -> tuple[list[Pair], int, int]:
    """The mails both readers call a request in nl/en/de/fr; and kind agreement over all."""
    first = _labels(folder / "labels.csv")
    second = _labels(folder / "labels-second.csv")
    if first.keys() != second.keys():
        raise SystemExit(f"{folder.name}: labels-second.csv does not name the same mails")
    pairs = []
    for name, (language, one) in first.items():
        other = second[name][1]
        if language == "other" or one.kind != "request" or other.kind != "request":
            continue
        analysis = analyse((folder / name).read_bytes(), Limits(), OWN, read_documents)
        found = analysis.classification
        rights = frozenset(found.rights) if found is not None and found.is_request else frozenset()
        pairs.append(Pair(name, one, other, rights))
    same_kind = sum(first[name][1].kind == second[name][1].kind for name in first)
    return pairs, same_kind, len(first)


def _pct(numerator: int, denominator: int) -> str:
    if not denominator:
        return "-"
    return f"{100 * numerator / denominator:.0f}% ({numerator}/{denominator})"


HEADER = (
    "| set | same kind | requests (both readers) | second by first | first by second | "
    "both ways | classifier by first | by second | by both |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


def _agree(pair: Pair) -> bool:
    return pair.first.accepts(pair.second.rights) and pair.second.accepts(pair.first.rights)


def row(title: str, pairs: list[Pair], same_kind: int, mails: int) -> str:
    n = len(pairs)
    cells = [
        sum(p.first.accepts(p.second.rights) for p in pairs),
        sum(p.second.accepts(p.first.rights) for p in pairs),
        sum(_agree(p) for p in pairs),
        sum(p.first.accepts(p.found) for p in pairs),
        sum(p.second.accepts(p.found) for p in pairs),
        sum(p.first.accepts(p.found) and p.second.accepts(p.found) for p in pairs),
    ]
    shown = " | ".join(_pct(cell, n) for cell in cells)
    return f"| {title} | {_pct(same_kind, mails)} | {n} | {shown} |"


def _show(label: Label) -> str:
    extra = f" (ok {','.join(sorted(label.acceptable))})" if label.acceptable else ""
    return f"{','.join(sorted(label.rights)) or '-'}{extra}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update bench/RESULTS.md")
    parser.add_argument("--mistakes", action="store_true", help="list where the readers differ")
    args = parser.parse_args()
    folders = sorted(
        (f for f in FIXTURES.glob("holdout[0-9]*") if (f / "labels-second.csv").exists()),
        key=lambda f: int(f.name[7:]),
    )
    lines = [HEADER]
    everything: list[Pair] = []
    kinds = mails = 0
    for folder in folders:
        pairs, same_kind, count = read_pairs(folder)
        lines.append(row(folder.name, pairs, same_kind, count))
        everything += pairs
        kinds += same_kind
        mails += count
        if args.mistakes:
            for p in pairs:
                if not _agree(p):
                    print(
                        f"  {folder.name}/{p.name}: first {_show(p.first)}; "
                        f"second {_show(p.second)}; classifier {','.join(sorted(p.found)) or '-'}"
                    )
    lines.append(row("all", everything, kinds, mails))
    report = "\n".join(lines)
    print(report)
    if args.write:
        machine = f"Python {platform.python_version()} on {platform.machine()}"
        header = (
            "### Agreement between two readers\n\n"
            f"Measured by `python bench/agreement.py --write` ({machine}): requests in "
            "nl/en/de/fr that both readers call a request; 'X by Y' means X's rights are right "
            "by Y's labels (all of Y's rights, nothing outside Y's rights and also acceptable)."
        )
        write_section("agreement", f"{header}\n\n{report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Reading a mail (parse, machine-mail detection, classification): its results and its cost.

    python bench/reading.py --record FILE     # fingerprint every result into FILE (JSON)
    python bench/reading.py --check FILE      # ... and fail on any difference from FILE
    READING_TREE=DIR python bench/reading.py --record FILE   # the results of DIR's mailbot
    python bench/reading.py --baseline REV [--rounds 7] [--mails 2000] [--write]
    python bench/reading.py --short           # CI: a small mix, results checked, one round

Results: every mail the project has is read (``analyse``, with the attached letters read
as the readers do): tests/fixtures/mails/**/*.eml, the backlog mix of bench/mix.py, and
the third-party letters of ../shared/corpus/requests (read in place: ``classify`` on
their text, and inside the mix's mails). Everything ``analyse`` returns is recorded
(parsed fields, machine verdict, rights, evidence with its spans, scores, topics,
signals, confidence, language, needs_decision), and what drafting reads of the text
(``representation``, ``delivery_elsewhere``, ``contact_change``). A change that is meant
to make reading cheaper must leave all of it as it was.

Cost: ms of CPU per mail of the backlog mix, for ``parse_mail``, ``classify`` and the
whole ``analyse``, side by side with the code at ``--baseline`` (a temporary git worktree,
imported in a worker process of its own): both workers build the same mix, then time
alternating rounds (the order flips each round); medians and their ratio are reported.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import enum
import hashlib
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
# A timing worker imports the mailbot of the tree it times (the baseline's worktree); the
# mails (bench.mix) are always this tree's.
TREE = "READING_TREE"
sys.path.insert(0, os.environ.get(TREE) or str(ROOT))

from mailbot.core.analysis import analyse  # noqa: E402
from mailbot.core.classification import classify  # noqa: E402
from mailbot.core.identity import contact_change, delivery_elsewhere, representation  # noqa: E402
from mailbot.core.parsing import Limits, parse_mail  # noqa: E402
from mailbot.documents import read_documents  # noqa: E402

sys.path.insert(0, str(ROOT))

from bench import mix  # noqa: E402
from bench._results import machine, write_section  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "mails"
CORPUS = Path(os.environ.get("MAILBOT_CORPUS") or ROOT.parent / "shared" / "corpus" / "requests")
OWN = ("privacy@voorbeeld.example",)
STAGES = ("parse", "classify", "analyse")
NOTE = (
    "parse: `parse_mail`; classify: `classify` on what `analyse` passes it; analyse: the "
    "whole reading of a mail as a reader process does it (parse, machine mail, attached "
    "letters, classify). The results are the baseline's: `--record` with `READING_TREE` "
    "set to the baseline's tree, then `--check`, compare every parsed field, verdict, "
    "right, evidence span, topic, signal and confidence of the fixtures, the mix and the "
    "corpus. The machine is shared: the same code measured 0.53 and 0.57 (analyse) in two "
    "runs ten minutes apart."
)


def plain(value: Any) -> Any:
    """``value`` as JSON: dataclasses field by field, mappings as pairs, bytes as SHA-256."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return [[plain(key), plain(item)] for key, item in value.items()]
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return _scalar(value)


def _scalar(value: object) -> object:
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value if value is None or isinstance(value, str | int | float) else repr(value)


def backlog(count: int) -> list[bytes]:
    """The backlog mix of ``count`` mails, the same each time."""
    random.seed(2026)  # the MIME boundaries that the email package draws
    return mix.make(count).mails


def mails(count: int) -> Iterator[tuple[str, bytes]]:
    """Every mail: the fixtures, then the backlog mix of ``count`` mails."""
    for path in sorted(FIXTURES.rglob("*.eml")):
        yield str(path.relative_to(ROOT)), path.read_bytes()
    for index, raw in enumerate(backlog(count)):
        yield f"mix/{index}", raw


def results(count: int) -> dict[str, Any]:
    """What reading makes of every mail and letter, by name."""

    def drafting(text: str, sender: str) -> Any:
        return [
            representation(text),
            plain(delivery_elsewhere(text, sender)),
            contact_change(text),
        ]

    found: dict[str, Any] = {}
    for name, raw in mails(count):
        analysis = analyse(raw, Limits(), OWN, read_documents)
        entry = plain(analysis)
        mail = analysis.mail
        if mail is not None:
            sender = mail.sender.address if mail.sender else ""
            entry["drafting"] = drafting(mail.request_text, sender)
        found[name] = entry
    if CORPUS.is_dir():
        for path in sorted(CORPUS.glob("*.txt")):
            text = path.read_text(encoding="utf-8")
            found[f"corpus/{path.name}"] = {
                "classification": plain(classify("", text)),
                "drafting": drafting(text, "someone@example.org"),
            }
    return found


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    lines = [f"missing: {name}" for name in expected if name not in actual]
    lines += [f"new: {name}" for name in actual if name not in expected]
    for name in expected.keys() & actual.keys():
        if expected[name] != actual[name]:
            before = json.dumps(expected[name], sort_keys=True)
            after = json.dumps(actual[name], sort_keys=True)
            at = next((i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b), 0)
            lines.append(f"differs: {name}: ...{before[max(0, at - 80) : at + 80]}... became "
                         f"...{after[max(0, at - 80) : at + 80]}...")  # fmt: skip
    return sorted(lines)


def write_mails(raws: list[bytes], path: Path) -> None:
    with path.open("wb") as handle:
        for raw in raws:
            handle.write(len(raw).to_bytes(8, "big"))
            handle.write(raw)


def read_mails(path: Path) -> list[bytes]:
    data, raws, at = path.read_bytes(), [], 0
    while at < len(data):
        size = int.from_bytes(data[at : at + 8], "big")
        raws.append(data[at + 8 : at + 8 + size])
        at += 8 + size
    return raws


# The timing worker: reads the mails the parent wrote, and answers each "round" line on
# stdin with its ms of CPU per mail for each stage (JSON).
def worker(path: Path) -> None:
    tree = Path(os.environ.get(TREE) or ROOT)
    if not Path(sys.modules["mailbot"].__file__ or "").is_relative_to(tree):
        raise SystemExit(f"mailbot was not imported from {tree}")
    raws = read_mails(path)
    limits = Limits()
    parsed = [parse_mail(raw, limits) for raw in raws]
    calls = [
        (m.request_subject, m.request_text, m.quoted_text if m.forwarded is None else "",
         (), m.sender.domain if m.sender else "")
        for m in parsed
    ]  # fmt: skip

    def cpu(stage: str) -> float:
        started = time.process_time()
        if stage == "parse":
            for raw in raws:
                parse_mail(raw, limits)
        elif stage == "classify":
            for call in calls:
                classify(*call)
        else:
            for raw in raws:
                analyse(raw, limits, OWN, read_documents)
        return (time.process_time() - started) * 1000 / len(raws)

    for stage in STAGES:  # warm up: imports, compiled patterns, caches
        cpu(stage)
    print("ready", flush=True)
    for _line in sys.stdin:
        print(json.dumps({stage: cpu(stage) for stage in STAGES}), flush=True)


class Worker:
    def __init__(self, tree: Path, mails: Path) -> None:
        self.tree = tree
        self.process = subprocess.Popen(
            [sys.executable, __file__, "--worker", str(mails)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, cwd=tree, env={**os.environ, TREE: str(tree)},
        )  # fmt: skip
        assert self.process.stdin is not None
        assert self.process.stdout is not None
        self.stdin, self.stdout = self.process.stdin, self.process.stdout

    def started(self) -> None:
        if self.stdout.readline().strip() != "ready":
            raise SystemExit(f"the worker for {self.tree} failed")

    def round(self) -> dict[str, float]:
        self.stdin.write("round\n")
        self.stdin.flush()
        return dict(json.loads(self.stdout.readline()))

    def close(self) -> None:
        self.stdin.close()
        self.process.wait(30)


def measure(baseline: str | None, rounds: int, count: int) -> dict[str, dict[str, list[float]]]:
    """Alternating rounds of the current tree and of ``baseline`` (when given)."""
    with tempfile.TemporaryDirectory(prefix="mailbot-reading-") as temp:
        trees = {"current": ROOT}
        if baseline is not None:
            tree = Path(temp) / "baseline"
            subprocess.run(["git", "worktree", "add", "--detach", "-q", str(tree), baseline],
                           cwd=ROOT, check=True)  # fmt: skip
            trees["baseline"] = tree
        try:
            mails = Path(temp) / "mails"
            write_mails(backlog(count), mails)
            workers = {name: Worker(tree, mails) for name, tree in trees.items()}
            for each in workers.values():
                each.started()
            times: dict[str, dict[str, list[float]]] = {
                name: {stage: [] for stage in STAGES} for name in workers
            }
            for index in range(rounds):
                order = list(workers) if index % 2 == 0 else list(reversed(workers))
                for name in order:
                    for stage, ms in workers[name].round().items():
                        times[name][stage].append(ms)
            for each in workers.values():
                each.close()
        finally:
            if baseline is not None:
                subprocess.run(["git", "worktree", "remove", "--force", str(trees["baseline"])],
                               cwd=ROOT, check=False)  # fmt: skip
    return times


def table(times: dict[str, dict[str, list[float]]], baseline: str | None, count: int) -> str:
    rounds = len(times["current"]["parse"])
    lines = [
        f"ms of CPU per mail, {count}-mail backlog mix (bench/mix.py), median of {rounds} "
        "alternating rounds" + (f"; baseline: the code at {baseline}" if baseline else ""),
        "",
        "| stage | baseline | now | ratio |" if baseline else "| stage | now |",
        "|---|---:|---:|---:|" if baseline else "|---|---:|",
    ]
    for stage in STAGES:
        now = statistics.median(times["current"][stage])
        if baseline:
            before = statistics.median(times["baseline"][stage])
            lines.append(f"| {stage} | {before:.2f} | {now:.2f} | {now / before:.2f} |")
        else:
            lines.append(f"| {stage} | {now:.2f} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--record", type=Path, help="write every result to this JSON file")
    parser.add_argument("--check", type=Path, help="compare every result with this JSON file")
    parser.add_argument("--baseline", help="git revision to time side by side")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--short", action="store_true", help="CI: small, one round")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker is not None:
        worker(args.worker)
        return 0
    if args.record or args.check:
        found = results(args.mails)
        if args.record:
            args.record.write_text(json.dumps(found, sort_keys=True), encoding="utf-8")
            where = Path(sys.modules["mailbot"].__file__ or "").parent
            print(f"{len(found)} results of the mailbot in {where} recorded in {args.record}")
        if args.check:
            expected = json.loads(args.check.read_text(encoding="utf-8"))
            problems = differences(expected, found)
            for line in problems[:20]:
                print(line)
            if problems:
                print(f"{len(problems)} of {len(expected)} results differ")
                return 1
            print(f"all {len(found)} results as recorded")
        return 0
    if args.short:
        # Reading is deterministic: the same mails read twice give the same results.
        first, second = results(40), results(40)
        if first != second or len(first) <= 40:
            raise SystemExit("reading is not deterministic")
        times = measure(None, 1, 100)
        print(table(times, None, 100))
        return 0
    times = measure(args.baseline, args.rounds, args.mails)
    section = table(times, args.baseline, args.mails)
    print(section)
    if args.write:
        write_section("reading", f"## Reading\n\n{machine()}\n\n{section}\n\n{NOTE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

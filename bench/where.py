"""Where each millisecond per mail goes: a py-spy profile of bench/backlog.py, summarised.

    python bench/backlog.py --mails 2000 --profile before.txt      # at one commit
    python bench/backlog.py --mails 2000 --profile after.txt       # at another
    python bench/where.py --mails 2000 before.txt after.txt

The profiles sample only the threads holding the GIL, in every mailbot process (250 a
second), so a sample is a 4 ms slice of one core's Python work. Each sample is put in the
first phase whose function is on its stack (the order below), per process: the worker
(intake, fetching, moving, drafting when it is done there), the readers (parsing,
classifying), the drafting process. Reported: CPU milliseconds per mail, per profile.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

RATE = 250  # samples per second (bench/backlog.py --profile)

# (phase, functions that mark it): the first phase with a function on the stack wins.
PHASES: list[tuple[str, tuple[str, ...]]] = [
    ("start-up: imports, configuration", ("_find_and_load", "load_app", "load_configuration")),
    ("reading: parsing the mail", ("parse_mail",)),
    ("reading: classifying", ("classify", "find_topics")),
    ("reading: the rest (machine mail, attachments)", ("analyse",)),
    ("drafting: the facts (lookups, request text)", ("Drafting._gather_all", "Drafting._gather")),
    ("drafting: rendering and copies", ("Drafting._prepare", "Drafting._build")),
    ("drafting: storing the drafts", ("Drafting._store_all", "Drafting._store_alone")),
    ("drafting: the rest (due cases, reminders)", ("Drafting.run", "Draftings.run")),
    ("intake: storing (records, cases, commit)", ("Intake.store_batch", "Intake.store")),
    ("IMAP: fetching", ("_Inbox.fetch", "_Inbox.fetch_together")),
    ("IMAP: moving", ("_Inbox.move", "move_mail")),
    ("IMAP: listing and sorting", ("ImapSource.pending", "Intake.sort", "_Inbox.pending")),
    ("handing mail to and from the readers", ("ChildProcesses.read", "_ConnectionBase")),
]
OTHER = "the rest (event loop, threads, logging)"


def function(frame: str) -> str:
    return frame.split(" (", 1)[0]


def phases(path: Path) -> tuple[Counter[str], Counter[str]]:
    """Samples per phase, and per kind of process (worker, reader, drafter)."""
    by_phase: Counter[str] = Counter()
    by_process: Counter[str] = Counter()
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = stack.split(";")
        processes = [frame for frame in frames if frame.startswith("process ")]
        names = {function(frame) for frame in frames}
        if len(processes) == 1:
            kind = "worker"
        elif "spawn_main" in processes[-1] or "Drafter" in stack or "serve" in names:
            kind = "drafting process" if "analyse" not in names else "reader"
        else:
            kind = "reader"
        by_process[kind] += int(count)
        phase = next((name for name, marks in PHASES if names & set(marks)), OTHER)
        by_phase[phase] += int(count)
    return by_phase, by_process


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mails", type=int, default=2000)
    parser.add_argument("profiles", type=Path, nargs="+")
    args = parser.parse_args()
    found = [phases(path) for path in args.profiles]

    def ms(samples: int) -> str:
        return f"{samples / RATE * 1000 / args.mails:.2f}"

    names = [path.stem for path in args.profiles]
    lines = [
        "| CPU ms per mail | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for phase in [name for name, _ in PHASES] + [OTHER]:
        lines.append(f"| {phase} | " + " | ".join(ms(f[0][phase]) for f in found) + " |")
    lines.append("| **all processes** | " + " | ".join(
        f"**{ms(sum(f[0].values()))}**" for f in found
    ) + " |")  # fmt: skip
    for kind in ("worker", "reader", "drafting process"):
        lines.append(f"| of which in the {kind}(s) | " + " | ".join(
            ms(f[1][kind]) for f in found
        ) + " |")  # fmt: skip
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

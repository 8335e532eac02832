"""How long a command takes to start: ``mailbot --help`` and each command's own help, side by
side with the floor (Python starting and importing click, which every command needs).

    python bench/startup.py                 # 15 rounds, prints the table
    python bench/startup.py --write         # and writes its section of bench/RESULTS.md
    python bench/startup.py --short         # CI: 3 rounds, checks that the help imports no command

Each run is a new process (``python -m mailbot ...``), as the officer's shell and the
service's reload start one; medians, and each median's ratio to the floor's.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._results import machine, write_section

FLOOR = "floor: python -c 'import click'"
RUNS: dict[str, list[str]] = {
    FLOOR: ["-c", "import click"],
    "mailbot --help": ["-m", "mailbot", "--help"],
    "mailbot cases --help": ["-m", "mailbot", "cases", "--help"],
    "mailbot run --help": ["-m", "mailbot", "run", "--help"],
    "mailbot web --help": ["-m", "mailbot", "web", "--help"],
}
GOAL = 0.3  # seconds for ``mailbot --help``


def once(arguments: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *arguments], check=True, capture_output=True, timeout=60)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--short", action="store_true", help="3 rounds (CI)")
    args = parser.parse_args()
    if args.short:
        args.rounds = 3
    seconds: dict[str, list[float]] = {name: [] for name in RUNS}
    for number in range(args.rounds):
        order = list(RUNS) if number % 2 == 0 else list(RUNS)[::-1]
        for name in order:
            seconds[name].append(once(RUNS[name]))
    floor = statistics.median(seconds[FLOOR])
    lines = ["| command | median (s) | ratio to the floor |", "|---|---|---|"]
    for name, measured in seconds.items():
        median = statistics.median(measured)
        lines.append(f"| {name} | {median:.3f} | {median / floor:.2f} |")
    text = "\n".join(lines)
    print(text)
    help_time = statistics.median(seconds["mailbot --help"])
    if help_time >= GOAL:
        print(f"goal missed: mailbot --help took {help_time:.2f} s (goal: under {GOAL} s)")
        sys.exit(1)
    if args.write:
        write_section(
            "startup",
            "### Start-up\n\n"
            f"Measured by `python bench/startup.py --rounds {args.rounds} --write` "
            f"({machine()}). Each command started as a new process; medians of "
            f"{args.rounds} rounds in alternating order. `mailbot --help` lists the commands "
            "from a table and imports none of them; each command imports what it uses when it "
            "runs.\n\n" + text,
        )


if __name__ == "__main__":
    main()

"""Measure memory: ``mailbot run --once`` on one 25 MB mail, against its bare fetch.

    python bench/memory.py [--rounds 5] [--size-mb 25] [--write]
    python bench/memory.py --short          # CI: 5 MB, one round, checks only

A customer's access request with two scanned documents attached, 25 MB as it lies
in the mailbox (base64), alone in a Dovecot mailbox on loopback. Measured, in
alternating order: ``mailbot run --once`` (read, stored, drafted with a copy of the
customer's data), and the bare fetch of the same mail with imapclient. Reported:
each process's own peak (``VmHWM``) and the highest sum of the memory of the
process and its children (PSS; mailbot reads mail in child processes, and drafts in
one), with each kind of process's share at that moment, medians. mailbot's database is
made before the run (``mailbot db upgrade``), as an installation has it.
The memory during the 2,000-mail backlog is in the "Backlog" table.

``--write`` puts the table into bench/RESULTS.md (section "Memory").
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
from collections import Counter
from email.message import EmailMessage
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench._measure import Run  # noqa: E402
from bench._results import machine, write_section  # noqa: E402
from bench.backlog import Bench  # noqa: E402
from bench.mix import OFFICER, Backlog  # noqa: E402


def big_mail(size_mb: float) -> Backlog:
    sender = "groot@ziggo.example"
    message = EmailMessage()
    message["From"] = f"Grote Bijlage <{sender}>"
    message["To"] = OFFICER
    message["Subject"] = "Inzageverzoek met kopie ID en contract"
    message["Message-ID"] = "<groot-1@ziggo.example>"
    message.set_content("Graag wil ik inzage in al mijn gegevens. Bijgevoegd mijn documenten.")
    chance = random.Random(3)
    each = int(size_mb * 1024 * 1024 * 3 / 4 / 2)  # base64 makes 4 bytes of 3
    for number in (1, 2):
        message.add_attachment(
            chance.randbytes(each), maintype="application", subtype="pdf",
            filename=f"document-{number}.pdf",
        )  # fmt: skip
    raw = bytes(message)
    return Backlog([raw], [("C-1", "Grote Bijlage", sender)], Counter(request=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--size-mb", type=float, default=25)
    parser.add_argument("--write", action="store_true", help="write bench/RESULTS.md")
    parser.add_argument("--short", action="store_true", help="5 MB, one round (CI)")
    args = parser.parse_args()
    if args.short:
        args.rounds, args.size_mb = 1, 5
    backlog = big_mail(args.size_mb)
    root = Path(tempfile.mkdtemp(prefix="mailbot-memory-"))
    root.chmod(0o755)  # Dovecot's own users must reach its directory
    bench = Bench(root, backlog)
    runs: dict[str, list[Run]] = {"mailbot run --once": [], "imapclient, bare fetch": []}
    try:
        for number in range(args.rounds):
            ways = [
                ("mailbot run --once", Bench.mailbot),
                ("imapclient, bare fetch", Bench.imapclient),
            ]
            for name, way in ways if number % 2 == 0 else ways[::-1]:
                runs[name].append(way(bench))
    finally:
        bench.close()
        shutil.rmtree(root, ignore_errors=True)
    kinds = ["main", "reader", "fork server", "drafting", "resource tracker"]
    lines = [
        "| way | peak RSS (MiB) | with its children, PSS (MiB) | of which: "
        + ", ".join(kinds) + " | time (s) |",
        "|---|---|---|---|---|",
    ]  # fmt: skip
    for name, measured in runs.items():
        shares = " / ".join(
            f"{statistics.median(dict(r.parts).get(kind, 0.0) for r in measured):.0f}"
            for kind in kinds
        )
        lines.append(
            f"| {name} | {statistics.median(r.peak_mib for r in measured):.0f} "
            f"| {statistics.median(r.tree_mib for r in measured):.0f} | {shares} "
            f"| {statistics.median(r.seconds for r in measured):.2f} |"
        )
    size = len(backlog.mails[0]) / 2**20
    text = "\n".join(lines)
    print(f"one mail of {size:.1f} MiB\n\n{text}")
    if args.write:
        write_section(
            "memory",
            "### Memory\n\n"
            f"Measured by `python bench/memory.py --rounds {args.rounds} --write` ({machine()})."
            f" One mail of {size:.1f} MiB (an access request with two attachments) alone in "
            "a Dovecot mailbox (mailbot's database made beforehand, as an installation has "
            "it); each way in its own process, alternating; medians of "
            f'{args.rounds} rounds. PSS counts the pages the processes share once; "of '
            "which\" is each kind of process's share at the moment the sum peaked (the "
            "readers together), read from /proc every 20 ms: a peak shorter than that can "
            "be missed, and the figure moves by some 10 MiB between runs. The fork server "
            "is mailbot's own (mailbot/forking.py), the readers and the drafting process "
            "its children; the resource tracker is multiprocessing's, there only when its "
            "fork server is used instead.\n\n"
            f"{text}",
        )


if __name__ == "__main__":
    main()

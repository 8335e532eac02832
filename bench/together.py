"""Start ``N`` copies of a command at once and wait for all of them (bench/backlog.py's two
workers): ``python bench/together.py N COMMAND...``. Fails with the first failure's status."""

from __future__ import annotations

import subprocess
import sys


def main() -> None:
    count, command = int(sys.argv[1]), sys.argv[2:]
    processes = [subprocess.Popen(command) for _ in range(count)]
    codes = [process.wait() for process in processes]
    sys.exit(next((code for code in codes if code != 0), 0))


if __name__ == "__main__":
    main()

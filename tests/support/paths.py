"""Where the tests' own fixture files and the shared request corpus lie."""

from __future__ import annotations

import os
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
MAILS = FIXTURES / "mails"
# The shared request corpus lies beside the project (../shared); MAILBOT_CORPUS may point elsewhere.
CORPUS = Path(
    os.environ.get("MAILBOT_CORPUS")
    or Path(__file__).resolve().parents[2].parent / "shared" / "corpus" / "requests"
)

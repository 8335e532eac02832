"""What a person's follow-up does to their case: confirm, deny, or go to the officer. No I/O.

Only the person moves their case (DOMAIN.md section 7). A reply to a
confirmation request (or to a "did you send this?" sender check) confirms
only when

- it comes from the address the request went to (the address on file), with
  one From address and no verdict of forgery from the receiving service;
- it answers that request: its In-Reply-To or References name the request's
  Message-ID, which is random and went to that address only. Nothing else will
  do, not even an authenticated mail: a reply to the acknowledgement, or a fresh
  mail, is about something else than the question asked;
- and the person's own new words say yes (``core.confirmation``; the quoted
  request, which explains how to say no, is not read).

"That was not me", on the same evidence, stops the case: nothing more is drafted
and the officer closes it as ``not_the_person``. Anything less (unclear words,
or a yes or no without that evidence) goes to the officer, never to the case.
Outside a confirmation a "no" is not acted on either: it goes to the officer.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from mailbot.core.authentication import Verdict
from mailbot.core.confirmation import Answer, read_answer


class Move(StrEnum):
    CONFIRMED = "confirmed"
    DENIED = "denied"
    TO_CHECK = "to_check"  # the officer reads it and decides
    NONE = "none"  # an ordinary follow-up


@dataclass(frozen=True, slots=True)
class Reply:
    """A follow-up as far as confirming goes."""

    sender: str | None  # its From address, lower case
    verdict: Verdict
    answers_our_mail: bool  # its thread names the confirmation request sent to ``expected``
    text: str  # the person's own new words


@dataclass(frozen=True, slots=True)
class Decision:
    move: Move
    reason: str
    phrase: str = ""  # the words the answer was read from


def judge_reply(reply: Reply, expected: str | None, awaiting: bool) -> Decision:
    """What ``reply`` does to a case that awaits an answer from ``expected`` to the
    confirmation request (or sender check) sent there, or not (``awaiting``)."""
    reading = read_answer(reply.text)
    problems = _evidence_problems(reply, expected)
    if not awaiting:
        if reading.answer is Answer.NO:
            why = "the person may be saying the request was not theirs: read the mail"
            return Decision(Move.TO_CHECK, why, reading.phrase)
        return Decision(Move.NONE, "")
    if problems:
        said = {Answer.YES: "yes", Answer.NO: "no"}.get(reading.answer, "something unclear")
        why = f"a reply that says {said}, but " + "; ".join(problems)
        return Decision(Move.TO_CHECK, why, reading.phrase)
    if reading.answer is Answer.YES:
        return Decision(Move.CONFIRMED, "confirmed from the address on file", reading.phrase)
    if reading.answer is Answer.NO:
        return Decision(Move.DENIED, "the person says the request was not theirs", reading.phrase)
    return Decision(
        Move.TO_CHECK, "the reply is neither a clear yes nor a clear no", reading.phrase
    )


def _evidence_problems(reply: Reply, expected: str | None) -> list[str]:
    problems = []
    if expected is None or reply.sender != expected.lower():
        problems.append("it does not come from the address the confirmation request went to")
    if reply.verdict.forged:
        problems.append("the receiving service found it forged")
    if not reply.answers_our_mail:
        problems.append("it is no reply to the confirmation request sent to that address")
    return problems

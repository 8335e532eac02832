"""Where a mail belongs, with a dictionary behind the ``CaseFinder`` port (no database)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pytest

from mailbot.core.followups import CaseLink, Direction, ThreadMatch
from mailbot.core.parsing import parse_mail
from mailbot.ports import CaseFinder, MailKey
from mailbot.service.intake import find_follow_up
from tests.support.mails import simple

pytestmark = pytest.mark.database_incidental("a dictionary behind the CaseFinder port")

TOM = CaseLink(7, "AVG-2026-0007", "tom@example.com")
EVE = CaseLink(9, "AVG-2026-0009", "eve@example.org")


@dataclass
class Cases:
    """A case store in memory: Message-IDs and references per mailbox."""

    threads: dict[tuple[str, str], ThreadMatch] = field(default_factory=dict)
    references: dict[tuple[str, str], CaseLink] = field(default_factory=dict)
    asked: list[str] = field(default_factory=list)

    def known_keys(self, keys: Iterable[MailKey], mailbox: str) -> dict[MailKey, str]:
        return {}

    def thread_matches(self, message_ids: Sequence[str], mailbox: str) -> list[ThreadMatch]:
        self.asked.extend(message_ids)
        return [self.threads[mailbox, i] for i in message_ids if (mailbox, i) in self.threads]

    def cases_by_reference(self, references: Sequence[str], mailbox: str) -> list[CaseLink]:
        return [self.references[mailbox, r] for r in references if (mailbox, r) in self.references]


def test_the_port_is_what_the_case_store_offers() -> None:
    from mailbot.storage.store import CaseStore

    # mypy checks the assignment: CaseStore has every method of the port, with its types.
    check: type[CaseFinder] = CaseStore
    memory: CaseFinder = Cases()
    assert check is CaseStore and memory.known_keys([], "default") == {}


def test_a_newsletter_id_someone_else_sent_does_not_capture_a_customer_mail() -> None:
    cases = Cases(threads={("default", "<news@x>"): ThreadMatch(EVE, Direction.IN, EVE.requester)})
    tom = parse_mail(simple(From="Tom <tom@example.com>", In_Reply_To="<news@x>"))
    assert find_follow_up(cases, tom, [], "default") is None
    assert cases.asked == ["<news@x>"]


def test_a_reference_in_the_subject_counts_only_from_the_requester_and_in_its_mailbox() -> None:
    cases = Cases(references={("default", TOM.reference): TOM})
    tom = parse_mail(simple(From="Tom <tom@example.com>"))
    eve = parse_mail(simple(From="Eve <eve@example.org>"))
    found = find_follow_up(cases, tom, [TOM.reference], "default")
    assert found is not None and found.case == TOM
    assert find_follow_up(cases, eve, [TOM.reference], "default") is None
    assert find_follow_up(cases, tom, [TOM.reference], "sales") is None

from __future__ import annotations

from mailbot.core.followups import CaseLink, match_follow_up
from mailbot.core.parsing import parse_mail
from tests.core.test_parsing import simple

CASE = CaseLink(7, "AVG-2026-0007", frozenset({"tom@example.com"}))


def test_thread_headers_win() -> None:
    mail = parse_mail(simple(From="Stranger <x@example.org>"))
    found = match_follow_up(mail, CASE, [])
    assert found is not None and found.case == CASE
    assert "In-Reply-To" in found.reason


def test_subject_reference_counts_only_from_someone_on_the_case() -> None:
    known = parse_mail(simple(From="Tom <TOM@example.com>", Subject="Re: AVG-2026-0007"))
    found = match_follow_up(known, None, [CASE])
    assert found is not None and found.case == CASE
    stranger = parse_mail(simple(From="Eve <eve@example.org>", Subject="Re: AVG-2026-0007"))
    assert match_follow_up(stranger, None, [CASE]) is None


def test_no_candidates_means_a_new_case() -> None:
    assert match_follow_up(parse_mail(simple()), None, []) is None

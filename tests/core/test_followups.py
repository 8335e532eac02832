from __future__ import annotations

from mailbot.core.followups import CaseLink, Direction, ThreadMatch, match_follow_up
from mailbot.core.parsing import parse_mail
from tests.support.mails import simple

CASE = CaseLink(7, "AVG-2026-0007", "tom@example.com")
OTHER = CaseLink(9, "AVG-2026-0009", "eve@example.org")


def test_a_reply_to_a_mail_the_case_sent_joins_it_whoever_writes() -> None:
    # Our Message-IDs are random: naming one shows the writer received our mail.
    mail = parse_mail(simple(From="Colleague <c@example.org>"))
    found = match_follow_up(mail, [ThreadMatch(CASE, Direction.OUT)], [])
    assert found is not None and found.case == CASE
    assert "sent in the case" in found.reason


def test_a_message_id_someone_else_sent_never_captures_a_mail() -> None:
    # Eve's request carried the newsletter's Message-ID; Tom replies to the newsletter.
    tom = parse_mail(simple(From="Tom <tom@example.com>"))
    assert match_follow_up(tom, [ThreadMatch(OTHER, Direction.IN, "eve@example.org")], []) is None
    eve = parse_mail(simple(From="Eve <EVE@example.org>"))
    found = match_follow_up(eve, [ThreadMatch(OTHER, Direction.IN, "eve@example.org")], [])
    assert found is not None and found.case == OTHER


def test_the_first_match_that_counts_wins() -> None:
    tom = parse_mail(simple(From="Tom <tom@example.com>"))
    matches = [
        ThreadMatch(OTHER, Direction.IN, "eve@example.org"),
        ThreadMatch(CASE, Direction.OUT),
    ]
    found = match_follow_up(tom, matches, [])
    assert found is not None and found.case == CASE


def test_subject_reference_counts_only_from_the_requester() -> None:
    known = parse_mail(simple(From="Tom <TOM@example.com>", Subject="Re: AVG-2026-0007"))
    found = match_follow_up(known, [], [CASE])
    assert found is not None and found.case == CASE
    stranger = parse_mail(simple(From="Eve <eve@example.org>", Subject="Re: AVG-2026-0007"))
    assert match_follow_up(stranger, [], [CASE]) is None


def test_no_candidates_means_a_new_case() -> None:
    assert match_follow_up(parse_mail(simple()), [], []) is None

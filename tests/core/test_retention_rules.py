"""When a case's personal data go, and what of its trail stays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mailbot.core.retention import Periods, bare_detail, purge_due
from mailbot.core.suppression import is_direct_marketing, key_problem, keyed_hash

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
PERIODS = Periods(closed_case_days=365, erasure_case_days=30)


def test_only_ended_cases_past_their_period_are_due() -> None:
    long_ago, lately = NOW - timedelta(days=400), NOW - timedelta(days=40)
    assert purge_due("closed", long_ago, ["access"], NOW, PERIODS)
    assert not purge_due("closed", lately, ["access"], NOW, PERIODS)
    assert purge_due("closed", lately, ["access", "erasure"], NOW, PERIODS)  # erasure: 30 days
    assert purge_due("not_a_request", long_ago, [], NOW, PERIODS)
    for status in ("new", "awaiting_identity", "ready_for_review", "approved", "sent"):
        assert not purge_due(status, long_ago, ["access"], NOW, PERIODS), status
    assert not purge_due("closed", None, ["access"], NOW, PERIODS)
    assert Periods(10, 30).days_for(["erasure"]) == 10  # never longer than the general period


def test_the_trail_keeps_codes_and_drops_text_and_addresses() -> None:
    detail = {
        "from": "new",
        "to": "closed",
        "outcome": "granted",
        "note": "Mevrouw Jansen belde",
        "send_to": "jansen@example.nl",
        "method": "klantnummer C-1002 gecontroleerd",
        "reason": "zij wil geen post meer",
        "drafts": ["reply to jansen@example.nl"],
        "message_id": "<abc@example.nl>",
        "check": "details",
    }
    assert bare_detail(detail) == {
        "from": "new",
        "to": "closed",
        "outcome": "granted",
        "check": "details",
    }


KEY = "k" * 40


def test_the_keyed_hash_is_stable_per_address_and_differs_per_key() -> None:
    assert keyed_hash(KEY, "Tom.Baker@Example.com") == keyed_hash(KEY, " tom.baker@example.com ")
    assert keyed_hash(KEY, "tom.baker@example.com") != keyed_hash("x" * 40, "tom.baker@example.com")
    assert len(keyed_hash(KEY, "a@example.org")) == 64
    assert key_problem("short") is not None and key_problem(KEY) is None


def _evidence(phrase: str, cue: str = "objection:object+purpose") -> list[dict[str, object]]:
    return [{"right": "objection", "phrase": phrase, "cue": cue}]


def test_a_marketing_objection_is_told_from_other_objections_in_four_languages() -> None:
    for phrase in (
        "wil geen nieuwsbrief",
        "Stop sending me marketing",
        "widerspreche der Nutzung meiner Daten für Werbung",
        "m'oppose au traitement de mes données à des fins de prospection",
        "plus de publicité",
    ):
        assert is_direct_marketing(["objection"], _evidence(phrase)), phrase
    assert is_direct_marketing(["objection"], _evidence("van de lijst", "objection:unsubscribe"))
    assert not is_direct_marketing(["objection"], _evidence("object to you profiling"))
    assert not is_direct_marketing(["access"], _evidence("wil geen nieuwsbrief"))
    other_right = [{"right": "erasure", "phrase": "geen reclame meer", "cue": "erasure:x"}]
    assert not is_direct_marketing(["objection"], other_right)
    assert is_direct_marketing(["objection"], other_right, any_right=True)  # the officer's rights

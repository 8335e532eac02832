"""``[drafts] reminder_after_days``: whole days, 7 unless configured, 0 for never."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailbot.config import settings_from_dict
from mailbot.errors import ConfigError
from tests.support.configs import base_config

pytestmark = pytest.mark.database_incidental("parses configuration: connects to nothing")


def test_a_week_unless_configured(tmp_path: Path) -> None:
    settings = settings_from_dict(base_config(tmp_path), tmp_path / "mailbot.toml", environ={})
    assert settings.drafts.reminder_after_days == 7
    values = base_config(tmp_path, drafts={"reminder_after_days": 0})
    never = settings_from_dict(values, tmp_path / "mailbot.toml", environ={})
    assert never.drafts.reminder_after_days == 0


def test_from_the_environment(tmp_path: Path) -> None:
    environ = {"MAILBOT_DRAFTS__REMINDER_AFTER_DAYS": "10"}
    settings = settings_from_dict(base_config(tmp_path), tmp_path / "mailbot.toml", environ=environ)
    assert settings.drafts.reminder_after_days == 10


@pytest.mark.parametrize(
    ("value", "says"),
    [(-1, "greater than or equal to 0"), (93, "less than or equal to 92"), (7.5, "integer"),
     ("a week", "integer")],
)  # fmt: skip
def test_bad_values_name_the_key(tmp_path: Path, value: object, says: str) -> None:
    values = base_config(tmp_path, drafts={"reminder_after_days": value})
    with pytest.raises(ConfigError) as exc:
        settings_from_dict(values, tmp_path / "mailbot.toml", environ={})
    found = dict(exc.value.problems)
    assert says in found["drafts.reminder_after_days"], found

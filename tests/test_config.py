from __future__ import annotations

from pathlib import Path

import pytest

from mailbot.config import config_path, load_configuration
from mailbot.errors import ConfigError, NotFound

pytestmark = pytest.mark.database_incidental("parses configuration files: connects to nothing")

FULL = """\
[database]
url = "sqlite:///state/mailbot.db"

[imap]
host = "imap.example.org"
port = 993
security = "tls"
username = "privacy@example.org"
password = "imap-secret"
folder = "INBOX"

[smtp]
host = "smtp.example.org"
port = 587
security = "starttls"
from_address = "privacy@example.org"

[maildir]
path = "Maildir"

[organisation]
name = "Example B.V."
officer_name = "A. Officer"
addresses = ["privacy@example.org"]
trusted_authserv_id = "mx.example.org"
timezone = "Europe/Amsterdam"
reference_prefix = "AVG"
"""


def write(tmp_path: Path, text: str = FULL) -> Path:
    path = tmp_path / "mailbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(exc: pytest.ExceptionInfo[ConfigError]) -> dict[str, str]:
    return dict(exc.value.problems)


def test_the_documented_example_is_valid(tmp_path: Path) -> None:
    settings = load_configuration(write(tmp_path), environ={}).first
    assert settings.imap is not None and settings.imap.password is not None
    assert settings.imap.password.get_secret_value() == "imap-secret"
    assert settings.smtp is not None and settings.smtp.port == 587
    assert settings.organisation.zone.key == "Europe/Amsterdam"
    assert settings.own_addresses == {"privacy@example.org"}


def test_relative_paths_are_relative_to_the_configuration_file(tmp_path: Path) -> None:
    settings = load_configuration(write(tmp_path), environ={}).first
    assert settings.maildir is not None and settings.maildir.path == tmp_path.resolve() / "Maildir"
    assert settings.database.url == f"sqlite:///{tmp_path.resolve() / 'state' / 'mailbot.db'}"


def test_the_default_database_lies_beside_the_configuration_file(tmp_path: Path) -> None:
    text = FULL.replace('[database]\nurl = "sqlite:///state/mailbot.db"\n', "")
    settings = load_configuration(write(tmp_path, text), environ={}).first
    assert settings.database.url == f"sqlite:///{tmp_path.resolve() / 'mailbot.db'}"


def test_postgresql_url_is_kept_as_written(tmp_path: Path) -> None:
    text = FULL.replace(
        '"sqlite:///state/mailbot.db"', '"postgresql://u:p@db.example.org:5432/mailbot"'
    )
    settings = load_configuration(write(tmp_path, text), environ={}).first
    assert settings.database.url == "postgresql://u:p@db.example.org:5432/mailbot"


def test_environment_overrides_any_key(tmp_path: Path) -> None:
    environ = {
        "MAILBOT_IMAP__PASSWORD": "from-env",
        "MAILBOT_IMAP__PORT": "1143",
        "MAILBOT_ORGANISATION__ADDRESSES": "a@example.org, b@example.org",
        "MAILBOT_CONFIG": "ignored-here",
        "UNRELATED": "x",
    }
    settings = load_configuration(write(tmp_path), environ=environ).first
    assert settings.imap is not None and settings.imap.password is not None
    assert settings.imap.password.get_secret_value() == "from-env"
    assert settings.imap.port == 1143
    assert settings.organisation.addresses == ["a@example.org", "b@example.org"]


def test_environment_can_give_a_toml_array(tmp_path: Path) -> None:
    environ = {"MAILBOT_ORGANISATION__ADDRESSES": '["c@example.org"]'}
    settings = load_configuration(write(tmp_path), environ=environ).first
    assert settings.organisation.addresses == ["c@example.org"]


def test_password_file_for_systemd_credentials(tmp_path: Path) -> None:
    credentials = tmp_path / "credentials"
    credentials.mkdir()
    (credentials / "imap").write_text("from-file\n", encoding="utf-8")
    text = FULL.replace(
        'password = "imap-secret"', 'password_file = "${CREDENTIALS_DIRECTORY}/imap"'
    )
    path = write(tmp_path, text)
    settings = load_configuration(path, environ={"CREDENTIALS_DIRECTORY": str(credentials)}).first
    assert settings.imap is not None and settings.imap.password is not None
    assert settings.imap.password.get_secret_value() == "from-file"
    # Outside the service the variable is not set: said so, not "file not found"
    with pytest.raises(ConfigError) as outside:
        load_configuration(path, environ={})
    assert outside.value.problems == [
        (
            "imap.password_file",
            "${CREDENTIALS_DIRECTORY} is not set (outside the service, use mailbot-admin)",
        )
    ]


def test_password_file_from_the_environment(tmp_path: Path) -> None:
    (tmp_path / "smtp-pw").write_text("smtp-secret", encoding="utf-8")
    environ = {"MAILBOT_SMTP__PASSWORD_FILE": "smtp-pw", "MAILBOT_SMTP__USERNAME": "privacy"}
    settings = load_configuration(write(tmp_path), environ=environ).first
    assert settings.smtp is not None and settings.smtp.password is not None
    assert settings.smtp.password.get_secret_value() == "smtp-secret"


def test_password_and_password_file_together_is_an_error(tmp_path: Path) -> None:
    text = FULL.replace('password = "imap-secret"', 'password = "a"\npassword_file = "b"')
    with pytest.raises(ConfigError) as exc:
        load_configuration(write(tmp_path, text), environ={})
    assert "imap.password_file" in problems(exc)


def test_unreadable_password_file_names_the_key_and_the_file(tmp_path: Path) -> None:
    text = FULL.replace('password = "imap-secret"', 'password_file = "missing"')
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load_configuration(path, environ={})
    assert "imap.password_file" in problems(exc)
    assert str(path) in str(exc.value)


def test_missing_key_names_the_key_and_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, FULL.replace('host = "imap.example.org"\n', ""))
    with pytest.raises(ConfigError) as exc:
        load_configuration(path, environ={})
    message = str(exc.value)
    assert message.startswith(f"configuration error in {path}:")
    assert "imap.host: required key is missing" in message


@pytest.mark.parametrize(
    ("old", "new", "key", "says"),
    [
        ("port = 993", 'port = "many"', "imap.port", "valid integer"),
        ("port = 993", "port = 99999", "imap.port", "less than or equal"),
        ('security = "tls"', 'security = "ssl"', "imap.security", "'tls', 'starttls' or 'none'"),
        (
            'timezone = "Europe/Amsterdam"',
            'timezone = "Mars/Olympus"',
            "organisation.timezone",
            "unknown time zone",
        ),
        (
            'addresses = ["privacy@example.org"]',
            'addresses = ["not an address"]',
            "organisation.addresses.0",
            "not a valid e-mail",
        ),
        (
            'addresses = ["privacy@example.org"]',
            "addresses = []",
            "organisation.addresses",
            "at least 1",
        ),
        (
            'reference_prefix = "AVG"',
            'reference_prefix = "A V G"',
            "organisation.reference_prefix",
            "pattern",
        ),
        (
            'url = "sqlite:///state/mailbot.db"',
            'url = "mysql://x"',
            "database.url",
            "unsupported database",
        ),
        (
            'url = "sqlite:///state/mailbot.db"',
            'url = "::nonsense"',
            "database.url",
            "not a database URL",
        ),
        ('folder = "INBOX"', 'folder = "INBOX"\nhots = "typo"', "imap.hots", "unknown key"),
    ],
)
def test_bad_values_are_named(tmp_path: Path, old: str, new: str, key: str, says: str) -> None:
    with pytest.raises(ConfigError) as exc:
        load_configuration(write(tmp_path, FULL.replace(old, new, 1)), environ={})
    found = problems(exc)
    assert key in found, found
    assert says in found[key]


def test_bad_environment_value_names_the_variable(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as exc:
        load_configuration(write(tmp_path), environ={"MAILBOT_IMAP__PORT": "ninety"})
    assert "imap.port (from MAILBOT_IMAP__PORT)" in problems(exc)


def test_secrets_are_never_echoed(tmp_path: Path) -> None:
    text = FULL.replace('password = "imap-secret"', "password = 12345")
    with pytest.raises(ConfigError) as exc:
        load_configuration(write(tmp_path, text), environ={})
    assert "12345" not in str(exc.value)
    assert "imap.password" in problems(exc)


def test_a_mail_source_is_required(tmp_path: Path) -> None:
    text = FULL.split("[imap]", maxsplit=1)[0] + "[organisation]" + FULL.split("[organisation]")[1]
    with pytest.raises(ConfigError, match=r"no mail source: configure \[imap\] or \[maildir\]"):
        load_configuration(write(tmp_path, text), environ={})


def test_mail_client_review_has_dutch_folders_by_default_and_needs_imap(tmp_path: Path) -> None:
    settings = load_configuration(write(tmp_path, FULL + "[mail_client]\n"), environ={}).first
    assert settings.mail_client is not None
    assert settings.mail_client.review_folder == "AVG-beoordelen"
    assert settings.mail_client.approve_folder == "AVG-goedkeuren"
    assert settings.mail_client.drafts_folder == ""
    without_imap = FULL.split("[imap]", maxsplit=1)[0] + "[smtp]" + FULL.split("[smtp]")[1]
    with pytest.raises(ConfigError, match=r"\[mail_client\] works on the officer's IMAP"):
        load_configuration(write(tmp_path, without_imap + "[mail_client]\n"), environ={})
    same = FULL + '[mail_client]\napprove_folder = "AVG-afwijzen"\n'
    with pytest.raises(ConfigError, match="must be four folders") as exc:
        load_configuration(write(tmp_path, same), environ={})
    assert "mail_client" in str(exc.value) and "mailbot.toml" in str(exc.value)


def test_not_toml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_configuration(write(tmp_path, "[database\nurl = 1"), environ={})


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="file not found"):
        load_configuration(tmp_path / "nope.toml", environ={})


def test_which_file_is_used(tmp_path: Path) -> None:
    assert config_path("given.toml", {"MAILBOT_CONFIG": "env.toml"}) == Path("given.toml")
    assert config_path(None, {"MAILBOT_CONFIG": "env.toml"}) == Path("env.toml")
    assert config_path(None, {}) == Path("/etc/mailbot/mailbot.toml")


def test_idle_is_reissued_at_least_every_ten_minutes(tmp_path: Path) -> None:
    settings = load_configuration(write(tmp_path), environ={}).first
    assert settings.imap is not None and settings.imap.idle_timeout <= 600
    with pytest.raises(ConfigError) as exc:
        load_configuration(
            write(
                tmp_path, FULL.replace('folder = "INBOX"', 'folder = "INBOX"\nidle_timeout = 900')
            ),
            environ={},
        )
    assert "imap.idle_timeout" in problems(exc)


def test_xoauth2_needs_a_token_source_not_a_password(tmp_path: Path) -> None:
    text = FULL.replace('password = "imap-secret"', 'auth = "xoauth2"')
    with pytest.raises(
        ConfigError, match=r"oauth2_token_command or imap\.oauth2_token_file is required"
    ):
        load_configuration(write(tmp_path, text), environ={})
    token = text.replace('auth = "xoauth2"', 'auth = "xoauth2"\noauth2_token_file = "token"')
    settings = load_configuration(write(tmp_path, token), environ={}).first
    assert (
        settings.imap is not None
        and settings.imap.oauth2_token_file == tmp_path.resolve() / "token"
    )


def test_password_login_needs_a_password(tmp_path: Path) -> None:
    text = FULL.replace('password = "imap-secret"\n', "")
    with pytest.raises(ConfigError, match=r"imap\.password \(or password_file\) is required"):
        load_configuration(write(tmp_path, text), environ={})


MAILBOXES = """\
[database]
url = "sqlite:///mailbot.db"

[smtp]
host = "smtp.example.org"
from_address = "privacy@example.org"

[organisation]
name = "Group B.V."
officer_name = "A. Officer"
addresses = ["privacy@example.org"]

[[mailboxes]]
name = "omix"
[mailboxes.imap]
host = "imap.example.org"
username = "privacy@omix.example"
password = "one"
[mailboxes.organisation]
name = "Omix B.V."
officer_name = "O. Officer"
addresses = ["privacy@omix.example"]
reference_prefix = "OMX"

[[mailboxes]]
name = "daughter"
[mailboxes.maildir]
path = "daughter-mail"
[[mailboxes.sources]]
name = "crm"
kind = "csv"
path = "crm.csv"
email_column = "email"
category = "Klant"
"""


def test_mailboxes_each_get_their_own_sections_over_the_shared_ones(tmp_path: Path) -> None:
    configuration = load_configuration(write(tmp_path, MAILBOXES), environ={})
    omix, daughter = configuration.mailboxes
    assert configuration.first is omix and configuration.several
    assert (omix.mailbox, daughter.mailbox) == ("omix", "daughter")
    assert omix.organisation.reference_prefix == "OMX" and omix.imap is not None
    assert omix.maildir is None and omix.sources == []
    assert daughter.organisation.name == "Group B.V." and daughter.imap is None
    assert daughter.maildir is not None and daughter.maildir.path == tmp_path / "daughter-mail"
    assert [source.name for source in daughter.sources] == ["crm"]
    assert omix.smtp == daughter.smtp and omix.database == daughter.database  # shared
    assert configuration.for_mailbox("daughter") is daughter
    with pytest.raises(NotFound, match="there are: omix, daughter"):
        configuration.for_mailbox("nope")


def test_a_file_without_mailboxes_is_one_mailbox(tmp_path: Path) -> None:
    configuration = load_configuration(write(tmp_path), environ={})
    settings = configuration.first
    assert settings.mailbox == "default" and configuration.mailboxes == (settings,)
    assert configuration.for_mailbox("default") is settings and not configuration.several


def test_a_bad_mailbox_is_named_with_its_key(tmp_path: Path) -> None:
    text = MAILBOXES.replace('password = "one"\n', "").replace('name = "daughter"', 'name = "omix"')
    text += '\n[[mailboxes]]\nname = "Bad Name"\n[mailboxes.web]\nlanguage = "en"\n'
    with pytest.raises(ConfigError) as exc:
        load_configuration(write(tmp_path, text), environ={})
    found = problems(exc)
    assert "imap.password (or password_file) is required" in found["mailboxes.0.imap"]
    assert "shared" in found["mailboxes.2.web"]
    assert "pattern" in found["mailboxes.2.name"] or "match" in found["mailboxes.2.name"]
    assert found["mailboxes"] == "two mailboxes are named 'omix'"


SOURCE = """
[[sources]]
name = "klanten"
kind = "csv"
path = "klanten.csv"
email_column = "email"
category = {nl = "Klantprofiel", en = "Customer profile", de = "Kundenprofil"}
purpose = "uitvoering van de overeenkomst"
recipients = {nl = ["Hostingbedrijf (verwerker)"], fr = ["Hébergeur (sous-traitant)"]}
"""


def test_a_text_may_be_given_per_language_and_a_plain_one_is_the_organisations(
    tmp_path: Path,
) -> None:
    text = FULL + 'automated_decisions = {nl = "geen", de = "keine"}\n' + SOURCE
    settings = load_configuration(write(tmp_path, text), environ={}).first
    (source,) = settings.sources
    assert source.category == "Klantprofiel"  # the officer's lists: the organisation's language
    assert source.text("category", "de", "nl") == "Kundenprofil"
    assert source.text("purpose", "nl", "nl") == "uitvoering van de overeenkomst"
    assert source.text("purpose", "en", "nl") is None  # a plain text is Dutch, never English
    assert source.text("recipients", "fr", "nl") == ["Hébergeur (sous-traitant)"]
    assert settings.organisation.text("automated_decisions", "de") == "keine"
    missing = settings.missing_translations()
    assert "[[sources]] klanten: category in fr" in missing
    assert "[[sources]] klanten: purpose in en" in missing
    assert "[[sources]] klanten: recipients in de" in missing
    assert "[organisation] automated_decisions in en" in missing
    assert not any(line.endswith(" in nl") for line in missing)
    assert not any("legal_basis" in line for line in missing)  # not given at all: another check


def test_an_organisation_writing_in_english_has_plain_texts_in_english(tmp_path: Path) -> None:
    text = FULL + 'language = "en"\n' + SOURCE
    (source,) = load_configuration(write(tmp_path, text), environ={}).first.sources
    assert source.text("purpose", "en", "en") == "uitvoering van de overeenkomst"
    assert source.text("purpose", "nl", "en") is None
    assert source.category == "Customer profile"


def test_a_text_in_a_language_without_letters_names_the_key_and_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, FULL + SOURCE.replace('de = "Kundenprofil"', 'es = "Perfil"'))
    with pytest.raises(ConfigError) as exc:
        load_configuration(path, environ={})
    assert "sources.0" in problems(exc) and "category: 'es' is not a language" in str(exc.value)


def test_column_labels_are_given_per_language_as_dotted_keys_or_a_table(tmp_path: Path) -> None:
    text = (
        FULL + SOURCE + 'labels.nl = {naam = "Naam", email = "E-mailadres"}\n'
        'labels.de = {naam = "Name"}\n'
        + SOURCE.replace('"klanten"', '"andere"')
        + 'labels = {fr = {naam = "Nom"}}\n'
    )
    first, other = load_configuration(write(tmp_path, text), environ={}).first.sources
    assert first.labels == {"nl": {"naam": "Naam", "email": "E-mailadres"}, "de": {"naam": "Name"}}
    assert other.labels == {"fr": {"naam": "Nom"}}


def test_a_label_in_a_language_without_letters_names_the_key_and_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, FULL + SOURCE + 'labels.es = {naam = "Nombre"}\n')
    with pytest.raises(ConfigError) as exc:
        load_configuration(path, environ={})
    assert "'es' is not a language of the letters" in problems(exc)["sources.0.labels"]
    assert str(path) in str(exc.value)


def test_the_registers_period_is_five_years_and_never_shorter_than_a_cases(
    tmp_path: Path,
) -> None:
    assert load_configuration(write(tmp_path), environ={}).retention.register_days == 1826
    text = FULL + "\n[retention]\nclosed_case_days = 400\nregister_days = 300\n"
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as exc:
        load_configuration(path, environ={})
    assert "at least closed_case_days (400)" in problems(exc)["retention.register_days"]
    assert str(path) in str(exc.value)


def test_a_recipients_contact_names_it_in_any_of_its_languages(tmp_path: Path) -> None:
    text = (
        FULL + SOURCE + "[[sources.contacts]]\n"
        'recipient = "Hébergeur (sous-traitant)"\n'
        'address = "DPO@Hebergeur.example"\nlanguage = "fr"\n'
    )
    (source,) = load_configuration(write(tmp_path, text), environ={}).first.sources
    contact = source.contact_for(0)
    assert contact is not None and (contact.address, contact.language) == (
        "DPO@hebergeur.example", "fr",
    )  # fmt: skip
    assert source.contact_for(1) is None


def test_a_contact_naming_no_recipient_names_the_key_and_the_name(tmp_path: Path) -> None:
    contact = '[[sources.contacts]]\naddress = "dpo@x.example"\nlanguage = "nl"\n'
    path = write(tmp_path, FULL + SOURCE + contact + 'recipient = "Drukkerij"\n')
    with pytest.raises(ConfigError) as exc:
        load_configuration(path, environ={})
    assert "contacts: recipient 'Drukkerij' is not one of its recipients" in str(exc.value)
    assert "sources.0" in problems(exc) and str(path) in str(exc.value)
    bad = (
        FULL
        + SOURCE
        + contact.replace("dpo@x.example", "no address")
        + ('recipient = "Hostingbedrijf (verwerker)"\n')
    )
    with pytest.raises(ConfigError) as exc:
        load_configuration(write(tmp_path, bad), environ={})
    assert "not a valid e-mail address" in problems(exc)["sources.0.contacts.0.address"]


def test_a_sources_sqlite_file_lies_beside_the_configuration(tmp_path: Path) -> None:
    """As ``[database]``'s: a relative SQLite file in a source's ``url`` (and its statements'
    ``write_url``) is found beside the configuration file, wherever mailbot is started."""
    text = FULL + (
        '[[sources]]\nname = "shop"\nkind = "sql"\nurl = "sqlite:///shop.db"\n'
        'query = "SELECT * FROM klanten WHERE lower(email) = :email"\n'
        'category = "Klanten"\n'
        "[sources.statements]\n"
        'write_url = "sqlite:///data/shop.db"\ncontrol_address = "test@shop.example"\n'
        'erase = "DELETE FROM klanten WHERE lower(email) = :email"\n'
        'confirm.erase = "SELECT 1 FROM klanten WHERE lower(email) = :email"\n'
    )
    (source,) = load_configuration(write(tmp_path, text), environ={}).first.sources
    assert source.url == f"sqlite:///{tmp_path / 'shop.db'}"
    assert source.statements is not None
    assert source.statements.write_url == f"sqlite:///{tmp_path / 'data' / 'shop.db'}"

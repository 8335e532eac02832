"""The configuration: its schema (``schema``) and how it is read (``loading``).

``Settings`` is one mailbox's settings, ``Configuration`` the whole file (its mailboxes and
the sections they share); ``load_configuration`` reads the file once per command.
"""

from mailbot.config.loading import (
    DEFAULT_CONFIG_PATH,
    config_path,
    configuration_from_dict,
    load_configuration,
    settings_from_dict,
)
from mailbot.config.schema import (
    ClassificationSettings,
    Configuration,
    ContactSettings,
    DatabaseSettings,
    DataSourceSettings,
    DigestSettings,
    DraftSettings,
    ImapSettings,
    IntakeSettings,
    MailClientSettings,
    MaildirSettings,
    OrganisationSettings,
    RetentionSettings,
    Settings,
    SmtpSettings,
    SuppressionSettings,
    WebSettings,
    is_loopback,
)

__all__ = [
    "DEFAULT_CONFIG_PATH",
    "ClassificationSettings",
    "Configuration",
    "ContactSettings",
    "DataSourceSettings",
    "DatabaseSettings",
    "DigestSettings",
    "DraftSettings",
    "ImapSettings",
    "IntakeSettings",
    "MailClientSettings",
    "MaildirSettings",
    "OrganisationSettings",
    "RetentionSettings",
    "Settings",
    "SmtpSettings",
    "SuppressionSettings",
    "WebSettings",
    "config_path",
    "configuration_from_dict",
    "is_loopback",
    "load_configuration",
    "settings_from_dict",
]

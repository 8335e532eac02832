"""Configurations for mailbot in the tests: as a dict, and as the files the worker reads."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from tests.support.maildir import make_maildir
from tests.support.smtp import SmtpServer

# The customer file and the organisation of the command-line and web tests.
CUSTOMERS_CSV = "email,naam,klantnummer\ntom.baker@example.com,Tom Baker,C-1001\n"
ORGANISATION = """\
[organisation]
name = "Voorbeeld B.V."
officer_name = "R. de Functionaris"
addresses = ["privacy@voorbeeld.example"]
trusted_authserv_id = "mx.voorbeeld.example"
automated_decisions = {nl = "geen", en = "none", de = "keine", fr = "aucune"}
transfers_outside_eea = {nl = "geen", en = "none", de = "keine", fr = "aucun"}

[[sources]]
name = "klanten"
kind = "csv"
path = "klanten.csv"
email_column = "email"
category = {nl = "Klantprofiel", en = "Customer profile", de = "Kundenprofil", fr = "Profil client"}
purpose = {nl = "overeenkomst", en = "contract", de = "Vertrag", fr = "contrat"}
legal_basis = {nl = "overeenkomst", en = "contract", de = "Vertrag", fr = "contrat"}
retention = {nl = "36 maanden", en = "36 months", de = "36 Monate", fr = "36 mois"}
recipients.nl = ["Hosting (verwerker)"]
recipients.en = ["Hosting (processor)"]
recipients.de = ["Hosting (Auftragsverarbeiter)"]
recipients.fr = ["Hébergeur (sous-traitant)"]
"""


def mailbot_database_url(tmp_path: Path) -> str:
    """The test's database: its PostgreSQL one on that pass (see ``state_url``), else SQLite."""
    return os.environ.get("MAILBOT_DATABASE__URL") or f"sqlite:///{tmp_path / 'mailbot.db'}"


def base_config(tmp_path: Path, **sections: dict[str, Any]) -> dict[str, Any]:
    """A valid configuration as a dict: a Maildir in ``tmp_path``, SQLite there too."""
    config: dict[str, Any] = {
        "database": {"url": mailbot_database_url(tmp_path)},
        "maildir": {"path": str(tmp_path / "Maildir")},
        "organisation": {
            "name": "Voorbeeld B.V.",
            "officer_name": "A. Functionaris",
            "addresses": ["privacy@voorbeeld.example"],
            "timezone": "Europe/Amsterdam",
            "reference_prefix": "AVG",
        },
    }
    for name, values in sections.items():
        config.setdefault(name, {}).update(values)
    return config


def smtp_section(server: SmtpServer, **extra: Any) -> str:
    """The ``[smtp]`` section that sends to ``server``."""
    lines = [f"{key} = {json.dumps(value)}" for key, value in server.settings(**extra).items()]
    return "[smtp]\n" + "\n".join(lines) + "\n"


def maildir_config(tmp_path: Path, server: SmtpServer, extra: str = "") -> Path:
    """``mailbot.toml`` in ``tmp_path``: its Maildir, the customer CSV, sending to ``server``."""
    (tmp_path / "klanten.csv").write_text(CUSTOMERS_CSV, encoding="utf-8")
    make_maildir(tmp_path / "Maildir")
    path = tmp_path / "mailbot.toml"
    path.write_text(
        '[database]\nurl = "sqlite:///mailbot.db"\n[maildir]\npath = "Maildir"\n'
        + ORGANISATION
        + smtp_section(server, from_name="Privacy Voorbeeld")
        + extra,
        encoding="utf-8",
    )
    return path


def imap_config(tmp_path: Path, server: SmtpServer, dovecot: Any, user: str) -> Path:
    """``mailbot.toml`` in ``tmp_path``: ``user``'s mailbox on ``dovecot``, sending to
    ``server``."""
    (tmp_path / "klanten.csv").write_text(CUSTOMERS_CSV, encoding="utf-8")
    path = tmp_path / "mailbot.toml"
    path.write_text(
        '[database]\nurl = "sqlite:///mailbot.db"\n'
        f'[imap]\nhost = "127.0.0.1"\nport = {dovecot.port}\nsecurity = "none"\n'
        f'username = "{user}"\npassword = "secret"\ntimeout = 10\n'
        + ORGANISATION
        + smtp_section(server),
        encoding="utf-8",
    )
    return path


def worker_config(
    tmp_path: Path, url: str, port: int, mailbox: str, smtp: SmtpServer | None
) -> Path:
    """Dovecot's ``mailbox``; with ``smtp``, acknowledgements approved and sent automatically."""
    sending = ""
    if smtp is not None:
        settings = "\n".join(
            f"{key} = {json.dumps(value)}" for key, value in smtp.settings().items()
        )
        sending = (
            f"[smtp]\n{settings}\nmax_per_recipient_per_hour = 100\n\n"
            "[drafts]\nauto_acknowledge = true\n\n"
        )
    text = f"""\
[database]
url = "{url}"

[imap]
host = "127.0.0.1"
port = {port}
security = "none"
username = "{mailbox}"
password = "secret"
timeout = 10
idle_timeout = 5

{sending}[organisation]
name = "Voorbeeld B.V."
officer_name = "R. de Functionaris"
addresses = ["privacy@voorbeeld.example"]
automated_decisions = "geen"
transfers_outside_eea = "geen"
"""
    path = tmp_path / "mailbot.toml"
    path.write_text(text, encoding="utf-8")
    return path

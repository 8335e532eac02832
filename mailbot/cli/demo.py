"""``mailbot demo``: the real worker on a bundled sample mailbox, no mail server needed.

The sample Maildir is copied into a work directory with a configuration file
and an SQLite database, the worker reads it once, and the cases are printed.
The directory is kept, so every other command can be tried on it with the
``--config`` that is printed at the end. Running the demo again on the same
directory reads nothing twice. What it makes there is its owner's only (0600,
directories 0700), whatever the umask: the sample data stand for personal data.
"""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from importlib.resources import as_file, files
from pathlib import Path

import click

from mailbot.app import App
from mailbot.app.build import run_once
from mailbot.cli import output
from mailbot.config import load_configuration
from mailbot.ports import Outcome
from mailbot.service.cases import list_cases, list_mails
from mailbot.service.draft_views import list_drafts

CONFIG = """\
# Written by `mailbot demo`: a sample organisation, its mailbox and database.
[database]
url = "sqlite:///mailbot.db"

[maildir]
path = "maildir"

[organisation]
name = "Voorbeeld Onderwijsplanning B.V."
officer_name = "R. de Functionaris"
addresses = ["privacy@voorbeeld.example"]
# Whose Authentication-Results header counts: the company's own receiving server
# (deploy/mail-authentication.md); microsoft365 or google for those services.
mail_service = "own"
trusted_authserv_id = "mx.voorbeeld.example"
timezone = "Europe/Amsterdam"
reference_prefix = "AVG"
# The language of a plain text below; a text a letter shows may be given per language.
language = "nl"
signature_title = "Functionaris persoonsgegevens"
automated_decisions.nl = "geen: geen besluit berust alleen op automatische verwerking"
automated_decisions.en = "none: no decision rests on automated processing alone"
automated_decisions.de = "keine: keine Entscheidung beruht allein auf automatisierter Verarbeitung"
automated_decisions.fr = "aucune : aucune décision ne repose sur un seul traitement automatisé"
transfers_outside_eea.nl = "geen; al uw gegevens blijven binnen de Europese Economische Ruimte"
transfers_outside_eea.en = "none; all your data stay within the European Economic Area"
transfers_outside_eea.de = "keine; alle Ihre Daten bleiben im Europäischen Wirtschaftsraum"
transfers_outside_eea.fr = "aucun ; toutes vos données restent dans l'Espace économique européen"

# The company's customer file: who is "on file", and what a copy of their data holds.
[[sources]]
name = "klanten"
kind = "csv"
path = "klanten.csv"
email_column = "email"
name_column = "naam"
category.nl = "Klantprofiel"
category.en = "Customer profile"
category.de = "Kundenprofil"
category.fr = "Profil client"
purpose.nl = "uitvoering van de overeenkomst en relatiebeheer"
purpose.en = "performance of the contract and customer relations"
purpose.de = "Erfüllung des Vertrags und Kundenbetreuung"
purpose.fr = "exécution du contrat et gestion de la relation client"
legal_basis.nl = "overeenkomst (AVG art. 6 lid 1 onder b)"
legal_basis.en = "contract (GDPR Art. 6(1)(b))"
legal_basis.de = "Vertrag (Art. 6 Abs. 1 lit. b DSGVO)"
legal_basis.fr = "contrat (article 6, paragraphe 1, point b), du RGPD)"
retention.nl = "tot 36 maanden nadat u geen klant meer bent"
retention.en = "until 36 months after you stop being a customer"
retention.de = "bis 36 Monate nach dem Ende Ihrer Kundenbeziehung"
retention.fr = "jusqu'à 36 mois après la fin de la relation client"
recipients.nl = ["Hostingbedrijf Voorbeeld (verwerker)", "Mailingdienst Voorbeeld (verwerker)"]
recipients.en = ["Hosting company Voorbeeld (processor)", "Mailing service Voorbeeld (processor)"]
recipients.de = [
    "Hostinganbieter Voorbeeld (Auftragsverarbeiter)",
    "Versanddienst Voorbeeld (Auftragsverarbeiter)",
]
recipients.fr = ["Hébergeur Voorbeeld (sous-traitant)", "Service d'envoi Voorbeeld (sous-traitant)"]
provided_by_subject = true
marketing = true

# Art. 19: mailbot drafts the notice to the mailing service itself once an erasure, correction
# or restriction is done here; the hosting company stays an action for the officer to do.
[[sources.contacts]]
recipient = "Mailing service Voorbeeld (processor)"
address = "privacy@mailingdienst.example"
language = "en"

# The reception forwards requests that reach it: the original sender is then the requester.
[intake]
forwarders = ["info@voorbeeld.example"]

# Objections to direct marketing are kept as keyed hashes; a real key lives in the
# service's credentials (deploy/README.md), never beside the database.
[suppression]
key_file = "suppression-key"
"""
SPACING = timedelta(hours=31)  # between the arrivals of the sample mails


def _write_private(path: Path, data: bytes) -> None:
    """A new file ``path`` holding ``data``, readable by its owner only from the start."""
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as file:
        file.write(data)


def _copy_mailbox(target: Path) -> int:
    """Copy the sample mails into ``target/new``, arriving over the past weeks."""
    for folder in (target, target / "new", target / "cur", target / "tmp"):
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    with as_file(files("mailbot.demo") / "maildir") as source:
        names = sorted(path.name for path in Path(source).iterdir() if path.is_file())
        now = datetime.now(UTC)
        for index, name in enumerate(names):
            destination = target / "new" / name
            if destination.exists() or any((target / "cur").glob(f"{name}:*")):
                continue
            _write_private(destination, (Path(source) / name).read_bytes())
            arrived = (now - SPACING * (len(names) - index)).timestamp()
            os.utime(destination, (arrived, arrived))
    return len(names)


def run_demo(directory: Path | None) -> None:
    work = directory or Path(tempfile.mkdtemp(prefix="mailbot-demo-"))
    work.mkdir(mode=0o700, parents=True, exist_ok=True)
    config_file = work / "mailbot.toml"
    if not config_file.exists():
        _write_private(config_file, CONFIG.encode())
    key_file = work / "suppression-key"
    if not key_file.exists():
        _write_private(key_file, (secrets.token_hex(32) + "\n").encode())
    count = _copy_mailbox(work / "maildir")
    customers = work / "klanten.csv"
    if not customers.exists():
        _write_private(customers, (files("mailbot.demo") / "klanten.csv").read_bytes())
    app = App(load_configuration(config_file), config_file)
    try:
        report = run_once(app)
        assert report is not None
        click.echo(f"Sample mailbox: {count} mails in {work / 'maildir'}")
        read = (
            ", ".join(f"{n} {outcome}" for outcome, n in sorted(report.outcomes.items()))
            or "nothing new"
        )
        click.echo(f"Read now: {read}\n")
        click.echo(output.cases_table(list_cases(app.database, app.clock)))
        click.echo("\nDrafts waiting for the officer (nothing is sent before he approves it):")
        click.echo(output.drafts_table(list_drafts(app.database, app.clock, "pending")))
        for outcome, title in (
            (Outcome.IGNORED, "Ignored (machine mail, never answered)"),
            (Outcome.DUPLICATE, "Duplicates (the same mail delivered twice)"),
            (Outcome.FOLLOW_UP, "Follow-ups (joined to their case)"),
            (
                Outcome.QUARANTINED,
                "Quarantined (kept with the reason; see `mailbot quarantine list`)",
            ),
        ):
            found = list_mails(app.database, app.clock, outcome)
            if found:
                click.echo(f"\n{title}:")
                for mail in found:
                    detail = mail.case or mail.reason
                    click.echo(f"  #{mail.id} {mail.sender or '(no sender)'}: {detail}")
        program = _program()
        click.echo(
            f"\nTry: {program} cases show {_first_reference(app)} --config {config_file}\n"
            f"     {program} drafts show {_first_reply(app)} --config {config_file}\n"
            f"     {program} drafts approve {_first_reply(app)} --config {config_file}"
            "   (queued; this demo has no [smtp] to send it)\n"
            f"     {program} outbox list --config {config_file}\n"
            f"     {program} digest --config {config_file}\n"
            f"     {program} register stats --config {config_file}\n"
            f"     {program} cases list --json --config {config_file}\n"
            "\nThe review pages (Today, the cases, each draft and its confirmation):\n"
            f"     {program} users add rudi --config {config_file}   (type a password)\n"
            f"     {program} web --config {config_file}   then open http://127.0.0.1:8080/"
        )
    finally:
        app.close()


def _program() -> str:
    """How to call mailbot again: the script that is running, else plain ``mailbot``."""
    running = Path(sys.argv[0])
    return str(running.absolute()) if running.name == "mailbot" else "mailbot"


def _first_reply(app: App) -> int:
    replies = [d for d in list_drafts(app.database, app.clock, "pending") if d.kind == "reply"]
    return replies[0].id if replies else 1


def _first_reference(app: App) -> str:
    cases = list_cases(app.database, app.clock)
    return cases[0].reference if cases else "AVG-2026-0001"


@click.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to put the sample mailbox and database (default: a new temporary directory).",
)
def demo(directory: Path | None) -> None:
    """Run mailbot on a bundled sample mailbox; no mail server needed."""
    run_demo(directory)

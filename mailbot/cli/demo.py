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
import sqlite3
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

# The planner's own database (planning.db beside this file): the accounts and the timetables
# each account made. mailbot carries out an erasure, correction or restriction here itself,
# once the officer approved the plan (`mailbot cases plan`, then `mailbot cases execute`).
[[sources]]
name = "accounts"
kind = "sql"
url = "sqlite:///planning.db"
query = '''
SELECT a.naam, a.email, a.school, a.aangemaakt, a.beperkt, r.naam AS rooster, r.gewijzigd
FROM accounts a LEFT JOIN roosters r ON r.account = a.id
WHERE lower(a.email) = lower(:email) ORDER BY r.id'''
name_column = "naam"
category.nl = "Planneraccount en roosters"
category.en = "Planner account and timetables"
category.de = "Planerkonto und Stundenpläne"
category.fr = "Compte du planificateur et emplois du temps"
purpose.nl = "het leveren van de roosterplanner"
purpose.en = "providing the timetable planner"
purpose.de = "Bereitstellung des Stundenplaners"
purpose.fr = "fourniture du planificateur d'emplois du temps"
legal_basis.nl = "overeenkomst (AVG art. 6 lid 1 onder b)"
legal_basis.en = "contract (GDPR Art. 6(1)(b))"
legal_basis.de = "Vertrag (Art. 6 Abs. 1 lit. b DSGVO)"
legal_basis.fr = "contrat (article 6, paragraphe 1, point b), du RGPD)"
retention.nl = "zolang u de planner gebruikt, en 12 maanden daarna"
retention.en = "as long as you use the planner, and 12 months after"
retention.de = "solange Sie den Planer nutzen, und 12 Monate danach"
retention.fr = "tant que vous utilisez le planificateur, et 12 mois après"
recipients.nl = ["Back-updienst Voorbeeld (verwerker)"]
recipients.en = ["Backup service Voorbeeld (processor)"]
recipients.de = ["Sicherungsdienst Voorbeeld (Auftragsverarbeiter)"]
recipients.fr = ["Service de sauvegarde Voorbeeld (sous-traitant)"]
provided_by_subject = true
[sources.labels.nl]
naam = "Naam"
email = "E-mailadres"
aangemaakt = "Account sinds"
beperkt = "Beperkt"
gewijzigd = "Rooster gewijzigd"
[sources.labels.en]
naam = "Name"
email = "E-mail address"
aangemaakt = "Account since"
beperkt = "Restricted"
rooster = "Timetable"
gewijzigd = "Timetable changed"
[sources.labels.de]
naam = "Name"
email = "E-Mail-Adresse"
school = "Schule"
aangemaakt = "Konto seit"
beperkt = "Eingeschränkt"
rooster = "Stundenplan"
gewijzigd = "Stundenplan geändert"
[sources.labels.fr]
naam = "Nom"
email = "Adresse e-mail"
school = "École"
aangemaakt = "Compte depuis"
beperkt = "Limité"
rooster = "Emploi du temps"
gewijzigd = "Emploi du temps modifié"

# What the company wrote to carry out each decision: the address is always bound as :email,
# a rectification's new values as :naam. Each is idempotent (run twice, it changes nothing
# more); confirm lists what is left for the person afterwards (no row once done), and no
# statement may touch the company's own test customer (control_address).
[sources.statements]
control_address = "testklant@voorbeeld.example"
erase = [
  "DELETE FROM roosters WHERE account IN (SELECT id FROM accounts WHERE lower(email) = :email)",
  "DELETE FROM accounts WHERE lower(email) = :email",
]
restrict = "UPDATE accounts SET beperkt = 1 WHERE lower(email) = :email"
rectify = "UPDATE accounts SET naam = :naam WHERE lower(email) = :email"
[sources.statements.confirm]
erase = "SELECT id FROM accounts WHERE lower(email) = :email"
restrict = "SELECT id FROM accounts WHERE lower(email) = :email AND beperkt = 0"
rectify = "SELECT id FROM accounts WHERE lower(email) = :email AND naam <> :naam"

# Art. 19: the backup service is told by mailbot, in Dutch, once the planner's data are erased,
# corrected or restricted.
[[sources.contacts]]
recipient = "Back-updienst Voorbeeld (verwerker)"
address = "privacy@backupdienst.example"
language = "nl"

# The invoices, in the same database: the law makes the company keep them seven years from the
# end of the financial year of the newest invoice (Art. 52 AWR, Art. 2:10 BW), so an erasure
# keeps them, and says until when.
[[sources]]
name = "facturen"
kind = "sql"
url = "sqlite:///planning.db"
query = '''
SELECT nummer, naam, email, factuurdatum, bedrag FROM facturen
WHERE lower(email) = lower(:email) ORDER BY factuurdatum'''
name_column = "naam"
category.nl = "Facturen"
category.en = "Invoices"
category.de = "Rechnungen"
category.fr = "Factures"
purpose.nl = "facturering en de fiscale bewaarplicht"
purpose.en = "invoicing and the tax retention duty"
purpose.de = "Rechnungsstellung und die steuerliche Aufbewahrungspflicht"
purpose.fr = "facturation et obligation fiscale de conservation"
legal_basis.nl = "wettelijke plicht (AVG art. 6 lid 1 onder c; art. 52 AWR, art. 2:10 BW)"
legal_basis.en = "legal obligation (GDPR Art. 6(1)(c); Art. 52 AWR)"
legal_basis.de = "rechtliche Verpflichtung (Art. 6 Abs. 1 lit. c DSGVO; Art. 52 AWR)"
legal_basis.fr = "obligation légale (article 6, paragraphe 1, point c), du RGPD ; art. 52 AWR)"
retention.nl = "7 jaar na het einde van het boekjaar van de factuur"
retention.en = "7 years after the end of the financial year of the invoice"
retention.de = "7 Jahre nach dem Ende des Geschäftsjahres der Rechnung"
retention.fr = "7 ans après la fin de l'exercice de la facture"
recipients.nl = ["Boekhouddienst Voorbeeld (verwerker)"]
recipients.en = ["Bookkeeping service Voorbeeld (processor)"]
recipients.de = ["Buchhaltungsdienst Voorbeeld (Auftragsverarbeiter)"]
recipients.fr = ["Service comptable Voorbeeld (sous-traitant)"]
provided_by_subject = true
erasure = "keep"
keep_years = 7
keep_from = "factuurdatum"
[sources.labels.nl]
nummer = "Factuurnummer"
naam = "Naam"
email = "E-mailadres"
factuurdatum = "Factuurdatum"
bedrag = "Bedrag (EUR)"
[sources.labels.en]
nummer = "Invoice number"
naam = "Name"
email = "E-mail address"
factuurdatum = "Invoice date"
bedrag = "Amount (EUR)"
[sources.labels.de]
nummer = "Rechnungsnummer"
naam = "Name"
email = "E-Mail-Adresse"
factuurdatum = "Rechnungsdatum"
bedrag = "Betrag (EUR)"
[sources.labels.fr]
nummer = "Numéro de facture"
naam = "Nom"
email = "Adresse e-mail"
factuurdatum = "Date de facture"
bedrag = "Montant (EUR)"

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


def _make_planning(path: Path) -> None:
    """The sample company's own database at ``path``, from ``planning.sql``; made once, so
    that what an execution erased stays erased when the demo runs again."""
    if path.exists():
        return
    partial = path.with_name(path.name + ".new")
    partial.unlink(missing_ok=True)  # left by a run that stopped half-way
    _write_private(partial, b"")  # an empty file is an empty SQLite database: 0600 from the start
    script = (files("mailbot.demo") / "planning.sql").read_text(encoding="utf-8")
    connection = sqlite3.connect(partial)
    try:
        connection.executescript(script)
        connection.commit()
    finally:
        connection.close()
    partial.replace(path)


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
    _make_planning(work / "planning.db")
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
            f"     {program} cases plan {_first_erasure(app)} --config {config_file}"
            "   (what the erasure would change in accounts; a dry run)\n"
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


def _first_erasure(app: App) -> str:
    """The erasure that can be planned now: the person's address is known and vouched for."""
    for case in list_cases(app.database, app.clock):
        if "erasure" in case.rights and case.status == "ready_for_review":
            return case.reference
    return "AVG-2026-0002"


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

"""What the company's data sources, and mailbot itself, hold about one person.

The drafting pass asks two questions here: is this address on file anywhere, and
what is held under it, as the files that go with a reply (copies for access,
the person's own data for portability) and the counts per source that the
per-source actions are built from. Sources are read as streams; a source that
fails is named in ``failed`` and never hidden, and the other sources still count.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import date

from mailbot.config import DataSourceSettings, Settings
from mailbot.core.actions import SourceHolding
from mailbot.core.identity import MAX_NAME, greeting_name
from mailbot.core.kept import RowDates
from mailbot.core.rights import Right
from mailbot.datasources.base import DataSource, DataSourceError, Row, found_any
from mailbot.letters import copies, own_rows
from mailbot.letters.context import DraftFacts, context, own_record, source_texts
from mailbot.letters.render import Renderer
from mailbot.storage.database import Database
from mailbot.storage.models import CaseRecord, utcnow
from mailbot.storage.store import CaseStore

log = logging.getLogger(__name__)
OWN_RECORDS = "mailbot"


class PersonData:
    """Looks one person up in every data source, and in mailbot's own records."""

    def __init__(
        self,
        database: Database,
        settings: Settings,
        sources: Sequence[DataSource],
        renderer: Renderer,
    ) -> None:
        self.database = database
        self.settings = settings
        self.sources = list(sources)
        self.renderer = renderer

    def on_file(self, address: str, failed: list[str]) -> bool:
        found = False
        for source in self.sources:
            try:
                found = found_any(source, address) or found
            except DataSourceError as exc:
                failed.append(source.settings.name)
                log.warning("%s", exc)
        return found

    def name_on_file(self, address: str, failed: list[str]) -> str:
        """The person's name as a source with a ``name_column`` holds it ("" when none does)."""
        for source in self.sources:
            column = source.settings.name_column
            if not column:
                continue
            for row in self.rows(source, address, failed):
                value = row.get(column)
                name = " ".join(str(value).split()) if value is not None else ""
                if name:
                    return greeting_name(name) or name[:MAX_NAME]
        return ""

    def rows(self, source: DataSource, address: str, failed: list[str]) -> Iterator[Row]:
        """The source's rows, streamed; a failure ends them and is recorded, never hidden."""
        try:
            yield from source.rows(address)
        except DataSourceError as exc:
            failed.append(source.settings.name)
            log.warning("%s", exc)

    def files(
        self, case: CaseRecord, address: str, language: str, failed: list[str]
    ) -> tuple[tuple[copies.CopyFile, ...], list[SourceHolding]]:
        """The person's data from every source (and mailbot's own records), as files: for
        access the overview and a CSV per source; for portability JSON (and CSV) of what the
        person provided, with a manifest. No more files than the person needs."""
        rights = {Right(name) for name in case.rights}
        wants_copy = Right.ACCESS in rights
        wants_port = Right.PORTABILITY in rights
        tables: list[copies.Table] = []
        counted: dict[str, int] = {}
        dates: dict[str, RowDates] = {}
        for source in self.sources:
            settings = source.settings
            rows = self.rows(source, address, failed)
            if settings.erasure == "keep" and settings.keep_from:
                dates[settings.name] = RowDates()
                rows = _dated(rows, settings.keep_from, dates[settings.name])
            portable = wants_port and settings.provided_by_subject
            if wants_copy or portable:
                tables.append(self._table(settings, rows, language, portable=portable))
            else:
                counted[settings.name] = sum(1 for _ in rows)
        if wants_copy:
            own = own_record(self.settings, language)
            category, purpose = own["category"], own["purpose"]
            records = self.own_records(address, case.mailbox, language)
            labels = own_rows.labels(language)
            tables.append(copies.Table(OWN_RECORDS, category, records, (), purpose, None, labels))
        zone = self.settings.organisation.zone
        built = copies.build(tables, language=language, zone=zone)  # streams every table's rows
        counted.update(built.counts)
        holdings = [
            SourceHolding(
                source.settings,
                counted.get(source.settings.name, 0),
                _newest(dates.get(source.settings.name), source.settings.name in failed),
            )
            for source in self.sources
        ]
        if not (wants_copy or wants_port):
            return (), holdings
        reference = case.reference
        overview = None
        if wants_copy:
            facts = DraftFacts(
                reference=reference,
                received=case.received_at.astimezone(zone).date(),
                due=case.due_date or case.received_at.astimezone(zone).date(),
                rights=list(case.rights),
                generated=utcnow().astimezone(zone).date(),
                tables=list(built.overview_tables),
            )
            overview = self.renderer.overview(language, context(self.settings, language, facts))
        manifest = None
        if built.portable:
            organisation = self.settings.organisation.name
            manifest = copies.manifest(reference, organisation, tables, built)
        files = copies.finish(
            built,
            overview_html=overview,
            manifest_file=manifest,
            language=language,
            reference=reference,
            zip_above=self.settings.drafts.zip_above_bytes,
        )
        return files, holdings

    def _table(
        self, source: DataSourceSettings, rows: Iterator[Row], language: str, *, portable: bool
    ) -> copies.Table:
        """A source's rows, described and labelled in the person's language, as the letter
        describes them."""
        texts = source_texts(self.settings, source, language)
        return copies.Table(
            source.name, texts["category"], rows, texts["recipients"], texts["purpose"],
            texts["retention"], source.labels.get(language, {}), portable,
        )  # fmt: skip

    def own_records(self, address: str, mailbox: str, language: str) -> Iterator[Row]:
        """What mailbot itself keeps about the person: their cases and mails in this mailbox
        (another mailbox is another organisation's, or another part of it), in words of
        ``language`` (no status codes)."""
        with self.database.reader() as session:
            store = CaseStore(session)
            for case in store.cases_of(address, mailbox):
                assert case.id is not None
                yield own_rows.case_row(
                    case.reference, case.received_at, list(case.rights), case.status,
                    case.subject, language=language,
                )  # fmt: skip
                for mail in store.case_mails(case.id):
                    yield own_rows.mail_row(
                        case.reference, mail.arrived_at, mail.subject, language=language
                    )


def _dated(rows: Iterator[Row], column: str, dates: RowDates) -> Iterator[Row]:
    """``rows`` as they are, their ``column`` dates seen by ``dates`` on the way."""
    for row in rows:
        dates.see(row.get(column))
        yield row


def _newest(dates: RowDates | None, failed: bool) -> date | None:
    """The newest row's date, unless a row's was unreadable or the source failed midway."""
    return None if dates is None or failed else dates.known

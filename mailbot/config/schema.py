"""The configuration's schema: each section of the TOML file, one mailbox's ``Settings`` and
the whole file's ``Configuration``. Validation only; reading the file, the environment and
the secret files is ``mailbot.config.loading``'s."""

from __future__ import annotations

import ipaddress
import os
import re
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Annotated, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from email_validator import EmailNotValidError, validate_email
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from mailbot.core.authentication import MailService, Trust
from mailbot.core.retention import REGISTER_DAYS, Periods
from mailbot.core.suppression import key_problem
from mailbot.errors import NotFound


def _email(value: str) -> str:
    try:
        return validate_email(value, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError(f"not a valid e-mail address: {exc}") from None


EmailAddress = Annotated[str, AfterValidator(_email)]


def _split_list(value: object) -> object:
    """Accept ``a@x, b@y`` from the environment as well as a TOML array."""
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


def _resolve_path(value: Path | None, info: ValidationInfo) -> Path | None:
    if value is None:
        return None
    base = (info.context or {}).get("base_dir")
    value = Path(os.path.expandvars(str(value))).expanduser()
    if not value.is_absolute() and base is not None:
        value = Path(base) / value
    return value


LetterLanguage = Literal["nl", "en", "de", "fr"]
LETTER_LANGUAGES: tuple[LetterLanguage, ...] = ("nl", "en", "de", "fr")
# Texts a letter shows, which may be given per language: ``purpose = {nl = "...", de = "..."}``.
# A plain string is in the organisation's own language (``organisation.language``).
SOURCE_TEXTS = ("category", "purpose", "legal_basis", "retention", "recipients", "origin")
ORGANISATION_TEXTS = ("automated_decisions", "transfers_outside_eea", "signature_title")
Translations = dict[str, dict[str, str | list[str]]]  # language -> key -> text
_T = TypeVar("_T")


def _split_texts(data: object, keys: tuple[str, ...], own: str) -> object:
    """Move each text given per language into ``translations``; the key keeps the text in
    the organisation's own language (the officer's lists and checks read that one)."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    translations: dict[str, dict[str, object]] = {
        language: dict(texts) for language, texts in (data.get("translations") or {}).items()
    }
    for key in keys:
        value = data.get(key)
        if not isinstance(value, dict):
            continue
        for language, text in value.items():
            _check_language(language, f"{key}: ")
            translations.setdefault(language, {})[key] = text
        if own in value:
            data[key] = value[own]
        elif key == "category":  # a name is needed in the officer's lists all the same
            data[key] = value.get("en") or next(iter(value.values()), "")
        else:
            data[key] = None
    if translations:
        data["translations"] = translations
    return data


def _check_language(language: str, where: str = "") -> None:
    if language not in LETTER_LANGUAGES:
        raise ValueError(
            f"{where}{language!r} is not a language of the letters ({', '.join(LETTER_LANGUAGES)})"
        )


def _check_translations(value: dict[str, _T]) -> dict[str, _T]:
    """Keys are languages of the letters (``translations``, ``labels``)."""
    for language in value:
        _check_language(language)
    return value


class _Texts:
    """A section whose texts may be given per language (``translations``)."""

    translations: Translations

    def _text_in(self, key: str, language: str, own: str) -> str | list[str] | None:
        """``key`` in ``language``: its translation, or the plain text when that is in
        ``language`` (``own``, the organisation's)."""
        found = self.translations.get(language, {}).get(key)
        if found is None and language == own:
            plain: str | list[str] | None = getattr(self, key)
            return plain
        return found

    def _untranslated(self, keys: tuple[str, ...], own: str, where: str) -> list[str]:
        """``where KEY in LANGUAGE`` for each text given, but not in each letter language."""
        given = [
            key
            for key in keys
            if getattr(self, key) is not None or any(key in t for t in self.translations.values())
        ]
        return [
            f"{where}{key} in {language}"
            for language in LETTER_LANGUAGES
            for key in given
            if self._text_in(key, language, own) is None
        ]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _sqlite_beside(value: str | None, info: ValidationInfo) -> str | None:
    """A relative SQLite file in a source's URL lies beside the configuration file, as
    ``[database]``'s does (not in whatever directory mailbot was started from)."""
    if value is None:
        return None
    try:
        url = make_url(value)
    except ArgumentError:
        return value  # the connection names what is wrong
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database not in ("", ":memory:"):
        if database.startswith("file:"):  # an SQLite URI (?uri=true): taken as it is
            return value
        path = _resolve_path(Path(database), info)
        return url.set(database=str(path)).render_as_string(hide_password=False)
    return value


class DatabaseSettings(_Section):
    # validate_default: the default file, too, lies beside the configuration file.
    url: str = Field("sqlite:///mailbot.db", validate_default=True)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str, info: ValidationInfo) -> str:
        try:
            url = make_url(value)
        except ArgumentError:
            raise ValueError("not a database URL (e.g. sqlite:///mailbot.db)") from None
        backend = url.get_backend_name()
        if backend not in ("sqlite", "postgresql", "postgres"):
            raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
        return _sqlite_beside(value, info) or value


class ImapSettings(_Section):
    host: str
    port: int = Field(993, ge=1, le=65535)
    security: Literal["tls", "starttls", "none"] = "tls"
    ca_file: Path | None = None
    username: str
    auth: Literal["password", "xoauth2"] = "password"
    password: SecretStr | None = None
    oauth2_token_command: str | None = None
    oauth2_token_file: Path | None = None
    folder: str = "INBOX"
    requests_folder: str = "AVG-verzoeken"
    other_folder: str = ""
    idle_timeout: float = Field(540.0, gt=0, le=600)
    poll_interval: float = Field(60.0, gt=0)
    timeout: float = Field(60.0, gt=0)

    sent_folder: str = "auto"

    _resolve = field_validator("ca_file", "oauth2_token_file")(_resolve_path)

    @model_validator(mode="after")
    def _credentials(self) -> ImapSettings:
        if self.security == "none" and not is_loopback(self.host):
            raise ValueError(
                "imap.security = none would send the login unencrypted: "
                "use tls or starttls (none is only for a server on loopback)"
            )
        if self.auth == "password" and self.password is None:
            raise ValueError(
                "imap.password (or password_file) is required when imap.auth is password"
            )
        if self.auth == "xoauth2" and not (self.oauth2_token_command or self.oauth2_token_file):
            raise ValueError(
                "imap.oauth2_token_command or imap.oauth2_token_file is required "
                "when imap.auth is xoauth2"
            )
        return self


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine (``localhost`` or a loopback address)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class SmtpSettings(_Section):
    """Where approved replies are sent; ``from_address`` is the officer's (or a shared) address."""

    host: str
    port: int = Field(587, ge=1, le=65535)
    security: Literal["tls", "starttls", "none"] = "starttls"
    ca_file: Path | None = None
    auth: Literal["password", "xoauth2"] = "password"
    username: str | None = None
    password: SecretStr | None = None
    oauth2_token_command: str | None = None
    oauth2_token_file: Path | None = None
    from_address: EmailAddress
    from_name: str | None = None
    timeout: float = Field(60.0, gt=0)
    retry_for: float = Field(86400.0, gt=0)
    max_per_recipient_per_hour: int = Field(10, ge=1)

    _resolve = field_validator("ca_file", "oauth2_token_file")(_resolve_path)

    @model_validator(mode="after")
    def _credentials(self) -> SmtpSettings:
        if self.auth == "xoauth2":
            if not self.username:
                raise ValueError("smtp.username is required when smtp.auth is xoauth2")
            if not (self.oauth2_token_command or self.oauth2_token_file):
                raise ValueError(
                    "smtp.oauth2_token_command or smtp.oauth2_token_file is required "
                    "when smtp.auth is xoauth2"
                )
        elif (self.username is None) != (self.password is None):
            raise ValueError(
                "smtp.username and smtp.password (or password_file) go together: "
                "give both, or neither for a relay that needs no login"
            )
        sends_credentials = self.username is not None
        if self.security == "none" and sends_credentials and not is_loopback(self.host):
            raise ValueError(
                "smtp.security = none would send the login unencrypted: "
                "use tls or starttls (none is only for a server on loopback)"
            )
        return self


class OrganisationSettings(_Section, _Texts):
    name: str = Field(min_length=1)
    officer_name: str = Field(min_length=1)
    addresses: Annotated[list[EmailAddress], Field(min_length=1)]
    # Whose Authentication-Results header counts (DOMAIN.md section 4): the receiving service
    # that wrote it. "own": a server of our own, known by its authserv-id (trusted_authserv_id);
    # "microsoft365": Exchange Online (no authserv-id, the value begins with "spf="...);
    # "google": Google Workspace ("mx.google.com").
    mail_service: Literal["own", "microsoft365", "google"] = "own"
    trusted_authserv_id: str | None = None
    timezone: str = "Europe/Amsterdam"
    reference_prefix: str = Field("AVG", pattern=r"^[A-Za-z][A-Za-z0-9]{0,15}$")
    postal_address: str | None = None
    automated_decisions: str | None = None
    transfers_outside_eea: str | None = None
    language: LetterLanguage = "nl"  # the language of a plain text (``purpose = "..."``)
    # the officer's title under his name ("Functionaris persoonsgegevens"); a DPO only if
    # appointed as one (Art. 37): the letters' own default says neither
    signature_title: str | None = None
    translations: Annotated[Translations, AfterValidator(_check_translations)] = {}

    _split_addresses = field_validator("addresses", mode="before")(_split_list)

    @model_validator(mode="before")
    @classmethod
    def _texts(cls, data: object) -> object:
        own = data.get("language", "nl") if isinstance(data, dict) else "nl"
        return _split_texts(data, ORGANISATION_TEXTS, str(own))

    def text(self, key: str, language: str) -> str | None:
        """One of ``ORGANISATION_TEXTS`` in ``language``, if given."""
        found = self._text_in(key, language, self.language)
        return found if isinstance(found, str) else None

    @field_validator("timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (e.g. Europe/Amsterdam)") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def trust(self) -> Trust:
        """Whose Authentication-Results header counts (``core.authentication``)."""
        return Trust(MailService(self.mail_service), self.trusted_authserv_id)


class MaildirSettings(_Section):
    path: Path
    poll_interval: float = Field(30.0, gt=0)

    _resolve = field_validator("path")(_resolve_path)


class IntakeSettings(_Section):
    max_mail_bytes: int = Field(50 * 1024 * 1024, gt=0)
    max_attachment_bytes: int = Field(15 * 1024 * 1024, ge=0)
    max_parts: int = Field(200, gt=0)
    max_depth: int = Field(8, gt=0)
    time_limit: float = Field(30.0, gt=0, le=3600)
    # Colleagues whose (authenticated) forwards make the forwarded sender the requester;
    # a forward from anyone else is that person's own mail.
    forwarders: list[EmailAddress] = []

    _split_forwarders = field_validator("forwarders", mode="before")(_split_list)


def _one_or_more(value: object) -> object:
    """A statement given alone, or a list of them run in order."""
    return [value] if isinstance(value, str) else value


def bind_names(sql: str) -> list[str]:
    """The named parameters (``:email``, ``:naam``) of a statement, as SQLAlchemy reads them."""
    return list(sql_text(sql).compile().params)


STATEMENT_KEYS = ("erase", "restrict", "rectify")
# The address compared as a pattern: ``_`` and ``%`` in an address someone registered
# (``tom_baker@...``) would match another person's rows (``tom.baker@...``).
_PATTERN_MATCH = re.compile(
    r"(?:\b(?:i?like|glob|similar\s+to|regexp|rlike|match)\b|~~?\*?|!~)"
    r"(?:(?!\b(?:and|or|where|then|when|else)\b)[^,;)])*?:email\b",
    re.IGNORECASE,
)


# Where a statement may take the address: ``col = :email``, ``lower(col) = lower(:email)``,
# ``col IN (:email)``; nothing else (no pattern, no substring, no <>, no concatenation).
_BEFORE_ADDRESS = re.compile(
    r"(?:(?<![<>!])=|\bin\s*\()\s*(?:(?:lower|upper|trim)\s*\(\s*)*$", re.IGNORECASE
)
_AFTER_ADDRESS = re.compile(
    r"^(?:\s*\))*\s*(?:$|[,;)]|\b(?:and|or|order|group|limit|offset|union|except|intersect|"
    r"returning|then|else|end|having|for)\b)",
    re.IGNORECASE,
)


def address_compared(sql: str, where: str) -> None:
    """A statement or confirm query takes ``:email`` only as what a column equals: any other
    use (a pattern, a substring, ``<>``, a concatenation) could reach other people's rows."""
    for found in re.finditer(r":email\b", sql):
        before, after = sql[: found.start()], sql[found.end() :]
        if not (_BEFORE_ADDRESS.search(before) and _AFTER_ADDRESS.search(after)):
            raise ValueError(
                f"{where}: takes :email other than as what a column equals; write "
                "email = :email, lower(email) = :email or email IN (:email), so that no "
                "address can match another person's rows"
            )


def no_pattern_match(sql: str, where: str) -> None:
    """Refuse ``:email`` used as a pattern (LIKE, GLOB, SIMILAR TO, regular expressions)."""
    if _PATTERN_MATCH.search(sql):
        raise ValueError(
            f"{where}: compares :email as a pattern (LIKE and the like): an address holding _ "
            "or % would match other people's rows; compare with = (lower(email) = :email)"
        )


class ConfirmSettings(_Section):
    """``[sources.statements.confirm]``: per statement, a query listing what is LEFT TO DO for
    the person; it must return no row once the statement ran."""

    erase: str | None = None
    restrict: str | None = None
    rectify: str | None = None


class StatementSettings(_Section):
    """``[sources.statements]``: the SQL a source's company wrote to carry out a right there
    (``service.execution``). Each takes ``:email``; ``rectify`` also the fields the officer
    gives new values for. Idempotent by contract: running one twice changes nothing more."""

    erase: list[str] | None = None
    restrict: list[str] | None = None
    rectify: list[str] | None = None
    confirm: ConfirmSettings = ConfirmSettings()
    control_address: EmailAddress | None = None  # a test customer no statement may touch
    write_url: str | None = None  # default: the source's url
    timeout: float | None = Field(None, gt=0)  # per statement; default: the source's

    _split = field_validator("erase", "restrict", "rectify", mode="before")(_one_or_more)
    _beside = field_validator("write_url")(_sqlite_beside)

    def for_key(self, key: str) -> list[str]:
        """The statements of ``key`` (``erase``, ``restrict``, ``rectify``); [] when none."""
        found: list[str] | None = getattr(self, key)
        return list(found or [])

    @property
    def fields(self) -> tuple[str, ...]:
        """The fields ``rectify`` sets: its parameters besides ``email``, in order."""
        names: list[str] = []
        for sql in self.rectify or []:
            names += [name for name in bind_names(sql) if name != "email" and name not in names]
        return tuple(names)

    def _no_patterns(self) -> None:
        for key in STATEMENT_KEYS:
            for sql in self.for_key(key):
                no_pattern_match(sql, key)
                address_compared(sql, key)
            confirm_sql = getattr(self.confirm, key)
            if confirm_sql:
                no_pattern_match(confirm_sql, f"confirm.{key}")
                address_compared(confirm_sql, f"confirm.{key}")

    @model_validator(mode="after")
    def _complete(self) -> StatementSettings:
        given = [key for key in STATEMENT_KEYS if getattr(self, key)]
        if not given:
            raise ValueError("give at least one of erase, restrict, rectify")
        if self.control_address is None:
            raise ValueError(
                "control_address is required: a test customer's address in that database, "
                "which every execution checks was not touched"
            )
        for key in given:
            for sql in self.for_key(key):
                names = set(bind_names(sql))
                if "email" not in names:
                    raise ValueError(f"{key}: each statement must take the address as :email")
                if key != "rectify" and names != {"email"}:
                    extra = ", ".join(sorted(names - {"email"}))
                    raise ValueError(f"{key}: takes only :email, not :{extra}")
            confirm = getattr(self.confirm, key)
            if not confirm:
                raise ValueError(
                    f"confirm.{key} is missing: a query listing what is left to do for the "
                    "person (no row once it ran)"
                )
            allowed = {"email", *self.fields} if key == "rectify" else {"email"}
            unknown = set(bind_names(confirm)) - allowed
            if unknown:
                raise ValueError(f"confirm.{key}: unknown parameter :{sorted(unknown)[0]}")
        for key in STATEMENT_KEYS:
            if getattr(self.confirm, key) and not getattr(self, key):
                raise ValueError(f"confirm.{key} is given without the statement {key}")
        self._no_patterns()
        return self


class ContactSettings(_Section):
    """One ``[[sources.contacts]]`` entry: where a recipient of the source is told of an
    erasure, rectification or restriction (Art. 19), and in which language."""

    recipient: str = Field(min_length=1)  # its name as in the source's ``recipients``
    address: EmailAddress
    language: LetterLanguage


class DataSourceSettings(_Section, _Texts):
    """One ``[[sources]]`` entry: where the company keeps data about people, and why."""

    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$")
    kind: Literal["sql", "csv"]
    url: str | None = None
    query: str | None = None
    path: Path | None = None
    email_column: str | None = None
    name_column: str | None = None  # the person's name on file, for the greeting of a letter
    delimiter: str = Field(",", min_length=1, max_length=1)
    encoding: str = "utf-8"
    timeout: float = Field(10.0, gt=0)
    category: str = Field(min_length=1)
    purpose: str | None = None
    legal_basis: str | None = None
    retention: str | None = None
    recipients: list[str] | None = None
    # the recipients' contacts: a recipient without one is told by hand (``mailbot cases done``)
    contacts: list[ContactSettings] = []
    origin: str | None = None
    provided_by_subject: bool = False
    erasure: Literal["erase", "keep"] = "erase"
    # With erasure = "keep": kept this many years after the end of the (calendar) year of
    # ``keep_from`` (a column of the rows: each row's date), else of the erasure's year.
    keep_years: int | None = Field(None, gt=0)
    keep_from: str | None = Field(None, min_length=1)
    marketing: bool = False
    statements: StatementSettings | None = None  # carried out by mailbot (kind sql only)
    translations: Annotated[Translations, AfterValidator(_check_translations)] = {}
    # column -> its label in the copies, per language: ``labels.nl = {naam = "Naam"}``
    labels: Annotated[dict[str, dict[str, str]], AfterValidator(_check_translations)] = {}

    _resolve = field_validator("path")(_resolve_path)
    _beside = field_validator("url")(_sqlite_beside)

    @model_validator(mode="before")
    @classmethod
    def _texts(cls, data: object, info: ValidationInfo) -> object:
        own = (info.context or {}).get("language", "nl")
        return _split_texts(data, SOURCE_TEXTS, str(own))

    def text(self, key: str, language: str, own: str) -> str | list[str] | None:
        """One of ``SOURCE_TEXTS`` in ``language`` (``own``: the organisation's language)."""
        return self._text_in(key, language, own)

    @model_validator(mode="after")
    def _connection(self) -> DataSourceSettings:
        if self.kind == "sql":
            if not self.url or not self.query:
                raise ValueError(f"source {self.name!r}: kind sql needs url and query")
            if ":email" not in self.query:
                raise ValueError(f"source {self.name!r}: the query must take the address as :email")
            no_pattern_match(self.query, f"source {self.name!r}: query")
        elif self.statements is not None:
            raise ValueError(
                f"source {self.name!r}: statements are for kind sql; a csv source stays manual"
            )
        elif not self.path or not self.email_column:
            raise ValueError(f"source {self.name!r}: kind csv needs path and email_column")
        return self

    @model_validator(mode="after")
    def _contacts(self) -> DataSourceSettings:
        """Each contact names one of the recipients, in any language they are given in."""
        for contact in self.contacts:
            if self.recipient_index(contact.recipient) is None:
                raise ValueError(
                    f"source {self.name!r}: contacts: recipient {contact.recipient!r} is not "
                    "one of its recipients"
                )
        return self

    def _recipient_lists(self) -> list[list[str]]:
        lists = [self.recipients or []]
        for texts in self.translations.values():
            found = texts.get("recipients")
            if isinstance(found, list):
                lists.append(found)
        return lists

    def recipient_index(self, name: str) -> int | None:
        """The position of recipient ``name`` in ``recipients``, matched in any language."""
        wanted = name.strip().casefold()
        for names in self._recipient_lists():
            for index, given in enumerate(names):
                if given.strip().casefold() == wanted:
                    return index
        return None

    def contact_for(self, index: int) -> ContactSettings | None:
        """The contact of the recipient at ``index``, if one is configured."""
        for contact in self.contacts:
            if self.recipient_index(contact.recipient) == index:
                return contact
        return None

    @model_validator(mode="after")
    def _kept(self) -> DataSourceSettings:
        if self.keep_years is not None and self.erasure != "keep":
            raise ValueError(
                f'source {self.name!r}: keep_years is for a source whose erasure is "keep"'
            )
        if self.keep_from is not None and self.keep_years is None:
            raise ValueError(f"source {self.name!r}: keep_from needs keep_years")
        return self

    def missing_for_access(self) -> list[str]:
        """Keys an access reply needs (Art. 15) that this source does not give."""
        needed = {
            "purpose": self.purpose,
            "legal_basis": self.legal_basis,
            "retention": self.retention,
            "recipients": self.recipients,
        }
        missing = [key for key, value in needed.items() if value is None]
        if not self.provided_by_subject and self.origin is None:
            missing.append("origin (the data did not come from the person: where from?)")
        return missing


class DraftSettings(_Section):
    templates: Path | None = None
    zip_above_bytes: int = Field(5 * 1024 * 1024, ge=0)
    max_mail_bytes: int = Field(20 * 1024 * 1024, gt=0)
    auto_acknowledge: bool = False
    # A reminder draft when the person has not answered an identification or confirmation
    # request this many days after it was sent; 0: never. At most three months, the longest
    # a request may take.
    reminder_after_days: int = Field(7, ge=0, le=92)

    _resolve = field_validator("templates")(_resolve_path)


class DigestSettings(_Section):
    """A daily summary for the officer: what is due, overdue, waiting, failed, quarantined."""

    to: EmailAddress
    at: str = Field("08:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    language: Literal["nl", "en"] | None = None  # the officer's; default: [web] language

    @property
    def time(self) -> time:
        hours, minutes = self.at.split(":")
        return time(int(hours), int(minutes))


class WebSettings(_Section):
    """The review pages (``mailbot web``)."""

    language: Literal["nl", "en"] = "nl"  # of the login page and of new users
    # The address the officer opens the pages at (behind the TLS proxy): the digest links to it.
    base_url: str | None = Field(None, pattern=r"^https?://[^\s/?#]+(/[^\s?#]*)?$")
    session_hours: float = Field(12, gt=0, le=24 * 30)  # a session ends this long after login
    trusted_proxies: list[str] = []  # whose X-Forwarded-* headers count: none unless configured
    login_attempts: int = Field(5, ge=1)  # failed logins per user name (or 4x per client)...
    login_window_minutes: float = Field(15, gt=0)  # ...within this many minutes, then a pause

    _split = field_validator("trusted_proxies", mode="before")(_split_list)


class ClassificationSettings(_Section):
    low_confidence: float = Field(0.7, ge=0, le=1)


class RetentionSettings(_Section):
    """How long the personal data of a case are kept after it ended (``mailbot purge``), and
    how long its register row and bare trail (``register_days``)."""

    closed_case_days: int = Field(365, ge=0)
    erasure_case_days: int = Field(30, ge=0)  # erasure cases: at most this long
    register_days: int = Field(REGISTER_DAYS, ge=1)  # the register row and the bare trail

    @field_validator("register_days")
    @classmethod
    def _register_outlives_cases(cls, value: int, info: ValidationInfo) -> int:
        closed = info.data.get("closed_case_days")
        if closed is not None and value < closed:
            raise ValueError(
                f"must be at least closed_case_days ({closed}): the register row of a case "
                "stays at least as long as the case"
            )
        return value

    @property
    def periods(self) -> Periods:
        return Periods(self.closed_case_days, self.erasure_case_days, self.register_days)


class SuppressionSettings(_Section):
    """The key of the marketing suppression list (keep it in the credentials, never beside it)."""

    key: SecretStr

    @field_validator("key")
    @classmethod
    def _check_key(cls, value: SecretStr) -> SecretStr:
        problem = key_problem(value.get_secret_value())
        if problem:
            raise ValueError(problem)
        return value


class MailClientSettings(_Section):
    """Review in the officer's own mail client: the folders his drafts go to and come from.

    Each draft waiting for review is placed in ``review_folder`` (and, when
    ``drafts_folder`` is set, in his Drafts folder); moving it to ``approve_folder``
    sends it, to ``reject_folder`` drops it; mailbot then moves it to ``done_folder``.
    Folders are created when missing. ``drafts_folder = "auto"`` is the folder the
    server marks ``\\Drafts``. With ``watch_sent``, mail he sends himself is recognised
    in his Sent folder (``imap.sent_folder``). The folders are looked at when mail
    arrives, the moment a copy is moved to ``approve_folder``, and every
    ``poll_interval`` seconds.
    """

    review_folder: str = Field("AVG-beoordelen", min_length=1)
    approve_folder: str = Field("AVG-goedkeuren", min_length=1)
    reject_folder: str = Field("AVG-afwijzen", min_length=1)
    done_folder: str = Field("AVG-afgehandeld", min_length=1)
    drafts_folder: str = ""
    watch_sent: bool = True
    poll_interval: float = Field(60.0, gt=0, le=3600)

    @property
    def folders(self) -> list[str]:
        """The folders mailbot keeps (created when missing), a Drafts folder named outright
        included."""
        named = [self.review_folder, self.approve_folder, self.reject_folder, self.done_folder]
        return named + ([self.drafts_folder] if self.drafts_folder not in ("", "auto") else [])

    def special(self, sent_folder: str) -> dict[str, str]:
        """The special folders it needs, as configured (``"auto"``: found on the server);
        Sent is read even when ``imap.sent_folder = ""`` turns filing there off."""
        wanted = {"sent": sent_folder or "auto"} if self.watch_sent else {}
        return wanted | ({"drafts": "auto"} if self.drafts_folder == "auto" else {})

    @model_validator(mode="after")
    def _distinct(self) -> MailClientSettings:
        folders = [self.review_folder, self.approve_folder, self.reject_folder, self.done_folder]
        if len({folder.lower() for folder in folders}) != len(folders):
            raise ValueError("the review, approve, reject and done folders must be four folders")
        return self


MAILBOX_SECTIONS = (
    "organisation", "imap", "maildir", "smtp", "digest", "sources", "drafts", "intake",
    "classification", "mail_client",
)  # fmt: skip
MAILBOX_NAME = r"^[a-z0-9][a-z0-9_-]{0,31}$"
DEFAULT_MAILBOX = "default"


class Settings(_Section):
    """One mailbox's settings: the shared sections and its own (see ``[[mailboxes]]``).

    A file without ``[[mailboxes]]`` is one mailbox, ``default``. With them, each
    mailbox's sections replace the top-level ones of the same name; ``database``,
    ``web``, ``retention`` and ``suppression`` are shared. The whole file is a
    ``Configuration``.
    """

    mailbox: str = Field(DEFAULT_MAILBOX, pattern=MAILBOX_NAME)
    database: DatabaseSettings = DatabaseSettings()
    imap: ImapSettings | None = None
    maildir: MaildirSettings | None = None
    smtp: SmtpSettings | None = None
    organisation: OrganisationSettings
    intake: IntakeSettings = IntakeSettings()
    classification: ClassificationSettings = ClassificationSettings()
    sources: list[DataSourceSettings] = []
    drafts: DraftSettings = DraftSettings()
    digest: DigestSettings | None = None
    web: WebSettings = WebSettings()
    retention: RetentionSettings = RetentionSettings()
    suppression: SuppressionSettings | None = None
    mail_client: MailClientSettings | None = None

    @model_validator(mode="after")
    def _needs_a_source(self) -> Settings:
        if self.imap is None and self.maildir is None:
            raise ValueError("no mail source: configure [imap] or [maildir]")
        names = [source.name for source in self.sources]
        if len(names) != len(set(names)):
            raise ValueError("two [[sources]] have the same name")
        if self.mail_client is not None and self.imap is None:
            raise ValueError("[mail_client] works on the officer's IMAP mailbox: configure [imap]")
        return self

    def missing_for_access(self) -> list[str]:
        """What an access reply would lack, as ``source: key`` lines (empty when complete)."""
        missing = [
            f"[[sources]] {source.name}: {key}"
            for source in self.sources
            for key in source.missing_for_access()
        ]
        organisation = self.organisation
        for key in ("automated_decisions", "transfers_outside_eea"):
            if getattr(organisation, key) is None:
                missing.append(f"[organisation] {key}")
        return missing

    def missing_translations(self) -> list[str]:
        """Texts a letter shows that are given, but not in every language of the letters:
        ``[[sources]] klanten: purpose in de`` (a letter then says that part in English)."""
        own = self.organisation.language
        missing = [
            line
            for source in self.sources
            for line in source._untranslated(SOURCE_TEXTS, own, f"[[sources]] {source.name}: ")
        ]
        # (without a signature_title, a letter uses its own title in its language)
        shown = tuple(key for key in ORGANISATION_TEXTS if key != "signature_title")
        return missing + self.organisation._untranslated(shown, own, "[organisation] ")

    @property
    def own_addresses(self) -> frozenset[str]:
        """mailbot's own addresses, lower-cased: mail from them is ours (loops)."""
        own = {a.lower() for a in self.organisation.addresses}
        if self.smtp is not None:
            own.add(self.smtp.from_address.lower())
        return frozenset(own)


@dataclass(frozen=True, slots=True)
class Configuration:
    """The whole configuration file: its mailboxes, in the file's order, and the sections
    they share (``database``, ``web``, ``retention``, ``suppression``)."""

    mailboxes: tuple[Settings, ...]

    def __post_init__(self) -> None:
        if not self.mailboxes:
            raise ValueError("a configuration has at least one mailbox")

    @property
    def first(self) -> Settings:
        """The first mailbox (the only one of a file without ``[[mailboxes]]``)."""
        return self.mailboxes[0]

    @property
    def database(self) -> DatabaseSettings:
        return self.first.database

    @property
    def web(self) -> WebSettings:
        return self.first.web

    @property
    def retention(self) -> RetentionSettings:
        return self.first.retention

    @property
    def suppression(self) -> SuppressionSettings | None:
        return self.first.suppression

    @property
    def several(self) -> bool:
        """Whether the file has more than one mailbox (then pages and lines name them)."""
        return len(self.mailboxes) > 1

    def for_mailbox(self, name: str) -> Settings:
        """The settings of mailbox ``name``; raises NotFound naming the ones there are."""
        for settings in self.mailboxes:
            if settings.mailbox == name:
                return settings
        known = ", ".join(settings.mailbox for settings in self.mailboxes)
        raise NotFound(f"no mailbox {name!r} in the configuration (there are: {known})")

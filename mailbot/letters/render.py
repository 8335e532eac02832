"""Rendering drafts from the Jinja2 templates in ``templates/`` (see its README).

The company's own copies (``[drafts] templates``) win over the bundled ones.
Undefined variables are errors (``StrictUndefined``), and ``mailbot check``
renders every template with sample data, so a mistake shows at installation,
not when a request arrives. A kind missing in a language falls back to English.

A ``Renderer`` reads every template once, when it is made: a template edited
while the worker runs changes nothing until the worker reloads (SIGHUP), which
checks the new set before it uses it. A half-saved file never reaches a draft.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import DictLoader, Environment, StrictUndefined, TemplateError, TemplateNotFound

from mailbot.core.drafting import DraftKind
from mailbot.errors import ConfigError

FALLBACK = "en"
LANGUAGES = ("nl", "en", "de", "fr")
RIGHT_NAMES: dict[str, dict[str, str]] = {
    "nl": {
        "access": "inzage",
        "rectification": "correctie",
        "erasure": "verwijdering",
        "restriction": "beperking van de verwerking",
        "portability": "overdraagbaarheid",
        "objection": "bezwaar",
    },
    "en": {
        "access": "access",
        "rectification": "rectification",
        "erasure": "erasure",
        "restriction": "restriction of processing",
        "portability": "data portability",
        "objection": "objection",
    },
    "de": {
        "access": "Auskunft",
        "rectification": "Berichtigung",
        "erasure": "Löschung",
        "restriction": "Einschränkung der Verarbeitung",
        "portability": "Datenübertragbarkeit",
        "objection": "Widerspruch",
    },
    "fr": {
        "access": "accès",
        "rectification": "rectification",
        "erasure": "effacement",
        "restriction": "limitation du traitement",
        "portability": "portabilité",
        "objection": "opposition",
    },
}
_MONTHS = {
    "nl": "januari februari maart april mei juni juli augustus september oktober november december",
    "en": "January February March April May June July August September October November December",
    "de": "Januar Februar März April Mai Juni Juli August September Oktober November Dezember",
    "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre décembre",
}


def date_text(day: date, language: str) -> str:
    """``5 april 2026``, ``5 April 2026``, ``5. April 2026``, ``5 avril 2026``."""
    months = _MONTHS.get(language, _MONTHS[FALLBACK]).split()
    month = months[day.month - 1]
    if language == "de":
        return f"{day.day}. {month} {day.year}"
    if language == "fr" and day.day == 1:
        return f"1er {month} {day.year}"  # "le 1er mars"
    return f"{day.day} {month} {day.year}"


def right_names(rights: list[str], language: str) -> list[str]:
    names = RIGHT_NAMES.get(language, RIGHT_NAMES[FALLBACK])
    return [names[right] for right in rights]


def bundled_templates() -> Path:
    """The templates shipped with mailbot: inside the package, or the source tree's."""
    here = Path(__file__).resolve().parent
    packaged = here.parent / "_templates"
    return packaged if packaged.is_dir() else here.parents[1] / "templates"


def _read_templates(folders: list[Path]) -> dict[str, str]:
    """Every ``*.j2`` file by its name under its folder; the first folder that has a name wins."""
    found: dict[str, str] = {}
    for folder in folders:
        if not folder.is_dir():
            raise ConfigError(folder, [("drafts.templates", "is not a directory")])
        for path in sorted(folder.rglob("*.j2")):
            name = path.relative_to(folder).as_posix()
            if name in found:
                continue
            try:
                found[name] = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ConfigError(path, [("drafts.templates", f"cannot read: {exc}")]) from None
    return found


@dataclass(frozen=True, slots=True)
class Rendered:
    subject: str
    body: str
    language: str


class Renderer:
    def __init__(self, override: Path | None = None) -> None:
        folders = [override] if override is not None else []
        folders.append(bundled_templates())
        options: dict[str, Any] = {
            "loader": DictLoader(_read_templates(folders)),
            "undefined": StrictUndefined,
            "trim_blocks": True,
            "lstrip_blocks": True,
            "keep_trailing_newline": True,
        }
        # Plain-text mail is not HTML: nothing to escape. The overview is HTML and escaped.
        self.text = Environment(autoescape=False, **options)  # noqa: S701
        self.html = Environment(autoescape=True, **options)

    def _name(
        self, environment: Environment, language: str, kind: str, suffix: str
    ) -> tuple[str, str]:
        for candidate in (language, FALLBACK):
            name = f"{candidate}/{kind}.{suffix}.j2"
            try:
                environment.get_template(name)
            except TemplateNotFound:
                continue
            return name, candidate
        raise TemplateNotFound(f"{language}/{kind}.{suffix}.j2")

    def render(self, kind: DraftKind, language: str, context: Mapping[str, Any]) -> Rendered:
        """Subject (the first line) and body of a draft."""
        name, used = self._name(self.text, language, kind.value, "txt")
        text = self.text.get_template(name).render(**context)
        subject, _, body = text.partition("\n")
        return Rendered(subject.strip(), body.strip("\n") + "\n", used)

    def overview(self, language: str, context: Mapping[str, Any]) -> str:
        """The printable HTML overview of a person's data."""
        name, _ = self._name(self.html, language, "overview", "html")
        return self.html.get_template(name).render(**context)

    def check(self, context_for: Any) -> list[str]:
        """Render every template in every language with sample data; the problems found."""
        problems = []
        for language in LANGUAGES:
            for kind in DraftKind:
                try:
                    self.render(kind, language, context_for(language))
                except TemplateError as exc:
                    problems.append(self._problem(self.text, language, kind.value, "txt", exc))
            try:
                self.overview(language, context_for(language))
            except TemplateError as exc:
                problems.append(self._problem(self.html, language, "overview", "html", exc))
        return problems

    def _problem(
        self, environment: Environment, language: str, kind: str, suffix: str, exc: Exception
    ) -> str:
        """A line naming the template (for an error in an included part: the including one)."""
        where = getattr(exc, "name", None)
        if not where:
            try:
                where = self._name(environment, language, kind, suffix)[0]
            except TemplateNotFound:
                where = f"{language}/{kind}.{suffix}.j2"
        return f"template {where}: {type(exc).__name__}: {exc}"

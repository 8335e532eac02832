"""The composition root: what mailbot is made of, built from its configuration.

``App`` (here) holds one configuration file's settings, its database and its templates;
``mailbot.app.build`` makes the worker and its parts from it; ``mailbot.app.reload`` is
SIGHUP's work for the service and the review pages; ``mailbot.app.command`` hands a
command its ``App``. The command line, the review pages, the service and the benchmarks
all start here; nothing here imports them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from mailbot.config import Configuration, config_path, load_configuration
from mailbot.errors import ConfigError
from mailbot.letters.context import template_problems
from mailbot.letters.render import Renderer
from mailbot.service.clock import Clock
from mailbot.storage.database import Database


@dataclass
class App:
    """What a command needs, built once from the configuration file."""

    configuration: Configuration
    config_file: Path
    _database: Database | None = field(default=None, repr=False)
    _renderers: dict[Path | None, Renderer] = field(default_factory=dict, repr=False)

    @property
    def database(self) -> Database:
        """The database, its schema brought up to date on first use."""
        if self._database is None:
            self._database = Database(self.configuration.database.url)
            self._database.upgrade()
        return self._database

    def renderer_for(self, mailbox: str) -> Renderer:
        """A mailbox's templates (its ``drafts.templates`` over the bundled ones), read once;
        mailboxes with the same directory share one reading."""
        templates = self.configuration.for_mailbox(mailbox).drafts.templates
        if templates not in self._renderers:
            self._renderers[templates] = Renderer(templates)
        return self._renderers[templates]

    def template_problems(self) -> list[str]:
        """Every template of every mailbox rendered with sample facts; one line per problem."""
        several = self.configuration.several
        return [
            f"mailbox {settings.mailbox}: {problem}" if several else problem
            for settings in self.configuration.mailboxes
            for problem in template_problems(settings, self.renderer_for(settings.mailbox))
        ]

    def check_templates(self) -> None:
        """Raise ``ConfigError`` naming each template that does not render."""
        problems = self.template_problems()
        if problems:
            where = self.configuration.first.drafts.templates or self.config_file
            raise ConfigError(where, [("drafts.templates", problem) for problem in problems])

    @property
    def clock(self) -> Clock:
        """The officer's clock: the (first) mailbox's time zone."""
        return Clock(self.configuration.first.organisation.zone)

    def close(self) -> None:
        if self._database is not None:
            self._database.dispose()


def load_app(config_file: Path | None) -> App:
    """The ``App`` for ``--config`` (or ``MAILBOT_CONFIG``, or the default path)."""
    path = config_path(config_file, os.environ)
    return App(load_configuration(path), path)


def load_checked(config_file: Path) -> App:
    """The configuration at ``config_file`` with its templates and database, checked for use."""
    app = load_app(config_file)
    try:
        app.check_templates()  # the renderer checked here is the one the new worker drafts with
        _ = app.database  # opened and brought up to date, or the error says why
    except BaseException:
        app.close()
        raise
    return app

"""Loading the configuration: one TOML file, overridable from the environment, validated at
start (the schema: ``mailbot.config.schema``).

``load_configuration`` is called once per command; everything else receives the resulting
``Configuration`` or one mailbox's ``Settings``. Nothing here connects to anything.

- any key can be overridden as ``MAILBOT_<SECTION>__<KEY>`` (``MAILBOT_IMAP__PASSWORD``);
- every ``password`` key is also accepted as ``password_file``, and ``key`` as ``key_file``
  (systemd credentials);
  ``${CREDENTIALS_DIRECTORY}`` and other variables are expanded in the path;
- relative paths (Maildir, SQLite file, password files) are taken relative to the
  directory of the configuration file, so a service does not depend on its working directory;
- any problem raises ``ConfigError`` naming each bad key and the file.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from mailbot.config.schema import MAILBOX_SECTIONS, Configuration, Settings
from mailbot.errors import ConfigError

DEFAULT_CONFIG_PATH = Path("/etc/mailbot/mailbot.toml")
ENV_PREFIX = "MAILBOT_"
CREDENTIALS = "CREDENTIALS_DIRECTORY"  # where systemd puts LoadCredential= files


def config_path(cli_value: str | os.PathLike[str] | None, environ: Mapping[str, str]) -> Path:
    """The configuration file: ``--config``, else ``MAILBOT_CONFIG``, else the default."""
    if cli_value:
        return Path(cli_value)
    if environ.get("MAILBOT_CONFIG"):
        return Path(environ["MAILBOT_CONFIG"])
    return DEFAULT_CONFIG_PATH


def load_configuration(path: Path, environ: Mapping[str, str] | None = None) -> Configuration:
    """Read, override, and validate the configuration in ``path``."""
    environ = os.environ if environ is None else environ
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(path, [("", "file not found (use --config or MAILBOT_CONFIG)")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(path, [("", f"cannot read the file: {exc}")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(path, [("", f"not valid TOML: {exc}")]) from None
    return configuration_from_dict(data, path, environ)


def configuration_from_dict(
    data: dict[str, Any], path: Path, environ: Mapping[str, str] | None = None
) -> Configuration:
    """Validate an already parsed configuration (``path`` names it in errors)."""
    environ = os.environ if environ is None else environ
    base_dir = path.parent.resolve()
    from_env = _apply_environment(data, environ)
    data.setdefault("database", {})
    problems: list[tuple[str, str]] = []
    _read_password_files(data, base_dir, (), problems, environ)
    if problems:
        raise ConfigError(path, problems)
    if "mailboxes" not in data:
        try:
            return Configuration((Settings.model_validate(data, context=_context(base_dir, data)),))
        except ValidationError as exc:
            raise ConfigError(path, _describe(exc, from_env)) from None
    found = _mailboxes(data, base_dir, from_env, problems)
    if problems:
        raise ConfigError(path, problems)
    return Configuration(tuple(found))


def settings_from_dict(
    data: dict[str, Any], path: Path, environ: Mapping[str, str] | None = None
) -> Settings:
    """The settings of a configuration of one mailbox (one without ``[[mailboxes]]``)."""
    if "mailboxes" in data:
        raise ConfigError(path, [("mailboxes", "one mailbox was expected here")])
    return configuration_from_dict(data, path, environ).first


def _context(base_dir: Path | None, data: Mapping[str, Any]) -> dict[str, Any]:
    """What validation needs beyond a section: where relative paths start, and the language of
    a plain text in ``[[sources]]`` (the organisation's)."""
    organisation = data.get("organisation")
    language = organisation.get("language", "nl") if isinstance(organisation, dict) else "nl"
    return {"base_dir": base_dir, "language": language}


def _mailboxes(
    data: dict[str, Any],
    base_dir: Path,
    from_env: Mapping[str, str],
    problems: list[tuple[str, str]],
) -> list[Settings]:
    """Validate each ``[[mailboxes]]`` entry merged over the top-level sections."""
    entries = data.pop("mailboxes")
    if (
        not isinstance(entries, list)
        or not entries
        or not all(isinstance(e, dict) for e in entries)
    ):
        problems.append(("mailboxes", "must be one or more [[mailboxes]] tables"))
        return []
    found: list[Settings] = []
    for index, entry in enumerate(entries):
        label = f"mailboxes.{index}"
        for key in sorted(set(entry) - {"name", *MAILBOX_SECTIONS}):
            problems.append((f"{label}.{key}", SHARED_ONLY))
        if "name" not in entry:
            problems.append((f"{label}.name", "required key is missing"))
            continue
        merged = dict(data)
        merged.update({key: value for key, value in entry.items() if key in MAILBOX_SECTIONS})
        merged["mailbox"] = entry["name"]
        try:
            found.append(Settings.model_validate(merged, context=_context(base_dir, merged)))
        except ValidationError as exc:
            for key, message in _describe(exc, from_env):
                problems.append((f"{label}.{'name' if key == 'mailbox' else key}", message))
    names = [entry.get("name") for entry in entries]
    for name in sorted({name for name in names if names.count(name) > 1}):
        problems.append(("mailboxes", f"two mailboxes are named {name!r}"))
    return found


SHARED_ONLY = (
    "not a mailbox's own section: database, web, retention and suppression are shared "
    "(at the top of the file)"
)


def _apply_environment(data: dict[str, Any], environ: Mapping[str, str]) -> dict[str, str]:
    """Apply ``MAILBOT_<SECTION>__<KEY>`` overrides in place; returns key -> variable."""
    applied: dict[str, str] = {}
    for variable, value in environ.items():
        if not variable.startswith(ENV_PREFIX) or "__" not in variable:
            continue
        section, _, key = variable[len(ENV_PREFIX) :].lower().partition("__")
        if not section or not key:
            continue
        target = data.setdefault(section, {})
        if not isinstance(target, dict):
            continue
        target[key] = _env_value(value)
        applied[f"{section}.{key}"] = variable
    return applied


def _env_value(value: str) -> Any:
    """An environment value is a string, unless it is written as a TOML array."""
    if value.lstrip().startswith("["):
        try:
            return tomllib.loads(f"v = {value}")["v"]
        except tomllib.TOMLDecodeError:
            return value
    return value


def _expand(raw: str, environ: Mapping[str, str]) -> str:
    """``$NAME`` and ``${NAME}`` from ``environ``; an unset one raises ``KeyError``."""

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        if name not in environ:
            raise KeyError(name)
        return environ[name]

    return _VARIABLE.sub(value, raw)


_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)")


SECRET_FILES = {"password_file": "password", "key_file": "key"}


def _read_password_files(
    node: dict[str, Any],
    base_dir: Path,
    where: tuple[str, ...],
    problems: list[tuple[str, str]],
    environ: Mapping[str, str],
) -> None:
    """Replace every ``password_file`` (``key_file``) by the ``password`` (``key``) it holds."""
    for key, value in list(node.items()):
        if isinstance(value, dict):
            _read_password_files(value, base_dir, (*where, key), problems, environ)
        elif isinstance(value, list):
            for index, item in enumerate(value):
                if isinstance(item, dict):
                    _read_password_files(
                        item, base_dir, (*where, key, str(index)), problems, environ
                    )
    for file_key, secret_key in SECRET_FILES.items():
        if file_key in node:
            _read_secret(node, file_key, secret_key, base_dir, where, problems, environ)


def _read_secret(  # noqa: PLR0917 - one step of the walk above
    node: dict[str, Any],
    file_key: str,
    secret_key: str,
    base_dir: Path,
    where: tuple[str, ...],
    problems: list[tuple[str, str]],
    environ: Mapping[str, str],
) -> None:
    name = ".".join((*where, file_key))
    if secret_key in node:
        problems.append((name, f"give either {secret_key} or {file_key}, not both"))
        return
    raw = node.pop(file_key)
    if not isinstance(raw, str):
        problems.append((name, "must be a file path"))
        return
    try:
        secret_path = Path(_expand(raw, environ)).expanduser()
    except KeyError as exc:
        hint = " (outside the service, use mailbot-admin)" if exc.args[0] == CREDENTIALS else ""
        problems.append((name, f"${{{exc.args[0]}}} is not set{hint}"))
        return
    if not secret_path.is_absolute():
        secret_path = base_dir / secret_path
    try:
        node[secret_key] = secret_path.read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        problems.append((name, f"cannot read {secret_path}: {exc.strerror or exc}"))


_MESSAGES = {
    "missing": "required key is missing",
    "extra_forbidden": "unknown key (check the spelling)",
}


def _describe(exc: ValidationError, from_env: Mapping[str, str]) -> list[tuple[str, str]]:
    problems = []
    for error in exc.errors(include_url=False):
        key = ".".join(str(part) for part in error["loc"])
        message = _MESSAGES.get(error["type"], error["msg"])
        message = message.removeprefix("Value error, ")
        secret = "password" in key or key.endswith("key")
        if error["type"] not in _MESSAGES and not secret and not isinstance(error["input"], dict):
            message = f"{message} (got {error['input']!r})"
        if key in from_env:
            key = f"{key} (from {from_env[key]})"
        problems.append((key, message))
    return problems

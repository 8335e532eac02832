"""The documentation holds together: the README stays short, every relative link (and its
``#anchor``) in README.md, docs/*.md and deploy/README.md leads somewhere, every configuration
key of the schema and every ``mailbot`` command, with each of its options, is in
docs/reference.md. Read from the files, nothing run."""

from __future__ import annotations

import re
import shlex
import typing
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from pydantic import BaseModel

from mailbot.cli.main import COMMANDS, load_command
from mailbot.config.schema import Settings
from mailbot.i18n import DUTCH

pytestmark = pytest.mark.database_incidental("reads the documentation")

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
REFERENCE = DOCS / "reference.md"
DEPLOY = ROOT / "deploy" / "README.md"
README_LINES = 200

# Taken by the browser tests (tests/web) and copied here by scripts/screenshots: the only
# pictures the documents show, each of them committed.
SCREENSHOTS = DOCS / "screenshots"
MADE_BY_TESTS_WEB = frozenset({
    "today-1280.png", "today-390.png", "case-1280.png", "confirm-1280.png", "plan-1280.png",
})  # fmt: skip

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
FENCE = re.compile(r"^\s*(```|~~~)")


def documents() -> list[Path]:
    return [README, *sorted(DOCS.glob("*.md")), DEPLOY]


def prose(path: Path) -> Iterator[str]:
    """The lines of ``path`` outside fenced code blocks."""
    fenced = False
    for line in path.read_text(encoding="utf-8").splitlines():
        if FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            yield line


def slug(heading: str) -> str:
    """The anchor GitHub makes of a heading: lower case, punctuation dropped, spaces hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", r"\1", heading).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    """The anchors of a Markdown file's headings (a repeated one gets ``-1``, ``-2``, ...)."""
    found: set[str] = set()
    for line in prose(path):
        match = HEADING.match(line)
        if not match:
            continue
        anchor = base = slug(match.group(2))
        number = 0
        while anchor in found:
            number += 1
            anchor = f"{base}-{number}"
        found.add(anchor)
    return found


def relative_links(path: Path) -> Iterator[str]:
    for line in prose(path):
        for target in LINK.findall(line):
            if not re.match(r"^[a-z][a-z0-9+.-]*:", target):  # http:, https:, mailto:, file:
                yield target


def test_readme_is_short() -> None:
    lines = len(README.read_text(encoding="utf-8").splitlines())
    assert lines <= README_LINES, f"README.md has {lines} lines; at most {README_LINES}"


def test_readme_gives_the_two_commands() -> None:
    """CI runs scripts/test (.ci/run), the command the README gives; the demo is the other."""
    text = README.read_text(encoding="utf-8")
    assert "\nscripts/demo     # " in text
    assert "\nscripts/test     # " in text
    assert "exec scripts/test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def named(path: Path) -> str:
    """``docs/officer.md``: the path from the repository's root (two files are README.md)."""
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("document", documents(), ids=named)
def test_relative_links_lead_somewhere(document: Path) -> None:
    broken: list[str] = []
    for target in relative_links(document):
        file_part, _, anchor = target.partition("#")
        destination = (document.parent / file_part).resolve() if file_part else document
        if destination.parent == SCREENSHOTS.resolve():
            if destination.name not in MADE_BY_TESTS_WEB:
                broken.append(f"{target} (not a screenshot tests/web makes)")
            elif not destination.exists():
                broken.append(f"{target} (run scripts/screenshots)")
            continue
        if not destination.exists():
            broken.append(f"{target} (no such file)")
        elif anchor and destination.suffix == ".md" and anchor not in anchors(destination):
            broken.append(f"{target} (no such heading in {destination.name})")
    assert not broken, f"{named(document)}: " + "; ".join(broken)


def test_every_screenshot_named_is_linked() -> None:
    """The list above is the documents' own: each name in it is used by one of them."""
    linked = {
        Path(target.partition("#")[0]).name
        for document in documents()
        for target in relative_links(document)
        if "screenshots/" in target
    }
    assert linked == MADE_BY_TESTS_WEB


def _section_model(annotation: object) -> tuple[type[BaseModel], bool] | None:
    """The section model of a ``Settings`` field, and whether it is a list (``[[sources]]``)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin = typing.get_origin(annotation)
    for argument in typing.get_args(annotation):
        found = _section_model(argument)
        if found is not None:
            return found[0], found[1] or origin is list
    return None


def configuration_keys() -> list[str]:
    """Every key of the file as ``section.key`` (``sources[].key`` for a list of tables)."""
    keys = ["mailboxes[].name"]  # the name of a [[mailboxes]] entry (Settings.mailbox)
    for section, field in Settings.model_fields.items():
        found = _section_model(field.annotation)
        if found is None:
            continue
        model, is_list = found
        prefix = f"{section}[]" if is_list else section
        keys += [f"{prefix}.{key}" for key in model.model_fields]
    return keys


def test_the_schema_is_read() -> None:
    """The walk above finds the sections, lists of tables too (a guard against it finding
    nothing, which would let the next test pass on any reference)."""
    keys = configuration_keys()
    assert {"database.url", "imap.host", "sources[].query", "mail_client.done_folder"} <= set(keys)


def test_every_configuration_key_is_in_the_reference() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    missing = [key for key in configuration_keys() if f"`{key}`" not in text]
    assert not missing, f"docs/reference.md does not describe: {', '.join(missing)}"


def commands() -> list[str]:
    """Every command, ``mailbot cases close`` and the like, from the click groups."""
    found: list[str] = []
    for name in sorted(COMMANDS):
        command = load_command(name)
        found.append(f"mailbot {name}")
        if isinstance(command, click.Group):
            context = click.Context(command, info_name=name)
            found += [f"mailbot {name} {sub}" for sub in command.list_commands(context)]
    return found


def test_every_command_is_in_the_reference() -> None:
    text = REFERENCE.read_text(encoding="utf-8")
    missing = [command for command in commands() if f"`{command}" not in text]
    assert not missing, f"docs/reference.md does not describe: {', '.join(missing)}"


def test_slug_as_github_makes_it() -> None:
    assert slug("5. What `mailbot check` checks") == "5-what-mailbot-check-checks"
    assert slug("With a person's consent instead") == "with-a-persons-consent-instead"
    assert slug("Measured: speed, memory, faults") == "measured-speed-memory-faults"


def command_rows(text: str, command: str) -> str:
    """The rows of the reference's command tables that describe ``command`` (``mailbot cases
    close``): those whose first cell starts with it."""
    found = re.findall(rf"^\| `{re.escape(command)}(?: [^`]*)?` \|.*$", text, flags=re.MULTILINE)
    return "\n".join(found)


def options(command: str) -> list[str]:
    """The long options of ``command``, but ``--config`` (every command's, said once above the
    tables) and ``--help``."""
    words = command.split()[1:]
    found = load_command(words[0])
    for word in words[1:]:
        assert isinstance(found, click.Group)
        found = found.commands[word]
    return [
        name
        for parameter in found.params
        if isinstance(parameter, click.Option)
        for name in parameter.opts
        if name.startswith("--") and name not in ("--config", "--help")
    ]


def test_every_option_is_in_its_commands_row() -> None:
    """Each command's row in the reference names every option it takes: the reference says
    "every command with its options", and an option added later is not forgotten there."""
    text = REFERENCE.read_text(encoding="utf-8")
    missing = []
    for command in commands():
        if isinstance(load_command(command.split()[1]), click.Group) and len(command.split()) == 2:
            continue  # a group: its subcommands have the rows
        rows = command_rows(text, command)
        missing += [f"{command} {option}" for option in options(command) if option not in rows]
    assert not missing, f"docs/reference.md's command rows lack: {', '.join(missing)}"


# What the officer's guide calls the pages' parts and buttons, by the English the pages are
# written in (``mailbot.i18n``): the guide names each in Dutch, in bold, as the pages show it.
NAMED_IN_THE_GUIDE = (
    "Today", "For you", "Waiting for the person", "Cases", "Quarantine", "Language", "Change",
    "Read", "Decide", "Audit trail", "What happens next", "Summary", "The request",
    "Classification", "Drafts", "Actions in the data sources", "Mark as done", "The whole thread",
    "The sender may be forged", "mailbot is not sure what this mail asks", "What to do",
    "Correct the rights", "Save the rights", "An answer for you to read", "Record the answer",
    "Mark as verified", "What was checked", "Deadline and outcome", "Extend by two months",
    "Refuse the request", "Draft a refusal", "Close the case", "Close", "Reopen the case",
    "Save the text", "Approve…", "Approve again…", "Reject", "Reason for rejecting",
    "Send this?", "Approve and send", "Not yet: back to the draft", "This cannot be sent yet",
    "Decide on the case", "Reject them: nothing more is sent", "Open actions", "Try again",
    "Make a case", "Dismiss", "What to do with it", "Needs my decision", "Overdue",
    "Search by reference", "Show", "Open cases and possibly missed requests",
)  # fmt: skip


def test_the_guide_names_the_pages_parts_as_they_are_shown() -> None:
    """A label changed in the pages (``DUTCH``) leaves no old name in the guide: each Dutch
    name the guide gives in bold is the pages' own."""
    bold = {
        " ".join(found.split())
        for found in re.findall(r"\*\*([^*]+)\*\*", (DOCS / "officer.md").read_text("utf-8"))
    }
    missing = [
        f"{DUTCH[english]} ({english})"
        for english in NAMED_IN_THE_GUIDE
        if DUTCH[english] not in bold
    ]
    assert not missing, f"docs/officer.md does not name: {', '.join(missing)}"


SHELL = frozenset({">", ">>", "|", "&&", ";"})
SH_BLOCK = re.compile(r"^ *```sh\n(.*?)^ *```", flags=re.MULTILINE | re.DOTALL)
# a command line that runs mailbot: as installed, from the checkout's .venv, or as the service
MAILBOT_LINE = re.compile(
    r"^(?:echo .*\| )?(?:sudo )?(?:\S*/)?(?:mailbot|mailbot-admin) (?!--version)(?P<args>.*)$"
)


def command_lines() -> list[tuple[str, list[str]]]:
    """Every ``mailbot`` command the documents give in a shell block, as (where, arguments)."""
    found = []
    for document in documents():
        for block in SH_BLOCK.findall(document.read_text(encoding="utf-8")):
            for line in block.splitlines():
                match = MAILBOT_LINE.match(line.strip())
                if match:
                    words = shlex.split(match.group("args"), comments=True)
                    ends = [at for at, word in enumerate(words) if word in SHELL] + [len(words)]
                    words = words[: ends[0]]  # up to a redirection or a pipe
                    if words[:1] == ["--log-level"]:
                        words = words[2:]
                    found.append((f"{named(document)}: {line.strip()}", words))
    return found


def test_every_command_line_in_the_documents_parses() -> None:
    """Each mailbot command the documents show names a command that exists, with options it
    takes and the values they allow (parsed by the command itself; nothing runs)."""
    lines = command_lines()
    assert len(lines) > 40  # the walk finds the officer's day, the installation, the demo
    wrong = []
    for where, words in lines:
        try:
            command: click.Command = load_command(words[0])
            rest, name = words[1:], words[0]
            if isinstance(command, click.Group):
                name, command, rest = f"{name} {rest[0]}", command.commands[rest[0]], rest[1:]
            command.make_context(name, rest)
        except click.exceptions.Exit:
            continue
        except (click.ClickException, KeyError, IndexError) as exc:
            wrong.append(f"{where} ({exc})")
    assert not wrong, "\n".join(wrong)

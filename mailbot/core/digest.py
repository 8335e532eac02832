"""The officer's daily digest: the Today list as a mail, plain text and HTML, in his
language, each line linking to the page where it is done. No I/O.

The groups and sentences are ``core.today``'s, so the digest says what the Today page
says. It names cases by reference and carries no mail text, name or address.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from html import escape

from mailbot.core.today import Entry, Group, Item, first_entries, grouped, per_case

TITLES = {
    Group.URGENT: "Urgent",
    Group.OFFICER: "For you",
    Group.PERSON: "Waiting for the person",
    Group.MAILBOT: "mailbot is on it",
}


@dataclass(frozen=True, slots=True)
class Digest:
    subject: str
    body: str  # plain text
    html: str
    empty: bool


def _link(base_url: str, path: str) -> str:
    return f"{base_url.rstrip('/')}{path or '/'}" if base_url else ""


def _same(text: str) -> str:
    return text


def compose(
    items: Sequence[Item],
    *,
    today: date,
    organisation: str,
    language: str = "en",
    translate: Callable[[str], str] = _same,
    kind: Callable[[str], str] = _same,
    base_url: str = "",
) -> Digest:
    """The digest of ``items`` (``core.today.today_items``) in ``language``: its texts through
    ``translate``, draft kinds through ``kind`` (``mailbot.i18n``'s translator and labels);
    links are absolute with ``base_url`` (``[web] base_url``), left out without it."""
    t = translate
    groups = grouped(items)
    counts = ", ".join(
        f"{len(per_case(entries))} {t(TITLES[group]).lower()}" for group, entries in groups
    )
    summary = counts or t("nothing waits")
    day = today.isoformat()
    subject = f"mailbot {day}: {summary}"
    heading = t("Privacy requests at {organisation}, {day}").format(
        organisation=organisation, day=day
    )
    lines = [f"{heading}: {summary}.", ""]
    html = [
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f"<title>{escape(subject)}</title></head>"
        '<body style="font-family: sans-serif; line-height: 1.5; max-width: 48em">',
        f'<h1 style="font-size: 1.25em">{escape(heading)}</h1>',
    ]
    for group, found in groups:
        entries, more = first_entries(per_case(found))
        title = f"{t(TITLES[group])} ({len(entries) + more})"
        lines.append(title.upper() if group is Group.URGENT else title)
        html.append(f'<h2 style="font-size: 1.1em">{escape(title)}</h2><ul>')
        for entry in entries:
            lines += _text_entry(entry, t, kind, base_url)
            html.append(_html_entry(entry, t, kind, base_url))
        html.append("</ul>")
        if more:
            rest = t("And {count} more: the case list has them all").format(count=more)
            lines.append(f"- {rest}")
            html.append(f"<p>{escape(rest)}</p>")
        lines.append("")
    home = _link(base_url, "/")
    if home:
        lines.append(f"{t('Everything on one page')}: {home}")
        html.append(f'<p><a href="{escape(home)}">{escape(t("Everything on one page"))}</a></p>')
    else:
        lines.append(t("Open the review pages (mailbot web) to act on these."))
    html.append("</body></html>")
    return Digest(subject, "\n".join(lines) + "\n", "\n".join(html) + "\n", not groups)


def _where(entry: Entry, t: Callable[[str], str]) -> str:
    """``AVG-2026-0001 · due 2026-12-20``; empty for an item about no case."""
    if entry.reference is None:
        return ""
    due = f" · {t('due')} {entry.due.isoformat()}" if entry.due else ""
    return f"{entry.reference}{due}"


def _text_entry(
    entry: Entry, t: Callable[[str], str], kind: Callable[[str], str], base_url: str
) -> list[str]:
    where = _where(entry, t)
    lines = [f"- {where}"] if where else []
    for item in entry.items:
        bullet = "  * " if where else "- "
        lines.append(f"{bullet}{item.sentence(t, kind)}")
        link = _link(base_url, item.link)
        if link:
            lines.append(f"    {link}" if where else f"  {link}")
    return lines


def _html_entry(
    entry: Entry, t: Callable[[str], str], kind: Callable[[str], str], base_url: str
) -> str:
    steps = []
    for item in entry.items:
        sentence = escape(item.sentence(t, kind))
        link = _link(base_url, item.link)
        steps.append(
            f'<li><a href="{escape(link)}">{sentence}</a></li>' if link else f"<li>{sentence}</li>"
        )
    where = _where(entry, t)
    case = _link(base_url, f"/cases/{entry.reference}") if entry.reference else ""
    head = f'<a href="{escape(case)}">{escape(where)}</a>' if case else escape(where)
    return f"<li>{head}<ul>{''.join(steps)}</ul></li>" if where else "".join(steps)

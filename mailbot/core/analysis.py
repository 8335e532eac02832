"""What intake can tell from a mail's bytes alone: readable, machine-made, which rights.

``analyse`` is pure (no I/O, no clock) and its result is plain data, so that it
can run anywhere: in the caller's thread, or in a child process that is
stopped when it takes too long (``mailbot.service.readers``). Everything that
needs the database (duplicates, follow-ups, the case) is decided afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, replace

from mailbot.core.classification import Classification, classify
from mailbot.core.classification.topics import Topic
from mailbot.core.machine import is_list_mail, machine_verdict
from mailbot.core.mail import Attachment, DocumentText, ParsedMail
from mailbot.core.parsing import Limits, parse_mail
from mailbot.errors import UnparseableMail


@dataclass(frozen=True, slots=True)
class Analysis:
    """One mail read: ``mail`` with its reading, or ``problem``, why it is quarantined."""

    mail: ParsedMail | None = None
    machine: str | None = None  # why it is machine mail (never answered), else None
    classification: Classification | None = None  # for mail from a person
    problem: str = ""
    documents: tuple[DocumentText, ...] = ()  # the attached letters' text, or why none

    @classmethod
    def failed(cls, problem: str) -> Analysis:
        return cls(problem=problem)

    def without_contents(self) -> Analysis:
        """The reading as it is handed on: the attachments' bytes stay in the mail's own
        (``ParsedMail.without_contents``); their letters' text is in ``documents``."""
        if self.mail is None:
            return self
        return replace(self, mail=self.mail.without_contents())


# Reads the letters attached to a mail (``mailbot.documents``, given by the caller so that
# the core stays free of file-format libraries).
DocumentReader = Callable[[Sequence[Attachment]], tuple[DocumentText, ...]]


def no_documents(_attachments: Sequence[Attachment]) -> tuple[DocumentText, ...]:
    return ()


# The line that says who wrote a quoted mail: "On ..., X wrote:", or a From: header line.
_QUOTED_AUTHOR = re.compile(
    r"(?im)^[ >]*(?:(?:from|von|van|de)\s*:.*|.*\b(?:wrote|schrieb|schreef|a ecrit|a écrit)\s*:)$"
)


def analyse(
    raw: bytes,
    limits: Limits,
    own_addresses: Collection[str],
    read_documents: DocumentReader = no_documents,
) -> Analysis:
    """Parse, see whether a machine wrote it, classify what a person wrote (and attached)."""
    try:
        mail = parse_mail(raw, limits)
    except UnparseableMail as exc:
        return Analysis.failed(exc.reason)
    forwarded_from = mail.forwarded.sender if mail.forwarded else None
    own_domains = {address.rpartition("@")[2] for address in own_addresses}
    outsider = mail.sender is not None and mail.sender.domain not in own_domains
    if forwarded_from is not None and (
        forwarded_from.key in own_addresses or (outsider and forwarded_from.domain in own_domains)
    ):
        # Our own earlier mail (from this mailbox or another of the organisation's, "your
        # course starts Monday"), quoted or attached, is history: the writer is the requester.
        mail = replace(mail, forwarded=None)
    machine = machine_verdict(mail, own_addresses)
    if machine is not None and not machine[1]:
        return Analysis(mail, machine=machine[0])
    quoted = mail.quoted_text if mail.forwarded is None else ""
    documents = read_documents(mail.attachments)
    domain = mail.sender.domain if mail.sender else ""
    text = mail.request_text
    writer = mail.sender.key if mail.sender is not None else None
    if mail.forwarded is not None and forwarded_from is not None and forwarded_from.key == writer:
        # The person forwards their own earlier mail ("no answer to the mail below"):
        # the note is theirs too.
        text = f"{mail.new_text}\n\n{text}"
    # Whose words are quoted: our own earlier mail ("On ..., privacy@... wrote:") is no
    # request of the person's, however it reads.
    author = _QUOTED_AUTHOR.search(quoted[:600])
    line = author.group(0).lower() if author else ""
    ours = any(address in line for address in own_addresses) or any(
        f"@{name}" in line for name in own_domains
    )
    classification = classify(
        mail.request_subject, text, quoted, documents, domain, quoted_from_us=ours
    )
    if machine is not None:
        letter = classification.urgent and not (
            is_list_mail(mail, own_addresses)
            and Topic.SUPERVISORY_AUTHORITY not in classification.topics
        )
        if not letter:  # a newsletter's "a school facing a data breach" is no notice to us
            return Analysis(mail, machine=machine[0])
        # A no-reply system's mail that carries an authority's letter or a breach: a claim
        # of "machine" does not hide it (asymmetric risk); the officer sees the header.
        signals = (*classification.signals, f"sent_by_a_system:{machine[0]}")
        classification = replace(classification, signals=signals)
    return Analysis(mail, classification=classification, documents=documents)

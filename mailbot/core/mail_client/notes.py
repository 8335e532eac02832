"""The officer's notes beside the copies in his mailbox, in Dutch or English. No I/O.

A copy of a draft is exactly the mail the requester would get, so everything
meant for the officer alone (rights, identity, due date, evidence, open actions,
how to approve) is in a separate note. Other notes tell him what mailbot did
with something he moved, and why (not sent, ignored, a warning).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date

Label = Callable[[str, object], str]

TEXTS: dict[str, tuple[str, str]] = {
    "review.subject": ("[{reference}] To review: {kind} (draft {draft})",
                       "[{reference}] Te beoordelen: {kind} (concept {draft})"),
    "review.intro": ("Draft {draft} of case {reference} waits for your review. The mail beside "
                     "this note is exactly what {to} will receive.",
                     "Concept {draft} van zaak {reference} wacht op uw beoordeling. Het bericht "
                     "naast deze notitie is precies wat {to} zal ontvangen."),
    "kind": ("Kind", "Soort"),
    "to": ("To", "Aan"),
    "on_file": ("the address on file", "het adres in ons bestand"),
    "not_on_file": ("NOT the address on file: personal data may not go there",
                    "NIET het adres in ons bestand: persoonsgegevens mogen daar niet heen"),
    "rights": ("Rights", "Rechten"),
    "identity": ("Identity", "Identiteit"),
    "due": ("Due", "Uiterste datum"),
    "days_left": ("{days} days left", "nog {days} dagen"),
    "overdue": ("{days} days overdue", "{days} dagen te laat"),
    "today": ("today", "vandaag"),
    "evidence": ("Why mailbot read these rights", "Waarom mailbot deze rechten las"),
    "why": ("Why this draft", "Waarom dit concept"),
    "notes": ("Check before approving", "Controleer voor goedkeuring"),
    "actions": ("Open actions (approval waits for them; mark them done in the web interface)",
                "Open acties (goedkeuring wacht hierop; markeer ze als gedaan in de webinterface)"),
    "attachments": ("Attachments", "Bijlagen"),
    "how": ("To send it unchanged, move the mail to the folder \"{approve}\". To drop it, move "
            "it to \"{reject}\". mailbot then moves it, with this note, to \"{done}\".\n"
            "To change the text, edit the draft in the web interface (a new copy follows here), "
            "or send it yourself from your mail client{drafts}: mailbot recognises it in your "
            "Sent folder.",
            "Ongewijzigd versturen: verplaats het bericht naar de map \"{approve}\". Afwijzen: "
            "verplaats het naar \"{reject}\". mailbot zet het daarna, met deze notitie, in "
            "\"{done}\".\nDe tekst aanpassen: bewerk het concept in de webinterface (er komt "
            "dan een nieuwe kopie), of verstuur het zelf vanuit uw mailprogramma{drafts}: "
            "mailbot herkent het in uw map Verzonden."),
    "drafts": (" (it is in your Drafts folder too)", " (het staat ook in uw map Concepten)"),
    "told.subject": ("[{reference}] {what}", "[{reference}] {what}"),
    "not_sent": ("Not sent", "Niet verstuurd"),
    "not_rejected.what": ("Not rejected", "Niet afgewezen"),
    "changed": ("The copy of draft {draft} you moved to \"{folder}\" was changed, so it was not "
                "sent: mailbot sends only the stored draft. Edit the draft in the web interface, "
                "or send your version yourself from your mail client. The copy is back in "
                "\"{back}\".",
                "De kopie van concept {draft} die u naar \"{folder}\" verplaatste was gewijzigd; "
                "daarom is die niet verstuurd: mailbot verstuurt alleen het opgeslagen concept. "
                "Bewerk het concept in de webinterface, of verstuur uw versie zelf vanuit uw "
                "mailprogramma. De kopie staat weer in \"{back}\"."),
    "outdated": ("The copy of draft {draft} you moved to \"{folder}\" is an older version: the "
                 "draft was changed after it was placed, so nothing was sent. The current "
                 "version is in \"{back}\".",
                 "De kopie van concept {draft} die u naar \"{folder}\" verplaatste is een oudere "
                 "versie: het concept is daarna gewijzigd; er is niets verstuurd. De huidige "
                 "versie staat in \"{back}\"."),
    "refused": ("Draft {draft} could not be approved:\n{problems}\nThe copy is back in "
                "\"{back}\".",
                "Concept {draft} kon niet worden goedgekeurd:\n{problems}\nDe kopie staat weer "
                "in \"{back}\"."),
    "not_rejected": ("Draft {draft} could not be rejected: {problems}",
                     "Concept {draft} kon niet worden afgewezen: {problems}"),
    "ignored.subject": ("Ignored: a mail in \"{folder}\" that mailbot did not sign",
                        "Genegeerd: een bericht in \"{folder}\" dat mailbot niet ondertekende"),
    "ignored": ("A mail was moved to \"{folder}\" (subject: {subject}) that is not a copy "
                "mailbot placed{why}. Nothing was sent or rejected. It is now in \"{done}\".",
                "Er is een bericht naar \"{folder}\" verplaatst (onderwerp: {subject}) dat geen "
                "kopie van mailbot is{why}. Er is niets verstuurd of afgewezen. Het staat nu in "
                "\"{done}\"."),
    "bad_signature": (": its signature is wrong", ": de handtekening klopt niet"),
    "warning": ("Check what you sent", "Controleer wat u verstuurde"),
    "sent_intro": ("You sent draft {draft} of case {reference} yourself; mailbot recorded the "
                   "text you sent. Please check:",
                   "U heeft concept {draft} van zaak {reference} zelf verstuurd; mailbot heeft de "
                   "verstuurde tekst vastgelegd. Controleer:"),
    "not_settled_intro": ("You sent a mail in case {reference} yourself; mailbot did NOT record "
                          "it as draft {draft}, which still waits:",
                          "U heeft zelf een bericht in zaak {reference} verstuurd; mailbot heeft "
                          "het NIET vastgelegd als concept {draft}, dat nog wacht:"),
    "no_reference": ("- its subject does not carry the reference [{reference}]",
                     "- het onderwerp bevat het kenmerk [{reference}] niet"),
    "recipient_not_on_file": ("- it went to {sent_to}, which is not the address on file "
                              "({to}); personal data may go only to that address",
                              "- het ging naar {sent_to}, niet het adres in ons bestand ({to}); "
                              "persoonsgegevens mogen alleen naar dat adres"),
    "recipient_changed": ("- it went to {sent_to}, not to {to} as drafted",
                          "- het ging naar {sent_to}, niet naar {to} zoals in het concept"),
    "attachment_dropped": ("- these attachments were not in it: {dropped}",
                           "- deze bijlagen zaten er niet bij: {dropped}"),
}  # fmt: skip


def text(language: str, key: str, **values: object) -> str:
    english, dutch = TEXTS[key]
    return (dutch if language == "nl" else english).format(**values)


@dataclass(frozen=True, slots=True)
class Folders:
    review: str
    approve: str
    reject: str
    done: str
    drafts: str = ""


@dataclass(frozen=True, slots=True)
class ReviewFacts:
    """What the officer needs to judge one draft."""

    draft: int
    reference: str
    kind: str
    to: str
    on_file: bool
    rights: Sequence[str]
    identity: str | None
    identity_detail: str
    due: date | None
    today: date
    evidence: Sequence[str] = ()
    why: str = ""
    notes: Sequence[str] = ()
    actions: Sequence[str] = ()
    attachments: Sequence[str] = field(default=())


def review_note(
    facts: ReviewFacts, folders: Folders, language: str, label: Label
) -> tuple[str, str]:
    """The subject and text of the note beside a draft's copy."""

    def t(key: str, **values: object) -> str:
        return text(language, key, **values)

    kind = label("kind", facts.kind)
    subject = t("review.subject", reference=facts.reference, kind=kind, draft=facts.draft)
    lines = [t("review.intro", draft=facts.draft, reference=facts.reference, to=facts.to), ""]
    on_file = t("on_file") if facts.on_file else t("not_on_file")
    lines.append(f"{t('kind')}: {kind}")
    lines.append(f"{t('to')}: {facts.to} ({on_file})")
    rights = ", ".join(label("right", right) for right in facts.rights) or "-"
    lines.append(f"{t('rights')}: {rights}")
    identity = label("identity", facts.identity) if facts.identity else "-"
    detail = f" - {facts.identity_detail}" if facts.identity_detail else ""
    lines.append(f"{t('identity')}: {identity}{detail}")
    if facts.due is not None:
        days = (facts.due - facts.today).days
        left = (
            t("today")
            if days == 0
            else (t("days_left", days=days) if days > 0 else t("overdue", days=-days))
        )
        lines.append(f"{t('due')}: {facts.due.isoformat()} ({left})")
    if facts.attachments:
        lines.append(f"{t('attachments')}: {', '.join(facts.attachments)}")
    for key, items in (
        ("evidence", [f'"{phrase}"' for phrase in facts.evidence]),
        ("notes", list(facts.notes)),
        ("actions", list(facts.actions)),
    ):
        if items:
            lines += ["", f"{t(key)}:"] + [f"  - {item}" for item in items]
    if facts.why:
        lines += ["", f"{t('why')}: {facts.why}"]
    drafts = t("drafts") if folders.drafts else ""
    how = t("how", approve=folders.approve, reject=folders.reject, done=folders.done, drafts=drafts)
    lines += ["", how]
    return subject, "\n".join(lines) + "\n"

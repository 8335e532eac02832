"""German words for each concept of ``rules``.

Normalised text: lower case, no accents, ß as ss; umlauts typed as ``ae``/``oe``/``ue``
("loeschen") are matched with ``e?``.
"""

from __future__ import annotations

_DATA = (
    r"(?:personen|kunden|nutzer)?(?:bezogenen? )?(?:daten|angaben|informationen)|personendaten|"
    r"profil|kundenkonto|konto|account|akte"
)
_ATTRIBUTE = (
    r"(?:nach|vor|familien|firmen|geburts)?name|(?:e-?mail-?|post|wohn|rechnungs)?adresse|anschrift|"
    r"adrese|addresse|adress|"  # typed in a hurry
    r"e-?mail|telefonnummer|handynummer|mobilnummer|nummer|geburtsdatum|postleitzahl|plz|wohnort|"
    r"geschlecht|anrede|iban|bankverbindung"
)
_PURPOSE = (
    r"werbung|werbe\w*|newsletter\w*|marketing\w*|angebote|mailings?|promotion\w*|spam|"
    r"marktforschung|umfragen?|profiling|profilbildung|direktwerbung|direktmarketing|prospekte?"
)

LEXICON: dict[str, str] = {
    "access_request": (
        r"\b(?:daten)?auskunft\w*|\bauskunfts\w*|\bselbstauskunft\b|\bdatenauskunft\w*|"
        r"\brecht auf (?:auskunft|einsicht)\b"
    ),
    "which": r"\b(?:welche\w*|was)\b",
    "which_data": rf"\b(?:welche\w*|was fur|was fuer)\b(?:\W+\w+){{0,2}}?\W+(?:{_DATA})\b",
    "want": (
        r"\b(?:bitte|mochte|moechte|will|wunsche|wuensche|ersuche|konnen sie|koennen sie|"
        r"wurden sie|"
        # the polite imperative: "löschen Sie sie", "schicken Sie mir"
        r"(?:loschen|loeschen|entfernen|berichtigen|korrigieren|sperren|schicken|senden|"
        r"ubermitteln|uebermitteln|nehmen|streichen|geben) sie)\b"
    ),
    "data": rf"\b(?:{_DATA})\b",
    "hold": (
        r"\b(?:haben|hat|habt|gespeichert|gespeich\w*|speichern|speichert|verarbeiten|verarbeitet|vorliegen|"
        r"besitzen|aufbewahr\w*|erfasst|gesammelt|bekannt)\b"
    ),
    "know": (
        r"\b(?:wissen|wisen|wiss?n|erfahren|mitteilen|mitteilung|mitzuteilen|sagen|nachsehen|einsehen|einsicht)\b"
    ),
    "about_me": (
        r"\b(?:uber|ueber|von) mich\b|\bvon mir\b|\bzu meiner person\b|"
        r"\bmich betreffend\w*\b|\bmeiner person\b|\b(?:uber|ueber) ihn\b|"
        r"\bzu (?:seiner|ihrer) person\b"
    ),
    "all_of_it": (
        r"\balles,? was ich (?:verlangt|angefragt|beantragt)\b|"
        r"\balle (?:daten|informationen),? die sie (?:uber mich )?(?:haben|speichern)\b"
    ),
    "copy": r"\b(?:kopie\w*|abschrift\w*|ubersicht|uebersicht|aufstellung)\b",
    "access_verb": r"\b(?:einsicht|zugang|zugriff) (?:in|auf|zu)\b|\beinsehen\b",
    "receive": (
        r"\b(?:erhalten|bekommen|zusenden|zuschicken|schicken|senden|ubermitteln|uebermitteln)\b"
    ),
    "my_data": rf"\b(?:meine|meiner|meinen|meinem) (?:personlichen |persoenlichen )?(?:{_DATA})\b",
    "at_once": r"\b(?:sofort|ab sofort|umgehend|unverzuglich|jetzt)\b",
    "origin_question": (
        r"\b(?:warum|wieso|weshalb) (?:haben|speichern|verarbeiten|nutzen|verwenden) (?:sie|ihr)\b|"
        r"\bwoher (?:haben|hatten|stammen|kommen|kennen) (?:sie|ihr)?\b|"
        r"\bwie (?:sind|kommen|kamen) (?:sie|ihr) (?:an|zu)\b|"
        # indirect: "ich möchte wissen, woher Sie meine Nummer haben"
        r"\bwoher sie\b|\bwie sie an\b.{0,40}\b(?:gekommen|kommen|kamen)\b"
    ),
    # who looked at the person's data: "wer Zugriff auf meine Noten hatte"
    "who_saw": (
        r"\bwer (?:\w+ )?(?:zugriff|zugang) (?:auf|zu)\b|"
        r"\bwer (?:\w+ )?(?:sehen|einsehen) (?:kann|konnte)\b"
    ),
    "recipients": (
        r"\ban wen\b.{0,40}\b(?:weitergegeben|ubermittelt|uebermittelt|verkauft)\b|\bempfanger\w*"
    ),
    "rectification_request": r"\bberichtig\w*|\brichtigstell\w*",
    "correct": (
        r"\b(?:korrektur\w*|andern|anderung\w*|andert|aendern|aenderung\w*|aendert|abander\w*|korrigier\w*|"
        r"korigier\w*|aktualisier\w*|vervollstandig\w*|erganz\w*|anpass\w*|umschreiben|"
        r"richtig stellen|berichtig\w*)\b"
    ),
    "attribute": rf"\b(?:{_ATTRIBUTE})\b",
    "wrong": (
        r"\b(?:falsch\w*|unrichtig\w*|fehlerhaft\w*|veraltet\w*|inkorrekt\w*|alte[nr]?|"
        r"nicht (?:mehr )?(?:korrekt|richtig|aktuell)|stimmt (?:nicht|so nicht)|fehler)\b"
    ),
    "changed": (
        r"\b(?:umgezogen|umzug|geheiratet|verheiratet|geschieden|geandert|geaendert|"
        r"neue[nrs]? (?:adresse|anschrift|name|nachname|e-?mail-?adresse|telefonnummer|nummer))\b|"
        r"\bhat sich\b.{0,20}\bgeandert\b"
    ),
    "forget": r"\brecht auf (?:loeschung|loschung|vergessenwerden|vergessen)\b|\bvergessenwerden\b",
    # not a policy's name: "Löschkonzept", "Löschfristen"
    "delete": (
        r"\b(?:lo(?:e)?sch(?!konzept|frist|routine|regel|pflicht)\w*|geloscht|geloescht|"
        r"entfern\w*|vernicht\w*|tilg\w*)\b|"
        # "nehmen Sie die Bilder von der Website", "offline nehmen"
        r"\b(?:herunter|runter|offline|vom netz) ?(?:zu )?nehm\w*\b|"
        r"\bnehmen sie\b[^.!?]{0,80}\b(?:von|aus) (?:der|dem|den|ihrer|ihrem|ihren)\b"
    ),
    "delete_object": (
        rf"\b(?:{_DATA}|{_ATTRIBUTE}|mich|alles|alle|fotos?|bilder|aufnahmen|videos?|\w*kontos?|"
        r"account|profil\w*)\b"
    ),
    "end": (
        r"\b(?:kundig\w*|kuendig\w*|gekundigt|gekuendigt|beend\w*|schliess\w*|auflos\w*|aufloes\w*|"
        r"abmelden|stornier\w*)\b"
    ),
    "service": (
        r"\b(?:konto|kundenkonto|account|abo|abonnement|mitgliedschaft|vertrag\w*|lizenz\w*|"
        r"zugang|dienst\w*|kundenbeziehung|geschaftsbeziehung)\b"
    ),
    "no_longer_customer": (
        r"\bkein(?:e)? (?:kunde|kundin|mitglied|nutzer\w*) mehr\b|\bnicht mehr (?:kunde|kundin)\b|"
        r"\b(?:nutze|verwende|brauche)\b.{0,30}\bnicht mehr\b"
    ),
    "restriction_request": r"\beinschrankung der verarbeitung\b|\bsperrung\b",
    "limit": (
        r"\b(?:einschrank\w*|einschraenk\w*|schrank\w*|schraenk\w*|beschrank\w*|sperr\w*|gesperrt|"
        r"aussetz\w*|ruhen)\b"
    ),
    "use": (
        r"\b(?:nutzung|nutzen|verwendung|verwenden|verwendet|verarbeitung|verarbeiten|genutzt)\b"
    ),
    "only_store": r"\bnur (?:noch )?(?:speichern|aufbewahren|gespeichert)\b",
    "not_yet_delete": r"\bnoch nicht (?:lo(?:e)?sch\w*|entfern\w*)\b",
    "pending_fix": r"\bbis\b(?! (?:ich|wir)\b).{0,50}\b(?:korrigiert|berichtigt)\b",
    "pending": (
        r"\b(?:bis|solange|wahrend|waehrend)\b.{0,60}\b(?:geklart|geklaert|entschieden|gepruft|"
        r"geprueft|abgeschlossen|beschwerde|klarung|klaerung|korrigiert|berichtigt|behoben)\b"
    ),
    "dont_use": (
        r"\b(?:nicht|keine?|nirgends|nie)\b(?:\W+\w+){0,4}?\W+(?:mehr )?(?:zu )?"
        r"(?:nutzen|verwenden|verarbeiten|weitergeben|weiterzugeben|ubermitteln|uebermitteln|"
        r"senden|teilen|exportieren)\b|\b(?:aussetz\w*|auszusetzen)\b"
    ),
    "change_to": (
        r"\b(?:andern|aendern|korrigieren|berichtigen)\w* sie (?:das|dies|ihn|es|diesen|diese) "
        r"(?:bitte )?(?:in|auf|zu)\b"
    ),
    # what must go, in the passive: someone else (the organisation) is to remove it
    "must_go": (
        r"\b(?:muss|mussen|muessen) (?:\w+ ){0,3}(?:geloscht|geloescht|entfernt|vernichtet) "
        r"werden\b|\b(?:muss|mussen|muessen) (?:da )?(?:raus|weg)\b"
    ),
    # the imperative "use it no more": "verwenden Sie die Fotos nicht mehr"
    "stop_using": (
        r"\b(?:verwenden|nutzen|benutzen) sie (?:\w+ ){0,5}(?:nicht mehr|nicht weiter)\b|"
        r"\bkeine (?:\w+ ){0,4}mehr (?:zu )?(?:verwenden|nutzen)\b"
    ),
    # a bare "STOP" on its own line, above a signature
    "bare_stop": r"(?m)^\W*(?:stop|stopp|abmelden|abbestellen)\W*$",
    "need": r"\b(?:muss|mussen|muessen|sollte|sollten)\b",
    "should_be": (
        r"\b(?:muss|musste|sollte|mueste) (?:aber )?(?:\S+ ){0,3}(?:sein|lauten|heissen)\b|"
        r"\brichtig (?:ist|ware|waere|lautet)\b"
    ),
    "instead_of": r"\b(?:statt|anstatt|anstelle|anstelle von)\b",
    "portability_request": (
        r"\b(?:datenubertragbarkeit|datenuebertragbarkeit|ubertragbarkeit|uebertragbarkeit|"
        r"datenportabilitat|portabilitat)\b"
    ),
    "format": r"\b(?:csv|json|xml|xlsx?|excel|format|dateiformat)\b|\bcsv-\w+",
    "machine_readable": r"\bmaschinenlesbar\w*|\bstrukturiert\w*",
    "reuse": (
        r"\b(?:import\w*|einlesen|hochlad\w*|hochzuladen|weiterverwend\w*|"
        # into a system, not "die Beantwortung übernehmen wir" (take over)
        r"(?:in|ins) (?:\w+ ){0,3}(?:zu )?(?:ubernehmen|uebernehmen)|"
        r"(?:anderen?|neuen?) (?:anbieter\w*|dienstleister\w*|system\w*|schule|arbeitgeber\w*))\b|"
        r"\b(?:anbieter|dienstleister)\b.{0,20}\bwechs\w*|\bwechsle\b|"
        r"\b(?:woanders|anderswo)\b.{0,20}\b(?:hochlad\w*|hochzuladen|verwend\w*|nutz\w*)\b"
    ),
    "transfer": r"\b(?:ubertrag\w*|uebertrag\w*|ubermitt\w*|uebermitt\w*|weiterleit\w*|senden)\b",
    # to whom it goes on: "direkt", "an meinen neuen Anbieter"
    "onward": (
        r"\b(?:direkt|unmittelbar)\b|\b(?:an|in) (?:meinen |unseren |einen |den |die |das |"
        r"meine |unser )?(?:neuen?|neue|anderen?)\b"
    ),
    "object_against": (
        r"\bwiderspruch (?:\w+ ){0,2}gegen\b|\bwidersprech\w* (?:\w+ ){0,3}(?:der|die|dem)\b"
    ),
    "object": r"\b(?:widerspruch\w*|widersprech\w*|widerspreche)\b",
    "purpose": rf"\b(?:{_PURPOSE})\b",
    "dont_want": (
        r"\b(?:will|mochte|moechte|wunsche|wuensche)\b.{0,25}\b(?:keine?n?|nicht)\b|"
        r"\bkeine?\b(?=(?:\W+\w+){0,3}\W+mehr\b)|\bnicht mehr\b|"
        r"\b(?:nie|niemals|nicht)\b(?:\W+\w+){0,3}?\W+(?:erlaubt|zugestimmt|eingewilligt)\b"
    ),
    "contact": (
        r"\b(?:kontaktier\w*|anruf\w*|anzurufen|angerufen|anschreiben|angeschrieben|zusend\w*|zuschick\w*|"
        r"schicken|mails|e-?mails|verteiler)\b"
    ),
    "stop": (
        r"\b(?:stop\w*|aufhoren|aufhoeren|einstellen|unterlassen)\b|"
        r"\b(?:hor|hoer)\w* (?:\w+ ){0,2}?auf\b"
    ),
    "unsubscribe": r"\b(?:abmeld\w*|abbestell\w*|austragen|streichen sie mich|aus dem verteiler)\b",
}

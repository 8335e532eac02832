"""What else reaches a privacy mailbox besides the six rights (DOMAIN.md section 7).

Each topic is told by phrases in Dutch, English, German and French (normalised
text: lower case, no accents), looked for in every language at once: they are
distinctive enough that a Dutch mail does not match a French phrase by chance,
and a mail mixing two languages is covered. A topic never decides a case on its
own: it marks the case for the officer, with the phrase as evidence and the
clock that goes with it (``Topic.urgent``: a data breach has 72 hours).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from mailbot.core.classification import vocabulary
from mailbot.core.classification.prefilter import Cue, Words


class Topic(StrEnum):
    CONSENT_WITHDRAWAL = "consent_withdrawal"  # Art. 7(3): stop at once, as an objection
    DATA_BREACH = "data_breach"  # Art. 33: 72 hours to notify the supervisory authority
    COMPLAINT = "complaint"  # about an earlier answer, or a late one
    SUPERVISORY_AUTHORITY = "supervisory_authority"  # a letter from the AP or another authority
    ON_BEHALF = "on_behalf"  # for someone else: a child, a client, through a privacy service
    DECEASED = "deceased"  # a relative of someone who died (recital 27: the GDPR does not apply)
    SCHOOL = "school"  # a school about its pupils: the school is the controller (Art. 28(3)(e))
    OTHER_LANGUAGE = "other_language"  # written in a language mailbot does not read

    @property
    def urgent(self) -> bool:
        return self in URGENT


URGENT = frozenset({Topic.DATA_BREACH, Topic.SUPERVISORY_AUTHORITY})
# The topics that need the officer's decision before anything is drafted.
DECIDING = frozenset({
    Topic.DATA_BREACH, Topic.COMPLAINT, Topic.SUPERVISORY_AUTHORITY, Topic.DECEASED,
    Topic.OTHER_LANGUAGE,
})  # fmt: skip

_CONSENT = r"(?:toestemming|consent|einwilligung|zustimmung|einverstandnis|consentement|accord)"
_PATTERNS: dict[Topic, str] = {
    Topic.CONSENT_WITHDRAWAL: (
        # "ik trek mijn toestemming in", "I withdraw my consent", "widerrufe meine Einwilligung"
        rf"\b(?:in ?trek\w*|ingetrokken|trek\w*|terug ?(?:trek|neem|nem|genomen)\w*|"
        rf"withdraw\w*|revok\w*|retract\w*|take back|taking back|"
        rf"widerruf\w*|widerrief\w*|zuruck\w*|entzieh\w*|entzogen|"
        rf"retir\w*|revoqu\w*|annul\w*)\b(?:\W+\w+){{0,6}}?\W+{_CONSENT}\w*\b|"
        # "I take back my ok for using my answers", "trek mijn akkoord in"
        r"\b(?:take back|taking back|withdraw\w*|revok\w*|trek\w*|widerruf\w*|retir\w*) "
        r"(?:my|mijn|meine?n?|mon) (?:ok|okay|akkoord|permission|erlaubnis|autorisation)\b|"
        # what was agreed, then taken back: "I'm withdrawing that now"
        r"\b(?:withdraw\w*|revok\w*) (?:that|this)\b(?! (?:request|application|complaint|"
        r"question|order|offer))|\bziehe? (?:ich )?(?:das|dies|diese) (?:hiermit )?zuruck\b|"
        r"\btrek (?:ik )?(?:dat|dit) (?:bij deze |hierbij )?in\b|"
        r"\bje (?:la|le) (?:retire|revoque)\b|"
        rf"\b{_CONSENT}\w*\b(?:\W+\w+){{0,15}}?\W+"
        r"(?:in ?trek\w*|ingetrokken|terug ?(?:trek|neem)\w*|"
        rf"niet (?:meer|langer)|no longer|withdraw\w*|revoke\w*|widerruf\w*|widerrufen|zuruck\w*|"
        rf"nicht mehr|entzogen|retir\w*|revoqu\w*|ne (?:\w+ )?plus)\b|"
        rf"\b(?:geen|no|keine|plus de|pas de) {_CONSENT}\w* (?:meer|more|mehr)\b|"
        # "I agreed to that when I started, but I'd like them taken off now"
        r"\b(?:agreed|ticked (?:yes|the box)|said yes|gave (?:my )?permission|"
        r"vinkje (?:gezet|aangezet)|ja gezegd|akkoord gegeven|ingestemd|"
        r"zugestimmt|angekreuzt|ja gesagt|coche|accepte|dit oui)\b[^.!?]{0,80}?"
        r"\b(?:but|maar|aber|mais)\b[^.!?]{0,60}?\b(?:take (?:it|that) back|taken? (?:\w+ )?off|"
        r"remove\w*|delete\w*|stop\w*|no longer|niet (?:meer|langer)|trek\w* (?:het|dat|dit) in|"
        r"weg|verwijder\w*|nicht mehr|losch\w*|entfern\w*|zuruck\w*|retir\w*|supprim\w*|"
        r"plus)\b|"
        # unsubscribing from a newsletter withdraws the consent it was sent on
        r"\b(?:afgemeld|afmeld\w*|uitgeschreven|uitschrijv\w*|unsubscrib\w*|opted out|"
        r"abgemeldet|abmeld\w*|abbestell\w*|desinscri\w*|desabonn\w*)\b(?:\W+\w+){0,12}?\W+"
        r"(?:nieuwsbrie\w*|newsletter\w*|mailing\w*|lettre d'information)\b|"
        r"\b(?:nieuwsbrie\w*|newsletter\w*|mailing\w*)\b(?:\W+\w+){0,12}?\W+"
        r"(?:afgemeld|uitgeschreven|unsubscribed|abgemeldet|abbestellt|desinscri\w*|desabonne\w*)\b"
    ),
    Topic.DATA_BREACH: (
        r"\bdata ?(?:lek\w*|breach\w*|leak\w*)|\bdatenpanne\w*|\bdatenleck\w*|"
        r"\b(?:datenschutz|schutz)verletzung\w*|\bviolation de(?:s)? donnees\b|"
        r"\bfuite (?:de|des) (?:donnees|informations|adresses)\b|"
        r"\b(?:iemand anders|andermans|"
        r"van een andere? (?:leerling|student|cursist|klant|persoon|kind|meisje|jongen|ouder|"
        r"deelnemer))\b|\bniet (?:haar|zijn|mijn|ons) eigen (?:rooster|cijfers|gegevens)\b|"
        r"\b(?:someone else'?s|somebody else'?s|"
        r"another (?:pupil|student|person|customer|child)'?s?)\b|"
        r"\b(?:fremde[nr]? (?:daten|stundenplan|zeugnis)|(?:daten|stundenplan|zeugnis|noten) "
        r"(?:eines|einer) (?:anderen|fremden)|eines anderen (?:schulers|kindes|kunden))\b|"
        r"\bd'un(?:e)? autre (?:eleve|personne|client|enfant|etudiant|etablissement|college|"
        r"ecole|lycee)\b|\b(?:another|a different) school'?s?\b|"
        r"\bvan een andere school\b|\b(?:einer|eines) (?:anderen|fremden) schule\b|"
        r"\b(?:quelqu'un d'autre|jemand anderem|jemand anderen|d'une autre participante|"
        r"d'un autre participant)\b|"
        # other people's files shown by changing a number in the address (an open door)
        r"\b(?:other|andere|anderen|anderer|fremder|d'autres) (?:schools'?|pupils'?|students'?|"
        r"people'?s?|participants'?|scholen|leerlingen|cursisten|schulen|schuler(?:innen)?|"
        r"kinder|teilnehmer|eleves|"
        r"personnes|attestations|certificates|certificaten|zertifikate|bescheinigungen)\b"
        r"[^.!?]{0,40}\b(?:files?|bestanden|dateien|fichiers|appear|verschijnen|erscheinen|"
        r"apparaissent|afficher|zien|see|sehen|angezeigt)\b|"
        r"\b(?:chang\w*|modif\w*|aanpass\w*|verander\w*|andern|aendern|edit\w*) (?:\w+ ){0,4}"
        r"(?:number|nummer|chiffre|zahl|ziffer|digit|cijfer)\b[^.!?]{0,40}\b(?:url|link|adresse|"
        r"adresbalk|adresszeile|browser|navigateur)\b|"
        r"\b(?:alle|all|toutes les|tous les) (?:\w+ ){0,2}(?:e-?mail ?)?(?:adressen|addresses|"
        r"adresses) (?:\w+ ){0,4}(?:zichtbaar|visible|sichtbar|in (?:de )?cc|im cc|en copie)\b|"
        # the controller's own clock named: "binnen 72 uur melden", "within 72 hours"
        r"\b72 (?:uur|hours|stunden|heures)\b[^.!?]{0,60}\b(?:meld\w*|notif\w*|report\w*|"
        r"signal\w*)\b"
    ),
    Topic.COMPLAINT: (
        # (not "their right to complain to a supervisory authority": a right named)
        r"\b(?:(?<!recht om een )(?<!recht op een )klacht\w*|beklag|(?<!right to )complain\w*|"
        r"(?<!right to lodge a )complaint|(?<!recht auf )(?<!recht zur )beschwer\w*|"
        r"(?<!droit de deposer une )(?<!droit d'introduire une )plainte|"
        r"(?<!droit d'introduire une )reclamation|"
        r"ontevreden|dissatisfied|unzufrieden|mecontent\w*|insatisf\w*)\b|"
        r"\b(?:nog )?(?:steeds )?geen (?:antwoord|reactie)\b|\bno (?:answer|reply|response)\b|"
        r"\b(?:not|never) (?:yet )?(?:received|had|got|heard)\b|\bstill (?:no|nothing|waiting)\b|"
        r"\bkeine (?:antwort|ruckmeldung|reaktion)\b|\bnoch nichts\b|\bunbeantwortet\b|"
        r"\bpas (?:encore )?(?:recu|eu) (?:de |d')?(?:reponse|retour)\b|"
        r"\bsans (?:reponse|nouvelles)\b|"
        r"\b(?:onvolledig\w*|incomplete?|unvollstandig\w*|incomplet\w*)\b|"
        r"\b\w*(?:termijn|deadline|frist|delai)\b(?:\W+\w+){0,8}?\W+(?:verstreken|voorbij|verlopen|"
        r"overschreden|passed|expired|missed|abgelaufen|verstrichen|uberschritten|depasse|expire)\b|"
        r"\b(?:te laat|too late|zu spat|trop tard|en retard)\b|"
        r"\b(?:not|isn'?t|wasn'?t) what i (?:asked|requested)\b|"
        r"\bniet wat ik (?:heb )?(?:gevraagd|vroeg)\b|\bnicht (?:das|was) ich\b.{0,20}"
        r"\b(?:verlangt|angefragt|gefragt|beantragt)\b|\bpas ce que j'ai demande\b|"
        r"\b(?:complete|full) (?:response|answer|reply)\b|\bvolledig\w* (?:antwoord|overzicht)\b|"
        r"\bvollstandige (?:auskunft|antwort)\b|\breponse (?:complete|integrale)\b|"
        r"\btake (?:it|this|the matter) up with\b|"
        r"\b(?:bij|naar) de (?:ap|autoriteit persoonsgegevens)\b|"
        r"\b(?:bei|an) (?:der|die) (?:\w+ )?\w*(?:aufsichtsbehorde|datenschutzbehorde|"
        r"datenschutzaufsicht|aufsicht)\b|"
        r"\b(?:not|is no) an? (?:answer|reply|response) to my (?:request|question)\b|"
        r"\bgeen antwoord op mijn (?:verzoek|vraag)\b|\bkeine antwort auf meine\b|"
        r"\bpas une reponse a ma (?:demande|question)\b|"
        r"\btake (?:this|it|the matter) further\b|\bverder(?:e)? stappen\b|\bweitere schritte\b|"
        r"\brestee? sans suite\b|\btoujours rien\b|\bstill nothing\b|\bnog steeds niets\b|"
        r"\bimmer noch nichts\b|\bje saisirai\b|"
        r"\bje maintiens (?:donc )?ma demande\b|\bi (?:still )?maintain my request\b|"
        r"\bik (?:blijf bij|handhaaf) mijn verzoek\b|\bich halte an meine[mr]? \w+ fest\b|"
        r"\bsaisir la cnil\b|\baupres de la cnil\b"
    ),
    Topic.SUPERVISORY_AUTHORITY: (
        r"\bautoriteit ?persoonsgegevens\b|\bautoriteitpersoonsgegevens\.nl\b|"
        r"\b(?:information commissioner|ico\.org\.uk|ico)\b|\bcnil\b|"
        r"\bcommission nationale de l'informatique\b|\bbfdi\b|"
        r"\b(?:bundes|landes)beauftragte\w* fur (?:den )?datenschutz\b|"
        r"\bdatenschutz(?:aufsicht|behorde|aufsichtsbehorde)\w*\b|\baufsichtsbehorde\w*\b|"
        r"\bsupervisory authority\b|\btoezichthouder\b|\bautorite de (?:controle|protection)\b|"
        r"\bgegevensbeschermingsautoriteit\b|\bdata protection (?:authority|commission)\b"
    ),
    Topic.ON_BEHALF: (
        # (not "I write in a personal capacity, not on behalf of the school")
        r"\b(?:(?<!niet )namens|in naam van|ten behoeve van|"
        r"(?:mijn|ons|onze) (?:zoon|dochter|kind|kinderen|moeder|vader|client|clienten|clienten|"
        r"kleinzoon|kleindochter|kleinkind\w*|pupil)|"
        r"als (?:ouder|voogd|advocaat|gemachtigde|curator|bewindvoerder|mentor)|"
        r"(?:tot|als) (?:de )?voogd (?:van|over)|(?:legal )?guardian of|vormund\w* (?:von|fur)|"
        r"tut(?:eur|rice) (?:de|legale)|"
        r"(?<!not )on behalf of|on (?:her|his|their) behalf|acting for|act for|"
        r"(?:as|their|his|her) (?:legal )?representative|foster (?:parent|carer|mother|father)|"
        r"pleeg(?:moeder|vader|ouder|kind)|pflege(?:mutter|vater|eltern|kind)|"
        r"my (?:son|daughter|child|children|mother|father|client|mum|mom|dad|grandson|"
        r"granddaughter|grandchild\w*)|"
        r"as (?:his|her|their|the child's) (?:parent|guardian|lawyer|attorney|representative)|"
        r"(?<!nicht )im (?:namen|auftrag)|"
        r"meine[rs]?m? (?:sohn\w*|tochter|kind\w*|mandant\w*|mutter|vater\w*|enkel\w*)|"
        r"(?:als|in) (?:gesetzliche[rn]? )?vertret\w*|bevollmachtigt\w*|vollmacht|"
        r"(?<!pas )au nom de|(?<!pas )pour le compte de|mon (?:fils|enfant|client|pere|petit-fils)|"
        r"ma (?:fille|cliente|mere|petite-fille)|"
        r"mes enfants|mandat\w*|"
        r"privacy ?app|privacy ?service|datarequests?\.org|saymine|mine\.com|incogni|deleteme|"
        r"optery|privacybee|kanary|rightly)\b"
    ),
    Topic.DECEASED: (
        r"\b(?:overleden|overlijden\w*|wijlen|gestorven|nalatenschap|erfgena\w*|"
        r"passed away|deceased|died|death certificate|late (?:husband|wife|father|mother|son|"
        r"daughter|partner)|executor|"
        r"verstorben\w*|gestorben|todesfall\w*|sterbeurkunde|nachlass\w*|"
        r"decede\w*|deces|feu (?:mon|ma)|heritier\w*|acte de deces)\b"
    ),
    Topic.SCHOOL: (
        # staff writing as their school: "ik ben roostermaker bij Het Baken College"
        r"\b(?:ik ben|ik werk|i am|i'm|i work|ich bin|ich arbeite|je suis|je travaille)\b"
        r"(?:\W+\w+){0,12}?\W+(?:school|scholen|college|lyceum|gymnasium|\w*schule|academy|ecole|"
        r"lycee|college|etablissement)\b|"
        r"\b(?:onze|van onze) leerlingen\b|\b(?:namens|van|bij) (?:onze|de|ons) "
        r"(?:school|scholen|scholengemeenschap|schoolbestuur)\b|"
        r"\b(?:\w+ ){0,2}van (?:onze|de) scholen\b|\bstichting (?:\w+ ){0,3}onderwijs\b|"
        r"\bwij als school\b|\bschoolbestuur\b|"
        r"\b(?:our|the school's) (?:pupils|students)\b|\b(?:on behalf of|at) (?:our|the) school\b|"
        r"\bwe are a school\b|\bunsere[nr]? (?:schuler\w*|schule)\b|\bschulleitung\b|"
        r"\b(?:als schule|as a school|en tant qu'(?:ecole|etablissement))\b|"
        r"\bschultrager\b|\b(?:nos|des) eleves\b|\bnotre (?:ecole|etablissement|college|lycee)\b|"
        r"\b(?:chef|directeur|directrice) d'etablissement\b|"
        # a school that says it is the controller
        r"\b(?:als|as the|as|en tant que|in seiner rolle als) (?:verwerkingsverantwoordelijke|"
        r"data controller|controller|responsable d[eu] traitement|verantwortliche\w*)\b"
    ),
}
_CUES = {topic: Cue(pattern) for topic, pattern in _PATTERNS.items()}
# Weaker signs of a breach, which count only beside words about personal data.
_BREACH_WEAK = Cue(
    # someone else's document sent to the writer: "an invoice attached that is not mine"
    r"\b(?:invoice|factuur|rechnung|facture|document|attachment|bijlage|anhang|piece jointe|"
    r"rooster|timetable|stundenplan|emploi du temps|report|rapport|zeugnis|certificaat|"
    r"certificate|attestation|bescheinigung)\b[^.!?]{0,40}\b(?:not mine|not for me|"
    r"not addressed to me|niet van mij|niet voor mij|nicht meine?r?|nicht fur mich|"
    r"nicht an mich|pas (?:la |le )?mien\w*|ne m'(?:est|etait) pas destine\w*)\b|"
    # an attacker's claim: "we have copied 212 GB: pupil names, ..."
    r"\b(?:we have|we've|wir haben|wij hebben|nous avons) (?:had access to|copied|stolen|"
    r"downloaded|exfiltrated|kopiert|gestohlen|heruntergeladen|gekopieerd|gestolen|"
    r"gedownload|copie|vole|telecharge)\b|\bransom|\blosgeld|\blosegeld|\brancon\b|"
    # posted where anyone can read it: "in the public facebook group"
    r"\b(?:in|on) (?:a |the )?public (?:facebook |whatsapp |telegram )?(?:group|page|forum)\b|"
    r"\bopenbare (?:facebook|whatsapp)?groep\b|\boffentliche[nr]? (?:facebook-?)?gruppe\b|"
    r"\bgroupe (?:facebook )?public\b|"
    # a file open to anyone: "ohne Anmeldung abrufbar", "without logging in"
    r"\b(?:ohne (?:anmeldung|login|passwort)|without (?:logging in|a login|a password)|"
    r"zonder (?:in te loggen|inloggen|wachtwoord)|sans (?:connexion|mot de passe|identifiant))\b|"
    r"\b(?:lek(?:ken|t)?|gelekt|uitgelekt|geleakt|leak\w*|gehackt|hacked|gehacked|pirate\w*|"
    r"(?:op|on|auf|sur|im|in) (?:het |the |dem |l')?(?:internet|straat|netz)|"
    r"offentlich\w* (?:abrufbar\w*|liste|tabelle)|publicly (?:available|accessible)|"
    r"publicly available|openbaar (?:te vinden|zichtbaar|gemaakt)|"
    r"offentlich (?:einsehbar|zuganglich|sichtbar)|accessibles? (?:a tous|publiquement)|"
    r"(?:adres\w*|address\w*|adresse\w*|e-?mail\w*|recipients?|ontvangers?|empfanger\w*|"
    r"destinataires?|participants?|deelnemers?|teilnehmer\w*|cursisten)\b(?:\W+\w+){0,8}?\W+"
    r"(?:zichtbaar|visible|sichtbar|visibles?|"
    r"in (?:the |de |het )?(?:cc|to)|im (?:cc|an)|en copie|cc[- ]?(?:veld|field|feld)|"
    r"(?:to|an|aan|a)[-: ]+(?:field|veld|feld|champ))\b|"
    r"\b(?:exposed|exposes|blootgesteld|offengelegt|exposee?s?|expose) (?:[\w']+ ){0,3}"
    r"(?:address\w*|adres\w*|adresse\w*|e-?mail\w*|data|gegevens|daten|donnees)\b|"
    r"(?:ging|gingen|went|was sent|were sent|is verstuurd|werd verstuurd|ist|wurde|envoye\w*|"
    r"partie?) (?:\w+ ){0,3}(?:an alle|to (?:all|every)|aan alle|a tous les)\b|"
    # "142 people now have my private address"
    r"\d+ (?:people|strangers|mensen|vreemden|personen|leute|personnes|inconnus) (?:now )?"
    r"(?:have|hebben|haben|ont) (?:nu )?(?:my|mijn|meine|mon|ma) (?:\w+ )?(?:address|adres|"
    r"adresse|e-?mail\w*|number|nummer|numero)|"
    r"(?:per ongeluk|verkeerde|by mistake|wrong (?:person|address)|versehentlich|falsche[nr]? "
    r"(?:person|adresse)|par erreur|mauvaise (?:personne|adresse))\b(?:\W+\w+){0,8}?\W+"
    r"(?:gestuurd|verstuurd|ontvangen|sent|received|geschickt|erhalten|envoye\w*|recu\w*))\b"
)
_PERSONAL = Cue(
    r"\b(?:gegevens|data|daten|donnees|informatie|information|informations|adres\w*|address\w*|"
    r"e-?mail\w*|recipients?|ontvangers?|empfanger\w*|destinataires?|"
    r"naam|namen|name[ns]?|nom|noms|rooster|timetable|stundenplan|emploi du temps|cijfers|grades|"
    r"noten|notes|wachtwoord|password|passwort|mot de passe|bsn|iban|geboortedatum|"
    r"date of birth|geburtsdatum|date de naissance|lijst|list|liste)\b"
)
# A complaint counts when it is about the handling of personal data or of a request:
# "klacht" about a course is a customer-service matter.
_ABOUT_REQUEST = Cue(
    r"\b(?:verzoek|request|anfrage|antrag|auskunft\w*|demande|inzage\w*|access|acces|"
    r"gegevens|data|daten|donnees|avg|gdpr|dsgvo|rgpd|privacy|datenschutz\w*|"
    r"confidentialite|loschung|verwijder\w*|erasure|delet\w*|suppression|bezwaar|objection|"
    r"widerspruch|opposition|ap|ico|cnil|aufsichtsbehorde)\b"
)
_PUPILS = Cue(r"\b(?:leerling\w*|pupils?|students?|schuler\w*|eleves?|kinder|kinderen)\b")
# A school's mail is about its pupils' privacy, not about a timetable.
_PRIVACY = Cue(vocabulary.words(
    vocabulary.PRIVACY, vocabulary.DELETION, vocabulary.ACCESS, vocabulary.CONSENT,
    r"verwerkersovereenkomst|auftragsverarbeitung\w*|processing agreement|sous-traitan\w*|"
    r"data ?lek\w*|breach|datenpanne|fg|functionaris gegevensbescherming|dpo|"
    r"data protection officer|datenschutzbeauftragte\w*|delegue a la protection|"
    r"(?:sub-?)?processors?|(?:sub)?verwerkers?|unterauftragsverarbeiter",
))  # fmt: skip
# An authority's own letter, not a person threatening to go to one.
# What only an authority writes: it received a complaint about us.
_RECEIVED = (
    r"(?:klacht|complaint|beschwerde|plainte|signalement|melding) (?:\w+ ){0,4}"
    r"(?:ontvangen|received|erhalten|eingegangen|recue?|saisi\w*)|"
    r"(?:wij|we) (?:hebben|have) (?:een )?(?:klacht|complaint|melding)|"
    r"(?:saisi\w*|received|ontvangen|erhalten) (?:[\w']+ ){0,3}"
    r"(?:plainte|complaint|klacht|beschwerde)"
)
_COMPLAINT_RECEIVED = Cue(rf"\b(?:{_RECEIVED})\b")
_AUTHORITY_LETTER = Cue(
    r"\b(?:ons kenmerk|uw kenmerk|zaaknummer|dossiernummer|our reference|case reference|"
    r"aktenzeichen|geschaftszeichen|unser zeichen|notre reference|numero de dossier|"
    rf"affaire suivie par|dossier suivi par|{_RECEIVED}|"
    r"vos observations|uw zienswijze|ihre stellungnahme|your (?:comments|observations)|"
    r"(?:verzoeken|request|ersuchen|bitten|invitons|demandons) (?:\w+ ){0,4}"
    r"(?:stellungnahme|standpunt|zienswijze|observations|response|reaction|comments?))\b"
)
# A named authority, not "the supervisory authority" a lawyer or a person refers to.
_NAMED_AUTHORITY = Cue(
    r"\b(?:autoriteit ?persoonsgegevens|autoriteitpersoonsgegevens\.nl|information commissioner|"
    r"ico\.org\.uk|ico|cnil|commission nationale de l'informatique|bfdi|"
    r"(?:bundes|landes)beauftragte\w* fur (?:den )?datenschutz|"
    r"gegevensbeschermingsautoriteit|data protection commission|ldi ?nrw|bayld?a|hmbbfdi|"
    r"berliner beauftragte|apd|gba)\b"
)
# A person who will go to the authority ("faute de quoi je saisirai la CNIL"): a complaint.
_THREAT = Cue(
    r"\b(?:je (?:saisirai|vais saisir|porterai plainte)|i (?:will|shall|'ll) (?:report|complain|go|"
    r"take)|i'll (?:report|complain|go|take)|ik (?:ga|stap|zal)\b.{0,30}\b(?:naar|bij) de|"
    r"(?:ich werde|werde ich) mich|wende ich mich|ich wende mich)\b"
)
_AUTHORITY_DOMAINS = (
    "autoriteitpersoonsgegevens.nl", "ico.org.uk", "cnil.fr", "bfdi.bund.de", "edpb.europa.eu",
    "datenschutz", "dataprotection", "gegevensbeschermingsautoriteit.be", "apd-gba.be",
)  # fmt: skip


# What the officer does about each, in one sentence (the review pages translate it).
ADVICE: dict[Topic, str] = {
    Topic.CONSENT_WITHDRAWAL: (
        "Consent withdrawn: stop that processing at once (Art. 7(3)); handled as an objection."
    ),
    Topic.DATA_BREACH: (
        "Possible data breach: assess it now; if it is one, notify the AP within 72 hours of "
        "receipt (Art. 33) and record it in the breach register."
    ),
    Topic.COMPLAINT: (
        "Complaint about an answer or a late answer: look at the earlier case and answer the "
        "complaint itself."
    ),
    Topic.SUPERVISORY_AUTHORITY: (
        "Letter from a supervisory authority: urgent; answer within the term it sets."
    ),
    Topic.ON_BEHALF: (
        "Written for someone else: check the mandate (parental authority, a signed "
        "authorisation, the privacy service's mandate) before any data goes out."
    ),
    Topic.DECEASED: (
        "About someone who died: the GDPR does not apply (recital 27); decide how to help; "
        "never ask the deceased for a signed authorisation."
    ),
    Topic.SCHOOL: (
        "A school about its pupils: the school is the controller; assist it (Art. 28(3)(e)) "
        "and answer the school, not the pupils."
    ),
    Topic.OTHER_LANGUAGE: (
        "Written in another language: have it read, then reclassify or dismiss it."
    ),
}
DECIDE = (
    "Decide whether this mail is a request: reclassify it with its rights, or dismiss it with "
    "a note why. Its clock runs from receipt."
)


def advice(topics: Iterable[str], needs_decision: bool) -> tuple[str, ...]:
    """What the officer does about a case's topics, the decision first."""
    known = {topic.value: topic for topic in Topic}
    chosen = ordered_topics(known[name] for name in topics if name in known)
    return ((DECIDE,) if needs_decision else ()) + tuple(ADVICE[topic] for topic in chosen)


@dataclass(frozen=True, slots=True)
class TopicMatch:
    topic: Topic
    start: int
    end: int


def find_topics(
    normalised: str, sender_domain: str = "", words: Words | None = None
) -> list[TopicMatch]:
    """Every topic phrase in ``normalised`` text, in the order found (first of each topic).

    ``words``: where the text's words begin (``prefilter.Words``), if known."""
    if words is None:
        words = Words(normalised)
    found: list[TopicMatch] = []
    for topic, cue in _CUES.items():
        match = cue.search(normalised, words)
        if match is None and topic is Topic.DATA_BREACH and _PERSONAL.search(normalised, words):
            match = _BREACH_WEAK.search(normalised, words)
        if match is None:
            continue
        if topic is Topic.COMPLAINT and not _ABOUT_REQUEST.search(normalised, words):
            continue
        if topic is Topic.SCHOOL and not (
            _PRIVACY.search(normalised, words) and _PUPILS.search(normalised, words)
        ):
            continue  # a school's question about a timetable is the helpdesk's
        if topic is Topic.SUPERVISORY_AUTHORITY and not (
            is_authority_domain(sender_domain)
            or (
                _NAMED_AUTHORITY.search(normalised, words) is not None
                and not _THREAT.search(normalised, words)
                and _AUTHORITY_LETTER.search(normalised, words)
            )
            or _COMPLAINT_RECEIVED.search(normalised, words)
        ):
            # Someone who will complain to the AP is a complaint (when it says so), not the
            # authority's letter; an invitation that names the AP is neither.
            continue
        found.append(TopicMatch(topic, *match.span()))
        if topic is Topic.DECEASED:
            found.append(TopicMatch(Topic.ON_BEHALF, *match.span()))
    return found


def has_complaint(normalised: str, words: Words | None = None) -> bool:
    """The text complains about an answer or a late answer to a request about data
    (``words``: where its words begin, if known)."""
    if words is None:
        words = Words(normalised)
    return bool(_CUES[Topic.COMPLAINT].search(normalised, words)) and bool(
        _ABOUT_REQUEST.search(normalised, words)
    )


def is_authority_domain(domain: str) -> bool:
    domain = domain.lower()
    return any(domain == name or domain.endswith("." + name) or name in domain.split(".")
               for name in _AUTHORITY_DOMAINS)  # fmt: skip


def ordered_topics(topics: Iterable[Topic]) -> tuple[Topic, ...]:
    """Topics without duplicates, in the enum's order."""
    chosen = set(topics)
    return tuple(topic for topic in Topic if topic in chosen)

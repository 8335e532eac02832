"""Dutch words for each concept of ``rules``. Normalised text: lower case, no accents."""

from __future__ import annotations

_DATA = (
    r"(?:persoons|persoonlijke |klant|contact)?(?:gegevens|data|info|informatie|dossier|profiel)"
    r"|\bpersoonsgegevens"
)
_ATTRIBUTE = (
    r"(?:achter|voor|bedrijfs|familie|meisjes)?naam|(?:woon|post|e-?mail|mail|factuur)?adres|"
    r"e-?mailadres|telefoon(?:nummer)?|huisnummer|(?:mobiele? |06-?)nummer|nummer|"
    r"geboortedatum|postcode|"
    r"woonplaats|geslacht|aanhef|iban|rekeningnummer|functie"
)
_PURPOSE = (
    r"nieuwsbrie\w*|reclame\w*|marketing\w*|aanbieding\w*|mailings?|promoti\w*|acties|spam|"
    r"marktonderzoek\w*|enquetes?|profiler\w*|profilering|commerciele (?:doeleinden|communicatie)|"
    r"sms(?:-?jes?)?|folders?|direct ?marketing|ongevraagde (?:communicatie|post|mail\w*)"
)

LEXICON: dict[str, str] = {
    "access_request": r"\binzage\w*|\b(?:verzoek|recht) (?:om|op|tot) (?:toegang|inzage)\b",
    "which": r"\b(?:welke|wat)\b",
    "which_data": rf"\b(?:welke|wat voor|wat voor soort)\b(?:\W+\w+){{0,2}}?\W+(?:{_DATA})\b",
    "data": rf"\b(?:{_DATA})\b",
    "hold": (
        r"\b(?:hebben|heeft|hebt|heb|bewaren|bewaard|bewaart|verwerken|verwerkt|verwerking|"
        r"opgeslagen|opslaan|vastgelegd|staan|staat|bezitten|kennen|geregistreerd|bekend|bijhouden)\b"
    ),
    "know": (
        r"\b(?:weten|vertellen|vertel|laten weten|laat weten|inzien|zien|bekijken|benieuwd|"
        r"mededelen|mededeling|informeren|inlichten|nagaan|uitleggen)\b"
    ),
    "about_me": (
        r"\b(?:over|van|omtrent|betreffende) (?:mij|me|mijn persoon)\b|\bmij betreffende\b|"
        r"\bin mijn dossier\b|\bover (?:hem|haar)\b"
    ),
    "all_of_it": (
        r"\balles wat ik (?:heb )?(?:gevraagd|opgevraagd)\b|"
        r"\balle (?:gegevens|informatie) die (?:jullie|u) (?:van mij )?(?:hebben|heeft|hebt)\b|"
        # "een overzicht van ALLES wat er in jullie systeem over Ilyas staat"
        r"\balles wat (?:er )?(?:jullie|u)?\b.{0,40}\b(?:hebben|heeft|staat|staan|bewaren)\b|"
        r"\balle gegevens die\b.{0,60}\b(?:zijn vastgelegd|vastgelegd|opgeslagen|staan|bewaard)\b"
    ),
    "copy": r"\b(?:kopie\w*|afschrift\w*|overzicht)\b",
    "access_verb": r"\b(?:toegang|inzicht) (?:tot|in)\b|\bopvragen\b|\bopgevraagd\b",
    "receive": (
        r"\b(?:ontvangen|krijgen|sturen|stuur|stuurt|toesturen|opsturen|toezenden|zend|opvragen|"
        r"mailen)\b"
    ),
    "at_once": r"\b(?:per direct|per omgaande|meteen|onmiddellijk|direct|nu)\b",
    "origin_question": (
        r"\bwaarom (?:hebben|heeft|hebt|bewaren|bewaart|gebruiken|gebruikt|verwerken|verwerkt) "
        r"(?:jullie|u|je)\b|\bhoe (?:komen|komt|kwamen|kwam|zijn|bent) (?:jullie|u|je) "
        r"(?:aan|bij|erbij|gekomen aan)\b|\bwaar (?:hebben|heeft|hebt) (?:jullie|u|je)\b.{0,60}"
        r"\bvandaan\b|\bwaar komt\b.{0,40}\bvandaan\b|"
        # indirect: "ik wil weten waar jullie mijn nummer vandaan hebben"
        r"\bwaar (?:jullie|u|je)\b.{0,60}\bvandaan\b|\bhoe (?:jullie|u|je) aan\b.{0,40}"
        r"\b(?:komen|komt|gekomen|kwamen|kwam)\b"
    ),
    "my_data": rf"\b(?:mijn|m'n) (?:{_DATA})\b",
    "recipients": (
        r"\bmet wie\b.{0,30}\b(?:delen|gedeeld|deelt)\b|"
        r"\b(?:aan|met) wie\b.{0,40}\b(?:verstrekt|doorgegeven|gedeeld)\b"
    ),
    # who looked at the person's data: "ik wil weten wie er toegang had tot mijn cijfers"
    "who_saw": (
        r"\bwie (?:er )?(?:\w+ )?(?:toegang (?:heeft|had|hebben)|bij kunnen|kan zien|"
        r"kunnen zien)\b|"
        r"\bwie (?:\w+ ){0,3}(?:heeft|hebben) (?:bekeken|gezien|geopend|ingezien|gedownload)\b"
    ),
    "rectification_request": (
        r"\brectificatie\w*|\brectificeren\b|\brecht op (?:correctie|verbetering)\b"
    ),
    "correct": (
        r"\b(?:wijzig\w*|aanpass\w*|aanpassen|aangepast|aan te passen|correctie|veranderen|"
        r"verander|corrigeren|corrigeer|"
        r"gecorrigeerd|verbeteren|verbeter|rechtzetten|recht zetten|rechtgezet|"
        r"goed zetten|goedzetten|goed te zetten|goed (?:komt|komen) te staan|"
        r"bijwerken|bijgewerkt|"
        r"updaten|actualiseren|herstellen|aanvullen)\b"
    ),
    "attribute": rf"\b(?:{_ATTRIBUTE})\b",
    "wrong": (
        r"\b(?:verkeerd\w*|onjuist\w*|fout\w*|incorrect\w*|verouderd\w*|klopt\b.{0,25}\bniet|"
        r"niet (?:meer )?(?:juist|correct|actueel|klopt|kloppen|klopten)|kloppen niet|klopten niet|"
        r"verkeerd gespeld|niet goed|"
        # "mijn oude adres" (not "mijn oude certificaten")
        r"oude? (?:mobiele |vaste |prive |privé )?(?:adres|e-?mailadres|mailadres|telefoonnummer|"
        r"nummer|naam|achternaam|voornaam)|(?:dat|die) niet van mij is)\b"
    ),
    "changed": (
        r"\b(?:verhuisd|verhuizing|getrouwd|gescheiden|veranderd|gewijzigd|"
        r"nieuwe? (?:adres|naam|achternaam|e-?mailadres|mailadres|telefoonnummer|nummer))\b"
    ),
    "forget": r"\b(?:vergeetverzoek|vergetelheid|vergeten (?:te )?worden)\b",
    "delete": (
        r"\b(?:verwijder\w*|verwijdr\w*|verwider\w*|verweider\w*|gewist|wis|"
        # not the German "wissen, welche ..." (know) in a mail that mixes the two
        r"wissen(?!,? (?:welche|ob|was|wie|wer|wo|wann|warum|dass)\b)|vernietig\w*|"
        r"deleten|delete|gedeletet|"
        r"weghalen|weggehaald|schrappen|geschrapt|weggooien|weggegooid|weg te gooien)\b|"
        r"\bgooi\w*\b.{0,60}\bweg\b|\beraf (?:gaat|gaan|gehaald|halen)\b|"
        r"\b(?:eruit|eraf) (?:hebben|halen|gehaald)\b|\b(?:daar|er) ?uit (?:gaan|gaat|moeten)\b|"
        r"\bhaal\w*\b.{0,40}\b(?:uit|eruit|eraf|weg)\b|\buit\b.{0,30}\b(?:systeem|systemen|bestand|"
        r"database|administratie)\b.{0,20}\b(?:halen|gehaald)\b"
    ),
    "delete_object": (
        rf"\b(?:{_DATA}|{_ATTRIBUTE}|account|mij|me|alles|alle|al|foto'?s|beelden|opnames?|"
        r"video'?s|profiel)\b"
    ),
    "end": (
        r"\b(?:opzeggen|opgezegd|opzegging|zeg\w*\b.{0,40}\bop|beeindig\w*|stopzetten|stop ?zetten|"
        r"opheffen|opgeheven|sluiten|afsluiten|stoppen)\b"
    ),
    "service": (
        r"\b(?:abonnement|account|lidmaatschap|contract|overeenkomst|klantrelatie|licentie|"
        r"dienst\w*|samenwerking|als klant)\b"
    ),
    "no_longer_customer": (
        r"\b(?:geen|niet (?:langer|meer)) (?:klant|gebruiker|lid)\b|"
        r"\bniet (?:langer|meer)\b.{0,40}\bgebruik\w* (?:te )?maken\b|"
        r"\bgebruik\w*\b.{0,30}\b(?:dienst\w*|account|app|software)\b.{0,20}"
        r"\bniet (?:meer|langer)\b"
    ),
    "restriction_request": r"\bbeperking van (?:de )?verwerking\b|\brecht op beperking\b",
    "limit": (
        r"\b(?:beperk\w*|bevries\w*|bevriezen|blokkeer\w*|blokkeren|blokkering|afscherm\w*|"
        r"pauzeren|stilzetten|on hold)\b"
    ),
    "use": r"\b(?:gebruik\w*|verwerking\w*|verwerken|verwerkt|inzetten|ingezet)\b",
    "only_store": (
        r"\b(?:alleen|enkel|uitsluitend) (?:nog )?(?:bewaren|opslaan|bewaard|opgeslagen)\b"
    ),
    "not_yet_delete": r"\bnog niet (?:verwijder\w*|wissen|gewist)\b",
    "pending_fix": (
        r"\b(?:totdat|tot|zolang)\b(?! (?:ik|wij|we)\b).{0,50}"
        r"\b(?:gecorrigeerd|verbeterd|rechtgezet|aangepast)\b"
    ),
    "pending": (
        r"\b(?:zolang|totdat|tot|in afwachting van)\b.{0,60}\b(?:uitgezocht|afgehandeld|beoordeeld|"
        r"onderzocht|beslist|opgelost|duidelijk|klacht|gecorrigeerd|verbeterd|rechtgezet|"
        r"aangepast|behandeld)\b"
    ),
    "dont_use": (
        r"\b(?:niet|nergens|geen|nooit)\b(?:\W+\w+){0,4}?\W+(?:meer |langer )?(?:voor )?"
        r"(?:gebruik\w*|delen|deelt|doorgeven|doorgegeven|doorsturen|doorgestuurd|verstrekken|"
        r"verstrekt|verwerken|verwerkt|versturen|verstuurd)\b"
    ),
    "change_to": (
        r"\b(?:wijzig|verander|corrigeer|pas)\w* (?:dit|dat|deze|het|die|hem|mijn \w+) "
        r"(?:in|naar)\b"
    ),
    # what must go, in the passive: someone else (the organisation) is to remove it
    "must_go": (
        r"\b(?:moet|moeten) (?:er ?uit|eraf|weg)\b|"
        r"\b(?:moet|moeten) (?:\w+ ){0,3}(?:verwijderd|gewist|vernietigd) (?:worden)\b"
    ),
    # the imperative "use it no more": "gebruik geen foto's van Yassin meer"
    "stop_using": (
        r"(?<!\bik )\bgebruik (?:\w+ ){0,2}geen\b(?:\W+\w+){0,5}?\W+meer\b|"
        r"\b(?:stop|stoppen|ophouden) met (?:het )?gebruik\w*\b|"
        r"\bnergens (?:meer )?(?:voor )?(?:meer )?(?:te )?gebruik\w*\b"
    ),
    # a bare "STOP" on its own line, above a signature
    "bare_stop": r"(?m)^\W*(?:stop|stoppen|afmelden|uitschrijven)\W*$",
    "need": r"\b(?:moet|moeten|dient|dienen)\b",
    "should_be": (
        r"\b(?:maar|terwijl) (?:dat|het|die|deze) (?:moet|hoort|zou)\b|\bmoet (?:\S+ ){1,3}zijn\b|"
        r"\b(?:het|dat|die|dit) moet zijn\b|"
        r"\bde juiste \w+ is\b"
    ),
    "instead_of": r"\b(?:in plaats van|ipv|i\.p\.v)\b",
    "portability_request": r"\b(?:overdraagbaar\w*|dataportabiliteit|portabiliteit)\b",
    "format": r"\b(?:csv|json|xml|xlsx?|excel|formaat|bestandsformaat|spreadsheet)\b",
    "machine_readable": r"\bmachine[ -]?leesba\w*|\bgestructureerd\w*",
    "reuse": (
        r"\b(?:inlezen|importeren|inladen|meenemen|overzetten|overstappen|overstap|hergebruik\w*|"
        r"(?:andere|nieuwe) (?:leverancier|aanbieder|partij|school|werkgever|systeem|planner))\b|"
        r"\bzelf\b.{0,20}\b(?:kan|kunnen) (?:gebruiken|hergebruiken)\b|"
        r"\bergens anders\b.{0,20}\b(?:uploaden|gebruiken|inlezen|invoeren)\b"
    ),
    "transfer": (
        r"\b(?:overzetten|overdragen|doorsturen|doorgeven|overdracht|overbrengen|overgezet|overgedragen)\b"
    ),
    # to whom it goes on: "rechtstreeks", "naar mijn nieuwe school"
    "onward": (
        r"\b(?:rechtstreeks|direct)\b|\b(?:naar|in) (?:mijn |onze |ons |een |de |het )?"
        r"(?:nieuwe|andere)\b"
    ),
    "object_against": r"\bbezwaar (?:\w+ ){0,2}tegen\b",
    "object": r"\bbezwaar\b|\bmaak\w* bezwaar\b",
    "purpose": rf"\b(?:{_PURPOSE})\b",
    "want": (
        r"\b(?:wil|wilt|willen|graag|verzoek\w*|vraag|vragen (?:wij|we) (?:u|jullie)|wens|"
        r"alstublieft|alsjeblieft|aub|svp|gelieve|"
        r"kunt u|kunnen jullie|kun je|kan je|wilt u|zou(?:den)? (?:u|jullie))\b"
    ),
    "dont_want": (
        r"\b(?:wil(?:len|t)?|hoef|hoeven|wens|verzoek\w*|vraag)\b(?:[^\w.!?]+\w+){0,8}?[^\w.!?]+"
        r"(?:niet|geen)\b|"
        r"\b(?:graag|liever|alsjeblieft|aub) geen\b|\bniet (?:meer|langer)\b|(?:^|[.!?\n]) ?geen\b|"
        r"\bnooit (?:toestemming|goedkeuring)\b|\bnooit meer\b"
    ),
    "contact": (
        r"\b(?:benaderen|benaderd|bel|bellen|gebeld|belt|mailen|gemaild|mailt|mailtjes|e-?mails|mails|"
        r"telefoontjes|contact (?:opnemen|opgenomen)|lastig (?:vallen|gevallen)|toesturen|sturen)\b"
    ),
    "stop": r"\b(?:stop|stopt|stoppen|ophouden|hou\w* op|staak|staken)\b",
    "unsubscribe": (
        r"\b(?:afmeld\w*|uitschrijv\w*|schrijf (?:me|mij) uit)\b|"
        # "ik heb me afgemeld", not "uitgeschreven leerlingen" (pupils who left the school)
        r"\b(?:me|mij|ik)\b(?:\W+\w+){0,4}?\W+(?:afgemeld|uitgeschreven)\b|"
        r"\b(?:van|uit) (?:jullie|uw|de) (?:mailing|bel|verzend|adres)?lijst\b"
    ),
}

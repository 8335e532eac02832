"""French words for each concept of ``rules``. Normalised text: lower case, no accents."""

from __future__ import annotations

_DATA = (
    r"(?:donn?e+s?|donnes|informations?|infos?|coordonnees|compte|conte|profil|dossier|fichiers?|"
    r"attestations?)"
)
_ATTRIBUTE = (
    r"nom|prenom|adresse(?: e-?mail| mail| postale)?|e-?mail|courriel|numero(?: de telephone)?|"
    r"telephone|portable|date de naissance|code postal|ville|civilite|iban|rib"
)
_PURPOSE = (
    r"pubs?|publicit\w*|newsletters?|lettres? d'information|prospection|marketing|offres|"
    r"promotion\w*|sollicitation\w*|spam|etudes? de marche|sondages?|enquetes?|profilage|"
    r"fins commerciales"
)

LEXICON: dict[str, str] = {
    "access_request": (
        r"\bdroit d'acces\b|\bdemande d'acces\b|\bacces a (?:mes|toutes mes|l'ensemble de mes)\b|"
        r"\brequete en renseignement\b|"
        r"\bcommunication (?:de l'ensemble |de toutes )?(?:des|de mes|de ses|de leurs) donnees\b"
    ),
    "which": r"\b(?:quel|quels|quelle|quelles|ce que|lesquelles)\b",
    "which_data": rf"\b(?:quel|quels|quelle|quelles)\b(?:\W+\w+){{0,2}}?\W+{_DATA}\b",
    "want": (
        r"\b(?:je (?:veux|veut|voudrais|voudrai|souhaite|souhaiterais|demande)|"
        r"(?:nous )?vous demandons|nous souhaitons|je vous demande|je vous prie|priere de|"
        r"merci de|pouvez-vous|"
        r"pourriez-vous|svp|s'il vous plait|veuillez|j'aimerais|je vous saurais gre)\b"
    ),
    "data": rf"\b{_DATA}\b",
    "hold": (
        r"\b(?:avez|detenez|possedez|conservez|traitez|gardez|stockez|enregistr\w*|collect\w*|"
        r"trait\w+es|conserv\w+es|detenu\w*)\b"
    ),
    "know": r"\b(?:savoir|connaitre|m'indiquer|me dire|me confirmer|me preciser|consulter)\b",
    "about_me": (
        r"\b(?:sur moi|me concernant|qui me concernent|a mon sujet|relatives a ma personne)\b|"
        # the person written for: "ce que vous avez comme informations à son nom"
        r"\b(?:a son nom|le concernant|la concernant|sur lui|sur elle)\b"
    ),
    "all_of_it": (
        r"\btout ce que (?:j'ai demande|vous avez sur moi|vous detenez)\b|"
        r"\btoutes les (?:donnees|informations) que vous (?:avez|detenez)\b|"
        r"\bl'ensemble des (?:donnees|informations) que vous (?:avez|detenez|conservez|gardez)\b"
    ),
    "copy": r"\b(?:copie|copies|recapitulatif|apercu)\b",
    "access_verb": r"\bacce(?:s|der)\b|\bconsulter\b",
    "receive": (
        r"\b(?:recevoir|obtenir|m'envoyer|m'en envoyer|me communiquer|me fournir|m'adresser|"
        r"me faire parvenir|m'en faire parvenir|nous envoyer|nous faire parvenir|recuperer)\b"
    ),
    "my_data": rf"\b(?:mes|toutes mes) (?:{_DATA})(?: personnelles)?\b",
    "at_once": r"\b(?:immediatement|tout de suite|des maintenant|sans delai|maintenant)\b",
    "origin_question": (
        r"\b(?:pourquoi|pk|pq|pkoi) (?:avez|detenez|conservez|utilisez|traitez)-? ?vous\b|"
        r"\b(?:pourquoi|pk|pq|pkoi) vous (?:avez|detenez|gardez|possedez|utilisez)\b|"
        r"\bd'ou (?:vous )?(?:sortez|tirez)\b|"
        r"\bd'ou vous (?:tenez|avez|viennent)\b|"
        r"\bou (?:est-ce que )?vous avez (?:eu|trouve|obtenu|pris|recupere)\b|"
        r"\bcomment (?:avez|vous etes)-? ?vous (?:obtenu|eu|procure)\b|\bd'ou (?:tenez-? ?vous|"
        r"viennent|proviennent|vient|provient)\b"
    ),
    # who looked at the person's data: "qui a eu accès à mes résultats"
    "who_saw": r"\bqui (?:a|avait|ont) (?:eu )?acces\b|\bqui (?:peut|pouvait) (?:voir|consulter)\b",
    "recipients": (
        r"\ba qui\b.{0,40}\b(?:transmis|communique\w*|vendu\w*|partage\w*)\b|\bdestinataires\b"
    ),
    "rectification_request": r"\brectifi\w*",
    "correct": (
        r"\b(?:corrig\w*|correction|modifi\w*|rectifi\w*|mett\w* a jour|mise a jour|actualis\w*|"
        r"complet(?:er|ez|e|es|ee|ees)\b(?! (?:de|du|des)\b)|"
        r"changer)\b"
    ),
    "attribute": rf"\b(?:{_ATTRIBUTE})\b",
    "wrong": (
        r"\b(?:faux|fausse|fausses|erron\w*|incorrect\w*|inexact\w*|mal (?:orthographi\w*|ecrit\w*|"
        r"saisi\w*)|plus a jour|perime\w*|ancienne?|(?<!message d')(?<!code )erreur(?! \d))\b"
    ),
    "changed": (
        # ("je me suis mariée", not the first name Marie-Paule)
        r"\b(?:demenag\w*|(?:suis|me suis|s'est|etant|ai ete) (?:\w+ )?mariee?s?|divorc\w*|"
        r"a change|"
        r"ont change|nouvel(?:le)? (?:adresse|nom|"
        r"numero|e-?mail|courriel))\b"
    ),
    "forget": r"\bdroit a l'oubli\b|\bdroit a l'effacement\b",
    "delete": r"\b(?:supp?rim\w*|supp?ression|eff?ac\w*|detrui\w*|retir\w*(?![- ]moi\b))\b",
    "delete_object": (
        rf"\b(?:{_DATA}|{_ATTRIBUTE}|moi|tout|photos?|images?|videos?|enregistrements?|profil)\b"
    ),
    "end": r"\b(?:resili\w*|fermer|fermeture|cloturer|cloture|annuler|annulation|mettre fin)\b",
    "service": r"\b(?:compte|abonnement|contrat|adhesion|inscription|licence|service|services)\b",
    "no_longer_customer": (
        r"\b(?:ne suis )?plus (?:client|cliente|membre|utilisateur|utilisatrice)\b|"
        r"\bn'utilise plus\b"
    ),
    "restriction_request": r"\blimitation du traitement\b|\bdroit a la limitation\b",
    "limit": r"\b(?:limit\w*|gel\w*|bloqu\w*|suspend\w*|restrein\w*)\b",
    "use": r"\b(?:utilis\w*|traitement|traiter|exploit\w*)\b",
    "only_store": r"\b(?:seulement|uniquement) (?:conserver|stocker)\b",
    "not_yet_delete": r"\bpas encore (?:supprim\w*|effac\w*)\b",
    "pending_fix": (
        r"\b(?:jusqu'a ce que|en attendant que|tant que)\b(?! (?:je|j'|nous)\b).{0,50}"
        r"\b(?:corrige\w*|rectifie\w*)\b"
    ),
    "pending": (
        r"\b(?:le temps que|jusqu'a ce que|en attendant|pendant que)\b.{0,60}\b(?:examin\w*|"
        r"trait\w*|resolu\w*|verifi\w*|decid\w*|reclamation|corrige\w*|rectifie\w*|regle\w*|"
        r"clarifie\w*)\b"
    ),
    "portability_request": r"\bportabilite\b",
    "format": r"\b(?:csv|json|xml|xlsx?|excel|format)\b",
    "machine_readable": (
        r"\blisible par (?:une )?machine\b|\bformat (?:structure|couramment utilise)\b"
    ),
    "reuse": (
        r"\b(?:(?<!n')import\w*|reutilis\w*|exploitable|(?:nouveau|nouvel|nouvelle|autre) "
        r"(?:prestataire|fournisseur|"
        r"service|operateur|etablissement|employeur|ecole|systeme))\b|"
        r"\bchange\w* de (?:prestataire|fournisseur|service|operateur)\b|"
        r"\b(?:telecharger|televerser|deposer|utiliser|reutiliser)\b.{0,20}\bailleurs\b"
    ),
    "transfer": r"\b(?:transf[ée]r\w*|transmet\w*|transmis|envoy\w*)\b",
    # to whom it goes on: "directement", "à mon nouvel employeur" (not "une nouvelle attestation")
    "onward": (
        r"\bdirectement\b|\b(?:a|au|chez|vers|dans) (?:mon |ma |notre |un |une |le |la )?"
        r"(?:nouvel(?:le)?|nouveau|autre)\b"
    ),
    "dont_use": (
        r"\b(?:ne|n')\b.{0,30}\b(?:plus|pas)\b.{0,20}\b(?:utilis\w*|partag\w*|transmet\w*|"
        r"transmis|envoy\w*|trait\w*|communiqu\w*)\b|"
        r"\bne (?:pas|plus) (?:utiliser|partager|transmettre|envoyer|traiter|communiquer)\b"
    ),
    "change_to": (
        r"\b(?:modifi|chang|corrig)\w* (?:le|la|les|ce|cela|ca|mon \w+|ma \w+) (?:en|par)\b"
    ),
    # what must go, in the passive: someone else (the organisation) is to remove it
    "must_go": r"\b(?:doit|doivent) (?:etre )?(?:supprime\w*|efface\w*|retire\w*|detruit\w*)\b",
    # the imperative "use it no more": "n'utilisez plus mes photos"
    "stop_using": (
        r"\bn'utilisez (?:plus|jamais plus)\b|\bcessez d'utiliser\b|\barretez d'utiliser\b"
    ),
    # a bare "STOP" on its own line, above a signature
    "bare_stop": r"(?m)^\W*(?:stop|desinscription|desabonnement|desinscrire)\W*$",
    "need": r"\b(?:doit|doivent|devrait|devraient|faut)\b",
    "should_be": (
        r"\b(?:alors que|mais) (?:c'est|il s'agit de|elle est|il est)\b|\bdevrai(?:t|ent) etre\b|"
        r"\bla bonne \w+ est\b|\ble bon \w+ est\b"
    ),
    "instead_of": r"\b(?:au lieu de|a la place de)\b",
    "object_against": r"\b(?:m\')?oppos\w* (?:\w+ ){0,2}a\b|\bopposition (?:a|au|aux)\b",
    "object": r"\bm'oppos\w*|\bopposition\b|\bje m'y oppose\b|\bs'opposer\b",
    "purpose": rf"\b(?:{_PURPOSE})\b",
    "dont_want": (
        r"\b(?:ne|n')\b.{0,25}\bplus\b|\bje (?:veux|veut|souhaite|voudrais) plus\b|"
        r"\bne (?:veux|souhaite|desire)\b.{0,10}\bpas\b|"
        r"\b(?:plus|pas) (?:de|d')\b|\bjamais (?:autorise|consenti|accepte|donne)\w*"
    ),
    "contact": (
        r"\b(?:contact\w*|appel\w*|envoy\w*|sollicit\w*|recevoir|mails|e-?mails|courriels|sms)\b"
    ),
    "stop": r"\b(?:arret\w*|cess\w*|stop|(?:ca|sa) suffit)\b",
    "unsubscribe": (
        r"\bdesinscri\w*|\bdesabonn\w*|\bme retirer de\b.{0,30}\bliste|"
        r"\bretire[zr]?[- ]moi\b(?! de (?:vos|votre) (?:fichiers?|bases?|systemes?|donnees))"
    ),
}

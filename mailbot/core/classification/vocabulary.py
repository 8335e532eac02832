"""The words about privacy that the recall rules share (normalised text: lower case, no
accents), so that "is this about the person's data?" has one answer everywhere.

Each is a regex alternation without boundaries; ``words`` joins them into one pattern.
"""

from __future__ import annotations

import re

# The law and the subject itself, in the four languages.
PRIVACY = (
    r"avg|gdpr|dsgvo|rgpd|privacy\w*|persoonsgegevens|personal data|personenbezogen\w*|"
    r"donnees (?:personnelles|a caractere personnel)|datenschutz\w*|gegevensbescherming|"
    r"data protection|protection des donnees"
)
# The writer's own data, in the first person.
OWN_DATA = (
    r"(?:mijn|m'n|onze) (?:persoonlijke )?(?:gegevens|data|dossier|profiel)|"
    r"(?:my|our) (?:personal )?(?:data|information|info|details|records?|profile)|"
    r"personal (?:information|info|details)|(?:about|on) me\b|"
    r"(?:meine|unsere) (?:personlichen )?(?:daten|angaben)|uber mich|"
    r"(?:mes|nos) (?:donnees|informations|coordonnees)|sur moi"
)
# Narrower: only the writer's own, never "our" (a company's) data.
MY_DATA = (
    r"(?:mijn|m'n) (?:persoons)?gegevens|my (?:personal )?(?:data|information|details)|"
    r"meine (?:personenbezogenen )?daten|mes donnees|(?:about|of) me\b|van mij\b|over mij\b|"
    r"uber mich|me concernant"
)
CONSENT = r"toestemming|consent|einwilligung|consentement"
DELETION = r"verwijder\w*|wissen|delete\w*|erase\w*|losch\w*|supprim\w*|effac\w*"
ACCESS = r"inzage|auskunft"


def words(*alternations: str) -> re.Pattern[str]:
    """One pattern matching any of ``alternations`` as whole words."""
    return re.compile(r"\b(?:" + "|".join(alternations) + r")\b")

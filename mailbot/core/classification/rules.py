"""Which combinations of concepts in one sentence support which right.

The rules are the same for every language; the lexicons (``lexicon_nl`` and
friends) say which words express each concept. A rule lists concepts that must
all occur in one sentence, close together; the first one is the anchor where
negation ("I don't want you to delete ...") and "if you ..." clauses are checked.

Weights are on one scale: 1.0 or more is enough on its own to say a right is
asked for, less than 1.0 only supports it. A right is found when the weights
of its distinct rules, each on its own piece of text, add up to ``THRESHOLD``.
Weights under ``ANCHOR`` are topic words ("marketing"): they add to a right
that an action already supports, and never establish one alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from mailbot.core.rights import Right

THRESHOLD = 1.0
ANCHOR = 0.5
RELATIONSHIP = "ending the customer relationship counts as erasure (privacy statement)"

ACC, REC, ERA, RES, POR, OBJ = (
    Right.ACCESS,
    Right.RECTIFICATION,
    Right.ERASURE,
    Right.RESTRICTION,
    Right.PORTABILITY,
    Right.OBJECTION,
)


NEAR = 100  # characters: how close the concepts of a rule must be
CLOSE = 45  # for rules whose words belong to one phrase ("don't call me", "delete me")


@dataclass(frozen=True, slots=True)
class Rule:
    right: Right
    weight: float
    concepts: tuple[str, ...]
    negatable: bool = True
    note: str = ""
    window: int = NEAR

    @property
    def name(self) -> str:
        return f"{self.right.value}:{'+'.join(self.concepts)}"


def rule(
    right: Right,
    weight: float,
    *concepts: str,
    negatable: bool = True,
    note: str = "",
    window: int = NEAR,
) -> Rule:
    return Rule(right, weight, concepts, negatable, note, window)


RULES: tuple[Rule, ...] = (
    # access: the person wants to know, see or receive their data
    rule(ACC, 1.2, "access_request"),
    rule(ACC, 1.2, "which_data", "hold", window=CLOSE),
    rule(ACC, 1.2, "know", "which_data"),
    rule(ACC, 1.2, "know", "about_me"),
    rule(ACC, 1.0, "which", "about_me"),
    rule(ACC, 1.0, "copy", "data", window=CLOSE),
    rule(ACC, 1.0, "receive", "all_of_it", window=CLOSE),  # "send me everything I asked for"
    rule(ACC, 1.0, "copy", "all_of_it", window=CLOSE),  # "an overview of everything you have"
    rule(ACC, 1.0, "receive", "about_me"),  # "send me everything you have about me"
    rule(ACC, 1.0, "access_verb", "my_data", window=CLOSE),
    rule(ACC, 1.0, "access_verb", "data", "want", window=CLOSE),  # "I ask: - access to the data"
    rule(ACC, 1.0, "receive", "my_data", window=CLOSE),
    rule(ACC, 1.0, "know", "my_data", window=CLOSE),
    rule(ACC, 1.0, "origin_question", "data", window=CLOSE),  # "why do you have my data?"
    rule(ACC, 1.0, "origin_question", "attribute", window=CLOSE),  # "how did you get my e-mail?"
    rule(ACC, 0.6, "which_data"),
    rule(ACC, 1.0, "know", "who_saw", window=CLOSE),  # "I want to know who had access"
    rule(ACC, 0.6, "recipients"),
    # rectification: something about the person is wrong, or must change
    rule(REC, 1.2, "rectification_request"),
    rule(REC, 1.2, "correct", "attribute"),
    rule(REC, 1.2, "correct", "my_data", window=CLOSE),
    rule(REC, 1.2, "correct", "data", "want", window=CLOSE),
    rule(REC, 1.2, "wrong", "attribute", negatable=False),
    rule(REC, 1.2, "wrong", "my_data", negatable=False, window=CLOSE),
    rule(REC, 1.2, "attribute", "instead_of", negatable=False, window=CLOSE),  # "41 instead of 14"
    rule(REC, 1.0, "change_to"),  # "could you amend this to Susan Clarke?"
    rule(REC, 1.2, "attribute", "should_be", negatable=False),  # "..., but that should be 14-08"
    rule(REC, 1.0, "correct", "need", window=CLOSE),  # "it needs correcting"
    rule(REC, 0.8, "changed", "attribute", negatable=False),
    rule(REC, 1.0, "pending_fix", negatable=False),  # "don't use it until it is corrected"
    rule(REC, 0.6, "correct", "want", window=CLOSE),
    rule(REC, 0.6, "correct"),
    rule(REC, 0.6, "changed", negatable=False),
    # erasure; ending the customer relationship counts as erasure (privacy statement)
    rule(ERA, 1.5, "forget"),
    rule(ERA, 1.2, "delete", "delete_object", window=CLOSE),
    rule(ERA, 1.0, "delete", "want", window=CLOSE),
    rule(ERA, 1.1, "delete", "data", "want"),  # "we would like the data you collected deleted"
    rule(ERA, 1.2, "end", "service", note=RELATIONSHIP),
    rule(ERA, 1.0, "no_longer_customer", negatable=False, note=RELATIONSHIP),
    rule(ERA, 1.0, "must_go"),  # "die opmerking moet eruit", "must be deleted"
    rule(ERA, 0.6, "delete"),
    # restriction: keep the data, but do not use it (for now)
    rule(RES, 1.2, "restriction_request"),
    rule(RES, 1.2, "limit", "use"),
    rule(RES, 1.2, "pending", "dont_use", negatable=False),  # "until it is sorted, don't use it"
    rule(RES, 1.2, "pending", "stop", negatable=False, window=CLOSE),  # "until then, stop showing"
    rule(RES, 1.0, "only_store", negatable=False),
    rule(RES, 1.1, "limit", "data", "want"),  # "wij verzoeken u de gegevens te beperken"
    rule(RES, 0.8, "limit", "data"),
    rule(RES, 0.8, "not_yet_delete", negatable=False),
    rule(RES, 0.5, "pending", negatable=False),
    rule(RES, 0.6, "limit"),
    # portability: the data in a usable format, or sent on to someone else
    rule(POR, 1.2, "portability_request"),
    rule(POR, 1.2, "format", "reuse"),
    rule(POR, 1.2, "transfer", "data", "onward"),
    rule(POR, 1.0, "machine_readable"),
    rule(POR, 0.6, "format"),
    rule(POR, 0.6, "reuse"),
    rule(POR, 0.6, "transfer", "onward"),
    # objection: stop using the data (for marketing, profiling, research)
    rule(OBJ, 1.2, "object_against"),  # "maken wij bezwaar tegen het verstrekken"
    rule(OBJ, 1.2, "object", "use"),
    rule(OBJ, 1.2, "object", "purpose"),
    rule(OBJ, 1.2, "dont_want", "purpose", negatable=False, window=CLOSE),
    rule(OBJ, 1.2, "dont_want", "contact", negatable=False, window=CLOSE),
    rule(OBJ, 1.2, "use", "purpose", "dont_want", negatable=False, window=CLOSE),
    rule(OBJ, 1.2, "stop", "purpose"),
    rule(OBJ, 1.2, "stop", "contact", window=CLOSE),
    rule(OBJ, 1.0, "stop_using", negatable=False),  # "gebruik geen foto's van hem meer"
    # "no longer process my data": objection, or restriction when it says "until ..."
    rule(OBJ, 0.6, "dont_want", "use", "data", negatable=False),
    rule(OBJ, 0.6, "stop", "use", "data"),
    rule(OBJ, 0.5, "stop", "at_once", window=CLOSE),
    rule(OBJ, 1.0, "unsubscribe"),
    rule(OBJ, 1.0, "bare_stop", negatable=False),  # "STOP" as the whole answer
    rule(OBJ, 0.8, "object"),
    rule(OBJ, 0.4, "purpose", negatable=False),
)

"""English words for each concept of ``rules``. Normalised text: lower case, no accents."""

from __future__ import annotations

_DATA = (
    r"(?:personn?al |personel )?(?:data|information|informations|info|details|records?|files?|"
    r"profiles?|infomation|informaton|infromation|detials|deatils|detales|footage|cctv|"
    r"recordings?)"
)
_ATTRIBUTE = (
    r"(?:sur|first |last |family |maiden |company |middle )?name|"
    r"(?:e-?mail |home |postal |billing )?address|e-?mail|phone(?: number)?|mobile(?: number)?|"
    r"number|date of birth|birth ?date|dob|post ?code|zip(?: code)?|gender|title|job title|"
    r"bank details|iban"
)
_PURPOSE = (
    r"newsletters?|marketing|advert\w*|ads|promotion\w*|promo\w*|offers|spam|mailing ?lists?|"
    r"mailshots?|sales calls?|cold calls?|market research|surveys?|profiling|analytics|"
    r"direct marketing|commercial (?:purposes|communications?|messages)"
)

LEXICON: dict[str, str] = {
    "access_request": (
        r"\b(?:data )?subject access request\b|\bsar\b|\bdsar\b|\b(?:right of|right to) access\b|"
        r"\baccess request\b"
    ),
    "which": r"\b(?:what(?:ever)?|wat|wot|wich)\b",
    "which_data": (
        rf"\b(?:what|which|what kind of|what sort of|wat|wot|wich)\b(?:\W+\w+){{0,2}}?\W+{_DATA}\b"
    ),
    "data": rf"\b{_DATA}\b",
    "hold": (
        r"\b(?:hold|have|has|keep|stor|process|collect|got|gather|retain|record|possess)\w*|"
        r"\byou'?ve\b"
    ),
    "know": (
        r"\b(?:know|kno|want to no|tell me|see(?! (?:below|above|attached|the attach\w*))|"
        r"find out|learn|let me know|inform me|confirm|"
        r"check)\b"
    ),
    "about_me": (
        r"\b(?:about|on|of|concerning|regarding) me\b|\brelating to me\b|"
        # the person written for: "what you hold about her"
        r"\b(?:about|on|concerning|regarding) (?:him|her)\b"
    ),
    "all_of_it": (
        r"\beverything (?:i (?:asked|requested)|(?:you|u|ya) (?:have|hold|keep|got))\b|"
        r"\ball (?:the )?(?:data|information) you (?:have|hold|keep)\b|"
        r"\bwhat(?:ever)? is in (?:my|her|his|their) (?:account|portfolio|file)\b"
    ),
    "copy": r"\b(?:copy|copies|overview|summary|printout)\b",
    "access_verb": r"\baccess(?!ib)\w*\b|\brequest (?:to see|a copy)\b",
    "receive": r"\b(?:receive|recieve|get|send|provide|obtain|snd)\b",
    "at_once": r"\b(?:immediately|at once|right now|straight away|right away|now)\b",
    "origin_question": (
        r"\bwhy (?:do|does|did|are|have) (?:you|your company|you guys)\b|\bwhy you (?:have|got)\b|"
        r"\b(?:how|where) (?:did|do|have) (?:you|your company|you guys) (?:get|got|obtain|find|"
        r"come by|come across)\b|\bwhere (?:does|did)\b.{0,40}\bcome from\b|"
        # indirect: "I'd like to know where you got my number"
        r"\b(?:where|how) (?:you|your company) (?:got|get|obtained|found|came by|have got)\b"
    ),
    "my_data": rf"\b(?:my|all my) {_DATA}\b",
    "recipients": (
        r"\bwho (?:do you|have you|you) "
        r"(?:share|shared|sell|sold|disclose|disclosed|pass|passed)\b|"
        r"\bwho\b.{0,30}\bshared with\b"
    ),
    # who looked at the person's data: "I want to know who had access to my results"
    "who_saw": (
        r"\bwho (?:had|has|have|got) access to\b|\bwho (?:can|could) see\b|\bwho downloaded\b"
    ),
    "rectification_request": r"\brectif(?:y|ied|ication)\b",
    "correct": (
        r"\b(?:correct|correcting|corrected|correction|update|updating|updated|amend|amending|"
        r"amended|fix|fixing|fixed|change(?! of\b)|changing|edit|modify|rectify|put right|"
        r"set right)\b"
    ),
    "attribute": rf"\b(?:{_ATTRIBUTE})\b",
    "wrong": (
        r"\b(?:wrong|incorrect|inaccurate|outdated|out of date|"
        r"not (?:correct|right|accurate|up to date)|"
        r"misspell?ed|mis-?spelt|spelled wrong|spelt wrong|old|no longer (?:correct|valid|right)|"
        r"error|mistake|typo)\b"
    ),
    "changed": (
        r"\b(?:moved|moving house|got married|divorced|changed|new (?:address|name|surname|email|"
        r"e-mail|phone|number|mobile))\b|\bi now live\b"
    ),
    "forget": r"\bright to (?:be forgotten|erasure)\b|\bbe forgotten\b",
    "delete": (
        r"\b(?:delete|delet|deleting|deleted|deletion|erase|erasing|erased|erasure|remove|removing|"
        r"removed|wipe|wiping|wiped|purge|purged|destroy|destroyed|get rid of)\w*\b"
        # (not taking someone off a course: "decisions removing her from courses")
        r"(?! (?:him|her|them|me|us) from (?:\w+ ){0,2}(?:courses?|class(?:es)?|lessons?|"
        r"schedules?|rotas?|teams?|groups?|sessions?|trainings?)\b)|"
        r"\btake (?:\w+ ){0,3}(?:out of|down)\b|"
        r"\btake (?:\w+ ){0,3}off\b(?! (?:your|the|this|that) (?:\w+ )?(?:list|mailing))|"
        r"\b(?:them|it|those|these) taken (?:off|down)\b"
    ),
    "delete_object": (
        rf"\b(?:{_DATA}|{_ATTRIBUTE}|account|me|everything|traces?|all of it|photos?|pictures?|"
        r"images?|videos?|recordings?)\b"
    ),
    "end": (
        r"\b(?:close|closing|closed|cancel|cancell?ing|cancell?ed|cancellation|terminate|"
        r"terminating|terminated|termination|ending|ended|deactivate|deactivating|quit|leave|"
        # not the noun of a date: "before contract end", "at the end of the contract"
        r"(?<!contract )(?<!subscription )(?<!licence )(?<!license )(?<!the )end(?! of\b))\b"
    ),
    "service": (
        r"\b(?:account|subscription|membership|contract|licen[cs]e|service|services|plan|"
        r"relationship)\b"
    ),
    "no_longer_customer": (
        r"\bno longer (?:a )?(?:customer|client|user|member)\b|"
        r"\bnot (?:a )?(?:customer|client|user) (?:any ?more|anymore)\b|"
        r"\bno longer (?:want|wish|need|use)\b.{0,30}\b(?:your|the) (?:service|services|product|"
        r"products|platform|app)\b"
    ),
    "restriction_request": r"\brestriction of processing\b|\bright to restrict\w*",
    "limit": (
        r"\b(?:restrict\w*|limit\w*|freeze|freezing|frozen|block\w*|suspend\w*|pause\w*|"
        r"put (?:a )?hold on|on hold|halt\w*)\b"
    ),
    "use": r"\b(?:us(?:e|ed|es|ing)|process\w*|handl\w*)\b",
    "only_store": r"\b(?:only|just) (?:keep|store|retain)\b",
    "not_yet_delete": r"\b(?:don'?t|do not|not)\b.{0,15}\b(?:delete|erase|remove)\b.{0,15}\byet\b",
    # "don't pass it on until it has been corrected": the writer wants it corrected
    "pending_fix": (
        r"\b(?:until|till|pending)\b(?! (?:i|we)\b).{0,40}\b(?:corrected|rectified|fixed|"
        r"put right|amended)\b"
    ),
    "pending": (
        r"\b(?:while|whilst|until|till|til|pending)\b.{0,50}\b(?:dispute\w*|complaint|investigat\w*|"
        r"review\w*|sorted|resolved|decided|verif\w*|contest\w*|corrected|fixed|rectified|"
        r"right|clarified|clear|done)\b"
    ),
    # "not to share or use it", "didn't pass anything on": keep it, but do not use it
    "dont_use": (
        r"\b(?:not|don'?t|didn'?t|do not|did not|never|no longer)\b(?:\W+\w+){0,3}?\W+"
        r"(?:use|using|share|sharing|send|sending|pass|passing|process|processing|disclose|"
        r"disclosing|forward|forwarding)\b|"
        r"\b(?:is|are|be) not (?:shown|displayed|published|visible)\b"
    ),
    # "could you amend this to Susan Clarke": the new value follows
    "change_to": (
        r"\b(?:amend|change|correct|update|alter)\w* (?:this|it|that|them|(?:my|the) \w+(?: \w+)?) "
        r"(?:to|into)\b"
    ),
    # what must go, in the passive: someone else (the organisation) is to remove it
    "must_go": (
        r"\b(?:needs?|has|have) to (?:be (?:deleted|removed|erased|taken down)|go)\b|"
        r"\bmust (?:be (?:deleted|removed|erased|taken down)|go)\b"
    ),
    # the imperative "use it no more": "stop using my photo", "don't use his picture again"
    "stop_using": (
        r"\b(?:stop|cease) using\b|"
        # (not the writer's own "I don't use your service any more")
        r"(?<!\bi )(?<!\bwe )\b(?:don'?t|do not|never) use (?:\w+ ){0,4}(?:again|any ?more)\b"
    ),
    # a bare "STOP" on its own line, above a signature
    "bare_stop": r"(?m)^\W*(?:stop|unsubscribe|remove me|stop it)\W*$",
    "need": r"\b(?:needs?|must be|has to be|should be|ought to be)\b",
    "should_be": (
        r"\b(?:but|and|when|whereas) (?:it|that|this) (?:should|must|ought to) (?:be|read)\b|"
        r"\bshould (?:read|say)\b|\bit'?s actually\b|\bthe correct \w+ is\b"
    ),
    "instead_of": r"\b(?:instead of|rather than)\b",
    "portability_request": r"\b(?:data )?portability\b",
    "format": r"\b(?:csv|json|xml|xlsx?|excel|spreadsheet|format)\b",
    "machine_readable": (
        r"\bmachine[ -]?readable\b|\bstructured\b.{0,30}\bformat\b|\bcommonly used\b"
    ),
    "reuse": (
        r"\b(?:import\w*|load\w* (?:it |them )?into|upload\w* (?:it |them )?(?:to|into)|re-?use\w*|"
        r"google sheets|(?:another|a new|my new|new) (?:provider|supplier|service|company|system|"
        r"tool|school|employer)|(?:moving|switching|changing|move|switch) (?:to|over to)|"
        r"upload\w* (?:\w+ )?(?:somewhere else|elsewhere|anywhere else))\b"
    ),
    "transfer": r"\b(?:transfer\w*|transmit\w*|send\w*|pass\w* on|forward\w*|port\w*)\b",
    # to whom it goes on: "directly", "to my new provider" (not "a new certificate")
    "onward": r"\bdirectly\b|\b(?:to|into) (?:my |our |a |an |the )?(?:new|another|other)\b",
    "object_against": r"\bobject(?:s|ed)? to\b|\bobjection (?:to|against)\b",
    "object": r"\b(?:object|objecting|objection|objected)\b",
    "purpose": rf"\b(?:{_PURPOSE})\b",
    "want": (
        r"\b(?:(?:i|we) (?:want|wish|ask|request)|(?:i|we)'d like|(?:i|we) would like|please|pls|"
        r"can you|could you|would you|can u|could u|cn u|plz|"
        r"kindly|go ahead)\b"
    ),
    "dont_want": (
        r"\b(?:don'?t|do not|never|no longer)\b.{0,15}\b(?:want|wish|like|agree|consent)\b|"
        r"\b(?:don'?t|do not|never)\s+(?:\w+\s+){0,2}?(?:contact|e-?mail|mail|call|phone|ring|text|"
        r"message|send|use|spam|share|sell)\b|\bno (?:more|further)\b|"
        r"\bnot (?:any ?more|anymore)\b|"
        r"\bnever (?:gave|given|agreed|consented)\b|\bnever want\b"
    ),
    "contact": (
        r"\b(?:contact\w*|email\w*|e-mail\w*|mail\w*|call\w*|phon\w*|text\w*|messag\w*|spam\w*|"
        r"send\w* me)\b"
    ),
    "stop": r"\b(?:stop|stops|stopping|cease|ceases|ceasing|quit|enough)\b",
    "unsubscribe": (
        r"\bunsubscrib\w*|\bopt(?:ing|ed)? ?-?out\b|\btake me off\b|"
        r"\bremove me from\b.{0,30}\blists?\b|\boff (?:your|the) (?:mailing )?list\b"
    ),
}

"""The disposition coder's rules, as data.

Every rule is a row of a table: a name, a regular expression and what a match means. The coder
(:mod:`toolkit.text.coder`) only walks these tables; changing what the coder recognises means
editing a row here, and :func:`rules_table` prints them all.

Four kinds of rows:

- :data:`VERBS`: a disposition verb and the claim outcome it stands for. ``affirm`` means the
  decision reviewed stands (``affirmed``); ``reverse``, ``vacate`` and ``remand`` disturb it;
  ``dismiss`` (an appeal or petition), ``deny`` and ``grant`` (a petition, a writ) likewise;
  ``uphold`` is ``affirm``; ``set aside`` and ``annul`` (an agency's order) are ``vacate``;
  ``quash`` (a writ of certiorari, often "as improvidently granted") ends the review without
  a decision on the merits and is ``dismissed``, as is a motion to dismiss the appeal that is
  granted; ``modify`` (or ``reform``, as some courts say; a judgment, a sentence, an award:
  not a precedent, "Matthews is hereby modified") changes part of the decision and is
  ``mixed``. A verb with a ``subject`` counts as
  a participle only after that subject ("the appeal is dismissed", not "the charge is
  dismissed", which is the remedy of a reversal); a dismissal's subject may also be the "it"
  that opens a sentence ("We lack jurisdiction. Therefore, it is dismissed.").
  Several verbs in the decretal language are rolled up to one case outcome by
  :func:`toolkit.outcomes.rollup`, the documented claim-to-case rule (``reversed`` with
  ``remanded`` is ``reversed_remanded``; ``affirmed`` with ``reversed`` is ``mixed``; a petition
  ``dismissed`` in part and ``granted`` in part is ``mixed``).
- :data:`SECTIONS`: where decretal language is looked for (a conclusion heading, the end of the
  majority opinion) and where the majority opinion ends (signatures, separate opinions).
- :data:`SCOPE`: how far a verb reaches, the line between a single outcome and ``mixed``
  ("reversed in part", "In all other respects, we affirm", "affirmed as modified", and the
  remand table: a remand that carries an affirmance out, or only corrects the written judgment,
  leaves it ``affirmed``, as does one that fixes the fees or costs of the appeal itself; one
  that has part of the case decided again makes it ``mixed``), and what a disposition amounts
  to in context (leave to appeal denied is a dismissal; a new trial with the evidence held
  sufficient for it is ``mixed``; a conclusion that ends the action is not made ``mixed`` by
  an issue affirmed on the way; a motion denied in an opinion on a motion alone).
- :data:`BLOCKERS`: contexts in which a disposition verb is not the court's disposition (a
  dissent's "I would reverse", an argument "Defendant asks us to reverse", a condition, an
  instruction "remand with instructions to dismiss", a sentence that opens with a condition, a
  clause the court denies "We are not persuaded that the conviction must be reversed", and
  "should" anywhere but in the main clause: "The judgment should be affirmed." is how older
  opinions close).
  With them, :data:`GENERIC_AUX` and :data:`CONDITION_AFTER` keep a standard of review ("a
  ruling will be reversed only for an abuse of discretion") from counting.

The rules are written from the formal vocabulary of dispositions, not from particular
opinions; ``benchmarks/text_rule_sensitivity.py`` shows, for each, how many development
opinions depend on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["BLOCKERS", "SCOPE", "SECTIONS", "VERBS", "Rule", "rules_table"]


@dataclass(frozen=True)
class Rule:
    """One row of a rule table: its name, its pattern and what a match means."""

    name: str
    pattern: re.Pattern[str]
    meaning: str
    anchor: re.Pattern[str] | None = None
    """A fast literal pattern every match contains; the full pattern is tried only near it."""
    subject: re.Pattern[str] | None = None
    """For a verb: what the participle's subject must be ("the appeal is dismissed", not "the
    charge is dismissed"); matched against the text before the verb."""


def _rx(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


# Disposition verbs. Group "verb" is the word as written; the meaning is the claim outcome.
# Base forms are decretal after a first-person subject ("we affirm", "we reverse and remand");
# participles after a copula ("the judgment is AFFIRMED", "is affirmed in part").
VERBS: tuple[Rule, ...] = (
    Rule("affirm", _rx(r"\b(?P<verb>affirm(?:ed)?)\b"), "affirmed"),
    Rule("uphold", _rx(r"\b(?P<verb>uph(?:o|e)ld)\b"), "affirmed"),
    Rule("reverse", _rx(r"\b(?P<verb>revers(?:e|ed))\b"), "reversed"),
    Rule("vacate", _rx(r"\b(?P<verb>vacat(?:e|ed))\b"), "vacated"),
    Rule("set_aside", _rx(r"\b(?P<verb>set\s+aside)\b"), "vacated"),
    Rule("annul", _rx(r"\b(?P<verb>annul(?:led)?)\b"), "vacated"),
    Rule(
        "modify",
        _rx(
            r"\b(?P<verb>modif(?:y|ied)|reform(?:ed)?)\b(?=(?:\s+[\w'-]+){0,3}?\s*"
            r"(?:judgments?|sentences?|orders?|awards?|decrees?)\b|\s*[.;,]|"
            r"\s+(?:by|in)\s+(?:this|our|the)\s+(?:opinion|court|manner))"
        ),
        "mixed",
        subject=_rx(r"\b(?:judgments?|sentences?|orders?|awards?|decrees?)\b[^.;]{0,80}$"),
    ),
    Rule("remand", _rx(r"\b(?P<verb>remand(?:ed)?)\b(?!\s+(?:to\s+us|from))"), "remanded"),
    Rule(
        "dismiss",
        _rx(
            r"\b(?P<verb>dismiss(?:ed)?)\b(?=(?:\s+[\w'-]+){0,4}?\s*"
            r"(?:appeals?|cross-appeals?|petitions?|case|proceedings?)\b"
            r"|\s*[.;,]|\s+it\s*[.;]|\s+(?:in\s+part|as\s+(?:moot|untimely|premature|improvidently)|"
            r"for\s+(?:lack|want)|with(?:out)?\s+prejudice|because|since|on\s+the\s+ground))"
        ),
        "dismissed",
        subject=_rx(
            r"(?:^\W*|\b(?:appeals?|cross-appeals?|petitions?|writ|case|cause|proceedings?|"
            r"certiorari)\b[^.;]{0,160}|^\W*(?:(?:therefore|accordingly|thus|consequently),\s*)?"
            r"it\s+(?:is|must\s+be|shall\s+be)\s+(?:(?:hereby|therefore|accordingly)\s+)?)$"
        ),
    ),
    Rule(
        "quash",
        _rx(
            r"\b(?P<verb>quash(?:ed)?)\b(?=(?:\s+[\w'-]+){0,3}?\s*(?:writ|certiorari)\b"
            r"|\s*[.;,]|\s+as\s+improvidently)"
        ),
        "dismissed",
        subject=_rx(r"(?:^\W*|\b(?:writ|certiorari)\b[^.;]{0,80})$"),
    ),
    Rule(
        "grant_motion_to_dismiss",
        _rx(
            r"\b(?P<verb>grant(?:ed)?)\b(?:(?=(?:\s+[\w'-]+){0,3}?\s+motions?\s+to\s+dismiss"
            r"(?:\s+[\w'-]+){0,3}?\s+(?:appeals?|petitions?)\b)|(?<=ed))"
        ),
        "dismissed",
        subject=_rx(r"\bmotions?\s+to\s+dismiss\b[^.;]{0,60}$"),
    ),
    Rule(
        "deny",
        _rx(r"\b(?P<verb>den(?:y|ied))\b(?=(?:\s+(?!and\b|but\b|or\b)[\w'-]+){0,4}?"
            r"\s+(?:petitions?|writ|application|(?:requests?|motions?)\s+for\s+(?:leave|"
            r"permission|(?:an?\s+)?interlocutory))\b|\s*[.;,]|\s*$|\s+in\s+part)"),
        "denied",
    ),
    Rule(
        "grant",
        _rx(r"\b(?P<verb>grant(?:ed)?)\b(?=(?:\s+(?!and\b|but\b|or\b)[\w'-]+){0,4}?"
            r"\s+(?:petitions?|writ|application)\b|\s*[.;,]|\s*$|\s+in\s+part)"),
        "granted",
    ),
)  # fmt: skip
"""Disposition verbs: rule name, pattern, claim outcome."""

SECTIONS: tuple[Rule, ...] = (
    Rule(
        "conclusion_heading",
        _rx(
            r"(?:^|[.\s}])(?:[IVX]+\.\s*)?(?P<head>CONCLUSIONS?|DISPOSITION|Conclusions?"
            r"(?=\s*\{\d+\}|\s*\n))",
            0,
        ),
        "start of the decretal section",
        re.compile(r"CONCLUSION|DISPOSITION|Conclusion"),
    ),
    Rule(
        "so_ordered",
        _rx(r"\b(?:IT\s+IS\s+SO\s+ORDERED|[Ii]t\s+is\s+so\s+ordered|SO\s+ORDERED|WE\s+CONCUR)", 0),
        "end of the majority opinion (signatures follow)",
        re.compile(r"ORDERED|ordered|CONCUR"),
    ),
    Rule(
        "separate_opinion",
        _rx(
            r"(?:^|[\s.}])[A-Z][A-Z'\-]+(?:\s+[A-Z][A-Z'\-]+)?,\s*(?:Senior\s+|Chief\s+)?"
            r"(?:Circuit\s+|District\s+|Associate\s+)?(?:Judge|Justice|J\.|C\.J\.)[,\s]*\(?\s*"
            r"(?i:(?:specially\s+)?(?:dissenting|concurring))",
            0,
        ),
        "a separate opinion (concurrence or dissent) begins; ignored",
        re.compile(r"senting|curring|SENTING|CURRING"),  # fast; the pattern decides
    ),
    Rule(
        "dissent_start",
        _rx(r"\bI\s+(?:respectfully\s+)?dissent\b", 0),
        "a dissent begins; ignored",
        re.compile(r"dissent\b"),
    ),
)
"""Section markers: where decretal language is and where the majority opinion ends."""

BLOCKERS: tuple[Rule, ...] = (
    Rule(
        "not_the_court",
        _rx(
            r"\bI\s+(?:would|dissent|concur|respectfully|agree|disagree|believe|write)\b|"
            r"\bthe\s+majority\b(?!\s+(?:of|rule|view|approach|position|test)\b)"
        ),
        "a separate opinion's voice ('I would reverse', 'the majority errs'): the sentence is "
        "not the court's disposition ('the majority of courts' is not that voice)",
    ),
    Rule(
        "separate_opinion_subject",
        _rx(r"\b(?:dissent(?:ing)?|concur(?:ring|rence))\b(?:(?!\bwe\b)[^.;])*$"),
        "a verb whose clause speaks of a separate opinion ('the dissent would affirm'), unless "
        "the court speaks after it ('Unlike the dissent, we affirm')",
    ),
    Rule(
        "modal_or_negated",
        _rx(
            r"\b(?:(?<!compelled\s)(?<!constrained\s)(?<!obliged\s)(?<!bound\s)"
            r"(?<!required\s)(?<!but\s)to|"
            r"would|could|might|may|not|cannot|need|never|whether|if|unless|"
            r"decline|had|has|have|was|were|who|previously|when|before|after)\s+"
            r"(?:(?!and\b|but\b|or\b)\w+\s+)?$"
            r"|\b(?:which|that)\s+(?!we\b|is\b|are\b)(?:(?!and\b|but\b|or\b)\w+\s+)?$"
        ),
        "a verb under a modal, negation, condition or narrative: not decretal "
        "('which we reverse' is decretal; 'the order which dismissed' is not)",
    ),
    Rule(
        "should_in_clause",
        _rx(
            r"^(?!\W*(?:(?:accordingly|therefore|thus|hence|consequently|for\s+[^,;]{1,60}),\s*)?"
            r"(?:(?!(?:that|whether|if|not|because|why|unless|argues?|contends?|asks?)\b)"
            r"[\w'-]+\s+){1,12}should\s+be\s+$)"
            r"[\s\S]*\bshould\s+(?:(?!and\b|but\b|or\b)\w+\s+)?$"
        ),
        "'should' is decretal only as the main clause ('The judgment should be affirmed.', "
        "as older opinions close); in a clause ('argues that it should be reversed', "
        "'whether it should be') it is not",
    ),
    Rule(
        "negated_claim",
        _rx(
            r"\b(?:not|cannot|never|nothing|no(?!\s+(?:doubt|question)\b)|unpersuaded|"
            r"reject(?:s|ed|ing)?|disagree(?:s|d)?)\b(?:(?!,\s*we\b)[^.;]){0,80}?"
            r"\b(?:that|whether)\b(?:(?!\bwe\b|\band\b|,)[^.;])*$"
            r"|\bwhether\b(?:(?!\bwe\b|\band\b|,)[^.;])*$"
        ),
        "a verb inside a clause the court denies or leaves open ('We are not persuaded that "
        "the conviction must be reversed', 'We reject the claim that it must be vacated', "
        "'whether the order must be vacated'): not decretal; the clause ends at a comma or "
        "an 'and' ('We find no evidence that the jury was misled, and therefore affirm')",
    ),
    Rule(
        "argument",
        _rx(
            r"\b(?:asks?|asking|asked|urges?|urging|requests?|requesting|argues?|arguing|"
            r"contends?|seeks?|seeking|invites?|moves?|prays?|concedes?|conceding|"
            r"(?<!we\s)agree[sd]?|stipulat(?:e|es|ed|ing))\b"
            r"(?![^.;]*(?:,|\band\b|\bso\b)\s+we\b)[^.;]{0,60}$"
        ),
        "a party's request, argument, concession or stipulation ('Defendant asks that we "
        "reverse', 'the parties agree that the order shall be vacated'): not decretal, unless "
        "the court speaks after it ('The State concedes error, and we reverse')",
    ),
    Rule(
        "conditional_sentence",
        _rx(r"^\W*(?:if|unless|should|were|had|in\s+the\s+event|assuming|once)\b"),
        "a sentence that opens with a condition ('If the court finds ..., the conviction shall "
        "be vacated'): an instruction for the remand, not the disposition",
    ),
)
"""Contexts that keep a disposition verb from counting."""

# A standard of review, not a disposition: "a decision will be reversed only if ...", "we will
# uphold a dismissal if ...". The auxiliary before the verb and the condition after it together.
GENERIC_AUX = _rx(
    r"\b(?:will|shall|can|must|should)\s+(?:(?:only|not|generally|ordinarily|normally|usually)\s+)?"
    r"(?:be\s+)?$"
)
CONDITION_AFTER = _rx(
    r"^[^.;:]{0,100}?(?:\bonly\b|(?<!even\s)\bif\b|\bunless\b|\bwhen(?:ever)?\b|"
    r"\bwhere\b|\babsent\b|\bupon\s+a\s+showing\b|\bfor\s+an?\s+abuse\b)"
)
# Adverbs and auxiliaries that may stand between "we" and a decretal verb.
WE_CHAIN = _rx(
    r"\bwe\b\s*(?:(?:hereby|therefore|thus|accordingly|also|now|further|must|will|shall|"
    r"respectfully|consequently|hence|so|then|instead|otherwise|summarily|nonetheless|"
    r"nevertheless|,|"
    r"(?:are|were)\s+(?:(?:therefore|thus|accordingly)\s+)?"
    r"(?:compelled|constrained|obliged|bound)\s+to|"
    r"are\s+(?:(?:therefore|thus|accordingly)\s+)?required\s+to|"
    r"have\s+no\s+(?:choice|alternative|option)\s+but\s+to)\s*)*$"
)
# A participle is decretal after a copula ("is AFFIRMED", "are reversed", "stands affirmed").
COPULA = _rx(
    r"\b(?:is|are|be|stands?|hereby|must\s+be|shall\s+be)\b(?:\s*(?:hereby|therefore|thus|"
    r"accordingly|in\s+all\s+respects|otherwise|summarily|,))*\s*$"
)
# "We ... and affirm", "we hold ... and therefore reverse", "we ... and, accordingly, reverse":
# a base-form verb coordinated after the court's "we" earlier in the sentence.
WE_AND = _rx(
    r"\band\s*(?:(?:then|therefore|thus|accordingly|so|hence|consequently|now|also|hereby|"
    r"must|will)\s*)*"
    r"(?:,\s*[^,.;]{1,40},\s*)?$"
)
# A verb coordinated with an accepted one: "reverse and remand", "AFFIRMED in part, REVERSED in
# part, and REMANDED", "dismissed in part and granted in part; ... VACATED".
COORDINATED = _rx(
    r"^[^.;]{0,120}?(?:,|\band\b|\bbut\b|;|\bor\b)\s*(?:we\s+)?(?:(?:also|further|therefore|"
    r"hereby|then|instead|otherwise)\s+)?(?:[\w'\s,]{0,80}?\b(?:is|are|be)\s+)?$"
)
PARTIAL = _rx(r"^\s*(?:,\s*)?in\s+part\b")
# A reversal or vacatur limited to part of the decision ("we reverse only the award of fees",
# "vacate the judgment insofar as it ...", "reverse the portion of the order"): the rest stands.
PARTIAL_SCOPE = _rx(
    r"^[^.;]{0,80}?\b(?:(?:portion|part|parts)\s+of|insofar\s+as|to\s+the\s+extent|only)\b"
    r"|^\s+only\b"
)
# The same limit stated as the subject of a participle ("The portion of the order awarding fees
# is reversed", "That part of the judgment ... is vacated", "The judgment, in part, is reversed").
PARTIAL_SUBJECT = _rx(
    r"(?:^|;\s*|\band\s+)\W*(?:(?:accordingly|therefore|thus|however|finally),?\s*)?"
    r"(?:(?:the|that|this|those)\s+)?(?:portions?|parts?)\s+of\b(?!\s+(?:which|whom)\b)[^;]*$"
    r"|\bin\s+part\b[\s,]*(?:is|are)\s+(?:hereby\s+)?$"
)
# An affirmance whose object is a legal principle or a precedent, not a decision under review
# ("We affirm our holding in Smith that ...", "we affirm the rule announced in Doe"): not
# decretal.
AFFIRMED_PRINCIPLE = _rx(
    r"^\s*(?:(?:today|again|once\s+again)\s+)?(?:our|the|this|that)\s+"
    r"(?:(?:prior|earlier|long-?standing|well-?settled|settled|general|established|same)\s+)?"
    r"(?:holdings?|principles?|rules?|propositions?|doctrines?|precedents?|reasoning|"
    r"standards?|tests?)\b"
    r"|^\s*our\s+(?:decision|opinion)\s+in\b"
)
# A bare disposition line: "Affirmed.", "Reversed and remanded.", "Appeal dismissed.",
# "Judgment affirmed."
SHORT_FORM = _rx(
    r"^\s*(?:the\s+)?(?:judgment|order|decision|appeal|petition(?:\s+for\s+review)?|"
    r"sentence|conviction)?\s*$"
)
# Object naming an intermediate court reviewed by a supreme court ("we reverse the Court of
# Appeals"): the disposition of that court's decision is the case's.
INTERMEDIATE = _rx(
    r"^\s*(?:the\s+)?(?:(?:decision|opinion|memorandum\s+opinion|judgment|holding|mandate|"
    r"disposition|result|ruling|order)\s+(?:(?:reached|entered|announced)\s+)?(?:of|by|in)\s+"
    r"the\s+)?Court\s+of\s+Appeals\b",
    0,
)
# The remand rule, with an affirmance and no reversal or vacatur:
#
# | the remand                               | e.g.                                  | codes  |
# |------------------------------------------|---------------------------------------|--------|
# | carries the case on                      | "affirm ... and remand for further    | affirm |
# |                                          | proceedings", "for trial on the       |        |
# |                                          | remaining counts"                     |        |
# | corrects the written judgment            | "remand for correction of the         | affirm |
# | (REMAND_CLERICAL, rule +clerical_remand) | judgment and sentence", "for entry of |        |
# |                                          | an amended judgment"                  |        |
# | fixes the fees or costs of the appeal    | "remand to determine the attorney     | affirm |
# | itself (REMAND_APPEAL_FEES)              | fees incurred on appeal"              |        |
# | has part of the case decided again       | "remand for resentencing", "to        | mixed  |
# | (REMAND_REDO)                            | determine the amount", "for findings",|        |
# |                                          | "remand the issue of fees"            |        |
# | follows an affirmance limited in scope   | "In all other respects, we affirm",   | mixed  |
# | (AFFIRM_LIMITED_BEFORE / _AFTER)         | "affirm on all issues except ..."     |        |
#
# A remand that only carries out the affirmance (the lower court proceeds, or fixes the paper
# its unchanged decision is written on) leaves the decision standing; a remand that has the
# lower court decide part of the case again disturbs it in part. A remand for correction that
# also orders resentencing or new findings is a redo, and so is one "to correct the sentence"
# or "to enter a proper sentence" (the sentence, not the paper of the judgment and sentence,
# changes). A reversal of one count or award with nothing affirmed in words is disturbed, not
# mixed: the development labels code "We reverse Defendant's conviction of DWI" and "we
# reverse the award of attorney fees" (with the rest not mentioned) as Reverse.
# In the hand-coded New Mexico development opinions, "affirm ... and remand for further
# proceedings" and "affirm the suppression order and remand the remaining counts to be tried"
# are Affirm; "we remand for the district court to make findings ... In other respects, we
# affirm" and "affirm the convictions and reverse with regard to the sentence ... remand to
# enter a proper sentence" are Complex. None of them has an affirmance with a remand only to
# correct the judgment; it is coded like the other remands that carry out an affirmance, and
# flagged (+clerical_remand) for a hand check.
REMAND_REDO = _rx(
    r"^[^.;]{0,160}?\b(?:findings?|reconsider|redetermin|recalculat|re-?evaluat|re-?examin|"
    r"new\s+(?:trial|hearing|sentencing|judgment|order)|resentenc|re-?hear|"
    r"modif|vacate|articulate|explain|hearing|recompute|determin|re-?decide|"
    r"reduce|increase|(?:the|that|this|these)\s+(?:issues?|questions?)\b|"
    r"on\s+(?:the|that|this|these)\s+(?:issues?|questions?|claims?)\b|illegal\s+sentence|"
    r"(?:correct(?:ion\s+of|ing)?|enter\s+an?\s+(?:proper|new|corrected|different|lawful))\s+"
    r"(?:the\s+|(?:Defendant|his|her|their)(?:'s)?\s+)?sentence\b)"
)
# A remand about the appeal's own fees or costs ("remand to determine the attorney fees incurred
# on appeal", "for an award of appellate attorney fees"): a new matter, not part of the decision
# reviewed decided again; with an affirmance it leaves it ``affirmed``.
REMAND_APPEAL_FEES = _rx(
    r"\b(?:fees?|costs?)\s+(?:(?:incurred|awarded|requested)\s+)?(?:on|in|for)\s+"
    r"(?:(?:this|the)\s+)?appeal\b(?!\s+(?:of|from|in)\b)|"
    r"\bappellate\s+(?:(?:attorney(?:'s|s')?|counsel)\s+)?"
    r"(?:fees?|costs?)\b"
)
# A remand that only corrects the written judgment ("for correction of the judgment and
# sentence", "to correct a clerical error", "for entry of an amended judgment"): documented
# here; it is not a redo, so with an affirmance it codes ``affirmed``.
REMAND_CLERICAL = _rx(
    r"^[^.;]{0,160}?\b(?:correct(?:ion|ing|ed)?|clerical|amend(?:ed|ing)?\s+(?:the\s+)?"
    r"(?:judgment|sentence|order)|amended\s+(?:judgment|order|sentence)|to\s+reflect)"
)
# An affirmance limited in scope: part of the decision was disturbed elsewhere in the
# disposition ("In all other respects, we affirm", "We otherwise affirm", "We affirm on all
# issues except the award of fees, which we remand", "affirm ... as to the remaining counts").
AFFIRM_LIMITED_BEFORE = _rx(
    r"\b(?:in\s+(?:all\s+)?other\s+respects|in\s+all\s+respects\s+other\s+than"
    r"[^.;]{0,80}|(?:as\s+to|on)\s+(?:all\s+)?(?:the\s+)?(?:other|remaining)\s+[\w'-]+)"
    r"[\s,]*(?:we\s+)?(?:[\w'-]+\s+){0,3}$"
    r"|(?:^\W*|\bwe\s+|\b(?:is|are)\s+)otherwise[\s,]*(?:we\s+)?$"
    r"|\b(?:remaining|other)\s+(?:convictions?|counts?|claims?|issues?|sentences?|orders?)\s+"
    r"(?:is|are)\s+(?:hereby\s+)?$"
)
AFFIRM_LIMITED_AFTER = _rx(
    r"^(?:(?!\b(?:and|but)\s+(?:we\s+)?(?:remand|revers|vacat|set\s+aside|dismiss))[^.;]){0,100}?"
    r"\b(?:except|save\s+(?:for|as)|in\s+all\s+other\s+respects|"
    r"in\s+other\s+respects|(?:all\s+)?other\s+(?:issues|respects|claims|counts)|"
    r"(?:the\s+)?(?:remaining|remainder)\b)"
)
# An application for leave to appeal, or for an interlocutory appeal, that is denied: the court
# declines to hear the appeal, as when it quashes a writ; the appeal is ``dismissed``. ("The
# petition for review is DENIED" decides an agency case on its merits and stays ``denied``; New
# Mexico's "application for review" of an interlocutory order is the application to appeal.)
DECLINED_REVIEW = _rx(
    r"\b(?:applications?|petitions?|requests?|motions?)\s+for\s+(?:(?:leave|permission)\s+to\s+"
    r"(?:file\s+an?\s+)?(?:interlocutory\s+)?appeal\b|(?:an?\s+)?(?:interlocutory\s+)?appeal\b|"
    r"(?:an?\s+)?interlocutory\s+review\b)|\bapplications?\s+for\s+review\b"
)
# A conclusion that ends the whole action ("require that this action be dismissed", "remand with
# instructions to dismiss the complaint"): nothing of the decision reviewed stands, so an issue
# affirmed on the way in the body does not make the case ``mixed``.
ENDS_ACTION = _rx(
    r"\b(?:this|the)\s+(?:action|suit|lawsuit|complaint|cause\s+of\s+action)\s+"
    r"(?:(?:must|shall|should|is\s+to)\s+)?be\s+dismissed\b"
    r"|\b(?:instructions?|directions?)\s+to\s+dismiss\s+(?:the|this|[\w'-]+'s?)\s+"
    r"(?:action|suit|lawsuit|complaint)\b"
)
# A reversal for a new trial in which the court holds that the evidence suffices for a retrial
# ("we hold that retrial is permissible", "double jeopardy does not bar retrial", "Defendant
# may be retried"): the defendant's claim to be discharged failed, so the decision is disturbed
# only in part; the New Mexico hand codes call these Complex. A condition after it ("retrial
# is not barred if the evidence was sufficient", a rule quoted from a precedent) does not count.
RETRIAL_PERMITTED = _rx(
    r"\b(?:retrial|a\s+new\s+trial)\s+(?:is|would\s+be)\s+(?:therefore\s+|thus\s+)?"
    r"(?:permissible|permitted|not\s+barred)\b(?![^.;]{0,60}\b(?:if|unless|when|where)\b)"
    r"|\b(?:does|will)\s+not\s+bar\s+(?:a\s+)?retrial\b(?![^.;]{0,60}\b(?:if|unless|when|where)\b)"
    r"|\bmay\s+be\s+retried\b(?![^.;]{0,60}\b(?:if|unless|when|where)\b)"
)
# A motion denied, in an opinion with no other decretal language: an opinion that decides only
# a motion (for rehearing, a stay, leave to file late) leaves the decision standing.
MOTION_DENIED = _rx(
    r"\bmotions?\b[^.;]{0,120}?\b(?:is|are)\s+(?:hereby\s+)?denied\b"
    r"|\bwe\s+(?:(?:therefore|hereby|accordingly|thus)\s+)?deny\s+(?:[\w'-]+\s+){0,4}?motions?\b"
)
# "affirmed as modified": the participle "modified" coordinated by "as" with an affirmance.
AS_MODIFIED = _rx(r"^\s*(?:[\w'-]+,?\s+){0,4}?as\s*$")
SCOPE: tuple[Rule, ...] = (
    Rule("in_part", PARTIAL, "a verb 'in part': the rest of the decision went the other way"),
    Rule(
        "partial_scope",
        PARTIAL_SCOPE,
        "a reversal or vacatur of part of the decision ('only the award', 'insofar as'): "
        "the rest stands",
    ),
    Rule(
        "partial_subject",
        PARTIAL_SUBJECT,
        "the same, as the subject of a participle ('The portion of the order awarding fees is "
        "reversed'): the rest stands",
    ),
    Rule(
        "affirm_limited_before",
        AFFIRM_LIMITED_BEFORE,
        "an affirmance limited in scope ('In all other respects, we affirm'): mixed",
    ),
    Rule(
        "affirm_limited_after",
        AFFIRM_LIMITED_AFTER,
        "an affirmance limited in scope ('affirm on all issues except ...'): mixed",
    ),
    Rule("as_modified", AS_MODIFIED, "'affirmed as modified': mixed"),
    Rule(
        "declined_review",
        DECLINED_REVIEW,
        "an application for leave to appeal, or for an interlocutory appeal, denied: the court "
        "declines to hear the appeal: dismissed",
    ),
    Rule(
        "ends_action",
        ENDS_ACTION,
        "a conclusion that has the whole action dismissed: an issue affirmed in the body does "
        "not make it mixed",
    ),
    Rule(
        "retrial_permitted",
        RETRIAL_PERMITTED,
        "a reversal for a new trial that holds the evidence sufficient for a retrial: the "
        "claim to be discharged failed: mixed",
    ),
    Rule(
        "motion_denied",
        MOTION_DENIED,
        "with nothing else decretal in the opinion, a motion denied in its closing part: denied "
        "(an opinion on a motion alone)",
    ),
    Rule(
        "remand_redo",
        REMAND_REDO,
        "a remand that has part of the case decided again (resentencing, findings, 'to "
        "determine'): with an affirmance, mixed",
    ),
    Rule(
        "remand_appeal_fees",
        REMAND_APPEAL_FEES,
        "a remand to fix the fees or costs of the appeal itself: not a redo; with an "
        "affirmance, affirmed",
    ),
    Rule(
        "remand_clerical",
        REMAND_CLERICAL,
        "a remand that only corrects the written judgment: with an affirmance, affirmed "
        "(flagged +clerical_remand)",
    ),
)
"""How far a disposition verb reaches: the mixed/single boundary (read at call time from the
constants above, so leaving a constant out changes the coder)."""

# Cheap pre-filter: a window without any of these has no decretal language.
ANY_VERB = _rx(
    r"affirm|revers|vacat|remand|dismiss|denied|deny|grant|set\s+aside|annul|modif|reform|"
    r"uph[oe]ld|quash"
)
# Signs of a citation where masking is worth running.
CITATION_HINT = _rx(r"\b\d{1,4}\s+(?:[A-Z][\w.]*\s?){1,4}\s+\d{1,5}\b|\b(?:aff'd|rev'd|vac'd)")
# Subsequent-history words that precede a citation ("aff'd, 107 N.M. 1").
HISTORY = _rx(
    r"(?:aff'?d|rev'?d|vac'?d|affirmed|reversed|vacated|cert\.?\s+denied|cert\.?\s+granted|"
    r"overruled|modified|dismissed|remanded)(?:\s+(?:in\s+part|on\s+other\s+grounds|"
    r"by|as\s+moot|and\s+remanded|sub\s+nom\.?))*[\s,;]*$"
)


def rules_table() -> list[dict[str, str]]:
    """Every rule as a row: table, name, pattern, meaning, subject (for a participle).

    Tables: ``verbs``, ``sections``, ``blockers`` and ``scope`` (how far a verb reaches: the
    line between a single outcome and ``mixed``, and what a disposition amounts to in context).

    Examples
    --------
    >>> rows = rules_table()
    >>> [r["name"] for r in rows if r["table"] == "verbs"][:3]
    ['affirm', 'uphold', 'reverse']
    """
    rows = []
    tables = (("verbs", VERBS), ("sections", SECTIONS), ("blockers", BLOCKERS), ("scope", SCOPE))
    for table, rules in tables:
        for rule in rules:
            rows.append(
                {
                    "table": table,
                    "name": rule.name,
                    "pattern": rule.pattern.pattern,
                    "meaning": rule.meaning,
                    "subject": rule.subject.pattern if rule.subject is not None else "",
                }
            )
    return rows

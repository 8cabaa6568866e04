"""Code one opinion's disposition from its text.

The coder reads the end of the majority opinion first, as a research assistant does:

1. The majority opinion ends at its last signature line ("IT IS SO ORDERED", "WE CONCUR")
   before the first separate opinion ("SMITH, Circuit Judge, dissenting"), or at that separate
   opinion; concurrences, dissents and footnotes after it are never read, and an order quoted
   in the body ("... IT IS SO ORDERED.") does not end it.
2. The decretal section is the text after a conclusion heading ("CONCLUSION", "DISPOSITION")
   near the end, else the last paragraph of the closing part that holds decretal language.
   Windows are widened to whole sentences, so that a verb is always read with its context.
3. Citations there are masked with Free Law Project's ``eyecite`` (with their subsequent
   history: "aff'd, 107 N.M. 1", "rev'd on other grounds", and parentheticals), so a cited
   case's disposition is never read as this court's. Masking runs only where it can change the
   answer: around a sentence that holds a counted verb and looks like it holds a citation.
4. A disposition verb counts when the court speaks ("we affirm", "we reverse and remand", "the
   judgment is AFFIRMED", "AFFIRMED in part, REVERSED in part"), not under a modal, a negation,
   an argument or a separate opinion's voice, nor in a clause the court denies ("We are not
   persuaded that the conviction must be reversed") (:data:`toolkit.text.rules.BLOCKERS`), nor
   in a standard of review ("will be reversed only if").
5. The verbs found are claim outcomes rolled up to the case by :func:`toolkit.outcomes.rollup`.
   Two decretal verbs with different outcomes and different objects ("we affirm the
   convictions but vacate the sentence", "we affirm the denial of X and reverse the grant of
   Y") make the case ``mixed``; a remand with an affirmance follows the table in
   :data:`toolkit.text.rules.REMAND_REDO` (a remand that carries out the affirmance, or only
   corrects the written judgment, leaves it ``affirmed``; one that has the lower court decide
   part of the case again, or follows an affirmance limited in scope, is ``mixed``).
   A supreme court that reverses "the Court of Appeals" disposes of that court's decision:
   when a verb's object is the intermediate court, only such verbs count, and a disposition
   of it stated in the opening or the body governs a close that only orders the trial court.
   An application for leave to appeal that is denied is a ``dismissed`` appeal (the court
   declines to hear it).
6. A conclusion that disturbs the decision while the body affirmed an issue ("we affirm on
   this issue") codes ``mixed``: the decision is disturbed only in part, unless the
   conclusion has the whole action dismissed; so does a new trial ordered with the evidence
   held sufficient for it ("we hold that retrial is permissible": the claim to be discharged
   failed).
7. A partial disposition announced at the start ("We affirm in part and reverse in part")
   makes an all-or-nothing conclusion ``mixed``: conclusions often restate only what the remand
   requires.
8. With nothing decretal at the end, the opening statement ("We affirm.") is used with a lower
   confidence, then the last decretal paragraph anywhere in the majority opinion; with nothing
   there either, a motion denied in the closing part makes an opinion on a motion alone
   ``denied`` (confidence 0.4); else the outcome is ``unknown``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import toolkit.text.rules as R
from toolkit.outcomes import DISTURBED, UPHELD, rollup

__all__ = ["Disposition", "Evidence", "code_disposition", "outcome_class"]

CLOSING_CHARS = 2500
"""How much of the end of the majority opinion is read when there is no conclusion heading."""
CONCLUSION_REACH = 8000
"""A conclusion heading counts only this close to the end of the majority opinion."""
MASK_CONTEXT = 250
"""Characters either side of a sentence given to the citation finder with it."""
OPENING_CHARS = 2000
"""How much of the beginning is read for an opening statement ("We affirm.")."""

_SENTENCE_END = re.compile(
    r"(?<=[.!?])[\"')\]\u201d]*\s+(?=[\"'(\[\u201c]?[A-Z{])|\{\d+\}|\n\s*\n|(?<=[a-z.])\.(?=[A-Z]{3})"
    r"|(?<=[a-z])\.(?=[A-Z][a-z])"
)
_PARAGRAPH = re.compile(r"\{\d+\}|\n\s*\n|\n(?=\s*[A-Z])")
_OWN_DECISION = re.compile(r"^\s*(?:our|the)\s+(?:prior\s+|earlier\s+|original\s+)?"
                           r"(?:decision|opinion)\s+(?:in|of\s+this\s+court)\b|^\s*our\s+",
                           re.IGNORECASE)  # fmt: skip
# Pin cites and parentheticals that follow a citation: ", 17", " at 326", " (Ct. App. 1985)
# (holding that ...)".
_CITATION_TAIL = re.compile(
    r"(?:\s*(?:,|at)\s*[\d\-\u2013, n.&]+)?(?:\s*\((?:[^()]|\([^()]*\))*\))*"
)
_AFFIRM = re.compile(r"affirm", re.IGNORECASE)
_SIGNATURE = next(rule for rule in R.SECTIONS if rule.name == "so_ordered")
_RETRIAL = re.compile(r"retri|new\s+trial")  # every retrial holding holds one of these
_PETITION = re.compile(
    r"petition|writ|application|(?:leave|permission)\s+to\s+appeal|interlocutory\s+appeal",
    re.IGNORECASE,
)
_INTERMEDIATE_COURT = re.compile(r"Court\s+of\s+Appeals")
# A disposition verb shortly before "Court of Appeals" ("we affirm the result reached by the
# Court of Appeals"): most opinions name that court only in passing, and are not searched.
_VERB_BEFORE_COURT = re.compile(r"(?:affirm|revers|vacat|set\s+aside|quash)\w*\s", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    """A sentence the coder relied on, with its character offsets in the opinion text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Disposition:
    """The coded disposition of one opinion.

    Attributes
    ----------
    outcome
        A canonical outcome (:data:`toolkit.schema.OUTCOMES`); ``unknown`` when no decretal
        language was found.
    evidence
        The sentences relied on, with character offsets into the text.
    confidence
        0 to 1: how sure the rule that decided is (see :func:`code_disposition`).
    rule
        Which rule decided: ``conclusion``, ``closing_paragraph``, ``opening_statement``,
        ``last_decretal_paragraph``, ``motion_denied`` or ``none``; ``+intermediate_court``,
        ``+affirm_and_remand`` (``+clerical_remand``), ``+dismiss_and_remand``,
        ``+opening_partial``, ``+opening_disagrees``, ``+issue_affirmed`` or
        ``+retrial_permitted`` when those applied.
    verbs
        The disposition verbs counted, as claim outcomes (e.g. ``('reversed', 'remanded')``).
    """

    outcome: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)
    confidence: float = 0.0
    rule: str = "none"
    verbs: tuple[str, ...] = field(default_factory=tuple)

    def as_record(self) -> dict[str, Any]:
        """A flat record: outcome, confidence, rule, verbs, evidence and its offsets."""
        return {
            "outcome": self.outcome,
            "confidence": self.confidence,
            "rule": self.rule,
            "verbs": " ".join(self.verbs),
            "evidence": " | ".join(e.text for e in self.evidence),
            "evidence_spans": ";".join(f"{e.start}-{e.end}" for e in self.evidence),
        }


@dataclass(frozen=True)
class _Hit:
    outcome: str
    partial: bool
    intermediate: bool
    sentence: tuple[int, int]
    paragraph: int
    redo: bool = False
    clerical: bool = False


def outcome_class(outcome: str) -> str:
    """The four classes used to validate the coder: upheld, disturbed, mixed, dismissed.

    ``affirmed`` and ``denied`` are ``upheld``; reversals, vacaturs, remands and grants are
    ``disturbed``; ``other`` and ``unknown`` stay as they are.

    Examples
    --------
    >>> [outcome_class(o) for o in ("denied", "vacated_remanded", "mixed", "unknown")]
    ['upheld', 'disturbed', 'mixed', 'unknown']
    """
    if outcome in UPHELD:
        return "upheld"
    if outcome == "mixed":
        return "mixed"
    if outcome in DISTURBED:
        return "disturbed"
    return outcome


def _find(rule: R.Rule, text: str, lo: int, hi: int) -> re.Match[str] | None:
    """First match of a rule in text[lo:hi], trying the full pattern only near its anchor."""
    if rule.anchor is None:
        return rule.pattern.search(text, lo, hi)
    for a in rule.anchor.finditer(text, lo, hi):
        m = rule.pattern.search(text, max(lo, a.start() - 120), min(hi, a.end() + 20))
        if m is not None:
            return m
    return None


def _find_last(rule: R.Rule, text: str, lo: int, hi: int) -> re.Match[str] | None:
    """Last match of a rule in text[lo:hi] (the rule must have an anchor)."""
    found = None
    if rule.anchor is None:
        for m in rule.pattern.finditer(text, lo, hi):
            found = m
        return found
    for a in rule.anchor.finditer(text, lo, hi):
        m = rule.pattern.search(text, max(lo, a.start() - 8), min(hi, a.end() + 20))
        if m is not None:
            found = m
    return found


def _majority_end(text: str) -> int:
    """Where the majority opinion ends: its last signature line before the first separate opinion.

    The last "IT IS SO ORDERED" / "WE CONCUR" before any separate opinion is the one that
    closes the majority opinion: an earlier one is an order quoted in the body.
    """
    floor = len(text) // 5
    end = len(text)
    for rule in R.SECTIONS:
        if rule.name not in ("separate_opinion", "dissent_start"):
            continue
        m = _find(rule, text, floor, end)
        if m is None:
            continue
        pos = m.start()
        if rule.name == "dissent_start":
            para = max(text.rfind("{", 0, pos), text.rfind("\n", 0, pos))
            pos = para if para > floor else pos
        end = min(end, pos)
    signed = None
    anchor = _SIGNATURE.anchor or _SIGNATURE.pattern  # the full pattern is tried only near it
    for a in anchor.finditer(text, floor, end):
        m = _SIGNATURE.pattern.search(text, max(floor, a.start() - 16), min(end, a.end()))
        if m is not None:
            signed = m
    return signed.start() if signed is not None else end


def _quiet_eyecite() -> None:
    """eyecite logs a warning for every overlapping short citation; keep only its errors."""
    import logging

    logger = logging.getLogger("eyecite")
    if logger.level < logging.ERROR:
        logger.setLevel(logging.ERROR)


def _mask_citations(segment: str) -> str:
    """Blank out citations, their parentheticals and subsequent history, keeping every offset.

    eyecite's tokenizer finds the reporter citations (``100 N.M. 1``, ``547 F.3d 374``); the
    parentheticals after them ("(affirming ...)") and the history words before them ("aff'd,",
    "rev'd on other grounds,") are blanked with them. The tokenizer is used rather than
    ``get_citations``, whose court and case-name look-ups cost about ten times more and are not
    needed to hide a citation.
    """
    if not R.CITATION_HINT.search(segment):
        return segment
    from eyecite.models import CitationToken
    from eyecite.tokenizers import default_tokenizer

    _quiet_eyecite()
    chars = list(segment)
    _, tokens = default_tokenizer.tokenize(segment)
    for _, token in tokens:
        if not isinstance(token, CitationToken):
            continue
        start, end = token.start, token.end
        tail = _CITATION_TAIL.match(segment, end)
        if tail:
            end = tail.end()
        history = R.HISTORY.search(segment, max(0, start - 60), start)
        if history:
            start = history.start()
        for i in range(max(0, start), min(len(chars), end)):
            if chars[i] != "\n":
                chars[i] = " "
    masked = "".join(chars)
    # History abbreviations without a reporter the tokenizer knows ("aff'd," at a line end).
    return re.sub(r"\b(?:aff'd|rev'd|vac'd)\b", lambda m: " " * len(m.group()), masked)


def _spans(pattern: re.Pattern[str], segment: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in pattern.finditer(segment):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(segment):
        spans.append((start, len(segment)))
    return spans


def _verbs_in(sentence: str) -> list[tuple[str, bool, bool, bool, bool]]:
    """Decretal verbs of one sentence: (outcome, partial, intermediate, redo, clerical).

    ``partial``: the verb reaches part of the decision ("reversed in part", "we reverse only
    the award of fees", "In all other respects, we affirm"). ``redo``: a remand that has the
    lower court decide part of the case again; ``clerical``: a remand that only corrects the
    written judgment (:data:`toolkit.text.rules.REMAND_CLERICAL`).
    """
    if R.BLOCKERS[0].pattern.search(sentence):
        return []
    found = []
    for rule in R.VERBS:
        for m in rule.pattern.finditer(sentence):
            found.append((m.start("verb"), m.end("verb"), rule, m.group("verb")))
    found.sort(key=lambda f: f[0])
    accepted: list[tuple[str, bool, bool, bool, bool]] = []
    last_end = -1
    has_we = re.search(r"\bwe\b", sentence, re.IGNORECASE)
    for start, end, rule, word in found:
        prefix = sentence[:start]
        if any(b.pattern.search(prefix) for b in R.BLOCKERS[1:]):
            continue
        if rule.meaning in ("denied", "granted") and not _PETITION.search(sentence):
            continue
        participle = word.lower().endswith(("ed", "upheld"))
        # "affirm the judgment as modified", "AFFIRMED as MODIFIED"
        as_modified = (
            rule.name == "modify"
            and last_end >= 0
            and accepted[-1][0] == "affirmed"
            and bool(R.AS_MODIFIED.match(sentence[last_end:start]))
        )
        if (
            participle
            and not as_modified
            and rule.subject is not None
            and not rule.subject.search(prefix)
        ):
            continue  # "the charge is dismissed": not the appeal
        caps = word.isupper() and len(word) > 4
        ok = False
        if as_modified or (last_end >= 0 and R.COORDINATED.match(sentence[last_end:start])):
            ok = True
        elif caps:
            ok = True
        elif participle and R.SHORT_FORM.match(prefix):
            ok = True  # "Affirmed.", "Judgment reversed and cause remanded with directions ..."
        elif participle:
            ok = bool(R.COPULA.search(prefix))
        else:
            ok = bool(R.WE_CHAIN.search(prefix)) or bool(
                has_we and has_we.start() < start and R.WE_AND.search(prefix)
            )
            # "set aside" is its own participle: "the order is set aside"
            ok = ok or (rule.name == "set_aside" and bool(R.COPULA.search(prefix)))
        after = sentence[end:]
        if ok and rule.name in ("vacate", "set_aside") and _OWN_DECISION.match(after):
            ok = False
        if ok and rule.meaning == "affirmed" and R.AFFIRMED_PRINCIPLE.match(after):
            ok = False  # "we affirm our holding in Smith": a principle, not a decision
        if ok and R.GENERIC_AUX.search(prefix) and R.CONDITION_AFTER.match(after):
            ok = False  # a standard of review: "will be reversed only if ..."
        if not ok:
            continue
        partial = (
            bool(R.PARTIAL.match(after))
            or (
                rule.meaning in ("reversed", "vacated")
                and bool(
                    R.PARTIAL_SCOPE.match(after)
                    or (participle and R.PARTIAL_SUBJECT.search(prefix))
                )
            )
            or (
                rule.meaning == "affirmed"
                and bool(
                    R.AFFIRM_LIMITED_BEFORE.search(prefix) or R.AFFIRM_LIMITED_AFTER.match(after)
                )
            )
        )
        intermediate = bool(R.INTERMEDIATE.match(after))
        redo = (
            rule.name == "remand"
            and bool(R.REMAND_REDO.match(after))
            and not R.REMAND_APPEAL_FEES.search(sentence)
        )
        clerical = rule.name == "remand" and not redo and bool(R.REMAND_CLERICAL.match(after))
        meaning = rule.meaning
        if meaning == "denied" and R.DECLINED_REVIEW.search(sentence):
            meaning = "dismissed"  # leave to appeal denied: the appeal is not heard
        accepted.append((meaning, partial, intermediate, redo, clerical))
        last_end = end
    return accepted


def _whole_sentences(text: str, lo: int, hi: int, ceiling: int) -> tuple[int, int]:
    """Widen a window to whole sentences (at most 300 characters each way, never past ceiling).

    A window cut mid-sentence would read "the decision will be reversed" without the "only if"
    that follows, or "reverse" without the "Defendant asks us to" before it.
    """
    if lo > 0:
        ends = [m.end() for m in _SENTENCE_END.finditer(text, max(0, lo - 300), lo)]
        lo = ends[-1] if ends else max(0, lo - 300)
    if hi < ceiling:
        after = _SENTENCE_END.search(text, hi, min(ceiling, hi + 300))
        hi = after.start() if after is not None else min(ceiling, hi + 300)
    return lo, hi


def _hits(text: str, lo: int, hi: int, only: re.Pattern[str] = R.ANY_VERB) -> list[_Hit]:
    """Decretal verbs between offsets lo and hi of the text.

    ``only`` is a cheap pattern every paragraph and sentence worth reading contains (default:
    any disposition verb). Citation masking runs only where it can change the answer: on a
    sentence that holds a counted verb and looks like it holds a citation (with some context
    either side, since a citation's periods may have split the sentence).
    """
    segment = text[lo:hi]
    if not only.search(segment):
        return []
    hits: list[_Hit] = []
    for p_index, (p_lo, p_hi) in enumerate(_spans(_PARAGRAPH, segment)):
        paragraph = segment[p_lo:p_hi]
        if not only.search(paragraph):
            continue
        for s_lo, s_hi in _spans(_SENTENCE_END, paragraph):
            sentence = paragraph[s_lo:s_hi]
            if not only.search(sentence):
                continue
            verbs = _verbs_in(sentence)
            w_lo, w_hi = max(0, s_lo - MASK_CONTEXT), min(len(paragraph), s_hi + MASK_CONTEXT)
            if verbs and R.CITATION_HINT.search(paragraph, w_lo, w_hi):
                masked = _mask_citations(paragraph[w_lo:w_hi])
                verbs = _verbs_in(masked[s_lo - w_lo : s_hi - w_lo])
            a = lo + p_lo + s_lo
            for outcome, partial, intermediate, redo, clerical in verbs:
                hits.append(
                    _Hit(
                        outcome,
                        partial,
                        intermediate,
                        (a, a + s_hi - s_lo),
                        p_index,
                        redo,
                        clerical,
                    )
                )
    return hits


def _closing_block(hits: list[_Hit]) -> list[_Hit]:
    """The last run of consecutive paragraphs with decretal language.

    "{14} We reverse the award of fees. {15} In all other respects, we affirm." states one
    disposition over two paragraphs; a paragraph without decretal language ends the run.
    """
    paragraphs = {h.paragraph for h in hits}
    first = max(paragraphs)
    while first - 1 in paragraphs:
        first -= 1
    return [h for h in hits if h.paragraph >= first]


def _decide(hits: list[_Hit]) -> tuple[str, tuple[str, ...], bool]:
    """Roll the counted verbs up to one outcome; True when a remand only carried it out.

    "We affirm ... and remand for further proceedings" is ``affirmed`` and "we dismiss the
    appeal and remand to the district court" is ``dismissed``: the remand sends the case back
    to go on, it disturbs nothing (unless it has part of an affirmed case decided again, or
    the affirmance or dismissal is limited in scope: then ``mixed``). A dismissal with a remand
    "to vacate the judgment as moot" stays ``dismissed``: the appeal decided nothing.
    """
    if any(h.intermediate for h in hits):
        hits = [h for h in hits if h.intermediate]
    verbs = tuple(dict.fromkeys(h.outcome for h in hits))
    kinds = set(verbs)
    if any(h.partial and h.outcome in DISTURBED for h in hits):
        # "reversed in part", "we reverse only the award of fees": the rest stands.
        kinds.add("affirmed")
    for stands in ("affirmed", "dismissed"):
        # With a dismissal nothing was decided on appeal, so what the remand asks for (even
        # "to vacate the judgment as moot") does not make the case mixed.
        redo = stands == "affirmed" and any(h.redo for h in hits)
        if kinds == {stands, "remanded"} and not redo and not any(h.partial for h in hits):
            return stands, verbs, True
    if kinds == {"affirmed"} and any(h.partial for h in hits):
        # "We affirm in part", "In all other respects, we affirm", "We affirm the remaining
        # convictions": an affirmance limited in scope says that the rest was disturbed.
        return "mixed", verbs, False
    return rollup(kinds), verbs, False


def _evidence(text: str, hits: list[_Hit]) -> tuple[Evidence, ...]:
    spans = sorted({h.sentence for h in hits})
    return tuple(Evidence(text[a:b].strip(), a, b) for a, b in spans)


def _intermediate_disposition(text: str, end: int, opening: list[_Hit]) -> list[_Hit]:
    """A supreme court's disposition of the intermediate court's decision, stated before the end.

    A supreme court that reviews a Court of Appeals decision may state its disposition of that
    decision in the opening or the body ("we affirm the result reached by the Court of
    Appeals") and close with what the trial court is to do ("We reverse and remand to the
    district court"); the case's outcome is the disposition of the decision reviewed. The
    opening statement's, else the last such paragraph of the majority opinion.
    """
    from_opening = [h for h in opening if h.intermediate]
    if from_opening:
        return from_opening
    if not any(
        _VERB_BEFORE_COURT.search(text, max(0, m.start() - 60), m.start())
        for m in _INTERMEDIATE_COURT.finditer(text, 0, end)
    ):
        return []
    found = [h for h in _hits(text, 0, end, only=_INTERMEDIATE_COURT) if h.intermediate]
    if not found:
        return []
    last = max(h.paragraph for h in found)
    return [h for h in found if h.paragraph == last]


def _retrial_holding(text: str, end: int) -> re.Match[str] | None:
    """The first holding of the majority opinion that a retrial is permitted, if any.

    The pattern is tried near each "retri" or "new trial", on a window wide enough for the
    condition it must not be followed by ("... is not barred if the evidence was sufficient").
    """
    for a in _RETRIAL.finditer(text, 0, end):
        m = R.RETRIAL_PERMITTED.search(text, max(0, a.start() - 40), min(end, a.end() + 120))
        if m is not None:
            return m
    return None


def _motion_only(text: str, end: int) -> Disposition:
    """An opinion with no decretal language that denies a motion in its closing part.

    An opinion that decides only a motion (for rehearing, a stay, leave to file late) and
    denies it leaves the decision standing: ``denied``, with a low confidence. Anything else
    is ``unknown``.
    """
    lo, hi = _whole_sentences(text, max(0, end - CLOSING_CHARS), end, end)
    found = None
    for m in R.MOTION_DENIED.finditer(text, lo, hi):
        found = m
    if found is None:
        return Disposition("unknown", rule="none")
    a, b = _whole_sentences(text, found.start(), found.end(), end)
    return Disposition("denied", (Evidence(text[a:b].strip(), a, b),), 0.4, "motion_denied",
                       ("denied",))  # fmt: skip


def code_disposition(text: str, court: str | None = None) -> Disposition:
    """Code an opinion's disposition from its text.

    Parameters
    ----------
    text
        The opinion's full text (majority opinion, then any separate opinions).
    court
        The deciding court, kept for the record; the rules are the same for every court.

    Returns
    -------
    Disposition
        The canonical outcome, the sentences relied on with their offsets, a confidence and the
        rule that decided: ``conclusion`` (decretal language after a conclusion heading, 0.95),
        ``closing_paragraph`` (the last paragraph with decretal language, 0.9),
        ``opening_statement`` (nothing at the end, "We affirm." at the start, 0.6),
        ``last_decretal_paragraph`` (the last paragraph of the majority opinion with decretal
        language, 0.5), ``motion_denied`` (nothing decretal but a motion denied at the end,
        0.4), ``none`` (``unknown``, 0); ``+intermediate_court`` (at most 0.75) when the
        disposition of a Court of Appeals decision stated before the end governs.
        Affirm-and-remand without a reversal codes
        ``affirmed`` (at most 0.7; ``+clerical_remand`` when the remand only corrects the
        written judgment: "remand for correction of the judgment and sentence", "for entry
        of an amended judgment") unless the remand has the lower court redo part of its
        decision (findings, a hearing, resentencing, "to determine", "the issue of fees":
        then ``mixed``) or the affirmance is limited in scope ("In all other respects, we
        affirm", "affirm on all issues except ...": ``mixed``); an affirmance limited in
        scope with nothing else decretal ("We affirm in part", "Defendant's remaining
        convictions are affirmed") is ``mixed``: it says the rest was disturbed; "affirmed as
        modified" is ``mixed``; a dismissal with a remand that only sends the case back is
        ``dismissed`` (``+dismiss_and_remand``, at most 0.7); a partial
        disposition announced in the opening ("we affirm in part and reverse in part") makes an
        all-or-nothing closing ``mixed`` (at most 0.75), as does an issue affirmed in the body
        of an opinion whose conclusion disturbs the decision (``+issue_affirmed``, at most 0.75);
        an opening statement of another class halves the confidence.

    Examples
    --------
    >>> d = code_disposition("We review. For these reasons, the petition for review is "
    ...     "DISMISSED in part and GRANTED in part; the BIA's order is VACATED and the case "
    ...     "REMANDED.")
    >>> d.outcome, d.verbs
    ('mixed', ('dismissed', 'granted', 'vacated', 'remanded'))
    >>> code_disposition("The facts are these. See Smith v. Jones, 100 F.3d 1 (1st Cir. "
    ...     "1999), aff'd, 528 U.S. 1 (2000).").outcome
    'unknown'
    """
    if not isinstance(text, str) or not text.strip():
        return Disposition("unknown", rule="none")
    end = _majority_end(text)
    heading = _find_last(R.SECTIONS[0], text, max(0, end - CONCLUSION_REACH), end)
    rule, confidence = "closing_paragraph", 0.9
    if heading is not None:
        hits = _hits(text, heading.start("head"), end)
        if hits:
            rule, confidence = "conclusion", 0.95
    if heading is None or not hits:
        hits = _hits(text, *_whole_sentences(text, max(0, end - CLOSING_CHARS), end, end))
        if hits:
            hits = _closing_block(hits)
    opening = _hits(text, *_whole_sentences(text, 0, min(OPENING_CHARS, end // 2), end))
    if opening:
        first = min(h.paragraph for h in opening)
        opening = [h for h in opening if h.paragraph == first]
        if hits and opening[-1].sentence[1] > min(h.sentence[0] for h in hits):
            opening = []  # the opening statement is the closing one (a short opinion)
    if not hits and opening:
        hits, rule, confidence = opening, "opening_statement", 0.6
        opening = []
    if not hits:
        hits = _hits(text, 0, end)
        if not hits:
            return _motion_only(text, end)
        last = max(h.paragraph for h in hits)
        hits = [h for h in hits if h.paragraph == last]
        rule, confidence = "last_decretal_paragraph", 0.5
    if not any(h.intermediate for h in hits):
        review = _intermediate_disposition(text, end, opening)
        if review:
            # "We affirm the Court of Appeals" earlier; the closing only orders the trial court.
            hits, opening = review, []
            rule, confidence = rule + "+intermediate_court", min(confidence, 0.75)
    outcome, verbs, remand_carries_on = _decide(hits)
    if remand_carries_on:
        tag = "+affirm_and_remand" if outcome == "affirmed" else "+dismiss_and_remand"
        rule, confidence = rule + tag, min(confidence, 0.7)
        if any(h.clerical for h in hits):
            rule += "+clerical_remand"
    if opening:
        announced, announced_verbs, _ = _decide(opening)
        if announced == "mixed" and outcome_class(outcome) in ("upheld", "disturbed"):
            # "We affirm in part and reverse in part" up front; the conclusion only orders
            # what the remand requires. The announced partial disposition governs.
            outcome, hits = "mixed", opening + hits
            verbs = tuple(dict.fromkeys(announced_verbs + verbs))
            rule, confidence = rule + "+opening_partial", min(confidence, 0.75)
        elif outcome_class(announced) != outcome_class(outcome):
            rule, confidence = rule + "+opening_disagrees", round(confidence / 2, 3)
    ends_action = any(R.ENDS_ACTION.search(text, *h.sentence) for h in hits)
    if (
        outcome_class(outcome) == "disturbed"
        and not ends_action
        and not any(h.intermediate for h in hits)
    ):
        # The court affirmed an issue in the body ("we affirm on this issue") and disturbs the
        # decision in its conclusion: the decision is disturbed only in part.
        used = {h.sentence for h in hits}
        upheld = [
            h
            for h in _hits(text, 0, end, only=_AFFIRM)
            if h.outcome == "affirmed" and not h.intermediate and h.sentence not in used
        ]
        if upheld:
            outcome, hits = "mixed", hits + upheld[-1:]
            verbs = tuple(dict.fromkeys(verbs + ("affirmed",)))
            rule, confidence = rule + "+issue_affirmed", min(confidence, 0.75)
    evidence = _evidence(text, hits)
    if outcome_class(outcome) == "disturbed" and not ends_action:
        # A new trial ordered, with the evidence held sufficient for it: the claim to be
        # discharged failed, and the decision is disturbed only in part.
        retrial = _retrial_holding(text, end)
        if retrial is not None:
            a, b = _whole_sentences(text, retrial.start(), retrial.end(), end)
            evidence = tuple(sorted(evidence + (Evidence(text[a:b].strip(), a, b),),
                                    key=lambda e: e.start))  # fmt: skip
            outcome, rule = "mixed", rule + "+retrial_permitted"
            confidence = min(confidence, 0.75)
    return Disposition(outcome, evidence, confidence, rule, verbs)

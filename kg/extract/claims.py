"""Find claims, who said what, in a parsed article.

Passes over a `Doc`, each a plain function, in the spirit of Krestel, Bergler
& Witte (2008) and textacy's `direct_quotations`:

1. reported speech: a reporting verb (data/reporting_verbs.csv: speech,
   belief, evidence and stance verbs) with a clausal complement (`X said
   (that) …`, `X told Y …`), object control (`X urged Y to …`), parataxis
   (`The plan, he said, is …`), participles (`…, saying …`), as-clauses (`…,
   as X noted`, `as X put it`), `according to X`, that-clauses of any other
   verb (`X charges that …`), cue nouns (`X's claim that …`, `said in a
   statement that …`), verbs whose object is the content (`called for a ban`,
   `endorsed Clinton`, `saw X as Y`, data/object_cues.csv), passives with a
   `by` agent (`was first reported by the Post`) and, for speech verbs only,
   a to-infinitive (`vowed to …`) or a topic after a preposition (`warned
   against …`);
2. direct quotes: spans between quote marks (curly, straight, NYT '' marks,
   over several sentences or paragraphs; not short title-case names of shows),
   attributed to the reporting verb outside the quote in or right after its
   sentence, to a name signing it with a dash, else carried on from the
   previous claim (`“A,” X said. “B.”`), else to a cue in a preceding sentence
   that ends with a colon or to the agent of `X continued:`; a quote its
   attribution interrupts in mid-sentence (`“A,” X said, “B.”`) is one claim;
3. name-colon lines: headlines (`Zelensky: we need air defence`) and
   transcripts (`PENCE: Well, …`, also when the whole turn is quoted);
4. speakers: a name maps to the fullest name of that entity in the article;
   pronouns and role nouns (`he`, `they`, `the US president`, `the news
   agency`) to the last compatible speaker or the person who holds the role;
5. the writer's hedges (data/agentless_cues.csv), found so that no other
   rule reads them as someone's claim, then left out (WRITERS_HEDGES): what
   is expected, believed, alleged or apparent without saying who holds it:
   the passive of a speech, belief or judgment verb with a complement and
   no `by` agent (`X is expected to …`, `it is believed that …`, `X was
   accused of …`), a raising verb with a complement (`X seems to …`, `it
   appears that …`), `it is clear/obvious/apparent that …` and evidential
   adverbs (`X reportedly …`; but `officials reportedly warned …` is the
   officials'). A claim of another rule whose speaker is not found has no
   speaker; `kg.rdf` gives it to the article's `unattributed` agent, with
   confidence at most 0.3.

What is not a claim: wishes, plans and refusals (`seeks to`, `wants to`,
`declined to`), actions (`discussed`, `defended`), a person finding or showing
something (`found a way`), `he thinks P` inside `X said he thinks P`, and
`Y believes Z` inside `X said that Y believes Z` (X's claim: Y is not known to
have said it).
"""
from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

import numpy
from spacy.attrs import LEMMA, LOWER, POS
from spacy.symbols import AUX, NOUN, VERB
from spacy.tokens import Doc, Span, Token

from kg.extract.antecedents import (last_entity_before, last_plural_subject, nearest_subject,
                                     previous_sentence_start, pronouns, pronouns_as_subject,
                                     subject_entities_before, title_country)
from kg.extract.entities import doc_ents, doc_sents, doc_text, find_mentions
from kg.extract.learned import refine
from kg.extract.tables import flags, table
from kg.gazetteer import load_gazetteer, normalize
from kg.types import Claim, Mention

OPEN_QUOTES = "“\"«„"
CLOSE_QUOTES = "”\"»“"
QUOTE_CHARS = set(OPEN_QUOTES + CLOSE_QUOTES)
_OPEN = re.compile(f"[{OPEN_QUOTES}]")
_CLOSE_OR_BREAK = re.compile("[”»\"“\n]")
SUBJECT_DEPS = {"nsubj", "nsubjpass"}
# how a verb hangs on the word whose subject speaks through it; `relcl` only when the parser gave it no subject
# (`Speaker Paul Ryan, the nation's highest-ranking Republican, on Tuesday called …` read as a relative clause)
PARTICIPLE_DEPS = {"advcl", "xcomp", "conj", "acl", "relcl", "pcomp", "ccomp", "dep"}
OBJECT_CONTROL = {"urge", "ask", "call", "encourage", "tell", "advise", "warn", "remind", "press"}
# prepositions whose object is the topic of speech (`warned against`, `complained about`), not a place or time
CONTENT_PREPS = {"about", "against", "of", "on", "over", "for"}
AGENT_PRONOUNS = pronouns_as_subject("speaker", "listener", "person", "group", "relative")  # who can speak
AGENT_TAGS = {"NNP", "NNPS", "NNS"}
TITLE_SMALL_WORDS = {"a", "an", "and", "the", "of", "in", "on", "for", "to", "at", "with", "or"}
# nouns for people and documents that are cited as sources, not as content
SOURCE_NOUNS = {"source", "official", "person", "people", "report", "document", "study", "survey", "poll", "data"}
NEGATING_HEADS = {"decline", "refuse", "fail"}
PERSON_PRONOUNS = pronouns("person")
GROUP_PRONOUNS = pronouns("group")
THING_PRONOUNS = pronouns("thing", possessive=True)  # `It said`, `its statement`: a body that spoke
SPEAKER_LABELS = {"PERSON", "ORG", "GPE", "NORP"}
# the most words an attribution that interrupts a quote has (`,” the Republican nominee told reporters on Monday. “`)
SPLIT_QUOTE_WORDS = 15
_SENTENCE_END = re.compile(r"[.!?][”\"»]?\s*[“\"«„]?\s*$")  # `X said. “` ends the sentence before the next quote


def line_labels() -> frozenset[str]:
    """Return the words that open a caption or an editor's line with a colon, not a speaker (`FILE PHOTO:`)."""
    return table("line_labels", "label")


def reporting_verbs() -> dict[str, str]:
    """Return reporting-verb lemma -> type (speech, belief, evidence)."""
    return table("reporting_verbs", "lemma", "type")


def quote_verbs() -> frozenset[str]:
    """Return the verbs that attribute a quote but report nothing else (`“…,” she continued`)."""
    return table("quote_verbs", "lemma")


def role_nouns() -> dict[str, str]:
    """Return role noun -> what it refers to (person, news-outlet)."""
    return table("role_nouns", "noun", "refers_to")


def title_synonyms() -> dict[str, str]:
    """Return a role noun -> the title it stands for (`premier` -> `prime minister`)."""
    return table("title_synonyms", "noun", "title")


def _holds_title(head: str, role: str) -> bool:
    """True when a role noun names the role someone was given (`minister` or `premier` for `Prime Minister`)."""
    words = role.lower().split()
    return head in words or set(title_synonyms().get(head, "-").split()) <= set(words)


def cue_nouns() -> frozenset[str]:
    """Return nouns that report speech or belief with a that-clause (`X's claim that …`)."""
    return table("cue_nouns", "noun")


def object_cues() -> dict[str, str]:
    """Return reporting verbs whose object can be the content (`called for a ban`, `polls show X ahead`) -> the
    preposition the object needs to be a claim (`saw X as Y`, `likened X to Y`; empty when none)."""
    return table("object_cues", "lemma", "needs")


def not_reporting_verbs() -> frozenset[str]:
    """Return verbs whose that-clause is not an attribution (`the problem is that …`)."""
    return table("not_reporting_verbs", "lemma")


def agentless_cues() -> dict[str, str]:
    """Return word -> how it marks a claim whose source the article does not name: `passive` (`X is expected to
    …`), `raising` (`X seems to …`), `evaluative` (`it is clear that …`) or `adverb` (`X reportedly …`)."""
    return table("agentless_cues", "word", "pattern")


class Rule(StrEnum):
    """The rules that find a claim; the value is what the graph records as the claim's `kg:rule`."""
    REPORTED_CCOMP = "reported-ccomp"                    # `X said (that) …`
    REPORTED_OBJECT_CONTROL = "reported-object-control"  # `X urged Y to …`
    REPORTED_PARATAXIS = "reported-parataxis"            # `The plan, he said, is …`
    REPORTED_OBJECT = "reported-object"                  # `X called for a ban`
    REPORTED_OBJECT_CLAUSE = "reported-object-clause"    # `X said the strikes damaged …` misread as an object
    REPORTED_PASSIVE = "reported-passive"                # `was first reported by the Post`
    REPORTED_AS_CLAUSE = "reported-as-clause"            # `…, as X noted`
    REPORTED_INFINITIVE = "reported-infinitive"          # `X vowed to …`
    REPORTED_PREP = "reported-prep"                      # `X warned against …`
    REPORTED_THAT_CLAUSE = "reported-that-clause"        # `X charges that …` (a verb outside the lists)
    REPORTED_CUE_NOUN = "reported-cue-noun"              # `X's claim that …`
    REPORTED_STATEMENT = "reported-statement"            # `X said in a statement that …`
    REPORTED_HEDGED = "reported-hedged"                  # `X reportedly warned …`
    ACCORDING_TO = "according-to"                        # `according to X, …`
    # the writer's hedges: found, so that no other rule misreads them, and left out (WRITERS_HEDGES)
    AGENTLESS_PASSIVE = "agentless-passive"              # `X is expected to …`
    AGENTLESS_RAISING = "agentless-raising"              # `X seems to …`
    AGENTLESS_EVALUATIVE = "agentless-evaluative"        # `it is clear that …`
    AGENTLESS_ADVERB = "agentless-adverb"                # `X reportedly …`
    QUOTE_CUE = "quote-cue"                              # `“…,” X said`
    QUOTE_DASH = "quote-dash"                            # `“…” ― X`
    QUOTE_COLON = "quote-colon"                          # `X said: “…”`
    QUOTE_CONTINUATION = "quote-continuation"            # a quote right after one of the same speaker
    COLON_LINE = "colon-line"                            # `Zelensky: we need air defence`
    LEARNED_CUE = "learned-cue"                          # a verb the cue model reads as one (kg/extract/learned.py)


# How far a claim of each rule is trusted when the rule finds its speaker (the claim's kg:confidence). A claim
# without one goes to the article's `unattributed` agent at UNATTRIBUTED at most; a speaker that is only a
# pronoun or a role, or that kg cannot resolve, caps it at SPEAKER_CAP. A build can override any of them
# (the kg_claims component's `confidence` config).
CONFIDENCE: dict[Rule, float] = {
    Rule.QUOTE_CUE: 0.9, Rule.REPORTED_CCOMP: 0.85, Rule.REPORTED_OBJECT_CONTROL: 0.85,
    Rule.QUOTE_DASH: 0.8, Rule.QUOTE_COLON: 0.8, Rule.ACCORDING_TO: 0.8,
    Rule.QUOTE_CONTINUATION: 0.7, Rule.REPORTED_PARATAXIS: 0.7, Rule.REPORTED_STATEMENT: 0.7,
    Rule.REPORTED_AS_CLAUSE: 0.6, Rule.REPORTED_CUE_NOUN: 0.6, Rule.COLON_LINE: 0.6, Rule.REPORTED_OBJECT_CLAUSE: 0.6,
    Rule.REPORTED_OBJECT: 0.5, Rule.REPORTED_PASSIVE: 0.5, Rule.REPORTED_INFINITIVE: 0.5,
    Rule.REPORTED_THAT_CLAUSE: 0.5, Rule.REPORTED_HEDGED: 0.5, Rule.REPORTED_PREP: 0.4, Rule.LEARNED_CUE: 0.4,
}
UNATTRIBUTED = 0.3
SPEAKER_CAP = {"pronoun": 0.75, "role": 0.75, "unresolved": 0.4}  # by how the speaker was resolved
NOT_SPEECH_PENALTY = 0.2  # `X believes that …`, `the data show …`: a belief or evidence verb, not a statement
# News annotators give every claim its source; a hedge the writer makes without one (`X is expected to …`, `it is
# believed that …`, `X reportedly …`) was a claim of the article's `unattributed` agent: on news-dev and news-extra
# 26 of 31 such claims matched no gold claim, and the other 5 gold gives to someone.
WRITERS_HEDGES = frozenset({Rule.AGENTLESS_PASSIVE, Rule.AGENTLESS_RAISING, Rule.AGENTLESS_EVALUATIVE,
                            Rule.AGENTLESS_ADVERB})
QUOTE_RULES = frozenset({Rule.QUOTE_CUE, Rule.QUOTE_DASH, Rule.QUOTE_COLON, Rule.QUOTE_CONTINUATION})
JOINABLE_QUOTES = frozenset({Rule.QUOTE_CUE, Rule.QUOTE_CONTINUATION})  # may go on a quote of the same speaker


@dataclass
class _Found:
    start: int
    end: int
    kind: str
    cue: Token | None
    cue_text: str
    speaker: Span | None
    rule: Rule
    polarity: str = "positive"
    penalty: float = 0.0  # taken off the rule's confidence
    end_fixed: bool = False  # the rules cut the content before a clause that is not it: the model keeps the end


# ---------------------------------------------------------------- quotes

def find_quote_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Return (start, end) of the content of every quotation, without its marks.

    A paragraph that opens a quote and never closes it continues into the next
    paragraph when that one opens with a quote mark (news convention);
    otherwise the quote ends with its paragraph.
    """
    spans = []
    i, n = start, len(text)
    while i < n:
        m = _OPEN.search(text, i)  # jump between marks: a character loop costs a tenth of claim extraction
        if m is None:
            break
        i = m.start()
        ch = text[i]
        if not _opens(text, i):
            i += 1
            continue
        j = i + 1
        while j < n:
            m = _CLOSE_OR_BREAK.search(text, j)
            if m is None:
                j = n
                break
            j = m.start()
            c = text[j]
            if c in "”»" or (c == '"' and ch == '"') or (c == "“" and ch in "„"):
                break
            if c == '"' and ch == "“":  # mixed marks: a straight quote closes a curly one
                break
            if c == "\n":  # news copy never runs a sentence across a line break
                nxt = _next_paragraph_start(text, j)
                if nxt < n and text[nxt] in OPEN_QUOTES and not _closes_before_break(text, i + 1, j):
                    j = nxt + 1
                    continue
                break
            j += 1
        a, b = _strip(text, i + 1, j)
        if b > a:
            spans.append((a, b))
        i = j + 1
    return spans


def _opens(text: str, i: int) -> bool:
    if text[i] != '"':
        return True
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return (before.isspace() or before in "([{—–-:,;") and not after.isspace()


def _next_paragraph_start(text: str, j: int) -> int:
    while j < len(text) and text[j].isspace():
        j += 1
    return j


def _closes_before_break(text: str, a: int, b: int) -> bool:
    return any(c in "”" for c in text[a:b])


def _strip(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in QUOTE_CHARS):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in QUOTE_CHARS):
        b -= 1
    return a, b


# ---------------------------------------------------------------- claims

def find_claims(doc: Doc, body_start: int = 0, publisher: str | None = None,
                confidence: dict[str, float] | None = None, learned: bool = True) -> list[Claim]:
    """Return every claim in the document whose content starts at or after `body_start`.

    A headline before `body_start` still counts when it reads `Name: …`, unless the name is the publisher.
    `confidence` overrides CONFIDENCE for the rules it names (by their value, `quote-cue`). With `learned`, the
    content of reported speech is placed by the model trained on PolNeAR (kg/extract/learned.py).
    """
    confidences = {**CONFIDENCE, **{Rule(name): value for name, value in (confidence or {}).items()}}
    text = doc_text(doc)
    # NYT style writes quotes with two apostrophes; same length, so offsets hold
    quotes = [q for q in find_quote_spans(text.replace("''", ' "')) if q[0] >= body_start]
    in_quote = _quote_mask(len(text), quotes)
    found = _reported_speech(doc, in_quote, body_start)
    lines = [f for f in _colon_lines(doc) if f.speaker.text != publisher and f.start >= body_start]
    # transcripts quoted whole (`"PENCE: Well, …`): the name before the colon speaks, not a cue around the quote
    turns = [f for f in lines if f.kind == "direct" and not _overlaps(f, found)]
    quotes = [(a, b) for a, b in quotes if not any(t.start < b and a < t.end for t in turns)]
    found += turns + _direct_quotes(doc, quotes, in_quote, found)
    found += [f for f in lines if f not in turns and not _overlaps(f, found)]
    found.sort(key=lambda f: f.start)
    found = refine(doc, _dedupe(_join_split_quotes(doc, found)), learned)
    found = [f for f in found if f.kind == "direct" or not _asks(doc, f) and not _withheld(f)]
    # the writer's hedges were found so that no other rule reads them as someone's claim (`X was accused of …`
    # is no claim of X's); naming no source, they answer no `who said what` and are left out
    return _resolve(doc, [f for f in found if f.rule not in WRITERS_HEDGES], confidences)


def _quote_mask(n: int, quotes: list[tuple[int, int]]) -> bytearray:
    mask = bytearray(n + 1)
    for a, b in quotes:
        mask[max(a - 1, 0):b + 1] = b"\x01" * (b + 1 - max(a - 1, 0))
    return mask


def _is_cue(token: Token) -> bool:
    return token.lemma_.lower() in reporting_verbs() and token.pos_ in ("VERB", "AUX")


def _candidates(doc: Doc) -> list[int]:
    """Return the indices of tokens that can start a reported-speech rule: verbs, cue nouns and `according`."""
    # reading attributes as an array spares building a Token object for every word (half the cost of this pass)
    strings = doc.vocab.strings
    rows = doc.to_array([POS, LEMMA, LOWER])
    nouns = numpy.array([strings[n] for n in cue_nouns()] + [strings[n.capitalize()] for n in cue_nouns()],
                        dtype=rows.dtype)
    adverbs = numpy.array([strings[w] for w, kind in agentless_cues().items() if kind == "adverb"], dtype=rows.dtype)
    keep = numpy.isin(rows[:, 0], [VERB, AUX]) | (rows[:, 2] == strings["according"]) | (
        (rows[:, 0] == NOUN) & numpy.isin(rows[:, 1], nouns)) | numpy.isin(rows[:, 2], adverbs)
    return numpy.flatnonzero(keep).tolist()


def _reported_speech(doc: Doc, in_quote: bytearray, body_start: int) -> list[_Found]:
    found = []
    for i in _candidates(doc):
        token = doc[i]
        if token.idx < body_start or in_quote[token.idx]:
            continue
        whole = _claim_at(token)
        if whole is None:
            continue
        for hit in _that_clauses(doc, whole):
            cut = _before_contrast(doc, hit)
            hit.end_fixed = hit.end_fixed or cut < hit.end
            a, b = _strip_content(doc, hit.start, cut)
            if b - a < 3 or a < body_start:
                continue
            hit.start, hit.end = a, b
            quoted = sum(in_quote[a:b])
            if quoted >= 0.8 * (b - a):
                continue  # the content is a quotation: the quote pass attributes it to this cue
            if quoted and _quoted_words(doc_text(doc), a, b, in_quote) >= 3:
                hit.kind = "mixed"
            found.append(hit)
    return found


def _withheld(found: _Found) -> bool:
    """True for a thing someone did not put forward: `Turkey has not formally announced any armed drone deals`,
    `officials did not disclose the number of launchers`, `the government may soon announce negotiations` (a
    negated verb, or one only possible, with a noun-phrase object asserts nothing; `did not rule out` and `denied that …` have
    their own claims)."""
    return found.rule == Rule.REPORTED_OBJECT and found.cue is not None and any(
        c.dep_ == "neg" or c.dep_ == "aux" and c.lower_ in NOT_YET_SAID for c in found.cue.children)


# modals of the merely possible: `the government may soon announce similar negotiations` has announced nothing yet
# (`will announce` is often a plan the speaker stated, which PolNeAR attributes)
NOT_YET_SAID = frozenset({"may", "might", "could"})


WH_WORDS = frozenset({"how", "why", "when", "where", "who"})
ASKING_VERBS = frozenset({"ask", "wonder", "discuss", "debate", "decide"})
DOUBTING_VERBS = frozenset({"question", "doubt", "challenge", "dispute"})


def _asks(doc: Doc, found: _Found) -> bool:
    """True for a content that is a question, not a statement: `left to wonder whether Egypt has taken a step`,
    `to see if Morsi will try …` (`if` opening the clause itself: a conditional inside a statement, `said if
    civilians were killed it was because …`, stays), and a wh-clause under a negated or asking verb (`would not
    say how much Colombia will spend`). A wh-clause under a verb that asserts it (`explained how important it
    is`, `a study shows how companies shelter profits`) is a statement, and to question or doubt whether P is to
    take a position on P."""
    first = next((t for t in doc if t.idx >= found.start), None)
    cue = found.cue
    if first is None or cue is not None and cue.lemma_.lower() in DOUBTING_VERBS:
        return False
    if first.lower_ == "whether":
        return True
    if first.lower_ == "if":
        return first.dep_ == "mark" and first.head.dep_ in ("ccomp", "xcomp", "advcl") and \
            first.head.head.pos_ in ("VERB", "AUX", "ADJ") and first.head.head.idx < found.start and \
            not any(c.dep_ == "advcl" and c.i > first.head.i for c in first.head.head.children)
    if first.lower_ in WH_WORDS and cue is not None:
        return cue.lemma_.lower() in ASKING_VERBS or any(c.dep_ == "neg" for c in cue.children)
    return False


def _before_contrast(doc: Doc, hit: _Found) -> int:
    """Return where a content ends before a contrasting report the parser hung inside it: in `Russia said the talks
    had failed, while Ukraine said they would continue` the clause after `, while` is another speaker's, not
    Russia's (a contrast without a reporting verb, `a dozen have been killed, while 30,000 have fled`, can be the
    same speaker's and stays)."""
    if hit.cue is None:
        return hit.end
    for t in doc[hit.cue.i + 1:]:
        if t.idx >= hit.end:
            break
        if t.lower_ in CONTRAST_MARKS and t.dep_ == "mark" and t.head.dep_ == "advcl" and t.i > 0 \
                and doc[t.i - 1].text == "," and doc[t.i - 1].idx > hit.start and t.i == t.head.left_edge.i \
                and _is_cue(t.head) and any(c.dep_ in SUBJECT_DEPS for c in t.head.children):
            return doc[t.i - 1].idx
    return hit.end


def _that_clauses(doc: Doc, hit: _Found) -> list[_Found]:
    """Return a claim whose content is `A and that B` as two claims, A and B: two that-clauses under one verb
    are two statements (news-dev's convention), each true or false on its own."""
    span = doc.char_span(hit.start, hit.end, alignment_mode="expand")
    if span is None or hit.cue is None:
        return [hit]
    cuts = []  # (end of the clause before, start of the next one's `that`)
    for t in span:
        mark = t.left_edge
        if t.dep_ == "conj" and t.head.dep_ == "ccomp" and t.head.head == hit.cue \
                and mark.dep_ == "mark" and mark.lower_ == "that" and mark.head == t \
                and mark.i - 1 > span.start and doc[mark.i - 1].dep_ == "cc":
            before = mark.i - 2
            while before > span.start and doc[before].is_punct:
                before -= 1
            cuts.append((doc[before].idx + len(doc[before]), mark.idx))
    # `says it has rights, and that its position is supported by law`: the parser hangs the second clause on the
    # verb itself
    after = [replace(hit, start=t.left_edge.idx, end=_end(doc[t.right_edge.i])) for t in hit.cue.children
             if t.dep_ == "conj" and t.i >= span.end and _marked_that(t)]
    if not cuts:
        return [hit, *after]
    bounds = [hit.start] + [x for cut in cuts for x in cut] + [hit.end]
    return [replace(hit, start=a, end=b) for a, b in zip(bounds[::2], bounds[1::2])] + after


def _marked_that(clause: Token) -> bool:
    """True for a clause that opens with `and that` (its own `that`, after a coordinator)."""
    mark = clause.left_edge
    return mark.dep_ == "mark" and mark.lower_ == "that" and mark.head == clause and mark.i > 0 and \
        clause.doc[mark.i - 1].dep_ == "cc"


def _claim_at(token: Token) -> _Found | None:
    """Return the claim a candidate token (a verb, a cue noun, `according` or an evidential adverb) introduces:
    the first rule of TOKEN_RULES that applies to the token decides, unless it finds nothing and lets the next
    rules try."""
    for rule in TOKEN_RULES:
        if rule.applies(token):
            hit = rule.find(token)
            if hit is not None or not rule.falls_through:
                return hit
    return None


def _verb_claim(verb: Token) -> _Found | None:
    # With two clauses, the one after the verb is what it reports: in `It's unlikely; her team says she'll go on`
    # the parser hangs the first sentence on `says` too.
    complements = [c for c in verb.children if c.dep_ == "ccomp"]
    complement = next((c for c in complements if c.i > verb.i), complements[0] if complements else None)
    lemma = verb.lemma_.lower()
    rule = Rule.REPORTED_CCOMP
    start_token = complement
    if complement is None and lemma in OBJECT_CONTROL:
        xcomp = next((c for c in verb.children if c.dep_ == "xcomp"), None)
        obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj")), None)
        if xcomp is not None and obj is not None and obj.i < xcomp.i:
            complement, start_token, rule = xcomp, obj, Rule.REPORTED_OBJECT_CONTROL
    if complement is None and lemma in object_cues():
        hit = _object_claim(verb)
        if hit is not None:
            return hit
    if complement is None:
        hit = _said_object_clause(verb, lemma == "say") or _stranded_that_clause(verb)
        if hit is not None:
            return hit
    if complement is None:
        # `The plan, he said, is …`: the verb hangs off the clause it reports (also as an adverbial clause after
        # it: `X wants to buy 800 tanks, at least twice the number expected, a German newspaper reported`)
        if (verb.dep_ == "parataxis" or _trailing_attribution(verb)) and verb.head.pos_ in ("VERB", "AUX"):
            head = verb.head
            while head.dep_ in ("advcl", "conj", "xcomp") and head.head.i != head.i and not any(
                    c.dep_ in SUBJECT_DEPS for c in head.children):
                head = head.head  # `X had agreed to train …, Borrell said, on top of …`: the clause, not its tail
            tokens = [t for t in head.subtree if not (verb.left_edge.i <= t.i <= verb.right_edge.i)]
            while tokens and tokens[-1].is_punct and tokens[-1].i > verb.i:
                tokens.pop()  # the full stop after `…, a German newspaper reported on Sunday.`
            if not tokens:
                return None
            return _Found(tokens[0].idx, tokens[-1].idx + len(tokens[-1]), "indirect", verb, verb.text,
                          _speaker_of(verb), Rule.REPORTED_PARATAXIS, _polarity(verb))
        return next((hit for find in VERB_FALLBACKS if (hit := find(verb)) is not None), None)
    left = min(start_token.left_edge.i, complement.left_edge.i) if start_token is not complement else complement.left_edge.i
    right = complement.right_edge.i
    if left <= verb.i <= right:
        return None
    doc = verb.doc
    said_too = _speakers_own_act(complement)
    if said_too is not None:
        right = said_too
    start, end = doc[left].idx, doc[right].idx + len(doc[right])
    penalty = NOT_SPEECH_PENALTY if reporting_verbs()[lemma] != "speech" else 0.0
    return _Found(start, end, "indirect", verb, _cue_phrase(verb), _speaker_of(verb), rule, _polarity(verb), penalty,
                  end_fixed=said_too is not None)


def _trailing_attribution(verb: Token) -> bool:
    """True for a speech verb the parser hung as an adverbial clause after the clause it reports: its own
    subject, no subordinator (`as`, `because`), set off by a comma."""
    doc = verb.doc
    return verb.dep_ == "advcl" and verb.i > verb.head.i and reporting_verbs().get(verb.lemma_.lower()) == "speech" \
        and not any(c.dep_ == "mark" for c in verb.children) and any(
            c.dep_ == "nsubj" and c.i < verb.i for c in verb.children) and verb.left_edge.i > 0 \
        and "," in (verb.left_edge.text, doc[verb.left_edge.i - 1].text)


def _speakers_own_act(clause: Token) -> int | None:
    """Return the last token of a reported clause before a verb the parser coordinated with it that is the
    speaker's own act (see _own_act), else None."""
    act = _own_act(clause)
    if act is None:
        return None
    last = act.i - 1
    while last > clause.i and (clause.doc[last].dep_ == "cc" or clause.doc[last].is_punct):
        last -= 1
    return last


def _own_act(clause: Token) -> Token | None:
    """Return the verb coordinated with a reported clause that is the speaker's act, not part of what was said:
    in `Maduro said his government was breaking relations and gave diplomatic personnel 72 hours to leave`, `gave`
    has no subject and is past tense like `said`, which the clause's `was breaking` (or a modal's `would send`)
    cannot share."""
    if clause.dep_ != "ccomp" or clause.head.tag_ != "VBD" or clause.tag_ not in ("VB", "VBG") or \
            not any(c.dep_ == "aux" for c in clause.children):
        # `said the army attacked and killed five`, `had crossed the border and taken the town` (the tagger reads
        # `taken` as past tense): either reading
        return None
    return next((c for c in clause.children if c.dep_ == "conj" and c.tag_ == "VBD" and c.i > clause.i and
                 not any(g.dep_ in SUBJECT_DEPS or g.dep_ in ("aux", "auxpass") for g in c.children)), None)


# subordinators of a clause that sets another fact against the one reported, in the writer's voice
CONTRAST_MARKS = frozenset({"while", "whereas"})

SAID_OBJECTS = {"it", "so", "this", "that", "nothing", "something", "anything", "everything", "little", "much",
                "word", "words", "goodbye", "prayer", "thing", "things", "lot", "yes", "no", "hello", "thanks"}


def _said_object_clause(verb: Token, is_say: bool) -> _Found | None:
    """`SANA said the Israeli strikes on Monday damaged bridges`: the parser reads the clause's subject as the
    object of `said` and its verb as a modifier; `say` takes a clause, so the words after it are what was said
    (not `said nothing`, `said a prayer`). Any reporting verb whose object holds a clause's `that` or subject
    before it (`insists [it has sovereign] rights`) reports that clause."""
    obj = next((c for c in verb.children if c.dep_ in ("dobj", "obj") and c.i > verb.i), None)
    if obj is None or obj.lower_ in SAID_OBJECTS or obj.lemma_.lower() in SAID_OBJECTS or obj.pos_ == "PRON":
        return None
    # `said that Iran had enriched uranium` read as `said [that Iran had enriched] uranium`: the `that` is the sign
    mark = next((t for t in obj.subtree if t.dep_ == "mark" and t.lower_ == "that" and t.i < obj.i), None)
    subject = next((t for t in obj.subtree if t.dep_ in SUBJECT_DEPS and t.i < obj.i), None)
    if mark is None and subject is None and (
            not is_say or not any(t.pos_ in ("VERB", "AUX") for t in obj.subtree if t.i > obj.i)):
        return None  # `said a few words`: an object, no clause read into it
    doc = verb.doc
    right = max(t.i for t in obj.subtree)
    while right > obj.i and doc[right].is_punct:
        right -= 1
    speaker = _speaker_of(verb)
    if speaker is None:
        return None
    left = obj.left_edge.i if mark is None else mark.i + 1
    return _Found(doc[left].idx, _end(doc[right]), "indirect", verb, _cue_phrase(verb), speaker,
                  Rule.REPORTED_OBJECT_CLAUSE, _polarity(verb))


def _stranded_that_clause(verb: Token) -> _Found | None:
    """`Petro specified Friday in an event at a military base that Colombia will buy jets`: after a long adjunct
    the parser hangs the verb's that-clause on the adjunct's (or the addressee's, `told reporters … that`) last
    noun as a relative clause. A relative clause there whose `that` is a mark, not the pronoun of a missing
    argument, and which has a subject of its own, is the verb's. (Taking a `that` the parser reads as the
    clause's object too lost claims on the held-out half of news-extra.)"""
    for token in verb.subtree:
        if token.dep_ != "relcl" or token.i < verb.i or _is_cue_noun(token.head):
            continue  # `rejected Trump's claim that …`: the noun's content (a cue noun's claim), not the verb's
        mark = token.left_edge
        if mark.lower_ != "that" or mark.dep_ != "mark" or not any(c.dep_ in SUBJECT_DEPS for c in token.children):
            continue
        head = token.head
        while head != verb and head.dep_ in ("pobj", "prep", "npadvmod", "dobj", "compound"):
            head = head.head
        speaker = _speaker_of(verb)
        if head != verb or speaker is None:
            return None
        doc = verb.doc
        return _Found(doc[mark.i + 1].idx, _end(doc[token.right_edge.i]), "indirect", verb, _cue_phrase(verb),
                      speaker, Rule.REPORTED_CCOMP, _polarity(verb))
    return None


POINTING_OBJECTS = {"this", "that", "it", "these", "those", "so"}  # an object that points at words said elsewhere


def _object_claim(verb: Token) -> _Found | None:
    """`X called for a ban`, `X called Y a liar`, `polls show X ahead`: the object (with its complement) is the content."""
    prep = next((c for c in verb.children if c.dep_ == "prep" and c.lower_ in ("for", "on")), None)
    prep = prep if verb.lemma_.lower() == "call" else None  # `called Friday for releasing …`: a demand
    participle = verb.tag_ == "VBN" and verb.dep_ in ("advcl", "prep") or verb.dep_ == "acl" and verb.tag_ in (
        "VBN", "VBD")  # `The group, called the Free Army,`: the tagger reads the participle as past tense
    if participle and not any(
            c.dep_ in SUBJECT_DEPS or c.dep_ == "agent" for c in verb.children) and sum(
            c.dep_ in ("dobj", "obj", "oprd") for c in verb.children) <= 1 and prep is None:
        # `the missiles, sometimes called standoff missiles`, `a longer range compared to X`: a passive participle
        # names or compares, no one speaks (`the letter called Oz a quack`, with two complements, is active)
        return None
    parts = [c for c in verb.children if c.dep_ in ("dobj", "obj", "oprd", "xcomp", "ccomp")]
    if prep is not None:
        parts += [c for c in prep.children if c.dep_ == "pobj"] + [c for c in verb.children if c.dep_ == "xcomp"]
    parts = [p for p in parts if p.i > verb.i]
    needs = object_cues().get(verb.lemma_.lower())
    if needs:  # `saw the comment as a dig`, not `saw the video`
        heads = [verb] + [p for p in parts if p.dep_ in ("dobj", "obj")]  # `as` hangs on the verb or its object
        prep = next((c for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ == needs
                     and c.i > verb.i), None)
        if prep is None and not any(p.dep_ in ("oprd", "ccomp", "xcomp") for p in parts):
            return None
        parts += [prep] if prep is not None else []
    if verb.lemma_.lower() == "cite" and any(p.ent_type_ in SPEAKER_LABELS or p.lemma_.lower() in SOURCE_NOUNS
                                              or role_nouns().get(p.lower_) in ("person", "news-outlet")
                                              for p in parts):
        # `citing two sources`, `citing Reuters`, `citing the minister`: who is cited speaks, what they said is
        # elsewhere
        return None
    if not parts or any(p.lemma_.lower() in cue_nouns() and _that_clause(p) is not None for p in parts):
        return None  # `rejected Trump's claim that …`: the cue-noun pass reports the claim inside
    if all(p.dep_ in ("dobj", "obj") and p.lower_ in POINTING_OBJECTS for p in parts):
        return None  # `disclosed this at a tour of the units`: what was said is told elsewhere (`called it a
        # milestone`, with its complement, still says something)
    doc = verb.doc
    left = min(p.left_edge.i for p in parts)
    right = max(p.right_edge.i for p in parts)
    # `cited X as an example of …`, `described X by …`: a following prepositional phrase completes the content
    for c in verb.children:
        if c.dep_ in ("prep", "conj", "cc") and c.i == right + 1:
            if c.dep_ == "cc" and any(o.dep_ == "conj" and o.pos_ in ("VERB", "AUX") and o.i > c.i
                                      for o in verb.children):
                break  # `claimed vast wealth and said it …`: the next verb is the speaker's next act
            right = c.right_edge.i
    if right - left < 1:
        return None
    speaker = _speaker_of(verb)
    if speaker is not None and (speaker.root.ent_type_ == "WEAPON" or speaker.root.lemma_.lower() in
                                table("weapon_heads", "lemma")):
        return None  # `The missiles, sometimes called standoff missiles, …`: a weapon is named, it says nothing
    if speaker is not None and reporting_verbs().get(verb.lemma_.lower()) == "evidence" and not any(
            p.dep_ in ("oprd", "ccomp", "xcomp") for p in parts) and _is_person(speaker):
        return None  # `polls show X`, `the study found X`, but not `he found a way`, `she showed bad judgment`
    return _Found(doc[left].idx, _end(doc[right]), "indirect", verb, _cue_phrase(verb), speaker,
                  Rule.REPORTED_OBJECT, _polarity(verb))


def _is_person(span: Span) -> bool:
    root = span.root
    return root.ent_type_ in ("PERSON", "NORP") or root.lower_ in AGENT_PRONOUNS or root.lower_ in role_nouns()


def _passive_claim(verb: Token) -> _Found | None:
    """`The issue was first reported by the Post`, `Oz has been called a charlatan by doctors`: with a `by` agent, the
    passive subject (and what it is called) is the content."""
    subject = next((c for c in verb.children if c.dep_ == "nsubjpass"), None)
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    if subject is None or agent is None or not any(c.dep_ == "pobj" for c in agent.children):
        return None
    if reporting_verbs()[verb.lemma_.lower()] != "speech" and verb.lemma_.lower() not in object_cues():
        return None
    doc = verb.doc
    left = subject.left_edge.i
    right = max([subject.right_edge.i] + [c.right_edge.i for c in verb.children if c.dep_ in ("oprd", "xcomp")])
    return _Found(doc[left].idx, _end(doc[right]), "indirect", verb, _cue_phrase(verb), _speaker_of(verb),
                  Rule.REPORTED_PASSIVE, _polarity(verb))


def _as_clause_claim(verb: Token) -> _Found | None:
    """`The deal is dead, as Rubio said`, `…, as a memo put it`: the clause the as-clause hangs on is the claim."""
    if verb.dep_ != "advcl" or not any(c.dep_ == "mark" and c.lower_ == "as" for c in verb.children):
        return None
    if any(c.dep_ in ("dobj", "obj") and c.lower_ not in ("it", "so") for c in verb.children):
        return None  # `as X said the words`: not about the main clause
    if not any(c.dep_ in SUBJECT_DEPS or c.dep_ == "agent" for c in verb.children):
        return None  # `as opposed to a submarine`, `as expected`: a set phrase, no one speaks
    head = verb.head
    if head.pos_ not in ("VERB", "AUX"):
        return None
    tokens = [t for t in head.subtree if not (verb.left_edge.i <= t.i <= verb.right_edge.i) and not t.is_space]
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    speaker = _speaker_of(verb)
    if not tokens or speaker is None:
        return None
    cue = "put it" if verb.lemma_ == "put" else _cue_phrase(verb)
    return _Found(tokens[0].idx, _end(tokens[-1]), "indirect", verb, cue, speaker,
                  Rule.REPORTED_AS_CLAUSE, _polarity(verb))


def _active_speech(verb: Token) -> bool:
    """True for a speech verb in the active voice (`X vowed`, not `X was asked to …`)."""
    return reporting_verbs()[verb.lemma_.lower()] == "speech" and not any(
        c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def _agent_speaker(verb: Token) -> Span | None:
    """Return the speaker of `verb` when it names someone who can hold a position (a name, pronoun or role)."""
    speaker = _speaker_of(verb)
    if speaker is None:
        return None
    root = speaker.root
    if root.ent_type_ in SPEAKER_LABELS or root.lower_ in AGENT_PRONOUNS or root.lower_ in role_nouns() \
            or root.tag_ in AGENT_TAGS:
        return speaker
    return None


# an agreement to act is an act (`Colombia has agreed to buy Swedish warplanes`, `the EU ministers agreed to train
# 20,000 soldiers`), which news-dev's and news-extra's annotators never took for a claim; `agreed that …` is one
AGREEING_VERBS = frozenset({"agree"})


def _infinitive_claim(verb: Token) -> _Found | None:
    """`X vowed to form a task force`, `X pledged to pay`: the to-infinitive is what the agent says it will do."""
    if not _active_speech(verb) or verb.lemma_.lower() in AGREEING_VERBS:
        return None
    xcomp = next((c for c in verb.children if c.dep_ == "xcomp" and c.i > verb.i), None)
    if xcomp is None or not any(a.dep_ == "aux" and a.lower_ == "to" for a in xcomp.children):
        return None
    speaker = _agent_speaker(verb)
    if speaker is None:
        return None
    doc = verb.doc
    return _Found(doc[xcomp.left_edge.i].idx, _end(doc[xcomp.right_edge.i]), "indirect", verb, _cue_phrase(verb),
                  speaker, Rule.REPORTED_INFINITIVE, _polarity(verb))


def _prep_claim(verb: Token) -> _Found | None:
    """`X warned against hackers`, `X complained about the microphone`: the object of the preposition is the topic."""
    if not _active_speech(verb):
        return None
    prep = next((c for c in verb.children if c.dep_ == "prep" and c.i > verb.i and c.lower_ in CONTENT_PREPS), None)
    if prep is None:
        return None
    obj = next((c for c in prep.children if c.dep_ in ("pobj", "pcomp")), None)
    if obj is not None and obj.ent_type_ in ("DATE", "TIME"):
        return None  # `announced on Friday`
    speaker = _agent_speaker(verb) if obj is not None else None
    if speaker is None:
        return None
    doc = verb.doc
    return _Found(doc[obj.left_edge.i].idx, _end(doc[obj.right_edge.i]), "indirect", verb,
                  f"{_cue_phrase(verb)} {prep.lower_}", speaker, Rule.REPORTED_PREP, _polarity(verb))


def _that_clause(head: Token) -> Token | None:
    """Return a clausal complement of `head` that opens with `that`."""
    for child in head.children:
        if child.dep_ in ("ccomp", "acl") and child.i > head.i and any(
                c.dep_ == "mark" and c.lower_ == "that" for c in child.children):
            return child
    after = head.right_edge.i + 1
    if head.pos_ == "NOUN" and after < len(head.doc):  # `a question about a Reuters report on April 24 that …`:
        mark = head.doc[after]  # the parser hangs the clause on the noun above the cue noun
        if mark.dep_ == "mark" and mark.lower_ == "that" and mark.head.dep_ in ("ccomp", "acl") and \
                mark.head.head in head.ancestors:
            return mark.head
    return None


def _that_clause_claim(verb: Token) -> _Found | None:
    """`X charges that …`: any verb outside the lists whose subject is an agent and whose complement opens with that."""
    complement = _that_clause(verb)
    if complement is None:
        return None
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is None or subject.lower_ in ("it", "this", "that", "which", "there"):
        return None
    if not (subject.ent_type_ in SPEAKER_LABELS or subject.pos_ == "PRON" or subject.lower_ in role_nouns()
            or subject.tag_ in ("NNS", "NNPS", "NNP")):
        return None
    doc = verb.doc
    return _Found(doc[complement.left_edge.i].idx, _end(doc[complement.right_edge.i]), "indirect", verb,
                  _cue_phrase(verb), _noun_phrase(subject), Rule.REPORTED_THAT_CLAUSE, _polarity(verb))


def _noun_claim(noun: Token) -> _Found | None:
    """`X's claim that …`, `a statement from the ministry that …`."""
    complement = _that_clause(noun)
    if complement is None:
        return None
    owner = next((c for c in noun.children if c.dep_ == "poss"), None)
    if owner is None:
        prep = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ in ("from", "by", "of")), None)
        owner = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    if owner is None:  # `a Reuters report that …`
        owner = next((c for c in noun.children if c.dep_ == "compound" and c.ent_type_ in ("ORG", "PERSON", "GPE")
                      and c.i < noun.i), None)
    if owner is None:
        owner = next((c for c in noun.children if c.dep_ == "nsubj"), None)  # `But Trump claims that …` as a noun
    if owner is None and noun.dep_ in ("dobj", "obj"):
        owner = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)  # X made the claim that …
    if owner is None and noun.dep_ == "pobj" and noun.head.head.pos_ in ("VERB", "AUX"):
        speaker = _speaker_of(noun.head.head)  # `X said in a statement that …`
        if speaker is not None:
            doc = noun.doc
            return _Found(doc[complement.left_edge.i].idx, _end(doc[complement.right_edge.i]), "indirect",
                          noun.head.head, _cue_phrase(noun.head.head), speaker, Rule.REPORTED_STATEMENT)
    if owner is None and noun.head.i < noun.i and noun.head.ent_type_ in SPEAKER_LABELS:
        owner = noun.head  # `Trump charges that …` parsed as a noun phrase
    doc = noun.doc
    return _Found(doc[complement.left_edge.i].idx, _end(doc[complement.right_edge.i]), "indirect", noun,
                  noun.lemma_.lower(), _noun_phrase(owner) if owner is not None else None, Rule.REPORTED_CUE_NOUN)


# ---------------------------------------------------------------- claims without a named source

def _agentless_claim(token: Token) -> _Found | None:
    """Return a claim the article states without naming its source (data/agentless_cues.csv): a passive with no
    `by` agent (`X is expected to …`, `it is believed that …`, `X was accused of …`), a raising verb (`X seems to
    …`, `it appears that …`), `it is clear that …` or an evidential adverb (`X reportedly …`)."""
    if token.pos_ == "ADV":
        if agentless_cues().get(token.lower_) != "adverb" or token.head.pos_ not in ("VERB", "AUX"):
            return None
        if _is_cue(token.head) and (any(c.dep_ == "nsubj" for c in token.head.children) or
                                    _stranded_subject(token.head) is not None):
            # `officials reportedly warned …`: their claim, which the writer only hedges
            span = _clause(token.head)
            return _Found(token.doc[span[0]].idx, _end(token.doc[span[1]]), "indirect", token.head,
                          _cue_phrase(token.head), _speaker_of(token.head), Rule.REPORTED_HEDGED,
                          _polarity(token.head))
        return _agentless(token, _clause(token.head), token.lower_, Rule.AGENTLESS_ADVERB)
    lemma = token.lemma_.lower()
    kind = agentless_cues().get(lemma)
    if kind == "passive":
        return _agentless_passive(token)
    if kind == "raising":
        return _agentless_raising(token)
    if lemma == "be":
        return _agentless_evaluative(token)
    return None


def _agentless(cue: Token, span: tuple[int, int] | None, cue_text: str, rule: Rule) -> _Found | None:
    if span is None:
        return None
    doc = cue.doc
    return _Found(doc[span[0]].idx, _end(doc[span[1]]), "indirect", cue, cue_text, None, rule, _polarity(cue))


def _agentless_passive(verb: Token) -> _Found | None:
    """`X is expected to win`, `X was accused of fraud`, `it is believed that …`: with a complement and no agent."""
    deps = {c.dep_ for c in verb.children}
    if "auxpass" not in deps or "agent" in deps:
        return None
    if verb.lemma_.lower() in CITING_VERBS and any(c.dep_ == "nsubjpass" and c.ent_type_ in SPEAKER_LABELS
                                                   for c in verb.children):
        return None  # `Pompeo and Esper were quoted as saying …`: the one quoted speaks
    complement = _that_clause(verb) or next((c for c in verb.children if c.dep_ == "ccomp"), None)
    if complement is not None:  # the that-clause is the claim
        return _agentless(verb, (complement.left_edge.i, complement.right_edge.i), verb.lemma_.lower(),
                          Rule.AGENTLESS_PASSIVE)
    if "nsubjpass" not in deps or not (deps & {"xcomp", "oprd", "acomp", "attr"} or any(
            c.dep_ == "prep" and c.lower_ in ("as", "for", "of") for c in verb.children)):
        return None  # `the deal was announced`: an event, not a claim
    return _agentless(verb, _clause(verb), verb.lemma_.lower(), Rule.AGENTLESS_PASSIVE)


def _agentless_raising(verb: Token) -> _Found | None:
    """`X seems to have vanished`, `X seems too risky`, `it appears that …`: the clause is the claim."""
    complement = next((c for c in verb.children if c.dep_ == "ccomp"), None)
    if complement is not None:
        return _agentless(verb, (complement.left_edge.i, complement.right_edge.i), verb.lemma_.lower(),
                          Rule.AGENTLESS_RAISING)
    deps = {c.dep_ for c in verb.children}
    if "nsubj" not in deps or not deps & {"xcomp", "acomp", "attr", "oprd"}:
        return None
    if any(c.dep_ == "xcomp" and c.lemma_.lower() in reporting_verbs() and _that_clause(c) is not None
           for c in verb.children):
        return None  # `She appeared to suggest that …`: her claim, which the reporting verb's rule finds
    return _agentless(verb, _clause(verb), verb.lemma_.lower(), Rule.AGENTLESS_RAISING)


def _agentless_evaluative(be: Token) -> _Found | None:
    """`It is clear that …`, `it was unclear whether …`: the clause after the adjective is the claim."""
    adjective = next((c for c in be.children if c.dep_ == "acomp" and agentless_cues().get(c.lower_) == "evaluative"),
                     None)
    if adjective is None or not any(c.dep_ in ("nsubj", "expl") and c.lower_ == "it" for c in be.children):
        return None
    complement = next((c for h in (be, adjective) for c in h.children if c.dep_ == "ccomp"), None)
    if complement is None:
        return None
    return _agentless(be, (complement.left_edge.i, complement.right_edge.i), adjective.lower_, Rule.AGENTLESS_EVALUATIVE)


def _clause(head: Token) -> tuple[int, int]:
    """Return the first and last token index of the clause `head` heads, from its subject on, without a
    subordinator, adverbial clauses or a coordinated clause."""
    skip = ("mark", "cc", "advcl", "parataxis", "punct")
    kept = [c for c in head.children if c.dep_ not in skip and not (c.dep_ == "conj" and c.pos_ in ("VERB", "AUX"))]
    subject = next((c for c in kept if c.dep_ in SUBJECT_DEPS), None)
    left = subject.left_edge.i if subject is not None else min([head.i] + [c.left_edge.i for c in kept])
    right = max([head.i] + [c.right_edge.i for c in kept if c.i > head.i])
    return left, right


def _end(token: Token) -> int:
    return token.idx + len(token)


def _according_to(according: Token) -> _Found | None:
    """`According to X, …` and `…, according to X`: the rest of the clause (or sentence) is X's claim."""
    to = next(c for c in according.children if c.lower_ == "to")
    source = next((c for c in to.children if c.dep_ == "pobj"), None)
    if source is None:
        return None
    sent = according.sent
    if reporting_verbs().get(according.head.lemma_.lower()) == "speech" and according.head.i < according.i and any(
            c.dep_ in SUBJECT_DEPS and c.i < according.i for c in according.head.children):
        # `…, the ambassador said, according to reports of his comments`: the reports relay his words, his claim
        return None
    # skip only `according to X`: a misparse can hang the whole clause under the source (`X, the move reeks …`)
    skip = set(range(according.i, _noun_phrase(source).end))
    head = according.head
    while head.dep_ == "advcl" and head.tag_ == "VBG" and head.i < according.i and head.head.i < head.i:
        head = head.head  # `X plans to buy Y, becoming the fifth buyer, according to Z`: Z says the whole clause
    if head.i != according.i and head.pos_ in ("VERB", "AUX") and head.i not in skip:
        tokens = [t for t in head.subtree if t.i not in skip]
    else:
        tokens = [t for t in sent if t.i not in skip]
    tokens = [t for t in tokens if not t.is_space]
    while tokens and tokens[0].is_punct:
        tokens.pop(0)
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    if not tokens:
        return None
    return _Found(tokens[0].idx, tokens[-1].idx + len(tokens[-1]), "indirect", according, "according to",
                  _noun_phrase(_author(source)), Rule.ACCORDING_TO)


def _author(source: Token) -> Token:
    """Return who a document speaks for when it names them (`according to a report by the Pew Research Center`,
    `a tally from the Associated Press`): the named person or body, else the document."""
    if source.pos_ != "NOUN":
        return source
    prep = next((c for c in source.children if c.dep_ == "prep" and c.lower_ in ("by", "from")), None)
    named = next((c for c in prep.children if c.dep_ == "pobj"), None) if prep is not None else None
    return named if named is not None and (named.ent_type_ in SPEAKER_LABELS or named.pos_ == "PROPN") else source


@dataclass(frozen=True)
class TokenRule:
    """A rule tried on each candidate token: `applies` picks its tokens, `find` reads the claim there."""
    applies: Callable[[Token], bool]
    find: Callable[[Token], _Found | None]
    falls_through: bool = False  # finding nothing, let the rules after it try the token


def _is_according(token: Token) -> bool:
    return token.lower_ == "according" and any(c.lower_ == "to" for c in token.children)


def _is_put_it(token: Token) -> bool:
    return token.lemma_ == "put" and any(c.dep_ == "dobj" and c.lower_ == "it" for c in token.children)


def _is_other_verb(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.lemma_.lower() not in not_reporting_verbs()


def _is_cue_noun(token: Token) -> bool:
    return token.pos_ == "NOUN" and token.lemma_.lower() in cue_nouns()


# The order is the precedence: `according to` first, a claim without a named source (its own tests pick its
# cues), reporting verbs (data/reporting_verbs.csv), `as X put it`, a that-clause of any other verb, cue nouns.
TOKEN_RULES: tuple[TokenRule, ...] = (
    TokenRule(_is_according, _according_to),
    TokenRule(lambda token: True, _agentless_claim, falls_through=True),
    TokenRule(_is_cue, _verb_claim),
    TokenRule(_is_put_it, _as_clause_claim),
    TokenRule(_is_other_verb, _that_clause_claim),
    TokenRule(_is_cue_noun, _noun_claim),
)
# A reporting verb without a clausal complement: the first of these that reads a claim.
VERB_FALLBACKS: tuple[Callable[[Token], _Found | None], ...] = (
    _as_clause_claim, _passive_claim, _infinitive_claim, _prep_claim)


def _speaker_of(verb: Token) -> Span | None:
    """Return the noun phrase that speaks through `verb`, climbing from participles and conjuncts."""
    if verb.dep_ == "conj" and _own_act(verb.head) == verb:
        return _speaker_of(verb.head.head)  # `X said Germany would send tanks and announced …`: X announced
    outer = _statement_holder(verb)
    if outer is not None:  # `X said in a statement that the results announced “…”`: X says it, not the results
        return _speaker_of(outer)
    if verb.tag_ in ("VBD", "VBZ") and verb.i + 1 < len(verb.doc) and (
            verb.i == verb.sent.start or verb.doc[verb.i - 1].is_punct) and not any(
            c.dep_ in SUBJECT_DEPS for c in verb.children):
        doc = verb.doc
        ents, ent_of = _ent_index(doc)
        i = verb.i + 1  # past a title before the name: `…,” said retired neurosurgeon Ben Carson`
        while i < min(len(doc) - 1, verb.i + 4) and ent_of[i] < 0 and doc[i].dep_ in ("amod", "compound", "det"):
            i += 1
        k = ent_of[i]
        if k >= 0 and ents[k].start == i and ents[k].label_ in ("PERSON", "ORG"):
            return ents[k]  # `Said Ellis: …`, `…,” said Alan Cole` when the parser finds no subject
        if doc[i].head == verb and doc[i].dep_ in ("dobj", "attr") and doc[i].lower_ in role_nouns():
            return _noun_phrase(doc[i])  # `“…”, declared the Foreign Minister`, read as its object
    stranded = _stranded_subject(verb)
    if stranded is not None:
        return stranded
    cited = _cited(verb)
    if cited is not None:
        return cited
    seen = 0
    below = token = verb
    while token is not None and seen < 4:
        if token.dep_ == "prep" and token.lower_ == "as":
            cited = _cited_as(token)
            if cited is not None:
                return cited
        subject = nearest_subject(token)
        if subject is not None:
            if subject.lower_ in ("who", "that", "which") and token.dep_ == "relcl":
                by = _agent_of(token) if subject.dep_ == "nsubjpass" else None
                return by or _noun_phrase(token.head)  # `leaders, who fear that …`; `a letter, which was reported by X`
            if subject.dep_ == "nsubjpass" and token.lemma_.lower() in CITING_VERBS:
                return _noun_phrase(subject)  # `X was quoted as saying`: X
            if subject.dep_ == "nsubjpass" and seen == 0:
                return _agent_of(token)
            return _noun_phrase(_partitive_head(subject))  # `After saying …, she was taken …`: the passive subject
        if token.dep_ in PARTICIPLE_DEPS and token.head.i != token.i or \
                token.dep_ in ("prep", "dative") and token.head.pos_ in ("VERB", "AUX"):  # `responded by saying …`
            below, token = token, token.head
            seen += 1
            continue
        if seen and token.dep_ == "ROOT" and token.pos_ in ("NOUN", "PROPN") and below.dep_ in ("acl", "relcl") and \
                below.i > token.i and not any(c.dep_ == "agent" for c in below.children):
            return _noun_phrase(token)  # `Mitt Romney, the 2012 nominee, tweeted: …` parsed as a noun and its acl
        if seen and token.dep_ == "acomp" and token.pos_ == "ADJ":
            below, token = token, token.head  # `X was quick to point out that …`, `officials were unable to …`
            seen += 1
            continue
        if token.dep_ == "ROOT" and token.tag_ == "VBG":
            said = next((c for c in token.children if c.dep_ == "parataxis" and c.i < token.i and _is_cue(c)
                         and nearest_subject(c) is not None), None)
            if said is not None:  # `…,” Mr. Obama said, not even needing to mention …` read with the -ing as root
                return _noun_phrase(_partitive_head(nearest_subject(said)))
        if token.dep_ == "prep" and token.head.pos_ in ("ADV", "ADJ") and token.head.dep_ == "advmod" and \
                token.head.head.pos_ in ("VERB", "AUX"):
            below, token = token, token.head.head  # `X stopped short of saying …`, `aside from saying …`
            seen += 1
            continue
        if seen and token.dep_ in ("dobj", "pobj") and token.pos_ == "NOUN":
            below, token = token, token.head  # `X issued a statement calling …`, `X said at a news conference …`
            seen += 1
            continue
        return None
    return None


def _statement_holder(verb: Token) -> Token | None:
    """Return the speech verb whose statement a verb's that-clause the parser hung on the statement noun belongs
    to: `said in a statement that the results announced …` (`announced` read as the clause's verb)."""
    noun = verb.head
    if verb.dep_ != "acl" or not any(c.dep_ == "mark" and c.lower_ == "that" for c in verb.children) or \
            noun.lemma_.lower() not in STATEMENT_NOUNS or noun.dep_ != "pobj" or noun.head.head.pos_ != "VERB":
        return None
    return noun.head.head if _is_cue(noun.head.head) else None


def _agent_of(verb: Token) -> Span | None:
    """Return the `by` phrase's noun of a passive verb (`was first reported by The Post`), if it has one."""
    agent = next((c for c in verb.children if c.dep_ == "agent"), None)
    pobj = next((c for c in agent.children if c.dep_ == "pobj"), None) if agent is not None else None
    return _noun_phrase(pobj) if pobj is not None else None


def _stranded_subject(verb: Token) -> Span | None:
    """Return the named person or body right before `, [adverb] verb` when the parser gave the verb no subject and
    hung the name elsewhere (`… after Nigeria's air chief, Air Marshal Sadique Abubakar, reportedly revealed
    that …`: the name ends an apposition the parser read as the object of `after`)."""
    if any(c.dep_ in SUBJECT_DEPS for c in verb.children) or verb.dep_ not in ("ROOT", "ccomp", "conj", "dep"):
        return None
    doc, k = verb.doc, verb.i - 1
    while k > 0 and doc[k].pos_ == "ADV" and doc[k].head.i == verb.i:
        k -= 1
    if k < 1:
        return None
    if doc[k].text != ",":  # the name ends right before the verb: `Campaigning for his wife, Bill Clinton said …`
        return _name_ending_at(doc, k)
    # `…, Air Marshal Sadique Abubakar, reportedly revealed`; `…, Col. Steven Warren, a military spokesman, said`;
    # `…, Dmitry Shugaev, the director of Russia's Federal Service …, said`: the person, not the body of his title
    named, apposed = _name_ending_at(doc, k - 1), _apposed(doc[k - 1])
    if named is not None and named.root.dep_ == "pobj" and apposed.i != k - 1:
        return _name_ending_at(doc, apposed.i) or named
    return named or _name_ending_at(doc, apposed.i)


def _name_ending_at(doc: Doc, k: int) -> Span | None:
    """Return the named person or body whose name ends at token k, unless it is some verb's subject."""
    ents, ent_of = _ent_index(doc)
    n = ent_of[k]
    if n < 0 or ents[n].end != k + 1 or ents[n].label_ not in ("PERSON", "ORG") or ents[n].root.dep_ in SUBJECT_DEPS:
        return None
    return ents[n]


def _apposed(last: Token) -> Token:
    """Return the noun an apposition that ends at `last` describes (`Lazar, 44,`: Lazar), else `last`."""
    token = last
    for _ in range(6):
        if token.dep_ == "appos" and token.right_edge.i == last.i and token.head.i < token.i:
            return token.head
        if token.head.i == token.i or token.head.i > last.i:
            break
        token = token.head
    return last


PARTITIVES = {"number", "majority", "minority", "some", "many", "most", "several", "all", "dozen", "dozens",
              "hundred", "hundreds", "thousand", "thousands", "million", "millions", "group", "handful", "few"}


def _partitive_head(token: Token) -> Token:
    """Return who speaks in `four of the commissioners`, `thousands of protesters`, `a number of officials`: the
    people after `of`, not the count."""
    if token.lower_ not in PARTITIVES and token.lemma_.lower() not in PARTITIVES and token.pos_ != "NUM":
        return token
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    people = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
    return people if people is not None and people.pos_ in ("NOUN", "PROPN") else token


CITING_VERBS = {"cite", "quote"}


def _cited(verb: Token) -> Span | None:
    """Return who `X reported, citing Y` relays: Y speaks; X only passes the words on (news-dev's convention)."""
    for child in verb.children:
        if child.dep_ in ("advcl", "xcomp", "conj") and child.tag_ == "VBG" and child.lemma_ in CITING_VERBS:
            source = next((c for c in child.children if c.dep_ in ("dobj", "obj")), None)
            if source is not None and _can_speak(source):
                return _noun_phrase(source)
    return None


def _cited_as(prep: Token) -> Span | None:
    """Return Y in `X cited Y as saying …`, `X quoted Y as saying …`: Y speaks."""
    head = prep.head
    if head.pos_ == "NOUN" and head.dep_ in ("dobj", "obj") and head.head.lemma_ in CITING_VERBS:
        return _noun_phrase(head)  # the parser hangs `as` on the object
    source = next((c for c in head.children if c.dep_ in ("dobj", "obj")), None)
    if head.lemma_ in CITING_VERBS and source is not None and _can_speak(source):
        return _noun_phrase(source)
    return None


def _can_speak(token: Token) -> bool:
    """True for a noun phrase that names or describes one who speaks: a person or body, an official, a source;
    not unnamed sources in the plural (`citing its sources`: the outlet stays the one who reports)."""
    if token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    return token.tag_ != "NNS" and (token.lemma_.lower() in role_nouns() or token.lemma_.lower() in
                                    government_nouns() or token.lemma_.lower() in ("source", "person"))


def _noun_phrase(token: Token) -> Span:
    """Return the name or noun phrase headed by `token`, without relative clauses or appositions."""
    doc = token.doc
    if token.ent_type_ in SPEAKER_LABELS:
        for ent in doc_ents(doc):
            if ent.start <= token.i < ent.end:
                return ent
    keep = {"compound", "amod", "det", "poss", "nmod", "nummod", "quantmod", "case", "flat", "punct"}
    left = token.i
    for child in sorted(token.lefts, key=lambda c: -c.i):
        if child.dep_ in ("poss", "compound", "nmod") and child.right_edge.i == left - 1:
            left = child.left_edge.i  # `Taiwan's`, `State Department` in `A State …`, `Seoul's` in `Seoul's defense …`
        elif child.dep_ in keep and child.i == left - 1:
            left = child.i if child.dep_ != "punct" else left
        else:
            break
    return doc[left:_name_end(token) + 1]


def _name_end(token: Token) -> int:
    """Return where a capitalised name the NER missed ends: after the capitalised object of an `of` or `for` that
    continues it (`the Estonian Center for Defense Investment`), else at the head itself."""
    if not token.is_title or token.i + 1 >= len(token.doc):
        return token.i
    prep = token.doc[token.i + 1]
    if prep.lower_ not in ("of", "for") or prep.head.i != token.i:
        return token.i
    obj = next((c for c in prep.children if c.dep_ == "pobj"), None)
    if obj is None or not all(t.is_title for t in token.doc[prep.i + 1:obj.i + 1]):
        return token.i
    return obj.i


def _cue_phrase(verb: Token) -> str:
    lemma = verb.lemma_.lower()
    particle = next((c for c in verb.children if c.dep_ == "prt"), None)
    return f"{lemma} {particle.lower_}" if particle is not None else lemma


def _polarity(verb: Token) -> str:
    if verb.lemma_.lower() == "deny" or any(c.dep_ == "neg" for c in verb.children):
        return "negative"
    if verb.dep_ == "xcomp" and verb.head.lemma_.lower() in NEGATING_HEADS:
        return "negative"
    return "positive"


def _strip_content(doc: Doc, a: int, b: int) -> tuple[int, int]:
    """Trim a leading `that`, marks and punctuation from a content span."""
    text = doc_text(doc)
    a, b = _trim(text, a, b)
    m = re.match(r"that\s+", text[a:b], flags=re.I)
    if m:
        a += m.end()
    return _trim(text, a, b)


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (text[a].isspace() or text[a] in ",;:—–-" or text[a] in QUOTE_CHARS):
        a += 1
    while b > a and (text[b - 1].isspace() or text[b - 1] in ",;:—–-"):
        b -= 1
    return a, b


def _quoted_words(text: str, a: int, b: int, in_quote: bytearray) -> int:
    return sum(1 for m in re.finditer(r"\w+", text[a:b]) if in_quote[a + m.start()])


def _direct_quotes(doc: Doc, quotes: list[tuple[int, int]], in_quote: bytearray,
                   reported: list[_Found]) -> list[_Found]:
    found: list[_Found] = []
    for qa, qb in quotes:
        if any(min(qb, r.end) - max(qa, r.start) > 0.5 * (qb - qa) for r in reported):
            continue  # part of a mixed claim
        if _is_title(doc_text(doc)[qa:qb]):
            continue  # `told “Fox News Sunday”`: a name, not words someone said
        sents = _sentences_over(doc, qa, qb)
        if not sents:
            continue
        sents += _attribution_after(doc, qa, qb, in_quote)
        frame = [t for s in sents for t in s if not in_quote[t.idx]]
        words = len(re.findall(r"\w+", doc_text(doc)[qa:qb]))
        cue = _governing_cue(doc, qa, qb, in_quote) or _nearest_cue(frame, qa, qb)
        if cue is not None and words <= 3 and _term_in_a_phrase(doc, qa, qb, cue):
            continue  # `agreed to make the summit a start in resuming their “shuttle diplomacy”`: a term quoted
        previous = max((f for f in found + reported if f.end <= qa), key=lambda f: f.end, default=None)
        hit = None
        dash = _dash_speaker(doc, qb)
        if cue is not None:
            speaker = _speaker_of(cue)
            outside = next((c for c in cue.children if c.dep_ in SUBJECT_DEPS and not in_quote[c.idx]), None)
            if speaker is not None and in_quote[speaker.start_char] and outside is not None:
                speaker = _noun_phrase(outside)  # `“… Full panic mode,” said Leslie Wimes`: two subjects, one quoted
            elif speaker is not None and in_quote[speaker.start_char] and speaker.root.pos_ == "PRON":
                # `“It is about …,” adding that …`: the parser found the subject inside the quote; who adds is
                # who spoke just before
                speaker = previous.speaker if previous is not None and _near(doc, previous, qa) else None
            hit = _Found(qa, qb, "direct", cue, _cue_phrase(cue), speaker, Rule.QUOTE_CUE, _polarity(cue))
        elif dash is not None:
            hit = _Found(qa, qb, "direct", None, "―", dash, Rule.QUOTE_DASH)
        else:
            colon = _colon_cue(doc, sents[0], in_quote) or _colon_intro(doc, qa, in_quote)
            frame_words = [t for t in frame if t.is_alpha]
            if colon is not None and words >= 2:
                hit = _Found(qa, qb, "direct", colon, _cue_phrase(colon), _speaker_of(colon), Rule.QUOTE_COLON)
            elif previous is not None and previous.speaker is not None and len(frame_words) <= 2 \
                    and _near(doc, previous, qa):
                hit = _Found(qa, qb, "direct", previous.cue, previous.cue_text, previous.speaker,
                             Rule.QUOTE_CONTINUATION)
        if hit is not None:
            found += _paragraphs_of(doc, hit)
    return found


def _paragraphs_of(doc: Doc, quote: _Found) -> list[_Found]:
    """Return a quotation that runs over paragraphs (each reopened with a mark, news convention) as one claim per
    paragraph, all with the speaker its attribution gives: the words as each paragraph sets them out."""
    text = doc_text(doc)
    pieces, a = [], quote.start
    for m in re.finditer(r"\s*\n\s*", text[quote.start:quote.end]):
        pieces.append((a, quote.start + m.start()))
        a = quote.start + m.end()
    pieces.append((a, quote.end))
    pieces = [_strip(text, x, y) for x, y in pieces]
    pieces = [(x, y) for x, y in pieces if y > x]
    if len(pieces) < 2:
        return [quote]
    return [replace(quote, start=x, end=y) for x, y in pieces]


def _join_split_quotes(doc: Doc, found: list[_Found]) -> list[_Found]:
    """Return the claims with every quote its attribution interrupts in mid-sentence (`“A,” X said, “B.”`) as one
    claim from A to B.

    The words around the attribution are one sentence of one speaker: one attribution with a split content in
    PolNeAR (as in PARC). One span keeps them together, the short attribution between them included. A quote
    that goes on in the next sentence (`“A,” X said. “B.”`) stays a claim of its own, as in kg's seed gold.
    """
    text = doc_text(doc)
    out: list[_Found] = []
    for f in found:
        prev = out[-1] if out else None
        if prev is not None and _continues_quote(text, prev, f):
            prev.end = f.end
            continue
        out.append(f)
    return out


def _continues_quote(text: str, prev: _Found, f: _Found) -> bool:
    """True when `f` quotes the speaker of the quote `prev` right after it, in the same sentence, with no more than
    an attribution (`,” Trump said, “`) between them."""
    if prev.kind != "direct" or f.kind != "direct" or prev.rule not in QUOTE_RULES or f.rule not in JOINABLE_QUOTES:
        return False
    if prev.speaker is None or f.speaker is None or prev.speaker.start_char != f.speaker.start_char:
        return False
    between = text[prev.end:f.start]
    if prev.end > f.start or "\n" in between or _SENTENCE_END.search(between):
        return False
    return len(re.findall(r"\w+", between)) <= SPLIT_QUOTE_WORDS


def _overlaps(f: _Found, others: list[_Found]) -> bool:
    return any(o.start < f.end and f.start < o.end for o in others)


def _is_title(quote: str) -> bool:
    """True for a short quote in title case (a show, book or forum name), not a sentence."""
    words = re.findall(r"[\w'’-]+", quote)
    if not words or len(words) > 5 or quote.rstrip(",.").endswith(("!", "?")):
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in TITLE_SMALL_WORDS for w in words) and \
        any(w[0].isupper() for w in words[1:] or words)


def _colon_lines(doc: Doc) -> list[_Found]:
    """`Zelensky: we need air defence` (headlines) and `PENCE: Well, look, …` (transcripts): a line that opens
    with a name and a colon is that speaker's claim, up to the end of the line."""
    text = doc_text(doc)
    out = []
    for speaker in _line_speakers(doc):
        start = doc[speaker.end].idx + 1
        end = text.find("\n", start)
        a, b = _trim(text, start, len(text) if end < 0 else end)
        if len(re.findall(r"\w+", text[a:b])) < 3:
            continue
        kind = "direct" if speaker.text.isupper() else "indirect"  # transcripts name speakers in capitals
        out.append(_Found(a, b, kind, None, ":", speaker, Rule.COLON_LINE))
    return out


def _line_speakers(doc: Doc):
    """Yield the name that opens a line and is followed by a colon: a PERSON/ORG entity or 1-3 capitalised words."""
    text = doc_text(doc)
    ents = {e.start: e for e in doc_ents(doc) if e.label_ in ("PERSON", "ORG")}
    # visit line starts only: walking every token costs a quarter of claim extraction
    for m in re.finditer(r"^[“\"«„”»]*(?=\S)", text, flags=re.M):  # `"PENCE: …` in some transcripts
        span = doc.char_span(m.end(), m.end() + 1, alignment_mode="expand")
        if span is None or span[0].idx != m.end():
            continue
        token = span[0]
        if token.is_punct:
            continue
        ent = ents.get(token.i)
        if ent is not None and ent.end < len(doc) and doc[ent.end].text == ":":
            if ent.text.lower() not in line_labels():
                yield ent
            continue
        for n in (1, 2, 3):
            if token.i + n < len(doc) and doc[token.i + n].text == ":":
                words = doc[token.i:token.i + n]
                if all(t.is_alpha and t.is_upper and len(t) > 1 for t in words) and \
                        words.text.lower() not in line_labels():
                    yield words  # not `FILE PHOTO:`, `WATCH:` (data/line_labels.csv)
                break


def _dash_speaker(doc: Doc, qb: int) -> Span | None:
    """Return the name in `“…” ― Name` (a quote signed with a dash at the end of its line)."""
    text = doc_text(doc)
    m = re.compile(r"[”\"»]?\s*[―—–-]\s*").match(text, qb)
    if not m or m.end() == qb:
        return None
    line_end = text.find("\n", m.end())
    line_end = len(text) if line_end < 0 else line_end
    span = doc.char_span(m.end(), line_end, alignment_mode="contract")
    if span is None or not len(span):
        return None
    ents = [e for e in doc_ents(doc) if e.start == span.start and e.label_ in ("PERSON", "ORG")]
    return ents[0] if ents else None


def _attribution_after(doc: Doc, qa: int, qb: int, in_quote: bytearray) -> list[Span]:
    """Return the sentence after a quote when it attributes the quote (`“…,” X said.`, `“…?” X asked.`)."""
    text = doc_text(doc)
    after = qb
    while after < len(text) and (text[after] in QUOTE_CHARS or text[after] in " \t"):
        after += 1
    if after >= len(text) or text[after] == "\n":
        return []
    span = doc.char_span(after, after + 1, alignment_mode="expand")
    if span is None:
        return []
    sent = span[0].sent
    if sent.start_char < qb:
        return []
    if text[qb - 1] in ",—–-:" or text[after].islower() or text[after] in ",—–":
        return [sent]
    # `“…?” Trump said, looking on.`: a cue early in the next sentence that reports nothing of its own
    for token in sent[:6]:
        if _is_cue(token) and not in_quote[token.idx] and not any(
                c.dep_ in ("ccomp", "dobj", "xcomp") for c in token.children):
            return [sent]
    return []


def _sentences_over(doc: Doc, a: int, b: int) -> list[Span]:
    sents, starts = doc_sents(doc)
    i = max(bisect.bisect_right(starts, a - 1) - 1, 0)
    out = []
    while i < len(sents) and sents[i].start_char < b + 1:
        if sents[i].end_char > a - 1:
            out.append(sents[i])
        i += 1
    return out


def _term_in_a_phrase(doc: Doc, qa: int, qb: int, cue: Token) -> bool:
    """True for a short quotation the sentence uses as a word of its own phrase, not as what the cue's speaker said:
    its head is neither the cue nor the verb whose object or complement it is."""
    span = doc.char_span(qa, qb, alignment_mode="expand")
    if span is None or not len(span):
        return False
    root = span.root
    return root.head != cue and root.head.i != root.i and not (
        root.dep_ in ("dobj", "obj", "oprd", "attr", "ccomp", "xcomp") and root.head.lemma_.lower() in object_cues())


def _governing_cue(doc: Doc, qa: int, qb: int, in_quote: bytearray) -> Token | None:
    """Return the verb a quoted phrase is the object of, when it names what someone said (`Lavrov branded the
    EU an “unreliable partner”`, `X called it “a disaster”`): that verb, not a nearer cue of another speaker."""
    span = doc.char_span(qa, qb, alignment_mode="expand")
    if span is None or not len(span):
        return None
    root = span.root
    head = root.head
    if root.dep_ == "pobj" and head.lower_ == "as":  # `described the talks as “useful”`
        head = head.head
    elif root.dep_ not in ("dobj", "obj", "oprd", "attr"):
        return None  # a clause (`cited X as saying that “…”`) has its cue found as any quote's
    if head.i == root.i or in_quote[head.idx] or head.pos_ != "VERB":
        return None
    lemma = head.lemma_.lower()
    if lemma in object_cues() and _speaker_of(head) is not None:
        return head
    return None


def _nearest_cue(frame: list[Token], qa: int, qb: int) -> Token | None:
    cues = [t for t in frame if _is_cue(t) and reporting_verbs()[t.lemma_.lower()] == "speech"
            or t.lemma_.lower() in quote_verbs() and t.pos_ == "VERB"]
    if not cues:
        return None
    return min(cues, key=lambda t: min(abs(t.idx - qb), abs(t.idx - qa)))


def _colon_cue(doc: Doc, sent: Span, in_quote: bytearray) -> Token | None:
    """Return the cue of the previous sentence when it introduces this one with a colon."""
    if sent.start == 0:
        return None
    prev = doc[sent.start - 1].sent
    last = [t for t in prev if not t.is_space]
    if not last or last[-1].text != ":":
        return None
    return _nearest_cue([t for t in prev if not in_quote[t.idx]], prev.end_char, prev.end_char)


def _colon_intro(doc: Doc, qa: int, in_quote: bytearray) -> Token | None:
    """Return the verb of `X continued:` or `X made the following comment:` right before a quote, when X is an agent."""
    text = doc_text(doc)
    i = qa - 1
    while i > 0 and (text[i].isspace() or text[i] in QUOTE_CHARS):
        i -= 1
    if text[i] != ":" or in_quote[i]:
        return None
    span = doc.char_span(i, i + 1, alignment_mode="expand")
    if span is None:
        return None
    sent = span[0].sent
    verbs = [t for t in sent if t.i < span[0].i and t.pos_ == "VERB" and not in_quote[t.idx]]
    for verb in reversed(verbs):
        if _agent_speaker(verb) is not None:
            return verb
    return None


def _near(doc: Doc, previous: _Found, qa: int) -> bool:
    """True when the previous claim is close enough for this quote to continue it (same or next paragraph)."""
    between = doc_text(doc)[previous.end:qa]
    return len(re.findall(r"\w+", between)) <= 40 and between.count("\n") <= 2


def _dedupe(found: list[_Found]) -> list[_Found]:
    out: list[_Found] = []
    for f in sorted(found, key=lambda f: f.speaker is None):  # an attributed claim wins over one on the same span
        if any(o.start == f.start and o.end == f.end for o in out):
            continue
        if f.speaker is None and any(o.speaker is not None and min(o.end, f.end) - max(o.start, f.start) >=
                                     0.8 * (f.end - f.start) for o in out):
            continue  # `X reportedly …, according to a report by Y`: Y's claim, not an unattributed one
        if _restates(f, found) or _hearsay(f, found):
            continue
        out.append(f)
    return sorted(out, key=lambda f: f.start)


def _hearsay(f: _Found, found: list[_Found]) -> bool:
    """True for `Y believes Z` inside `X said that Y believes Z`: an indirect claim reported, cue and all, inside a
    claim with a speaker is part of what that speaker said, not a claim Y is known to have made."""
    if f.kind != "indirect" or f.cue is None:
        return False
    return any(o is not f and o.start <= f.cue.idx < o.end and o.start <= f.start and f.end <= o.end
               and (o.speaker is not None or f.speaker is None) for o in found)


def _restates(f: _Found, found: list[_Found]) -> bool:
    """True for `he thinks P` inside `X said he thinks P`: the speaker restating themself adds no claim."""
    if f.cue is None or f.speaker is None or f.speaker.root.lower_ not in PERSON_PRONOUNS | GROUP_PRONOUNS:
        return False
    return any(o is not f and o.start <= f.cue.idx < o.end and o.start <= f.start and f.end <= o.end
               for o in found)


# ---------------------------------------------------------------- speakers

def _resolve(doc: Doc, found: list[_Found], confidences: dict[Rule, float]) -> list[Claim]:
    people = _people_by_surname(doc)
    roles_at = _positioned_roles(doc)  # a role noun refers back: only titles given before it count
    mentions = list(find_mentions(doc))
    claims = []
    last_person: tuple[str, str] | None = None
    last_government: str | None = None  # the country the last government body that spoke stands for
    last_body: tuple[str, str] | None = None  # the last organisation or country that spoke: (name, label)
    for f in found:
        name, label = None, None
        confidence = confidences[f.rule] - f.penalty
        span = f.speaker
        if span is None:
            confidence = min(confidence, UNATTRIBUTED)  # the article names no source, or kg found none
        else:
            roles = [(person, role) for start, person, role in roles_at if start < span.start_char]
            later = [(person, role) for start, person, role in roles_at if start >= span.start_char]
            name, label, how = _resolve_span(span, people, roles, last_person, last_government, last_body, later)
            if how == "government":
                last_government = name
            if name and label in ("ORG", "GPE"):
                last_body = (name, label)
            confidence = min(confidence, SPEAKER_CAP.get(how, 1.0))
        if name and label == "PERSON":
            last_person = (name, label)
        sents = _sentences_over(doc, f.start, f.end)
        if f.cue is not None:
            sents += [f.cue.sent]
        ev_a = min(s.start_char for s in sents) if sents else f.start
        ev_b = max(s.end_char for s in sents) if sents else f.end
        speaker = _mention(span) if span is not None else None
        relative = _relative_pronoun(f.cue, span)
        if relative is not None:  # `Ted Cruz, who says …`: `who` is the mention, as `he` in `he says`, and the
            speaker = Mention(relative.text, "", relative.idx, relative.idx + len(relative.text))
            name = name or span.text  # noun it hangs on names the speaker (`local leaders, who fear …`)
        claims.append(Claim(
            text=doc_text(doc)[f.start:f.end], start=f.start, end=f.end, kind=f.kind, cue=f.cue_text,
            speaker=speaker,
            speaker_name=name, speaker_label=label, evidence=doc_text(doc)[ev_a:ev_b].strip(), rule=f.rule,
            confidence=round(confidence, 2), polarity=f.polarity,
            mentions=tuple(m for m in mentions if m.start >= f.start and m.end <= f.end),
        ))
    return claims


def _relative_pronoun(cue: Token | None, speaker: Span | None) -> Token | None:
    """Return the relative pronoun through which a speaker speaks (`Ted Cruz, who says …`, `the study, which
    notes …`): the claim's mention, as PolNeAR and PARC mark it; the speaker's name is the noun it hangs on."""
    token = cue
    for _ in range(5):
        if token is None or speaker is None:
            return None
        subject = nearest_subject(token)
        if subject is not None:
            relative = token.dep_ == "relcl" and subject.lower_ in ("who", "that", "which")
            return subject if relative and speaker.start <= token.head.i < speaker.end else None
        if token.head.i == token.i:
            return None
        token = token.head
    return None


def _mention(span: Span) -> Mention:
    ent = _entity_in(span) if span.label_ == "" else span
    return Mention(span.text, (ent.label_ if ent is not None else "") or "", span.start_char, span.end_char,
                   (ent.ent_id_ if ent is not None else None) or None)


def _person_subject_before(span: Span) -> Span | None:
    """Return the person who is the main subject of the sentence before a pronoun's (or of its own, before it):
    whom `he` or `she` takes up, rather than the last one who spoke (`Lammy said … Reynolds later gave details.
    He said …`). Subjects inside a reported clause do not count (`Trump said Biden is weak. He added …`)."""
    doc = span.doc
    sent = span.sent
    if sent.start == 0:
        return None
    for sentence in (doc[sent.start:span.start], doc[sent.start - 1].sent):
        root = sentence.root if len(sentence) else None
        if root is None or any(t.dep_ in SUBJECT_DEPS and t.head == root and t.lower_ in PERSON_PRONOUNS
                               for t in sentence):
            continue
        subject = next((t for t in sentence if t.dep_ in SUBJECT_DEPS and t.head == root), None)
        if subject is not None:
            ent = next((e for e in doc_ents(doc) if e.start <= subject.i < e.end and e.label_ == "PERSON"), None)
            return ent
    return None


def _people_by_surname(doc: Doc) -> dict[str, str]:
    """Return surname -> the fullest name of that person in the article."""
    fullest: dict[str, str] = {}
    for ent in doc_ents(doc):
        if ent.label_ == "PERSON":
            name = _bare_name(ent)
            key = name.split()[-1]
            if len(name) > len(fullest.get(key, "")):
                fullest[key] = name
    for key, name in fullest.items():
        if " " not in name:  # `Ambassador Zhou said` where the NER missed `… Kenya Zhou Pingjian who …`
            fullest[key] = _written_in_full(doc, name) or name
    return fullest


def _written_in_full(doc: Doc, word: str) -> str | None:
    """Return the one fuller name the article writes a one-word name in, with a given name the NER left untyped
    on either side of it (`Stéphane Dion`, `Zhou Pingjian`, family name first)."""
    full = set()
    for t in _untyped_by_text(doc).get(word, ()):
        if t.i and _given_name(t.nbor(-1)):
            full.add(f"{t.nbor(-1).text} {t.text}")
        if t.i + 1 < len(doc) and _given_name(t.nbor(1)):
            full.add(f"{t.text} {t.nbor(1).text}")
    return full.pop() if len(full) == 1 else None


def person_roles(doc: Doc) -> list[tuple[str, str]]:
    """Return (person name, role phrase) for titles written before names: `US President Donald Trump`."""
    return [(person, role) for _, person, role in _positioned_roles(doc)]


def _positioned_roles(doc: Doc) -> list[tuple[int, str, str]]:
    """Return (where the name starts, person name, role phrase) for the titles written before names."""
    out = []
    people = _people_by_surname(doc)
    for ent in doc_ents(doc):
        if ent.label_ != "PERSON":
            continue
        head = ent.root
        role_tokens = [t for t in head.lefts if t.i < ent.start and t.dep_ in ("compound", "amod", "nmod", "npadvmod")]
        if not role_tokens:
            continue
        first = min(t.left_edge.i for t in role_tokens)
        words = []
        for t in reversed(doc[first:ent.start]):  # the title runs back from the name until a non-word
            if not (t.is_alpha or t.text == "-") or t.dep_ == "det" or t.ent_type_ == "DATE":
                break
            words.insert(0, t)
        if words and any(t.lower_ in role_nouns() for t in words):
            out.append((ent.start_char, people.get(ent[-1].text, ent.text), " ".join(t.text for t in words)))
    return out


def _joint_speakers(span: Span) -> tuple[Span, Span] | None:
    """Return the two people `Both` or `the two ministers` (`the two leaders`, …) stand for: the last two named in
    the span's sentence or the two before it, in the order named."""
    root = span.root
    both = root.lower_ == "both" and len(span) == 1
    two = root.tag_ == "NNS" and role_nouns().get(root.lemma_.lower()) == "person" and any(
        c.lower_ in ("two", "both") for c in root.children)
    if not (both or two):
        return None
    doc = span.doc
    start = previous_sentence_start(doc[previous_sentence_start(root)])
    people: list[Span] = []
    for ent in reversed(doc_ents(doc)):
        if ent.end > span.start or ent.start < start or ent.label_ != "PERSON":
            continue
        if not any(ent[-1].text == p[-1].text for p in people):
            people.append(ent)
        if len(people) == 2:
            return people[1], people[0]
    return None


def _resolve_span(span: Span, people: dict[str, str], roles: list[tuple[str, str]],
                  last_person: tuple[str, str] | None, last_government: str | None = None,
                  last_body: tuple[str, str] | None = None, later_roles: list[tuple[str, str]] = ()):
    """Return (name, label, how) for a speaker mention; how is named, pronoun, role, government (a body or an
    unnamed official, for its country) or unresolved."""
    ent = _entity_in(span)
    if ent is not None:
        label = ent.label_
        if label == "PERSON":
            bare = _bare_name(ent)
            return _person(bare, people), "PERSON", "named"

        if label == "ORG" and _member_of_bloc(span):  # `The European Union and NATO member said`, which the
            # parser reads as `the European Union` and `NATO member`
            named = _country_described(span)
            if named is not None:
                return named, "GPE", "role"
        if label == "ORG":
            country = _government_country(span, None) or _body_country(ent.text)
            if country is not None:  # `the Pentagon said`, `the Slovak Defense Ministry said`
                return country, "GPE", "government"
        return ent.text, label, "named"
    named = [e for e in doc_ents(span.doc) if span.start <= e.start and e.end <= span.end and e.label_ == "PERSON"]
    if len(named) == 1 and span.root.lower_.rstrip(".,") in table("name_suffixes", "suffix"):  # `Secretary Lloyd Austin III`
        bare = _bare_name(named[0])
        return _person(bare, people), "PERSON", "named"
    head = span.root.lower_
    if head in PERSON_PRONOUNS:
        subject = _person_subject_before(span)
        if subject is not None:  # `Reynolds later gave details. He said …`: who the sentence before is about
            return _person(_bare_name(subject), people), "PERSON", "pronoun"
        if last_person is not None:
            return last_person[0], "PERSON", "pronoun"
        person = last_entity_before(span, {"PERSON"})
        if person is not None:
            return people.get(person[-1].text, person.text), "PERSON", "pronoun"
        return None, None, "unresolved"
    pair = _joint_speakers(span)
    if pair is not None:  # `Both noted that …`, `the two ministers agreed that …`: the pair named before; the first
        # named speaks for both (news-dev's convention: a joint speaker's duplicate is optional)
        return _person(_bare_name(pair[0]), people), "PERSON", "role"
    if head in GROUP_PRONOUNS:
        subject = last_plural_subject(span)
        group = _noun_phrase(subject) if subject is not None else None
        if group is not None:
            entity = _entity_in(group)
            if entity is not None and entity.root.i == group.root.i:
                return entity.text, entity.label_, "pronoun"
            return group.text, None, "pronoun"
        return None, None, "unresolved"
    if head in THING_PRONOUNS and last_body is not None:
        # `It said` after `Rheinmetall said`, or after `the Slovak Defense Ministry said` (its country): the body
        # that spoke last
        return last_body[0], last_body[1], "pronoun"
    if head in THING_PRONOUNS:  # `The European Union will fall short …, it said`: the body the sentence is about
        body = next((e for e in subject_entities_before(span.root) if e.label_ in ("ORG", "GPE")), None)
        if body is not None:
            country = _country_named(body)
            return (country, "GPE", "pronoun") if country else (body.text, body.label_, "pronoun")
    refers = role_nouns().get(head)
    kind = next((c for c in span.root.children if c.dep_ == "compound" and role_nouns().get(c.lower_) ==
                 "news-outlet"), None) if span.root.lemma_.lower() in table("document_nouns", "noun") else None
    if refers in ("news-outlet", "organization") or kind is not None:  # (`a German newspaper report`: the paper's)
        outlet = _body_by_its_kind(span, refers or "news-outlet", kind)
        if outlet is not None:  # `Bild am Sonntag newspaper said`, `a German newspaper reported` (named after)
            return outlet.text, "ORG", "named" if outlet.end == span.root.i else "role"
    appositive = next((c for c in span.root.children if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)
    if appositive is None and refers == "person":  # `Moscow's ambassador in Quito, Vladimir Sprinchan,`: the
        # parser hangs the name on the place
        appositive = next((c for p in span.root.children if p.dep_ == "prep" for o in p.children if o.dep_ == "pobj"
                           and o.ent_type_ in ("GPE", "LOC") for c in o.children
                           if c.dep_ == "appos" and c.ent_type_ == "PERSON"), None)
    if appositive is not None and (refers == "person" or span.root.pos_ == "NOUN"):
        # `the bloc's top diplomat, Josep Borrell, said`: a named official speaks himself, not for his country;
        # so does the name after any description (`said the head of their delegation, Getachew Reda`)
        ent = next(e for e in doc_ents(span.doc) if e.start <= appositive.i < e.end)
        bare = _bare_name(ent)
        return _person(bare, people), "PERSON", "named"
    body = next((c for c in span.root.children if c.dep_ == "appos" and c.ent_type_ == "ORG"), None)
    if body is not None and refers != "person" and span.root.pos_ == "NOUN":
        # `the Russian state holding company Rostec said`: the body the description names speaks
        ent = next(e for e in doc_ents(span.doc) if e.start <= body.i < e.end)
        country = _body_country(ent.text)
        return (country, "GPE", "government") if country else (ent.text, "ORG", "named")
    if refers == "person" and any(t.ent_type_ in ("GPE", "NORP", "ORG") for t in span if t != span.root):
        country = _government_country(span, None)  # `the State Department representative`: one official's country
        if country is not None:
            return country, "GPE", "government"
    if refers == "person" and any(t.dep_ == "det" and t.lower_ in ("the", "this") for t in span):
        modifiers = {t.lower_ for t in span if t.dep_ != "det" and t is not span.root}
        best = None
        for person, role in reversed(roles):
            role_words = {w.lower() for w in role.split()}
            if _holds_title(head, role) and modifiers <= role_words | {"former"}:
                best = person
                break
        if best is not None:
            return best, "PERSON", "role"
    named = _name_after_title(span) if refers == "person" else None
    if named is not None:  # `CEO of Raytheon Co. Gregory J. Hayes`: the title runs into the name
        bare = _bare_name(named)
        return _person(bare, people), "PERSON", "named"
    earlier = _unnamed_before(span) if refers == "person" else None
    if earlier is not None:  # `the spokesperson` after `according to a government spokesperson`: the same one
        name, label, how = _resolve_span(earlier, people, roles, last_person, last_government, last_body)
        return (name, label, how) if name is not None else (earlier.text, None, "role")
    if refers == "person" and not any(t.dep_ == "det" and t.lower_ in ("a", "an") for t in span):
        # `the Defence Secretary`, `foreign minister`: who last held that title in the article, else the last
        # person named before (a title with no name refers back, in news)
        titled = next((person for person, role in reversed(roles) if _holds_title(head, role)), None)
        owned = any(c.dep_ == "poss" and (c.lower_ in ("his", "her", "their", "its") or c.ent_type_ == "PERSON")
                    for c in span.root.children)  # `his lawyer said`: not he, someone the article may name
        # a title no one named before holds refers forward, to the one the article names with it: `Germany's
        # minister for defence said …`, then `minister for defence Boris Pistorius said`
        later = next((person for person, role in later_roles if _holds_title(head, role)), None)
        person = None if owned or later is not None else last_entity_before(span, {"PERSON"}) or _next_person(span)
        if titled is not None or later is not None or person is not None:
            return titled or later or _person(_bare_name(person), people), "PERSON", "role"
    named_again = _organization_named_again(span) if refers != "person" and role_nouns().get(
        span.root.lemma_.lower()) != "person" else None  # `the foreign ministers` are no `Minister` body
    if named_again is not None:  # `The student federation said`, after the Hong Kong Federation of Students
        return named_again.text, "ORG", "role"
    if refers == "news-outlet":
        outlet = last_entity_before(span, {"ORG"})
        if outlet is not None:
            return outlet.text, "ORG", "role"
    if refers == "organization":  # `the company said`: the last organisation named that is not a news outlet
        outlets = load_gazetteer().news_outlets
        company = last_entity_before(span, {"ORG"}, lambda e: normalize(e.text) not in outlets)
        if company is not None:
            return company.text, "ORG", "role"
    if (refers == "country" or _member_of_bloc(span)) and any(t.dep_ == "det" and t.lower_ == "the" for t in span):
        named = _country_described(span)
        if named is not None:
            return named, "GPE", "role"
    issuer = _issuer(span.root)
    if issuer is not None:  # `Altmaier's letter`, `a report on Sunday by The News International`: who wrote it
        return _resolve_span(issuer, people, roles, last_person, last_government, last_body)
    if span.root.lemma_.lower() in STATEMENT_NOUNS or _government_document(span):
        # `an Indian foreign ministry statement`, `a Tokyo government document`: its issuer
        country = _government_country(span, last_government, issued=True)
        if country is not None:
            return country, "GPE", "government"
        if last_body is not None and any(t.dep_ == "det" and t.lower_ == "the" for t in span):
            return last_body[0], last_body[1], "role"  # `the statement` after the body's own
    country = _government_country(span, last_government)
    if country is not None:
        return country, "GPE", "government"
    name = _unlisted_name(span, people)
    if name is not None:
        return name, "PERSON", "named"
    return None, None, "unresolved"


NAMED_BODY_LABELS = {"ORG", "PERSON", "WORK_OF_ART"}  # the NER reads a paper's name as any of these (`Bild am Sonntag`)


def _body_by_its_kind(span: Span, refers: str, kind: Token | None = None) -> Span | None:
    """Return the organisation a description of its kind names: the name right before the noun (`Bild am Sonntag
    newspaper`); for `a German newspaper`, the first one named with that noun in the next sentences (news names
    its source after the lede); for `the newspaper`, the last one named with it or, failing that, the last that
    spoke (the subject of a sentence before), not any organisation in passing (`a report sent to Reuters`)."""
    root = kind if kind is not None else span.root
    ents, ent_of = _ent_index(span.doc)
    k = ent_of[root.i - 1] if root.i > span.start else -1
    if k >= 0 and ents[k].label_ in NAMED_BODY_LABELS and ents[k].end == root.i:
        return ents[k]
    lemma = root.lemma_.lower()
    outlets = load_gazetteer().news_outlets

    def kind_named(ent: Span) -> bool:  # `Bild am Sonntag newspaper`, `the Kommersant daily`
        return ent.label_ in NAMED_BODY_LABELS and ent.end < len(span.doc) and span.doc[ent.end].lemma_.lower() == lemma
    determiners = {t.lower_ for t in span if t.dep_ == "det"}
    if determiners & {"a", "an"}:
        limit = min(root.sent.end + 120, len(span.doc))
        after = [e for e in ents if root.i < e.start < limit]
        named = next((e for e in after if kind_named(e)), None)
        if named is None and refers == "news-outlet":  # `… Der Spiegel said`: the first outlet that speaks after
            named = next((e for e in after if normalize(e.text) in outlets and e.root.dep_ in SUBJECT_DEPS), None)
        return named
    if not determiners & {"the", "this"} or refers != "news-outlet":
        return None
    before = [e for e in ents if e.end <= span.start and span.start - e.end < 400]
    named = next((e for e in reversed(before) if kind_named(e)), None)
    if named is not None:
        return named
    return next((e for e in subject_entities_before(root) if e.label_ == "ORG"), None)


MEMBER_NOUNS = {"member", "ally", "partner"}  # `the NATO member`, `the EU ally`: a state of the bloc


def _country_described(span: Span) -> str | None:
    """Return the country `the Balkan country`, `the NATO member` takes up: the one a recent sentence is about,
    else the last one named (or its people, `Polish`)."""
    about = next((e for e in subject_entities_before(span.root) if _country_named(e) is not None), None)
    named = about or last_entity_before(span, {"GPE", "NORP"}, lambda e: _country_named(e) is not None)
    return _country_named(named) if named is not None else None


def _member_of_bloc(span: Span) -> bool:
    """True for `the European Union and NATO member`, `the ASEAN member`: a country described by the bloc it
    belongs to (a bloc of states in the gazetteer: an alliance or an intergovernmental body)."""
    root = span.root
    member = root if root.lemma_.lower() in MEMBER_NOUNS else next(
        (c for c in root.children if c.dep_ == "conj" and c.lemma_.lower() in MEMBER_NOUNS), None)
    if member is None or member.tag_ != "NN" or not any(
            t.dep_ == "det" and t.lower_ == "the" for t in (*span, *root.children)):
        return False
    gazetteer = load_gazetteer()
    blocs = [e for e in doc_ents(span.doc) if span.start <= e.start and e.end <= member.i and e.label_ == "ORG"]
    return any((entry := gazetteer.lookup(e.text)) is not None and entry.org_type in ("alliance", "intergovernmental")
               for e in blocs)


def _organization_named_again(span: Span) -> Span | None:
    """Return the name a definite description repeats by its head noun: `the commission`, `the federation` after
    `the Electoral Commission of Ghana`, `the Hong Kong Federation of Students` (capitalised names, which the NER
    mostly misses; a lower-case head, `the Saudi-led coalition`, was as often another body). A government body
    (`the ministry`) is left to the government rules."""
    root = span.root
    if root.pos_ != "NOUN" or root.lemma_.lower() in government_nouns() or not any(
            t.dep_ == "det" and t.lower_ in ("the", "this") for t in span) or any(
            t.dep_ in ("amod", "compound") and t.i < root.i and (t.is_title or t.ent_type_) for t in span):
        return None
    lemma = root.lemma_.lower()
    for token in reversed(span.doc[max(span.start - 400, 0):span.start]):
        if token.lemma_.lower() != lemma or token.pos_ not in ("NOUN", "PROPN"):
            continue
        name = _noun_phrase(token)
        if token.is_title and token.i > name.start:
            return name[1:] if name[0].lower_ == "the" else name
    return None


def _person(bare: str, people: dict[str, str]) -> str:
    """Return the fullest name the article gives a person named `bare`: by surname (`Austin` -> `Lloyd Austin`),
    or, for one word, the one fuller name it is part of (`Prayut` -> `Prayut Chan-O-Cha`)."""
    name = people.get(bare.split()[-1], bare)
    if " " in bare and not set(bare.split()) <= set(name.split()):
        return bare  # `Bill Clinton` in an article on `Hillary Clinton`: another person of the same surname
    if " " in name:
        return name
    named = {full for full in people.values() if name in full.split()}
    fullest = {full for full in named if not any(set(full.split()) < set(other.split()) for other in named)}
    return fullest.pop() if len(fullest) == 1 else name


def _unlisted_name(span: Span, people: dict[str, str]) -> str | None:
    """Return the person a speaker written as a bare name names when the NER missed it: one word that is part
    of a person the article names (`Prayut said` after `Prayut Chan-o-cha`, `Dion said` after `… Stéphane
    Dion`), or two or three capitalised words after a title (`Phoenix Mayor Greg Stanton`) or whose last word the
    article uses alone too (`Ruben Brekelmans said …. Brekelmans added`)."""
    words = [t for t in span if t.dep_ not in ("det", "punct", "case") and not t.is_space]
    titled = False
    for k in range(len(words) - 1, -1, -1):  # the name starts after the last title word
        if any(part.lower() in role_nouns() or part.lower().rstrip(".") in TITLE_ABBREVIATIONS
               for part in words[k].text.split("-")):
            words, titled = words[k + 1:], True
            break
    if not words or any(t.lower_ in table("organization_heads", "noun") for t in words):
        return None
    alone = [t for t in _untyped_by_text(span.doc).get(words[-1].text, ()) if t.i != words[-1].i]
    if len(words) > 3:  # a title kg does not know runs into the name (`Foreign Affairs Minster Stéphane Dion`)
        words = words[-2:] if alone else []
    if not words or not all(_given_name(t) or t.tag_ == "NN" and t.text.istitle() and not t.is_sent_start
                            for t in words):
        return None  # (the tagger reads a lone surname as a noun now and then: `Dion said`)
    if len(words) == 1:
        name = _person(words[0].text, people)
        if " " in name:
            return name
        given = {t.nbor(-1).text for t in alone if t.i and _given_name(t.nbor(-1))}  # `… Stéphane Dion …`
        return f"{given.pop()} {words[0].text}" if len(given) == 1 else None
    return " ".join(t.text for t in words) if titled or alone else None


def _given_name(token: Token) -> bool:
    """True for a capitalised proper noun that can be a given name: no title, no entity of its own."""
    return token.pos_ == "PROPN" and token.tag_ != "NNPS" and token.text[:1].isupper() and not token.ent_type_ and \
        token.text.replace("-", "").replace("'", "").isalpha() and token.lower_ not in role_nouns() and \
        token.lower_ not in TITLE_ABBREVIATIONS


def _name_after_title(span: Span) -> Span | None:
    """Return the person named right after a title and its `of` phrase (`CEO of Raytheon Co. Gregory J. Hayes`),
    which the parser may hang elsewhere."""
    root = span.root
    if not any(c.dep_ == "prep" and c.lower_ == "of" for c in root.children):
        return None
    after = root.right_edge.i + 1
    ents, ent_of = _ent_index(span.doc)
    k = ent_of[after] if after < len(span.doc) else -1
    return ents[k] if k >= 0 and ents[k].start == after and ents[k].label_ == "PERSON" else None


def _unnamed_before(span: Span) -> Span | None:
    """Return the earlier unnamed description a definite role noun repeats: `a government spokesperson` before
    `the spokesperson`, the nearest with the same head noun, an indefinite article and no name in it."""
    if len(span) > 2 or not any(t.dep_ == "det" and t.lower_ == "the" for t in span):
        return None
    lemma = span.root.lemma_.lower()
    for token in reversed(span.doc[:span.start]):
        if token.lemma_.lower() == lemma and token.pos_ == "NOUN" and token.dep_ in SUBJECT_DEPS | {"pobj"}:
            phrase = _noun_phrase(token)
            if len(phrase) <= 2 and any(t.dep_ == "det" and t.lower_ == "the" for t in phrase):
                continue  # another repetition: the chain goes back to the first description
            if any(t.dep_ == "det" and t.lower_ in ("a", "an") for t in phrase) and not any(
                    t.ent_type_ == "PERSON" for t in phrase) and not any(
                    c.dep_ == "appos" for c in token.children):
                return phrase
            return None  # the nearest mention of the noun decides
    return None


STATEMENT_NOUNS = {"statement", "communique", "communiqué", "release", "letter", "readout"}


def _issuer(noun: Token) -> Span | None:
    """Return the named person or body a document noun says wrote it: its possessor (`Altmaier's letter`) or the
    object of `by`/`from` (`a report by The News International`, `a statement from the ministry`)."""
    if noun.lemma_.lower() not in table("document_nouns", "noun"):  # data/document_nouns.csv
        return None
    owners = [c for c in noun.children if c.dep_ == "poss"]
    owners += [p for prep in noun.children if prep.dep_ == "prep" and prep.lower_ in ("by", "from")
               for p in prep.children if p.dep_ == "pobj"]
    for owner in owners:
        ent = _entity_in(_noun_phrase(owner))
        if ent is not None:
            return ent
    return None


def _government_document(span: Span) -> bool:
    """True for a document a government noun says a government wrote (`a Tokyo government document`, `the
    ministry report`); a plain report is its outlet's (`a German newspaper report`)."""
    root = span.root
    return root.lemma_.lower() in table("document_nouns", "noun") and any(
        t.lemma_.lower() in government_nouns() for t in root.subtree if t.i < root.i)  # its modifiers, no clause


def _government_country(span: Span, last_government: str | None, issued: bool = False) -> str | None:
    """Return the country a government body or a single unnamed official speaks for (news-dev's convention):
    `the Slovak Defense Ministry`, `One Turkish official`, `a State Department representative`, `the ministry`
    (after a named one). The mention stays the claim's speaker; the country becomes its speaker name."""
    root = span.root
    singular_only = government_nouns().get(root.lemma_.lower())
    if singular_only is None and root.tag_ == "NN" and role_nouns().get(root.lower_) == "person" and any(
            c.dep_ == "det" and c.lower_ in ("a", "an") for c in root.children) and any(
            t.lemma_.lower() in government_nouns() for t in root.lefts) and not any(
            t.lower_ in ("former", "retired", "ex") for t in root.subtree):  # (a retired general speaks for himself)
        singular_only = True  # `an air force general`, `a navy spokesman`: one unnamed official, as `an official`
    if not issued and (singular_only is None or (singular_only and root.tag_ not in ("NN", "NNP"))):
        return None
    if issued and not any(t.lemma_.lower() in government_nouns() or t.ent_type_ for t in root.subtree if t != root):
        return None  # `a statement`: nothing says whose
    gazetteer = load_gazetteer()
    for token in sorted(root.subtree, key=lambda t: abs(t.i - root.i)):
        if token.ent_type_ == "PERSON" and token.dep_ in ("poss", "compound") and \
                root.lemma_.lower() in government_nouns():  # `Scholz's government`, `the Biden administration`
            ent = next(e for e in doc_ents(span.doc) if e.start <= token.i < e.end)
            entry = gazetteer.lookup(ent.text)  # `Chancellor Olaf Scholz's government`: the leader's country
            country = gazetteer.by_iso2.get(entry.country) if entry is not None and entry.country else None
            if country is not None:
                return country.name
            continue
        if token.ent_type_ not in ("GPE", "NORP", "ORG"):
            continue
        ent = next(e for e in doc_ents(span.doc) if e.start <= token.i < e.end)
        country = gazetteer.country(ent.text)  # by name, people or capital (`Seoul's defense ministry`)
        if country is not None:
            return country.name
        entry = gazetteer.lookup(ent.text)
        if entry is not None and entry.org_type == "government-body" and entry.country:
            country = gazetteer.by_iso2.get(entry.country)
            return country.name if country is not None else None
    if singular_only and root.lemma_.lower() != "source" and any(
            t.lemma_.lower() in government_nouns() and not government_nouns()[t.lemma_.lower()]
            for t in root.subtree if t is not root):
        # `a government spokesperson`, `a defence ministry official`, `an official in the prime minister's cabinet`:
        # one who speaks for the country in focus (a
        # `navy source` whose country is not stated stays an anonymous source)
        return last_government or _country_in_focus(span)
    if issued and singular_only is None:  # `an Economy Ministry letter`: the body that wrote it decides
        singular_only = next((government_nouns()[t.lemma_.lower()] for t in root.subtree
                              if t.lemma_.lower() in government_nouns()), None)
    if issued and singular_only is not None or any(
            t.dep_ in ("det", "poss") and t.lower_ in ("the", "its") for t in span) or not any(
            t.dep_ in ("det", "poss") for t in span):  # (a headline drops the article: `…, defence ministry says`)
        # `the ministry`: the body named before, else the country its sentence is about (`BERLIN — Germany will
        # send …, the defence ministry said`)
        # (a body only: `the source said` is one unnamed person, whose country nothing names)
        return last_government or _body_named_before(span) or (
            _country_in_focus(span) if singular_only is False else None)
    return None


def _country_named(ent: Span) -> str | None:
    """Return the country an entity names, by name, by its people (`Polish` -> Poland) or by its capital."""
    entry = load_gazetteer().country(ent.text)
    return entry.name if entry is not None else None


def _country_in_focus(span: Span) -> str | None:
    """Return the country the span's sentence is about: the nearest subject before it that names one, else the
    country named nearest to it in the sentence."""
    subjects = subject_entities_before(span.root)  # a main clause's subject first: `South Africa welcomed the
    subjects = [e for e in subjects if e.root.head.dep_ == "ROOT"] + [  # order that Israel must …`
        e for e in subjects if e.root.head.dep_ != "ROOT"]
    about = next((c for e in subjects if (c := _country_named(e) or _country_of_title(e)) is not None), None)
    if about is not None:
        return about
    sent = span.sent
    named = [e for e in doc_ents(span.doc) if sent.start <= e.start < sent.end and not span.start <= e.start < span.end
             and e.label_ in ("GPE", "NORP")]
    near = next((c for e in sorted(named, key=lambda e: abs(e.start - span.start))
                 if (c := _country_named(e)) is not None), None)
    return near or _country_so_far(span)


def _country_of_title(person: Span) -> str | None:
    """Return the country a person's title names before the name (`German Chancellor Friedrich Merz`)."""
    named = title_country(person)
    return _country_named(named) if named is not None else None


def _country_so_far(span: Span) -> str | None:
    """Return the country the article has named most often before the span (`The military said …` in a report
    on South Korea), when one leads; None on a tie."""
    counts: dict[str, int] = {}
    for ent in doc_ents(span.doc):
        if ent.start >= span.start:
            break
        if ent.label_ in ("GPE", "NORP") and (country := _country_named(ent)) is not None:
            counts[country] = counts.get(country, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    if not ranked or len(ranked) > 1 and ranked[0] == ranked[1]:
        return None
    return max(counts, key=counts.get)


def _body_named_before(span: Span) -> str | None:
    """Return the country of the last government body named before `the department` (`the State Department`)."""
    head = span.root.lower_
    doc = span.doc
    named = [e for e in doc_ents(doc) if e.end <= span.start and e.label_ == "ORG"]
    # the NER may leave the body untyped: `Iraq’s Defense Ministry defended …. The Ministry explained`
    untyped = [doc[t.left_edge.i:t.i + 1] for t in doc[:span.start] if t.lower_ == head and not t.ent_type_]
    for phrase in sorted(named + untyped, key=lambda p: p.end, reverse=True):
        if phrase in untyped:
            country = next((_country_named(e) for e in doc_ents(doc) if e.start >= phrase.start and
                            e.end <= phrase.end and e.label_ in ("GPE", "NORP") and _country_named(e)), None)
        else:
            country = _body_country(phrase.text)
            if country is None and head in phrase.text.lower():
                country = _government_country(phrase, None)
        if country is not None:
            return country
    return None


def government_nouns() -> dict[str, bool]:
    """Return noun -> whether only its singular speaks for a government (data/government_nouns.csv)."""
    return flags("government_nouns", "noun", "singular_only")


TITLE_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "gen", "lt", "maj", "col", "capt", "adm", "sgt", "sen", "rep", "gov",
                       "prof", "sir", "dame", "lord"}


def _bare_name(ent: Span) -> str:
    """Return a person's name without a title the NER left in (`Secretary Lloyd Austin III` -> `Lloyd Austin`)."""
    words = list(ent)
    while len(words) > 2 and (words[0].lower_.rstrip(".") in TITLE_ABBREVIATIONS or words[0].lower_ in role_nouns()):
        words.pop(0)
    while len(words) > 2 and words[-1].lower_.strip(",").rstrip(".") in table("name_suffixes", "suffix"):
        words.pop()
    return " ".join(ent.doc[words[0].i:words[-1].i + 1].text.split())  # as written: `Prayut Chan-O-Cha`


def _next_person(span: Span) -> Span | None:
    """Return the first person named in the two sentences after a title that opens an article (`Russia's foreign
    minister said …. Sergei Lavrov said`)."""
    sents, starts = doc_sents(span.doc)
    k = max(bisect.bisect_right(starts, span.start_char) - 1, 0)
    limit = sents[min(k + 2, len(sents) - 1)].end
    return next((e for e in doc_ents(span.doc) if e.label_ == "PERSON" and span.end <= e.start < limit), None)


def _body_country(name: str) -> str | None:
    """Return the country of a government body the gazetteer lists with one (`the Pentagon` -> United States)."""
    gazetteer = load_gazetteer()
    entry = gazetteer.lookup(name)
    if entry is None or entry.org_type != "government-body" or not entry.country:
        return None
    country = gazetteer.by_iso2.get(entry.country)
    return country.name if country is not None else None


def _entity_in(span: Span) -> Span | None:
    """Return the entity that heads the mention (not one that only modifies it, as US in `the US president`)."""
    i = span.root.i
    ents, ent_of = _ent_index(span.doc)
    k = ent_of[i]
    return ents[k] if k >= 0 and ents[k].label_ in SPEAKER_LABELS else None


def _untyped_by_text(doc: Doc) -> dict[str, list[Token]]:
    """Return the tokens outside any entity by their text, built once per Doc (a name's other mentions)."""
    cached = doc.user_data.get("kg_claims_untyped")
    if cached is None:
        cached = doc.user_data["kg_claims_untyped"] = {}
        for t in doc:
            if not t.ent_type_:
                cached.setdefault(t.text, []).append(t)
    return cached


def _ent_index(doc: Doc) -> tuple[tuple[Span, ...], numpy.ndarray]:
    """Return the entities and, per token, the index of the entity it belongs to (-1 for none), built once per Doc."""
    cached = doc.user_data.get("kg_claims_ent_of")
    if cached is None:
        ents = doc_ents(doc)
        ent_of = numpy.full(len(doc), -1, dtype=numpy.int32)
        for k, ent in enumerate(ents):  # entities never overlap
            ent_of[ent.start:ent.end] = k
        cached = doc.user_data["kg_claims_ent_of"] = (ents, ent_of)
    return cached



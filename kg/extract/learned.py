"""The learned part of claim extraction: where a reported content starts and ends, and which verbs are cues.

The rules of `claims.py` find a claim, its cue and a first guess at its content
(the cue's complement in the parse). PolNeAR's annotators often draw the
content elsewhere: a clause the parser hung on another word, a subordinate
clause or a coordinated verb phrase the subtree drags in. Two ranking models
(averaged perceptrons over hashed features of the parse) pick the first and the
last token of the content among the tokens around the rules' guess, each
knowing the rule, the cue and where the guess was. A third, a yes/no perceptron
over a verb's lemma, dependents and subject, reads the cue verbs outside the
word lists; where the rules found no claim and such a verb has a finite clausal
complement, that is a claim of rule `learned-cue`. They were trained on PolNeAR
train (`make train`, `tools/train_claims.py`); the model is
`data/claims_model.json.gz`, part of the extraction cache's fingerprint like
every file of `kg/extract/`.

Only reported speech moves (the kinds `indirect` and `mixed` of the
`reported-*`, `according-to`, `agentless-*` and `learned-cue` rules): quotes
keep the boundaries of their marks, which the rules find better than a model
does. Nothing here reads a file but the model, and nothing is fetched.
"""
from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy
from spacy.attrs import POS
from spacy.symbols import VERB
from spacy.tokens import Doc, Token

MODEL_PATH = Path(__file__).resolve().parent / "data" / "claims_model.json.gz"
BITS = 20
WINDOW = 12  # how many tokens either side of the rules' boundary a boundary may move
TASKS = ("start", "end", "cue")
CUE_THRESHOLD = 0.0  # how far above zero a verb's cue score must be for it to report a claim the rules missed
MARGIN = 2.0  # how much more than the rules' own boundary the model's must score to replace it
# the rules whose content the models place; quotes, name-colon lines and quote continuations keep their marks
MOVED_PREFIXES = ("reported-", "according-to", "agentless-", "learned-")
CUES = True  # whether the cue model adds claims (see new_claims)
# what of a learned cue's dependents is its content: with objects and to-clauses too (`signed a deal`, `wants X to`)
# PolNeAR scores better, but those are actions and wishes, not claims in kg (news-dev's attributed F1 falls)
CUE_CONTENT = ("ccomp",)
CLOSERS = set("”\"»’)]")

# When set (by tools/train_claims.py), `refine` hands it every document's claims before it moves anything.
observer: Callable[[Doc, list], None] | None = None


def hashed(features: list[str]) -> numpy.ndarray:
    """Return the weight indices of feature strings (crc32: stable across runs and machines, unlike hash())."""
    mask = (1 << BITS) - 1
    return numpy.fromiter((zlib.crc32(f.encode()) & mask for f in features), dtype=numpy.int64, count=len(features))


@cache
def model() -> dict[str, numpy.ndarray] | None:
    """Return task -> dense weights of the shipped model, or None when the package has none."""
    if not MODEL_PATH.exists():
        return None
    return read_model(MODEL_PATH.read_bytes())


def read_model(data: bytes) -> dict[str, numpy.ndarray]:
    raw = json.loads(gzip.decompress(data))
    if raw["bits"] != BITS or raw["window"] != WINDOW:
        raise ValueError(f"{MODEL_PATH.name} was trained with other features; run `make train`")
    out = {}
    for task in TASKS:
        w = numpy.zeros(1 << BITS, dtype=numpy.float32)
        w[numpy.array(raw[task]["index"], dtype=numpy.int64)] = numpy.array(raw[task]["weight"], dtype=numpy.float32)
        out[task] = w
    return out


def write_model(weights: dict[str, numpy.ndarray], meta: dict) -> bytes:
    """Return the model file's bytes: the same weights give the same bytes (sorted, no timestamps)."""
    raw: dict = {"bits": BITS, "window": WINDOW, **meta}
    for task in TASKS:
        w = weights[task].astype(numpy.float32)
        index = numpy.flatnonzero(w)
        raw[task] = {"index": index.tolist(), "weight": [float(x) for x in w[index]]}
    return gzip.compress(json.dumps(raw, sort_keys=True, separators=(",", ":")).encode(), mtime=0)


def movable(found) -> bool:
    return found.kind in ("indirect", "mixed") and str(found.rule).startswith(MOVED_PREFIXES)


def refine(doc: Doc, found: list, enabled: bool = True) -> list:
    """Return the rules' claims with the content of each reported claim placed by the model (in place)."""
    if observer is not None:
        observer(doc, found)
    weights = model() if enabled else None
    if weights is None or not len(doc):
        return found
    if CUES:
        found = sorted(found + new_claims(doc, found, weights["cue"]), key=lambda f: f.start)
    for f in found:
        if not movable(f):
            continue
        span = boundary_tokens(doc, f.start, f.end)
        if span is None:
            continue
        first, last = span
        head = doc[first:last + 1].root.i  # the content keeps its head: a boundary never cuts the clause's verb off
        starts = [i for i in start_candidates(doc, first, last) if i <= head]
        start = _choose(weights["start"], starts, first, [start_features(doc, i, first, f) for i in starts])
        ends = [last] if getattr(f, "end_fixed", False) else [i for i in end_candidates(doc, start, last) if i >= head]
        end = _choose(weights["end"], ends, last, [end_features(doc, i, last, f) for i in ends])
        a, b = trimmed(doc, start, end)
        if a is not None and not any(g is not f and _same_cue(f, g) and g.start < b and a < g.end for g in found):
            f.start, f.end = a, b  # not over another content of the same cue (`said that A and that B`)
    return found


def _same_cue(f, g) -> bool:
    """True when two claims report through the same cue token (claims without a cue share none)."""
    return f.cue is not None and g.cue is not None and f.cue.i == g.cue.i


def cue_candidates(doc: Doc) -> list[Token]:
    """Return the verbs, found in the POS array (a Token object for each of a Doc's tokens costs more)."""
    return [doc[int(i)] for i in numpy.flatnonzero(doc.to_array(POS) == VERB)]


def cue_features(t: Token) -> list[str]:
    """Features of a verb as the cue of an attribution: its word, its dependents, its subject."""
    lemma = t.lemma_.lower()
    deps = sorted({c.dep_ for c in t.children})
    subject = next((c for c in t.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    subj = (subject.ent_type_ or subject.pos_) if subject is not None else "none"
    feats = ["bias", f"l{lemma}", f"tag{t.tag_}", f"dep{t.dep_}", f"s{subj}", f"l{lemma}|s{subj}",
             f"hl{t.head.lemma_.lower()}", f"hd{t.head.dep_}|dep{t.dep_}"]
    feats += [f"c{d}" for d in deps] + [f"l{lemma}|c{d}" for d in deps]
    return feats


def new_claims(doc: Doc, found: list, weights: numpy.ndarray) -> list:
    """Return claims of the verbs the cue model reads as attributions where the rules found none: the verb's
    finite clausal complement is the content, its subject the speaker (rule `learned-cue`)."""
    from kg.extract import claims  # claims.py imports this module: its names are there by the time this runs

    taken = {f.cue.i for f in found if f.cue is not None}
    out = []
    for t in cue_candidates(doc):
        if t.i in taken or any(f.start <= t.idx < f.end for f in found):
            continue  # a cue inside a claim is part of what its speaker said (kg's convention)
        if weights[hashed(cue_features(t))].sum() <= CUE_THRESHOLD:
            continue
        part = next((c for c in t.children if c.dep_ in CUE_CONTENT and c.i > t.i), None)
        if part is None or any(c.dep_ == "aux" and c.lower_ == "to" for c in part.children):
            continue  # `wants Europe to buy …`: a wish or a plan, which kg does not count as a claim
        if t.lemma_.lower() in claims.not_reporting_verbs():
            continue  # `the problem is that …`, `make sure that …`
        span = trimmed_tokens(doc, part.left_edge.i, part.right_edge.i)
        if span is None or span[1] - span[0] < 1:
            continue
        out.append(claims._Found(doc[span[0]].idx, doc[span[1]].idx + len(doc[span[1]]), "indirect", t,
                                 claims._cue_phrase(t), claims._speaker_of(t), claims.Rule.LEARNED_CUE,
                                 claims._polarity(t)))
    return out


def _choose(weights: numpy.ndarray, candidates: list[int], rules: int, features: list[list[str]]) -> int:
    """Return the candidate the model ranks first, unless it beats the rules' own by less than MARGIN."""
    if not candidates:
        return rules
    scores = [weights[hashed(feats)].sum() for feats in features]
    best = int(numpy.argmax(scores))
    if rules in candidates and scores[best] - scores[candidates.index(rules)] < MARGIN:
        return rules
    return candidates[best]


def boundary_tokens(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    """Return the first and last token of the characters start..end."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or not len(span):
        return None
    return span.start, span.end - 1


def start_candidates(doc: Doc, first: int, last: int) -> list[int]:
    """Return the tokens a content that the rules start at `first` (and end at `last`) may start at."""
    out = [i for i in range(max(first - WINDOW, 0), min(first + WINDOW, last) + 1) if not doc[i].is_space]
    return out or [first]


def end_candidates(doc: Doc, start: int, last: int) -> list[int]:
    out = [i for i in range(max(last - WINDOW, start), min(last + WINDOW, len(doc) - 1) + 1) if not doc[i].is_space]
    return out or [last]


def _word(token: Token) -> str:
    return token.lower_ if not token.like_num else "#"


def _edges(token: Token, cue: Token | None) -> list[str]:
    """Which phrases the token opens or closes: its head's, and each of the cue's dependents'."""
    out = []
    head, i = token.head, token.i
    if head.left_edge.i == i:
        out.append(f"le:{head.dep_}")
    if head.right_edge.i == i:
        out.append(f"re:{head.dep_}")
    if cue is not None:
        for left, right, dep in _cue_edges(cue):
            if left == i:
                out.append(f"cle:{dep}")
            if right == i:
                out.append(f"cre:{dep}")
    return out


def _cue_edges(cue: Token) -> tuple[tuple[int, int, str], ...]:
    """The first and last token and the relation of each of the cue's dependents, found once per cue: every
    candidate boundary asks, and each Token the parse hands out is a new object."""
    cache = cue.doc.user_data.setdefault("kg_cue_edges", {})
    edges = cache.get(cue.i)
    if edges is None:
        edges = cache[cue.i] = tuple((c.left_edge.i, c.right_edge.i, c.dep_) for c in cue.children)
    return edges


def _cue_side(token: Token, cue: Token | None) -> str:
    if cue is None:
        return "nocue"
    d = token.i - cue.i
    return f"c{max(min(d, 4), -4)}"


def start_features(doc: Doc, i: int, first: int, f) -> list[str]:
    """Features of content starting at token i, when the rules start it at token `first`."""
    t = doc[i]
    prev = doc[i - 1] if i else None
    d = i - first
    pw = _word(prev) if prev is not None else "<s>"
    pp = prev.pos_ if prev is not None else "<s>"
    rule = str(f.rule)
    side = _cue_side(t, f.cue)
    feats = [f"d{d}", f"r{rule}|d{d}", f"w{_word(t)}", f"p{t.pos_}", f"dep{t.dep_}", f"pw{pw}", f"pp{pp}",
             f"d{d}|p{t.pos_}", f"d{d}|pw{pw}", f"p{t.pos_}|pp{pp}", f"ss{t.is_sent_start}", side,
             f"{side}|dep{t.dep_}", f"k{f.kind}|d{d}"]
    feats += [f"e{e}" for e in _edges(t, f.cue)]
    return feats


def end_features(doc: Doc, i: int, last: int, f) -> list[str]:
    """Features of content ending at token i, when the rules end it at token `last`."""
    t = doc[i]
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    nn = doc[i + 2] if i + 2 < len(doc) else None
    d = i - last
    nw = _word(nxt) if nxt is not None else "</s>"
    np_ = nxt.pos_ if nxt is not None else "</s>"
    nnw = nn.lemma_.lower() if nn is not None else "</s>"
    nnp = nn.pos_ if nn is not None else "</s>"
    rule = str(f.rule)
    side = _cue_side(t, f.cue)
    feats = [f"d{d}", f"r{rule}|d{d}", f"w{_word(t)}", f"p{t.pos_}", f"dep{t.dep_}", f"nw{nw}", f"np{np_}",
             f"nnw{nnw}", f"nw{nw}|nnp{nnp}", f"d{d}|p{t.pos_}", f"d{d}|nw{nw}", f"p{t.pos_}|np{np_}",
             f"se{nxt is None or nxt.is_sent_start}", side, f"{side}|dep{t.dep_}", f"k{f.kind}|d{d}"]
    feats += [f"e{e}" for e in _edges(t, f.cue)]
    return feats


def trimmed(doc: Doc, start: int, end: int) -> tuple[int | None, int | None]:
    """Return the characters of tokens start..end without the punctuation and `that` the rules leave out too
    (a content reads `the talks would continue`, not `that the talks would continue.`)."""
    span = trimmed_tokens(doc, start, end)
    if span is None:
        return None, None
    return doc[span[0]].idx, doc[span[1]].idx + len(doc[span[1]])


def trimmed_tokens(doc: Doc, start: int, end: int) -> tuple[int, int] | None:
    while start <= end and (doc[start].is_space or doc[start].is_punct or
                            (doc[start].lower_ == "that" and doc[start].dep_ == "mark")):
        start += 1
    while end >= start and (doc[end].is_space or (doc[end].is_punct and doc[end].text[-1] not in CLOSERS)):
        end -= 1
    return (start, end) if start <= end else None

"""The learned part of claim extraction: where a reported claim's content starts and ends.

The rules of `claims.py` find a claim, its cue and a first guess at its content
(the cue's complement in the parse). PolNeAR's annotators often draw the
content elsewhere: a clause the parser hung on another word, a sentence after
the complement that goes on with what was said, a subordinate clause the
subtree drags in. Two ranking models (averaged perceptrons over hashed
features of the parse) pick the first and the last token of the content among
the tokens around the rules' guess, each knowing the rule, the cue and where
the guess was. They were trained on PolNeAR train (`make train`,
`tools/train_claims.py`); the model is `data/claims_model.json.gz`, part of
the extraction cache's fingerprint like every file of `kg/extract/`.

Only reported speech moves (the kinds `indirect` and `mixed` of the
`reported-*`, `according-to` and `agentless-*` rules): quotes keep the
boundaries of their marks, which the rules find better than a model does.
Nothing here reads or writes a file but the model, and nothing is fetched.
"""
from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Callable
from functools import cache
from pathlib import Path

import numpy
from spacy.tokens import Doc, Token

MODEL_PATH = Path(__file__).resolve().parent / "data" / "claims_model.json.gz"
BITS = 20
WINDOW = 12  # how many tokens either side of the rules' boundary a boundary may move
TASKS = ("start", "end")
MARGIN = 2.0  # how much more than the rules' own boundary the model's must score to replace it
# the rules whose content the models place; quotes, name-colon lines and quote continuations keep their marks
MOVED_PREFIXES = ("reported-", "according-to", "agentless-")
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
        ends = [i for i in end_candidates(doc, start, last) if i >= head]
        end = _choose(weights["end"], ends, last, [end_features(doc, i, last, f) for i in ends])
        a, b = trimmed(doc, start, end)
        if a is not None:
            f.start, f.end = a, b
    return found


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
    if token.head.left_edge.i == token.i:
        out.append(f"le:{token.head.dep_}")
    if token.head.right_edge.i == token.i:
        out.append(f"re:{token.head.dep_}")
    if cue is not None:
        for child in cue.children:
            if child.left_edge.i == token.i:
                out.append(f"cle:{child.dep_}")
            if child.right_edge.i == token.i:
                out.append(f"cre:{child.dep_}")
    return out


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

"""Train the content-boundary models of kg/extract/learned.py on PolNeAR train (`make train`).

    python tools/train_claims.py [--split DIR] [--docs CACHE.spacy] [--out FILE] [--limit N]

DIR holds text/*.txt and attributions/*.ann (brat; an article annotated by
several people counts once, its first file, as the PolNeAR scorer reads it).
The last HOLDOUT of the article ids (sorted) are kept out of training, to
measure what generalises. The articles are parsed with kg's own pipeline, as a
build parses them; --docs keeps the parsed Docs in a DocBin so that a second
run skips the parsing. The same data, seed and code give the same model file,
byte for byte.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import numpy

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SPLIT = ROOT.parent / "shared" / "eval" / "polnear" / "train"
HOLDOUT = 0.15
EPOCHS = 8
SEED = 0


def read_gold(split: Path) -> dict[str, tuple[list[tuple[int, int]], list[tuple[int, int]]]]:
    """Return article file name -> ((start, end) of each attribution's content (its first to its last character),
    (start, end) of each fragment of each cue)."""
    gold: dict[str, tuple[list[tuple[int, int]], list[tuple[int, int]]]] = {}
    for ann in sorted((split / "attributions").glob("*.ann")):
        name = re.sub(r"_[0-9a-f]{4}$", "", ann.stem) + ".txt"
        if name in gold:
            continue
        spans, relations = {}, []
        for line in ann.read_text(encoding="utf-8").splitlines():
            if line.startswith("T") and line.count("\t") >= 2:  # not a line of a text bound's text
                tid, mid, _ = line.split("\t", 2)
                spans[tid] = [tuple(int(x) for x in frag.split()) for frag in mid.split(" ", 1)[1].split(";")]
            elif line.startswith("E"):  # an event may name a text bound defined after it
                relations.append(dict(a.split(":") for a in line.split("\t", 1)[1].split()))
        contents = [(spans[r["Content"]][0][0], spans[r["Content"]][-1][1]) for r in relations if "Content" in r]
        cues = [frag for r in relations if "Content" in r and "Cue" in r for frag in spans[r["Cue"]]]
        gold[name] = (contents, cues)
    return gold


def parsed(split: Path, names: list[str], cache: Path | None):
    """Return (articles, docs) for the named texts, parsed by kg's pipeline (read from `cache` when it has them)."""
    from spacy.tokens import DocBin

    from kg.ingest import read_articles
    from kg.nlp import load_pipeline
    from kg.parallel import batches
    from kg.types import Article

    articles = [a for a in read_articles([split / "text" / n for n in names]) if isinstance(a, Article)]
    nlp = load_pipeline()
    if cache is not None and cache.exists():
        docs = list(DocBin().from_bytes(cache.read_bytes()).get_docs(nlp.vocab))
        by_text = {doc.text: doc for doc in docs}
        if all(a.text in by_text for a in articles):
            return articles, [by_text[a.text] for a in articles]
    docs = [doc for batch in batches(articles, 16) for doc in nlp.pipe([a.text for a in batch], batch_size=len(batch))]
    if cache is not None:
        bin_ = DocBin()
        for doc in docs:
            bin_.add(doc)
        cache.write_bytes(bin_.to_bytes())
    return articles, docs


def rule_claims(article, doc) -> list:
    """Return the rules' claims (claims.py's internal records, boundaries as the rules set them)."""
    from kg.extract import learned
    from kg.extract.claims import find_claims

    seen: list = []
    learned.observer = lambda d, found: seen.extend(found)
    try:
        find_claims(doc, article.title_start if article.title_start is not None else article.body_start,
                    article.publisher, learned=False)
    finally:
        learned.observer = None
    return seen


def examples(doc, found, contents: list[tuple[int, int]]):
    """Yield (task, candidate feature lists, index of the right candidate, index of the rules' one) for each
    reported claim that overlaps an annotated content by 0.3 or more (the scorer's match); the right boundary is
    the annotated one, trimmed as kg trims a content."""
    from kg.extract import learned as L

    for f in found:
        if not L.movable(f):
            continue
        best, gold = 0.0, None
        for a, b in contents:
            o = max(0, min(b, f.end) - max(a, f.start)) / max(b - a, f.end - f.start)
            if o >= 0.3 and o > best:
                best, gold = o, (a, b)
        rule = L.boundary_tokens(doc, f.start, f.end)
        want = L.boundary_tokens(doc, *gold) if gold else None
        want = L.trimmed_tokens(doc, *want) if want else None
        if rule is None or want is None:
            continue
        first, last = rule
        starts = L.start_candidates(doc, first, last)
        if want[0] in starts:
            yield "start", [L.start_features(doc, i, first, f) for i in starts], starts.index(want[0]), \
                starts.index(first) if first in starts else -1
        start = want[0] if want[0] in starts else first
        ends = L.end_candidates(doc, start, last)
        if want[1] in ends:
            yield "end", [L.end_features(doc, i, last, f) for i in ends], ends.index(want[1]), \
                ends.index(last) if last in ends else -1


def cue_examples(doc, cues: list[tuple[int, int]]):
    """Yield (features, +1 or -1) for each verb: whether it is (part of) an annotated cue."""
    from kg.extract import learned as L

    for t in L.cue_candidates(doc):
        yield L.cue_features(t), 1 if any(a <= t.idx < b for a, b in cues) else -1


def train_binary(data: list, epochs: int, seed: int) -> numpy.ndarray:
    """Return averaged perceptron weights for a yes/no decision (score above zero: yes)."""
    from kg.extract.learned import BITS

    w = numpy.zeros(1 << BITS, dtype=numpy.float64)
    u = numpy.zeros(1 << BITS, dtype=numpy.float64)
    c = 1
    rng = numpy.random.default_rng(seed)
    for _ in range(epochs):
        for k in rng.permutation(len(data)):
            idx, y = data[k]
            if y * w[idx].sum() <= 0:
                numpy.add.at(w, idx, y)
                numpy.add.at(u, idx, y * c)
            c += 1
    return (w - u / c).astype(numpy.float32)


def pack(candidates: list[list[str]]):
    from kg.extract.learned import hashed

    idx = [hashed(feats) for feats in candidates]
    return numpy.concatenate(idx), numpy.cumsum([0] + [len(i) for i in idx[:-1]]), idx


def train(data: list, epochs: int, seed: int) -> numpy.ndarray:
    """Return averaged ranking-perceptron weights: each mistake moves the weights from the chosen candidate's
    features to the right one's."""
    from kg.extract.learned import BITS

    w = numpy.zeros(1 << BITS, dtype=numpy.float64)
    u = numpy.zeros(1 << BITS, dtype=numpy.float64)  # the sum of c * update, for the average
    c = 1
    rng = numpy.random.default_rng(seed)
    for _ in range(epochs):
        for k in rng.permutation(len(data)):
            flat, offsets, idx, right, _ = data[k]
            guess = int(numpy.argmax(numpy.add.reduceat(w[flat], offsets)))
            if guess != right:
                for sign, j in ((1.0, right), (-1.0, guess)):
                    numpy.add.at(w, idx[j], sign)
                    numpy.add.at(u, idx[j], sign * c)
            c += 1
    return (w - u / c).astype(numpy.float32)


def accuracy(weights: numpy.ndarray, data: list) -> float:
    hits = sum(int(numpy.argmax(numpy.add.reduceat(weights[flat], offsets))) == right
               for flat, offsets, _, right, _ in data)
    return hits / max(len(data), 1)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", type=Path, default=DEFAULT_SPLIT)
    ap.add_argument("--docs", type=Path, help="a DocBin of the parsed texts, made on the first run")
    ap.add_argument("--out", type=Path, default=ROOT / "kg" / "extract" / "data" / "claims_model.json.gz")
    ap.add_argument("--limit", type=int, help="train on the first N training articles only (for tests)")
    ap.add_argument("--epochs", type=int, default=EPOCHS)
    ap.add_argument("--seed", type=int, default=SEED)
    args = ap.parse_args(argv)

    from kg.extract import learned

    t0 = time.perf_counter()
    gold = read_gold(args.split)
    names = sorted(gold)
    cut = len(names) - round(HOLDOUT * len(names))
    keep = set(names[:cut][:args.limit])
    held = set(names[cut:]) if args.limit is None else set()
    articles, docs = parsed(args.split, [n for n in names if n in keep | held], args.docs)
    data: dict[str, dict[str, list]] = {"train": {t: [] for t in learned.TASKS}, "held": {t: [] for t in learned.TASKS}}
    hashed = learned.hashed
    for article, doc in zip(articles, docs):
        name = Path(article.source).name
        part = "train" if name in keep else "held"
        contents, cues = gold[name]
        for task, candidates, right, rule in examples(doc, rule_claims(article, doc), contents):
            data[part][task].append((*pack(candidates), right, rule))
        data[part]["cue"] += [(hashed(feats), y) for feats, y in cue_examples(doc, cues)]
    weights, meta = {}, {"trained_on": f"{args.split.name}: {len(keep)} articles (the held-out last {HOLDOUT:.0%} "
                                       f"of ids excluded)", "epochs": args.epochs, "seed": args.seed}
    weights["cue"] = train_binary(data["train"]["cue"], args.epochs, args.seed)
    if data["held"]["cue"]:
        said = [(weights["cue"][idx].sum() > learned.CUE_THRESHOLD, y > 0) for idx, y in data["held"]["cue"]]
        tp = sum(p and y for p, y in said)
        print(f"cue: {len(data['train']['cue'])} training verbs; held out ({len(said)}): precision "
              f"{tp / max(sum(p for p, _ in said), 1):.3f} recall {tp / max(sum(y for _, y in said), 1):.3f}",
              file=sys.stderr)
    meta["cue_examples"] = len(data["train"]["cue"])
    for task in ("start", "end"):
        weights[task] = train(data["train"][task], args.epochs, args.seed)
        held_data = data["held"][task]
        if held_data:
            rules = sum(rule == right for *_, right, rule in held_data) / len(held_data)
            print(f"{task}: {len(data['train'][task])} training examples; held out ({len(held_data)}): exact "
                  f"boundary {accuracy(weights[task], held_data):.3f} (rules {rules:.3f})", file=sys.stderr)
        meta[f"{task}_examples"] = len(data["train"][task])
    args.out.write_bytes(learned.write_model(weights, meta))
    print(f"wrote {args.out} ({args.out.stat().st_size:,} bytes) in {time.perf_counter() - t0:.0f}s", file=sys.stderr)


if __name__ == "__main__":
    main()

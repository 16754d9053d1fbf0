"""build(): inputs -> articles -> spaCy docs -> extractions -> RDF -> analysis -> store and files on disk.

Builds are incremental and crash-safe:

- every article's extraction (the expensive spaCy step) is cached in
  `OUT/cache/extractions/<sha256>.json`, written atomically as soon as it is
  done; an article whose text (sha256) and extraction code are unchanged is
  never parsed again;
- the graph is then recomputed from all cached extractions (cheap), one
  article at a time, so memory stays flat as the corpus grows, the
  entity-level default graph always reflects every article in the store, and
  only the named graphs whose content changed are rewritten in the store, each
  in one transaction;
- a build state beside the store records what the store holds; it is marked
  dirty before the store is touched and clean after, so a build killed at any
  point is finished by the next run, and an unchanged rebuild does no work.

The library never prints: progress goes to an optional callback and the
result is a BuildReport that the CLI shows.
"""
from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import importlib.metadata
import json
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from kg.errors import KgError, OutputError
from kg.gazetteer import load_gazetteer
from kg.ingest import expand_inputs, read_articles, sample_paths
from kg.memory import fewer_collections
from kg.store import (DEFAULT_GRAPH, StoreWriter, dump_dataset, dump_union, open_store_for_writing, read_state,
                      store_id, store_path, stored_articles, to_oxigraph, to_oxigraph_triples, write_atomic, write_state)
from kg.types import Article, BuildReport, Extraction, Skipped

Progress = Callable[[int, int, str], None]  # (done, total, current source)
StopRequested = Callable[[], bool]

CACHE_DIR = "cache"
PACKAGE_DIR = Path(__file__).resolve().parent
STATE_VERSION = 1
OUTPUT_FILES = ("graph.trig", "graph.ttl", "graph.html", "report.md")


@dataclass
class IncrementalReport(BuildReport):
    """A BuildReport with what an incremental build did to the store."""

    new: int = 0  # articles not in the store before
    unchanged: int = 0  # inputs whose text the store already held
    changed: int = 0  # inputs whose text changed since the store got them (their old graph is replaced)
    kept: int = 0  # articles in the store that were not among the inputs (kept; --prune removes them)
    removed: int = 0  # article graphs removed from the store (changed or pruned)
    extracted: int = 0  # articles run through spaCy in this build
    graphs_written: int = 0  # graphs (re)written in the store
    interrupted: bool = False  # stopped on request before the store was updated
    up_to_date: bool = False  # nothing to do: the store and files already match the inputs


def build(inputs: Iterable[str | Path] = (), out_dir: str | Path = "kg-out", model: str | None = None,
          on_progress: Progress | None = None, batch_size: int = 16, prune: bool = False,
          should_stop: StopRequested | None = None, jobs: int = 1,
          scheduler: str | None = None) -> IncrementalReport:
    """Build the knowledge graph of `inputs` (the bundled samples when empty) into out_dir; return what happened.

    Articles already in the store are kept unless `prune`; an input whose text
    changed replaces its old article. When `should_stop()` turns true the
    build stops after the current article, with every finished extraction
    cached and the store untouched (report.interrupted).
    """
    inputs = list(inputs)
    paths, not_articles = expand_inputs(inputs) if inputs else (sample_paths(), [])
    out = Path(out_dir)
    report = IncrementalReport(out_dir=str(out), skipped=not_articles)
    publishers = load_gazetteer().news_outlets

    current: list[Article] = []
    seen: dict[str, str] = {}
    for item in read_articles(paths, publishers):
        if isinstance(item, Skipped):
            report.skipped.append(item)
        elif item.sha256 in seen:
            report.skipped.append(Skipped(item.source, f"same text as {seen[item.sha256]}"))
        else:
            seen[item.sha256] = item.source
            current.append(item)
            report.warnings += [f"{item.source}: {warning}" for warning in item.warnings]

    out.mkdir(parents=True, exist_ok=True)
    lease = _Lease(open_store_for_writing(out))
    try:
        return _build_into(lease, out, current, report, model, on_progress, batch_size, prune, should_stop,
                           jobs, scheduler)
    finally:
        lease.release()
        # pyparsing (under rdflib's SPARQL parser) leaves tracebacks in reference cycles that hold the
        # build's frames, and with them the store's lock and the whole dataset, until the collector runs.
        gc.collect()


class _Lease:
    """Holds the open store; release() drops it, which closes it and frees its lock.

    Only this object refers to the store, so a frame kept alive by some
    library's reference cycle cannot keep the store locked after the build.
    """

    def __init__(self, store):
        self.store = store

    def release(self) -> None:
        self.store = None


def _build_into(lease: _Lease, out: Path, current: list[Article], report: IncrementalReport, model: str | None,
                on_progress: Progress | None, batch_size: int, prune: bool,
                should_stop: StopRequested | None, jobs: int = 1, scheduler: str | None = None) -> IncrementalReport:
    fingerprint = extraction_fingerprint(model)
    cache = ExtractionCache(out / CACHE_DIR / "extractions", fingerprint)
    stored = stored_articles(lease.store)  # sha256 -> (graph IRI, source)

    # Which articles the graph holds after this build.
    final: dict[str, Article] = {a.sha256: a for a in current}
    current_sources = {a.source for a in current}
    stored_sources = {source for _, source in stored.values()}
    for sha, (_, source) in stored.items():
        if sha in final:
            continue
        if prune or source in current_sources:
            report.removed += 1
            continue
        article = cache.article(sha)
        if article is None:
            report.skipped.append(Skipped(source, "in the store but its cached extraction is gone; "
                                                  "build it again from its input to keep it"))
            report.removed += 1
            continue
        final[sha] = article
        report.kept += 1
    for article in current:
        if article.sha256 in stored:
            report.unchanged += 1
        else:
            report.new += 1
            report.changed += article.source in stored_sources

    # Nothing to do when the store was last left clean by a build of the same articles with the same code.
    folder = store_path(out)
    state = read_state(folder)
    key = _state_key(sorted(final.values(), key=lambda a: (a.source, a.sha256)), report.skipped, fingerprint)
    files = {name: str(out / name) for name in OUTPUT_FILES}
    if (state.get("clean") and state.get("key") == key and state.get("version") == STATE_VERSION
            and all(Path(p).is_file() for p in files.values())):
        for name in ("articles", "claims", "supplies", "entities", "triples"):
            setattr(report, name, state.get(name, 0))
        report.skipped += [Skipped(source, reason) for source, reason in state.get("failed", [])]
        report.files = files
        report.up_to_date = True
        cache.prune(final)
        return report

    # The expensive step: spaCy, only for articles without a fresh cached extraction. Extractions go to
    # the cache as they come and are read back one at a time below, so they never all sit in memory.
    failed: list[Skipped] = []
    todo = [article for sha, article in sorted(final.items(), key=lambda kv: (kv[1].source, kv[0]))
            if not cache.has(sha)]
    if todo:
        # spaCy is imported and loaded only when something needs parsing: an unchanged rebuild stays fast.
        from kg.parallel import Failure, extract_articles

        outcomes = extract_articles(todo, model, batch_size, jobs=jobs, scheduler=scheduler)
        for n, (article, ex) in enumerate(outcomes, 1):
            if isinstance(ex, Failure):
                failed.append(Skipped(article.source, ex.reason))
                final.pop(article.sha256)
            else:
                cache.save(ex)
                report.extracted += 1
            if on_progress:
                on_progress(n, len(todo), article.source)
            if should_stop and should_stop() and n < len(todo):
                report.interrupted = True
                return report

    report.skipped += failed
    order = [a.sha256 for a in sorted(final.values(), key=lambda a: (a.source, a.sha256))]

    def extractions() -> Iterator[Extraction]:
        for sha in order:
            ex = cache.load(sha)
            if ex is None:
                raise KgError(f"the cached extraction of {final[sha].source} vanished during the build "
                              f"(is another build using {out}?); run the build again")
            yield replace(ex, article=final[sha])  # metadata (title, source) as read now

    report.articles = len(order)
    with fewer_collections():
        return _write_graphs(lease, out, extractions, report, state, key, files, final, failed, cache)


def _write_graphs(lease: _Lease, out: Path, extractions: Callable[[], Iterator[Extraction]],
                  report: IncrementalReport, state: dict, key: str, files: dict, final: dict, failed: list,
                  cache: ExtractionCache) -> IncrementalReport:
    """The graph stage: resolve, write every article's graph and the entities, analyse, export."""
    from kg.analyze import EntityNetwork, analyze, write_back
    from kg.rdf import article_graph, entity_graph, supply_events
    from kg.render import PageFacts, to_html
    from kg.report import to_markdown
    from kg.resolve import Resolver, resolve

    folder = store_path(out)
    known = state.get("digests") if state.get("clean") and state.get("version") == STATE_VERSION else None
    # Dirty while the store changes: a crash from here on makes the next build check every graph.
    identity = store_id(state)
    write_state(folder, {"version": STATE_VERSION, "clean": False, "store_id": identity})
    # Article by article into the store: only the entities, the analysis' entity graph and one article's
    # RDF are in memory at a time, however big the corpus.
    resolver = Resolver(extractions())
    with StoreWriter(lease.store, known) as writer, _on_store_failure(folder):  # the thread stops on failure
        network, facts = EntityNetwork(), PageFacts()
        events = []
        for ex in extractions():
            try:
                graph = article_graph(resolve(ex, resolver))
            except Exception as exc:  # one article never stops a build: it is skipped, here and on every rerun
                failed.append(Skipped(ex.article.source, f"could not be turned into RDF: {describe(exc)}"))
                report.skipped.append(failed[-1])
                report.articles -= 1
                continue
            report.claims += len(ex.claims)
            report.supplies += len(ex.supplies)
            network.add(graph)
            facts.add(graph)
            events += supply_events(graph)
            triples = to_oxigraph_triples(graph)
            report.triples += len(triples)
            writer.put(to_oxigraph(graph.identifier), triples)
        entities = entity_graph(resolver, events)
        network.add(entities)
        facts.add(entities)
        analysis = analyze(network.finish())
        write_back(entities, analysis)  # the metrics, so SPARQL can read them
        triples = to_oxigraph_triples(entities)
        report.triples += len(triples)
        writer.put(DEFAULT_GRAPH, triples)
        del entities, triples
        result = writer.finish()
    report.entities = len(resolver.entities)
    report.graphs_written = len(result.written)
    lease.store.flush()
    report.files = files
    # oxigraph serializes and answers queries outside the GIL, so the two exports and the report's
    # queries run in threads beside the page.
    with ThreadPoolExecutor(max_workers=3) as pool, _on_file_failure(folder):
        exported = [pool.submit(dump_dataset, lease.store, out / "graph.trig"),
                    pool.submit(dump_union, lease.store, out / "graph.ttl")]
        markdown = pool.submit(to_markdown, report, lease.store, analysis, resolver)
        summary = (f"{report.articles} articles, {report.claims} claims, {report.supplies} supplies, "
                   f"{report.entities} entities.")
        write_atomic(out / "graph.html", to_html(analysis, summary=summary, graph=facts).encode("utf-8"))
        write_atomic(out / "report.md", markdown.result().encode("utf-8"))
        for export in exported:
            export.result()
    write_state(folder, {"version": STATE_VERSION, "clean": True, "store_id": identity, "key": key, "digests": result.digests,
                         "articles": report.articles, "claims": report.claims, "supplies": report.supplies,
                         "entities": report.entities, "triples": report.triples,
                         "failed": [[s.source, s.reason] for s in failed]})
    cache.prune(final)
    return report


def describe(exc: BaseException) -> str:
    """Return an exception as one line: its type and message."""
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


@contextlib.contextmanager
def _on_store_failure(folder: Path):
    """Turn a failed store write (disk full) into one OutputError that says what the store still holds."""
    try:
        yield
    except OSError as exc:
        raise OutputError(f"cannot write the store {folder}: {exc.strerror or exc}; it keeps its last finished "
                          f"build's articles and this build's cached extractions, so run the build again once "
                          f"the disk has room") from exc


@contextlib.contextmanager
def _on_file_failure(folder: Path):
    """Say, when an output file cannot be written, that the store itself is complete."""
    try:
        yield
    except OutputError as exc:
        raise OutputError(f"{exc}; the store {folder} holds the whole graph (kg query and kg export work), "
                          f"run the build again to write the files") from exc


def _state_key(articles: list[Article], skipped: list[Skipped], fingerprint: str) -> str:
    # Everything the files depend on: which articles (and their metadata), what was skipped, and the code.
    h = hashlib.sha256(fingerprint.encode())
    h.update(_tree_digest([PACKAGE_DIR]).encode())
    for article in articles:
        h.update(json.dumps(dataclasses.asdict(article), sort_keys=True).encode("utf-8"))
    for s in skipped:
        h.update(f"{s.source}\x00{s.reason}\n".encode("utf-8"))
    return h.hexdigest()


# ------------------------------------------------------------------ extraction cache


def extraction_fingerprint(model: str | None = None) -> str:
    """Return a fingerprint of everything an extraction depends on: the code, its data files and the spaCy model."""
    from kg.vocab import ontology_dir

    # Without --model the pipeline picks an installed en_core_web_* model, so all of them count.
    wanted = model.lower().replace("_", "-") if model else None
    versions = []
    for dist in importlib.metadata.distributions():
        dist_name = (dist.metadata["Name"] or "").lower().replace("_", "-")
        if dist_name.startswith(("spacy", "en-core-web")) or dist_name == wanted:
            versions.append(f"{dist_name}={dist.version}")
    versions.sort()
    name = model or "default"
    upstream = [PACKAGE_DIR / f for f in ("ingest.py", "nlp.py", "gazetteer.py", "types.py")]
    upstream += [PACKAGE_DIR / "extract", PACKAGE_DIR / "data", ontology_dir()]
    return hashlib.sha256(f"{name}|{'|'.join(versions)}|{_tree_digest(upstream)}".encode()).hexdigest()


def _tree_digest(roots: list[Path]) -> str:
    h = hashlib.sha256()
    for root in roots:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file()
                                                      and "__pycache__" not in p.parts and p.suffix != ".pyc")
        for path in files:
            h.update(str(path.relative_to(PACKAGE_DIR.parent) if path.is_relative_to(PACKAGE_DIR.parent)
                         else path.name).encode())
            h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


class ExtractionCache:
    """Extractions on disk, one JSON file per article keyed by the sha256 of its text."""

    def __init__(self, folder: Path, fingerprint: str):
        self.folder = folder
        self.fingerprint = fingerprint

    def _path(self, sha: str) -> Path:
        return self.folder / f"{sha}.json"

    def _read(self, sha: str) -> dict | None:
        try:
            return json.loads(self._path(sha).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def has(self, sha: str) -> bool:
        """Return whether a fresh extraction of the article is cached (made by this code)."""
        data = self._read(sha)
        return bool(data) and data.get("fingerprint") == self.fingerprint and "extraction" in data

    def load(self, sha: str) -> Extraction | None:
        """Return the cached extraction of an article, or None when missing, unreadable or made by other code."""
        data = self._read(sha)
        if not data or data.get("fingerprint") != self.fingerprint:
            return None
        try:
            return decode(Extraction, data["extraction"])
        except (KeyError, TypeError, ValueError):
            return None

    def article(self, sha: str) -> Article | None:
        """Return the article (text and metadata) of any cached extraction, fresh or stale."""
        data = self._read(sha)
        try:
            return decode(Article, data["extraction"]["article"]) if data else None
        except (KeyError, TypeError, ValueError):
            return None

    def save(self, ex: Extraction) -> None:
        """Write one extraction atomically."""
        self.folder.mkdir(parents=True, exist_ok=True)
        data = {"fingerprint": self.fingerprint, "extraction": ex}
        # default=vars writes each dataclass as the dict of its fields, as dataclasses.asdict would, without
        # asdict's deep copy (three times slower).
        write_atomic(self._path(ex.article.sha256),
                     json.dumps(data, ensure_ascii=False, default=vars).encode("utf-8"))

    def prune(self, keep: Iterable[str]) -> None:
        """Remove cached extractions of articles no longer in the graph, and temporary files of killed builds."""
        if not self.folder.is_dir():
            return
        keep = set(keep)
        for path in self.folder.iterdir():
            if path.name.startswith(".") and path.name.endswith(".tmp") or (
                    path.suffix == ".json" and path.stem not in keep):
                path.unlink(missing_ok=True)


def decode(cls, value):
    """Return an instance of dataclass `cls` from its `dataclasses.asdict` form (as read back from JSON)."""
    return _decoder(cls)(value)


@functools.cache
def _decoder(hint) -> Callable:
    """Return a function that turns the JSON form of a value of type `hint` back into that type.

    Built once per type: a build decodes every cached extraction twice, and
    working the type hints out again for each of their million values cost
    seconds on a corpus of 840 articles.
    """
    if dataclasses.is_dataclass(hint):
        hints = typing.get_type_hints(hint)
        fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(hint)]
        plain = [name for name, convert in fields if convert is _as_is]
        converted = [(name, convert) for name, convert in fields if convert is not _as_is]

        def from_json(value, cls=hint):
            kwargs = {name: value[name] for name in plain if name in value}
            for name, convert in converted:
                if name in value:
                    v = value[name]
                    kwargs[name] = None if v is None else convert(v)
            return cls(**kwargs)
        return from_json
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return _decoder(options[0]) if len(options) == 1 else _as_is
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return tuple if item is _as_is else lambda value: tuple(_or_none(item, v) for v in value)
        items = [_decoder(a) for a in args]
        return lambda value: tuple(_or_none(convert, v) for convert, v in zip(items, value))
    if origin is list:
        item = _decoder(args[0])
        return list if item is _as_is else lambda value: [_or_none(item, v) for v in value]
    return _as_is


def _as_is(value):
    return value


def _or_none(convert, value):
    return None if value is None else convert(value)

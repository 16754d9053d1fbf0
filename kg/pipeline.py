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
import itertools
import json
import re
import sys
import types
import typing
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from kg.errors import KgError, OutputError, describe
from kg.gazetteer import load_gazetteer
from kg.ingest import expand_inputs, read_articles, sample_paths
from kg.memory import fewer_collections
from kg.store import (StoreWriter, clean_state, dump_dataset, dump_union, open_store_for_writing,
                      store_changes, store_path, stored_articles, to_oxigraph, to_oxigraph_triples, write_atomic)
from kg.types import Article, BuildReport, Extraction, Skipped

Progress = Callable[[int, int, str], None]  # (done, total, current source)
StopRequested = Callable[[], bool]

CACHE_DIR = "cache"
PACKAGE_DIR = Path(__file__).resolve().parent
OUTPUT_FILES = ("graph.trig", "graph.ttl", "graph.html", "report.md")
TIMELINE_FILE = "timeline.png"  # beside report.md, which links it; written when the dated events span two weeks
TABLES_ENTRY = "tables/"  # report.files: the folder of the tables (kg.tables), written with the files


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
          scheduler: str | None = None, keep_government_bodies: bool = False) -> IncrementalReport:
    """Build the knowledge graph of `inputs` (the bundled samples when empty) into out_dir; return what happened.

    Articles already in the store are kept unless `prune`; an input whose text
    changed replaces its old article. When `should_stop()` turns true the
    build stops after the current article, with every finished extraction
    cached and the store untouched (report.interrupted). A national government
    body (the Pentagon, a defence ministry) is folded into its country's node
    unless `keep_government_bodies` (kg.resolve.Resolver).
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
        plan = plan_build(out, current, stored_articles(lease.store), report.skipped, model=model, prune=prune,
                          keep_government_bodies=keep_government_bodies)
        for name in ("new", "unchanged", "changed", "kept", "removed"):
            setattr(report, name, getattr(plan, name))
        report.skipped = plan.skipped
        if plan.up_to_date:
            return _up_to_date(plan, report)
        extract_missing(plan, report, on_progress=on_progress, should_stop=should_stop, batch_size=batch_size,
                        jobs=jobs, scheduler=scheduler)
        if report.interrupted:
            return report
        current.clear()
        plan.forget_texts()
        with fewer_collections():
            return write_graphs(plan, lease, report)
    finally:
        if lease.release():
            # A library's reference cycle (pyparsing's tracebacks, under rdflib's SPARQL parser) holds the store
            # and its lock until the collector runs: run it now. Without one, it cost 0.1 s of a 2-article build.
            gc.collect()


class _Lease:
    """Holds the open store; release() drops it, which closes it and frees its lock.

    Only this object refers to the store, so a frame kept alive by some
    library's reference cycle cannot keep the store locked after the build.
    """

    def __init__(self, store):
        self.store = store

    def release(self) -> bool:
        """Drop the store; return whether something else still refers to it (only a reference cycle can)."""
        held = self.store is not None and sys.getrefcount(self.store) > 2  # this attribute and the call's argument
        self.store = None
        return held


@dataclass
class BuildPlan:
    """What a build is to do: the articles its graph holds, and what the last build left to compare them with."""

    out: Path
    model: str | None
    cache: ExtractionCache
    articles: dict[str, Article]  # sha256 -> article: the inputs and the stored articles kept (texts dropped once extracted)
    key: str  # digest of everything the output depends on: the articles, what was skipped, the code
    files: dict[str, str]  # output file name -> path
    last: dict  # the state the last build left when it finished, else {} (kg.store.clean_state)
    skipped: list[Skipped] = field(default_factory=list)  # inputs left out so far, and why
    failed: list[Skipped] = field(default_factory=list)  # articles this build could not use (extraction, RDF)
    new: int = 0
    unchanged: int = 0
    changed: int = 0
    kept: int = 0
    removed: int = 0
    keep_government_bodies: bool = False  # each body its own Organization kg:partOf its country, not folded

    @property
    def known(self) -> dict[str, str] | None:
        """Return the digests of the graphs the store holds, when the last build finished (else check all)."""
        return self.last.get("digests") if self.last else None

    @property
    def up_to_date(self) -> bool:
        """Return whether the last build finished with the same articles and code, and its files are there."""
        from kg.tables import tables_key

        return (bool(self.last) and self.last.get("key") == self.key
                and all(Path(p).is_file() for name, p in self.files.items() if name != TABLES_ENTRY)
                and tables_key(self.out) == self.key)

    def ordered(self) -> list[Article]:
        """Return the articles of the graph in the order the build walks them: by source, then text."""
        return sorted(self.articles.values(), key=lambda a: (a.source, a.sha256))

    def extractions(self) -> Iterator[Extraction]:
        """Yield each article's cached extraction, in order, one at a time, with its metadata as read now."""
        for article in self.ordered():
            ex = self.cache.load(article.sha256)
            if ex is None:
                raise KgError(f"the cached extraction of {article.source} vanished during the build "
                              f"(is another build using {self.out}?); run the build again")
            yield replace(ex, article=replace(article, text=ex.article.text))  # the same text: the same sha256

    def forget_texts(self) -> None:
        """Drop the articles' texts once all are extracted: `extractions` reads each back from the cache.

        At 8,400 articles the texts are 44 M characters, held through the whole graph stage otherwise.
        """
        self.articles = {sha: replace(article, text="") for sha, article in self.articles.items()}


def plan_build(out: Path, current: list[Article], stored: dict[str, tuple[str, str]], skipped: list[Skipped],
               model: str | None = None, prune: bool = False, keep_government_bodies: bool = False) -> BuildPlan:
    """Return the plan of a build of `current` into `out`, whose store holds `stored` (sha256 -> (graph, source)).

    A stored article that is not among the inputs is kept unless `prune`, or
    unless an input with its source replaced it; `skipped` lists the inputs
    already left out.
    """
    fingerprint = extraction_fingerprint(model)
    cache = ExtractionCache(out / CACHE_DIR / "extractions", fingerprint)
    final: dict[str, Article] = {a.sha256: a for a in current}
    skipped = list(skipped)
    kept = removed = 0
    current_sources = {a.source for a in current}
    stored_sources = {source for _, source in stored.values()}
    for sha, (_, source) in stored.items():
        if sha in final:
            continue
        if prune or source in current_sources:
            removed += 1
            continue
        article = cache.article(sha)
        if article is None:
            skipped.append(Skipped(source, "in the store but its cached extraction is gone; "
                                           "build it again from its input to keep it"))
            removed += 1
            continue
        final[sha] = article
        kept += 1
    unchanged = sum(a.sha256 in stored for a in current)
    changed = sum(a.sha256 not in stored and a.source in stored_sources for a in current)
    key = _state_key(sorted(final.values(), key=lambda a: (a.source, a.sha256)), skipped,
                     fingerprint + ("|government bodies kept" if keep_government_bodies else ""))
    return BuildPlan(out, model, cache, final, key, files={**{name: str(out / name) for name in OUTPUT_FILES},
                                                                TABLES_ENTRY: str(out / "tables")},
                     last=clean_state(store_path(out)) or {}, skipped=skipped, new=len(current) - unchanged,
                     unchanged=unchanged, changed=changed, kept=kept, removed=removed,
                     keep_government_bodies=keep_government_bodies)


def _up_to_date(plan: BuildPlan, report: IncrementalReport) -> IncrementalReport:
    """Return the report of a build with nothing to do: the last build's counts, as its state recorded them."""
    for name in ("articles", "claims", "supplies", "entities", "triples"):
        setattr(report, name, plan.last.get(name, 0))
    report.skipped += [Skipped(source, reason) for source, reason in plan.last.get("failed", [])]
    report.files = plan.files
    if (plan.out / TIMELINE_FILE).is_file():
        report.files = {**plan.files, TIMELINE_FILE: str(plan.out / TIMELINE_FILE)}
    report.up_to_date = True
    plan.cache.prune(plan.articles)
    return report


def extract_missing(plan: BuildPlan, report: IncrementalReport, *, on_progress: Progress | None = None,
                    should_stop: StopRequested | None = None, batch_size: int = 16, jobs: int = 1,
                    scheduler: str | None = None) -> None:
    """Run spaCy over the plan's articles that have no fresh cached extraction, caching each as it comes.

    The expensive step. Extractions go to the cache as they come and are read
    back one at a time by write_graphs, so they never all sit in memory. An
    article that fails leaves the plan for plan.failed; when `should_stop()`
    turns true this returns after the current article with report.interrupted.
    """
    todo = [article for article in plan.ordered() if not plan.cache.has(article.sha256)]
    if todo:
        # spaCy is imported and loaded only when something needs parsing: an unchanged rebuild stays fast.
        from kg.parallel import Failure, extract_articles

        outcomes = extract_articles(todo, plan.model, batch_size, jobs=jobs, scheduler=scheduler)
        for n, (article, ex) in enumerate(outcomes, 1):
            if isinstance(ex, Failure):
                plan.failed.append(Skipped(article.source, ex.reason))
                plan.articles.pop(article.sha256)
            else:
                plan.cache.save(ex)
                report.extracted += 1
            if on_progress:
                on_progress(n, len(todo), article.source)
            if should_stop and should_stop() and n < len(todo):
                report.interrupted = True
                return
    report.skipped += plan.failed


def write_graphs(plan: BuildPlan, lease: _Lease, report: IncrementalReport) -> IncrementalReport:
    """Return the report of the graph stage: resolve, write every article's graph and the entities, analyse, export.

    The store comes in its lease (see _Lease), which this never copies out.
    """
    from kg.analyze import GraphFacts, analyze, write_back
    from kg.rdf import add_lifecycles, article_graph, cluster_triples, entity_graph, supply_events
    from kg.render import write_html
    from kg.report import to_markdown
    from kg.resolve import Resolver, resolve
    from kg.tables import TableWriter
    from kg.timeline import draw, timeline

    out, failed = plan.out, plan.failed
    folder = store_path(out)
    report.articles = len(plan.articles)
    # Dirty while the store changes: a crash from here on makes the next build check every graph.
    with store_changes(folder) as record, contextlib.ExitStack() as cleanup:
        # Article by article into the store: only the entities, the analysis' entity graph and one article's
        # RDF are in memory at a time, however big the corpus.
        resolver = Resolver(plan.extractions(), fold_government_bodies=not plan.keep_government_bodies)
        tables = cleanup.enter_context(TableWriter(out))  # rows of the same graphs, staged as they come
        with StoreWriter(lease.store, plan.known) as writer, _explained(OSError, lambda exc: (
                f"cannot write the store {folder}: {exc.strerror or exc}; it keeps its last finished build's "
                f"articles and this build's cached extractions, so run the build again once the disk has room")):
            facts = GraphFacts()  # what the analysis and the page need, read once from each graph
            events = []
            for ex in plan.extractions():
                try:
                    graph = article_graph(resolve(ex, resolver))
                except Exception as exc:  # one article never stops a build: it is skipped, here and on every rerun
                    failed.append(Skipped(ex.article.source, f"could not be turned into RDF: {describe(exc)}"))
                    report.skipped.append(failed[-1])
                    report.articles -= 1
                    continue
                report.claims += len(ex.claims)
                report.supplies += len(ex.supplies)
                facts.add(graph)
                tables.add_article(graph)
                events += supply_events(graph)
                triples = to_oxigraph_triples(graph)
                report.triples += len(triples)
                writer.put(to_oxigraph(graph.identifier), triples)
            entities = entity_graph(resolver, events)
            facts.add(entities)
            analysis = analyze(facts)
            write_back(entities, analysis)  # the metrics, so SPARQL can read them
            add_lifecycles(entities, analysis.lifecycles)  # the order of each record's stages, and contradictions
            tables.add_entities(entities)
            tables.add_lifecycles(analysis.lifecycles)
            tables.add_clusters(analysis.clusters)
            # The quote clusters (statements reported in several articles, kg.lineage) go to the store straight
            # from the analysis: in the entity graph's index they held 135 MB at 8,400 articles.
            report.triples += writer.put_default(lambda: itertools.chain(entities, cluster_triples(analysis.clusters)))
            del entities
            result = writer.finish()
        report.entities = len(resolver.entities)
        report.graphs_written = len(result.written)
        lease.store.flush()
        report.files = plan.files
        # oxigraph serializes and answers queries outside the GIL, so the two exports and the report's
        # queries run in threads beside the page; so do DuckDB's tables.
        with ThreadPoolExecutor(max_workers=4) as pool, _explained(OutputError, lambda exc: (
                f"{exc}; the store {folder} holds the whole graph (kg query and kg export work), run the build "
                f"again to write the files")):
            exported = [pool.submit(dump_dataset, lease.store, out / "graph.trig"),
                        pool.submit(dump_union, lease.store, out / "graph.ttl", expected=report.triples)]
            # One picture for both: the file beside report.md, and the page's copy inline (it works offline).
            chart = timeline(analysis.facts)
            picture = draw(chart) if chart.drawable else None
            tables_written = pool.submit(tables.finish, plan.key)
            exported.append(tables_written)

            def report_md() -> str:
                # Its listings come from the tables once they are written (the store sorts every claim to
                # give the first 500 rows): it waits for them in its own thread, beside the others.
                tables_written.result()
                return to_markdown(report, lease.store, analysis, resolver, chart, tables=tables.folder)

            markdown = pool.submit(report_md)
            summary = (f"{report.articles} articles, {report.claims} claims, {report.supplies} supplies, "
                       f"{report.entities} entities.")
            # The page waits for the tables: DuckDB's 128 MB and the page's rows at once were the build's peak
            # (835 MB at 8,400 articles, against 713 MB one after the other); the exports still run beside both.
            tables_written.result()
            write_html(out / "graph.html", analysis, summary=summary, timeline=picture,
                       timeline_caption=chart.caption())
            if picture is not None:
                write_atomic(out / TIMELINE_FILE, picture)
                report.files = {**plan.files, TIMELINE_FILE: str(out / TIMELINE_FILE)}
            else:  # nothing to draw over time: no picture, and none left from an earlier build
                (out / TIMELINE_FILE).unlink(missing_ok=True)
            write_atomic(out / "report.md", markdown.result().encode("utf-8"))
            for export in exported:
                export.result()
        record.update(key=plan.key, digests=result.digests, articles=report.articles, claims=report.claims,
                      supplies=report.supplies, entities=report.entities, triples=report.triples,
                      failed=[[s.source, s.reason] for s in failed])
    plan.cache.prune(plan.articles)
    return report


@contextlib.contextmanager
def _explained(caught: type[Exception], explain: Callable[[Exception], str]):
    """Turn a failed write (disk full, no permission) into one OutputError that says what is still usable."""
    try:
        yield
    except caught as exc:
        raise OutputError(explain(exc)) from exc


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


# The package's modules an extraction runs (besides kg/extract/): a change to any of them makes every cached
# extraction stale (tests/test_incremental.py checks the list against what kg.nlp and kg.extract import).
EXTRACTION_MODULES = ("ingest.py", "nlp.py", "entity_types.py", "gazetteer.py", "types.py", "errors.py", "vocab.py")


def extraction_fingerprint(model: str | None = None) -> str:
    """Return a fingerprint of everything an extraction depends on: the code, its data files and the spaCy model."""
    from kg.vocab import ontology_dir

    # Without --model the pipeline picks an installed en_core_web_* model, so all of them count.
    wanted = model.lower().replace("_", "-") if model else None
    versions = []
    for dist in importlib.metadata.distributions():
        dist_name = _distribution_name(dist).lower().replace("_", "-")
        if dist_name.startswith(("spacy", "en-core-web")) or dist_name == wanted:
            versions.append(f"{dist_name}={dist.version}")
    versions.sort()
    name = model or "default"
    upstream = [PACKAGE_DIR / f for f in EXTRACTION_MODULES]
    upstream += [PACKAGE_DIR / "extract", PACKAGE_DIR / "data", ontology_dir()]
    return hashlib.sha256(f"{name}|{'|'.join(versions)}|{_tree_digest(upstream)}".encode()).hexdigest()


def _distribution_name(dist: importlib.metadata.Distribution) -> str:
    """Return a distribution's name from the Name line of its metadata file.

    `dist.metadata` parses the whole file as an email message, long
    description and all: for the 130-odd installed distributions that took
    0.17 s of every build.
    """
    text = dist.read_text("METADATA") or dist.read_text("PKG-INFO") or ""
    found = re.search(r"^Name:[ \t]*(\S+)", text, re.MULTILINE)
    return found.group(1) if found else (dist.metadata["Name"] or "")


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

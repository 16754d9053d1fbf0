"""Run spaCy and extraction over many articles: in this process, in N local processes, or on a Dask cluster.

Each worker loads the pipeline once and handles articles in chunks; results
come back in input order, so serial, `--jobs N` and Dask builds of the same
input give the same extractions (and so isomorphic graphs). A worker never
raises for one bad article: it returns the error for that article, and the
build reports it and goes on.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from kg.errors import KgError
from kg.memory import keep_out_of_collections
from kg.types import Article, Extraction

_WORKER_NLP = {}  # model name -> pipeline, one per worker process


@dataclass(frozen=True)
class Failure:
    """Why one article could not be extracted."""

    reason: str


def extract_articles(articles: list[Article], model: str | None = None, batch_size: int = 16, jobs: int = 1,
                     scheduler: str | None = None) -> Iterator[tuple[Article, Extraction | Failure]]:
    """Yield (article, its Extraction or a Failure) for every article, in input order."""
    if not articles:
        return
    chunks = batches(articles, batch_size)
    if scheduler:
        results = _on_dask(chunks, model, batch_size, scheduler)
    elif jobs > 1:
        results = _on_processes(chunks, model, batch_size, jobs)
    else:
        results = (extract_chunk(chunk, model, batch_size) for chunk in chunks)
    for chunk, outcomes in zip(chunks, results):
        yield from zip(chunk, outcomes)


MAX_BATCH_CHARS = 50_000  # spaCy's memory peak follows the length of a batch's texts, not its count of articles


def batches(articles: list[Article], batch_size: int, max_chars: int = MAX_BATCH_CHARS) -> list[list[Article]]:
    """Split articles, in order, into batches of at most batch_size articles and max_chars characters.

    An article longer than max_chars is a batch of its own. On 840 articles of
    news, batches of 16 articles peaked at 580 MB in bare spaCy and batches cut
    at 50,000 characters at 335 MB, as fast.
    """
    out: list[list[Article]] = []
    batch: list[Article] = []
    chars = 0
    for article in articles:
        if batch and (len(batch) >= batch_size or chars + len(article.text) > max_chars):
            out.append(batch)
            batch, chars = [], 0
        batch.append(article)
        chars += len(article.text)
    if batch:
        out.append(batch)
    return out


def extract_chunk(chunk: list[Article], model: str | None, batch_size: int) -> list[Extraction | Failure]:
    """Return the extraction (or failure) of each article of a chunk, loading the pipeline once per process."""
    from kg.extract import extract
    from kg.nlp import load_pipeline

    key = model or ""
    if key not in _WORKER_NLP:
        _WORKER_NLP[key] = load_pipeline(model)
        keep_out_of_collections()  # the model's objects live as long as the process: the collector need not walk them
    nlp = _WORKER_NLP[key]
    fits = [a for a in chunk if len(a.text) <= nlp.max_length]
    done = {}
    for article, doc in zip(fits, nlp.pipe((a.text for a in fits), batch_size=batch_size)):
        try:
            done[article.sha256] = extract(doc, article)
        except Exception as exc:  # one broken article must not sink the batch
            done[article.sha256] = Failure(f"extraction failed: {type(exc).__name__}: {exc}")
    too_long = Failure(f"too long for the spaCy pipeline ({nlp.max_length:,} characters at most); split the article")
    return [done.get(a.sha256, too_long) for a in chunk]


def _on_processes(chunks, model, batch_size, jobs) -> Iterator[list]:
    import multiprocessing

    # fork shares the loaded code pages; each process still loads its own pipeline once
    context = multiprocessing.get_context("fork")
    with context.Pool(processes=jobs) as pool:
        yield from pool.imap(_chunk_task, [(chunk, model, batch_size) for chunk in chunks])


def _chunk_task(args) -> list:
    return extract_chunk(*args)


def _on_dask(chunks, model, batch_size, scheduler: str) -> Iterator[list]:
    try:
        from dask.distributed import Client
    except ImportError:
        raise KgError("--scheduler needs dask.distributed: pip install 'kg[dask]'") from None
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise KgError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        # one tuple per task: Client.map has a batch_size parameter of its own
        futures = client.map(_chunk_task, [(chunk, model, batch_size) for chunk in chunks], pure=False)
        for future in futures:  # in input order; each result streams back as soon as it is ready
            yield future.result()
    finally:
        client.close()

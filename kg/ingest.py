"""Read news articles from files, folders and globs into `Article`s.

Offsets later in the pipeline index `Article.text`, which is the input exactly
as decoded (for JSON, the `text` field; for HTML, the main text trafilatura
extracts). Metadata found at the top of a plain-text article (YAML front
matter, a headline line, an inline date) stays in `text` but is excluded from
extraction through `body_start`.
"""
from __future__ import annotations

import glob
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import yaml

from kg.errors import InputError
from kg.types import Article, Skipped

FORMATS = (".txt", ".md", ".json", ".jsonl", ".html", ".htm")
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_INLINE_DATE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*")
_HEADLINE_MAX_WORDS = 40


def sample_paths() -> list[Path]:
    """Return the bundled sample articles."""
    return sorted(SAMPLES_DIR.glob("*.txt"))


def expand_inputs(inputs: Iterable[str | Path]) -> list[Path]:
    """Return the article files named by files, folders (recursively) and globs.

    Raises InputError for a path that does not exist or a file of unknown format.
    """
    files: list[Path] = []
    for raw in inputs:
        raw = str(raw)
        path = Path(raw)
        if path.is_dir():
            files.extend(p for p in sorted(path.rglob("*")) if p.is_file() and p.suffix.lower() in FORMATS)
        elif path.is_file():
            if path.suffix.lower() not in FORMATS:
                raise InputError(f"unknown format '{path.suffix or path.name}' of {raw}; expected one of {', '.join(FORMATS)}")
            files.append(path)
        elif glob.has_magic(raw):
            matched = [Path(p) for p in sorted(glob.glob(raw, recursive=True))]
            matched = [p for p in matched if p.is_file() and p.suffix.lower() in FORMATS]
            if not matched:
                raise InputError(f"no article files match {raw}")
            files.extend(matched)
        else:
            raise InputError(f"no such file or folder: {raw}")
    return list(dict.fromkeys(files))


def read_articles(paths: Iterable[Path], known_publishers: frozenset[str] = frozenset()) -> Iterator[Article | Skipped]:
    """Yield an Article per readable article and a Skipped, with its reason, per unreadable input."""
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as exc:
            yield Skipped(str(path), f"unreadable: {exc.strerror or exc}")
            continue
        problem = _unusable_bytes(data)
        if problem:
            yield Skipped(str(path), problem)
            continue
        text = data.decode("utf-8")
        suffix = path.suffix.lower()
        if suffix in (".json", ".jsonl"):
            yield from _read_json(path, text, suffix == ".jsonl")
            continue
        try:
            if suffix in (".html", ".htm"):
                yield _checked(_finish(_read_html(path, text)))
            else:
                yield _checked(_finish(read_plain_text(str(path), text, known_publishers)))
        except ValueError as exc:
            yield Skipped(str(path), str(exc))


ENGLISH_MIN_SHARE = 0.15  # English news runs at 40-55% function words; other languages well under 10%
LANGUAGE_MIN_WORDS = 30


def not_english(text: str) -> str | None:
    """Return why a text does not read as English (too few English function words), or None.

    Short texts are given the benefit of the doubt. Function words come from
    spaCy's English stop-word list.
    """
    from spacy.lang.en.stop_words import STOP_WORDS

    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < LANGUAGE_MIN_WORDS:
        return None
    share = sum(w in STOP_WORDS for w in words) / len(words)
    if share < ENGLISH_MIN_SHARE:
        return f"not English ({share:.0%} English function words); kg reads English articles"
    return None


def _unusable_bytes(data: bytes) -> str | None:
    if b"\x00" in data[:8192]:
        return "binary file (NUL bytes)"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8 (byte {exc.start}: {data[exc.start:exc.start + 1]!r})"
    if not text.strip() or not any(c.isprintable() and not c.isspace() for c in text):
        return "empty file"  # Unicode whitespace and control characters only
    return None


def read_plain_text(source: str, text: str, known_publishers: frozenset[str] = frozenset()) -> Article:
    """Return the Article of a .txt/.md text, with metadata from front matter, headline and inline date."""
    meta: dict = {}
    body_start = 0
    front = _FRONT_MATTER.match(text)
    if front:
        try:
            loaded = yaml.safe_load(front.group(1)) or {}
        except yaml.YAMLError as exc:
            raise ValueError(f"bad YAML front matter: {exc}".splitlines()[0]) from None
        if isinstance(loaded, dict):
            meta = loaded
        body_start = front.end()

    headline = _headline(text, body_start)
    title_start = None
    if headline:
        line, end = headline
        title_start = text.index(line, body_start)
        prefix, sep, rest = line.partition(":")
        if sep and prefix.strip().lower() in known_publishers and rest.strip():
            meta.setdefault("publisher", prefix.strip())
            meta.setdefault("title", rest.strip())
            title_start = text.index(rest.strip(), title_start)
        else:
            meta.setdefault("title", line.strip())
        body_start = end

    inline = _INLINE_DATE.match(text[body_start:])
    if inline:
        meta.setdefault("date", inline.group(1))
        body_start += inline.end()

    return replace(_article(source, text, meta, body_start), title_start=title_start)


def _headline(text: str, start: int) -> tuple[str, int] | None:
    """Return the first line and where the body after it starts, when that line reads as a headline."""
    rest = text[start:]
    stripped = rest.lstrip("\r\n")
    newline = stripped.find("\n")
    if newline < 0:
        return None
    line = stripped[:newline].strip()
    if not line or len(line.split()) > _HEADLINE_MAX_WORDS or _INLINE_DATE.match(line):
        return None
    if not stripped[newline + 1:].strip():
        return None
    end = start + (len(rest) - len(stripped)) + newline + 1
    return line, end


def _article(source: str, text: str, meta: dict, body_start: int = 0) -> Article:
    when = meta.get("date")
    if isinstance(when, datetime):
        when = when.date()
    if isinstance(when, date):
        when = when.isoformat()
    elif when is not None:
        when = str(when)
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", when[:10]):
            when = None
        else:
            when = when[:10]
    link = meta.get("url") or meta.get("source")
    return Article(
        source=source,
        text=text,
        title=_str(meta.get("title")),
        date=when,
        url=link.strip() if _looks_like_url(link) else None,
        publisher=_str(meta.get("publisher")),
        body_start=body_start,
    )


def _looks_like_url(value) -> bool:
    return isinstance(value, str) and re.match(r"https?://\S+$", value.strip()) is not None


def _str(value) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def _read_json(path: Path, text: str, lines: bool) -> Iterator[Article | Skipped]:
    """Yield one Article per JSON object with a `text`; a bad record is skipped alone, with its number."""
    if lines:
        records = []
        # only \n ends a record: str.splitlines() would also break at U+2028 inside a JSON string
        for n, line in enumerate(text.split("\n"), 1):
            if line.strip():
                try:
                    records.append((n, json.loads(line)))
                except (ValueError, RecursionError) as exc:
                    yield Skipped(f"{path}#{n}", f"bad JSON on line {n}: {getattr(exc, 'msg', type(exc).__name__)}")
    else:
        try:
            loaded = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Skipped(str(path), f"bad JSON: {exc.msg} at line {exc.lineno}")
            return
        except RecursionError:
            yield Skipped(str(path), "bad JSON: nested too deeply")
            return
        items = loaded if isinstance(loaded, list) else [loaded]
        records = list(enumerate(items, 1))
        if not records:
            yield Skipped(str(path), "no articles in the JSON (an empty list)")
            return
    single = not lines and len(records) == 1
    for n, record in records:
        source = str(path) if single else f"{path}#{n}"
        if not isinstance(record, dict) or not isinstance(record.get("text"), str) or not record["text"].strip():
            yield Skipped(source, "no 'text' field with article text")
            continue
        try:
            record["text"].encode("utf-8")
        except UnicodeEncodeError:
            yield Skipped(source, "text holds a lone surrogate (invalid Unicode)")
            continue
        yield _checked(_finish(_article(source, record["text"], record)))


def _read_html(path: Path, html: str) -> Article:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise ValueError("no article text found in the HTML")
    meta = trafilatura.extract_metadata(html)
    fields = {}
    if meta is not None:
        fields = {"title": meta.title, "date": meta.date, "url": meta.url, "publisher": meta.sitename}
    return _article(str(path), text, {k: v for k, v in fields.items() if v})


def _checked(article: Article) -> Article | Skipped:
    reason = not_english(article.text)
    return Skipped(article.source, reason) if reason else article


def _finish(article: Article) -> Article:
    digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()
    return replace(article, sha256=digest)

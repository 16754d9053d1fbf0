"""Read news articles from files, folders and globs into `Article`s.

Offsets later in the pipeline index `Article.text`, which is the input as
decoded (for JSON, the `text` field; for HTML, the main text trafilatura
extracts) with changes that keep every later stage safe (`stored_text`): a
leading byte-order mark is dropped; each character XML cannot hold (C0
controls other than tab, newline and carriage return; U+FFFE, U+FFFF) becomes
a space; and in .txt/.md texts Markdown emphasis marks (`**John Smith**`)
are removed. So offsets index the stored text, which differs from the file's
only where it held a BOM or emphasis marks.
Metadata found at the top of a plain-text article (YAML front matter, a
headline line, an inline date) stays in `text` but is excluded from extraction
through `body_start`. Metadata values are checked once, here: a date that
names no real day, or a title that is not text, is dropped with a warning on
the article and the article is kept.
"""
from __future__ import annotations

import functools
import glob
import hashlib
import importlib.util
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from kg.errors import InputError, KgError
from kg.types import Article, Skipped

FORMATS = (".txt", ".md", ".json", ".jsonl", ".html", ".htm")
SAMPLES_DIR = Path(__file__).resolve().parent / "samples"

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
_INLINE_DATE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\b[ \t]*")
_HEADLINE_MAX_WORDS = 40
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?:$|[T ])")


def _front_matter(text: str):
    """Return what YAML front matter holds."""
    import yaml  # only an article with front matter needs it (0.01 s to import)

    try:
        return yaml.load(text, Loader=_metadata_loader()) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"bad YAML front matter: {exc}".splitlines()[0]) from None


@functools.cache
def _metadata_loader():
    """Return YAML's safe loader without timestamps: a front-matter date stays text until `_checked_date` reads it
    (YAML would raise on `date: 2025-02-31` and lose the whole article)."""
    import yaml

    class MetadataLoader(yaml.SafeLoader):
        pass

    MetadataLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    return MetadataLoader


# Markdown emphasis (`said **John Smith**`): the marks hide the name from the parser.
_EMPHASIS = re.compile(r"(?<![\w*])(\*\*|__|\*)(?=[^\s*])([^\n]*?[^\s*])\1(?![\w*])")


def stored_text(text: str, markdown: bool = False) -> str:
    """Return a decoded input as kg stores it: no leading byte-order mark, XML-illegal characters as spaces,
    and, for a .txt or .md text (`markdown`), no emphasis marks."""
    text = _NOT_XML.sub(" ", text.removeprefix("\ufeff"))
    if markdown and ("*" in text or "__" in text):
        text = _EMPHASIS.sub(r"\2", text)  # not spaces: `said   John Smith` parses as badly as the marks
    return text


def sample_paths() -> list[Path]:
    """Return the bundled sample articles."""
    return sorted(SAMPLES_DIR.glob("*.txt"))


def expand_inputs(inputs: Iterable[str | Path]) -> tuple[list[Path], list[Skipped]]:
    """Return the article files named by files, folders (recursively) and globs, and what they hold that is not one.

    A folder's other entries (files of another format, pipes, broken links) come
    back as Skipped with the reason. Raises InputError for a path that does not
    exist, a named file that is not a regular file or is of unknown format, and
    a folder or glob that holds no article file.
    """
    files: list[Path] = []
    skipped: list[Skipped] = []
    for raw in inputs:
        raw = str(raw)
        path = Path(raw)
        if path.is_dir():
            found = _folder_articles(path, skipped)
            if not found:
                raise InputError(f"no article files in the folder {raw} (formats: {', '.join(FORMATS)})")
            files.extend(found)
        elif path.is_file():
            if path.suffix.lower() not in FORMATS:
                raise InputError(f"unknown format '{path.suffix or path.name}' of {raw}; expected one of {', '.join(FORMATS)}")
            files.append(path)
        elif path.exists():
            raise InputError(f"{raw} is not a regular file or folder ({_kind(path)}); kg reads article files")
        elif path.is_symlink():
            raise InputError(f"{raw} is a broken symbolic link (its target {os.readlink(path)} does not exist)")
        elif glob.has_magic(raw):
            matched = [Path(p) for p in sorted(glob.glob(raw, recursive=True))]
            matched = [p for p in matched if p.is_file() and p.suffix.lower() in FORMATS]
            if not matched:
                raise InputError(f"no article files match {raw}")
            files.extend(matched)
        else:
            raise InputError(f"no such file or folder: {raw}")
    return list(dict.fromkeys(files)), skipped


def _folder_articles(folder: Path, skipped: list[Skipped]) -> list[Path]:
    """Return a folder's article files, recursively; add each other entry to `skipped` with its reason."""
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_dir():
            continue
        if not path.exists():
            skipped.append(Skipped(str(path), f"broken symbolic link (its target {os.readlink(path)} does not exist)"))
        elif not path.is_file():
            skipped.append(Skipped(str(path), f"not a regular file ({_kind(path)})"))
        elif path.suffix.lower() not in FORMATS:
            skipped.append(Skipped(str(path), f"not an article format ({path.suffix or 'no extension'}); "
                                              f"kg reads {', '.join(FORMATS)}"))
        else:
            found.append(path)
    return found


def _kind(path: Path) -> str:
    mode = path.stat().st_mode
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


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
        suffix = path.suffix.lower()
        text = stored_text(data.decode("utf-8"), markdown=suffix in (".txt", ".md"))
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
    words = re.findall(r"[^\W\d_]+", text.lower())
    if len(words) < LANGUAGE_MIN_WORDS:
        return None
    stop_words = english_stop_words()
    share = sum(w in stop_words for w in words) / len(words)
    if share < ENGLISH_MIN_SHARE:
        return f"not English ({share:.0%} English function words); kg reads English articles"
    return None


@functools.cache
def english_stop_words() -> frozenset[str]:
    """Return spaCy's English stop words, read from their module without importing spaCy.

    `import spacy` takes about a second, which a build whose articles are all
    cached (or a test of one text) would otherwise pay for this list alone.
    """
    spec = importlib.util.find_spec("spacy")  # a top-level package is found without being imported
    if spec is None or not spec.submodule_search_locations:
        raise KgError("spaCy is not installed; kg needs it (pip install spacy)")
    path = Path(spec.submodule_search_locations[0]) / "lang" / "en" / "stop_words.py"
    module = importlib.util.module_from_spec(importlib.util.spec_from_file_location("_kg_en_stop_words", path))
    module.__spec__.loader.exec_module(module)  # a plain module: one set literal and no imports
    return frozenset(module.STOP_WORDS)


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
        loaded = _front_matter(front.group(1))
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

    article = _article(source, text, meta, body_start)
    return replace(article, title_start=title_start if article.title else None)


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
    warnings: list[str] = []
    link = meta.get("url") or meta.get("source")
    return Article(
        source=source,
        text=text,
        title=_metadata_text(meta, "title", warnings),
        date=_checked_date(meta.get("date"), warnings),
        url=link.strip() if _looks_like_url(link) else None,
        publisher=_metadata_text(meta, "publisher", warnings),
        body_start=body_start,
        warnings=tuple(warnings),
    )


NO_DATE = frozenset({"none", "unknown", "n/a", "undated"})  # how front matter says a page gives no date


def _checked_date(value, warnings: list[str]) -> str | None:
    """Return a metadata date as ISO yyyy-mm-dd, or None (with a warning) when it names no real day.

    ISO dates and timestamps are read by the standard library; other spellings
    (`March 3, 2025`, `Mon, 03 Mar 2025 10:00:00 GMT`) by dateparser, which is
    only imported when one turns up.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if not isinstance(value, str):
        warnings.append(f"date {value!r} is not a date; dropped")
        return None
    text = stored_text(value).strip()
    if text.lower() in NO_DATE:
        return None  # `date: none`: the page gives none, and says so
    if _ISO_DATE.match(text):
        try:
            return date.fromisoformat(text[:10]).isoformat()
        except ValueError:
            warnings.append(f"date '{text}' is not a real day; dropped")
            return None
    import dateparser

    try:
        parsed = dateparser.parse(text, languages=["en"], settings={
            "STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"], "RETURN_AS_TIMEZONE_AWARE": False})
    except (ValueError, OverflowError, TypeError):  # dateparser lets some of its own errors through
        parsed = None
    if parsed is None:
        warnings.append(f"date '{text}' is not a date kg can read; dropped")
        return None
    return parsed.date().isoformat()


def _metadata_text(meta: dict, name: str, warnings: list[str]) -> str | None:
    value = meta.get(name)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if value is not None and not isinstance(value, str):
        warnings.append(f"{name} is not text ({type(value).__name__}); dropped")
        return None
    return _str(value)


def _looks_like_url(value) -> bool:
    return isinstance(value, str) and re.match(r"https?://\S+$", value.strip()) is not None


def _str(value) -> str | None:
    if value is None:
        return None
    return " ".join(stored_text(str(value)).split()) or None


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
        except ValueError as exc:  # an integer too long to convert (Python's 4,300-digit limit)
            yield Skipped(str(path), f"bad JSON: {str(exc).split(';')[0]}")
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
        text = record.get("text") if isinstance(record, dict) else None
        text = stored_text(text) if isinstance(text, str) else None
        if not text or not text.strip():
            yield Skipped(source, "no 'text' field with article text")
            continue
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            yield Skipped(source, "text holds a lone surrogate (invalid Unicode)")
            continue
        yield _checked(_finish(_article(source, text, record)))


def _read_html(path: Path, html: str) -> Article:
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_precision=True)
    if not text or not text.strip():
        raise ValueError("no article text found in the HTML")
    text = stored_text(text)
    # Not the extensive search: it takes a page's date from its `(c) 2025` footer when the page states none.
    meta = trafilatura.extract_metadata(html, extensive=False)
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

"""One exception root so the CLI can turn any library error into `Error: …`."""


class KgError(Exception):
    """Base of every error kg raises on purpose."""


class InputError(KgError):
    """An argument names no usable input (missing path, unknown format)."""


class ArticleError(KgError):
    """One article cannot be read; the build skips it and goes on."""


class QueryError(KgError):
    """A SPARQL query is malformed or names no bundled query."""


class StoreError(KgError):
    """The graph on disk is missing or unreadable."""


class OutputError(KgError):
    """kg cannot write a file (disk full, no permission); what is already on disk stays usable."""


def cannot_write(path, exc: OSError) -> OutputError:
    """Return the OutputError for an OSError met while writing `path`."""
    return OutputError(f"cannot write {path}: {exc.strerror or exc}")


def describe(exc: BaseException) -> str:
    """Return an exception as one line: its type and message."""
    message = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__

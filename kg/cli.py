"""The `kg` command line: a thin layer over the library that turns KgError into `Error: …` and an exit code."""
from __future__ import annotations

import signal
import sys
import time
from pathlib import Path

import click

from kg.errors import InputError, KgError, QueryError, StoreError, describe
from kg.rows import stream_rows

FORMATS = ("table", "csv", "json")
USAGE_ERRORS = (InputError, QueryError, StoreError)


def _fail(exc: KgError) -> None:
    click.echo(f"Error: {exc}", err=True)
    sys.exit(2 if isinstance(exc, USAGE_ERRORS) else 1)


class _Commands(click.Group):
    """The command group; every error a command meets ends as one `Error: …` line (`kg --debug …`: a traceback).

    Exit codes: 2 for bad arguments and inputs, 1 for the environment (disk,
    permissions, network) and for errors inside kg itself.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            where = exc.ctx.command_path if exc.ctx else ctx.command_path
            click.echo(f"Error: {exc.format_message()} (see `{where} --help`)", err=True)
            sys.exit(2)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            if isinstance(exc, KgError):
                _fail(exc)
            if isinstance(exc, OSError):
                where = f" ({exc.filename})" if exc.filename else ""
                click.echo(f"Error: {exc.strerror or describe(exc)}{where}", err=True)
            else:
                click.echo(f"Error: kg failed inside ({describe(exc)}); run `kg --debug {ctx.invoked_subcommand} …` "
                           "for the traceback, and please report it", err=True)
            sys.exit(1)


class _Formats(click.Choice):
    """A --format choice whose refusal is kg's own one-line error."""

    def convert(self, value, param, ctx):
        if value not in self.choices:
            raise InputError(f"unknown format '{value}'; expected one of {', '.join(self.choices)}")
        return value


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="On an error, show the traceback instead of one line.")
@click.version_option(package_name="kg")
def main(debug: bool) -> None:
    """Build and query a knowledge graph of who said what and who supplies which weapons to whom."""


@main.command()
@click.argument("inputs", nargs=-1)
@click.option("--out", "out_dir", default="kg-out", show_default=True, type=click.Path(file_okay=False),
              help="Folder for graph.trig, graph.ttl, graph.html and report.md.")
@click.option("--model", default=None, help="spaCy pipeline to use (default: an installed en_core_web_*).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, only errors.")
@click.option("--prune", is_flag=True, help="Remove from the store the articles that are not among INPUTS.")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(min=1),
              help="Parse and extract in this many local processes.")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="Parse and extract on a Dask cluster (dask.distributed) instead of locally.")
@click.option("--keep-government-bodies", is_flag=True,
              help="Keep each government body (the Pentagon, a defence ministry) as an Organization kg:partOf its "
                   "country instead of folding it into the country's node.")
def build(inputs: tuple[str, ...], out_dir: str, model: str | None, quiet: bool, prune: bool, jobs: int,
          scheduler: str | None, keep_government_bodies: bool) -> None:
    """Build the graph of INPUTS: files, folders (recursive) or globs; the bundled samples when none.

    Formats: .txt/.md (optional YAML front matter, headline line, inline date), .json/.jsonl, .html.

    Builds are incremental: the store in OUT/store keeps earlier articles, unchanged
    articles are not parsed again, and a changed one replaces its old version.
    Ctrl-C stops after the current article; running the command again finishes the job.
    """
    from kg.pipeline import build as run_build

    bar = None
    started = time.monotonic()  # the rate counts model loading too: what the user waits for

    def progress(done: int, total: int, source: str) -> None:
        nonlocal bar
        if quiet:
            return
        if bar is None:
            bar = click.progressbar(length=total, label="Parsing articles", file=sys.stderr, show_pos=True,
                                    show_eta=True, item_show_func=lambda _: (
                                        f"{(bar.pos + 1) / max(time.monotonic() - started, 1e-9):.1f} articles/s"))
            bar.__enter__()
        bar.update(1, source)

    stop = _StopOnSignal()
    try:
        with stop:
            report = run_build(inputs, out_dir, model=model, on_progress=progress, prune=prune,
                               should_stop=stop.requested, jobs=jobs, scheduler=scheduler,
                               keep_government_bodies=keep_government_bodies)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    for skipped in report.skipped:
        click.echo(f"skipped {skipped.source}: {skipped.reason}", err=True)
    if report.interrupted:
        click.echo(f"Interrupted: {report.extracted} articles parsed and cached, the store is unchanged; "
                   f"run the same command again to finish.", err=True)
        sys.exit(130)
    if not quiet:
        click.echo(f"{report.new} new, {report.unchanged} unchanged, {report.changed} changed, "
                   f"{report.kept} kept, {report.removed} removed; {report.extracted} parsed"
                   + (" (store already up to date)" if report.up_to_date else ""))
    if not quiet:
        click.echo(f"{report.articles} articles, {len(report.skipped)} skipped: {report.claims} claims, "
                   f"{report.supplies} supplies, {report.entities} entities, {report.triples} triples")
        for name, path in report.files.items():
            click.echo(f"  {name:<11} {path}")
        click.echo(f"Open {Path(report.files['graph.html']).resolve()} in a browser.")


class _StopOnSignal:
    """While active, the first SIGINT/SIGTERM asks the build to stop after the current article; a second one aborts."""

    def __init__(self) -> None:
        self._stop = False
        self._previous: dict = {}

    def requested(self) -> bool:
        return self._stop

    def _handle(self, signum, frame) -> None:
        if self._stop:
            raise KeyboardInterrupt
        self._stop = True
        click.echo("\nStopping after the current article (press Ctrl-C again to abort now) …", err=True)

    def __enter__(self):
        import threading

        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                self._previous[sig] = signal.signal(sig, self._handle)
        return self

    def __exit__(self, *exc) -> None:
        for sig, handler in self._previous.items():
            signal.signal(sig, handler)


@main.command()
@click.argument("query", required=False)
@click.argument("params", nargs=-1)
@click.option("--out", "out_dir", default="kg-out", show_default=True, help="Folder that `kg build` wrote.")
@click.option("--format", "fmt", default="table", show_default=True, type=_Formats(FORMATS),
              help="How to print the rows.")
@click.option("--list", "list_queries", is_flag=True, help="List the bundled queries.")
@click.option("--limit", default=None, type=click.IntRange(min=0), help="Print at most this many rows.")
@click.option("--offset", default=0, show_default=True, type=click.IntRange(min=0), help="Skip this many rows first.")
@click.option("--page", default=None, type=click.IntRange(min=1),
              help="Print page N of --limit rows (default 100 a page): --offset (N-1)*limit.")
@click.option("--no-tables", is_flag=True,
              help="Answer a bundled query from the SPARQL store even when OUT/tables could answer it.")
@click.option("--since", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Keep the rows dated on or after DATE (YYYY-MM-DD; queries with a `date` column).")
@click.option("--until", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Keep the rows dated on or before DATE (YYYY-MM-DD).")
def query(query: str | None, params: tuple[str, ...], out_dir: str, fmt: str, list_queries: bool,
          limit: int | None, offset: int, page: int | None, no_tables: bool, since, until) -> None:
    """Run QUERY: SPARQL text, a .rq file, or a bundled query name with its PARAMS.

    The bundled listing queries are answered from OUT/tables (written by the same build) when they
    are fresh, with the same rows; everything else goes to the store. Rows are printed as they come.

    \b
    Examples:
      kg query who-said-what --limit 100
      kg query who-said-what --page 2
      kg query claims-about Ukraine --format csv
      kg query who-said-what --since 2024-01-01 --until 2024-06-30
      kg query 'SELECT ?s WHERE { ?s a <https://w3id.org/newskg/ontology#Person> }'
    """
    from kg.store import bundled_queries
    from kg.tables import answer

    if list_queries:
        for name, doc in bundled_queries().items():
            click.echo(f"{name:<20} {doc}")
        return
    if not query:
        raise InputError("missing QUERY; try `kg query --list`")
    if page is not None:
        limit = 100 if limit is None else limit
        offset += (page - 1) * limit
    result = answer(out_dir, query, list(params), limit=limit, offset=offset, use_tables=not no_tables,
                    since=since.date().isoformat() if since else None,
                    until=until.date().isoformat() if until else None)
    _warn_if_unfinished(out_dir)
    for chunk in stream_rows(result.names, result.rows, fmt):
        sys.stdout.write(chunk)
    sys.stdout.flush()


@main.command()
@click.option("--out", "out_dir", default="kg-out", show_default=True, help="Folder that `kg build` wrote.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=7878, show_default=True, type=int, help="Port to listen on (0: any free port).")
@click.option("--timeout", default=30.0, show_default=True, type=float, help="Seconds a query may run.")
@click.option("--limit", default=10_000, show_default=True, type=int, help="Most rows (or triples) per result.")
@click.option("--workers", default=2, show_default=True, type=int, help="Queries that may run at once.")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE clauses (lets queries fetch other endpoints).")
def serve(out_dir: str, host: str, port: int, timeout: float, limit: int, workers: int, allow_service: bool) -> None:
    """Serve the store read-only as a SPARQL 1.1 endpoint at /sparql, with a query page at /.

    \b
    Examples:
      kg serve --out kg-out
      curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * WHERE { ?s ?p ?o } LIMIT 5' \\
           http://127.0.0.1:7878/sparql
    """
    from kg.serve import ServeOptions, make_server

    server = make_server(out_dir, host, port, ServeOptions(timeout=timeout, limit=limit, workers=workers,
                                                          allow_service=allow_service))
    click.echo(f"SPARQL endpoint at {server.url}/sparql, query page at {server.url}/ (Ctrl-C to stop)", err=True)
    signal.signal(signal.SIGTERM, _interrupt)  # stopped by a service manager: clean up as after Ctrl-C
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


def _interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


@main.command()
@click.option("--endpoint", required=True, help="Graph Store Protocol URL, e.g. http://localhost:8890/sparql-graph-crud-auth.")
@click.option("--out", "out_dir", default="kg-out", show_default=True, help="Folder that `kg build` wrote.")
@click.option("--user", default=None, help="User name, for servers that need one (Basic or Digest auth).")
@click.option("--password", default=None, help="Password for --user.")
@click.option("--default-graph", default=None, metavar="IRI",
              help="Put the entity (default) graph into this named graph instead of this build's own "
                   "(https://w3id.org/newskg/id/graph/entities/BUILD).")
@click.option("--timeout", default=30.0, show_default=True, type=float, help="Seconds to wait for the server.")
def push(endpoint: str, out_dir: str, user: str | None, password: str | None, default_graph: str | None,
         timeout: float) -> None:
    """Copy the store to a SPARQL server: one HTTP PUT per graph (SPARQL 1.1 Graph Store Protocol).

    Each PUT replaces its graph, so pushing again is safe. The entity graph goes to a named graph of this
    build's own, so other output folders pushed to the same server keep theirs.

    \b
    Endpoints:
      Virtuoso  http://HOST:8890/sparql-graph-crud-auth  (with --user/--password)
      Fuseki    http://HOST:3030/DATASET/data
      GraphDB   http://HOST:7200/repositories/REPO/rdf-graphs/service
    """
    from kg.push import push as run_push
    from kg.store import open_store, read_state, store_path

    _warn_if_unfinished(out_dir)
    report = run_push(open_store(out_dir), endpoint, user=user, password=password, timeout=timeout,
                      default_graph=default_graph, build_id=read_state(store_path(out_dir)).get("store_id"))
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(f"pushed {len(report.graphs)} graphs, {report.triples} triples to {endpoint}"
               + (f" (entities in {report.entity_graph})" if report.entity_graph else ""))


EXPORT_FORMATS = ("trig", "nq", "ttl", "jsonld", "graphml", "csv")


@main.command()
@click.option("--format", "fmt", required=True, type=_Formats(EXPORT_FORMATS), help="What to write.")
@click.option("--out", "out_dir", default="kg-out", show_default=True, help="Folder that `kg build` wrote.")
@click.option("--output", "-o", default=None,
              help="File to write ('-' for standard output); a folder for csv. Default: OUT/export/graph.EXT "
                   "(OUT/export/ for csv).")
def export(fmt: str, out_dir: str, output: str | None) -> None:
    """Export the graph: trig, nq (all graphs), ttl (their union), jsonld, graphml (Gephi), csv (Neo4j LOAD CSV)."""
    from kg.export import default_destination, export as run_export, export_bytes
    from kg.store import open_store

    store = open_store(out_dir)
    _warn_if_unfinished(out_dir)
    if output == "-":
        sys.stdout.buffer.write(export_bytes(store, fmt))
        sys.stdout.flush()
        return
    written = run_export(store, fmt, output or default_destination(out_dir, fmt))
    for path in written:
        click.echo(str(path))


def _warn_if_unfinished(out_dir: str) -> None:
    """Say so on stderr when the store's last build has not finished: it is running, or it was killed."""
    from kg.store import read_state, store_path

    if read_state(store_path(out_dir)).get("clean", True) is False:
        click.echo(f"Warning: the last `kg build` into {out_dir} has not finished (it is still running, or it was "
                   "stopped); what is read here may lack its articles. A finished build (run it again if it was "
                   "stopped) completes the store.", err=True)


@main.command()
@click.option("--out", "out_dir", default="kg-out", show_default=True, help="Folder that `kg build` wrote.")
@click.option("--focus", default=None, metavar="NAME",
              help="Draw only the entities around NAME (a label or alternative label), e.g. \"Donald Trump\".")
@click.option("--depth", default=2, show_default=True, type=click.IntRange(min=0),
              help="With --focus: how many steps from NAME to include.")
@click.option("--max-nodes", default=300, show_default=True, type=click.IntRange(min=1),
              help="Entities in the default view (top by PageRank); the page has a switch to show all.")
def html(out_dir: str, focus: str | None, depth: int, max_nodes: int) -> None:
    """Re-render DIR/graph.html from the graph `kg build` wrote to DIR, optionally as an ego view around one entity.

    \b
    Examples:
      kg html --out kg-out
      kg html --out kg-out --focus "Donald Trump" --depth 2
    """
    from kg.render import render_dir

    path = render_dir(out_dir, focus=focus, depth=depth, max_nodes=max_nodes)
    click.echo(f"Open {path.resolve()} in a browser.")


if __name__ == "__main__":
    main()

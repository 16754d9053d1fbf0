"""Tables beside the store: claims, supplies, entities and supply records as Parquet and CSV (DuckDB).

Every `kg build` that writes the graph writes `OUT/tables/` too, from the same
article graphs and entity graph it puts into the store, one article at a time
(rows go to staging CSV files as they come, so memory stays flat):

- `claims`: one row per claim and speaker, with the speaker's label and type,
  the article's source, title and date, and the entities the claim mentions;
- `supplies`: one row per supply event, with the labels of every side;
- `entities`: one row per entity, with its names, types and analysis metrics;
- `supply_records`: one row per kg:SupplyRecord (supplier, recipient, item),
  with the supply events that state it and what they say, and its lifecycle
  (kg.lifecycle): the first date of each status, the quantities committed and
  delivered, the gap between them, and whether its sources contradict each other;
- `supply_stages`: one row per stage of a record's lifecycle (and per speaker
  of the claim it is stated in), in order, with its date and who asserted it;
- `claim_clusters`: one row per report of a statement carried by several
  articles (kg.lineage), with its cluster's counts, whether it is the earliest,
  and its article's outlet and origin (also columns of `claims`).

`manifest.json`, written last, names the build (the key in the store's
state) the tables were made by. The store stays the source of truth: the
bundled listing queries are answered from these tables (`queries/NAME.sql`,
the same rows as `queries/NAME.rq`) only while the manifest names the build
the store holds; otherwise they go to the store, as any other SPARQL does.
"""
from __future__ import annotations

import csv
import json
import os
import re
import shutil
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from rdflib import RDF, RDFS
from rdflib.namespace import DCTERMS, OWL, PROV, SKOS

from kg.errors import QueryError, cannot_write
from kg.store import QUERIES_DIR, query_params, read_state, store_path, write_atomic
from kg.vocab import KG, SCHEMA

TABLES_DIR = "tables"
MANIFEST = "manifest.json"
TABLES = ("claims", "supplies", "entities", "supply_records", "supply_stages", "claim_clusters")
LIST_SEP = "\x1f"  # joins a list in the staging files: stored text never holds C0 controls (kg.ingest)
NULL = "\x1e"  # None in the staging files, apart from the empty string
CSV_LIST_SEP = "; "  # joins a list in the CSV tables (the Parquet ones hold real lists)

# The kind of an entity: its most specific class (an AnonymousSource is typed kg:Agent too).
ENTITY_TYPES = {KG.Person: "Person", KG.Organization: "Organization", KG.Country: "Country", KG.Place: "Place",
                KG.Weapon: "Weapon", KG.AnonymousSource: "AnonymousSource", KG.Agent: "Agent"}

_STAGING = {  # staging file -> its columns (all text; converted when the tables are made)
    "claims": ["claim_id", "speaker_id", "kind", "claim", "cue", "polarity", "confidence", "rule", "mentions",
               "article_id", "article", "title", "date", "outlet", "origin"],
    "supplies": ["supply_id", "supplier_id", "recipient_id", "item_id", "quantity", "status", "when_text",
                 "when_date", "payer_id", "via_id", "made_in_id", "evidence", "confidence", "rule",
                 "article_id", "article", "title", "date"],
    "entities": ["entity_id", "label", "type", "aliases", "wikidata", "category", "roles", "affiliation_id",
                 "part_of_id", "pagerank", "degree", "betweenness", "community"],
    "records": ["record_id", "supplier_id", "recipient_id", "item_id", "supplies"],
    "lifecycles": ["record_id", "first_dates", "committed", "delivered", "gap", "contested"],
    "stages": ["record_id", "stage", "supply_id", "status", "date", "date_from", "quantity", "claim_id",
               "asserter_ids", "contested"],
    "clusters": ["cluster_id", "speaker_id", "claim_id", "earliest", "origins", "articles", "outlets"],
}


def tables_dir(out_dir: str | Path) -> Path:
    """Return the folder of the tables `kg build --out out_dir` writes."""
    return Path(out_dir) / TABLES_DIR


# ------------------------------------------------------------------ writing


class TableWriter:
    """Collects the rows of every article graph and of the entity graph, then writes the tables.

    `add_article` takes each article graph as the build makes it, `add_entities` the entity graph (with
    the analysis written back); `finish(key)` writes the Parquet and CSV files and the manifest. Until
    then only staging files in a hidden folder of OUT/tables exist; `close()` removes them.
    """

    def __init__(self, out_dir: str | Path):
        self.folder = tables_dir(out_dir)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            self.staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=self.folder))
        except OSError as exc:
            raise cannot_write(self.folder, exc) from exc
        self._files = {name: (self.staging / f"{name}.csv").open("w", encoding="utf-8", newline="")
                       for name in _STAGING}
        self._writers = {name: csv.writer(fh) for name, fh in self._files.items()}
        for name, columns in _STAGING.items():
            self._writers[name].writerow(columns)

    def _row(self, table: str, values: list) -> None:
        self._writers[table].writerow([NULL if v is None else v for v in values])

    def add_article(self, graph) -> None:
        """Take the claims and supplies of one article graph (an rdflib Graph or kg.rdf.TripleIndex)."""
        def text(node, prop):
            value = graph.value(node, prop)
            return None if value is None else str(value)

        from kg.lineage import outlet_of

        articles, outlets = {}, {}
        for a in graph.subjects(RDF.type, KG.Article):
            source = text(a, DCTERMS.source)
            articles[a] = (source, text(a, DCTERMS.title), text(a, DCTERMS.date))
            if source is not None:  # as quote-lineage.rq: the outlet and, for wire copy, the agency
                outlet = outlet_of(text(a, KG.publisher), text(a, SCHEMA.url), source)
                outlets[a] = (outlet, text(a, KG.wireCredit) or outlet)
        def article_of(node):
            a = graph.value(node, PROV.wasDerivedFrom)
            return (None if a is None else str(a), *articles.get(a, (None, None, None)))

        for speaker, claim in graph.subject_objects(KG.said):
            mentions = LIST_SEP.join(sorted(str(m) for m in graph.objects(claim, KG.mentions)))
            self._row("claims", [str(claim), str(speaker), text(claim, KG.kind), text(claim, KG.text),
                                 text(claim, KG.cue), text(claim, KG.polarity), text(claim, KG.confidence),
                                 text(claim, KG.rule), mentions, *article_of(claim),
                                 *outlets.get(graph.value(claim, PROV.wasDerivedFrom), (None, None))])
        for supply in graph.subjects(RDF.type, KG.Supply):
            status = graph.value(supply, KG.status)
            self._row("supplies", [str(supply), *(text(supply, p) for p in (KG.supplier, KG.recipient, KG.item)),
                                   text(supply, KG.quantity),
                                   None if status is None else str(status).rsplit("#", 1)[-1].lower(),
                                   text(supply, KG.when), text(supply, KG.whenDate),
                                   *(text(supply, p) for p in (KG.payer, KG.via, KG.madeIn, KG.evidence,
                                                               KG.confidence, KG.rule)),
                                   *article_of(supply)])

    def add_entities(self, graph) -> None:
        """Take the entities and supply records of the entity graph (the metrics written back)."""
        def text(node, prop):
            value = graph.value(node, prop)
            return None if value is None else str(value)

        typed: dict = {}
        for cls, name in ENTITY_TYPES.items():  # most specific first
            for node in graph.subjects(RDF.type, cls):
                typed.setdefault(node, name)
        for node, kind in sorted(typed.items()):
            same = [str(x) for x in graph.objects(node, OWL.sameAs)]
            self._row("entities", [str(node), text(node, RDFS.label), kind,
                                   LIST_SEP.join(sorted(str(x) for x in graph.objects(node, SKOS.altLabel))),
                                   same[0].rsplit("/", 1)[-1] if same else None,
                                   (lambda c: None if c is None else c.rsplit("#", 1)[-1])(text(node, KG.category)),
                                   LIST_SEP.join(sorted(str(x) for x in graph.objects(node, KG.role))),
                                   text(node, KG.affiliation), text(node, KG.partOf),
                                   text(node, KG.pageRank), text(node, KG.degree), text(node, KG.betweenness),
                                   text(node, KG.community)])
        for record in sorted(graph.subjects(RDF.type, KG.SupplyRecord)):
            self._row("records", [str(record), text(record, KG.supplier), text(record, KG.recipient),
                                  text(record, KG.item),
                                  LIST_SEP.join(sorted(str(e) for e in graph.objects(record, KG.evidencedBy)))])

    def add_lifecycles(self, lifecycles) -> None:
        """Take the lifecycle of every supply record (kg.lifecycle.Lifecycle, as the entity graph got them)."""
        from kg.rdf import record_iri

        for life in lifecycles:
            record = str(record_iri(life.supplier, life.recipient, life.item))
            firsts = LIST_SEP.join(f"{status} {date}" for status, date in life.first_dates().items())
            self._row("lifecycles", [record, firsts, LIST_SEP.join(life.quantities("committed")),
                                     LIST_SEP.join(life.quantities("delivered")), life.gap(),
                                     str(life.contested).lower()])
            for n, stage in enumerate(life.stages, 1):
                self._row("stages", [record, n, stage.supply, stage.status, stage.date or None,
                                     "text" if stage.stated else "article" if stage.date else "",
                                     stage.quantity or None, stage.claim, LIST_SEP.join(stage.asserters),
                                     str(life.contested).lower()])

    def add_clusters(self, clusters) -> None:
        """Take the quote clusters (kg.lineage.ClaimCluster, as the entity graph got them): a row per report."""
        for cluster in clusters:
            counts = (len(cluster.origins), len(cluster.articles), len(cluster.outlets))
            for report in cluster.reports:
                self._row("clusters", [cluster.id, cluster.speaker, report.claim,
                                       str(report is cluster.earliest).lower(), *counts])

    def finish(self, key: str) -> list[Path]:
        """Write the tables (Parquet and CSV) and the manifest naming the build `key`; return the files."""
        import duckdb

        for fh in self._files.values():
            fh.close()
        manifest = self.folder / MANIFEST
        try:
            manifest.unlink(missing_ok=True)  # while the files change, no build vouches for them
            # On disk, in the staging folder, with a memory limit: in memory, the tables of 2,500 articles
            # added 200 MB to the build's peak; past the limit DuckDB works from the file. One thread: each
            # thread reads and writes through buffers of its own that cannot spill (at 8,400 articles two
            # threads ran out of this 128 MB limit, and of 64 MB); the page and exports are written meanwhile.
            con = duckdb.connect(str(self.staging / "tables.duckdb"), config={"memory_limit": "128MB", "threads": 1})
            for name, columns in _STAGING.items():
                con.execute(f"CREATE TABLE staged_{name} AS SELECT * FROM read_csv(?, header=true, "
                            f"all_varchar=true, nullstr=?, allow_quoted_nulls=false, quote='\"', escape='\"', "
                            f"strict_mode=false, null_padding=false)",
                            [str(self.staging / f"{name}.csv"), NULL])
            con.execute(_MACROS.replace("$SEP", _sql_string(LIST_SEP)))
            for name in _MAKE_TABLES:
                _make_table(con, name)
            written, counts = [], {}
            for name in TABLES:
                counts[name] = con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]
                for ext, options in (("parquet", "FORMAT parquet, COMPRESSION zstd"), ("csv", "FORMAT csv, HEADER")):
                    path = self.folder / f"{name}.{ext}"
                    tmp = self.staging / f"{name}.{ext}"
                    select = f"SELECT * FROM {name}" if ext == "parquet" else _csv_select(con, name)
                    con.execute(f"COPY ({select}) TO {_sql_string(str(tmp))} ({options})")
                    os.replace(tmp, path)
                    written.append(path)
            con.close()
        except OSError as exc:
            raise cannot_write(self.folder, exc) from exc
        except duckdb.IOException as exc:
            raise cannot_write(self.folder, OSError(str(exc))) from exc
        write_atomic(manifest, json.dumps({"key": key, "rows": counts}, sort_keys=True, indent=1).encode("utf-8"))
        return written + [manifest]

    def close(self) -> None:
        for fh in self._files.values():
            fh.close()
        shutil.rmtree(self.staging, ignore_errors=True)

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _csv_select(con, name: str) -> str:
    """A SELECT of the table with its list columns joined by CSV_LIST_SEP (CSV holds no lists)."""
    columns = con.execute(f"SELECT column_name, data_type FROM information_schema.columns "
                          f"WHERE table_name = '{name}' ORDER BY ordinal_position").fetchall()
    parts = [f"array_to_string({c}, {_sql_string(CSV_LIST_SEP)}) AS {c}" if kind.endswith("[]") else c
             for c, kind in columns]
    return f"SELECT {', '.join(parts)} FROM {name}"


# The staged text becomes typed columns, and every id its label. A list is split from its staged form
# ('' is the empty list). Decimals keep the lexical precision the graph gives them.
_MACROS = "CREATE MACRO as_list(x) AS CASE WHEN x IS NULL OR x = '' THEN []::VARCHAR[] ELSE string_split(x, $SEP) END"

# Each table, in the order they are made (later ones join earlier ones): the staged table and column it is
# made in chunks of, and its SELECT, whose $IN_CHUNK(column) keeps the rows of one chunk of that column's
# values. DuckDB 2.0's ORDER BY of wide text rows does not spill to disk: sorted whole, the claims of 33,560
# articles (216 MB of text) ran out of the 128 MB limit; in chunks of CHUNK_ROWS rows, in order, they fit.
_MAKE_TABLES = {
    "entities": ("staged_entities", "entity_id", """
  SELECT entity_id, label, type, as_list(aliases) AS aliases, wikidata, category, as_list(roles) AS roles,
         affiliation_id, part_of_id, CAST(pagerank AS DECIMAL(18, 6)) AS pagerank,
         CAST(degree AS BIGINT) AS degree, CAST(betweenness AS DECIMAL(18, 6)) AS betweenness,
         CAST(community AS BIGINT) AS community
  FROM staged_entities WHERE $IN_CHUNK(entity_id) ORDER BY entity_id"""),
    "claims": ("staged_claims", "article_id", """
  SELECT c.claim_id, e.label AS speaker, c.speaker_id, e.type AS speaker_type, c.kind, c.claim, c.cue,
         c.polarity, CAST(c.confidence AS DECIMAL(18, 2)) AS confidence, c.rule, as_list(c.mentions) AS mentions,
         c.article, c.article_id, c.title, CAST(c.date AS DATE) AS date, c.outlet, c.origin
  FROM staged_claims c LEFT JOIN entities e ON e.entity_id = c.speaker_id
  WHERE $IN_CHUNK(c.article_id) ORDER BY c.article_id, c.claim_id, c.speaker_id"""),
    "supplies": ("staged_supplies", "article_id", """
  SELECT s.supply_id, sup.label AS supplier, s.supplier_id, rec.label AS recipient, s.recipient_id,
         it.label AS item, s.item_id, s.quantity, s.status, s.when_text, s.when_date,
         pay.label AS payer, s.payer_id, via.label AS via, s.via_id, made.label AS made_in, s.made_in_id,
         s.evidence, CAST(s.confidence AS DECIMAL(18, 2)) AS confidence, s.rule,
         s.article, s.article_id, s.title, CAST(s.date AS DATE) AS date
  FROM staged_supplies s
  LEFT JOIN entities sup ON sup.entity_id = s.supplier_id LEFT JOIN entities rec ON rec.entity_id = s.recipient_id
  LEFT JOIN entities it ON it.entity_id = s.item_id LEFT JOIN entities pay ON pay.entity_id = s.payer_id
  LEFT JOIN entities via ON via.entity_id = s.via_id LEFT JOIN entities made ON made.entity_id = s.made_in_id
  WHERE $IN_CHUNK(s.article_id) ORDER BY s.article_id, s.supply_id"""),
    "supply_records": ("staged_records", "record_id", """
  WITH evidence AS (
    SELECT r.record_id, s.* FROM staged_records r, unnest(as_list(r.supplies)) AS u(supply_id)
    JOIN supplies s ON s.supply_id = u.supply_id WHERE $IN_CHUNK(r.record_id))
  SELECT r.record_id, sup.label AS supplier, r.supplier_id, rec.label AS recipient, r.recipient_id,
         it.label AS item, r.item_id, as_list(r.supplies) AS supplies,
         (SELECT list(DISTINCT quantity ORDER BY quantity) FROM evidence e
           WHERE e.record_id = r.record_id AND quantity IS NOT NULL) AS quantities,
         (SELECT list(DISTINCT status ORDER BY status) FROM evidence e WHERE e.record_id = r.record_id) AS statuses,
         (SELECT list(DISTINCT COALESCE(when_date, CAST(date AS VARCHAR)) ORDER BY 1) FROM evidence e
           WHERE e.record_id = r.record_id AND COALESCE(when_date, CAST(date AS VARCHAR)) IS NOT NULL) AS dates,
         (SELECT count(DISTINCT article_id) FROM evidence e WHERE e.record_id = r.record_id) AS articles,
         as_list(l.first_dates) AS first_dates, as_list(l.committed) AS committed,
         as_list(l.delivered) AS delivered, CAST(l.gap AS BIGINT) AS gap,
         COALESCE(CAST(l.contested AS BOOLEAN), false) AS contested
  FROM staged_records r
  LEFT JOIN entities sup ON sup.entity_id = r.supplier_id LEFT JOIN entities rec ON rec.entity_id = r.recipient_id
  LEFT JOIN entities it ON it.entity_id = r.item_id LEFT JOIN staged_lifecycles l ON l.record_id = r.record_id
  WHERE $IN_CHUNK(r.record_id) ORDER BY r.record_id"""),
    "supply_stages": ("staged_stages", "record_id", """
  WITH stages AS (
    -- one row per speaker of the claim a stage is stated in; one row, with no speaker, for the article's own
    SELECT t.*, u.asserter_id FROM staged_stages t,
      unnest(CASE WHEN t.asserter_ids = '' THEN [NULL]::VARCHAR[] ELSE as_list(t.asserter_ids) END) AS u(asserter_id)
    WHERE $IN_CHUNK(t.record_id))
  SELECT t.record_id, r.supplier, r.supplier_id, r.recipient, r.recipient_id, r.item, r.item_id,
         CAST(t.stage AS BIGINT) AS stage, t.supply_id, t.status, t.date, t.date_from, t.quantity, t.claim_id,
         COALESCE(who.label, 'the article') AS asserter, t.asserter_id,
         s.article, s.article_id, s.title, CAST(t.contested AS BOOLEAN) AS contested
  FROM stages t JOIN supply_records r ON r.record_id = t.record_id
  LEFT JOIN supplies s ON s.supply_id = t.supply_id LEFT JOIN entities who ON who.entity_id = t.asserter_id
  ORDER BY t.record_id, stage, asserter"""),
    "claim_clusters": ("staged_clusters", "cluster_id", """
  WITH reports AS (  -- a claim's own columns (claims has a row per speaker of it), for the chunk's claims
    SELECT DISTINCT claim_id, claim, article, article_id, title, date, outlet, origin FROM claims
    WHERE claim_id IN (SELECT claim_id FROM staged_clusters k WHERE $IN_CHUNK(k.cluster_id)))
  SELECT k.cluster_id, who.label AS speaker, k.speaker_id, CAST(k.origins AS BIGINT) AS origins,
         CAST(k.articles AS BIGINT) AS articles, CAST(k.outlets AS BIGINT) AS outlets, k.claim_id, r.claim,
         CAST(k.earliest AS BOOLEAN) AS earliest, r.date, r.outlet, r.origin, r.article, r.article_id, r.title
  FROM staged_clusters k JOIN reports r ON r.claim_id = k.claim_id
  LEFT JOIN entities who ON who.entity_id = k.speaker_id
  WHERE $IN_CHUNK(k.cluster_id) ORDER BY k.cluster_id, r.date NULLS FIRST, r.article, k.claim_id"""),
}
CHUNK_ROWS = 50_000


def _make_table(con, name: str) -> None:
    """Make table `name` (of _MAKE_TABLES) chunk by chunk, in its order: ORDER BY leads with the chunk column."""
    staged, column, select = _MAKE_TABLES[name]
    select = re.sub(r"\$IN_CHUNK\(([\w.]+)\)",
                    lambda m: f"({m[1]} BETWEEN $lo AND $hi OR (CAST($lo AS VARCHAR) IS NULL AND {m[1]} IS NULL))",
                    select.replace("$SEP", _sql_string(LIST_SEP)))
    counts = con.execute(f"SELECT {column}, count(*) FROM {staged} GROUP BY 1 ORDER BY 1 NULLS LAST").fetchall()
    chunks, rows = [], CHUNK_ROWS
    for value, n in counts:
        if value is None:  # NULL sorts last: a chunk of its own
            chunks.append([None, None])
        elif rows + n > CHUNK_ROWS:
            chunks.append([value, value])
            rows = n
        else:
            chunks[-1][1] = value
            rows += n
    con.execute(f"CREATE TABLE {name} AS {select} LIMIT 0", {"lo": None, "hi": None})
    for lo, hi in chunks:
        con.execute(f"INSERT INTO {name} {select}", {"lo": lo, "hi": hi})


# ------------------------------------------------------------------ reading


def table_query(name: str) -> Path | None:
    """Return the SQL that answers the bundled query `name` from the tables, if it has one."""
    path = QUERIES_DIR / f"{name}.sql"
    return path if path.is_file() else None


def tables_key(out_dir: str | Path) -> str | None:
    """Return the key of the build that made the tables in out_dir (None: no finished tables)."""
    try:
        return json.loads((tables_dir(out_dir) / MANIFEST).read_text(encoding="utf-8")).get("key")
    except (OSError, ValueError, AttributeError):
        return None


def fresh_tables(out_dir: str | Path, state_dir: str | Path | None = None) -> Path | None:
    """Return the tables folder when its tables were made by the build the store holds, else None.

    `state_dir` is the store folder whose state to compare with (default: OUT/store; `kg serve` gives
    its copy's): the tables are fresh when that build finished and its key is the manifest's.
    """
    folder = tables_dir(out_dir)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    state = read_state(Path(state_dir) if state_dir is not None else store_path(out_dir))
    if not state.get("clean") or not state.get("key") or manifest.get("key") != state.get("key"):
        return None
    if not all((folder / f"{name}.parquet").is_file() for name in TABLES):
        return None
    return folder


@dataclass
class TableResult:
    """Rows of a bundled query answered from the tables: column names and an iterator of plain rows."""

    names: list[str]
    rows: Iterator[tuple]


_database = None  # one DuckDB database per process: opening one costs about 55 ms, a cursor on it nothing
_schemas: dict[str, str] = {}  # tables folder -> the schema of its views in that database
_lock = threading.Lock()


def connect(folder: Path):
    """Return a DuckDB cursor (for this thread) that sees the tables of `folder` as claims, supplies …

    The views read the Parquet files at each query, so a build that replaces them is seen at once.
    """
    global _database
    import duckdb

    key = str(Path(folder).resolve())
    with _lock:
        if _database is None:
            _database = duckdb.connect()
        schema = _schemas.get(key)
        if schema is None:
            schema = f"tables_{len(_schemas)}"
            _database.execute(f"CREATE SCHEMA {schema}")
            for name in TABLES:
                path = _sql_string(str(Path(key) / f"{name}.parquet"))
                _database.execute(f"CREATE VIEW {schema}.{name} AS SELECT * FROM read_parquet({path})")
            _schemas[key] = schema
        cursor = _database.cursor()
    cursor.execute(f"SET search_path = '{schema}'")
    return cursor


def run_table_query(folder: Path, name: str, params: list[str] | None = None, limit: int | None = None,
                    offset: int = 0, con=None, batch: int = 1000) -> TableResult:
    """Answer the bundled query `name` from the tables in `folder`, rows `offset` to `offset + limit`.

    Its parameters ($SPEAKER, $ENTITY) are given in order, as to the SPARQL. Rows come as plain Python
    values (str, int, Decimal, date, None), `batch` at a time from DuckDB.
    """
    import duckdb

    path = table_query(name)
    if path is None:
        raise QueryError(f"bundled query '{name}' has no table form")
    text = path.read_text(encoding="utf-8").strip().rstrip(";")
    values = query_params(name, text, list(params or []))  # an optional one left out is NULL
    if limit is not None:
        text += f"\nLIMIT {int(limit)}"
    if offset:
        text += f"\nOFFSET {int(offset)}"
    cursor = con if con is not None else connect(folder)
    try:
        cursor.execute(text, values or None)
    except duckdb.Error as exc:
        raise QueryError(f"table query {name} failed: {exc}") from None
    names = [d[0] for d in cursor.description]
    decimals = [i for i, d in enumerate(cursor.description) if str(d[1]).startswith("DECIMAL")]

    def rows() -> Iterator[tuple]:
        try:
            while chunk := cursor.fetchmany(batch):
                if decimals:
                    chunk = [_canonical_decimals(row, decimals) for row in chunk]
                yield from chunk
        finally:
            if con is None:
                cursor.close()

    return TableResult(names, rows())


def _canonical_decimals(row: tuple, at: list[int]) -> tuple:
    """The row with its decimals as the store gives them (xsd:decimal's canonical form: 0.00969, not 0.009690)."""
    row = list(row)
    for i in at:
        if row[i] is not None:
            row[i] = Decimal(format(row[i].normalize(), "f"))
    return tuple(row)


# ------------------------------------------------------------------ answering a query


@dataclass
class Answer:
    """The rows of a query, page by page: column names, an iterator of rows, and what answered it."""

    names: list[str]
    rows: Iterator
    source: str  # "tables" or "store"


DATE_COLUMN = "date"  # a query's rows can be kept to a time window (--since/--until) when they have this column


def answer(out_dir: str | Path, query: str, params: list[str] | None = None, limit: int | None = None,
           offset: int = 0, use_tables: bool = True, store=None, since: str | None = None,
           until: str | None = None) -> Answer:
    """Answer a query on what `kg build` wrote to out_dir: rows `offset` to `offset + limit` (all when None).

    A bundled query with a table form is answered from the tables when they are fresh (made by the
    build the store holds); any other query, and every query when the tables are missing or stale, from
    the store (`store`, when it is already open). Rows are plain values from the tables and rdflib terms
    from the store. `since`/`until` (ISO dates, both ends included) keep the rows whose `date` column
    falls between them, before the page is cut; a row without a date is left out when either is given.
    """
    from itertools import islice

    from kg.store import bundled_queries, iter_query, open_store, query_text

    if offset < 0 or (limit is not None and limit < 0):
        raise QueryError("--limit and --offset must be 0 or more")
    window = since is not None or until is not None
    if use_tables and query in bundled_queries() and table_query(query) is not None:
        folder = fresh_tables(out_dir)
        if folder is not None:
            if not window:
                result = run_table_query(folder, query, params, limit=limit, offset=offset)
                return Answer(result.names, result.rows, "tables")
            result = run_table_query(folder, query, params)
            rows = in_window(result.names, result.rows, since, until, query)
            return Answer(result.names, islice(rows, offset, None if limit is None else offset + limit), "tables")
    opened: list = [store] if store is not None else []

    def store():
        if not opened:
            opened.append(open_store(out_dir))
        return opened[0]

    text = query_text(query, list(params or []), store)  # parsed before the store opens
    names, rows = iter_query(store(), text)
    if window:
        rows = in_window(names, rows, since, until, query)
    return Answer(names, islice(rows, offset, None if limit is None else offset + limit), "store")


def in_window(names: list[str], rows: Iterator, since: str | None, until: str | None, query: str) -> Iterator:
    """Return the rows whose `date` column lies in [since, until] (ISO dates; an open end when None); raise
    QueryError at once when the rows have no such column."""
    if DATE_COLUMN not in names:
        dated = sorted(n for n, text in _bundled_texts().items() if re.search(rf"\?{DATE_COLUMN}\b", text.split(
            "WHERE", 1)[0]))
        raise QueryError(f"--since/--until need a `{DATE_COLUMN}` column, which {_short(query)} does not have; "
                         f"the bundled queries with one: {', '.join(dated)}")
    return _dated(rows, names.index(DATE_COLUMN), since or "0000-00-00", until or "9999-99-99")


def _dated(rows: Iterator, at: int, low: str, high: str) -> Iterator:
    for row in rows:
        day = str(row[at])[:10] if row[at] is not None else ""
        if day and low <= day <= high:
            yield row


def _bundled_texts() -> dict[str, str]:
    from kg.store import QUERIES_DIR

    return {path.stem: path.read_text(encoding="utf-8") for path in sorted(QUERIES_DIR.glob("*.rq"))}


def _short(query: str) -> str:
    return query if "\n" not in query and len(query) < 40 else "this query"

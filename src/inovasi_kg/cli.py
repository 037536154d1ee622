"""The command line: translates options into API calls and errors into messages and exit codes.

Exit codes: 0 ok, 1 validation failed / not conforming, 2 usage or input error.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from inovasi_kg.core.errors import InovasiKGError, ValidationFailed
from inovasi_kg.core.formats import NETWORK, RDF, RESULTS, names
from inovasi_kg.core.settings import LANGUAGES, SETTINGS, Settings, is_url, take_language

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])


def _api() -> Any:
    """The API module, imported when a command needs it (a query never loads the build stages)."""
    from inovasi_kg import api

    return api


def _help(name: str) -> str:
    return next(s.help for s in SETTINGS if s.name == name)


def exit_code(err: InovasiKGError) -> int:
    """The README's exit codes: 1 when the graph does not conform, 2 for bad input or environment."""
    return 1 if isinstance(err, ValidationFailed) else 2


def _handle_errors(func: F) -> F:
    """Translate errors into one message per problem and the README's exit codes; never a traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InovasiKGError as err:
            click.echo(f"error: {err}", err=True)
            for other in getattr(err, "others", []):
                click.echo(f"error: {other}", err=True)
            sys.exit(exit_code(err))
        except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
            try:
                sys.stdout = open(os.devnull, "w")  # keeps the interpreter from failing at exit
            except OSError:  # pragma: no cover
                pass
            sys.exit(0)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except click.exceptions.Exit:
            raise
        except (click.ClickException, click.Abort):
            raise
        except Exception as err:  # a bug: say so in one line, without a traceback
            click.echo(f"error: internal error ({type(err).__name__}: {err}); please report it", err=True)
            sys.exit(2)

    return wrapper  # type: ignore[return-value]


class _StrictCommand(click.Command):
    """A command that refuses an option given twice (click would silently keep the last one)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        options = {opt: param for param in self.params if isinstance(param, click.Option)
                   for opt in [*param.opts, *param.secondary_opts]}
        seen: dict[str, str] = {}
        skip_next = False
        for arg in args:
            if arg == "--":
                break
            if skip_next:  # the value of the option before
                skip_next = False
                continue
            if arg.startswith("--"):
                name, attached = arg.split("=", 1)[0], "=" in arg
            elif arg.startswith("-") and len(arg) > 1:
                name, attached = arg[:2], len(arg) > 2
            else:
                continue
            param = options.get(name)
            if param is None:
                continue
            if not (param.multiple or param.count):
                if param.name in seen:
                    raise click.UsageError(f"option {name} given more than once (first as {seen[str(param.name)]})", ctx)
                seen[str(param.name)] = name
            skip_next = not param.is_flag and not attached
        return super().parse_args(ctx, args)


class _Group(click.Group):
    command_class = _StrictCommand


def store_option(func: F) -> F:
    return click.option("--store", type=click.Path(path_type=str), default=None, help=_help("store"))(func)


def data_option(func: F) -> F:
    return click.option("--data", "data_dir", type=click.Path(path_type=str), default=None, help=_help("data_dir"))(func)


def ontology_option(func: F) -> F:
    return click.option("--ontology", "ontology_dir", type=click.Path(path_type=str), default=None,
                        help=_help("ontology_dir"))(func)


def base_option(func: F) -> F:
    return click.option("--base-iri", default=None, help=_help("base_iri"))(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, cls=_Group)
@click.version_option(package_name="inovasi-kg")
def cli() -> None:
    """inovasi-kg: knowledge graph of Indonesian regional-government innovation (inovasi daerah)."""


@cli.command()
@data_option
@ontology_option
@store_option
@base_option
@click.option("--force", is_flag=True, help="Rebuild even when no input changed.")
@_handle_errors
def build(data_dir: str | None, ontology_dir: str | None, store: str | None, base_iri: str | None,
          force: bool) -> None:
    """Load and check the tables, build, validate and store the graph."""
    from inovasi_kg.core.progress import Progress

    settings = Settings.load(data_dir=data_dir, ontology_dir=ontology_dir, store=store, base_iri=base_iri)
    bar = Progress("build", "triples")
    try:
        report = _api().build_store(settings, force=force, progress=bar.update)
    finally:
        bar.close()
    if report.skipped:
        click.echo(f"store {report.store} is up to date ({report.rows} rows); nothing to do (use --force to rebuild)")
        return
    warnings = sum(1 for f in report.findings if f.severity != "info")
    click.echo(f"built {report.triples} triples from {report.rows} rows into {report.store} "
               f"({warnings} finding(s); see `inovasi-kg validate`)")


@cli.command()
@click.option("--innovations-per-year", type=click.IntRange(min=0), default=30_000, show_default=True,
              help="Synthetic innovations per year.")
@click.option("--years", type=click.IntRange(min=1), default=5, show_default=True, help="Number of years.")
@click.option("--first-year", type=click.IntRange(min=1, max=9990), default=2020, show_default=True,
              help="The first year.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed (same seed, same files).")
@click.option("--province", "provinces", multiple=True, metavar="CODE",
              help="Only the governments of this province (repeatable), e.g. 33; default: the whole country.")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="A new or empty folder for the tables.")
@_handle_errors
def generate(innovations_per_year: int, years: int, first_year: int, seed: int, provinces: tuple[str, ...],
             output: Path) -> None:
    """Write synthetic national data (marked synthetic) over the real skeleton, in the format of data/."""
    from inovasi_kg.core.progress import Progress
    bar = Progress("generate", "inovasi")
    try:
        report = _api().generate_synthetic(output, innovations_per_year=innovations_per_year, years=years, seed=seed,
                       first_year=first_year, provinces=list(provinces) or None, progress=bar.update)
    finally:
        bar.close()
    click.echo(f"wrote {report.total} synthetic rows into {report.folder} "
               f"(build it with: inovasi-kg build --data {report.folder})")


@cli.command()
@data_option
@ontology_option
@base_option
@_handle_errors
def validate(data_dir: str | None, ontology_dir: str | None, base_iri: str | None) -> None:
    """SHACL report plus data-quality findings; exit 0 when it conforms, 1 when not."""
    settings = Settings.load(data_dir=data_dir, ontology_dir=ontology_dir, base_iri=base_iri)
    report = _api().validate_data(settings)
    click.echo(report.text(), nl=False)
    if not report.conforms:
        raise ValidationFailed("the graph does not conform")


@cli.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(names(RDF)), default="turtle", show_default=True,
              help="Serialization format.")
@click.option("-o", "--output", default=None, metavar="FILE",
              help="File to write (default, or -: standard output). Links, FIFOs and devices are written through.")
@click.option("--catalog", is_flag=True, help="Only the DCAT/VoID description of the dataset.")
@_handle_errors
def export(store: str | None, fmt: str, output: str | None, catalog: bool) -> None:
    """Export the full graph (data, ontology, code lists, DCAT/VoID description)."""
    from inovasi_kg.rdf.export import write_output

    data = _api().export_rdf(Settings.load(store=store), fmt, catalog_only=catalog)
    where = write_output(output or "-", data)
    if output not in (None, "-"):
        click.echo(f"wrote {where} ({len(data)} bytes)", err=True)


@cli.command()
@store_option
@click.option("--to", "to", required=True, metavar="URL", help="The SPARQL server's query endpoint, e.g. "
              "http://127.0.0.1:8890/sparql (user:password@ in it, or --user and INOVASI_KG_REMOTE_PASSWORD).")
@click.option("--graph", default=None, metavar="IRI", help=_help("remote_graph"))
@click.option("--update", default=None, metavar="URL", help=_help("remote_update"))
@click.option("--graph-store", default=None, metavar="URL", help="Load through this SPARQL Graph Store Protocol "
              "endpoint instead of update requests (faster; Virtuoso: .../sparql-graph-crud-auth).")
@click.option("--user", default=None, help=_help("remote_user"))
@click.option("--batch", type=click.IntRange(min=1), default=None, metavar="TRIPLES",
              help="Triples per request (default 2000 by update, 50000 by Graph Store Protocol).")
@click.option("--timeout", type=float, default=None, help="Seconds each request to the server may take.")
@_handle_errors
def push(store: str | None, to: str, graph: str | None, update: str | None, graph_store: str | None,
         user: str | None, batch: int | None, timeout: float | None) -> None:
    """Load the built graph into one named graph of a SPARQL 1.1 server (replaced whole; resumable)."""
    from inovasi_kg.core.progress import Progress

    settings = Settings.load(store=store, remote_graph=graph, remote_update=update, remote_user=user,
                             query_timeout=timeout)
    bar = Progress("push", "triples")
    try:
        report = _api().push_graph(settings, to, graph_store=graph_store, batch=batch, progress=bar.update)
    finally:
        bar.close()
    click.echo(report.text())
    if report.dropped:
        click.echo(f"dropped {len(report.dropped)} staging graph(s) of an earlier, stopped push")


@cli.command()
@store_option
@click.option("--build-dir", default=None, help=_help("build_dir"))
@_handle_errors
def publish(store: str | None, build_dir: str | None) -> None:
    """Write every export and the catalog into the build folder."""
    for path in _api().publish(Settings.load(store=store, build_dir=build_dir)):
        click.echo(f"wrote {path}")


@cli.command()
@store_option
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, help=_help("lang"))
@_handle_errors
def stats(store: str | None, lang: str | None) -> None:
    """Count instances by class."""
    rows = _api().stats(Settings.load(store=store, lang=lang))
    from inovasi_kg.core.prefixes import curie

    width = max((len(curie(r.iri)) for r in rows), default=5)
    for r in rows:
        click.echo(f"{r.count:>6}  {curie(r.iri):<{width}}  {r.label}")
    click.echo(f"{len(rows)} classes")


@cli.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--list", "list_", is_flag=True, help="List the named queries with titles and parameters.")
@click.option("--file", "file_", type=click.Path(path_type=Path), default=None, help="Run an ad-hoc query from a file.")
@click.option("--format", "fmt", type=click.Choice(["table", *names(RESULTS), *names(RDF)]),
              default="table", show_default=True, help="Output format (W3C results formats for SELECT/ASK).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, help=_help("lang"))
@click.option("--timeout", type=float, default=None, help=_help("query_timeout"))
@click.option("--memory-limit", "memory_mb", type=int, default=None, metavar="MIB", help=_help("query_memory_mb"))
@click.option("--max-rows", type=int, default=None, help=_help("max_rows"))
@click.option("--allow-service", is_flag=True, default=None, help=_help("allow_service"))
@store_option
@_handle_errors
def query(name: str | None, params: tuple[str, ...], list_: bool, file_: Path | None, fmt: str, lang: str | None,
          timeout: float | None, memory_mb: int | None, max_rows: int | None, allow_service: bool | None,
          store: str | None) -> None:
    """Run a named query (NAME), an ad-hoc one (--file Q.rq, or - for stdin), or list them (--list)."""
    from inovasi_kg.core.errors import QueryError, UsageError

    if list_ and (name or file_ or params):
        raise UsageError("--list takes no query name, --file or --param")
    if file_ is not None and name is not None:
        raise UsageError(f"give either a query NAME ({name!r}) or --file, not both")
    given: dict[str, str] = {}
    for item in params:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise UsageError(f"--param expects KEY=VALUE, got {item!r}")
        if key in given:
            raise UsageError(f"parameter {key!r} given more than once")
        given[key] = value
    lang = take_language(lang, given, option="--lang {}", parameter="-p lang={}")
    settings = Settings.load(store=store, lang=lang, query_timeout=timeout, max_rows=max_rows,
                             allow_service=allow_service, query_memory_mb=memory_mb)
    one_shot = None
    if name not in (None, "-") and file_ is None and not list_ and settings.store_kind == "embedded":
        # A named query runs in this process; the store opens while the rest is imported (start-up time).
        from inovasi_kg.store.open import open_one_shot

        one_shot = open_one_shot(settings)
    from inovasi_kg.kg import KnowledgeGraph, open_graph
    from inovasi_kg.sparql.named import catalogue, describe_parameters

    if list_:
        for q in catalogue().values():
            click.echo(f"{q.name}\n    {q.title_id} / {q.title_en}\n    {q.description}\n"
                       f"    parameters: {describe_parameters(q)}")
        return
    if file_ is None and name is None:
        raise QueryError("name a query, or use --file Q.rq, - (stdin) or --list")
    if (file_ is not None or name == "-") and given:
        raise UsageError("--param applies to named queries only")
    try:
        with KnowledgeGraph(settings, one_shot) if one_shot is not None else open_graph(settings) as kg:
            if file_ is not None or name == "-":
                text = _read_stdin() if name == "-" or str(file_) == "-" else _read_text(file_)
                result = kg.sparql(text)
            else:
                assert name is not None
                result = kg.query(name, lang=settings.lang, **given)
    finally:
        if one_shot is not None:
            one_shot.close()
    if fmt == "table":
        click.echo(result.table(), nl=False)
    else:
        if fmt == "xlsx" and sys.stdout.isatty():
            raise UsageError("--format xlsx writes a spreadsheet: redirect standard output to a file (> hasil.xlsx)")
        sys.stdout.buffer.write(result.serialize(fmt))
        sys.stdout.buffer.flush()


def _decode_query(raw: bytes, where: str) -> str:
    from inovasi_kg.core.errors import UsageError

    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        raise UsageError(f"{where}:{line}: the query is not UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start}); "
                         f"save it as UTF-8") from None


def _read_stdin() -> str:
    return _decode_query(sys.stdin.buffer.read(), "<stdin>")


def _read_text(path: Path | None) -> str:
    from inovasi_kg.core.errors import UsageError

    assert path is not None
    try:
        raw = path.read_bytes()
    except OSError as err:
        from inovasi_kg.rdf.export import os_reason

        raise UsageError(f"cannot read query file {path}: {os_reason(err)}") from None
    return _decode_query(raw, str(path))


@cli.command()
@click.argument("node")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, help=_help("lang"))
@store_option
@_handle_errors
def describe(node: str, lang: str | None, store: str | None) -> None:
    """Show one node (a label text, IRI, CURIE or id path): labels, types, properties, links, provenance."""
    from inovasi_kg.core.errors import UsageError
    from inovasi_kg.kg import open_graph

    if not node.strip():
        raise UsageError("describe needs a text to look for: a label, an IRI, a CURIE or an id path")
    with open_graph(Settings.load(store=store, lang=lang)) as kg:
        text = kg.describe(node).text()
    click.echo(text, nl=False)


@cli.command("graph")
@click.option("-o", "--output", default=None, metavar="FILE",
              help="File to write (default, or -: standard output, which must not be a terminal).")
@click.option("--format", "fmt", type=click.Choice(names(NETWORK)), default="html",
              show_default=True, help="Offline HTML page, GraphML (Cytoscape/yEd), GEXF (Gephi) or Cytoscape.js JSON.")
@click.option("--focus", default=None, help="Only the neighbourhood of this node (label, IRI, CURIE or id path).")
@click.option("--depth", type=click.IntRange(min=0), default=None, help="Links to follow from --focus (default 2).")
@click.option("--class", "classes", multiple=True, help="Keep only nodes of this class (repeatable), e.g. InovasiDaerah.")
@click.option("--exclude-class", "exclude", multiple=True, help="Leave out nodes of this class (repeatable).")
@click.option("--scaffolding", is_flag=True, help="Also show ontology classes, properties and code lists.")
@click.option("--overview", is_flag=True, help="The country by province and class, with counts (for large graphs).")
@click.option("--edition", default=None, metavar="EDITION",
              help="One award edition's winners by category: a year (2019), an edition id (iga-2019) or its label.")
@click.option("--history", default=None, metavar="REGION",
              help="One region's award results and index scores over the years: its code (33.71) or name (Kab. Bogor).")
@click.option("--node-limit", type=int, default=None,
              help="Refuse a view of more nodes than this, with advice (default 2000).")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, help=_help("lang"))
@store_option
@_handle_errors
def graph_command(output: str | None, fmt: str, focus: str | None, depth: int | None, classes: tuple[str, ...],
                  exclude: tuple[str, ...], scaffolding: bool, overview: bool, edition: str | None, history: str | None,
                  node_limit: int | None, lang: str | None, store: str | None) -> None:
    """Write the interactive relationship graph (offline HTML) or a file for Gephi/Cytoscape."""
    from inovasi_kg.core.errors import UsageError
    from inovasi_kg.rdf.export import write_output

    if depth is not None and focus is None:
        raise UsageError("--depth applies to --focus; give the node to start from with --focus")
    if output in (None, "-") and sys.stdout.isatty():
        raise UsageError("give -o FILE (e.g. -o graph.html), or redirect standard output to a file")
    from inovasi_kg.kg import NODE_LIMIT

    data = _api().render_graph(Settings.load(store=store, lang=lang), fmt, focus=focus, depth=2 if depth is None else depth,
                            classes=list(classes) or None, exclude=list(exclude) or None, scaffolding=scaffolding,
                            overview=overview, edition=edition, history=history,
                            node_limit=NODE_LIMIT if node_limit is None else node_limit)
    where = write_output(output or "-", data)
    if output not in (None, "-"):
        click.echo(f"wrote {where}", err=True)


@cli.command()
@store_option
@click.option("--host", default=None, help=_help("host"))
@click.option("--port", type=int, default=None, help=_help("port"))
@click.option("--workers", type=click.IntRange(min=1), default=None, help=_help("workers"))
@click.option("--get", "get_path", default=None, metavar="PATH",
              help="Print the response to one GET of PATH (e.g. /sparql?query=...) without opening a port.")
@click.option("--accept", default=None, help="Accept header for --get.")
@_handle_errors
def serve(store: str | None, host: str | None, port: int | None, workers: int | None, get_path: str | None,
          accept: str | None) -> None:
    """Serve the SPARQL endpoint, query editor, named queries, linked-data pages and catalog."""
    from inovasi_kg.web import create_app

    settings = Settings.load(store=store, host=host, port=port, workers=workers)
    app = create_app(settings)
    if get_path is not None:
        import asyncio

        import httpx

        async def fetch() -> httpx.Response:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url=f"http://{settings.host}:{settings.port}") as c:
                return await c.get(get_path, headers={"accept": accept} if accept else None)

        try:
            response = asyncio.run(fetch())
        finally:
            app.state.kg.close()
        sys.stdout.buffer.write(response.content)
        sys.stdout.buffer.flush()
        click.echo(f"{response.status_code} {response.headers.get('content-type', '')}", err=True)
        sys.exit(0 if response.status_code < 400 else 2)
    from inovasi_kg.web.server import run

    click.echo(f"serving on http://{settings.host}:{settings.port}/ (Ctrl-C stops)", err=True)
    run(app, settings)


@cli.command()
@click.option("--target", required=True, metavar="URL", help="Where the server runs, e.g. https://data.example.go.id")
@click.option("-o", "--output", default=None, metavar="FILE", help="File to write (default: standard output).")
@_handle_errors
def w3id(target: str, output: str | None) -> None:
    """Write the .htaccess that makes https://w3id.org/inovasi-daerah/ resolve to a deployment."""
    from inovasi_kg.core.errors import UsageError
    from inovasi_kg.rdf.export import write_output
    from inovasi_kg.web.w3id import htaccess

    if not is_url(target):
        raise UsageError(f"--target must be an http(s) URL, got {target!r}")
    write_output(output or "-", htaccess(target).encode("utf-8"))


def main() -> None:
    cli(prog_name="inovasi-kg")

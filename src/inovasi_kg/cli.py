"""The command line: translates options into API calls and errors into messages and exit codes.

Exit codes: 0 ok, 1 validation failed / not conforming, 2 usage or input error.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import click

from . import api
from .errors import InovasiKGError, ValidationFailed
from .export import FORMATS
from .settings import SETTINGS, Settings

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])


def _help(name: str) -> str:
    return next(s.help for s in SETTINGS if s.name == name)


def _handle_errors(func: F) -> F:
    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except InovasiKGError as err:
            click.echo(f"error: {err}", err=True)
            for other in getattr(err, "others", []):
                click.echo(f"error: {other}", err=True)
            sys.exit(err.exit_code)

    return wrapper  # type: ignore[return-value]


def store_option(func: F) -> F:
    return click.option("--store", type=click.Path(path_type=str), default=None, help=_help("store"))(func)


def data_option(func: F) -> F:
    return click.option("--data", "data_dir", type=click.Path(path_type=str), default=None, help=_help("data_dir"))(func)


def ontology_option(func: F) -> F:
    return click.option("--ontology", "ontology_dir", type=click.Path(path_type=str), default=None,
                        help=_help("ontology_dir"))(func)


def base_option(func: F) -> F:
    return click.option("--base-iri", default=None, help=_help("base_iri"))(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
    settings = Settings.load(data_dir=data_dir, ontology_dir=ontology_dir, store=store, base_iri=base_iri)
    report = api.build(settings, force=force)
    if report.skipped:
        click.echo(f"store {report.store} is up to date ({report.rows} rows); nothing to do (use --force to rebuild)")
        return
    warnings = sum(1 for f in report.findings if f.severity != "info")
    click.echo(f"built {report.triples} triples from {report.rows} rows into {report.store} "
               f"({warnings} finding(s); see `inovasi-kg validate`)")


@cli.command()
@data_option
@ontology_option
@base_option
@_handle_errors
def validate(data_dir: str | None, ontology_dir: str | None, base_iri: str | None) -> None:
    """SHACL report plus data-quality findings; exit 0 when it conforms, 1 when not."""
    settings = Settings.load(data_dir=data_dir, ontology_dir=ontology_dir, base_iri=base_iri)
    report = api.validate(settings)
    click.echo(report.text(), nl=False)
    if not report.conforms:
        raise ValidationFailed("the graph does not conform")


@cli.command()
@store_option
@click.option("--format", "fmt", type=click.Choice(list(FORMATS)), default="turtle", show_default=True,
              help="Serialization format.")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None, help="File to write (default: stdout).")
@click.option("--catalog", is_flag=True, help="Only the DCAT/VoID description of the dataset.")
@_handle_errors
def export(store: str | None, fmt: str, output: Path | None, catalog: bool) -> None:
    """Export the full graph (data, ontology, code lists, DCAT/VoID description)."""
    from .export import write_atomic

    data = api.export(Settings.load(store=store), fmt, catalog_only=catalog)
    if output is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        write_atomic(output, data)
        click.echo(f"wrote {output} ({len(data)} bytes)", err=True)


@cli.command()
@store_option
@click.option("--build-dir", default=None, help=_help("build_dir"))
@_handle_errors
def publish(store: str | None, build_dir: str | None) -> None:
    """Write every export and the catalog into the build folder."""
    for path in api.publish(Settings.load(store=store, build_dir=build_dir)):
        click.echo(f"wrote {path}")


@cli.command()
@store_option
@click.option("--lang", type=click.Choice(["id", "en"]), default=None, help=_help("lang"))
@_handle_errors
def stats(store: str | None, lang: str | None) -> None:
    """Count instances by class."""
    rows = api.stats(Settings.load(store=store, lang=lang))
    from .namespaces import curie

    width = max((len(curie(r.iri)) for r in rows), default=5)
    for r in rows:
        click.echo(f"{r.count:>6}  {curie(r.iri):<{width}}  {r.label}")
    click.echo(f"{len(rows)} classes")


@cli.command()
@click.argument("name", required=False)
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE", help="A query parameter (repeatable).")
@click.option("--list", "list_", is_flag=True, help="List the named queries with titles and parameters.")
@click.option("--file", "file_", type=click.Path(path_type=Path), default=None, help="Run an ad-hoc query from a file.")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "xml", "turtle", "ntriples", "jsonld"]),
              default="table", show_default=True, help="Output format (W3C results formats for SELECT/ASK).")
@click.option("--lang", type=click.Choice(["id", "en"]), default=None, help=_help("lang"))
@click.option("--timeout", type=float, default=None, help=_help("query_timeout"))
@click.option("--max-rows", type=int, default=None, help=_help("max_rows"))
@click.option("--allow-service", is_flag=True, default=None, help=_help("allow_service"))
@store_option
@_handle_errors
def query(name: str | None, params: tuple[str, ...], list_: bool, file_: Path | None, fmt: str, lang: str | None,
          timeout: float | None, max_rows: int | None, allow_service: bool | None, store: str | None) -> None:
    """Run a named query (NAME), an ad-hoc one (--file Q.rq, or - for stdin), or list them (--list)."""
    from .errors import QueryError, UsageError
    from .kg import open_graph
    from .queries import describe_parameters, load_queries
    from .resources import queries_dir

    settings = Settings.load(store=store, lang=lang, query_timeout=timeout, max_rows=max_rows,
                             allow_service=allow_service)
    if list_:
        for q in load_queries(queries_dir()).values():
            click.echo(f"{q.name}\n    {q.title_id} / {q.title_en}\n    {q.description}\n"
                       f"    parameters: {describe_parameters(q)}")
        return
    given: dict[str, str] = {}
    for item in params:
        key, eq, value = item.partition("=")
        if not eq or not key:
            raise UsageError(f"--param expects KEY=VALUE, got {item!r}")
        given[key] = value
    kg = open_graph(settings)
    hidden: set[str] = set()
    if file_ is not None or name == "-":
        if given:
            raise UsageError("--param applies to named queries only")
        text = sys.stdin.read() if name == "-" or str(file_) == "-" else _read_text(file_)
        result = kg.sparql(text)
    elif name:
        result = kg.query(name, lang=settings.lang, **given)
        hidden = {p.name for p in kg.named(name).parameters}
    else:
        raise QueryError("name a query, or use --file Q.rq, - (stdin) or --list")
    if fmt == "table":
        if hidden and result.kind == "select":
            keep = [i for i, v in enumerate(result.variables) if v not in hidden]
            result.variables = [result.variables[i] for i in keep]
            result.rows = [tuple(r[i] for i in keep) for r in result.rows]
        click.echo(result.table(), nl=False)
    else:
        sys.stdout.buffer.write(result.serialize(fmt))
        sys.stdout.buffer.flush()


def _read_text(path: Path | None) -> str:
    from .errors import UsageError

    assert path is not None
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise UsageError(f"cannot read query file {path}: {err}") from None


@cli.command()
@click.argument("node")
@click.option("--lang", type=click.Choice(["id", "en"]), default=None, help=_help("lang"))
@store_option
@_handle_errors
def describe(node: str, lang: str | None, store: str | None) -> None:
    """Show one node (a label text, IRI, CURIE or id path): labels, types, properties, links, provenance."""
    from .kg import open_graph

    click.echo(open_graph(Settings.load(store=store, lang=lang)).describe(node).text(), nl=False)


@cli.command("graph")
@click.option("-o", "--output", type=click.Path(path_type=Path), default=None,
              help="File to write (default: graph.html, or graph.<format>).")
@click.option("--format", "fmt", type=click.Choice(["html", "graphml", "gexf", "cyjs"]), default="html",
              show_default=True, help="Offline HTML page, GraphML (Cytoscape/yEd), GEXF (Gephi) or Cytoscape.js JSON.")
@click.option("--focus", default=None, help="Only the neighbourhood of this node (label, IRI, CURIE or id path).")
@click.option("--depth", type=int, default=2, show_default=True, help="Links to follow from --focus.")
@click.option("--class", "classes", multiple=True, help="Keep only nodes of this class (repeatable), e.g. InovasiDaerah.")
@click.option("--exclude-class", "exclude", multiple=True, help="Leave out nodes of this class (repeatable).")
@click.option("--scaffolding", is_flag=True, help="Also show ontology classes, properties and code lists.")
@click.option("--lang", type=click.Choice(["id", "en"]), default=None, help=_help("lang"))
@store_option
@_handle_errors
def graph_command(output: Path | None, fmt: str, focus: str | None, depth: int, classes: tuple[str, ...],
                  exclude: tuple[str, ...], scaffolding: bool, lang: str | None, store: str | None) -> None:
    """Write the interactive relationship graph (offline HTML) or a file for Gephi/Cytoscape."""
    from .export import write_atomic

    data = api.render_graph(Settings.load(store=store, lang=lang), fmt, focus=focus, depth=depth,
                     classes=list(classes) or None, exclude=list(exclude) or None, scaffolding=scaffolding)
    target = output or Path("graph.html" if fmt == "html" else f"graph.{'json' if fmt == 'cyjs' else fmt}")
    write_atomic(target, data)
    click.echo(f"wrote {target}")


def main() -> None:
    cli(prog_name="inovasi-kg")

"""Named queries (`queries/NAME.rq`) and the safe way to run any query.

A named query starts with a comment header:

    # title@id: Peringkat penghargaan
    # title@en: Award ranking
    # description: Rank, regional government and score of one award edition, in rank order.
    # param: edisi (iri, default {base}id/edisi-penghargaan/iga-2017) The award edition.
    # param: kategori (iri, optional, scheme bentuk-inovasi) A concept of the innovation-form scheme.
    # description@id: Peringkat, pemerintah daerah dan skor satu edisi penghargaan, urut peringkat.
    # param@id: kategori Sebuah konsep skema bentuk inovasi.

`description` and a parameter's help are in English; `description@id` and `param@id: NAME` give
them in Indonesian (the pages show the one of the site's language).

Parameter types: iri, string, search (a text matched ignoring case and accents: folded before it
is bound), integer, decimal, year, lang. Values are bound as RDF terms with the
engine's substitutions (SEP-0007), never pasted into query text; so a parameter must be projected
by the SELECT, and an optional parameter left unbound matches every value. A value that is empty or
only spaces is no value (an HTML form sends its empty fields): the default, unbound when optional, or
the error that the parameter is needed.

An IRI parameter may name its code list (`scheme NAME`, a concept scheme of ontology/kode.ttl): a
bare local name is then a concept of that scheme (`pelayanan-publik`), and a value that is not one
of the scheme's concepts is refused with the concepts it has (store/query.py checks the store).
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pyoxigraph as ox

from inovasi_kg.core.errors import QueryError
from inovasi_kg.core.iris import id_space
from inovasi_kg.core.prefixes import PREFIXES, SCHEMES
from inovasi_kg.core.settings import LANGUAGES
from inovasi_kg.core.terms import fold
from inovasi_kg.sparql.text import mask_comments_and_strings

__all__ = [
    "NamedQuery", "Parameter", "bind_parameters", "catalogue", "load_queries", "parse_header",
]

PARAM_TYPES = ("iri", "string", "search", "integer", "decimal", "year", "lang")
_HEADER = re.compile(r"#\s*(title@id|title@en|description|description@id|param|param@id):\s*(.*)")
_PARAM = re.compile(r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<spec>[^)]*)\)\s*(?P<help>.*)")


@dataclass(frozen=True)
class Parameter:
    """One typed query parameter."""

    name: str
    type: str
    optional: bool
    default: str | None
    help: str
    scheme: str | None = None  # the code list of an IRI parameter: a prefix of core/prefixes.py
    help_id: str = ""  # the help in Indonesian (`# param@id: NAME text`)

    def help_in(self, lang: str) -> str:
        return self.help_id if lang == "id" and self.help_id else self.help


@dataclass(frozen=True)
class NamedQuery:
    """A query file with its parsed header."""

    name: str
    path: Path
    title_id: str
    title_en: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str = field(repr=False)
    description_id: str = ""  # `# description@id:`; `# description:` is English

    def title_in(self, lang: str) -> str:
        return self.title_en if lang == "en" else self.title_id

    def description_in(self, lang: str) -> str:
        return self.description_id if lang == "id" and self.description_id else self.description


def parse_header(path: Path, text: str) -> NamedQuery:
    """Parse the comment header of a query file; QueryError naming file and line if malformed."""
    fields: dict[str, str] = {}
    params: list[Parameter] = []
    helps_id: dict[str, tuple[int, str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        m = _HEADER.fullmatch(stripped)
        if m is None:
            continue  # an ordinary comment
        key, value = m.group(1), m.group(2).strip()
        if key == "param":
            params.append(_parse_param(path, number, value))
        elif key == "param@id":
            name, _, help_id = value.partition(" ")
            if name in helps_id:
                raise QueryError(f"{path}:{number}: '# param@id: {name}' given twice in the header")
            helps_id[name] = (number, help_id.strip())
        elif key in fields:
            raise QueryError(f"{path}:{number}: '{key}' given twice in the header")
        else:
            fields[key] = value
    for key in ("title@id", "title@en", "description"):
        if not fields.get(key):
            raise QueryError(f"{path}:1: header is missing '# {key}: ...'")
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise QueryError(f"{path}:1: a parameter is declared twice")
    for name, (number, _) in helps_id.items():
        if name not in names:
            raise QueryError(f"{path}:{number}: '# param@id: {name}' names no declared parameter "
                             f"(declared: {', '.join(names) or 'none'})")
    params = [replace(p, help_id=helps_id[p.name][1]) if p.name in helps_id else p for p in params]
    body = mask_comments_and_strings(text)
    select = re.search(r"\bSELECT\b(.*?)\bWHERE\b", body, re.IGNORECASE | re.DOTALL)
    for p in params:
        if select is None or not re.search(rf"[?$]{p.name}\b", select.group(1)):
            raise QueryError(f"{path}:1: parameter '{p.name}' must be projected by the SELECT clause "
                             f"(values are bound by substitution)")
    return NamedQuery(path.stem, path, fields["title@id"], fields["title@en"], fields["description"],
                      tuple(params), text, description_id=fields.get("description@id", ""))


def _parse_param(path: Path, number: int, value: str) -> Parameter:
    m = _PARAM.fullmatch(value)
    if m is None:
        raise QueryError(f"{path}:{number}: malformed parameter; expected '# param: NAME (TYPE[, optional]"
                         f"[, default VALUE]) help'")
    parts = [s.strip() for s in m.group("spec").split(",")]
    ptype, optional, default, scheme = parts[0], False, None, None
    if ptype not in PARAM_TYPES:
        raise QueryError(f"{path}:{number}: unknown parameter type {ptype!r}; expected one of: {', '.join(PARAM_TYPES)}")
    for extra in parts[1:]:
        if extra == "optional":
            optional = True
        elif extra.startswith("default "):
            default = extra[len("default "):].strip()
        elif extra.startswith("scheme ") and ptype == "iri":
            scheme = extra[len("scheme "):].strip()
            if scheme not in SCHEMES:
                raise QueryError(f"{path}:{number}: unknown scheme {scheme!r}; expected one of: {', '.join(SCHEMES)}")
        else:
            raise QueryError(f"{path}:{number}: unknown parameter option {extra!r}; expected 'optional', "
                             f"'default VALUE' or (for an iri) 'scheme NAME'")
    return Parameter(m.group("name"), ptype, optional, default, m.group("help").strip(), scheme)


@functools.lru_cache(maxsize=8)
def _catalogue_at(folder: str) -> dict[str, NamedQuery]:
    return load_queries(Path(folder))


def catalogue() -> dict[str, NamedQuery]:
    """The shipped named queries by name, loaded once per process (do not change the dict)."""
    from inovasi_kg.core.resources import queries_dir

    return _catalogue_at(str(queries_dir()))


@functools.lru_cache(maxsize=32)
def internal(name: str) -> str:
    """The text of an internal query (queries/intern/NAME.rq: figures the build and pages need), with
    the project prologue."""
    from inovasi_kg.core.resources import queries_dir
    from inovasi_kg.sparql.text import prologue

    return prologue() + (queries_dir() / "intern" / f"{name}.rq").read_text(encoding="utf-8")


def load_queries(folder: Path) -> dict[str, NamedQuery]:
    """Every `*.rq` of `folder` by name."""
    queries = {}
    for path in sorted(folder.glob("*.rq")):
        queries[path.stem] = parse_header(path, path.read_text(encoding="utf-8"))
    return queries


def closest(name: str, names: list[str]) -> list[str]:
    return difflib.get_close_matches(name, names, n=3, cutoff=0.5)


def to_term(param: Parameter, raw: str, base: str) -> ox.NamedNode | ox.Literal:
    """Turn a user's string into an RDF term of the parameter's type; QueryError if it is not one."""
    t = param.type
    if t == "iri":
        if param.scheme is not None and re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", raw.strip()):
            return ox.NamedNode(PREFIXES[param.scheme] + raw.strip())  # a bare concept name of the scheme
        return resolve_iri(raw, base, what=f"parameter '{param.name}'")
    if t == "string":
        return ox.Literal(raw)
    if t == "search":  # matched against the folded search labels built with the store
        return ox.Literal(fold(raw))
    if t == "lang":
        if raw not in LANGUAGES:
            raise QueryError(f"parameter '{param.name}': expected one of {', '.join(LANGUAGES)}, got {raw!r}")
        return ox.Literal(raw)
    xsd = PREFIXES["xsd"]
    if t == "integer":
        if not re.fullmatch(r"-?[0-9]+", raw):
            raise QueryError(f"parameter '{param.name}': expected an integer, got {raw!r}")
        return ox.Literal(raw, datatype=ox.NamedNode(xsd + "integer"))
    if t == "decimal":
        try:
            if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", raw):
                raise InvalidOperation
            Decimal(raw)
        except InvalidOperation:
            raise QueryError(f"parameter '{param.name}': expected a decimal number, got {raw!r}") from None
        return ox.Literal(raw, datatype=ox.NamedNode(xsd + "decimal"))
    if t == "year":
        if not re.fullmatch(r"[0-9]{4}", raw):
            raise QueryError(f"parameter '{param.name}': expected a year (YYYY), got {raw!r}")
        return ox.Literal(raw, datatype=ox.NamedNode(xsd + "gYear"))
    raise AssertionError(t)  # pragma: no cover


# IRI schemes without "//" that a value may use as they are (a CURIE's prefix is anything else)
_OPAQUE_SCHEMES = frozenset({"urn", "tag", "mailto", "info", "data", "did", "doi", "isbn", "geo", "tel"})


def resolve_iri(raw: str, base: str, *, what: str = "value") -> ox.NamedNode:
    """Accept a full IRI (`<...>` optional), a CURIE with a project prefix, or a path under `{base}id/`;
    QueryError for a CURIE whose prefix is not ours (it would name nothing)."""
    text = raw.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    prefix, colon, local = text.partition(":")
    if re.match(r"[A-Za-z][A-Za-z0-9+.-]*://", text):
        pass  # a full IRI
    elif colon and prefix in PREFIXES:
        text = PREFIXES[prefix] + local
    elif colon and re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", prefix):
        if prefix.lower() not in _OPAQUE_SCHEMES:  # xx:yy names no prefix of ours: not a silent empty answer
            raise QueryError(f"{what}: unknown prefix {prefix + ':'!r} in {raw!r}; known prefixes: "
                             f"{', '.join(sorted(PREFIXES))} (or give a full IRI)")
    else:
        text = id_space(base) + text.removeprefix("id/")
    try:
        return ox.NamedNode(text)
    except ValueError as err:
        raise QueryError(f"{what}: {raw!r} is not a valid IRI ({err})") from None


def bind_parameters(query: NamedQuery, given: dict[str, str], base: str,
                    lang: str) -> dict[str, ox.NamedNode | ox.Literal]:
    """Check the given parameters against the query's and build the substitutions."""
    declared = {p.name: p for p in query.parameters}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise QueryError(f"query '{query.name}' has no parameter {', '.join(map(repr, unknown))}; "
                         f"it takes: {describe_parameters(query)}")
    bindings: dict[str, ox.NamedNode | ox.Literal] = {}
    for p in query.parameters:
        raw = given.get(p.name)
        if raw is not None and not raw.strip():
            raw = None  # an empty field is no value
        if raw is None and p.type == "lang":
            raw = lang
        if raw is None and p.default is not None:
            raw = p.default.replace("{base}", base)
        if raw is None:
            if p.optional:
                continue
            raise QueryError(f"query '{query.name}' needs parameter '{p.name}'; it takes: {describe_parameters(query)}")
        bindings[p.name] = to_term(p, raw, base)
    return bindings


def describe_parameters(query: NamedQuery) -> str:
    if not query.parameters:
        return "no parameters"
    parts = []
    for p in query.parameters:
        flags = ([p.type] + (["optional"] if p.optional else []) + ([f"default {p.default}"] if p.default else [])
                 + ([f"scheme {p.scheme}"] if p.scheme else []))
        parts.append(f"{p.name} ({', '.join(flags)})")
    return "; ".join(parts)

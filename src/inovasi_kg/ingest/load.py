"""Load stage: read the CSV tables of a data folder and check every cell.

Every problem is reported as `file:row:column: what was expected`; all problems of a folder are
collected and the first is raised with the rest attached (`DataError.others`).
"""

from __future__ import annotations

import csv
import functools
import io
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from inovasi_kg.core.errors import DataError
from inovasi_kg.ingest.regions import KINDS, MatchError, RegionMatcher, normalize
from inovasi_kg.ingest.tables import TABLES, Column, Row, Table
from inovasi_kg.rdf.namespaces import IDA

__all__ = ["LoadedData", "Row", "load_tables"]

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")
_INT = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"[0-9]{4}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")




@dataclass
class LoadedData:
    """All rows of a data folder, by table and by id."""

    folder: Path
    rows: dict[str, list[Row]] = field(default_factory=dict)
    headers: dict[str, list[str]] = field(default_factory=dict)
    by_id: dict[str, Row] = field(default_factory=dict)

    def __iter__(self) -> Iterator[Row]:
        for table in TABLES:
            yield from self.rows.get(table.name, [])

    def count(self) -> int:
        return sum(len(rows) for rows in self.rows.values())


class _Collector:
    def __init__(self) -> None:
        self.errors: list[DataError] = []

    def add(self, file: str, row: int | None, column: int | None, message: str) -> None:
        self.errors.append(DataError(file, row, column, message))

    def raise_if_any(self) -> None:
        if self.errors:
            first = self.errors[0]
            first.others = self.errors[1:]
            raise first


def load_tables(folder: Path, concepts: dict[str, set[str]]) -> LoadedData:
    """Read and check every table of `folder`; `concepts` maps a code-list scheme to its notations.

    Raises DataError (file:row:column) for the first problem, with all others attached.
    """
    out = _Collector()
    if not folder.is_dir():
        raise DataError(str(folder), None, None, "data folder not found")
    known = {t.file for t in TABLES}
    for path in sorted(folder.glob("*.csv")):
        if path.name not in known:
            out.add(_display(path), None, None,
                    f"unknown table {path.name!r}; expected one of: {', '.join(sorted(known))}")
    data = LoadedData(folder)
    failed: set[str] = set()  # tables with a bad file or a dropped row: references into them are not checked
    for table in TABLES:
        path = folder / table.file
        before = len(out.errors)
        data.rows[table.name] = _read_table(path, table, concepts, out, data.headers) if path.exists() else []
        if len(out.errors) > before:
            failed.add(table.name)
    if not data.rows.get("kutipan") and not out.errors:
        out.add(_display(folder / "kutipan.csv"), None, None, "missing: every fact needs a quote, and there is no quote table")
    first_seen: dict[str, Row] = {}
    for row in data:
        if row.id in first_seen:
            prev = first_seen[row.id]
            out.add(_display(folder / row.table.file), row.line, 1,
                    f"duplicate id {row.id!r}; first defined at {prev.table.file}:{prev.line}")
        else:
            first_seen[row.id] = row
    data.by_id = first_seen
    _resolve_printed(data, out)
    unchecked: dict[str, list[str]] = {}
    for row in data:
        _check_refs(row, data, out, failed, unchecked)
        _check_row(row, data, out)
    for row in data:
        if row.table.label is not None:
            try:
                row.resolved["label"] = list(row.table.label(row, data.by_id))
            except KeyError:
                pass  # a reference it needs is unknown: reported above
    for target, places in sorted(unchecked.items()):
        shown = ", ".join(places[:3]) + (f" and {len(places) - 3} more" if len(places) > 3 else "")
        out.add(_display(folder / f"{target}.csv"), None, None,
                f"{len(places)} reference(s) into this table (from {shown}) name ids it does not have; they were not "
                f"checked one by one because the table has errors (above): fix those first")
    _check_cycles(data, out)
    out.raise_if_any()
    return data


def _display(path: Path) -> str:
    """The path as messages show it: relative to the working folder where it lies inside it."""
    return _display_in(path, os.getcwd())


@functools.lru_cache(maxsize=256)
def _display_in(path: Path, cwd: str) -> str:  # called for every row: resolving once per table is enough
    try:
        return str(path.resolve().relative_to(Path(cwd).resolve()))
    except ValueError:
        return str(path)


def _read_table(
    path: Path, table: Table, concepts: dict[str, set[str]], out: _Collector, headers: dict[str, list[str]]
) -> list[Row]:
    name = _display(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        line = raw[: err.start].count(b"\n") + 1
        out.add(name, line, None, f"not UTF-8 (byte 0x{raw[err.start]:02x} at offset {err.start}); save the file as UTF-8")
        return []
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        out.add(name, 1, None, "empty file; expected a header row")
        return []
    except csv.Error as err:
        out.add(name, 1, None, f"malformed CSV header: {err}")
        return []
    headers[table.name] = header
    columns = {c.name: c for c in table.columns}
    for index, col_name in enumerate(header, start=1):
        if col_name not in columns:
            out.add(name, 1, index, f"unknown column {col_name!r}; expected one of: {', '.join(columns)}")
    if len(set(header)) != len(header):
        out.add(name, 1, None, "a column name appears twice in the header")
    for col in table.columns:
        if col.required and col.name not in header:
            out.add(name, 1, None, f"missing required column {col.name!r}")
    if "id" not in header:
        return []
    rows: list[Row] = []
    while True:
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as err:
            out.add(name, reader.line_num, None, f"malformed CSV row: {err}")
            break
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        if len(record) != len(header):
            out.add(name, line, None, f"expected {len(header)} fields as in the header, got {len(record)}")
            continue
        cells: dict[str, list[Any]] = {}
        for index, (col_name, cell) in enumerate(zip(header, record, strict=True), start=1):
            spec = columns.get(col_name)
            if spec is None:
                continue
            values = _parse_cell(cell, spec, concepts, lambda msg, i=index, ln=line: out.add(name, ln, i, msg))
            if values is not None:
                cells[col_name] = values
        missing = [c.name for c in table.columns if c.required and not cells.get(c.name) and c.name in header]
        for col_name in missing:
            if not any(e.file == name and e.row == line for e in out.errors):
                out.add(name, line, header.index(col_name) + 1, _missing_message(col_name))
        row_id = (cells.get("id") or [None])[0]
        if row_id is not None:
            rows.append(Row(table, line, row_id, cells))
    return rows


def _missing_message(col_name: str) -> str:
    if col_name == "sumber":
        return "missing quote: column 'sumber' must name at least one quote (kutipan) or source (sumber) id"
    return f"missing value in required column {col_name!r}"


def _parse_cell(cell: str, col: Column, concepts: dict[str, set[str]], error: Any) -> list[Any] | None:
    cell = cell.strip()
    if not cell:
        return None
    parts = [p.strip() for p in cell.split(";")] if col.many else [cell]
    values: list[Any] = []
    for part in parts:
        if not part:
            error(f"empty value in list {cell!r}")
            return None
        value = _parse_value(part, col, concepts, error)
        if value is None:
            return None
        values.append(value)
    return values


def _parse_value(text: str, col: Column, concepts: dict[str, set[str]], error: Any) -> Any:
    kind = col.kind
    if _CONTROL.search(text):
        error(f"control character in {text!r}")
        return None
    if kind in ("id", "ref"):
        if not _ID.fullmatch(text):
            bad = sorted({ch for ch in text if not re.fullmatch(r"[A-Za-z0-9._-]", ch)})
            error(f"invalid IRI character(s) {''.join(bad)!r} in id {text!r}; ids use letters, digits, '.', '_' and '-'")
            return None
        return text
    if kind in ("text", "alt", "str"):
        return text
    if kind == "int":
        if not _INT.fullmatch(text):
            error(_not_whole(text))
            return None
        if not _INT_MIN <= int(text) <= _INT_MAX:
            error(f"the whole number {text} is outside what the store keeps ({_INT_MIN} to {_INT_MAX})")
            return None
        return int(text)
    if kind == "decimal":
        return _parse_decimal(text, error)
    if kind == "bool":
        if text not in ("ya", "tidak"):
            error(f"expected ya or tidak, got {text!r}")
            return None
        return text == "ya"
    if kind == "date":
        try:
            if not _DATE.fullmatch(text):
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            error(f"expected a date as YYYY-MM-DD, got {text!r}")
            return None
    if kind == "year":
        if not _YEAR.fullmatch(text) or text == "0000":
            error(f"expected a year as YYYY (0001 to 9999), got {text!r}")
            return None
        return text
    if kind == "iri":
        try:
            if not text.startswith(("http://", "https://")):
                raise ValueError("not http(s)")
            ox.NamedNode(text)
        except ValueError:
            error(f"expected an http(s) IRI, got {text!r}")
            return None
        return text
    if kind == "concept":
        scheme = col.target[0]
        known = concepts.get(scheme, set())
        if text not in known:
            error(f"unknown {scheme} code {text!r}; expected one of: {', '.join(sorted(known))}")
            return None
        return text
    if kind == "class":
        if text not in col.choices:
            error(f"unknown kelas {text!r}; expected one of: {', '.join(col.choices)}")
            return None
        return text
    if kind == "property":
        try:
            return getattr(IDA, text)
        except AttributeError:
            error(f"unknown ontology property {text!r} (a local name of the ida: namespace)")
            return None
    raise AssertionError(f"unknown column kind {kind}")  # pragma: no cover


# Oxigraph keeps xsd:integer as a 64-bit number and xsd:decimal as a 128-bit number with 18 digits
# after the point; a value beyond that would be stored but not computed with, so it is refused.
_INT_MIN, _INT_MAX = -(2**63), 2**63 - 1
_DECIMAL_MAX = Decimal("170141183460469231731.687303715884105727")
_DECIMAL_PLACES = 18
# Indonesian writing groups thousands with '.' and marks decimals with ','; English the other way.
_ID_FORM = re.compile(r"-?(?:[1-9][0-9]{0,2}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?")
_EN_FORM = re.compile(r"-?(?:[1-9][0-9]{0,2}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")


def readings(text: str) -> dict[str, Decimal]:
    """What a number written as `text` means in Indonesian and in English writing (where it is one).

        >>> readings("2.478")
        {'Indonesian': Decimal('2478'), 'English': Decimal('2.478')}
        >>> readings("2,5")
        {'Indonesian': Decimal('2.5')}
    """
    out: dict[str, Decimal] = {}
    if _ID_FORM.fullmatch(text):
        out["Indonesian"] = Decimal(text.replace(".", "").replace(",", "."))
    if _EN_FORM.fullmatch(text):
        out["English"] = Decimal(text.replace(",", ""))
    return out


def _plain(value: Decimal) -> str:
    return format(value, "f")


def _both(found: dict[str, Decimal]) -> str:
    return "; ".join(f"in {conv} writing it is {_plain(v)}" for conv, v in found.items())


def _not_whole(text: str) -> str:
    found = readings(text)
    if not found:
        return f"expected a whole number (digits only, no separators), got {text!r}"
    whole = sorted({_plain(v) for v in found.values() if v == v.to_integral_value()})
    advice = f"; write {' or '.join(whole)} (digits only)" if whole else "; this column takes whole numbers only"
    return f"expected a whole number (digits only, no separators), got {text!r}: {_both(found)}{advice}"


def _unambiguous(value: Decimal) -> str:
    """The plain form of `value` that reads the same in both conventions (2.478 -> 2.4780)."""
    text = _plain(value)
    return text + "0" if len(readings(text)) > 1 and len(set(readings(text).values())) > 1 else text


def _parse_decimal(text: str, error: Any) -> Decimal | None:
    found = readings(text)
    ambiguous = len(set(found.values())) > 1
    if not _DECIMAL.fullmatch(text) or ambiguous:
        if not found:
            error(f"expected a decimal number such as 2478 or 2.5, got {text!r}")
        elif ambiguous:
            error(f"ambiguous number {text!r}: {_both(found)}; write "
                  + " or ".join(f"{_unambiguous(v)} for the {conv} reading" for conv, v in found.items()))
        else:
            (conv, value), = found.items()
            error(f"expected a decimal number with '.' as the decimal point and no grouping, got {text!r}: "
                  f"in {conv} writing it is {_plain(value)}; write {_unambiguous(value)}")
        return None
    value = Decimal(text)
    exponent = value.as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if places > _DECIMAL_PLACES:
        error(f"{text!r} has {places} digits after the point; the store keeps {_DECIMAL_PLACES} (it is refused, not rounded)")
        return None
    if abs(value) > _DECIMAL_MAX:
        error(f"{text!r} is larger than the store keeps (at most {_DECIMAL_MAX})")
        return None
    return value


def _check_refs(row: Row, data: LoadedData, out: _Collector, failed: set[str], unchecked: dict[str, list[str]]) -> None:
    file = _display(data.folder / row.table.file)
    header = data.headers.get(row.table.name, [])
    for col in row.table.columns:
        if col.kind != "ref":
            continue
        for value in row.cells.get(col.name, []):
            target = data.by_id.get(value)
            column = header.index(col.name) + 1 if col.name in header else None
            if target is None:
                broken = [t for t in col.target if t in failed] if col.target != ("*",) else sorted(failed)
                if broken:  # a knock-on of a table that failed: one line for all of them
                    unchecked.setdefault(broken[0], []).append(f"{row.table.file}:{row.line}")
                    continue
                where = "any table" if col.target == ("*",) else ", ".join(f"{t}.csv" for t in col.target)
                out.add(file, row.line, column, f"unknown reference {value!r} in column {col.name!r}; no such id in {where}")
            elif col.target != ("*",) and target.table.name not in col.target:
                out.add(file, row.line, column,
                        f"reference {value!r} in column {col.name!r} points to {target.table.file}; expected a row of "
                        + ", ".join(f"{t}.csv" for t in col.target))
            elif value == row.id:
                out.add(file, row.line, column, f"row {row.id!r} refers to itself in column {col.name!r}")


def _check_row(row: Row, data: LoadedData, out: _Collector) -> None:
    """Checks across the cells of one row: order of start and end, columns that exclude each other."""
    file = _display(data.folder / row.table.file)
    header = data.headers.get(row.table.name, [])
    for first, second in row.table.order:
        a, b = row.first(first), row.first(second)
        if a is not None and b is not None and str(a) > str(b):
            out.add(file, row.line, header.index(second) + 1,
                    f"{second} {b} is before {first} {a}; a period cannot end before it starts")
    if row.table.names_column_of is not None:
        names, targets = row.table.names_column_of
        for name in row.cells.get(names, []):
            for target_id in row.cells.get(targets, []):
                target = data.by_id.get(target_id)
                if target is None:
                    continue  # reported as an unknown reference
                fact_columns = [c.name for c in target.table.columns if c.predicate is not None and c.name != "sumber"]
                if name in fact_columns:
                    predicate = str(target.table.column(name).predicate)
                    if predicate not in row.resolved.setdefault(names, []):
                        row.resolved[names].append(predicate)
                else:
                    out.add(file, row.line, header.index(names) + 1,
                            f"{name!r} is not a fact column of {target.table.file} (row {target_id!r}); expected one "
                            f"of: {', '.join(fact_columns)}")
    for left, right in row.table.disjoint:
        both = sorted(set(row.cells.get(left, [])) & set(row.cells.get(right, [])))
        if both:
            out.add(file, row.line, header.index(right) + 1,
                    f"{both[0]!r} is in both {left!r} and {right!r}; a change cannot go from an organisation to itself")


def _check_cycles(data: LoadedData, out: _Collector) -> None:
    """A chain of references within one table through one column may not come back to where it started."""
    for table in TABLES:
        for col in table.columns:
            if col.kind != "ref" or table.name not in col.target:
                continue
            edges = {row.id: [v for v in row.cells.get(col.name, []) if v != row.id]
                     for row in data.rows.get(table.name, [])}
            reported: set[frozenset[str]] = set()
            for start in sorted(edges):
                cycle = _find_cycle(start, edges)
                if cycle and frozenset(cycle) not in reported:
                    reported.add(frozenset(cycle))
                    row = data.by_id[start]
                    header = data.headers.get(table.name, [])
                    out.add(_display(data.folder / table.file), row.line, header.index(col.name) + 1,
                            f"column {col.name!r} goes round in a circle: {' -> '.join([*cycle, cycle[0]])}")


def _find_cycle(start: str, edges: dict[str, list[str]]) -> list[str] | None:
    path, on_path = [start], {start}
    stack = [iter(edges.get(start, []))]
    while stack:
        nxt = next(stack[-1], None)
        if nxt is None:
            stack.pop()
            on_path.discard(path.pop())
            continue
        if nxt == start:
            return list(path)
        if nxt in on_path or nxt not in edges:
            continue
        path.append(nxt)
        on_path.add(nxt)
        stack.append(iter(edges.get(nxt, [])))
    return None


# The kinds of region an award category admits (a border or cluster category takes regencies and cities).
_CATEGORY_KINDS = {"provinsi": ("provinsi",), "kabupaten": ("kabupaten",), "kota": ("kota",)}


def region_matcher(data: LoadedData) -> RegionMatcher:
    """The matcher over the region table of `data`, with the spellings its rows record as aliases."""
    regions = [(row.id, str(row.first("kelas")), str(row.first("label_id"))) for row in data.rows.get("wilayah", [])]
    aliases = [(str(spelling), row.id) for row in data.rows.get("wilayah", [])
               for spelling in [*row.cells.get("ejaan_sumber", []), *row.cells.get("label_en", [])]]
    return RegionMatcher.from_labels(regions, aliases)


def _resolve_printed(data: LoadedData, out: _Collector) -> None:
    """Resolve each printed region name to the government it names (`Table.printed`); a located error if none."""
    matcher: RegionMatcher | None = None
    explained = {(target, column) for row in data.rows.get("penafsiran", [])
                 for target in row.cells.get("sasaran", []) for column in row.cells.get("kolom", [])}
    for table in TABLES:
        if table.printed is None:
            continue
        printed_col, ref_col = table.printed
        header = data.headers.get(table.name, [])
        file = _display(data.folder / table.file)
        for row in data.rows.get(table.name, []):
            printed = row.first(printed_col)
            if printed is None:
                continue
            matcher = matcher or region_matcher(data)
            given = row.first(ref_col)
            at_printed = header.index(printed_col) + 1
            at_ref = header.index(ref_col) + 1 if ref_col in header else at_printed
            try:
                context = row.first("kategori") or row.first("lingkup")  # an award category, or the kind listed under
                region = matcher.match(str(printed), _CATEGORY_KINDS.get(str(context), KINDS))
            except MatchError as err:
                if given is None:
                    out.add(file, row.line, at_printed, f"{err}; give the government in column {ref_col!r} "
                            f"and a penafsiran row that names this row and column {ref_col!r}")
                elif (row.id, ref_col) not in explained:
                    out.add(file, row.line, at_ref, f"{err}; the {ref_col} given ({given!r}) is a reading of the source: "
                            f"add a penafsiran row that names {row.id!r} and column {ref_col!r}")
                continue
            government = f"pemda-{region.code}"
            if government not in data.by_id:
                out.add(file, row.line, at_printed, f"{printed!r} names region {region.code}, which has no government "
                        f"row {government!r} in organisasi.csv")
                continue
            if given is None:
                row.cells[ref_col] = [government]
            elif given != government:
                out.add(file, row.line, at_ref, f"{ref_col} {given!r} does not match the printed name {printed!r}, "
                        f"which names {region.kind} {region.code} ({government!r})")
                continue
            labels = {normalize(str(data.by_id[region.code].first("label_id")))} if region.code in data.by_id else set()
            labels.add(normalize(str(data.by_id[government].first("label_id"))))
            if normalize(str(printed)) not in labels:
                row.resolved["hidden"] = [str(printed)]

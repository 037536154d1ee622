"""The errors inovasi-kg raises; only the edges (CLI, web) translate them.

    InovasiKGError
     ├── InputError            bad input (the CLI exits 2, the web layer answers 4xx)
     │    ├── DataError        a bad cell, row or file in data/ (file:row:column)
     │    ├── OntologyError    unreadable Turtle in ontology/ (file:line)
     │    ├── StoreError       the store is missing, locked or unreadable
     │    │    └── Cancelled    the caller went away and its work was stopped
     │    ├── QueryError       a bad query, query name or parameter
     │    │    └── LimitExceeded  stopped at its time limit or memory cap
     │    └── UsageError       a bad option value
     └── ValidationFailed      the graph does not conform (the CLI exits 1)

Exit codes and HTTP statuses are the edges' business (cli.py, the web app), not the errors'.

    >>> try:
    ...     raise DataError("data/x.csv", 3, 2, "expected a year")
    ... except InputError as err:
    ...     print(err)
    data/x.csv:3:2: expected a year
"""

from __future__ import annotations

__all__ = [
    "Cancelled",
    "DataError",
    "InovasiKGError",
    "InputError",
    "LimitExceeded",
    "OntologyError",
    "QueryError",
    "StoreError",
    "UsageError",
    "ValidationFailed",
]


class InovasiKGError(Exception):
    """Base of every error this package raises on purpose."""


class InputError(InovasiKGError):
    """Input that cannot be used as given; nothing was changed."""


class DataError(InputError):
    """A bad cell, row or file in a data folder, located as file:row:column."""

    def __init__(self, file: str, row: int | None, column: int | None, message: str) -> None:
        self.file, self.row, self.column, self.message = file, row, column, message
        self.others: list[DataError] = []  # further problems found in the same folder
        where = file
        if row is not None:
            where += f":{row}"
            if column is not None:
                where += f":{column}"
        super().__init__(f"{where}: {message}")


class OntologyError(InputError):
    """Unreadable Turtle in the ontology folder, located as file:line."""

    def __init__(self, file: str, line: int | None, message: str) -> None:
        self.file, self.line, self.message = file, line, message
        where = f"{file}:{line}" if line is not None else file
        super().__init__(f"{where}: {message}")


class StoreError(InputError):
    """The store is missing, locked or unreadable."""


class QueryError(InputError):
    """A query that cannot run: bad syntax, unknown name, bad parameter, refused operation."""

    def __init__(self, message: str, *, line: int | None = None, column: int | None = None) -> None:
        self.message, self.line, self.column = message, line, column
        super().__init__(message)


class LimitExceeded(QueryError):
    """A query stopped at its time limit or memory cap (the web layer answers 503)."""


class Cancelled(StoreError):
    """Work stopped because its caller went away (a web client disconnected); nobody reads the answer."""


class UsageError(InputError):
    """An option or argument with a value that cannot be used."""


class ValidationFailed(InovasiKGError):
    """The built graph does not conform to the shapes."""

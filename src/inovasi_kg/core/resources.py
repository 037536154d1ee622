"""Where the package finds its ontology, queries and shipped data (installed or in a checkout)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["data_dir", "ontology_dir", "queries_dir"]

_HERE = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    # An installed wheel carries the folders inside the package (see pyproject force-include);
    # a checkout or editable install keeps them at the project's top level.
    for candidate in (_HERE.parent / "_share" / name, _HERE.parents[2] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"cannot find the {name}/ folder of inovasi-kg (looked in {_HERE})")


def ontology_dir() -> Path:
    """The folder with ontology/*.ttl and shapes.ttl."""
    return _find("ontology")


def queries_dir() -> Path:
    """The folder with the named queries (*.rq)."""
    return _find("queries")


def data_dir() -> Path:
    """The folder with the shipped authoring tables (*.csv)."""
    return _find("data")

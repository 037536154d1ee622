"""Shared fixtures: one real build of the shipped data into a temporary store, per session."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from inovasi_kg import Settings, build
from inovasi_kg.resources import data_dir, ontology_dir
from inovasi_kg.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seed" / "000_cd48a5bcf97942ce.txt"
IN_CI = os.environ.get("CI") == "true"


@pytest.fixture(scope="session")
def article() -> str:
    """The source article; the project keeps quotes, not a copy of the article."""
    if not SEED.exists():
        if IN_CI:
            pytest.fail(f"the source article is missing at {SEED}")
        pytest.skip("the source article (../shared/seed) is not beside this checkout")
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("kg")
    s = Settings.load(store=str(root / "store"), build_dir=str(root / "build"))
    build(s)
    return s


@pytest.fixture(scope="session")
def store(settings: Settings) -> ox.Store:
    return open_store(Path(settings.store))


@pytest.fixture(scope="session")
def graph(store: ox.Store) -> Graph:
    """The stored default graph as an rdflib graph."""
    data = ox.serialize((ox.Triple(q.subject, q.predicate, q.object)
                         for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())),
                        format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=data, format="nt")


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped data folder."""
    target = tmp_path / "data"
    shutil.copytree(data_dir(), target)
    return target


@pytest.fixture()
def ontology_copy(tmp_path: Path) -> Path:
    target = tmp_path / "ontology"
    shutil.copytree(ontology_dir(), target)
    return target


def select(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    """Run a SELECT and return rows of plain strings (None for unbound)."""
    prefixes = (
        "PREFIX ida: <https://w3id.org/inovasi-daerah/ontology#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
        "PREFIX org: <http://www.w3.org/ns/org#>\n"
        "PREFIX dct: <http://purl.org/dc/terms/>\n"
        "PREFIX prov: <http://www.w3.org/ns/prov#>\n"
        "PREFIX oa: <http://www.w3.org/ns/oa#>\n"
    )
    result = store.query(prefixes + query)
    return [tuple(None if row[v] is None else row[v].value for v in result.variables) for row in result]

"""The CLI and the public API surface."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

from click.testing import CliRunner

import inovasi_kg
from inovasi_kg import Settings
from inovasi_kg.cli import cli
from inovasi_kg.core.settings import SETTINGS

ROOT = Path(__file__).resolve().parents[1]


def test_public_api_is_explicit() -> None:
    assert sorted(inovasi_kg.__all__) == ["BuildReport", "ClassCount", "InovasiKGError", "KnowledgeGraph",
                                          "QueryResult", "Settings", "build_store", "export_rdf", "open_graph",
                                          "publish", "render_graph", "stats", "validate_data"]
    assert all(callable(getattr(inovasi_kg, name)) for name in inovasi_kg.__all__)


def test_every_module_declares_its_public_names() -> None:
    src = ROOT / "src" / "inovasi_kg"
    for path in sorted(src.rglob("*.py")):
        rel = path.relative_to(src)
        if path.name in ("__init__.py", "__main__.py") and rel.parent != Path("."):
            continue  # a layer's own __init__ only describes it
        name = ".".join(["inovasi_kg", *rel.with_suffix("").parts]).removesuffix(".__init__").removesuffix(".__main__")
        if path.name == "__main__.py":
            continue
        module = importlib.import_module(name)
        assert getattr(module, "__all__", None) is not None, f"{name} declares no __all__"


def test_only_the_backends_touch_the_store_class() -> None:
    """A reading of the sources: no module outside store/ uses pyoxigraph.Store (sparql/text.py asks an
    empty, throwaway one for the engine's own syntax error, and holds no data)."""
    src = ROOT / "src" / "inovasi_kg"
    users = sorted(str(p.relative_to(src)) for p in src.rglob("*.py")
                   if re.search(r"\b(ox|pyoxigraph)\.Store\b", p.read_text(encoding="utf-8")))
    assert users and all(u.startswith("store/") or u == "sparql/text.py" for u in users), users


def test_no_inline_sparql_outside_queries_and_backends() -> None:
    src = ROOT / "src" / "inovasi_kg"
    pattern = re.compile(r"\b(SELECT|CONSTRUCT|ASK)\b[^\n]*\bWHERE\b|\bSELECT\s+\?", re.IGNORECASE)
    # shacl.py is the compiler that writes the shapes' queries from ontology/shapes.ttl
    found = sorted(str(p.relative_to(src)) for p in src.rglob("*.py")
                   if not str(p.relative_to(src)).startswith("store/") and p.name != "shacl.py"
                   and pattern.search(p.read_text(encoding="utf-8")))
    assert found == []


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in readme or not s.help]
    assert missing == []


def test_validate_conforms_and_lists_the_contradiction() -> None:
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("conforms: yes (")
    assert "[warning] contradiction: <https://w3id.org/inovasi-daerah/id/peringkat/iga-2017.kota.5>" in result.output
    assert 'kept value: 2478  quote: "Kota Magelang peringkat 5 skor 2478"' in result.output
    assert ('conflicting value: 2548  quote: "berhasil menempati urutan kelima dari 10 (sepuluh) pemenang '
            'dengan skor sebanyak 2548"') in result.output


def test_validate_exits_1_when_not_conforming(data_copy: Path) -> None:
    path = data_copy / "peringkat.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",2478,", ",-2478,"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["validate", "--data", str(data_copy)])
    assert result.exit_code == 1
    assert result.output.startswith("conforms: NO")
    assert "Ranked result: exactly one score, a non-negative decimal" in result.output


def test_build_then_skip_then_stats(tmp_path: Path) -> None:
    store = str(tmp_path / "store")
    first = CliRunner().invoke(cli, ["build", "--store", store])
    assert first.exit_code == 0, first.output
    assert re.fullmatch(r"built \d+ triples from 2172 rows into .*store \(18 finding\(s\); see `inovasi-kg validate`\)\n",
                        first.output)
    second = CliRunner().invoke(cli, ["build", "--store", store])
    assert "is up to date (2172 rows); nothing to do" in second.output
    stats = CliRunner().invoke(cli, ["stats", "--store", store])
    assert stats.exit_code == 0
    lines = {line.split()[1]: int(line.split()[0]) for line in stats.output.splitlines()[:-1]}
    assert lines["ida:Peringkat"] == 10
    # the real national data: one row of data/ each (tests/test_real_data.py checks them against their pages)
    assert (lines["ida:HasilPenghargaan"], lines["ida:AngkaIndeksNasional"], lines["ida:NilaiIndeksDaerah"]) == (439, 86, 148)
    assert lines["ida:InovasiDaerah"] == 8
    assert lines["ida:PerangkatDaerah"] == 6
    assert lines["org:Organization"] == 561  # 552 governments, 6 agencies, 2 central bodies, Balitbang's predecessor


def test_export_to_file_and_bad_base_iri(tmp_path: Path, settings: Settings) -> None:
    out = tmp_path / "x.ttl"
    result = CliRunner().invoke(cli, ["export", "--store", settings.store, "-o", str(out)])
    assert result.exit_code == 0
    assert out.read_bytes().startswith(b"@prefix ")
    bad = CliRunner().invoke(cli, ["build", "--store", str(tmp_path / "s"), "--base-iri", "ftp://x"])
    assert bad.exit_code == 2
    assert "base_iri must be an http(s) IRI ending in / or #" in bad.stderr


def test_module_entry_point() -> None:
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "inovasi_kg", "--help"], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("Usage: inovasi-kg [OPTIONS] COMMAND [ARGS]...")
    for command in ("build", "validate", "export", "publish", "stats", "query", "describe", "graph"):
        assert f"  {command} " in out.stdout


def test_settings_from_environment() -> None:
    import pytest

    from inovasi_kg.core.errors import UsageError

    s = Settings.load(environ={"INOVASI_KG_LANG": "en", "INOVASI_KG_MAX_ROWS": "5", "INOVASI_KG_ALLOW_SERVICE": "ya"})
    assert (s.lang, s.max_rows, s.allow_service) == ("en", 5, True)
    assert Settings.load(environ={"INOVASI_KG_LANG": "en"}, lang="id").lang == "id"
    with pytest.raises(UsageError, match="setting max_rows: cannot read 'many' as int"):
        Settings.load(environ={"INOVASI_KG_MAX_ROWS": "many"})
    with pytest.raises(UsageError, match="lang must be 'id' or 'en', got 'fr'"):
        Settings.load(lang="fr")


def test_max_rows_truncates_and_says_so(settings: Settings) -> None:
    result = CliRunner().invoke(cli, ["query", "peringkat-penghargaan", "--store", settings.store, "--max-rows", "3"])
    assert result.exit_code == 0
    assert result.output.endswith("3 rows (truncated: more rows exist; raise max_rows to see them)\n")


def test_query_writes_a_spreadsheet_to_a_file_not_to_a_terminal(settings: Settings, tmp_path: Path) -> None:
    """--format xlsx for named and ad-hoc queries: the same rows as CSV; refused (exit 2) on a terminal."""
    import csv
    import io

    from openpyxl import load_workbook

    ranking = CliRunner().invoke(cli, ["query", "peringkat-penghargaan", "--store", settings.store, "--format", "xlsx"])
    assert ranking.exit_code == 0, ranking.output
    rows = [list(r) for r in load_workbook(io.BytesIO(ranking.stdout_bytes)).active.iter_rows(values_only=True)]
    table = list(csv.reader(io.StringIO(CliRunner().invoke(
        cli, ["query", "peringkat-penghargaan", "--store", settings.store, "--format", "csv"]).output)))
    assert [["" if c is None else str(c) for c in row] for row in rows] == table and rows[5][0] == 5
    query = tmp_path / "q.rq"
    query.write_text("SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/inovasi-daerah/ontology#Provinsi> }")
    adhoc = CliRunner().invoke(cli, ["query", "--file", str(query), "--store", settings.store, "--format", "xlsx"])
    assert [list(r) for r in load_workbook(io.BytesIO(adhoc.stdout_bytes)).active.iter_rows(values_only=True)] == [
        ["n"], [38]]
    import subprocess
    import sys

    terminal = subprocess.run(
        ["script", "-qec", f"{sys.executable} -m inovasi_kg query peringkat-penghargaan --store {settings.store} "
                           "--format xlsx", "/dev/null"], capture_output=True, text=True, timeout=120)
    assert terminal.returncode == 2
    assert "--format xlsx writes a spreadsheet: redirect standard output to a file" in terminal.stdout


def test_cli_start_does_not_import_heavy_stacks() -> None:
    import subprocess
    import sys

    code = ("import sys, inovasi_kg.cli; print(sorted(m for m in ('pyshacl', 'networkx', 'pyvis', 'jinja2', 'numpy',"
            " 'scipy', 'playwright') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

"""The built wheel carries the ontology, queries, data and page template, and works without the source tree."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_is_self_contained(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("inovasi_kg-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in ["inovasi_kg/_share/ontology/inovasi-daerah.ttl", "inovasi_kg/_share/ontology/shapes.ttl",
                     "inovasi_kg/_share/queries/peringkat-penghargaan.rq", "inovasi_kg/_share/data/kutipan.csv",
                     "inovasi_kg/_share/data/LICENSE.md"]:
        assert expected in names
    # every template, style and script of the package is in the wheel, wherever it lives
    source = ROOT / "src"
    shipped = {p.relative_to(source).as_posix() for p in (source / "inovasi_kg").rglob("*")
               if p.is_file() and p.suffix in (".py", ".html", ".css", ".js") and "node_modules" not in p.parts
               and not {"yasgui", "swagger-ui", "peta"} & set(p.parts)}  # copied from npm by make assets
    assert shipped and shipped <= names, sorted(shipped - names)
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import inovasi_kg, inovasi_kg.core.resources as r;"
            "assert str(r.ontology_dir()).startswith(sys.argv[1]), r.ontology_dir();"
            "s = inovasi_kg.Settings.load(store='store'); rep = inovasi_kg.build_store(s);"
            "print(rep.rows, len(inovasi_kg.open_graph(s).query('peringkat-penghargaan').rows))")
    out = subprocess.run([sys.executable, "-c", code, str(site)], cwd=elsewhere, check=True, capture_output=True,
                         text=True)
    assert out.stdout.strip() == "2172 10"


def test_benchmarks_import_the_current_api() -> None:
    """The benchmarks are scripts, not tests; importing them catches a renamed API."""
    import importlib.util

    for name in ("graph_page", "web_load"):
        spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
        assert spec is not None and spec.loader is not None
        spec.loader.exec_module(importlib.util.module_from_spec(spec))


def test_licences_are_explicit_and_agree_with_the_catalog() -> None:
    import tomllib

    from inovasi_kg.dataset.catalog import LICENSE

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    data = (ROOT / "data" / "LICENSE.md").read_text(encoding="utf-8")
    assert LICENSE in data and "CC BY 4.0" in data

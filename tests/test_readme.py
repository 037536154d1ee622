"""The README's figures come from a build, and every file it names is in the repository."""

from __future__ import annotations

import re
from pathlib import Path

from inovasi_kg import Settings, build_store, validate_data

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# written by `make run` / `publish` / a build, not kept in the repository
GENERATED = ("build/", "var/")


def test_the_build_figures_in_the_readme_are_the_builds() -> None:
    settings = Settings.load(store="memory:readme")
    report = build_store(settings, force=True)
    shown = re.search(r"rows=(\d+), triples=(\d+)", README)
    assert shown is not None and (int(shown[1]), int(shown[2])) == (report.rows, report.triples)
    counted = re.search(r"\((\d+) for the shipped data, from (\d+) rows\)", README)
    assert counted is not None and (int(counted[1]), int(counted[2])) == (report.triples, report.rows)
    assert validate_data(Settings.load()).triples == report.triples  # one figure, two commands


def test_every_file_the_readme_names_exists() -> None:
    # a path (with a folder) or a document (.md) the README names is in the repository; bare file
    # names are examples of output (graph.html, my.rq), and build/ and var/ are written by the commands
    named = set(re.findall(r"(?<![\w/.{-])([\w.-]+(?:/[\w.-]+)*\.(?:md|py|ttl|csv|rq|toml|json|txt|html))\b", README))
    cited = {n for n in named if ("/" in n or n.endswith(".md")) and not n.startswith(GENERATED) and "NAME" not in n}
    assert len(cited) > 10
    missing = [n for n in sorted(cited) if not (ROOT / n).exists() and not (ROOT / "src" / "inovasi_kg" / n).exists()]
    assert missing == []

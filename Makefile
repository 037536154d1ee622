# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: run test lint check bench bench-web profile-web clean assets

ASSETS := src/inovasi_kg/web/assets
YASGUI := src/inovasi_kg/web/static/yasgui
SWAGGER := src/inovasi_kg/web/static/swagger-ui
MAP     := src/inovasi_kg/web/static/peta

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	$(BIN)/python -m compileall -q src/inovasi_kg  # bytecode, as pip writes for a normal install (start-up time)
	touch $(STAMP)

# The query editor (YASGUI) from the npm registry, pinned by package-lock.json, served from our own
# origin. Without npm the editor falls back to a plain form (a warning says so).
$(YASGUI)/yasgui.min.js: $(ASSETS)/package.json $(ASSETS)/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --prefix $(ASSETS) --ignore-scripts --no-audit --no-fund --loglevel=error && \
	  mkdir -p $(YASGUI) && \
	  cp $(ASSETS)/node_modules/@zazuko/yasgui/build/yasgui.min.js $(ASSETS)/node_modules/@zazuko/yasgui/build/yasgui.min.css $(YASGUI)/ && \
	  cp $(ASSETS)/node_modules/@zazuko/yasgui/LICENSE $(YASGUI)/ 2>/dev/null || true; \
	  mkdir -p $(SWAGGER) && \
	  cp $(ASSETS)/node_modules/swagger-ui-dist/swagger-ui-bundle.js $(ASSETS)/node_modules/swagger-ui-dist/swagger-ui.css \
	     $(ASSETS)/node_modules/swagger-ui-dist/LICENSE $(SWAGGER)/ && \
	  mkdir -p $(MAP) && \
	  cp $(ASSETS)/node_modules/@svg-maps/indonesia/indonesia.svg $(MAP)/indonesia.svg && \
	  cp $(ASSETS)/node_modules/@svg-maps/indonesia/LICENSE.md $(MAP)/LICENSE-indonesia.md && \
	  cp $(ASSETS)/node_modules/svg-pan-zoom/dist/svg-pan-zoom.min.js $(MAP)/ && \
	  cp $(ASSETS)/node_modules/svg-pan-zoom/LICENSE $(MAP)/LICENSE-svg-pan-zoom; \
	else echo "warning: npm not found; the query editor falls back to a plain form" >&2; fi

# The API documentation's renderer (Swagger UI, npm swagger-ui-dist) and the map's province shapes
# (npm @svg-maps/indonesia, CC BY 4.0) with its pan and zoom (npm svg-pan-zoom), copied by the same install.
$(SWAGGER)/swagger-ui-bundle.js $(MAP)/indonesia.svg: $(YASGUI)/yasgui.min.js
	@test -f $@ || { rm -f $(YASGUI)/yasgui.min.js && $(MAKE) --no-print-directory $(YASGUI)/yasgui.min.js; }

assets: $(YASGUI)/yasgui.min.js $(SWAGGER)/swagger-ui-bundle.js $(MAP)/indonesia.svg

# Build the graph into the embedded store, write exports + graph page into build/, then serve
# everything on http://127.0.0.1:8000 (Ctrl-C stops).
run: $(STAMP) assets
	$(BIN)/inovasi-kg build
	$(BIN)/inovasi-kg publish
	$(BIN)/inovasi-kg serve

# ruff + mypy, then the whole suite (warnings are errors).
test: $(STAMP) assets lint
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

check: test

# Benchmarks print ratios against a baseline measured in the same run (see benchmarks/).
bench: $(STAMP)
	$(BIN)/python -m compileall -q src/inovasi_kg
	$(BIN)/python benchmarks/national.py
	$(BIN)/python benchmarks/graph_page.py

# The web app beside rdflib-endpoint and Oxigraph's server under wrk (needs Debian's wrk).
.venv-bench/.installed: benchmarks/requirements-web.txt
	test -x .venv-bench/bin/python || $(PYTHON) -m venv .venv-bench
	.venv-bench/bin/python -m pip install --quiet -r benchmarks/requirements-web.txt
	touch $@

bench-web: $(STAMP) .venv-bench/.installed
	$(BIN)/python benchmarks/web_load.py --anchors .venv-bench/bin

# Where one entity page's and one ad-hoc query's time goes (py-spy on the server; benchmarks/README.md).
profile-web: $(STAMP) .venv-bench/.installed
	$(BIN)/python benchmarks/profile_web.py --anchors .venv-bench/bin

clean:
	rm -rf build var .pytest_cache $(YASGUI) $(ASSETS)/node_modules

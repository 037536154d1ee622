"""One settings table: every setting with its default and help; the CLI and the server read it.

Values come, in order of precedence, from explicit arguments, `INOVASI_KG_<NAME>` environment
variables, then the defaults below. Paths are relative to the current working directory.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal

from inovasi_kg.core.errors import UsageError

__all__ = ["LANGUAGES", "SETTINGS", "Setting", "Settings", "StoreKind", "is_url", "store_kind", "take_language"]

LANGUAGES: tuple[str, ...] = ("id", "en")  # label languages: Indonesian first, English alongside


@dataclass(frozen=True)
class Setting:
    """One documented setting."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting("base_iri", "https://w3id.org/inovasi-daerah/", "Base IRI of minted instance IRIs ({base}id/{type}/{key})."),
    Setting("data_dir", None, "Folder of authoring CSV tables; default: the data shipped with the package."),
    Setting("ontology_dir", None, "Folder of the ontology Turtle files and shapes.ttl; default: the shipped ontology."),
    Setting("store", "var/store", "Where the graph is stored: a folder (embedded Oxigraph store), memory:NAME, or a "
            "SPARQL server's query endpoint (http(s)://.../sparql) that `inovasi-kg push` loaded."),
    Setting("remote_graph", None, "Named graph on a SPARQL server that holds the graph; default: {base}graph."),
    Setting("remote_update", None, "SPARQL update endpoint of the server (default: its query endpoint; Virtuoso: "
            ".../sparql-auth)."),
    Setting("remote_user", None, "User name for the SPARQL server (sent as Basic or Digest, as the server asks)."),
    Setting("remote_password", None, "Password for the SPARQL server; give it as INOVASI_KG_REMOTE_PASSWORD, not "
            "on the command line."),
    Setting("remote_max_bytes", 268435456, "Largest answer read from the SPARQL server (bytes); a larger one is refused."),
    Setting("build_dir", "build", "Folder where `make run`/`inovasi-kg publish` writes exports and the graph page."),
    Setting("lang", "id", "Preferred label language: id (Indonesian) or en (English)."),
    Setting("query_timeout", 30.0, "Seconds a query (named or ad-hoc) may run before it is stopped."),
    Setting("query_memory_mb", 2048, "MiB of memory a query worker may use beyond its start; a query over it is stopped."),
    Setting("max_rows", 10000, "Most result rows a query returns; more are cut and flagged as truncated."),
    Setting("allow_service", False, "Allow SPARQL SERVICE (federated) calls to remote endpoints."),
    Setting("host", "127.0.0.1", "Address `inovasi-kg serve` listens on."),
    Setting("port", 8000, "Port `inovasi-kg serve` listens on."),
    Setting("workers", 2, "Query worker processes of the web server (each runs one query at a time)."),
    Setting("light_workers", 1, "More query worker processes of the web server kept for light queries (named queries, "
            "pages, bounded ad-hoc ones), so they are answered while long queries hold the others."),
    Setting("max_body_bytes", 1048576, "Largest request body the web server accepts (bytes); more gets 413."),
    Setting("admission_slots", 0, "Requests that may wait on or hold the query workers at once (0: eight per worker); "
            "beyond them the server answers 503 at once."),
    Setting("client_share", 0.75, "Largest share of the admission slots one client address may hold (beyond: 429)."),
    Setting("max_connections", 1024, "Open connections the web server keeps; a new one beyond them first closes the "
            "oldest idle one, else gets 503."),
    Setting("header_timeout", 10.0, "Seconds a client has to send a request's headers (slow clients are dropped)."),
    Setting("keepalive_timeout", 5.0, "Seconds an idle keep-alive connection stays open."),
    Setting("max_url_bytes", 8192, "Longest request target (path and query) the web server accepts; more gets 414."),
    Setting("max_header_bytes", 16384, "Largest total size of a request's headers; more gets 431."),
    Setting("page_copy_mb", 256, "A store of at most this many MB on disk is also read from a copy in memory by the "
            "web server's pages (0: always from disk); the copy is made once per generation."),
    Setting("build_memory_mb", 1024, "A build checks and counts its new generation in memory while it takes at "
            "most about this many MB there, else on disk (0: always on disk)."),
    Setting("cache_bytes", 67108864, "Bytes of responses the web server keeps per store generation (0: no cache)."),
    Setting("base_path", "/", "Path on the server where {base} IRIs resolve ({base}id/x is served at {base_path}id/x)."),
)


_DEFAULTS: dict[str, Any] = {s.name: s.default for s in SETTINGS}  # the table is the one place for defaults


def _coerce(setting: Setting, raw: str) -> Any:
    default = setting.default
    try:
        if isinstance(default, bool):
            if raw.lower() in ("1", "true", "yes", "ya", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "tidak", "off", ""):
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError:
        raise UsageError(f"setting {setting.name}: cannot read {raw!r} as {type(default).__name__}") from None
    return raw


@dataclass(frozen=True)
class Settings:
    """Resolved settings; build one with `Settings.load(**overrides)`.

    >>> Settings.load(lang="en").lang
    'en'
    """

    base_iri: str = _DEFAULTS["base_iri"]
    data_dir: str | None = _DEFAULTS["data_dir"]
    ontology_dir: str | None = _DEFAULTS["ontology_dir"]
    store: str = _DEFAULTS["store"]
    remote_graph: str | None = _DEFAULTS["remote_graph"]
    remote_update: str | None = _DEFAULTS["remote_update"]
    remote_user: str | None = _DEFAULTS["remote_user"]
    remote_password: str | None = _DEFAULTS["remote_password"]
    remote_max_bytes: int = _DEFAULTS["remote_max_bytes"]
    build_dir: str = _DEFAULTS["build_dir"]
    lang: str = _DEFAULTS["lang"]
    query_timeout: float = _DEFAULTS["query_timeout"]
    query_memory_mb: int = _DEFAULTS["query_memory_mb"]
    max_rows: int = _DEFAULTS["max_rows"]
    allow_service: bool = _DEFAULTS["allow_service"]
    host: str = _DEFAULTS["host"]
    port: int = _DEFAULTS["port"]
    workers: int = _DEFAULTS["workers"]
    light_workers: int = _DEFAULTS["light_workers"]
    max_body_bytes: int = _DEFAULTS["max_body_bytes"]
    admission_slots: int = _DEFAULTS["admission_slots"]
    client_share: float = _DEFAULTS["client_share"]
    max_connections: int = _DEFAULTS["max_connections"]
    header_timeout: float = _DEFAULTS["header_timeout"]
    keepalive_timeout: float = _DEFAULTS["keepalive_timeout"]
    max_url_bytes: int = _DEFAULTS["max_url_bytes"]
    max_header_bytes: int = _DEFAULTS["max_header_bytes"]
    cache_bytes: int = _DEFAULTS["cache_bytes"]
    page_copy_mb: int = _DEFAULTS["page_copy_mb"]
    build_memory_mb: int = _DEFAULTS["build_memory_mb"]
    base_path: str = _DEFAULTS["base_path"]

    @classmethod
    def load(cls, environ: dict[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then INOVASI_KG_* environment variables, then non-None overrides."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for setting in SETTINGS:
            raw = env.get("INOVASI_KG_" + setting.name.upper())
            if raw is not None:
                values[setting.name] = _coerce(setting, raw)
        unknown = set(overrides) - {s.name for s in SETTINGS}
        if unknown:
            raise UsageError(f"unknown setting(s): {', '.join(sorted(unknown))}")
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = replace(cls(), **values)
        settings.check()
        return settings

    def check(self) -> None:
        """Raise UsageError for a value that cannot work."""
        if not (self.base_iri.startswith(("http://", "https://")) and self.base_iri.endswith(("/", "#"))):
            raise UsageError(f"base_iri must be an http(s) IRI ending in / or #, got {self.base_iri!r}")
        if self.lang not in LANGUAGES:
            raise UsageError(f"lang must be {' or '.join(map(repr, LANGUAGES))}, got {self.lang!r}")
        if isinstance(self.query_timeout, bool) or not isinstance(self.query_timeout, (int, float)) \
                or not math.isfinite(self.query_timeout) or self.query_timeout <= 0:
            raise UsageError(f"query_timeout must be a positive finite number of seconds, got {self.query_timeout!r}")
        if not (self.base_path.startswith("/") and self.base_path.endswith("/")):
            raise UsageError(f"base_path must start and end with '/', got {self.base_path!r}")
        if not 0 < self.port < 65536:
            raise UsageError(f"port must be 1 to 65535, got {self.port!r}")
        if isinstance(self.admission_slots, bool) or not isinstance(self.admission_slots, int) or self.admission_slots < 0:
            raise UsageError(f"admission_slots must be 0 (automatic) or a positive whole number, got {self.admission_slots!r}")
        if isinstance(self.light_workers, bool) or not isinstance(self.light_workers, int) or self.light_workers < 0:
            raise UsageError(f"light_workers must be 0 (none) or a positive whole number, got {self.light_workers!r}")
        if isinstance(self.cache_bytes, bool) or not isinstance(self.cache_bytes, int) or self.cache_bytes < 0:
            raise UsageError(f"cache_bytes must be 0 (no cache) or a positive whole number, got {self.cache_bytes!r}")
        if isinstance(self.page_copy_mb, bool) or not isinstance(self.page_copy_mb, int) or self.page_copy_mb < 0:
            raise UsageError(f"page_copy_mb must be 0 (no copy) or a positive whole number, got {self.page_copy_mb!r}")
        if isinstance(self.build_memory_mb, bool) or not isinstance(self.build_memory_mb, int) or self.build_memory_mb < 0:
            raise UsageError("build_memory_mb must be 0 (always on disk) or a positive whole number, "
                             f"got {self.build_memory_mb!r}")
        if isinstance(self.client_share, bool) or not isinstance(self.client_share, (int, float)) \
                or not 0 < self.client_share <= 1:
            raise UsageError(f"client_share must be a fraction above 0 and at most 1, got {self.client_share!r}")
        for name in ("header_timeout", "keepalive_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
                raise UsageError(f"{name} must be a positive finite number of seconds, got {value!r}")
        for name in ("max_rows", "query_memory_mb", "workers", "max_body_bytes", "max_connections", "max_url_bytes",
                     "max_header_bytes", "remote_max_bytes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
                raise UsageError(f"{name} must be a positive whole number, got {value!r}")
        for name in ("remote_graph", "remote_update"):
            value = getattr(self, name)
            if value is not None and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|^`\\]+$", value):
                raise UsageError(f"{name} must be an absolute IRI, got {value!r}")
        if not str(self.store).strip():
            raise UsageError("store must not be empty; give the folder of the store (default var/store)")

    @property
    def graph_iri(self) -> str:
        """The named graph on a SPARQL server that holds the graph."""
        return self.remote_graph or f"{self.base_iri}graph"

    @property
    def slots(self) -> int:
        """The admission slots in front of the query workers (admission_slots, or eight per worker)."""
        return self.admission_slots or 8 * self.workers

    @property
    def store_kind(self) -> StoreKind:
        """What the store setting names: see `store_kind`."""
        return store_kind(str(self.store))

    @property
    def remote(self) -> bool:
        """Whether the store is a SPARQL server."""
        return self.store_kind == "remote"

    @property
    def store_path(self) -> Path:
        return Path(self.store)

    @property
    def build_path(self) -> Path:
        return Path(self.build_dir)


StoreKind = Literal["embedded", "memory", "remote"]


def store_kind(location: str) -> StoreKind:
    """What a store location names: a SPARQL server (`http(s)://...`), an in-memory store
    (`memory:` or `memory:NAME`) or, anything else, the folder of an embedded store.

    >>> [store_kind(x) for x in ("var/store", "memory:t", "https://example.org/sparql")]
    ['embedded', 'memory', 'remote']
    """
    if location.startswith(("http://", "https://")):
        return "remote"
    if location.startswith("memory:"):
        return "memory"
    return "embedded"


def take_language(lang: str | None, params: dict[str, str], *, option: str = "lang {}",
                  parameter: str = "parameter lang={}") -> str | None:
    """The label language of a named query, given as an option (`lang`) and/or as its `lang`
    parameter (popped from `params`); QueryError when the two disagree or the language is unknown.
    `option` and `parameter` say how the caller's user spelled them (for the message).

    >>> take_language(None, {"lang": "en", "tahun": "2017"})
    'en'
    """
    from .errors import QueryError

    if "lang" not in params:
        return lang
    value = params.pop("lang")
    if lang is not None and lang != value:
        raise QueryError(f"{option.format(lang)} and {parameter.format(value)} disagree; give one of them")
    if value not in LANGUAGES:
        raise QueryError(f"parameter 'lang': expected {' or '.join(map(repr, LANGUAGES))}, got {value!r}")
    return value


def is_url(text: str) -> bool:
    """Whether `text` is an http(s) URL (a SPARQL server's endpoint, a deployment's address)."""
    return store_kind(text) == "remote"


def _names() -> set[str]:
    return {f.name for f in fields(Settings)}


assert _names() == {s.name for s in SETTINGS}, "Settings and SETTINGS disagree"

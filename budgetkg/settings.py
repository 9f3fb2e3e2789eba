"""The service's settings: declared once, layered from several sources.

Every setting is one row of ``SETTINGS`` (name, type, default, help). The same table
feeds the defaults, the ``budgetkg serve`` flags and their ``--help``, the settings
table in docs/service.md and a test that checks all of them are documented.

Layers, later ones win: the defaults <- a TOML file (``--config FILE`` or
``$BUDGETKG_CONFIG``) <- ``BUDGETKG_<NAME>`` environment variables <- the caller's
overrides (command-line flags, or the mapping given to ``create_app``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENV_PREFIX = "BUDGETKG_"
CONFIG_ENV = "BUDGETKG_CONFIG"


class SettingsError(ValueError):
    """A setting has a value of the wrong type or out of range, or is unknown."""


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The per-user data folder, the way platformdirs' ``user_data_dir`` picks it.

    Linux and other Unixes follow the XDG base-directory spec; written out here so the
    service needs no extra dependency for one path.
    """
    env = os.environ if environ is None else environ
    if sys.platform == "win32":
        root = env.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(root) / "budgetkg"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "budgetkg"
    xdg = env.get("XDG_DATA_HOME", "")
    # The spec says a relative $XDG_DATA_HOME is invalid and must be ignored.
    root = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".local" / "share"
    return root / "budgetkg"


def _positive(kind: str) -> Callable[[Any], None]:
    def check(value: Any) -> None:
        if value <= 0:
            raise SettingsError(f"must be a positive {kind}, got {value!r}")

    return check


def _non_negative(value: int) -> None:
    if value < 0:
        raise SettingsError(f"must be 0 or more, got {value!r}")


def _port(value: int) -> None:
    if not 0 <= value <= 65535:
        raise SettingsError(f"must be a TCP port (0-65535), got {value!r}")


def _base_iri(value: str) -> None:
    # Same rule as the IRI minting in budgetkg.loader.iris: absolute, ends with / or #.
    scheme, sep, _ = value.partition(":")
    if not sep or not scheme[:1].isalpha() or not value.endswith(("/", "#")):
        raise SettingsError(f"must be an absolute IRI ending with '/' or '#', got {value!r}")


def _http_url(value: str) -> None:
    if not value:
        return
    scheme, sep, rest = value.partition("://")
    if scheme.lower() not in {"http", "https"} or not sep or not rest:
        raise SettingsError(f"must be an http(s) URL, got {value!r}")
    if "@" in rest.split("/", 1)[0]:
        # user:password@host would end up in logs and `ps`; keep secrets out of URLs.
        raise SettingsError("must not carry credentials; set store_user and store_password "
                            "in the environment or the config file")


def _iri_or_empty(value: str) -> None:
    if value and (":" not in value or " " in value):
        raise SettingsError(f"must be an absolute IRI (or empty), got {value!r}")


def _date_or_empty(value: str) -> None:
    from datetime import date

    if value:
        try:
            date.fromisoformat(value)
        except ValueError:
            raise SettingsError(f"must be a date YYYY-MM-DD (or empty), got {value!r}") from None


def _auth_scheme(value: str) -> None:
    if value not in {"digest", "basic"}:
        raise SettingsError(f"must be digest or basic, got {value!r}")


@dataclass(frozen=True)
class Setting:
    """One setting: its name, Python type, default value and help text."""

    name: str
    type: type
    default: Any
    help: str
    flag: str = ""  # command-line flag of `budgetkg serve`; derived from the name if empty
    check: Callable[[Any], None] | None = None
    metavar: str = ""
    # A secret (a password) has no command-line flag (flags show up in `ps` and shell
    # history) and is masked wherever settings are shown.
    secret: bool = False

    @property
    def option(self) -> str:
        return self.flag or "--" + self.name.replace("_", "-")

    @property
    def env_var(self) -> str:
        return ENV_PREFIX + self.name.upper()

    def default_value(self, environ: Mapping[str, str] | None = None) -> Any:
        # A callable default depends on the environment (data_dir on $XDG_DATA_HOME).
        return self.default(environ) if callable(self.default) else self.default

    def shown_default(self) -> str:
        if self.name == "data_dir":
            return "$XDG_DATA_HOME/budgetkg or ~/.local/share/budgetkg"
        return str(self.default_value())

    def coerce(self, value: Any, source: str) -> Any:
        """Turn ``value`` (from TOML, the environment or a caller) into this type."""
        try:
            if self.type is bool:
                result: Any = _to_bool(value)
            elif self.type is int:
                if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
                    raise ValueError(value)
                result = int(value)
            elif self.type is float:
                if isinstance(value, bool):
                    raise ValueError(value)
                result = float(value)
            elif self.type is Path:
                result = Path(value).expanduser()
            else:
                if not isinstance(value, str):
                    raise ValueError(value)
                result = value
        except (TypeError, ValueError):
            raise SettingsError(
                f"{source}: {self.name} must be {self.type.__name__}, got {value!r}"
            ) from None
        if self.check is not None:
            try:
                self.check(result)
            except SettingsError as exc:
                raise SettingsError(f"{source}: {self.name} {exc}") from None
        return result


def _to_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(value)


#: Every setting of the service, in the order `--help` and the docs list them.
SETTINGS: tuple[Setting, ...] = (
    Setting("data_dir", Path, default_data_dir,
            "Folder of the on-disk store (created when missing).", metavar="DIR"),
    Setting("host", str, "127.0.0.1",
            "Interface to listen on; 127.0.0.1 keeps the service local.", metavar="HOST"),
    Setting("port", int, 5000, "TCP port to listen on (0: any free port).", check=_port, metavar="PORT"),
    Setting("base_iri", str, "https://budgetkg.example.org/id/",
            "Base of the IRIs minted for loaded documents; absolute, ends with / or #.",
            check=_base_iri, metavar="IRI"),
    Setting("query_timeout", float, 30.0,
            "Seconds a query may run before it is stopped (its worker is killed) and "
            "answered with 422 (the query's fault: a 4xx, not a retry-me 5xx).", flag="--timeout", check=_positive("number"), metavar="S"),
    Setting("max_rows", int, 10000,
            "Most solutions (SELECT) or triples (CONSTRUCT, DESCRIBE) returned; longer "
            "results are cut and flagged with the X-Results-Truncated header.",
            check=_positive("integer"), metavar="N"),
    Setting("max_download_rows", int, 1_000_000,
            "Most rows (or triples) of a whole-answer download (`all=1` on /sparql and "
            "/queries/NAME, `budgetkg query --all`, the notebook API); past it the answer is "
            "cut and flagged as with max_rows.", check=_positive("integer"), metavar="N"),
    Setting("download_timeout", float, 120.0,
            "Seconds a whole-answer download (`all=1`) may run before it is stopped (422); "
            "interactive queries keep query_timeout.", check=_positive("number"), metavar="S"),
    Setting("max_request_bytes", int, 1_048_576,
            "Largest request body accepted, in bytes; larger ones get 413.",
            check=_positive("integer"), metavar="BYTES"),
    Setting("max_query_length", int, 100_000,
            "Longest query text accepted, in characters; longer ones get 400.",
            check=_positive("integer"), metavar="N"),
    Setting("max_nesting", int, 32,
            "Deepest nesting of { }, ( ) and [ ] accepted in a query; deeper ones get 400.",
            check=_positive("integer"), metavar="N"),
    Setting("max_triple_patterns", int, 1000,
            "Most triple patterns (an upper estimate counted before parsing) accepted in "
            "a query; more get 400.", check=_positive("integer"), metavar="N"),
    Setting("max_operators", int, 1000,
            "Most operators and pattern keywords (FILTER, OPTIONAL, MINUS, UNION, BIND, !, +, && …) "
            "accepted in a query; more get 400 (thousands in a row overflow the engine's stack).",
            check=_positive("integer"), metavar="N"),
    Setting("worker_memory", int, 4096,
            "Address space, in MiB, each query worker may use; a query needing more ends its "
            "worker (422) instead of exhausting the host. 0: no limit.",
            check=_non_negative, metavar="MIB"),
    Setting("workers", int, 2,
            "Query worker processes; each runs one query at a time and is killed on "
            "timeout. 0 runs queries in the server process (no hard timeout).",
            check=_non_negative, metavar="N"),
    Setting("threads", int, 8, "HTTP threads of the waitress server.",
            check=_positive("integer"), metavar="N"),
    Setting("cors_origin", str, "*",
            "Value of Access-Control-Allow-Origin sent to browsers; empty turns CORS off.",
            metavar="ORIGIN"),
    Setting("store_url", str, "",
            "SPARQL query endpoint of a remote store to load into and serve from (see "
            "docs/stores.md); empty: the embedded store in data_dir.",
            flag="--store", check=_http_url, metavar="URL"),
    Setting("store_update_url", str, "",
            "SPARQL Update endpoint of the remote store, for loading; empty: store_url.",
            check=_http_url, metavar="URL"),
    Setting("store_user", str, "",
            "User name for the remote store (environment or config file only).", secret=True),
    Setting("store_password", str, "",
            "Password for the remote store (environment or config file only; never logged).",
            secret=True),
    Setting("store_auth", str, "digest",
            "HTTP authentication the remote store's query endpoint wants: digest or basic "
            "(updates answer either challenge).", check=_auth_scheme, metavar="SCHEME"),
    Setting("publish_contacts", bool, False,
            "Publish the personal contact fields some layouts print (项目负责人, 联系电话) in the "
            "loaded RDF; off: they are read (budgetkg parse --json) but never loaded."),
    Setting("store_batch", int, 1000,
            "Triples sent per SPARQL Update request when loading into a remote store.",
            check=_positive("integer"), metavar="N"),
    # The dataset's description for data portals (DCAT-AP, docs/linked-data.md).
    Setting("license", str, "",
            "IRI of the data's licence (e.g. https://creativecommons.org/licenses/by/4.0/), "
            "stated in the DCAT description; empty: the description says no licence is set "
            "and serve and publish warn.", check=_iri_or_empty, metavar="IRI"),
    Setting("publisher", str, "",
            "Name of the publisher of the dataset (DCAT dcterms:publisher); empty: "
            "\"publisher not set\".", metavar="NAME"),
    Setting("publisher_iri", str, "",
            "IRI identifying the publisher (its web site); empty: an IRI in the description.",
            check=_iri_or_empty, metavar="IRI"),
    Setting("contact_email", str, "",
            "E-mail address of the dataset's contact point (DCAT dcat:contactPoint); empty: "
            "the landing page is given instead.", metavar="EMAIL"),
    Setting("issued", str, "",
            "Date the dataset was first published (YYYY-MM-DD, dcterms:issued); empty: left out.",
            check=_date_or_empty, metavar="DATE"),
    Setting("region", str, "",
            "Regions (provincial names such as 宁夏, or GB/T 2260 codes such as 640000), comma "
            "separated, the data covers when the departments' names do not say (dcterms:spatial).",
            metavar="NAMES"),
)

SETTINGS_BY_NAME: dict[str, Setting] = {s.name: s for s in SETTINGS}


class Settings(Mapping[str, Any]):
    """The resolved value of every setting (read-only; attribute or item access)."""

    def __init__(self, values: Mapping[str, Any]) -> None:
        missing = set(SETTINGS_BY_NAME) - set(values)
        if missing:
            raise SettingsError(f"missing settings: {', '.join(sorted(missing))}")
        self._values = dict(values)

    def __getitem__(self, key: str) -> Any:
        return self._values[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __repr__(self) -> str:
        shown = {k: ("***" if v and SETTINGS_BY_NAME[k].secret else v) for k, v in self._values.items()}
        return f"Settings({shown!r})"


def _layer(values: dict[str, Any], layer: Mapping[str, Any], source: str) -> None:
    for key, value in layer.items():
        name = key.lower().replace("-", "_")
        setting = SETTINGS_BY_NAME.get(name)
        if setting is None:
            raise SettingsError(f"{source}: unknown setting {key!r}")
        if value is None:  # a flag that was not given
            continue
        values[name] = setting.coerce(value, source)


def read_config_file(path: str | Path) -> dict[str, Any]:
    """The settings of a TOML file: top-level keys, or the ``[budgetkg]`` table."""
    import tomllib  # (only when there is a file: ~3 ms of every command's start)

    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read config file: {exc.strerror or exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: invalid TOML: {exc}") from exc
    table = data.get("budgetkg", data)
    if not isinstance(table, dict):
        raise SettingsError(f"{path}: [budgetkg] must be a table")
    return table


def load_settings(
    overrides: Mapping[str, Any] | None = None,
    *,
    config_file: str | Path | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Resolve every setting: defaults <- TOML file <- environment <- ``overrides``.

    ``None`` values in ``overrides`` mean "not given" (click passes them for flags
    that were left out). ``config_file`` defaults to ``$BUDGETKG_CONFIG``.
    """
    if isinstance(overrides, Settings):  # already resolved: nothing to layer under it
        return overrides
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {s.name: s.default_value(env) for s in SETTINGS}
    config_file = config_file or env.get(CONFIG_ENV) or None
    if config_file:
        _layer(values, read_config_file(config_file), str(config_file))
    for setting in SETTINGS:
        if setting.env_var in env:
            _layer(values, {setting.name: env[setting.env_var]}, setting.env_var)
    if overrides:
        _layer(values, overrides, "setting")
    return Settings(values)


def settings_markdown() -> str:
    """The settings as a Markdown table (the one in docs/service.md)."""
    rows = [
        "| setting | flag | environment | type | default | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for s in SETTINGS:
        flag = "(none)" if s.secret else f"`{s.option}`"
        rows.append(
            f"| `{s.name}` | {flag} | `{s.env_var}` | {s.type.__name__} "
            f"| `{s.shown_default()}` | {s.help} |"
        )
    return "\n".join(rows) + "\n"

"""``valuelab serve``'s settings: flags, a YAML config file, and the operator's data sources.

A config file (``valuelab serve --config serve.yaml``) holds the same settings
as the flags, with ``_`` for ``-``; a flag given on the command line wins::

    host: 0.0.0.0
    public_url: https://apps.example.com/
    max_kernels: 20
    sources:                       # what the report launcher offers, by name
      - {name: EU accounts, source: /srv/data/eu_accounts.csv}
      - {name: Warehouse, source: "@warehouse"}   # a named connection

``sources`` may also be a mapping ``name: target``. A target is anything
:func:`valuelab.data.sources.locate` accepts (a file or glob, a database URL, a
named connection); it is checked when the server starts, and a relative path
is read from the config file's folder.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from valuelab.core import InputError, shipped

__all__ = [
    "CULL_IDLE_SECONDS",
    "CULL_INTERVAL_SECONDS",
    "MAX_KERNELS",
    "ServeConfig",
    "load_config",
    "parse_source",
]

#: Kernels the server may run at once, preheated and report kernels included.
MAX_KERNELS = 24
#: Kernels one visitor (one signed cookie) may hold at once.
CLIENT_KERNELS = 4
#: MB of address space one kernel may map (the report engine's default).
MAX_MEMORY_MB = 8192
#: Widget messages per second a kernel's pages may send (bursts of twice that pass).
MESSAGES_PER_SECOND = 30
#: New visitors (signed cookies) one address may make a minute (bursts of as many).
NEW_VISITORS_PER_MINUTE = 30
#: Seconds of grace a kernel with no page connected gets before it is shut down: the
#: page's own websocket closed without the tab-close beacon (a phone discarding a tab in
#: the background, a crashed browser, a lost connection). A page connected keeps its
#: kernel however long it idles (``cull_connected=False``).
CULL_IDLE_SECONDS = 60
#: Seconds between two looks for such kernels.
CULL_INTERVAL_SECONDS = 10
_NAME = re.compile(r"^\w[\w .,&()+-]{0,59}$")


@dataclasses.dataclass
class ServeConfig:
    """Everything ``valuelab serve`` needs; see the README's "Serving to others"."""

    apps: str = ""  # empty: the course's own apps (valuelab.core.shipped("apps"))
    host: str = "127.0.0.1"
    port: int = 8866
    public_url: str = ""
    token: str = ""
    certfile: str = ""
    keyfile: str = ""
    max_kernels: int = MAX_KERNELS
    client_kernels: int = CLIENT_KERNELS
    max_memory_mb: int = MAX_MEMORY_MB
    messages_per_second: int = MESSAGES_PER_SECOND
    new_visitors_per_minute: int = NEW_VISITORS_PER_MINUTE
    client_header: str = ""
    cull_idle_seconds: int = CULL_IDLE_SECONDS
    cull_interval_seconds: int = CULL_INTERVAL_SECONDS
    sources: dict[str, str] = dataclasses.field(default_factory=dict)

    def check(self) -> ServeConfig:
        """Refuse impossible limits, half a TLS pair, and sources that do not exist.

        Raises
        ------
        InputError
            Naming the setting and what was expected.
        """
        positive = (
            "max_kernels",
            "client_kernels",
            "messages_per_second",
            "new_visitors_per_minute",
        )
        for name in (*positive, "cull_idle_seconds", "cull_interval_seconds"):
            if int(getattr(self, name)) < 1:
                raise InputError(f"{name}={getattr(self, name)}", expected="1 or more")
        if self.max_memory_mb < 0:
            raise InputError(f"max_memory_mb={self.max_memory_mb}", expected="0 (none) or more")
        if bool(self.certfile) != bool(self.keyfile):
            raise InputError("certfile and keyfile go together", expected="both or neither")
        if self.public_url and not re.match(r"^https?://[^/?#\s]+(/[^?#\s]*)?$", self.public_url):
            raise InputError(
                "public_url", source=self.public_url, expected="http(s)://host[:port]/path"
            )
        from valuelab.data.sources import locate

        for name, target in self.sources.items():
            locate(target)  # raises naming the file or connection
            if not _NAME.match(name):
                raise InputError(
                    "a source's name", source=name, expected="up to 60 letters, digits, ' .,&()+-'"
                )
        return self


def parse_source(text: str, base: Path | None = None) -> tuple[str, str]:
    """``NAME=TARGET`` -> (name, target); a relative file path is read from ``base``.

    Examples
    --------
    >>> parse_source("EU accounts=@warehouse")
    ('EU accounts', '@warehouse')
    """
    name, sep, target = text.partition("=")
    if not sep or not name.strip() or not target.strip():
        raise InputError("a source", source=text, expected="NAME=PATH or NAME=@connection")
    return name.strip(), _resolve(target.strip(), base)


def _resolve(target: str, base: Path | None) -> str:
    if base is None or target.startswith("@") or "://" in target or Path(target).is_absolute():
        return target
    return str(base / target)


def _sources(value: Any, base: Path, where: str) -> dict[str, str]:
    if isinstance(value, dict):
        items = list(value.items())
    elif isinstance(value, list) and all(isinstance(v, dict) for v in value):
        items = [(v.get("name"), v.get("source")) for v in value]
    else:
        raise InputError("sources", source=where, expected="a list of {name, source} or a mapping")
    found: dict[str, str] = {}
    for name, target in items:
        if not isinstance(name, str) or not isinstance(target, str):
            raise InputError("a source", source=where, expected="name and source as text")
        if name in found:
            raise InputError(f"source '{name}' is named twice", source=where)
        found[name] = _resolve(target, base)
    return found


def load_config(path: str | Path | None, **flags: Any) -> ServeConfig:
    """The settings from a YAML file (optional) overridden by the flags that are not None.

    Raises
    ------
    InputError
        An unreadable file, an unknown setting (with the valid ones), a bad value.
    """
    values: dict[str, Any] = {}
    if path is not None:
        import yaml

        where = str(path)
        try:
            values = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
            raise InputError(f"cannot read: {str(err).splitlines()[0]}", source=where) from None
        if not isinstance(values, dict):
            raise InputError("not a mapping of settings", source=where)
        valid = {f.name for f in dataclasses.fields(ServeConfig)}
        unknown = sorted(set(values) - valid)
        if unknown:
            raise InputError(
                f"unknown setting {unknown[0]!r}", source=where, expected=", ".join(sorted(valid))
            )
        if "sources" in values:
            values["sources"] = _sources(values["sources"], Path(path).parent, where)
    sources = dict(values.get("sources", {}))
    for text in flags.pop("source", None) or []:
        name, target = parse_source(text, Path.cwd())
        sources[name] = target
    values.update({k: v for k, v in flags.items() if v is not None})
    values["sources"] = sources
    if not values.get("apps"):
        values["apps"] = str(shipped("apps"))
    return ServeConfig(**values).check()

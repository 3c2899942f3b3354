"""``valuelab serve`` made safe to serve to others: who may reach it, and how much it may run.

- :mod:`~valuelab.apps.serving.config` — the settings (flags, a YAML file) and
  the operator's data sources (:class:`ServeConfig`, :func:`load_config`);
- :mod:`~valuelab.apps.serving.access` — host and origin allowlist, token and
  signed cookie, every handler guarded (:class:`Guard`), who a visitor is;
- :mod:`~valuelab.apps.serving.capacity` — kernel caps, the busy page, memory
  per kernel, the widget-message rate limit, error text kept in the log.
"""

from valuelab.apps.serving.access import (
    Guard,
    NewVisitors,
    ServeIdentity,
    access_settings,
    client_key,
    cookie_options,
    guarded,
    is_loopback,
    visitor_token,
    without_token,
)
from valuelab.apps.serving.capacity import (
    ERROR_MESSAGE,
    VIEW,
    Capacity,
    ServeConnection,
    ServeKernel,
    ServeKernels,
    busy_page,
    limit_memory,
)
from valuelab.apps.serving.config import ServeConfig, load_config, parse_source

__all__ = [
    "ERROR_MESSAGE",
    "VIEW",
    "Capacity",
    "Guard",
    "NewVisitors",
    "ServeConfig",
    "ServeConnection",
    "ServeIdentity",
    "ServeKernel",
    "ServeKernels",
    "access_settings",
    "busy_page",
    "client_key",
    "cookie_options",
    "guarded",
    "is_loopback",
    "limit_memory",
    "load_config",
    "parse_source",
    "visitor_token",
    "without_token",
]

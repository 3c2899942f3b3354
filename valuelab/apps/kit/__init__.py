"""The shared kit every stakeholder app is built from, one module per job.

An app module (``valuelab/apps/<app>.py``) exposes ``build_app(**initial)``
and composes these pieces, so that every app looks and behaves the same:

- :mod:`~valuelab.apps.kit.layout` — :func:`page` (title, purpose, a column of
  controls and a body), :class:`KpiCards` (labels, units and formats from
  :data:`valuelab.core.quantities.QUANTITIES`), :class:`ParamSliders` (of
  :class:`SteppedSlider`: values rounded to the step, no float noise) and the
  :class:`ErrorPanel` (a friendly message instead of a traceback);
- :mod:`~valuelab.apps.kit.debounce` — :func:`debounced` coalesces a burst of
  widget events (a dragged slider, a held arrow key) into one recomputation;
- :mod:`~valuelab.apps.kit.figures` — :class:`FigureBox` shows a plotly figure,
  replaced in a single update and drawn by ``valuelab serve``'s chart loader;
- :mod:`~valuelab.apps.kit.snapshot` — :class:`SaveReport`: one click
  downloads the current view (its settings, cards and interactive charts) as
  a standalone HTML file named after the app, the view and the date;
- :mod:`~valuelab.apps.kit.address` — :class:`AddressBar` keeps the page's
  address the link of the view on screen; :func:`link_notes` tells, in plain
  words, each value of a link the view could not use;
- :mod:`~valuelab.apps.kit.urlstate` — :func:`url_params`: the app's starting
  state from the page URL (``?customer_id=C042``), so a view is a link;
- :mod:`~valuelab.apps.kit.launch` — :func:`launch` builds the app before the
  request (preheated kernels) and applies the URL's state;
- :mod:`~valuelab.apps.kit.served` — what a kernel knows of ``valuelab serve``:
  the operator's data sources by name, report limits, one report at a time per
  visitor, errors written to the server's log under an id.

Examples
--------
>>> parse_query("customer_id=C042&weeks=6&bogus=1", {"customer_id": "C001", "weeks": 4})
({'customer_id': 'C042', 'weeks': 6}, [])
>>> KpiCards({"aov": "aov"}).specs["aov"].title
'Average order value (EUR)'
"""

from valuelab.apps.kit.address import AddressBar, link_notes
from valuelab.apps.kit.debounce import debounced
from valuelab.apps.kit.figures import BASIC_TRACES, CHARTS_ENV, FigureBox, chart_html
from valuelab.apps.kit.launch import launch
from valuelab.apps.kit.layout import (
    CSS,
    NARROW_PX,
    ErrorPanel,
    KpiCards,
    ParamSliders,
    SteppedSlider,
    page,
    step_decimals,
)
from valuelab.apps.kit.snapshot import (
    PUBLIC_URL_ENV,
    SaveReport,
    describe_controls,
    report_name,
    snapshot_html,
)
from valuelab.apps.kit.urlstate import (
    RESERVED_QUERY_NAMES,
    exact_number,
    format_drivers,
    page_query,
    parse_drivers,
    parse_query,
    url_params,
)

__all__ = [
    "BASIC_TRACES",
    "CHARTS_ENV",
    "CSS",
    "NARROW_PX",
    "PUBLIC_URL_ENV",
    "RESERVED_QUERY_NAMES",
    "AddressBar",
    "ErrorPanel",
    "FigureBox",
    "KpiCards",
    "ParamSliders",
    "SaveReport",
    "SteppedSlider",
    "chart_html",
    "debounced",
    "describe_controls",
    "exact_number",
    "format_drivers",
    "launch",
    "link_notes",
    "page",
    "page_query",
    "parse_drivers",
    "parse_query",
    "report_name",
    "snapshot_html",
    "step_decimals",
    "url_params",
]

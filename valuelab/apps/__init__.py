"""Stakeholder apps: Voila notebooks built from one kit, and the server that hosts them.

One module per app (its notebook in ``notebooks/apps/`` calls ``build_app``),
the shared :mod:`~valuelab.apps.kit`, :mod:`~valuelab.apps.server`
(``valuelab serve``) and :mod:`~valuelab.apps.serving` (what makes it safe to
serve to others). Apps wire widgets to the topic packages and
:mod:`valuelab.plots`; they hold no domain logic, and no app imports another.
Modules are imported on use: ``from valuelab.apps import royalty_calculator``.
"""

__all__ = [
    "account_scorecard",
    "kit",
    "kpi_tradeoff_explorer",
    "report_launcher",
    "royalty_calculator",
    "server",
    "serving",
    "spotify_at_a_glance",
    "value_driver_canvas",
]

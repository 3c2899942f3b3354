"""The payout rules the kit knows: one registry for the package, the app, lesson 02 and exercise 02.

Each :class:`PayoutRule` has a name (what code, URLs and notebook parameters
use), a label (what people read), a short description, how an artist's
weight in the pool is computed, and the payout method with its options, from
which :data:`valuelab.royalties.payouts.RULES` builds the function that pays
a listening log and :mod:`valuelab.royalties.calculator` the factor on the
market rate per stream.

Examples
--------
>>> list(PAYOUT_RULES)
['pro_rata', 'user_centric', 'user_centric_equal', 'blend_50', 'threshold_1000', 'artist_centric']
>>> payout_rule("blend_50").options
{'alpha': 0.5}
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from valuelab.core import InputError

__all__ = ["METHODS", "PAYOUT_RULES", "PayoutRule", "payout_rule", "rule_table"]

#: Payout methods, each a function of :mod:`valuelab.royalties.payouts`.
METHODS = ("pro_rata", "user_centric", "blend", "threshold", "artist_centric")


@dataclass(frozen=True)
class PayoutRule:
    """One way to split a royalty pool among artists.

    Parameters
    ----------
    name : str
        Identifier (``"user_centric"``).
    label : str
        What people read (``"User-centric"``).
    description : str
        One sentence: the rule and where it comes from.
    weights : str
        How an artist's weight in the pool is computed (its payout is the
        pool times its weight over the sum of all weights).
    method : str
        One of :data:`METHODS`.
    options : mapping
        Keyword arguments of the method (``{"alpha": 0.5}``).
    """

    name: str
    label: str
    description: str
    weights: str
    method: str
    options: Mapping[str, object] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.method not in METHODS:
            raise ValueError(f"method must be one of {METHODS}, not {self.method!r}")


#: Rule name -> :class:`PayoutRule`, pro-rata (what Spotify does) first.
PAYOUT_RULES: dict[str, PayoutRule] = {
    rule.name: rule
    for rule in (
        PayoutRule(
            "pro_rata",
            "Pro-rata (Spotify today)",
            "Market-centric: each market's monthly pool is split by each artist's share of "
            "that market's streams (Spotify, Loud & Clear 2023).",
            "the artist's streams in each market and month, times that pool's money per stream",
            "pro_rata",
        ),
        PayoutRule(
            "user_centric",
            "User-centric",
            "Each listener's own payment (a Premium subscription, a free listener's ad "
            "revenue), times the payout share, goes only to the artists that listener "
            "played (Deezer's UCPS; CNM/Deloitte 2021).",
            "the sum over listeners of what the listener paid times the artist's share of "
            "that listener's streams",
            "user_centric",
            {"weights": "payment"},
        ),
        PayoutRule(
            "user_centric_equal",
            "User-centric, equal shares (teaching contrast)",
            "Every listener gets the same share of the pool, whatever they paid: not a "
            "published rule, the kit's contrast (a free listener steers as much as a paying one).",
            "the sum over listeners of one equal share times the artist's share of that "
            "listener's streams",
            "user_centric",
            {"weights": "equal"},
        ),
        PayoutRule(
            "blend_50",
            "Blend 50/50",
            "Half of the pool user-centric (payment-weighted), half pro-rata.",
            "0.5 x the user-centric weight + 0.5 x the pro-rata weight (each a share of its sum)",
            "blend",
            {"alpha": 0.5},
        ),
        PayoutRule(
            "threshold_1000",
            "Pro-rata + 1,000-stream threshold",
            "Spotify's 2024 rule: what has under 1,000 streams earns nothing and its share "
            "goes to the rest (payouts of a log: per artist over the log's period; the "
            "calculator: per track a year).",
            "the artist's streams, or 0 below 1,000 streams",
            "threshold",
            {"min_streams": 1000, "level": "artist"},
        ),
        PayoutRule(
            "artist_centric",
            "Artist-centric (Deezer/UMG 2023)",
            "Pro-rata with a double boost for professional artists: at least 1,000 "
            "streams from at least 500 listeners.",
            "the artist's streams, x 2 for a boosted artist",
            "artist_centric",
            {"factor": 2.0, "min_streams": 1000, "min_listeners": 500},
        ),
    )
}


def payout_rule(name: str, among: tuple[str, ...] | None = None) -> PayoutRule:
    """The rule called ``name``; an :class:`InputError` listing the valid names otherwise.

    Parameters
    ----------
    name : str
        A key of :data:`PAYOUT_RULES`.
    among : tuple of str, optional
        The names allowed here (default: every rule).

    Examples
    --------
    >>> payout_rule("user_centric").label
    'User-centric'
    >>> try:
    ...     payout_rule("fair", among=("pro_rata", "user_centric"))
    ... except InputError as err:
    ...     print(err)
    rule: unknown payout rule 'fair' (expected pro_rata, user_centric)
    """
    names = tuple(PAYOUT_RULES) if among is None else among
    if name not in names:
        raise InputError(f"unknown payout rule '{name}'", source="rule", expected=", ".join(names))
    return PAYOUT_RULES[name]


def rule_table() -> pd.DataFrame:
    """The payout rules as a table: ``label``, ``description`` and ``weights``, by ``rule``.

    Examples
    --------
    >>> rule_table().loc["blend_50", "label"]
    'Blend 50/50'
    """
    return pd.DataFrame(
        [
            {"rule": r.name, "label": r.label, "description": r.description, "weights": r.weights}
            for r in PAYOUT_RULES.values()
        ]
    ).set_index("rule")

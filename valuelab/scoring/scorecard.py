"""One account's scorecard: its scores, its place in the portfolio and what to do next.

What the customer scorecard report and the account scorecard app show, from
:func:`~valuelab.scoring.scores.score_accounts` and
:func:`~valuelab.scoring.portfolio.next_actions`.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import pandas as pd

from valuelab.core import InputError
from valuelab.scoring.portfolio import next_actions
from valuelab.scoring.scores import SCORES, score_accounts

__all__ = ["SCORECARD", "scorecard_state"]

#: What a scorecard shows of an account: the five scores (0-100) and the confidence (0-1).
SCORECARD = (*SCORES, "confidence")


def scorecard_state(
    accounts: pd.DataFrame,
    account_id: str | None = None,
    weights: Mapping[str, float] | None = None,
    policy: str = "neutral",
    strict: bool = False,
) -> dict[str, Any]:
    """Scores of the portfolio and of one account (default: the first).

    Parameters
    ----------
    accounts : pandas.DataFrame
        The account table (:data:`~valuelab.scoring.scores.ACCOUNT_COLUMNS`).
    account_id : str, optional
        The account to show; unknown ids fall back to the first account, or
        with ``strict=True`` (reports) raise :class:`InputError` naming it
        (its ``parameter`` is the reports' ``customer_id``).
    weights : mapping, optional
        Weights of the parts of ``value_realized`` (see
        :func:`~valuelab.scoring.scores.score_accounts`).
    policy : str
        Missing answers: one of :data:`~valuelab.scoring.scores.POLICIES`.
    strict : bool
        Refuse an unknown ``account_id`` instead of falling back.

    Returns
    -------
    dict
        ``scored`` (every account), ``row`` (the chosen account's scored row),
        ``account_id`` and ``actions`` (recommended next actions).

    Examples
    --------
    >>> from valuelab.data import load
    >>> s = scorecard_state(load("accounts"))
    >>> sorted(s)
    ['account_id', 'actions', 'row', 'scored']
    """
    scored = score_accounts(accounts, weights=weights, policy=policy)
    ids = scored["account_id"].astype(str)
    if account_id is None or account_id not in set(ids):
        if strict:
            close = difflib.get_close_matches(str(account_id), list(ids), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise InputError(
                f"no account '{account_id}'{hint}",
                source="customer_id",
                expected=f"one of {len(ids)} ids such as {ids.iloc[0]}",
                parameter="customer_id",  # the reports' name for it
                value=account_id,
                plain="no account {value}",  # a visitor's words: nothing from the table
            )
        account_id = str(ids.iloc[0])
    row = scored[ids == account_id].iloc[0]
    return {"scored": scored, "row": row, "account_id": account_id, "actions": next_actions(row)}

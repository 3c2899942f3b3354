"""What the exercise notebooks show learners: statements, inputs, backlogs, variant numbers.

The public half of each exercise, apart from its checks
(:mod:`valuelab.course.questions`): notebooks import these names, and the
grading sandbox holds this module but not the questions, so a submission
being graded cannot read the checks or the hidden questions.

Examples
--------
>>> from valuelab.course import set_variant
>>> set_variant(0)
>>> answers() == ANSWERS
True
"""

from __future__ import annotations

import pandas as pd

from valuelab.course.registry import variant_rng

__all__ = [
    "ANSWERS",
    "BACKLOG",
    "EQUAL",
    "FOOD_DELIVERY",
    "INITIATIVES",
    "LTV_INPUTS",
    "QUARTER",
    "SHOP",
    "STATEMENTS",
    "answers",
    "ltv_inputs",
]

# -- 01_value_drivers -----------------------------------------------------------------

#: Q1: statements to classify as "driver", "nsm", "feature request" or "value proposition".
STATEMENTS = {
    "Premium subscribers as a share of monthly active users": "driver",
    "Total time spent listening per month": "nsm",
    "Add a lyrics view to the player": "feature request",
    "All the music you want, on any device": "value proposition",
    "Ad revenue per free listener per month": "driver",
    "Let artists upload videos": "feature request",
}

#: Q2: the description to turn into a driver tree.
SHOP = (
    "Orders are visitors times conversion. Revenue is orders times the average order value. "
    "Gross profit is revenue times the gross margin. Profit is gross profit minus fixed costs."
)

#: Q4: initiatives on the marketplace template: name -> (input change, cost in EUR m).
INITIATIVES = {
    "better matching": ({"fill_rate": 0.04}, 1.2),
    "client referral programme": ({"active_clients": 800}, 0.9),
    "premium project categories": ({"avg_project_value": 120}, 1.5),
    "cheaper payment provider": ({"payment_cost_share": -0.004}, 0.6),
}

#: Q5: a food-delivery template with a side missing: its value drivers name it, its actors don't.
FOOD_DELIVERY = {
    "platform": "A food-delivery app",
    "north_star": {"name": "Orders delivered", "metric": "orders delivered per week"},
    "revenue_model": "Commission on each order from restaurants plus a delivery fee from customers",
    "actors": [
        {
            "id": "customers",
            "name": "Customers",
            "role": "consumer",
            "receives": ["food from many restaurants at home"],
            "gives": ["the order price and a delivery fee"],
        },
        {
            "id": "restaurants",
            "name": "Restaurants",
            "role": "producer",
            "receives": ["orders beyond their dining room"],
            "gives": ["meals", "a commission"],
        },
        {
            "id": "platform",
            "name": "The platform",
            "role": "platform",
            "receives": ["commissions and fees"],
            "gives": ["the app", "payments", "routing"],
        },
    ],
    "value_drivers": [
        {
            "name": "Delivery time",
            "actor": "customers",
            "value": "hot food, fast",
            "metric": "minutes from order to door, picked up and ridden by a courier",
            "unit": "minutes",
            "link": "nsm",
            "owner": "Logistics",
        },
        {
            "name": "Orders per restaurant",
            "actor": "restaurants",
            "value": "extra sales",
            "metric": "orders per restaurant per week",
            "unit": "orders/week",
            "link": "revenue",
            "owner": "Restaurant growth",
        },
    ],
}


# -- 03_kpis ------------------------------------------------------------------------

#: Q1 (variant 0): ten answers to "How likely are you to recommend us?" (0-10).
ANSWERS = [10, 9, 8, 7, 6, 3, 10, 9, 5, 10]
#: Q2-Q3 (variant 0), a subscription business: ARPA (EUR per paying customer a month), gross
#: margin and monthly contractual churn (shares 0-1), CAC (EUR per paying customer).
LTV_INPUTS = {"arpa": 45.0, "gross_margin": 0.7, "churn_rate": 0.03, "cac": 600.0}


def answers() -> list[int]:
    """Q1's NPS answers in the current variant."""
    rng = variant_rng("kpis.q1")
    return list(ANSWERS) if rng is None else rng.integers(0, 11, 12).tolist()


def ltv_inputs() -> dict[str, float]:
    """Q2-Q3's ARPA, margin, churn and CAC in the current variant."""
    rng = variant_rng("kpis.q2")
    if rng is None:
        return dict(LTV_INPUTS)
    return {
        "arpa": float(rng.integers(20, 121)),
        "gross_margin": round(float(rng.uniform(0.4, 0.85)), 2),
        "churn_rate": round(float(rng.uniform(0.01, 0.08)), 3),
        "cac": float(rng.integers(20, 151) * 10),
    }


# -- 04_okrs ------------------------------------------------------------------------

#: Q5: a backlog to test for unaligned work (none of the four things an initiative must do).
BACKLOG = pd.DataFrame(
    {
        "name": ["Faster search", "New logo animation", "Churn survey", "Holiday banner"],
        "moves_vision": [True, False, False, False],
        "improves_experience": [True, False, False, False],
        "improves_kpis": [True, False, True, False],
        "helps_okr": [False, False, True, False],
    }
)


# -- 05_scoring ---------------------------------------------------------------------

#: Q4: equal weights for the four parts of Value Realized.
EQUAL = {"rbo": 1, "value_perceived": 1, "value_expansion": 1, "value_unknown": 1}
#: Q7: one quarter of a customer's sales funnel.
QUARTER = {
    "meetings_booked": 130,
    "pain_quantified": 40,
    "demos": 25,
    "proposals": 12,
    "deals_won": 4,
    "new_revenue": 96_000,
}

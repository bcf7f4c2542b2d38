from decimal import Decimal

import pytest

from apps.campaigns import formulas
from apps.campaigns.templatetags.campaign_tags import campaign_percent, yuan


@pytest.mark.parametrize(
    ("benefit", "cost", "expected"),
    [
        (Decimal("15000"), Decimal("10000"), Decimal("0.5000")),
        (Decimal("5000"), Decimal("10000"), Decimal("-0.5000")),
        (Decimal("10000"), Decimal("10000"), Decimal("0.0000")),
        (Decimal("100"), Decimal("0"), None),
        (None, Decimal("100"), None),
    ],
)
def test_roi_is_benefit_less_cost_over_cost(benefit, cost, expected):
    assert formulas.roi(benefit, cost) == expected


@pytest.mark.parametrize(
    ("clicks", "impressions", "expected"),
    [(50, 1000, Decimal("0.0500")), (1, 3, Decimal("0.3333")), (0, 0, None), (5, 0, None)],
)
def test_ctr_is_clicks_over_impressions(clicks, impressions, expected):
    assert formulas.ctr(clicks, impressions) == expected


@pytest.mark.parametrize(
    ("conversions", "clicks", "expected"),
    [(20, 200, Decimal("0.1000")), (2, 3, Decimal("0.6667")), (0, 0, None), (3, 0, None)],
)
def test_conversion_rate_is_conversions_over_clicks(conversions, clicks, expected):
    assert formulas.conversion_rate(conversions, clicks) == expected


def test_completion_rate_and_budget_use():
    assert formulas.completion_rate(Decimal("1200"), Decimal("1000")) == Decimal("1.2000")
    assert formulas.completion_rate(Decimal("5"), 0) is None
    assert formulas.budget_use(Decimal("2500"), Decimal("10000")) == Decimal("0.2500")


def test_missing_figures_show_a_dash_not_an_error():
    assert campaign_percent(formulas.ctr(0, 0)) == "—"
    assert campaign_percent(formulas.roi(Decimal("1"), Decimal("0"))) == "—"
    assert campaign_percent(Decimal("0.0525")) == "5.25%"
    assert yuan(None) == "—"
    assert yuan(Decimal("12000")) == "¥12,000.00"

"""Every campaign figure defined once. A zero or missing denominator gives None, which
pages show as "—" (template filter `campaign_figure`) and the API as null."""

from decimal import ROUND_HALF_UP, Decimal

PLACES = Decimal("0.0001")


def _ratio(numerator, denominator) -> Decimal | None:
    if numerator is None or denominator is None:
        return None
    denominator = Decimal(denominator)
    if denominator == 0:
        return None
    return (Decimal(numerator) / denominator).quantize(PLACES, rounding=ROUND_HALF_UP)


def ctr(clicks, impressions) -> Decimal | None:
    """Click-through rate (点击率) = clicks / impressions."""
    return _ratio(clicks, impressions)


def conversion_rate(conversions, clicks) -> Decimal | None:
    """Conversion rate (转化率) = conversions / clicks."""
    return _ratio(conversions, clicks)


def roi(benefit, cost) -> Decimal | None:
    """ROI (投资回报率) = (benefit − cost) / cost."""
    if benefit is None or cost is None:
        return None
    return _ratio(Decimal(benefit) - Decimal(cost), cost)


def completion_rate(actual, target) -> Decimal | None:
    """Completion rate (完成率) = actual / target."""
    return _ratio(actual, target)


def budget_use(spent, budget) -> Decimal | None:
    """Share of the approved budget spent = spent / budget."""
    return _ratio(spent, budget)

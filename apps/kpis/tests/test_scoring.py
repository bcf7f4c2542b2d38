"""The scoring rules at their edges, the 003 weights, the rater mix."""

from decimal import Decimal as D

import pytest

from apps.core.errors import ApplicationError
from apps.kpis import scoring
from apps.kpis.models import Indicator


def quantitative(**kw):
    base = {
        "kind": "quantitative",
        "formula": "ratio",
        "rule": "linear",
        "floor": D("0.5"),
        "cap": D("1"),
    }
    return Indicator(**{**base, **kw})


@pytest.mark.parametrize(
    ("actual", "target", "expected"),
    [
        (D("75"), D("100"), D("50.00")),  # halfway between floor 0.5 and cap 1
        (D("100"), D("100"), D("100.00")),  # at the cap
        (D("180"), D("100"), D("100.00")),  # over the cap: clamped
        (D("50"), D("100"), D("0.00")),  # at the floor
        (D("10"), D("100"), D("0.00")),  # under the floor
        (D("0"), D("100"), D("0.00")),
        (D("80"), D("0"), None),  # zero target: no completion rate, the supervisor scores
        (D("80"), None, None),  # no target
        (None, D("100"), None),  # missing actual
    ],
)
def test_linear_ratio_edges(actual, target, expected):
    assert scoring.quantitative_score(quantitative(), actual, target) == expected


def test_value_formula_ignores_a_zero_target():
    indicator = quantitative(formula="value", floor=D("40"), cap=D("100"))
    assert scoring.quantitative_score(indicator, D("70"), D("0")) == D("50.00")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (D("99.95"), D("100")),
        (D("99.9"), D("100")),
        (D("99.6"), D("85")),
        (D("96"), D("50")),
        (D("10"), D("0")),
    ],
)
def test_bands(value, expected):
    indicator = quantitative(
        formula="value", rule="bands", bands=[[99.9, 100], [99.5, 85], [99, 70], [95, 50]]
    )
    assert scoring.quantitative_score(indicator, value, None) == expected


def test_level_points_and_scale():
    assert scoring.level_points(4, 5) == D("80.00")
    with pytest.raises(ApplicationError):
        scoring.level_points(6, 5)


@pytest.mark.parametrize("bad", ["101", "-1", "abc", "NaN", ""])
def test_scores_outside_the_scale_are_refused(bad):
    with pytest.raises(ApplicationError) as error:
        scoring.check_score(bad, field="score_7")
    assert error.value.field == "score_7"


def test_rater_mix_supervisor_70_peer_20_self_10():
    mix = scoring.Mix(D("70"), D("20"), D("10"))
    # 0.7 × 90 + 0.2 × mean(70, 80) + 0.1 × 100 = 63 + 15 + 10
    assert scoring.mixed_score(
        mix, supervisor=D("90"), peers=[D("70"), D("80")], self_score=D("100")
    ) == D("88.00")
    # no peers: renormalised over supervisor and self (70 : 10)
    assert scoring.mixed_score(mix, supervisor=D("80"), self_score=D("40")) == D("75.00")
    assert scoring.mixed_score(mix) is None


def test_weighted_total_of_the_003_preset():
    from apps.kpis.presets import WECHAT

    weights = [item["weight"] for section in WECHAT for item in section["items"]]
    assert weights == [30, 20, 10, 10, 10, 5, 5, 5, 2, 2, 1]
    scores = [D(s) for s in ("90", "80", "85", "70", "75", "88", "92", "60", "100", "95", "70")]
    # by hand: 27 + 16 + 8.5 + 7 + 7.5 + 4.4 + 4.6 + 3 + 2 + 1.9 + 0.7 = 82.6
    assert scoring.weighted_total(zip(weights, scores, strict=True)) == D("82.60")
    assert scoring.weighted_total([(D("50"), D("90")), (D("50"), None)]) is None


def test_grade_bands():
    bands = [
        ("S", 90, "1.5"),
        ("A", 80, "1.2"),
        ("B", 70, "1.0"),
        ("C", 60, "0.8"),
        ("D", 0, "0.5"),
    ]
    assert scoring.grade_for(D("82.6"), bands) == ("A", D("1.2"))
    assert scoring.grade_for(D("90"), bands) == ("S", D("1.5"))
    assert scoring.grade_for(D("0"), bands) == ("D", D("0.5"))
    assert scoring.grade_for(None, bands) == ("", None)


def _section(weight, items, **mix):
    return {"name": "业绩", "weight": D(weight), "items": [{"weight": D(w)} for w in items], **mix}


def test_weights_must_total_100():
    scoring.check_weights([_section(60, [30, 30]), _section(40, [40])])
    with pytest.raises(ApplicationError, match="total 90"):
        scoring.check_weights([_section(60, [30, 30]), _section(30, [30])])
    with pytest.raises(ApplicationError, match="weigh 50"):
        scoring.check_weights([_section(60, [30, 20]), _section(40, [40])])
    with pytest.raises(ApplicationError, match="rater mix"):
        scoring.check_weights(
            [_section(100, [100], supervisor_share=70, peer_share=20, self_share=20)]
        )

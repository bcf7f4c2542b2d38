import pytest

from apps.complaints.masking import mask_contact


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("13812341234", "138****1234"),
        ("138-1234-1234", "138****1234"),
        ("+86 138 1234 1234", "861****1234"),
        ("zhang@example.com", "z***@example.com"),
        ("z@example.com", "z***@example.com"),
        ("张三丰", "张**"),
        ("张三", "张*"),
        ("", ""),
        (None, ""),
    ],
)
def test_mask_contact(value, masked):
    assert mask_contact(value) == masked


def test_masked_values_never_contain_the_full_value():
    for value in ("13812341234", "someone.long@example.com", "欧阳娜娜"):
        assert value not in mask_contact(value)

"""One masking function for complainant contact details shown to people who do not
handle the complaint (pages, API and CSV exports all call `mask_contact`)."""

import re

_DIGITS = re.compile(r"\d")


def mask_contact(value: str | None) -> str:
    """Hide most of a phone number, e-mail address or name.

    >>> mask_contact("13812341234")
    '138****1234'
    >>> mask_contact("zhang@example.com")
    'z***@example.com'
    >>> mask_contact("张三丰")
    '张**'
    """
    value = (value or "").strip()
    if not value:
        return ""
    if "@" in value:
        local, _, domain = value.rpartition("@")
        return f"{local[:1]}***@{domain}"
    digits = _DIGITS.findall(value)
    if len(digits) >= 7:  # a phone number: keep the prefix and the last four digits
        plain = "".join(digits)
        return f"{plain[:3]}****{plain[-4:]}"
    return value[:1] + "*" * max(len(value) - 1, 1)

"""Number formats of the published reports (docs/architecture.md §1, "Wording: the published patterns").

Rounding is half away from zero, as people and spreadsheets round (Python's round() would
turn 0.5 into 0 and 2.5 into 2). These are the only functions that turn numbers into text.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def rounded(value: float, places: int = 0) -> Decimal:
    """The value rounded half away from zero, exactly (via its shortest decimal form)."""
    step = Decimal(1).scaleb(-places)
    result = Decimal(repr(float(value))).quantize(step, rounding=ROUND_HALF_UP)
    return result + 0 if result != 0 else abs(result)  # no "-0"


def fixed(value: float, places: int = 0) -> str:
    """'43.6', '0.95', '176': a number with a fixed count of decimal places."""
    return f"{rounded(value, places):.{places}f}"


def whole(value: float) -> str:
    """A whole number: '9', '-7'."""
    return fixed(value, 0)


def signed(value: float, places: int = 0) -> str:
    """With its sign: '+25', '-7', '0'."""
    text = fixed(value, places)
    return text if text.startswith("-") or rounded(value, places) == 0 else "+" + text


def magnitude(value: float, places: int = 0) -> str:
    """Without its sign: the 7 of 'lower by as many as 7 people'."""
    return fixed(abs(value), places)


def apart(value: float, places: int = 0) -> int:
    """Enough places (up to 3 more) that a number other than 0 does not print as 0: the bound of an interval
    that excludes no difference by 0.3 points is '0.3', not a '0' that reads as including it."""
    for more in range(places, places + 4):
        if rounded(value, more) != 0:
            return more
    return places  # smaller still: as it always printed


def nonzero(value: float, places: int = 0) -> str:
    """A magnitude that is not printed as 0 unless it is 0: the near end of 'lower by between 0.3 and 6'."""
    return magnitude(value, apart(value, places))


def interval(low: float, high: float, places: int = 0) -> str:
    """A confidence interval as in the tables: '-7 to +25', '-1.0 to -0.5'. One that excludes 0 never
    prints a bound as 0 ('-6 to -0.3', not '-6 to 0')."""
    if low > 0 or high < 0:
        return f"{signed(low, apart(low, places))} to {signed(high, apart(high, places))}"
    return f"{signed(low, places)} to {signed(high, places)}"


def thousands(count: float) -> str:
    """Group sizes with a thousands separator: '13,557'."""
    return f"{int(rounded(count, 0)):,}"


def p_value(p: float) -> str:
    """Two decimal places, as the tables print it: '0.28', '0.00'."""
    return fixed(p, 2)


def percent(value: float) -> str:
    """A whole percent: '44%'."""
    return f"{whole(value)}%"


FILTERS = {
    "fixed": fixed,
    "whole": whole,
    "signed": signed,
    "magnitude": magnitude,
    "nonzero": nonzero,
    "interval": interval,
    "thousands": thousands,
    "p_value": p_value,
    "percent": percent,
}


def interval_level(significance_level: float) -> str:
    """'95%' for 0.05, '99%' for 0.01, '97.5%' for 0.025: the confidence level of the report's intervals."""
    return f"{round(100 * (1 - significance_level), 6):g}%"

"""Cold attacks on disclosure control: each test tries to get a suppressed count back from the
published outputs (results.json, report, annex, charts, diff, bulletin) and asserts it cannot."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("date, message", [
    ("9999-01-01", "spec.yaml:20:14: report.published: must be at most 2099-12-31 (you wrote 9999-01-01)"),
    ("1066-10-14", "spec.yaml:20:14: report.published: must be at least 2000-01-01 (you wrote 1066-10-14)"),
])
def test_a_publication_date_out_of_range_is_one_clear_line(work, date, message):
    work.write_spec(("published: 2013-02-01", f"published: {date}"))
    assert work.errors() == [message]

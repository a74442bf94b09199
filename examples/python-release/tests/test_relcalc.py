import pytest

import relcalc


def test_counts_each_kind():
    lines = ["fix: crash on empty input", "feature: JSON output", "fix: typo"]
    assert relcalc.count_changes(lines) == {"breaking": 0, "feature": 1, "fix": 2}


def test_ignores_lines_without_a_kind():
    assert relcalc.count_changes(["just text", "misc: other"]) == {"breaking": 0, "feature": 0, "fix": 0}


def test_kind_is_case_insensitive():
    assert relcalc.count_changes(["FIX: loud"])["fix"] == 1


@pytest.mark.parametrize(
    "counts, expected",
    [
        ({"breaking": 1}, "2.0.0"),
        ({"feature": 2}, "1.5.0"),
        ({"fix": 1}, "1.4.8"),
        ({}, "1.4.8"),
    ],
)
def test_next_version(counts, expected):
    assert relcalc.next_version("1.4.7", counts) == expected


def test_runs_from_an_installed_wheel():
    # The Test stage installs the wheel from the Build stage; metadata proves it.
    assert relcalc.__version__ != "0.0.0"

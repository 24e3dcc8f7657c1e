"""The docs checker's one judgement call: which of two definitions a line
link means once the code has moved (scripts/docs_check.py)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from docs_check import nearest_definition  # noqa: E402


def test_one_definition_is_that_one():
    assert nearest_definition([40], 10) == [40]
    assert nearest_definition([], 10) == []


def test_two_definitions_resolve_to_the_nearer():
    # A trait method at 12 and its impl at 80: a link that pointed at 15 meant the trait's.
    assert nearest_definition([12, 80], 15) == [12]
    assert nearest_definition([80, 12], 70) == [80]


def test_a_tie_stays_ambiguous():
    assert nearest_definition([10, 30], 20) == [10, 30]

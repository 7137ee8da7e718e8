"""The mentions frame's one definition of a row: `MentionRow`, its column names `Col`, and the frame's columns.

The frame read from a store is tested in tests/integration/test_frame_store.py; its filters in test_filters.py.
"""

from __future__ import annotations

from mapdash.frame import COLUMNS
from mapdash.model import MENTION_COLUMNS, Col, MentionRow


def test_one_definition_names_the_columns() -> None:
    """`Col`, `MentionRow` and the frame name the same columns, in the same order."""
    assert {getattr(Col, name.upper()) for name in MENTION_COLUMNS} == set(MentionRow.__annotations__)
    assert [value for name, value in vars(Col).items() if name.isupper()] == list(MENTION_COLUMNS) == COLUMNS

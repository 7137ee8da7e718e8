"""Long texts in slices: offsets shifted back exactly, the same output as whole for text made of releases, caps said."""

from __future__ import annotations

import pytest

from mapdash.geoparse.slices import slice_bounds


@pytest.mark.parametrize(
    "text,size",
    [
        ("a" * 1000, 100),  # no boundary at all: hard cuts
        ("word " * 500, 64),
        ("One sentence here. " * 300, 200),
        ("Para one.\n\nPara two is longer.\n\n" * 200, 300),
        ("x", 10),
        ("", 10),
    ],
)
def test_slices_cover_the_text_in_order_within_the_size(text: str, size: int) -> None:
    bounds = list(slice_bounds(text, size))
    assert "".join(text[a:b] for a, b in bounds) == text
    assert all(0 < b - a <= size for a, b in bounds)
    assert all(b1 == a2 for (_, b1), (a2, _) in zip(bounds, bounds[1:], strict=False))


def test_slices_end_at_paragraphs_when_there_are_some() -> None:
    text = ("Coalition forces struck near Mosul. " * 5 + "\n\n") * 100
    for a, b in list(slice_bounds(text, 1000))[:-1]:
        assert text[a:b].endswith("\n\n")

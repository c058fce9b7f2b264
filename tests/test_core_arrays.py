"""core/arrays.py: the row positions the checks and the diff carry through joins and group_bys."""

from __future__ import annotations

import pyarrow as pa
import pytest

from faceledger.core.arrays import positions


@pytest.mark.parametrize("count", [0, 1, 2, 1_000, 1 << 20])
def test_positions_are_the_row_indices_as_int64(count: int) -> None:
    made = positions(count)
    assert made.type == pa.int64()
    assert made.null_count == 0
    assert made.equals(pa.array(range(count), pa.int64()))

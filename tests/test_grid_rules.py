"""Tests for ruling lines drawn in pieces (extractor.ingest.geometry.join_collinear)."""

from __future__ import annotations

from extractor.ingest.geometry import Word, find_grids, join_collinear, layout_rows, rules_from_rects

# Columns at x 0 | 40 | 100 | 140; rows at y 0 | 20 | 40. Each row rule is drawn cell by cell and the
# wide middle column's in three pieces (40–60, 60–80, 80–100): the piece 60–80 touches no column rule.
_PIECES = ((0, 40), (40, 60), (60, 80), (80, 100), (100, 140))
RECTS = [(x0, y - 0.3, x1, y + 0.3) for y in (0, 20, 40) for x0, x1 in _PIECES] + [
    (x - 0.3, 0, x + 0.3, 40) for x in (0, 40, 100, 140)]


def test_a_row_rule_drawn_in_pieces_is_one_rule() -> None:
    rules = rules_from_rects(RECTS)
    assert len(find_grids(rules)) == 2  # the pieces alone leave the grid in two
    joined = join_collinear(rules)
    assert sorted((r.start, r.end) for r in joined if r.horizontal) == [(0, 140)] * 3
    grids = find_grids(joined)
    assert len(grids) == 1 and grids[0].xs == (0, 40, 100, 140)


def test_cells_of_a_grid_drawn_in_pieces_stay_in_their_row() -> None:
    words = [Word(5, 5, 30, 15, "成本指标"), Word(60, 5, 80, 15, "19.75"), Word(110, 5, 130, 15, "10"),
             Word(5, 25, 30, 35, "产出指标"), Word(65, 25, 75, 35, "3"), Word(115, 25, 125, 35, "7")]
    rows = layout_rows(words, RECTS)
    assert [row.cells for row in rows] == [("成本指标", "19.75", "10"), ("产出指标", "3", "7")]


def test_rules_on_different_lines_or_apart_are_not_joined() -> None:
    rules = rules_from_rects([(0, 0, 40, 0.6), (0, 10, 40, 10.6), (60, 0, 100, 0.6), (-0.3, 50, 0.3, 90),
                              (1.4, 100, 2.0, 140)])
    assert len(join_collinear(rules)) == 5

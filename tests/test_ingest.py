"""Text-dump reading: layout detection, Word cell grouping, encodings and unreadable files."""

from __future__ import annotations

from pathlib import Path

import pytest

from extractor.ingest.text import IngestError, detect_layout, parse_dump, read_text_dump

PLAIN = "单位预算收支总表\n\n306001 某局 预算年度：2025 单位：万元\n\n1 合计 12.00 10.00 2.00\n 306001 某局 预算年度：2025\n"
TSV = "部门预算支出总表\n序号\t功能分类科目\t\t合计\n1\t\t合计\t12.00\t10.00\t2.00\n"
WORD = "部门预算支出总表\n\t304某局\n\t预算年度：2025\n\n\t1\n\t\n\t合计\n\t12.00\n\n\t2\n\t206\n\t科学技术\n管理事务\n\t12.00\n"


@pytest.mark.parametrize(("text", "layout"), [(PLAIN, "plain"), (TSV, "tsv"), (WORD, "word")])
def test_layout_is_told_apart_by_tabs(text: str, layout: str) -> None:
    assert detect_layout(text.split("\n")) == layout


def test_plain_dump_counts_pages_at_lines_opening_with_a_space() -> None:
    doc = parse_dump(PLAIN)
    assert doc.page_count == 2
    assert doc.lines[2].cells == ("1 合计 12.00 10.00 2.00",)


def test_word_dump_groups_one_cell_per_line_into_rows_and_joins_continued_cells() -> None:
    doc = parse_dump(WORD)
    rows = [line.cells for line in doc.lines]
    assert rows[0] == ("部门预算支出总表", "304某局", "预算年度:2025")
    assert rows[1] == ("1", "", "合计", "12.00")
    assert rows[2] == ("2", "206", "科学技术\n管理事务", "12.00")


def test_text_is_folded_so_lookalike_radicals_and_fullwidth_forms_are_ordinary() -> None:
    doc = parse_dump("⼤⻔ 单位：万元（一）\n")
    assert doc.lines[0].text == "大门 单位:万元(一)"


def test_gb18030_dump_is_read(tmp_path: Path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("部门预算收支总表\n1 合计 3.00\n".encode("gb18030"))
    assert read_text_dump(path).lines[0].text == "部门预算收支总表"


@pytest.mark.parametrize(("content", "reason"), [(b"", "empty file"), (b"\x00\x01\x02abc", "binary file")])
def test_unreadable_dumps_raise_one_line_errors_naming_the_file(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(IngestError) as info:
        read_text_dump(path)
    assert str(path) in str(info.value) and reason in str(info.value) and "\n" not in str(info.value)


def test_missing_file_raises_ingest_error(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="cannot read"):
        read_text_dump(tmp_path / "gone.txt")

"""Is a PDF page's text layer usable? Pure judgement over the text PyMuPDF extracted.

A page is read by OCR instead when its text layer is missing, or garbled: glyphs without a Unicode
mapping (U+FFFD, private-use codes), text decoded in the wrong encoding (Latin-1 letters, box
drawing, control codes where Chinese should be), or Chinese characters that are almost all rare
(a font whose CID → Unicode map is wrong yields valid but random ideographs).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from extractor.record.normalize import is_hanzi

#: Frequent characters of Chinese prose and of budget disclosures; a real page is mostly these.
COMMON_HANZI = frozenset(
    "的一是不了人我在有他这为之大来以个中上们到说国和地也子时道出而要于就下得可你年生自会那后能对着事其里所"
    "去行过家十用发天如然作方成者多日都三小二无同么经法当起与好看学进种将还分此心前面又定见只主没公从已实现"
    "民部动全制度高长理本展开务政府机关单位预算支收入财拨款资金项目基合计总一般共服社保障就卫健康教育科技术文"
    "化旅游体传媒节能环城乡区农林水交通运输源勘探工信息商金融住房粮油物储备灾害防治应急管其他债付利转移性补助"
    "资福品庭结余业营附属缴初元万千百亿零表明情况绩效标指值产量质时效成益满意度可持续影响因境车辆购置维护接待"
    "会议培训采国有占使省市县镇街道办室委员局厅处科股站所院校心队组织党群团妇联残疾老龄退休离养险医疗住公积"
    "取暖差旅租赁印刷咨询手续邮电物业燃料劳务费用专设备专用材料其它办公宣传信息化建设改造运维系统平台数据"
    "安全稳定保证完成提高加强推进落实开展组织实施按照根据规定要求情形执行监督检查考核评价管理制度规范标准"
    "个次人天件套台辆项家所万元%％≥≤以上以下不低于高达到及时率准确合格优良好满意较"
)

_PLAUSIBLE_RANGES = (
    (0x0020, 0x007E),  # ASCII
    (0x00B7, 0x00B7), (0x00D7, 0x00D7), (0x00F7, 0x00F7),  # · × ÷
    (0x2000, 0x206F),  # general punctuation
    (0x2100, 0x218F),  # letterlike, number forms (Ⅰ Ⅱ)
    (0x2190, 0x22FF),  # arrows, maths (≥ ≤)
    (0x2460, 0x24FF),  # enclosed numbers (①)
    (0x2E80, 0x2FDF),  # CJK radicals and Kangxi radicals (look-alikes folded later)
    (0x3000, 0x303F),  # CJK punctuation
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF),  # CJK ideographs
    (0xFF00, 0xFFEF),  # full-width forms
)
_MIN_CHARS = 10  # fewer printed characters than this: no text layer to speak of
_MAX_IMPLAUSIBLE = 0.15
_MIN_COMMON = 0.35  # share of Chinese characters that are common, below which they are random


@dataclass(frozen=True)
class TextLayerVerdict:
    """Whether a page's text layer can be read, and why not."""

    usable: bool
    reason: str  # "ok", "no text", "unmapped glyphs", "wrong encoding", "random characters"


def _plausible(ch: str) -> bool:
    code = ord(ch)
    return any(lo <= code <= hi for lo, hi in _PLAUSIBLE_RANGES)


def judge_text_layer(text: str) -> TextLayerVerdict:
    """Return whether the text extracted from one page is real text (see the module docstring)."""
    chars = [ch for ch in text if not ch.isspace()]
    if len(chars) < _MIN_CHARS:
        return TextLayerVerdict(False, "no text")
    unmapped = sum(ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cn") for ch in chars)
    if unmapped > _MAX_IMPLAUSIBLE * len(chars):
        return TextLayerVerdict(False, "unmapped glyphs")
    if sum(not _plausible(ch) for ch in chars) > _MAX_IMPLAUSIBLE * len(chars):
        return TextLayerVerdict(False, "wrong encoding")
    hanzi = [ch for ch in chars if is_hanzi(ch)]
    if len(hanzi) >= 20 and sum(ch in COMMON_HANZI for ch in hanzi) < _MIN_COMMON * len(hanzi):
        return TextLayerVerdict(False, "random characters")
    return TextLayerVerdict(True, "ok")


__all__ = ["COMMON_HANZI", "TextLayerVerdict", "judge_text_layer"]

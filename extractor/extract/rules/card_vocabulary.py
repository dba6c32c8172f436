"""The printed words of performance cards (绩效目标表), as data: a new city's wording is an edit here.

Each table maps a contract key to the labels that print it, matched against a cell's normalised
text (NFKC, no whitespace). Order matters where one label contains another: the first key whose
label matches a cell wins, so the longer, more specific labels come first.
"""

from __future__ import annotations

#: Columns of a card listing (one row per project, or per indicator of a project): which printed
#: header means which field. A cell matches a label when it starts with it.
LISTING_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("seq", ("序号",)),
    ("unit_code", ("单位编码", "单位代码")),
    ("project_code", ("项目编码", "项目代码")),
    ("name", ("项目名称", "项目(政策)名称", "单位(项目)名称", "政策名称")),
    ("fiscal", ("当年财政拨款", "财政拨款", "财政资金")),
    ("other", ("其他资金",)),
    ("total", ("总计", "合计", "资金总额", "年度资金总额", "预算金额", "预算数")),
    ("goals", ("当年绩效目标", "年度绩效目标", "绩效目标", "年度目标", "总体目标")),
    ("indicator_text", ("绩效指标",)),
    ("level1", ("一级指标",)),
    ("level2", ("二级指标",)),
    ("level3", ("三级指标", "指标名称")),
    ("sign", ("指标性质", "指标方向", "指标值类型")),
    ("value", ("指标值", "目标值", "年度指标值")),
    ("unit", ("计量单位", "度量单位", "指标单位")),
    ("weight", ("指标权重", "权重", "分值")),
)

#: The columns whose cells together say which project a listing row belongs to.
LISTING_KEY_COLUMNS = ("seq", "unit_code", "project_code", "name")

#: A listing's header row has a project-name column and one of these (its indicators).
LISTING_INDICATOR_KEYS = ("indicator_text", "level3")

#: Indicator grid columns of a header-block card (一级指标 … 指标值确定依据), matched by containment.
#: ``sign``, ``value`` and ``unit`` are joined as printed ("≥" "70" "%" → "≥70%"); ``weight`` is
#: read only to end the value column where a 分值 column follows it.
INDICATOR_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("level1", ("一级指标",)),
    ("level2", ("二级指标",)),
    ("level3", ("三级指标", "指标名称")),
    ("description", ("指标描述", "绩效指标描述", "指标内容", "指标解释")),
    ("basis", ("确定依据", "依据", "评价标准")),
    ("sign", ("指标性质", "指标方向", "指标值类型")),
    ("value", ("指标值", "目标值", "年度指标值")),
    ("unit", ("计量单位", "度量单位")),
    ("weight", ("分值", "权重")),
)

#: What a sign column may print (a 指标值类型 column also prints 定性/定量, which is no part of the value).
SIGN_CHARACTERS = "≥≤=<>＝＜＞≦≧"

#: Labels of a header block's project name (the first one printed is used).
PROJECT_NAME_LABELS: tuple[str, ...] = ("项目名称", "专项(项目)名称", "项目(政策)名称")

#: Labels of the budget lines of a card's header block, per budget key.
BUDGET_LABELS: dict[str, tuple[str, ...]] = {
    "total": ("预算数", "年度预算资金总额", "实施期资金总额", "年度资金总额", "资金总额", "当年预算"),
    "fiscal": ("财政资金", "财政拨款"),
    "other": ("其他资金",),
}

#: Goals labels under which the goals are written without their printed numbers (the Hebei template's
#: 绩效目标, as its gold records do); under 总体目标 / 年度总体目标 … the goals keep them as printed ("1.…").
UNNUMBERED_GOALS_LABELS: tuple[str, ...] = ("绩效目标",)

#: Other labels of a header block (rows the contract keeps no field for): they end a wrapped name.
OTHER_HEADER_LABELS: tuple[str, ...] = (
    "主管部门", "实施单位", "项目资金", "资金金额", "实施期限", "项目属性", "项目类型", "项目期限", "资金主管部门",
    "项目概况",
)

#: Titles of 绩效目标表 that are not project cards (the department's own targets).
NOT_PROJECT_CARD_TITLES: tuple[str, ...] = ("部门整体",)

#: The label of a card's fund use; a card without it prints no fund use.
FUND_USE_LABEL = "资金用途"

#: Running-text indicators of a listing cell ("1、1－产出指标，11－数量指标，<三级>；实施周期指标值：X，
#: 年度指标值：Y；"): the labels of the implementation-period value and of the year's value (the
#: contract's value).
PERIOD_VALUE_LABEL = "实施周期指标值"
YEAR_VALUE_LABEL = "年度指标值"

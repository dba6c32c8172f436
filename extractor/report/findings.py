"""Render findings (identities and completeness) per document, with a summary table of verdicts."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console
from rich.table import Table

_STYLE = {"error": "red", "warning": "yellow", "unchecked": "magenta"}
_VERDICT_STYLE = {"verified": "green", "unverified": "yellow", "failed": "red"}


def render_findings(documents: list[tuple[str, list[dict]]], console: Console,
                    verdicts: Mapping[str, tuple[str | None, Mapping[str, int]]] | None = None) -> None:
    """Print each document's findings (rule, severity, where, message) and a per-document summary with its
    verdict and how many of its tables and cards are verified, unverified, failed (``verdicts`` by name)."""
    for name, findings in documents:
        if not findings:
            continue
        table = Table(title=f"{name}: {len(findings)} finding(s)", title_justify="left", show_lines=False)
        for column in ("severity", "rule", "table", "row", "page", "message"):
            table.add_column(column, overflow="fold")
        for f in sorted(findings, key=lambda f: (f.get("severity") != "error", f.get("rule_id", ""))):
            severity = f.get("severity") or ""
            table.add_row(f"[{_STYLE.get(severity, 'white')}]{severity}[/]", f.get("rule_id") or "",
                          f.get("table_kind") or "", str(f.get("row_key") or ""),
                          "" if f.get("page") is None else str(f["page"]), (f.get("message") or "").strip())
        console.print(table)
    console.print(_summary(documents, verdicts or {}))


def _summary(documents: list[tuple[str, list[dict]]],
             verdicts: Mapping[str, tuple[str | None, Mapping[str, int]]]) -> Table:
    table = Table(title="summary", title_justify="left")
    for column in ("document", "errors", "warnings", "unchecked", "verdict", "verified", "unverified", "failed"):
        table.add_column(column, justify="left" if column in ("document", "verdict") else "right")
    for name, findings in documents:
        counts = {s: sum(f.get("severity") == s for f in findings) for s in ("error", "warning", "unchecked")}
        verdict, parts = verdicts.get(name, (None, {}))
        if verdict is None:
            verdict = "failed" if counts["error"] else "verified"
        shown = f"[{_VERDICT_STYLE.get(verdict, 'white')}]{verdict}[/]"
        table.add_row(name, str(counts["error"]), str(counts["warning"]), str(counts["unchecked"]), shown,
                      *(str(parts.get(s, "–")) for s in ("verified", "unverified", "failed")))
    return table

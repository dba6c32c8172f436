"""Render arithmetic findings per document, with a summary table."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

_STYLE = {"error": "red", "warning": "yellow"}


def render_findings(documents: list[tuple[str, list[dict]]], console: Console) -> None:
    """Print each document's findings (rule, severity, where, message) and a per-document summary."""
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
    console.print(_summary(documents))


def _summary(documents: list[tuple[str, list[dict]]]) -> Table:
    table = Table(title="summary", title_justify="left")
    for column in ("document", "errors", "warnings", "verdict"):
        table.add_column(column, justify="left" if column in ("document", "verdict") else "right")
    for name, findings in documents:
        errors = sum(f.get("severity") == "error" for f in findings)
        warnings = len(findings) - errors
        verdict = "[green]adds up[/]" if not errors else "[red]identities fail[/]"
        table.add_row(name, str(errors), str(warnings), verdict)
    return table

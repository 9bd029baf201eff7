"""The bench's tables: one set of rows shown on the console and written as Markdown."""

from __future__ import annotations

from rich.table import Table

#: columns that name a case rather than measure it: left-aligned
NAME_COLUMNS = ("net", "folding", "board")


def table_and_markdown(title: str, cols, rows) -> tuple[Table, str]:
    """A rich table of `rows` (strings) under `cols`, and the same table as Markdown."""
    t = Table(title=title)
    for col in cols:
        t.add_column(col, justify="left" if col in NAME_COLUMNS else "right")
    for row in rows:
        t.add_row(*row)
    md = "| " + " | ".join(cols) + " |\n|" + "---|" * len(cols) + "\n"
    md += "".join("| " + " | ".join(row) + " |\n" for row in rows)
    return t, md

"""A self-contained HTML audit report for people reviewing a whole repository.

One file, no network and no external assets: totals by severity, bar charts of findings per rule
and per file kind (CSS bars), a sortable and filterable table of findings with syntax-highlighted
code excerpts (secrets masked, long lines clipped around the finding), and the documentation of
each rule that has findings, written once and linked from its rows.

The report is bounded per file: at most :data:`MAX_ROWS_PER_FILE` rows (the rest counted in one
row) and :data:`MAX_FRAMES_PER_FILE` code excerpts; the totals and charts count every finding.
"""

from __future__ import annotations

import html
from collections import Counter
from datetime import UTC, datetime
from typing import IO, Any

from .. import __version__
from ..docs import doc_html
from . import SourceLines
from .safe import clean, clip, window

MAX_ROWS_PER_FILE = 200
MAX_FRAMES_PER_FILE = 50

_CSS = """
:root { --err:#c62828; --warn:#b26a00; --note:#1565c0; --bg:#fafafa; --fg:#1d1d1f; --muted:#666; }
* { box-sizing: border-box; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: var(--bg); margin: 0; padding: 24px 32px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; }
.muted { color: var(--muted); }
.totals { display: flex; gap: 12px; margin: 16px 0; flex-wrap: wrap; }
.total { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 10px 16px; min-width: 120px; }
.total b { display: block; font-size: 26px; }
.total.error b { color: var(--err); } .total.warning b { color: var(--warn); } .total.note b { color: var(--note); }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 24px; }
.chart { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 12px 16px; }
.chart h2 { margin-top: 0; }
.bar-row { display: grid; grid-template-columns: 220px 1fr 48px; gap: 8px; align-items: center; margin: 3px 0; font-size: 13px; }
.bar-label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.bar { height: 14px; background: #90a4ae; border-radius: 3px; }
.controls { display: flex; gap: 12px; margin: 8px 0 12px; flex-wrap: wrap; }
.controls input, .controls select { padding: 6px 8px; border: 1px solid #bbb; border-radius: 6px; font: inherit; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid #ddd; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f0f0f0; cursor: pointer; user-select: none; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " \\25B2"; } th[aria-sort="descending"]::after { content: " \\25BC"; }
.sev { font-weight: 600; } .sev.error { color: var(--err); } .sev.warning { color: var(--warn); } .sev.note { color: var(--note); }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
details { margin-top: 4px; } summary { cursor: pointer; color: var(--muted); }
.frame { margin: 6px 0 0; border: 1px solid #e0e0e0; border-radius: 6px; overflow-x: auto; background: #fbfbfb; }
.frame pre { margin: 0; padding: 6px 8px; }
.doc { background: #f7f7f7; padding: 4px 12px; border-radius: 6px; margin: 6px 0 0; font-size: 13px; }
.doc pre { background: #fff; border: 1px solid #e0e0e0; border-radius: 6px; padding: 6px 8px; overflow-x: auto; }
.rule-doc { margin: 6px 0; background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 8px 12px; }
.more td { color: var(--muted); font-style: italic; }
.fix { color: #2e7d32; }
.empty { padding: 24px; text-align: center; color: var(--muted); }
"""

_JS = """
(function () {
  const table = document.getElementById('findings');
  if (!table) return;
  const body = table.tBodies[0];
  const rows = Array.from(body.rows);
  const search = document.getElementById('filter-text');
  const sev = document.getElementById('filter-severity');
  const rule = document.getElementById('filter-rule');
  const shown = document.getElementById('shown-count');
  function apply() {
    const q = search.value.toLowerCase();
    let n = 0;
    rows.forEach(function (r) {
      const ok = (!q || r.textContent.toLowerCase().includes(q)) &&
        (!sev.value || r.dataset.severity === sev.value) && (!rule.value || r.dataset.rule === rule.value);
      r.hidden = !ok; if (ok) n++;
    });
    shown.textContent = String(n);
  }
  [search, sev, rule].forEach(function (el) { el.addEventListener('input', apply); });
  Array.from(table.tHead.rows[0].cells).forEach(function (th, i) {
    th.addEventListener('click', function () {
      const asc = th.getAttribute('aria-sort') !== 'ascending';
      Array.from(table.tHead.rows[0].cells).forEach(function (c) { c.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      const key = function (r) { return r.cells[i].dataset.sort || r.cells[i].textContent; };
      const num = th.dataset.type === 'number';
      rows.sort(function (a, b) {
        const x = key(a), y = key(b);
        const c = num ? (parseFloat(x) - parseFloat(y)) : x.localeCompare(y);
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
  apply();
  function openDoc() {
    const target = location.hash && document.getElementById(location.hash.slice(1));
    if (target && target.tagName === 'DETAILS') target.open = true;
  }
  window.addEventListener('hashchange', openDoc);
  openDoc();
})();
"""


def _bars(title: str, counts: Counter[str], test_id: str) -> str:
    if not counts:
        return f'<div class="chart" data-testid="{test_id}"><h2>{html.escape(title)}</h2><p class="muted">No findings.</p></div>'
    top = max(counts.values())
    rows = []
    for label, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        width = max(2, round(100 * count / top))
        rows.append(
            f'<div class="bar-row"><span class="bar-label" title="{html.escape(label)}">{html.escape(label)}</span>'
            f'<span><span class="bar" style="display:block;width:{width}%"></span></span><span>{count}</span></div>'
        )
    return f'<div class="chart" data-testid="{test_id}"><h2>{html.escape(title)}</h2>{"".join(rows)}</div>'


# Loading problems after which the file has no tree: its secrets are known only from its text,
# so excerpts there show the finding's own lines and no neighbours (as the text format does).
UNPARSED = frozenset({"PL002", "PL004", "PL007", "PL008", "PL009", "PL010"})


def _frame(lines: SourceLines, finding: Any, formatter: Any, lexers: dict[str, Any], context: bool = True) -> str:
    from pygments import highlight

    first_line = max(1, finding.line - 1) if context else finding.line
    last_line = min(finding.end_line, finding.line + 4) + (1 if context else 0)
    rows = []
    for number in range(first_line, last_line + 1):
        text = lines.get(finding.path, number)
        if text is None:
            break
        rows.append((number, text))
    here = next((text for number, text in rows if number == finding.line), None)
    if here is None:
        return ""
    start = finding.col - 1
    end = finding.end_col - 1 if finding.end_line == finding.line else len(here)
    first, last = window(len(here), start, max(end, start + 1))
    lexer = lexers["json"] if finding.path.lower().endswith(".json") else lexers["yaml"]
    code = "\n".join(clip(text, first, last) for _, text in rows) + "\n"
    formatter.linenostart = rows[0][0]
    formatter.hl_lines = [finding.line - rows[0][0] + 1]
    return f'<div class="frame">{highlight(code, lexer, formatter)}</div>'


def render(result: Any, stream: IO[str], **_: Any) -> None:
    """Write the HTML report."""
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import JsonLexer, YamlLexer

    # highlighting by CSS classes, styled once in the page's <style>, not inline in every excerpt
    formatter = HtmlFormatter(linenos="inline", style="default", hl_lines=[], cssclass="highlight")
    lexers = {"json": JsonLexer(), "yaml": YamlLexer()}
    findings = result.findings
    severities = Counter(str(f.severity) for f in findings)
    per_rule = Counter(f"{f.code} {f.name}" for f in findings)
    per_kind = Counter(result.file_kinds.get(f.path) or f.kind or "unclassified" for f in findings)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    rules_used = sorted({f.code for f in findings})

    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>pipelint audit report</title>",
        f"<style>{_CSS}\n{formatter.get_style_defs('.frame .highlight')}</style></head><body>",
        "<h1>pipelint audit report</h1>",
        f'<p class="muted">{len(result.file_kinds)} file{"s" if len(result.file_kinds) != 1 else ""} linted · generated {html.escape(stamp)} by pipelint {html.escape(__version__)}</p>',
        '<div class="totals">',
        f'<div class="total" data-testid="total"><b>{len(findings)}</b>findings</div>',
    ]
    for sev in ("error", "warning", "note"):
        parts.append(f'<div class="total {sev}" data-testid="total-{sev}"><b>{severities.get(sev, 0)}</b>{sev}s</div>')
    parts.append(f'<div class="total" data-testid="total-files"><b>{len(result.file_kinds)}</b>files</div></div>')
    parts.append('<div class="charts">')
    parts.append(_bars("Findings per rule", per_rule, "chart-rules"))
    parts.append(_bars("Findings per file kind", per_kind, "chart-kinds"))
    parts.append("</div>")
    parts.append("<h2>Findings</h2>")
    if not findings:
        parts.append('<div class="empty">No findings. 🎉</div>')
    else:
        parts.append('<div class="controls">')
        parts.append('<input id="filter-text" type="search" placeholder="Filter by text, file or rule" aria-label="Filter">')
        parts.append('<select id="filter-severity" aria-label="Severity"><option value="">All severities</option>'
                     '<option value="error">error</option><option value="warning">warning</option><option value="note">note</option></select>')
        parts.append('<select id="filter-rule" aria-label="Rule"><option value="">All rules</option>'
                     + "".join(f'<option value="{html.escape(code)}">{html.escape(code)}</option>' for code in rules_used)
                     + "</select>")
        parts.append(f'<span class="muted"><span id="shown-count">{len(findings)}</span> shown</span></div>')
        parts.append('<table id="findings"><thead><tr><th>Severity</th><th>Rule</th><th>File</th>'
                     '<th data-type="number">Line</th><th>Message</th></tr></thead><tbody>')
        rank = {"error": "0", "warning": "1", "note": "2"}
        lines = SourceLines(result)
        unparsed = {f.path for f in findings if f.code in UNPARSED}
        shown: Counter[str] = Counter()
        totals = Counter(f.path for f in findings)
        for f in findings:
            shown[f.path] += 1
            if shown[f.path] > MAX_ROWS_PER_FILE:
                if shown[f.path] == MAX_ROWS_PER_FILE + 1:
                    rest = totals[f.path] - MAX_ROWS_PER_FILE
                    parts.append(
                        f'<tr class="more" data-severity="" data-rule=""><td data-sort="9"></td><td></td><td><code>{html.escape(clean(f.path))}</code></td>'
                        f'<td data-sort="{f.line}"></td><td>{rest} more finding{"s" if rest != 1 else ""} in this file not listed here '
                        "(the json or sarif report lists them all)</td></tr>"
                    )
                continue
            sev = str(f.severity)
            code = html.escape(f.code)
            fix = f'<div class="fix">Fix: {html.escape(clean(f.fix))}</div>' if f.fix else ""
            frame = _frame(lines, f, formatter, lexers, f.path not in unparsed) if shown[f.path] <= MAX_FRAMES_PER_FILE else ""
            about = f' <a href="#rule-{code}" class="muted">about {code}</a>' if f.code in result.registry.by_code else ""
            parts.append(
                f'<tr data-severity="{sev}" data-rule="{code}">'
                f'<td class="sev {sev}" data-sort="{rank[sev]}">{sev}</td>'
                f'<td data-sort="{code}"><code>{code}</code><br><span class="muted">{html.escape(f.name)}</span></td>'
                f"<td><code>{html.escape(clean(f.path))}</code></td>"
                f'<td data-sort="{f.line}">{f.line}:{f.col}</td>'
                f"<td>{html.escape(clean(f.message))}{about}{fix}{frame}</td></tr>"
            )
        parts.append("</tbody></table>")
        parts.append("<h2>Rules</h2>")
        for code in rules_used:
            found = result.registry.by_code.get(code)
            if found is None:
                continue
            parts.append(
                f'<details class="rule-doc" id="rule-{html.escape(code)}"><summary><code>{html.escape(code)}</code> '
                f'{html.escape(found.name)} ({found.severity})</summary><div class="doc">{doc_html(found.doc)}</div></details>'
            )
    parts.append(f"<script>{_JS}</script></body></html>")
    stream.write("\n".join(parts) + "\n")

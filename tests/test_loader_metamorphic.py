"""Metamorphic test over the real-file corpus: rewriting a file without changing its meaning must
not add any error or warning.

Each rewrite below is guided by the loader's own positioned tree, so it only touches text whose
meaning it knows (a block list of one-line scalars, a one-line plain string, a key at the start
of a line). Positions move, so findings are compared as multisets of (code, severity) per file.

To stay fast, the corpus is linted three times in all: as it is; with each file given one
rewrite (taken in turn, so every rewrite meets every kind of file); and with each file given
every rewrite that applies, one after the other.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections import Counter
from collections.abc import Callable

import pytest

from helpers import lint
from pipelint.load import load_text
from pipelint.load.nodes import Mapping, Node, Scalar, Sequence, walk

CORPUS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "..", "shared", "corpus")
_EXTENSIONS = (".yml", ".yaml", ".json", ".template")
_DATE_LIKE = re.compile(r"\d{4}-\d")


def _is_yaml(path: str, text: str) -> bool:
    from pipelint.load import detect_format

    return detect_format(path, text) == "yaml"


def _nodes(text: str, path: str) -> list[Node] | None:
    """Every distinct node of the file (keys included), or ``None`` if it does not load cleanly."""
    result = load_text(text, path)
    if result.fatal or any(p.code == "PL002" for p in result.problems):
        return None
    seen: set[int] = set()
    out = []
    for root in result.roots:
        for node in walk(root):
            if id(node) not in seen:
                seen.add(id(node))
                out.append(node)
    return out


def _one_line_source(lines: list[str], node: Node) -> str | None:
    """The node's text if it sits on one line (else ``None``)."""
    if node.line != node.end_line or not 0 < node.line <= len(lines):
        return None
    return lines[node.line - 1][node.col - 1 : node.end_col - 1]


def _plain_string(lines: list[str], node: Node) -> str | None:
    """The source of a one-line plain scalar that YAML reads as that same string."""
    if not isinstance(node, Scalar) or node.style != "" or node.value != node.raw or not node.raw:
        return None  # (the key of an expanded short tag has the tag as its raw text)
    source = _one_line_source(lines, node)
    if source != node.raw or node.raw == "<<" or _DATE_LIKE.match(node.raw):
        return None
    return source


def quote_plain_strings(text: str, path: str) -> str | None:
    """`key: value` → `"key": "value"` for every one-line plain scalar that is a string."""
    if not _is_yaml(path, text):
        return None
    nodes = _nodes(text, path)
    if nodes is None:
        return None
    lines = text.split("\n")
    edits: dict[int, list[tuple[int, int, str]]] = {}
    for node in nodes:
        source = _plain_string(lines, node)
        if source is not None:
            edits.setdefault(node.line, []).append((node.col, node.end_col, _double_quoted(source)))
    for line, spans in edits.items():
        current = lines[line - 1]
        for col, end_col, replacement in sorted(spans, reverse=True):
            current = current[: col - 1] + replacement + current[end_col - 1 :]
        lines[line - 1] = current
    return "\n".join(lines) if edits else None


def _double_quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # JSON escapes are YAML escapes (no surrogates)


def _flow_item(lines: list[str], item: Node) -> str | None:
    source = _one_line_source(lines, item)
    if not isinstance(item, Scalar) or source is None or not source:
        return None
    if item.style in ("'", '"'):
        return source
    if item.style != "" or source != item.raw:
        return None
    if any(c in source for c in ",[]{}") or ": " in source or source[0] in "-?:!&*'\"%@`|>#":
        return _double_quoted(source) if isinstance(item.value, str) and not _DATE_LIKE.match(source) else None
    return source


def block_lists_to_flow(text: str, path: str) -> str | None:
    """`key:\\n  - a\\n  - b` → `key: [a, b]` for lists of one-line scalars, one per line."""
    if not _is_yaml(path, text):
        return None
    nodes = _nodes(text, path)
    if nodes is None:
        return None
    lines = text.split("\n")
    edits: list[tuple[int, int, str]] = []  # (key line, last item line, new key line)
    for node in nodes:
        if not isinstance(node, Mapping):
            continue
        for key, value in node.pairs:
            if not isinstance(value, Sequence) or not value.items or not isinstance(key, Scalar):
                continue
            key_line = lines[key.line - 1] if key.line == key.end_line else ""
            if key_line[key.end_col - 1 :].strip() != ":":
                continue
            items = []
            for index, item in enumerate(value.items):
                row = item.line - 1
                flow = _flow_item(lines, item)
                if (
                    flow is None
                    or item.line != key.line + 1 + index
                    or lines[row][: item.col - 1].strip() != "-"
                    or lines[row][item.end_col - 1 :].strip() != ""
                ):
                    break
                items.append(flow)
            else:
                edits.append((key.line, key.line + len(items), key_line.rstrip() + " [" + ", ".join(items) + "]"))
    if not edits:
        return None
    for key_line, last_line, new in sorted(edits, reverse=True):
        lines[key_line - 1 : last_line] = [new]
    return "\n".join(lines)


def add_comments(text: str, path: str) -> str | None:
    """A comment at the end of every line that ends with a one-line scalar, and a comment line
    before every key that starts its line."""
    if not _is_yaml(path, text):
        return None
    nodes = _nodes(text, path)
    if nodes is None:
        return None
    lines = text.split("\n")
    line_ends: set[int] = set()
    before: dict[int, int] = {}
    for node in nodes:
        if not isinstance(node, Scalar) or node.style in ("|", ">") or node.line != node.end_line:
            continue
        row = lines[node.line - 1]
        if row[node.end_col - 1 :].strip() == "" and "#" not in row[node.end_col - 1 :]:
            line_ends.add(node.line)
    for node in nodes:
        if isinstance(node, Mapping):
            for key, _ in node.pairs:
                if isinstance(key, Scalar) and lines[key.line - 1][: key.col - 1].strip() in ("", "-"):
                    before[key.line] = len(lines[key.line - 1]) - len(lines[key.line - 1].lstrip(" "))
    if not line_ends and not before:
        return None
    out = []
    for number, row in enumerate(lines, 1):
        if number in before:
            out.append(" " * before[number] + "# a comment between keys: meaning unchanged")
        out.append(row + "  # an end-of-line comment" if number in line_ends else row)
    return "\n".join(out)


def double_indentation(text: str, path: str) -> str | None:
    """Every indentation twice as wide; block scalar content shifted as a whole."""
    nodes = _nodes(text, path)
    if nodes is None or "\t" in text:
        return None
    lines = text.split("\n")
    shift: dict[int, int] = {}
    for node in nodes:
        if isinstance(node, Scalar) and node.style in ("|", ">"):
            header = lines[node.line - 1][node.col - 1 :]
            if re.match(r"[|>][-+]?[0-9]", header):
                return None  # an explicit indentation indicator: leave the file alone
            last = node.end_line - 1 if node.end_col == 1 else node.end_line
            content = [lines[n - 1] for n in range(node.line + 1, last + 1) if lines[n - 1].strip()]
            if not content:
                continue
            base = min(len(row) - len(row.lstrip(" ")) for row in content)
            for n in range(node.line + 1, last + 1):
                shift[n] = base
    starts = {(node.line, node.col) for node in nodes}
    out = []
    for number, row in enumerate(lines, 1):
        if number in shift:
            out.append(" " * shift[number] + row if row.strip() else row)
            continue
        # `- - key: v`: every dash and the content after them sit at columns that double.
        dashes = []
        column = len(row) - len(row.lstrip(" "))
        while row[column : column + 2] == "- ":
            dashes.append(column)
            column += 1
            while row[column : column + 1] == " ":
                column += 1
        if not dashes or (number, column + 1) not in starts:
            dashes, column = [], len(row) - len(row.lstrip(" "))
        prefix = ""
        for dash in dashes:
            prefix += " " * (2 * dash - len(prefix)) + "-"
        out.append(prefix + " " * (2 * column - len(prefix)) + row[column:])
    new = "\n".join(out)
    return new if new != text else None


def add_document_start(text: str, path: str) -> str | None:
    """A `---` line before the document."""
    if not _is_yaml(path, text) or text.startswith(("---", "%")) or _nodes(text, path) is None:
        return None
    return "---\n" + text


def crlf_line_endings(text: str, path: str) -> str | None:
    """Windows line endings."""
    if "\r" in text or _nodes(text, path) is None:
        return None
    return text.replace("\n", "\r\n")


REWRITES: list[Callable[[str, str], str | None]] = [
    block_lists_to_flow,
    add_comments,
    double_indentation,
    quote_plain_strings,
    add_document_start,
    crlf_line_endings,
]


def _corpus_files() -> list[str]:
    found = []
    for folder, _, names in os.walk(CORPUS):
        for name in names:
            if name.endswith(_EXTENSIONS):
                found.append(os.path.relpath(os.path.join(folder, name), CORPUS))
    return sorted(found)


def _read(relative: str) -> str:
    with open(os.path.join(CORPUS, relative), "rb") as handle:
        data = handle.read()
    return data.decode("utf-8-sig") if b"\r" not in data else ""


def _write(root: str, relative: str, text: str) -> None:
    target = os.path.join(root, relative)
    os.makedirs(os.path.dirname(target), exist_ok=True)
    with open(target, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)


def _counts(root: str) -> dict[str, Counter]:
    per_file: dict[str, Counter] = {}
    # ShellCheck (BS901) runs an external program per script, which would make this test slow;
    # the rewrites leave every command's text as it was, so it would see the same scripts.
    for finding in lint(root, ignore=["BS901"]):
        severity = finding.severity.name.lower()
        if severity in ("error", "warning"):
            relative = os.path.relpath(os.path.abspath(finding.path), os.path.abspath(root))
            per_file.setdefault(relative, Counter())[(finding.code, severity)] += 1
    return per_file


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason="the real-file corpus ../shared/corpus is not present (it is not part of the project)")
def test_meaning_preserving_rewrites_add_no_error_or_warning(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # findings' paths relative to the linted folders
    original, single, combined = "original", "single", "combined"
    applied: dict[str, Counter] = {single: Counter(), combined: Counter()}
    notes: dict[tuple[str, str], str] = {}
    for index, relative in enumerate(_corpus_files()):
        text = _read(relative)
        if not text:
            continue  # CRLF files stay out: the rewrites work on LF text
        _write(original, relative, text)
        for offset in range(len(REWRITES)):
            rewrite = REWRITES[(index + offset) % len(REWRITES)]
            new = rewrite(text, relative)
            if new is not None:
                _write(single, relative, new)
                applied[single][rewrite.__name__] += 1
                notes[(single, relative)] = rewrite.__name__
                break
        else:
            shutil.copyfile(os.path.join(original, relative), os.path.join(_mkdir(single, relative), os.path.basename(relative)))
        current = text
        names = []
        for rewrite in REWRITES:
            new = rewrite(current, relative)
            if new is not None:
                current = new
                names.append(rewrite.__name__)
                applied[combined][rewrite.__name__] += 1
        _write(combined, relative, current)
        notes[(combined, relative)] = " + ".join(names)
    for counts in applied.values():
        for rewrite in REWRITES:
            assert counts[rewrite.__name__] >= 10, (rewrite.__name__, counts)
    before = _counts(original)
    assert sum(sum(counts.values()) for counts in before.values()) > 100  # the comparison has teeth
    added = []
    for variant in (single, combined):
        after = _counts(variant)
        for relative, counts in sorted(after.items()):
            extra = counts - before.get(relative, Counter())
            if extra:
                added.append((variant, relative, notes.get((variant, relative)), dict(extra)))
    assert added == []


def _mkdir(root: str, relative: str) -> str:
    folder = os.path.join(root, os.path.dirname(relative))
    os.makedirs(folder, exist_ok=True)
    return folder


def test_rewrites_keep_the_tree():
    """The rewrites themselves are meaning-preserving: the loaded values do not change."""
    text = (
        "a:\n  - sts:AssumeRole\n  - 's3:Get*'\n  - x, y\n  - 0755\n"
        "b: |\n  line one\n    indented\nc: {d: e}\nversion: 0.2\nwhen: 2010-09-09\n"
    )
    expected = load_text(text, "x.yml").roots[0].to_python()
    for rewrite in REWRITES:
        new = rewrite(text, "x.yml")
        assert new is not None, rewrite.__name__
        result = load_text(new, "x.yml")
        assert result.problems == [], (rewrite.__name__, new)
        assert result.roots[0].to_python() == expected, (rewrite.__name__, new)
    assert block_lists_to_flow(text, "x.yml").startswith("a: [sts:AssumeRole, 's3:Get*', \"x, y\", 0755]\n")

"""``--diff``: the change ``--fix`` would make to a file, as a unified diff (secrets masked)."""

from __future__ import annotations


def _lines(text: str) -> list[str]:
    """The lines of ``text`` with their endings, split at ``\\n`` only (a ``\\r\\n`` file keeps
    its ``\\r``; form feeds and other characters ``str.splitlines`` would break at stay inside)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def _shown(line: str) -> str:
    """A diff line safe for a terminal: control and bidirectional characters escaped, except
    tabs and the line's own ending."""
    from ..reporters.safe import clean

    body = line.rstrip("\r\n")
    ending = line[len(body):]
    return "\t".join(clean(part) for part in body.split("\t")) + ending


def unified_diff(path: str, before: str, after: str, secrets: set[str] | None = None) -> str:
    """A unified diff from ``before`` to ``after`` with ``a/``/``b/`` file names and 3 lines of
    context. Line endings are kept as they are in the file, so a CRLF file shows CRLF lines.
    Every known secret of the file is masked in the diff, as in every other output, and control
    characters are escaped."""
    import difflib

    from ..reporters.safe import clean

    shown = clean(path)
    out = []
    for number, line in enumerate(difflib.unified_diff(_lines(before), _lines(after), f"a/{shown}", f"b/{shown}")):
        if number < 2 or line.startswith("@@"):  # the file names, a hunk's header
            out.append(line if line.endswith("\n") else line + "\n")
            continue
        out.append(_shown(line) + ("" if line.endswith("\n") else "\n\\ No newline at end of file\n"))
    text = "".join(out)
    if secrets:
        from ..textutil import mask_secrets

        text = mask_secrets(text, secrets)
    return text

"""AS110–AS112: the EC2/on-premises ``files`` section."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator

from pipelint.api import Document, Mapping, Report, Scalar, did_you_mean, rule
from pipelint.models.appspec import AGENT, appspec_of, is_empty, items_of, shown

from ._bundle import bundle_present, bundle_root, files_under, locate, parts_of

_WINDOWS_ABSOLUTE = re.compile(r"^(?:[A-Za-z]:[\\/]|\\\\|/|\\)")


def _entries(doc: Document) -> list[Mapping]:
    spec = appspec_of(doc)
    if spec is None:
        return []
    return [item for item in items_of(spec.root.get("files")) if isinstance(item, Mapping)]


def _stray(entry: Mapping, wanted: str) -> Scalar | None:
    """A key of ``entry`` that looks like a misspelling of ``wanted``."""
    for key, _ in entry.items():
        if key.text not in ("source", "destination") and did_you_mean(key.text, [wanted], cutoff=0.7):
            return key
    return None


@rule("AS110", "ec2-files-entry-incomplete", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_files_entry_incomplete(doc: Document, config: dict) -> Iterator[Report]:
    """Every ``files`` entry needs a ``source`` and a ``destination``.

    The agent fails the deployment at parse time: "…specifies a destination file, but no source
    file" or "…specifies only a source file (…). Add the name of the destination file". A key
    spelt differently (``sources:``) counts as missing, because the agent ignores it.

    Failing::

        files:
          - sources: /
            destination: /var/www/app

    Fixed::

        files:
          - source: /
            destination: /var/www/app
    """
    for entry in _entries(doc):
        for wanted in ("source", "destination"):
            value = entry.get(wanted)
            if not is_empty(value) and isinstance(value, Scalar):
                continue
            stray = _stray(entry, wanted)
            source_text = shown(entry.get("source")) if not is_empty(entry.get("source")) else ""
            if wanted == "source":
                agent = f'{AGENT} "…specifies a destination file, but no source file"'
            else:
                agent = f'{AGENT} "…specifies only a source file ({source_text}). Add the name of the destination file"'
            if value is not None and not is_empty(value):
                yield Report(value, f"`{wanted}` must be a path, not {shown(value)}; {agent}", fix=f"write one path as `{wanted}`")
            elif stray is not None:
                yield Report(stray, f"`{stray.text}` is not an AppSpec key (the agent ignores it), so this `files` entry has no "
                             f"`{wanted}`; {agent}; rename it to `{wanted}`", fix=f"rename `{stray.text}` to `{wanted}`")
            elif value is not None:
                yield Report(value, f"`{wanted}` is empty; {agent}; write the path", fix=f"fill in `{wanted}`")
            else:
                target = entry.pairs[0][0] if entry.pairs else entry
                example = "/" if wanted == "source" else "/var/www/app"
                yield Report(target, f"this `files` entry has no `{wanted}`; {agent}; add `{wanted}: {example}` (for example)",
                             fix=f"add `{wanted}`")


@rule("AS111", "ec2-files-destination-not-absolute", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_files_destination_not_absolute(doc: Document, config: dict) -> Iterator[Report]:
    """A ``files`` ``destination`` must be an absolute path on the instance.

    The destination is where the agent copies the revision's files; the AppSpec reference
    requires a full path (``/var/www/html`` on Linux, ``C:\\inetpub\\wwwroot`` on Windows). A
    relative path has no defined base on the instance.

    Failing::

        files:
          - source: /
            destination: var/www/html

    Fixed::

            destination: /var/www/html
    """
    spec = appspec_of(doc)
    if spec is None:
        return
    windows = spec.os == "windows"
    for entry in _entries(doc):
        value = entry.get("destination")
        if not isinstance(value, Scalar) or is_empty(value):
            continue
        path = value.text.strip()
        if path.startswith("/") or (windows or spec.os is None) and _WINDOWS_ABSOLUTE.match(path):
            continue
        example = "C:\\" + path.lstrip(".\\/") if windows else "/" + path.lstrip("./")
        yield Report(value, f"`destination` {shown(value)} is not an absolute path; the agent copies files to a full path on "
                     f"the instance: write `{example}` (or the path you mean)", fix=f"write `{example}`")


def _norm(path: str, windows: bool) -> str:
    joined = "/" + "/".join(parts_of(path))
    normal = posixpath.normpath(joined)
    return normal.lower() if windows else normal


@rule("AS112", "ec2-files-same-destination", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_files_same_destination(doc: Document, config: dict) -> Iterator[Report]:
    """Two ``files`` entries copy a file to the same place on the instance.

    The agent plans one copy per target file and stops the install with "…specifies two source
    files named … and … for the same destination (…)" when two entries produce the same target:
    the same entry written twice, a file listed on its own and again inside a folder copied to
    the same destination, or (when the bundle is on disk) two folders holding the same file
    name.

    Failing::

        files:
          - source: /
            destination: /var/www/html
          - source: index.html
            destination: /var/www/html

    Fixed: keep only the ``source: /`` entry, which already copies ``index.html``.
    """
    spec = appspec_of(doc)
    if spec is None:
        return
    windows = spec.os == "windows"
    found = bundle_root(doc, config)
    root = found[0] if found and (found[1] or bundle_present(found[0])) else None
    targets: dict[str, tuple[str, Scalar]] = {}
    pairs: dict[tuple[str, str], Scalar] = {}
    entries = _entries(doc)
    for entry in entries:
        source, destination = entry.get("source"), entry.get("destination")
        if not isinstance(source, Scalar) or not isinstance(destination, Scalar) or is_empty(source) or is_empty(destination):
            continue
        pair = (_norm(source.text, windows), _norm(destination.text, windows))
        if pair in pairs:
            yield Report(source, f"this `files` entry repeats the entry on line {pairs[pair].line} (source {shown(source)}, "
                         f"destination {shown(destination)}), so every file is copied twice to the same place; "
                         f'{AGENT} "…specifies two source files … for the same destination"; remove one of them',
                         fix="remove the duplicate entry")
            continue
        pairs[pair] = source
        for rel, target in _targets(source.text, destination.text, root, windows, entries):
            earlier = targets.get(target)
            if earlier is not None and earlier[1] is not source:
                yield Report(
                    source,
                    f"this entry copies `{rel}` to `{target}`, but the entry with source {shown(earlier[1])} (line "
                    f"{earlier[1].line}) already copies `{earlier[0]}` there; {AGENT} \"…specifies two source files named "
                    f"{earlier[0]} and {rel} for the same destination ({target})\"; remove one of the two entries or give "
                    "them different destinations",
                    fix="remove the duplicate entry",
                )
                break
            targets[target] = (rel, source)


def _targets(source: str, destination: str, root: str | None, windows: bool, entries: list[Mapping]) -> list[tuple[str, str]]:
    """``(bundle path, instance path)`` of each file an entry installs, as far as they can be known."""
    dest = _norm(destination, windows)
    parts = parts_of(source)
    rel = "/".join(parts)
    if root is not None:
        path = locate(root, source)
        if path is None:
            return []
        if os.path.isfile(path):
            return [(rel, _norm(f"{dest}/{parts[-1]}", windows))]
        listed = files_under(path)
        if listed is None:
            return []
        return [(f"{rel}/{name}" if rel else name, _norm(f"{dest}/{name}", windows)) for name in listed]
    # No bundle: a file-looking source is a file; a folder's files are known only when another
    # entry names one of them.
    if parts and "." in parts[-1] and not source.rstrip().endswith(("/", "\\")):
        return [(rel, _norm(f"{dest}/{parts[-1]}", windows))]
    found: list[tuple[str, str]] = []
    for entry in entries:
        other = entry.get("source")
        if not isinstance(other, Scalar) or not isinstance(other.value, str):
            continue
        other_parts = parts_of(other.value)
        if len(other_parts) > len(parts) and other_parts[: len(parts)] == parts and "." in other_parts[-1]:
            inner = "/".join(other_parts[len(parts):])
            found.append(("/".join(other_parts), _norm(f"{dest}/{inner}", windows)))
    return found

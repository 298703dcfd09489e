"""AS110–AS112: the EC2/on-premises ``files`` section."""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterator

from pipelint.api import Document, Mapping, Report, Scalar, did_you_mean, rule
from pipelint.models.appspec import AGENT, appspec_of, is_empty, items_of, show, shown

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

    AWS behaviour: `FileInfo.new` raises AppSpecValidationException "…specifies a destination file,
    but no source file" or "…specifies only a source file (…). Add the name of the destination
    file", failing the deployment when the AppSpec is parsed. Source: aws/aws-codedeploy-agent,
    lib/instance_agent/plugins/codedeploy/application_specification/file_info.rb.

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
        missing = [w for w in ("source", "destination") if is_empty(entry.get(w)) or not isinstance(entry.get(w), Scalar)]
        bare = [w for w in missing if entry.get(w) is None and _stray(entry, w) is None]
        if len(bare) == 2:
            target = entry.pairs[0][0] if entry.pairs else entry
            yield Report(target, f'this `files` entry has neither `source` nor `destination`; {AGENT} "…specifies a destination '
                         'file, but no source file"; write `source:` (a path in the bundle) and `destination:` (a full path on '
                         "the instance)", fix="add `source` and `destination`")
            continue
        for wanted in missing:
            yield _incomplete(entry, wanted)


def _incomplete(entry: Mapping, wanted: str) -> Report:
    value = entry.get(wanted)
    stray = _stray(entry, wanted)
    source = entry.get("source")
    source_text = shown(source) if isinstance(source, Scalar) and not is_empty(source) else ""
    if wanted == "source":
        agent = f'{AGENT} "…specifies a destination file, but no source file"'
    elif not source_text:
        agent = "the agent needs both keys"
    else:
        agent = f'{AGENT} "…specifies only a source file ({source_text}). Add the name of the destination file"'
    if value is not None and not is_empty(value):
        return Report(value, f"`{wanted}` must be one path, not {show(value)}", fix=f"write one path as `{wanted}`")
    if stray is not None:
        return Report(stray, f"`{stray.text}` is not an AppSpec key (the agent ignores it), so this `files` entry has no "
                      f"`{wanted}`; {agent}; rename it to `{wanted}`", fix=f"rename `{stray.text}` to `{wanted}`")
    if value is not None:
        return Report(value, f"`{wanted}` is empty; {agent}; write the path", fix=f"fill in `{wanted}`")
    target = entry.pairs[0][0] if entry.pairs else entry
    example = "/" if wanted == "source" else "/var/www/app"
    return Report(target, f"this `files` entry has no `{wanted}`; {agent}; add `{wanted}: {example}` (for example)",
                  fix=f"add `{wanted}`")


@rule("AS111", "ec2-files-destination-not-absolute", severity="warning", kinds=("appspec",), flavors=("ec2",))
def ec2_files_destination_not_absolute(doc: Document, config: dict) -> Iterator[Report]:
    """A ``files`` ``destination`` must be an absolute path on the instance.

    The destination is where the agent copies the revision's files; the AppSpec reference
    requires a full path (``/var/www/html`` on Linux, ``C:\\inetpub\\wwwroot`` on Windows). A
    relative path has no defined base on the instance.

    AWS behaviour: the agent does not check `destination`: a relative path is resolved against the
    agent's working directory, so the deployment goes on and the files land in an unexpected place.
    A warning. Source: aws/aws-codedeploy-agent lib/instance_agent/plugins/codedeploy/installer.rb
    and file_info.rb; AWS CodeDeploy User Guide, "CodeDeploy AppSpec file reference"
    (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html), 'files'
    (destination).

    Failing::

        version: 0.0
        os: linux
        files:
          - source: /
            destination: var/www/html

    Fixed::

        version: 0.0
        os: linux
        files:
          - source: /
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
        yield Report(value, f"`destination` {show(value)} is not an absolute path; the agent copies files to a full path on "
                     f"the instance: write `{example}` (or the path you mean)", fix=f"write `{example}`")


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@rule("AS113", "ec2-files-source-url", severity="error", kinds=("appspec",), flavors=("ec2",))
def ec2_files_source_url(doc: Document, config: dict) -> Iterator[Report]:
    """A ``files`` ``source`` is a URL (``s3://…``, ``https://…``) instead of a path in the revision.

    ``source`` names a file or folder inside the revision bundle, relative to its root; the agent
    does not download anything named there, it looks for a folder called ``s3:`` in the bundle
    and the install fails. Put the file into the revision (for example as a build artifact), or
    download it in a ``BeforeInstall`` script.

    AWS behaviour: the agent joins `source` to the unpacked bundle and plans a copy of a path that
    does not exist; the copy fails during the Install event (No such file or directory), failing the
    deployment there. Source: aws/aws-codedeploy-agent
    lib/instance_agent/plugins/codedeploy/installer.rb (generate_instructions); AWS CodeDeploy User
    Guide, "CodeDeploy AppSpec file reference"
    (docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file.html), 'files'.

    Failing::

        files:
          - source: s3://my-bucket/app/artifact.zip
            destination: /opt/app

    Fixed::

        files:
          - source: artifact.zip
            destination: /opt/app
    """
    for entry in _entries(doc):
        source = entry.get("source")
        if isinstance(source, Scalar) and isinstance(source.value, str) and _URL.match(source.value.strip()):
            yield Report(source, f"`files` source {show(source)} is a URL, but `source` is a path inside the revision bundle; "
                         "the agent does not download it and the install fails: add the file to the revision and name its "
                         "path, or download it in a `BeforeInstall` script", fix="use a path inside the bundle")


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
    name. The rule option ``bundle-root`` works as for AS301.

    AWS behaviour: while generating install instructions for the Install event the agent raises "The
    deployment failed because the application specification file specifies two source files named …
    and … for the same destination (…)". Source: aws/aws-codedeploy-agent
    lib/instance_agent/plugins/codedeploy/install_instruction.rb (agent 1.8.1).

    Failing::

        files:
          - source: /
            destination: /var/www/html
          - source: index.html
            destination: /var/www/html

    Fixed (``source: /`` already copies ``index.html``)::

        files:
          - source: /
            destination: /var/www/html
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
            yield Report(source, f"this `files` entry repeats the entry on line {pairs[pair].line} (source {show(source)}, "
                         f"destination {show(destination)}), so every file is copied twice to the same place; "
                         f'{AGENT} "…specifies two source files … for the same destination"; remove one of them',
                         fix="remove the duplicate entry")
            continue
        pairs[pair] = source
        for rel, inner in _targets(source.text, root, entries):
            target = _norm(f"{destination.text}/{inner}", windows)
            shown_target = _join(destination.text, inner, windows)
            earlier = targets.get(target)
            if earlier is not None and earlier[1] is not source:
                same = "the same file" if earlier[0] == rel else f"`{earlier[0]}`"
                yield Report(
                    source,
                    f"this entry copies `{rel}` to `{shown_target}`, but the entry with source {show(earlier[1])} (line "
                    f"{earlier[1].line}) already copies {same} there; {AGENT} \"…specifies two source files named "
                    f"{earlier[0]} and {rel} for the same destination ({shown_target})\"; remove one of the two entries or "
                    "give them different destinations",
                    fix="remove the duplicate entry",
                )
                break
            targets[target] = (rel, source)


def _join(destination: str, inner: str, windows: bool) -> str:
    separator = "\\" if windows else "/"
    return destination.rstrip("/\\") + separator + inner.replace("/", separator)


def _targets(source: str, root: str | None, entries: list[Mapping]) -> list[tuple[str, str]]:
    """``(bundle path, path under the destination)`` of each file an entry installs, as far as known."""
    parts = parts_of(source)
    rel = "/".join(parts)
    if root is not None:
        path = locate(root, source)
        if path is None:
            return []
        if os.path.isfile(path):
            return [(rel, parts[-1])]
        listed = files_under(path)
        if listed is None:
            return []
        return [(f"{rel}/{name}" if rel else name, name) for name in listed]
    # No bundle: a file-looking source is a file; a folder's files are known only when another
    # entry names one of them.
    if parts and "." in parts[-1] and not source.rstrip().endswith(("/", "\\")):
        return [(rel, parts[-1])]
    found: list[tuple[str, str]] = []
    for entry in entries:
        other = entry.get("source")
        if not isinstance(other, Scalar) or not isinstance(other.value, str):
            continue
        other_parts = parts_of(other.value)
        if len(other_parts) > len(parts) and other_parts[: len(parts)] == parts and "." in other_parts[-1]:
            found.append(("/".join(other_parts), "/".join(other_parts[len(parts):])))
    return found

"""AS301–AS304: hook scripts and files checked against the revision bundle on disk.

The bundle root is the AppSpec's folder, or the rule option ``bundle-root`` (relative to that
folder) when the bundle is assembled elsewhere, e.g. ``bundle-root = "../deploy"`` under
``[tool.pipelint.rule-options.AS301]``. When the AppSpec's folder holds nothing but AppSpec
files and no ``bundle-root`` is configured, the bundle is evidently put together by a build
step, and the existence checks are skipped rather than reporting every path.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

from pipelint.api import Document, Mapping, Node, Report, Scalar, rule
from pipelint.models.appspec import appspec_of, items_of, show

from ._bundle import bundle_present, bundle_root, case_mismatch, executable, locate, parts_of
from .ec2_hooks import known_scripts

_WINDOWS_SCRIPTS = (".ps1", ".bat", ".cmd")


def _root(doc: Document, config: dict) -> str | None:
    found = bundle_root(doc, config)
    if found is None:
        return None
    root, explicit = found
    return root if explicit or bundle_present(root) else None


def _where(doc: Document, root: str) -> str:
    if os.path.dirname(os.path.abspath(doc.source.path)) == root:
        return "the bundle root is the AppSpec's folder"
    return "the bundle root is set by `bundle-root`"


def _display(doc: Document, root: str, relative: str) -> str:
    base = os.path.dirname(doc.source.path)
    if os.path.abspath(base) != root:
        base = os.path.relpath(root) if not os.path.isabs(doc.source.path) else root
    return os.path.join(base, *parts_of(relative)) if parts_of(relative) else (base or ".")


def _locations(doc: Document, config: dict) -> Iterator[tuple[Scalar, Scalar]]:
    """``(event key, location)`` of every hook script with a path."""
    for key, entry in known_scripts(doc, config):
        location = entry.get("location") if isinstance(entry, Mapping) else None
        if isinstance(location, Scalar) and isinstance(location.value, str) and location.value.strip():
            yield key, location


def _missing(doc: Document, root: str, node: Scalar, windows: bool) -> str | None:
    """Why a bundle path does not resolve, or ``None`` if it exists."""
    path = node.value.strip()
    if locate(root, path) is not None:
        return None
    other = case_mismatch(root, path)
    if other is not None:
        if windows:
            return None
        return f"`{path}` does not exist in the bundle, but `{other}` does: paths are case-sensitive on Linux; write `{other}`"
    return f"`{path}` does not exist in the bundle (looked for `{_display(doc, root, path)}`; {_where(doc, root)})"


@rule("AS301", "hook-script-missing", severity="error", kinds=("appspec",), flavors=("ec2",))
def hook_script_missing(doc: Document, config: dict) -> Iterator[Report]:
    """A hook ``location`` names a script that is not in the revision bundle.

    ``location`` is relative to the bundle root, the folder holding ``appspec.yml``. A missing
    script fails the deployment when its event comes: the agent reports "Script does not exist at
    specified location: …". The check reads the working tree; it is skipped when the AppSpec's
    folder holds nothing else (the bundle is then assembled by a build step). If the bundle is
    built from another folder, set the rule option ``bundle-root``, relative to the AppSpec's
    folder: ``bundle-root = "../app"`` under ``[tool.pipelint.rule-options.AS301]``.

    AWS behaviour: when the event comes, the agent's HookExecutor raises ScriptError (code
    SCRIPT_MISSING) "Script does not exist at specified location: …" and the deployment fails at
    that lifecycle event. Source: aws/aws-codedeploy-agent
    lib/instance_agent/plugins/codedeploy/hook_executor.rb.

    Failing::

        hooks:
          ApplicationStart:
            - location: scripts/start_server.sh   # the file is scripts/start-server.sh

    Fixed::

            - location: scripts/start-server.sh
    """
    spec = appspec_of(doc)
    root = _root(doc, config)
    if spec is None or root is None:
        return
    for key, location in _locations(doc, config):
        problem = _missing(doc, root, location, spec.os == "windows")
        if problem:
            yield Report(location, f"hook script {problem}; when `{key.text}` runs, the agent fails the deployment with \"Script "
                         f"does not exist at specified location\"; fix the path, or set the rule option `bundle-root` if the "
                         "bundle is assembled from another folder", fix="correct the path")
        elif os.path.isdir(locate(root, location.value.strip()) or ""):
            yield Report(location, f"hook `location` {show(location)} is a folder; it must name the script file to run",
                         fix="name the script file")


@rule("AS302", "files-source-missing", severity="warning", kinds=("appspec",), flavors=("ec2",))
def files_source_missing(doc: Document, config: dict) -> Iterator[Report]:
    """A ``files`` ``source`` is not in the revision bundle on disk.

    The agent copies ``source`` from the bundle root; if it is missing from the revision, the
    install step fails. Build outputs (``target/app.jar``) are often created by the build step
    and are legitimately absent from the working tree, so this is a warning; it is skipped when
    the AppSpec's folder holds nothing else. The rule option ``bundle-root`` works as for AS301.

    Failing::

        files:
          - source: dist/
            destination: /var/www/html    # the build writes to build/

    Fixed::

          - source: build/
            destination: /var/www/html
    """
    spec = appspec_of(doc)
    root = _root(doc, config)
    if spec is None or root is None:
        return
    for entry in items_of(spec.root.get("files")):
        source = entry.get("source") if isinstance(entry, Mapping) else None
        if not isinstance(source, Scalar) or not isinstance(source.value, str) or not parts_of(source.value):
            continue
        if "://" in source.value:
            continue  # AS113
        problem = _missing(doc, root, source, spec.os == "windows")
        if problem:
            yield Report(source, f"`files` source {problem}; if a build step creates it, this is expected; otherwise the install "
                         "fails: correct the path", fix="correct the path, or ignore if the build creates it")


@rule("AS303", "hook-script-not-executable", severity="warning", kinds=("appspec",), flavors=("ec2",))
def hook_script_not_executable(doc: Document, config: dict) -> Iterator[Report]:
    """A Linux hook script is not executable in git (or in the working tree).

    The agent executes the script file itself, so it needs the execute bit in the revision.
    Inside a git repository the mode recorded by git is what a CI checkout, and so the bundle,
    gets: a script committed as ``100644`` arrives without the execute bit even if it is
    executable locally. The rule option ``bundle-root`` works as for AS301.

    Failing::

        $ git ls-files -s scripts/start.sh
        100644 3b18e512dba79e4c8300dd08aeb37f8e728b8dad 0	scripts/start.sh

    Fixed::

        $ git update-index --chmod=+x scripts/start.sh
        $ git commit -m "Make deployment scripts executable"
    """
    spec = appspec_of(doc)
    root = _root(doc, config)
    if spec is None or root is None or spec.os != "linux":
        return
    for key, location in _locations(doc, config):
        if location.value.strip().lower().endswith(_WINDOWS_SCRIPTS):
            continue
        path = locate(root, location.value.strip())
        if path is None or not os.path.isfile(path):
            continue
        answer = executable(path)
        if answer is not None and not answer[0]:
            rel = "/".join(parts_of(location.value))
            yield Report(location, f"the `{key.text}` hook script `{rel}` is not executable ({answer[1]}); the agent runs the file "
                         f"directly and needs its execute bit: run `git update-index --chmod=+x {rel}` (or `chmod +x {rel}`) and "
                         "commit", fix=f"git update-index --chmod=+x {rel}")


@rule("AS304", "hook-script-wrong-platform", severity="warning", kinds=("appspec",), flavors=("ec2",))
def hook_script_wrong_platform(doc: Document, config: dict) -> Iterator[Report]:
    """A hook script's type does not match ``os``: a PowerShell/batch script on Linux, a shell script on Windows.

    The Linux agent runs scripts as executables with a shell; it has no PowerShell or
    ``cmd.exe``. The Windows agent runs ``.ps1`` files with ``powershell.exe`` and cannot run
    ``.sh`` files. The hook fails when its event comes.

    Failing::

        version: 0.0
        os: linux
        hooks:
          AfterInstall:
            - location: scripts/configure.ps1

    Fixed::

        version: 0.0
        os: linux
        hooks:
          AfterInstall:
            - location: scripts/configure.sh
    """
    spec = appspec_of(doc)
    if spec is None or spec.os is None:
        return
    for key, location in _locations(doc, config):
        name = location.value.strip().lower()
        node: Node = location
        if spec.os == "linux" and name.endswith(_WINDOWS_SCRIPTS):
            yield Report(node, f"`{key.text}` runs the Windows script {show(location)}, but `os` is linux: the Linux agent cannot "
                         "run PowerShell or batch files; use a shell script, or `os: windows` for Windows instances",
                         fix="use a shell script")
        elif spec.os == "windows" and name.endswith(".sh"):
            yield Report(node, f"`{key.text}` runs the shell script {show(location)}, but `os` is windows: the Windows agent "
                         "cannot run `.sh` files; use a PowerShell (`.ps1`) or batch script", fix="use a .ps1 script")

#!/usr/bin/env python3
"""Regenerate ``src/pipelint/data/runtimes.json`` from a checkout of aws/aws-codebuild-docker-images.

The table tells the buildspec rules which runtimes and versions ``phases.install.runtime-versions``
can select on each CodeBuild curated image.

How to refresh
--------------
1. Clone or update the image repository somewhere outside this project (this script never touches
   the network; do the clone yourself)::

       git clone https://github.com/aws/aws-codebuild-docker-images /tmp/cb-images

2. Read the repository's README.md ("Image maintenance") and compare the maintained images with
   ``MAINTAINED`` below; add new image folders to ``IMAGES`` (folder -> image names) and new
   Lambda compute images to ``LAMBDA_IMAGES``. Folders found in the checkout but missing from
   ``IMAGES`` still get an entry (with a guessed name) and a warning on stderr.
3. Run, from the project root::

       python scripts/refresh_runtimes.py /tmp/cb-images -o src/pipelint/data/runtimes.json

   The commit and date of the checkout are read with ``git`` from the checkout itself (pass
   ``--commit``/``--date`` when it is not a git work tree).
4. Review the diff (``git diff src/pipelint/data/runtimes.json``) and run the test suite.

What is read
------------
Every ``runtimes.yml`` below the checkout (``ubuntu/standard/7.0/runtimes.yml``,
``al/aarch64/standard/4.0/runtimes.yml``, ``unsupported_images/.../runtimes.yml`` ...). Each has the
shape ``runtimes: {<name>: {versions: {<version>: {commands: [...], requires: {...}}}}}``. The file
is parsed with PyYAML's ``BaseLoader``, which keeps every scalar as text, so a key written ``3.10``
stays the string ``"3.10"`` instead of becoming the float 3.1. A ``default`` entry under
``versions`` is not a version: it means CodeBuild installs any other requested version on the fly
("custom runtime versions"), which is recorded in ``custom_versions``.

Note: the master branch of that repository may run ahead of what CodeBuild has released.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import re
import subprocess
import sys
from typing import Any

# Folder of the image repository -> image names used in CodeBuild (canonical name first; the
# others are aliases that name the same image, e.g. the spelling the AWS docs use).
IMAGES: dict[str, list[str]] = {
    "ubuntu/standard/5.0": ["aws/codebuild/standard:5.0"],
    "ubuntu/standard/6.0": ["aws/codebuild/standard:6.0"],
    "ubuntu/standard/7.0": ["aws/codebuild/standard:7.0"],
    "ubuntu/standard/8.0": ["aws/codebuild/standard:8.0"],
    "al/x86_64/standard/4.0": ["aws/codebuild/amazonlinux2-x86_64-standard:4.0"],
    "al/x86_64/standard/5.0": ["aws/codebuild/amazonlinux-x86_64-standard:5.0",
                               "aws/codebuild/amazonlinux2-x86_64-standard:5.0"],
    "al/x86_64/standard/6.0": ["aws/codebuild/amazonlinux-x86_64-standard:6.0"],
    "al/x86_64/standard/corretto8": ["aws/codebuild/amazonlinux2-x86_64-standard:corretto8"],
    "al/x86_64/standard/corretto11": ["aws/codebuild/amazonlinux2-x86_64-standard:corretto11"],
    "al/aarch64/standard/2.0": ["aws/codebuild/amazonlinux2-aarch64-standard:2.0"],
    "al/aarch64/standard/3.0": ["aws/codebuild/amazonlinux-aarch64-standard:3.0",
                                "aws/codebuild/amazonlinux2-aarch64-standard:3.0"],
    "al/aarch64/standard/4.0": ["aws/codebuild/amazonlinux-aarch64-standard:4.0"],
    "unsupported_images/ubuntu/standard/2.0": ["aws/codebuild/standard:2.0"],
    "unsupported_images/ubuntu/standard/3.0": ["aws/codebuild/standard:3.0"],
    "unsupported_images/ubuntu/standard/4.0": ["aws/codebuild/standard:4.0"],
    "unsupported_images/al2/x86_64/standard/1.0": ["aws/codebuild/amazonlinux2-x86_64-standard:1.0"],
    "unsupported_images/al2/x86_64/standard/2.0": ["aws/codebuild/amazonlinux2-x86_64-standard:2.0"],
    "unsupported_images/al2/x86_64/standard/3.0": ["aws/codebuild/amazonlinux2-x86_64-standard:3.0"],
    "unsupported_images/al2/aarch64/standard/1.0": ["aws/codebuild/amazonlinux2-aarch64-standard:1.0"],
}

# Folders the README lists as actively maintained. Everything else outside unsupported_images/
# is "unmaintained" (still in the repository, no further updates).
MAINTAINED = {
    "ubuntu/standard/7.0", "ubuntu/standard/8.0",
    "al/x86_64/standard/5.0", "al/x86_64/standard/6.0",
    "al/aarch64/standard/3.0", "al/aarch64/standard/4.0",
}

# Old images that fail with "This build image requires selecting at least one runtime version"
# when install.runtime-versions is missing.
RUNTIME_REQUIRED = {
    "unsupported_images/ubuntu/standard/2.0", "unsupported_images/al2/x86_64/standard/1.0",
}

# Lambda compute images have no runtimes.yml: each carries exactly one runtime and
# runtime-versions selection does not apply to them.
LAMBDA_LANGUAGES = ["corretto11", "corretto17", "corretto21", "dotnet6", "dotnet8", "go1.21", "go1.24",
                    "nodejs18", "nodejs20", "nodejs22", "python3.11", "python3.12", "python3.13",
                    "ruby3.2", "ruby3.4"]
LAMBDA_IMAGES: dict[str, str] = {
    f"aws/codebuild/amazonlinux-{arch}-lambda-standard:{lang}": lang
    for arch in ("x86_64", "aarch64") for lang in LAMBDA_LANGUAGES
}

FORMAT = (
    "images: image name -> {path: folder in aws-codebuild-docker-images, os, arch, status: "
    "maintained|unmaintained|unsupported, maintained: bool, compute: ec2|lambda, runtime_selection: bool "
    "(false: runtime-versions is ignored with a warning on this image), runtime_required: true on old images "
    "that fail when install.runtime-versions is missing, runtimes: runtime name -> list of "
    "preinstalled version strings exactly as written in runtime-versions (e.g. \"3.10\", \"corretto17\", "
    "\"8.0\"), custom_versions: runtimes whose runtimes.yml has a `default` entry, so other versions are "
    "installed on the fly (an unknown version is then a warning, not an error), requires: runtime -> version "
    "-> {other runtime: [versions it needs]} (e.g. android needs java corretto8), language: the single "
    "runtime of a Lambda compute image}. aliases: other spellings of an image name -> the key in images. "
    "Image names may carry a dated suffix in the wild (aws/codebuild/standard:4.0-20.03.13): strip it "
    "before lookup. runtime_names: every runtime name seen on any image. known_versions: runtime -> union "
    "of versions over all images. Besides exact versions, runtime-versions also accepts `<major>.x`, "
    "`latest` and `$ENV_VAR`."
)


def natural_key(text: str) -> list[Any]:
    """Sort ``corretto8`` before ``corretto11`` and ``3.9`` before ``3.10``."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def read_runtimes(path: str) -> dict[str, Any]:
    import yaml  # PyYAML; only needed when refreshing

    with open(path, encoding="utf-8") as handle:
        data = yaml.load(handle, Loader=yaml.BaseLoader)  # noqa: S506 - BaseLoader builds only str/list/dict
    runtimes = (data or {}).get("runtimes") or {}
    if not isinstance(runtimes, dict):
        raise ValueError(f"{path}: `runtimes` is not a mapping")
    return runtimes


def describe_folder(rel: str) -> dict[str, Any]:
    parts = rel.split("/")
    base = parts[1:] if parts[0] == "unsupported_images" else parts
    os_name = {"ubuntu": "ubuntu", "al": "amazonlinux", "al2": "amazonlinux2"}.get(base[0], base[0])
    arch = base[1] if len(base) > 1 and base[1] in ("x86_64", "aarch64") else "x86_64"
    if rel.startswith("unsupported_images/"):
        status = "unsupported"
    elif rel in MAINTAINED:
        status = "maintained"
    else:
        status = "unmaintained"
    entry = {"path": rel, "os": os_name, "arch": arch, "status": status, "maintained": status == "maintained",
             "compute": "ec2", "runtime_selection": True}
    if rel in RUNTIME_REQUIRED:
        entry["runtime_required"] = True
    return entry


def guess_name(rel: str) -> str:
    base = rel.split("/")
    if base[0] == "unsupported_images":
        base = base[1:]
    if base[0] == "ubuntu":
        return f"aws/codebuild/standard:{base[-1]}"
    family = "amazonlinux2" if base[0] == "al2" else "amazonlinux"
    return f"aws/codebuild/{family}-{base[1]}-standard:{base[-1]}"


def build(checkout: str) -> tuple[dict[str, Any], dict[str, str]]:
    images: dict[str, Any] = {}
    aliases: dict[str, str] = {}
    for root, dirs, files in os.walk(checkout):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if "runtimes.yml" not in files:
            continue
        rel = os.path.relpath(root, checkout).replace(os.sep, "/")
        names = IMAGES.get(rel)
        if names is None:
            names = [guess_name(rel)]
            print(f"warning: {rel} is not in IMAGES; recorded as {names[0]} (add it to the table)", file=sys.stderr)
        entry = describe_folder(rel)
        runtimes: dict[str, list[str]] = {}
        custom: list[str] = []
        requires: dict[str, dict[str, dict[str, list[str]]]] = {}
        for runtime, spec in sorted(read_runtimes(os.path.join(root, "runtimes.yml")).items()):
            versions = (spec or {}).get("versions") or {}
            listed = []
            for version, body in versions.items():
                if version == "default":
                    custom.append(runtime)
                    continue
                listed.append(str(version))
                needs = (body or {}).get("requires") if isinstance(body, dict) else None
                if needs:
                    requires.setdefault(runtime, {})[str(version)] = {
                        other: sorted((v if isinstance(v, list) else [v]), key=natural_key) for other, v in needs.items()
                    }
            runtimes[runtime] = sorted(listed, key=natural_key)
        entry["runtimes"] = runtimes
        entry["custom_versions"] = sorted(custom)
        if requires:
            entry["requires"] = requires
        images[names[0]] = entry
        for alias in names[1:]:
            aliases[alias] = names[0]
    missing = sorted(set(IMAGES) - {e["path"] for e in images.values()})
    for rel in missing:
        print(f"warning: {rel} (in IMAGES) has no runtimes.yml in this checkout", file=sys.stderr)
    for name, lang in LAMBDA_IMAGES.items():
        arch = "aarch64" if "-aarch64-" in name else "x86_64"
        images[name] = {"path": None, "os": "amazonlinux", "arch": arch, "status": "maintained", "maintained": True,
                        "compute": "lambda", "runtime_selection": False, "runtimes": {}, "custom_versions": [],
                        "language": lang}
    return images, aliases


def git(checkout: str, *args: str) -> str | None:
    """Ask the checkout's own git (local only); None when it is not the top of a git work tree."""
    try:
        top = subprocess.run(["git", "-C", checkout, "rev-parse", "--show-toplevel"], capture_output=True, text=True, check=True)
        if os.path.realpath(top.stdout.strip()) != os.path.realpath(checkout):
            return None
        out = subprocess.run(["git", "-C", checkout, *args], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("checkout", help="path of a local checkout of aws/aws-codebuild-docker-images")
    parser.add_argument("-o", "--output", default="src/pipelint/data/runtimes.json")
    parser.add_argument("--commit", help="commit of the checkout (default: read with git)")
    parser.add_argument("--date", help="commit date YYYY-MM-DD (default: read with git)")
    parser.add_argument("--source", help="replace the generated _source text (for hand-assembled inputs)")
    args = parser.parse_args(argv)
    if not os.path.isdir(args.checkout):
        parser.error(f"{args.checkout} is not a directory")

    images, aliases = build(args.checkout)
    commit = args.commit or git(args.checkout, "rev-parse", "HEAD") or "unknown commit"
    date = args.date or git(args.checkout, "log", "-1", "--format=%cs") or "unknown date"
    source = args.source or (
        f"runtimes.yml files of github.com/aws/aws-codebuild-docker-images at {commit} ({date}); "
        f"image names and maintained status from the tables in scripts/refresh_runtimes.py; "
        f"generated {_dt.date.today().isoformat()}"
    )
    known: dict[str, set[str]] = {}
    for entry in images.values():
        for runtime, versions in entry["runtimes"].items():
            known.setdefault(runtime, set()).update(versions)
    table = {
        "_source": source,
        "_refresh": "python scripts/refresh_runtimes.py <checkout of aws/aws-codebuild-docker-images> -o src/pipelint/data/runtimes.json",
        "_format": FORMAT,
        "runtime_names": sorted(known),
        "known_versions": {r: sorted(v, key=natural_key) for r, v in sorted(known.items())},
        "aliases": dict(sorted(aliases.items())),
        "images": dict(sorted(images.items(), key=lambda kv: natural_key(kv[0]))),
    }
    with open(args.output, "w", encoding="utf-8") as handle:
        json.dump(table, handle, indent=1, ensure_ascii=False)
        handle.write("\n")
    print(f"wrote {args.output}: {len(images)} images, {len(known)} runtimes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

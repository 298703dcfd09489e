"""The runtime table (``pipelint/data/runtimes.json``) and the image a buildspec runs on.

The table is read lazily, once per process. :func:`target` turns an image name (the project's
``Environment.Image`` for an inline buildspec, or the ``image`` rule option) into the set of
runtimes and versions to check against: one known image, or, when the image is unknown, the
union of the actively maintained images.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from pipelint.records import ValueRecord
from pipelint.textutil import lazy_regex

_DATED = lazy_regex(r"^(?P<base>.+:\d+(?:\.\d+)?)-\d+(?:\.\d+)*$")
_ENV_VAR = re.compile(r"^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$")
_MAJOR_X = lazy_regex(r"^(?P<major>[A-Za-z]*\d+)\.x$")

# Spellings people reach for, mapped to the runtime name CodeBuild uses.
ALIASES = {
    "node": "nodejs", "nodejs": "nodejs", "node.js": "nodejs", "go": "golang", "python3": "python",
    "py": "python", "corretto": "java", "openjdk": "java", "jdk": "java", "dotnetcore": "dotnet",
    ".net": "dotnet", "net": "dotnet", "rustc": "rust",
}


@lru_cache(maxsize=1)
def table() -> dict[str, Any]:
    """The parsed runtime table (empty if the data file is missing or unreadable)."""
    from pipelint.data import read_json

    try:
        data = read_json("runtimes.json")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _images() -> dict[str, dict[str, Any]]:
    images = table().get("images")
    return images if isinstance(images, dict) else {}


def lookup_image(name: str) -> str | None:
    """The table key of an image name (dated suffixes and aliases resolved), or ``None``."""
    images = _images()
    aliases = table().get("aliases") or {}
    candidates = [name.strip()]
    dated = _DATED.match(candidates[0])
    if dated:
        candidates.append(dated.group("base"))
    for candidate in list(candidates):
        if not candidate.startswith("aws/codebuild/"):
            candidates.append("aws/codebuild/" + candidate)
    for candidate in candidates:
        lowered = candidate.lower()
        for key in images:
            if key.lower() == lowered:
                return key
        for alias, key in aliases.items():
            if isinstance(alias, str) and alias.lower() == lowered and key in images:
                return key
    return None


class Target(ValueRecord):
    """What a buildspec's runtimes are checked against.

    ``kind`` is ``image`` (one known image), ``maintained`` (image unknown: the union of the
    maintained images), ``other-aws`` (a CodeBuild image missing from the table) or ``custom``
    (a custom image: nothing can be checked).
    """

    __slots__ = ("kind", "image", "runtimes", "custom", "selection", "required", "requires", "language", "status")

    kind: str
    image: str | None
    runtimes: dict[str, list[str]]
    custom: set[str]
    selection: bool
    required: bool
    requires: dict[str, dict[str, dict[str, list[str]]]]
    language: str | None
    status: str

    def __init__(
        self,
        kind: str,
        image: str | None = None,
        runtimes: dict[str, list[str]] | None = None,
        custom: set[str] | None = None,
        selection: bool = True,
        required: bool = False,
        requires: dict[str, dict[str, dict[str, list[str]]]] | None = None,
        language: str | None = None,
        status: str = "",
    ) -> None:
        self.kind = kind
        self.image = image
        self.runtimes = {} if runtimes is None else runtimes
        self.custom = set() if custom is None else custom
        self.selection = selection
        self.required = required
        self.requires = {} if requires is None else requires
        self.language = language
        self.status = status

    def describe(self) -> str:
        """How to name the target in a message."""
        if self.kind == "image" and self.image:
            return f"image `{self.image}`"
        return "any actively maintained CodeBuild image"


def all_names() -> list[str]:
    """Every runtime name seen on any image of the table."""
    names = table().get("runtime_names")
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


def _merge(into: dict[str, list[str]], runtimes: Any) -> None:
    if not isinstance(runtimes, dict):
        return
    for name, versions in runtimes.items():
        bucket = into.setdefault(name, [])
        for version in versions if isinstance(versions, list) else []:
            if version not in bucket:
                bucket.append(version)


@lru_cache(maxsize=256)
def target(image_name: str | None) -> Target:
    """The :class:`Target` for an image name (``None`` when the image is not known).

    Cached: several rules ask for every buildspec, and the union over all images is the costly
    part. Callers must not change the returned object.
    """
    images = _images()
    if image_name:
        key = lookup_image(image_name)
        if key is not None:
            entry = images[key]
            runtimes: dict[str, list[str]] = {}
            _merge(runtimes, entry.get("runtimes"))
            return Target(
                kind="image",
                image=image_name,
                runtimes=runtimes,
                custom=set(entry.get("custom_versions") or ()),
                selection=bool(entry.get("runtime_selection", True)),
                required=bool(entry.get("runtime_required", False)),
                requires=entry.get("requires") or {},
                language=entry.get("language"),
                status=str(entry.get("status") or ""),
            )
        if not image_name.lower().startswith(("aws/codebuild/", "public.ecr.aws/codebuild/")):
            return Target(kind="custom", image=image_name)
        union: dict[str, list[str]] = {}
        for entry in images.values():
            _merge(union, entry.get("runtimes"))
        return Target(kind="other-aws", image=image_name, runtimes=union)
    union = {}
    custom: set[str] = set()
    requires: dict[str, dict[str, dict[str, list[str]]]] = {}
    for entry in images.values():
        if entry.get("maintained") and entry.get("compute", "ec2") == "ec2":
            _merge(union, entry.get("runtimes"))
            custom.update(entry.get("custom_versions") or ())
    for entry in images.values():
        for runtime, by_version in (entry.get("requires") or {}).items():
            for version, needs in (by_version or {}).items():
                slot = requires.setdefault(runtime, {}).setdefault(version, {})
                _merge(slot, needs)
    return Target(kind="maintained", runtimes=union, custom=custom, requires=requires)


def version_text(value: Any) -> str | None:
    """A runtime version as CodeBuild reads it (``3.8`` → ``"3.8"``); ``None`` if not a value."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float, str)):
        return str(value).strip()
    return None


def is_dynamic(version: str) -> bool:
    """Whether a version is resolved at build time (``latest``, ``$VAR``)."""
    return version == "latest" or _ENV_VAR.match(version) is not None


def matches(version: str, available: list[str]) -> bool:
    """Whether ``version`` (exact or ``<major>.x``) names one of ``available``."""
    if version in available:
        return True
    major = _MAJOR_X.match(version)
    if major:
        prefix = major.group("major")
        return any(v == prefix or v.split(".")[0] == prefix for v in available)
    return False


def _tag_number(image: str) -> float:
    """The version in an image's tag (``standard:7.0`` → 7.0); 0 for a tag that is not a number."""
    tag = image.rsplit(":", 1)[-1]
    try:
        return float(tag)
    except ValueError:
        return 0.0


def maintained_replacements(image_name: str | None, runtime: str, version: str) -> tuple[list[str], bool]:
    """Maintained EC2 images to move a buildspec to from ``image_name`` (an image the table
    marks unmaintained or unsupported): those of the same OS family and architecture that
    preinstall ``runtime`` ``version`` (then ``True``), or, when none does, all of them
    (``False``). Newest first; ``([], False)`` when the image is not in the table."""
    key = lookup_image(image_name) if image_name else None
    images = _images()
    if key is None:
        return [], False
    entry = images[key]
    family = str(entry.get("os") or "").rstrip("0123456789")
    same = [name for name, other in images.items()
            if other.get("maintained") and other.get("compute", "ec2") == "ec2" and other.get("arch") == entry.get("arch")
            and str(other.get("os") or "").rstrip("0123456789") == family]
    same.sort(key=_tag_number, reverse=True)
    having = [name for name in same if matches(version, _runtime_versions(images[name], runtime))]
    return (having, True) if having else (same, False)


def _runtime_versions(entry: dict[str, Any], runtime: str) -> list[str]:
    runtimes = entry.get("runtimes")
    versions = runtimes.get(runtime) if isinstance(runtimes, dict) else None
    return [v for v in versions if isinstance(v, str)] if isinstance(versions, list) else []


def preinstalled(image: str, runtime: str) -> list[str]:
    """The versions of ``runtime`` preinstalled on a table image (``[]`` if none or unknown)."""
    key = lookup_image(image)
    return _runtime_versions(_images()[key], runtime) if key is not None else []

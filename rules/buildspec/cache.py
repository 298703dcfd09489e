"""``BS420``–``BS421``: the ``cache`` section."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pipelint.api import Document, Mapping, Report, Scalar, Sequence, intrinsic, rule
from pipelint.models import buildspec as bs
from pipelint.textutil import lazy_regex

_FILE_SEGMENT = lazy_regex(r"^(?:[^.*?\[][^/]*|\*+)\.[A-Za-z][A-Za-z0-9]{1,7}$")
_MAX_FALLBACK_KEYS = 5


@rule("BS420", "cache-paths-shape", severity="warning", kinds=("buildspec",))
def cache_paths_shape(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """``cache.paths`` is not a list of path strings, or ``cache`` keys are used in a way that
    has no effect.

    Why: ``cache.paths`` is a list of paths or globs (``/root/.m2/**/*``,
    ``node_modules/**/*``). A single string, an empty list, or an item that YAML read as a
    mapping or a number caches nothing or not what you meant; ``paths`` itself being a mapping
    or a number is an error (CodeBuild cannot read it). ``fallback-keys`` are only used
    together with ``key`` (and at most 5 are tried); ``action`` is ``restore`` or ``save``.

    Failing::

        cache:
          paths:
            - node_modules: cached

    Fixed::

        cache:
          paths:
            - 'node_modules/**/*'
    """
    cache = bs.mapping(bs.child(bs.root(doc), "cache"))
    if cache is None:
        return
    paths = cache.get("paths")
    key = cache.key_node("paths")
    if key is not None and paths is not None and intrinsic(paths) is None:
        if isinstance(paths, Scalar) and isinstance(paths.value, str) and paths.value.strip():
            yield Report(paths, f"`cache.paths` is a single string; write it as a list: `paths: ['{paths.value.strip()}']`",
                         fix="write a list")
        elif (isinstance(paths, Scalar) and (paths.value is None or paths.value == "")) or (isinstance(paths, Sequence) and not paths.items):
            yield Report(key, "`cache.paths` lists nothing; list the directories to cache (e.g. `- '/root/.m2/**/*'`) or remove `cache`",
                         fix="list paths to cache")
        elif isinstance(paths, Mapping) or (isinstance(paths, Scalar) and not isinstance(paths.value, str)):
            yield Report(paths, "`cache.paths` must be a list of paths, e.g. `- 'node_modules/**/*'`"
                                + ("; an unquoted `: ` made this a mapping" if isinstance(paths, Mapping) else ""),
                         severity="error", fix="write a list of quoted paths")
        elif isinstance(paths, Sequence):
            for index, item in enumerate(paths.items):
                if isinstance(item, Scalar) and isinstance(item.value, str) and item.value.strip():
                    continue
                if intrinsic(item) is not None:
                    continue
                if isinstance(item, Mapping):
                    problem = "was read as a mapping because of an unquoted `: `; quote it"
                elif isinstance(item, Scalar) and (item.value is None or item.value == ""):
                    problem = "is empty; remove it"
                else:
                    problem = "is not a path string; quote it"
                yield Report(item, f"`cache.paths[{index}]` {problem}", fix="write a quoted path")
    fallback = cache.get("fallback-keys")
    if fallback is not None and "key" not in cache:
        yield Report(cache.key_node("fallback-keys") or fallback, "`cache.fallback-keys` is ignored without `cache.key`; add a `key`",
                     fix="add cache.key")
    elif isinstance(fallback, Sequence) and len(fallback.items) > _MAX_FALLBACK_KEYS:
        extra = fallback.items[_MAX_FALLBACK_KEYS]
        yield Report(extra, f"`cache.fallback-keys` has {len(fallback.items)} keys; only the first {_MAX_FALLBACK_KEYS} are tried",
                     fix=f"keep at most {_MAX_FALLBACK_KEYS}")
    action = cache.get("action")
    if isinstance(action, Scalar) and intrinsic(action) is None and not (isinstance(action.value, str) and action.value in ("restore", "save")):
        yield Report(action, f"`cache.action` must be `restore` or `save` (leave it out to do both), not `{action.raw or 'empty'}`",
                     fix="write restore or save")


def _cache_type(doc: Document) -> tuple[str | None, list[str]]:
    """The project's ``Cache.Type`` and ``Cache.Modes`` for an inline buildspec."""
    cache = bs.mapping(bs.child(bs.project(doc), "Cache"))
    if cache is None:
        return None, []
    kind = cache.get("Type")
    modes = cache.get("Modes")
    names = [m.value for m in modes.items if isinstance(m, Scalar) and isinstance(m.value, str)] if isinstance(modes, Sequence) else []
    return (kind.value.upper() if isinstance(kind, Scalar) and isinstance(kind.value, str) else None), names


@rule("BS421", "local-cache-file-path", severity="note", kinds=("buildspec",))
def local_cache_file_path(doc: Document, config: dict[str, Any]) -> Iterator[Report]:
    """A ``cache.paths`` entry names files, but a LOCAL custom cache caches directories only.

    Why: with a LOCAL cache in custom mode, CodeBuild caches directories only; a file or a
    file pattern (``**/*.jar``) is not cached. This does not matter for an S3 cache, so it is a
    note (for an inline buildspec whose project uses an S3 cache, it is not reported).

    Failing::

        cache:
          paths:
            - '/root/.m2/settings.xml'

    Fixed::

        cache:
          paths:
            - '/root/.m2/**/*'
    """
    paths = bs.child(bs.root(doc), "cache", "paths")
    if not isinstance(paths, Sequence):
        return
    kind, modes = _cache_type(doc)
    if kind is not None and (kind != "LOCAL" or (modes and "LOCAL_CUSTOM_CACHE" not in modes)):
        return
    for item in paths.items:
        if not isinstance(item, Scalar) or not isinstance(item.value, str):
            continue
        last = item.value.strip().rstrip("/").rsplit("/", 1)[-1]
        if _FILE_SEGMENT.match(last):
            yield Report(item, f"`{item.value.strip()}` names files; a LOCAL custom cache caches directories only. If this project "
                               "uses a LOCAL cache, cache the directory instead (e.g. `dir/**/*`)", fix="cache the directory")

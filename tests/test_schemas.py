"""Every shipped schema is valid JSON Schema 2020-12, uses only the fast validator's keywords,
and the fast validator agrees with jsonschema (the reference) on every document we have."""

from __future__ import annotations

import glob
import os

import jsonschema
import pytest

from conftest import CORPUS
from pipelint.engine.validator import Validator, unsupported_keywords
from pipelint.extract import appspec_flavor
from pipelint.extract.classify import kind_by_content, kind_by_name
from pipelint.load import load_file
from pipelint.load.nodes import Mapping
from pipelint.schemas import list_schemas, load_schema

FIXTURES = os.path.join(os.path.dirname(__file__), "fixtures")


@pytest.mark.parametrize("kind", list_schemas())
def test_schema_is_valid_and_uses_supported_keywords(kind):
    schema = load_schema(kind)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert unsupported_keywords(schema) == set()


def _documents():
    """(schema kind, root node) of every buildspec, appspec and CLI pipeline we can find."""
    paths = glob.glob(os.path.join(FIXTURES, "**", "*.*"), recursive=True)
    if os.path.isdir(CORPUS):
        paths += glob.glob(os.path.join(CORPUS, "**", "*.*"), recursive=True)
    for path in sorted(paths):
        if not path.endswith((".yml", ".yaml", ".json")):
            continue
        try:
            result = load_file(path)
        except OSError:
            continue
        if result.fatal or not result.roots or not isinstance(result.roots[0], Mapping):
            continue
        root = result.roots[0]
        kind = kind_by_name(path) or kind_by_content(root)
        if kind == "buildspec":
            yield path, "buildspec", root
        elif kind == "appspec":
            yield path, f"appspec-{appspec_flavor(root)}", root
        elif kind == "pipeline":
            yield path, "pipeline", root


def _plain(value):
    """JSON-compatible data for jsonschema (YAML may have non-string keys or odd floats)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def test_fast_validator_agrees_with_jsonschema():
    validators: dict[str, tuple[Validator, jsonschema.Draft202012Validator]] = {}
    checked = 0
    for path, kind, root in _documents():
        if kind not in validators:
            schema = load_schema(kind)
            validators[kind] = (Validator(schema), jsonschema.Draft202012Validator(schema))
        fast, reference = validators[kind]
        ours = not fast.errors(root)
        theirs = reference.is_valid(_plain(root.to_python()))
        assert ours == theirs, f"{path}: fast validator says valid={ours}, jsonschema says valid={theirs}"
        checked += 1
    assert checked > 50

"""`--fix` on hostile inputs: corpus files, as they are or mutated byte-wise, and generated documents, with
fixable defects planted (misspelt phases and events, unquoted versions, octal modes, commands
YAML reads as mappings, RunOrder 0, docker runtimes, quoted AppSpec versions). Fixing never
raises, never writes a file that fails to load or changes kind, and a second pass changes
nothing."""

from __future__ import annotations

import os
import random

import pytest

from fuzz.hostile import corpus_files, corpus_mutation, generated
from pipelint.discover import FileEntry
from pipelint.engine.runner import build_settings
from pipelint.fixes.files import fix_entry

PLANTS = [("build:", "bulid:"), ("pre_build:", "pre-build:"), ('"3.', "3."), ("mode: 7", "mode: 07"), ("mode: 6", "mode: 06"),
          ("- echo ", "- echo x: "), ("AfterInstall:", "AfterInstal:"), ("variables:", "variable:"), ("RunOrder: 1", "RunOrder: 0"),
          ("  install:\n", "  install:\n    runtime-versions:\n      docker: 19\n"), ("version: 0.0", 'version: "0.0"')]
LOAD_CODES = {"PL002", "PL004", "PL005", "PL006", "PL007", "PL008", "PL011"}


@pytest.mark.slow
@pytest.mark.skipif(not corpus_files(), reason="the shared corpus is not here")
def test_fix_on_hostile_inputs_never_breaks_a_file(tmp_path):
    settings = build_settings(isolated=True)
    rng = random.Random(17)
    changed = 0
    for index in range(150):
        roll = rng.random()
        if roll < 0.7:
            name = rng.choice(corpus_files())
            with open(name, "rb") as handle:
                data = handle.read()
        else:
            sample = corpus_mutation(rng) if roll < 0.85 else generated(rng)
            name, data = sample.name, sample.data
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None:
            for old, new in rng.sample(PLANTS, 3):
                text = text.replace(old, new, rng.randint(1, 3))
            data = text.encode("utf-8")
        folder = tmp_path / str(index)
        folder.mkdir()
        path = folder / os.path.basename(name)
        path.write_bytes(data)
        for unsafe in (False, True):
            outcome = fix_entry(FileEntry(str(path), str(path), True), settings, unsafe)
            if not outcome.changed:
                continue
            changed += 1
            assert not any(f.code in LOAD_CODES for f in outcome.remaining), (name, index)
            fixed = folder / "fixed" / path.name
            fixed.parent.mkdir(exist_ok=True)
            fixed.write_bytes(outcome.text.encode("utf-8"))
            again = fix_entry(FileEntry(str(fixed), str(path), True), settings, unsafe)
            assert not again.changed, (name, index, [f.code for f in again.fixed])
    assert changed >= 10, changed

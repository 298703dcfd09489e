"""Automatic fixes: the edit model (:mod:`.edit`), applying and verifying them (:mod:`.apply`,
:mod:`.session`), and the helpers rules use to build edits from nodes (:mod:`.build`).

Nothing here is imported on the cold path of a plain `pipelint check`: a rule builds its
:class:`~pipelint.fixes.edit.Fix` only when it reports, and the applier is imported only by
``--fix``/``--diff``.
"""

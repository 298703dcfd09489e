"""``pipelint lsp``: a language server over stdio (Language Server Protocol, through pygls).

A thin shell over the engine, as the CLI is: editors' unsaved text is linted by the same
:func:`pipelint.engine.runner.run` the CLI calls, with the settings of the nearest config file
(:mod:`pipelint.engine.plan`), and findings become diagnostics one for one. Nothing here is
imported by ``pipelint check``: pygls and lsprotocol load only when the server starts.

* :mod:`.positions`: 1-based code-point columns ↔ LSP positions (UTF-16 code units by default);
* :mod:`.session`: the open documents, their settings and findings, cross-file runs (no pygls);
* :mod:`.actions`: code actions (fixes, fix all, disable for this line) as plain data;
* :mod:`.diagnostics`, :mod:`.server`: the protocol side.
"""

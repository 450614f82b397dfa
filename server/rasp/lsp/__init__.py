"""The language server: the only package that imports pygls and lsprotocol.

Importing it starts nothing; `python -m rasp.lsp` (or `rasp-language-server`) runs the server
over stdio.
"""

"""RASP language tools: parser, interpreter, analysis, command line and language server.

The layers, from the bottom: `text` and `diagnostic` (plain records), `syntax` (the only
user of lark), `graph` (runs statements, builds the s-op/selector graph), `runtime` (numpy
evaluation of graph nodes), `cli` and `lsp` (the shells). See ARCHITECTURE.md.
"""

__version__ = "0.1.0"

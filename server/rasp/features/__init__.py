"""Editor features as plain data: name resolution, symbols, completion, signature help,
semantic tokens, folding ranges and inlay hints.

Everything here works on `rasp.program.Session` / `rasp.syntax.document.ParsedFile` and
answers with code-point offsets (`rasp.text.Span`); nothing here knows LSP types, lines or
UTF-16 (that conversion lives in `rasp.lsp`). Every feature answers an empty result, never an
exception, for offsets outside the text and for half-typed code.

    names            definitions, references, highlights, rename (one document + loaded files)
    kinds            what kind of value a definition binds (s-op, selector, function, ...)
    context          what surrounds the cursor, read from the text (open calls, comments)
    docs             doc comments above definitions, here and in other files
    symbols          document and workspace symbols
    completion       completion items
    signature        signature help
    semantic_tokens  semantic token legend and tokens
    folding          folding ranges
    inlay            inlay hints (type and encoding after an assignment's name)
"""

"""`python -m rasp.lsp`: run the language server over stdio."""

from rasp.lsp.server import main

if __name__ == "__main__":
    main()

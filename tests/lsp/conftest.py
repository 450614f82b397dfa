"""The real server over stdio, under two client capability profiles (VS Code's and Neovim's).
Server-to-client requests get stub handlers, as a real editor would answer them."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

PROFILES = ["visual-studio-code", "neovim@v0.11.0"]


@pytest_lsp.fixture(
    config=ClientServerConfig(server_command=[sys.executable, "-m", "rasp.lsp"]),
    params=PROFILES,
)
async def client(lsp_client: LanguageClient, request: pytest.FixtureRequest) -> AsyncIterator[None]:
    lsp_client.lens_refreshes = 0  # type: ignore[attr-defined]

    @lsp_client.feature(types.WORKSPACE_CODE_LENS_REFRESH)
    def _lens_refresh(params: Any) -> None:
        lsp_client.lens_refreshes += 1  # type: ignore[attr-defined]

    @lsp_client.feature(types.WORKSPACE_INLAY_HINT_REFRESH)
    def _hint_refresh(params: Any) -> None:
        return None

    @lsp_client.feature(types.WORKSPACE_SEMANTIC_TOKENS_REFRESH)
    def _tokens_refresh(params: Any) -> None:
        return None

    @lsp_client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def _register(params: Any) -> None:
        return None

    capabilities = client_capabilities(request.param)
    lsp_client.set_configuration(
        {"examples": ['"abc"'], "evaluation": {"timeoutMs": 5000}, "inlayHints": {"enable": True}},
        section="rasp",
    )
    await lsp_client.initialize_session(types.InitializeParams(capabilities=capabilities))
    yield
    await lsp_client.shutdown_session()

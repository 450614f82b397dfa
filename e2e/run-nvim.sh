#!/usr/bin/env bash
# Neovim 0.11 (headless, built-in LSP client) against the real server on examples/reverse.rasp
# and e2e/fixtures/undefined_name.rasp. Prints the driver's JSON result line; exit 0 on success.
# Usage: e2e/run-nvim.sh [PYTHON]   (default: the project venv's python)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
python=$(realpath -s "${1:-$E2E_ROOT/.venv/bin/python}")
nvim=$E2E_TOOLS/nvim-venv/bin/nvim
[ -x "$nvim" ] || { echo "no $nvim: run e2e/setup.sh nvim" >&2; exit 2; }
"$python" -c 'import rasp.lsp' || { echo "$python cannot import rasp.lsp" >&2; exit 2; }

e2e_start_run nvim
mkdir -p "$E2E_RUN/work"
cp "$E2E_ROOT/examples/reverse.rasp" "$E2E_ROOT/e2e/fixtures/undefined_name.rasp" "$E2E_RUN/work/"
e2e_log "$("$nvim" --version | head -n 1), server: $python -m rasp.lsp"

rc=0
(cd "$E2E_RUN/work" && timeout -k 5 "${E2E_NVIM_TIMEOUT:-90}" "$nvim" --clean --headless \
  -l "$E2E_ROOT/e2e/nvim/check.lua" "$python" "$E2E_RUN/work/reverse.rasp" \
  "$E2E_RUN/work/undefined_name.rasp" > "$E2E_RUN/result.json" < /dev/null) || rc=$?
cp "$E2E_RUN/result.json" "$E2E_OUT/nvim-result.json"
cat "$E2E_RUN/result.json"
if [ "$rc" != 0 ]; then
  [ "$rc" = 124 ] && e2e_log "FAILED: nvim did not finish in time"
  log_file=$XDG_STATE_HOME/nvim/lsp.log
  [ -f "$log_file" ] && { e2e_log "last lines of the LSP log:"; tail -n 40 "$log_file" >&2; }
  e2e_log "FAILED (exit $rc)"
  exit 1
fi
e2e_log "passed"

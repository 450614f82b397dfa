#!/usr/bin/env bash
# Real VS Code (1.100.3, the web build served by code-server) in headless Chromium, with this
# repository's extension installed and the real server, on examples/reverse.rasp and
# e2e/fixtures/undefined_name.rasp. See e2e/README.md.
# Usage: e2e/run-vscode.sh [PYTHON]   (default: the project venv's python)
# Environment: E2E_EXTENSION=path.vsix|folder to test a given build instead of building one.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
python=$(realpath -s "${1:-$E2E_ROOT/.venv/bin/python}")
cs_modules=$E2E_TOOLS/code-server/node_modules
code_server=$cs_modules/.bin/code-server
[ -x "$code_server" ] || { echo "no $code_server: run e2e/setup.sh code-server" >&2; exit 2; }
"$python" -c 'import rasp.lsp' || { echo "$python cannot import rasp.lsp" >&2; exit 2; }

e2e_start_run vscode
out=$E2E_OUT/vscode
rm -rf "$out" && mkdir -p "$out"
work=$E2E_RUN/work ext=$E2E_RUN/ext user=$E2E_RUN/user
mkdir -p "$work" "$ext" "$user/User"
cp "$E2E_ROOT/examples/reverse.rasp" "$E2E_ROOT/e2e/fixtures/undefined_name.rasp" "$work/"

manifest() { node -p "require('$E2E_ROOT/package.json').$1"; }

# --- the extension: the packaged .vsix when the project can build one, else the unpacked build --
install_vsix() {
  e2e_log "installing $1"
  timeout 120 "$code_server" --user-data-dir "$user" --extensions-dir "$ext" \
    --install-extension "$1" > "$E2E_RUN/install.log" 2>&1 || { cat "$E2E_RUN/install.log" >&2; exit 2; }
}
install_folder() {
  # What `vsce package` would ship, without the Python side, tests and tooling: the manifest and
  # its files, the compiled client, and the production node_modules.
  local src=$1 dest=$ext/$(manifest publisher).$(manifest name)-$(manifest version)
  e2e_log "installing the unpacked extension from $src"
  mkdir -p "$dest"
  tar -C "$src" -c --exclude=./.git --exclude=./.venv --exclude=./node_modules --exclude='./*.vsix' \
    --exclude=./server --exclude=./tests --exclude=./benchmarks --exclude=./e2e --exclude=./docs \
    --exclude=./examples --exclude=./.ci --exclude='./.*_cache' --exclude=./.hypothesis . | tar -C "$dest" -x
  (cd "$src" && npm ls --omit=dev --all --parseable 2>/dev/null || true) | while read -r dir; do
    case $dir in "$src"/node_modules/*) rel=${dir#"$src"/}; mkdir -p "$dest/$rel" && cp -r "$dir/." "$dest/$rel/" ;; esac
  done
}
has_make_target() {  # without running anything: make's database, read in question mode
  local db
  db=$(make -C "$E2E_ROOT" -pRrq : 2>/dev/null || true)
  grep -q "^$1:" <<< "$db"
}
if [ -n "${E2E_EXTENSION:-}" ]; then
  case $E2E_EXTENSION in *.vsix) install_vsix "$(realpath "$E2E_EXTENSION")" ;; *) install_folder "$(realpath "$E2E_EXTENSION")" ;; esac
elif has_make_target vsix; then
  e2e_log "building the extension: make vsix"
  timeout 600 make -C "$E2E_ROOT" --no-print-directory vsix >&2
  vsix=$( (ls -t "$E2E_ROOT/rasp-$(manifest version).vsix" "$E2E_ROOT"/*/"rasp-$(manifest version).vsix" 2>/dev/null || true) | head -n 1)
  [ -n "$vsix" ] || { e2e_log "make vsix made no rasp-$(manifest version).vsix"; exit 2; }
  install_vsix "$vsix"
else
  if [ "$(manifest "scripts['vscode:prepublish']")" != undefined ]; then script=vscode:prepublish; else script=build; fi
  e2e_log "no 'make vsix' target: building the client (npm ci, npm run $script)"
  timeout 300 make -C "$E2E_ROOT" --no-print-directory node_modules/.installed >&2
  (cd "$E2E_ROOT" && timeout 300 npm run --silent "$script" >&2)
  install_folder "$E2E_ROOT"
fi

# --- settings, config, start code-server --------------------------------------------------------
cat > "$user/User/settings.json" <<JSON
{
  "rasp.server.pythonPath": "$python",
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "git.enabled": false,
  "chat.commandCenter.enabled": false,
  "editor.hover.delay": 200,
  "editor.minimap.enabled": false
}
JSON
port=$(node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$port" > "$E2E_RUN/config.yaml"
e2e_log "starting code-server $(node -p "require('$cs_modules/code-server/package.json').version") on port $port"
# Its own session and process group: cleanup kills the group (lib.sh then catches any process
# that left it, e.g. an extension host waiting for a browser to reconnect).
setsid "$code_server" --config "$E2E_RUN/config.yaml" --bind-addr "127.0.0.1:$port" --auth none \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --user-data-dir "$user" --extensions-dir "$ext" "$work" \
  > "$E2E_RUN/code-server.log" 2>&1 < /dev/null &
cs_pid=$!
stop_code_server() {
  kill -TERM -- "-$cs_pid" 2>/dev/null || return 0
  for _ in $(seq 1 20); do kill -0 -- "-$cs_pid" 2>/dev/null || return 0; sleep 0.25; done
  kill -KILL -- "-$cs_pid" 2>/dev/null || true
}
save_logs() {
  cp "$E2E_RUN/code-server.log" "$out/" 2>/dev/null || true
  [ -d "$user/logs" ] && cp -r "$user/logs" "$out/logs" 2>/dev/null || true
}
e2e_on_exit stop_code_server
e2e_on_exit save_logs

healthy=
for _ in $(seq 1 120); do
  if node -e "fetch('http://127.0.0.1:$port/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"; then healthy=1; break; fi
  kill -0 "$cs_pid" 2>/dev/null || break
  sleep 0.5
done
[ -n "$healthy" ] || { e2e_log "FAILED: code-server did not answer /healthz"; tail -n 40 "$E2E_RUN/code-server.log" >&2; exit 2; }

# --- drive the browser ----------------------------------------------------------------------------
e2e_log "driving Chromium (playwright-core)"
rc=0
NODE_PATH=$cs_modules timeout -k 5 "${E2E_VSCODE_TIMEOUT:-180}" node "$E2E_ROOT/e2e/vscode/drive.js" \
  "http://127.0.0.1:$port/?folder=$work" "$out" < /dev/null || rc=$?
if [ "$rc" = 0 ]; then
  mkdir -p "$E2E_ROOT/docs/screenshots"
  cp "$out/hover.png" "$out/lenses.png" "$out/problems.png" "$out/flow.png" "$E2E_ROOT/docs/screenshots/"
  e2e_log "passed; screenshots in docs/screenshots/"
else
  [ "$rc" = 124 ] && e2e_log "the driver did not finish in time"
  e2e_log "FAILED (exit $rc); screenshots and logs in ${out#"$E2E_ROOT"/}/"
  for f in "$user"/logs/*/exthost*/output_logging_*/*RASP*.log; do
    [ -f "$f" ] && { e2e_log "the extension's RASP output channel:"; tail -n 30 "$f" >&2; }
  done
  exit 1
fi

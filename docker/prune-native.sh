#!/bin/sh
# Leaves in a production node_modules only what runs: better-sqlite3 keeps its compiled addon
# (build/Release/better_sqlite3.node, which its `bindings` loader finds there), lib/, package.json
# and LICENSE; the SQLite amalgamation (deps/), the C++ sources, the object files, the static
# library and the Makefiles (~25 MB) go. Run by the Dockerfile's build stage; test/dockerfile.test.ts
# runs it on a copy and opens a database with what is left.
set -eu
dir="${1:-node_modules}/better-sqlite3"
addon="$dir/build/Release/better_sqlite3.node"
[ -f "$addon" ] || { echo "prune-native: $addon is missing" >&2; exit 1; }
keep=$(mktemp)
mv "$addon" "$keep"
rm -rf "$dir/build" "$dir/deps" "$dir/src" "$dir/binding.gyp"
mkdir -p "$dir/build/Release"
mv "$keep" "$addon"
chmod 0644 "$addon"

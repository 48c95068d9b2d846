#!/usr/bin/env bash
# Builds FerretDB 1.24.2 (the MongoDB wire-compatible server CI runs the MongoDB adapter against) into $FERRETDB_BIN,
# unless that binary is already there at this version (CI caches it between runs), then, with `start`, runs it on a
# free loopback port with its SQLite backend in a temporary folder and prints `<pid> <uri>` once it listens.
#
# `go install github.com/FerretDB/FerretDB/cmd/ferretdb@v1.24.2` alone builds a binary that panics at start: the
# module lacks build/version/version.txt, which FerretDB's release tooling generates and embeds. So the module's
# source is copied out of the module cache, that file is written, and the copy is built.
set -euo pipefail

VERSION=v1.24.2
FERRETDB_BIN=${FERRETDB_BIN:-"$(go env GOPATH)/bin/ferretdb"}

build() {
  if [ -x "$FERRETDB_BIN" ] && "$FERRETDB_BIN" --version 2>/dev/null | grep -q "version: $VERSION"; then
    return
  fi
  go mod download "github.com/FerretDB/FerretDB@$VERSION"
  local source work
  source=$(go mod download -json "github.com/FerretDB/FerretDB@$VERSION" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
  work=$(mktemp -d)
  cp -r "$source/." "$work"
  chmod -R u+w "$work"
  echo "$VERSION" > "$work/build/version/version.txt"
  mkdir -p "$(dirname "$FERRETDB_BIN")"
  (cd "$work" && go build -o "$FERRETDB_BIN" ./cmd/ferretdb)
  rm -rf "$work"
  "$FERRETDB_BIN" --version | grep -q "version: $VERSION"
}

start() {
  local data port log
  data=$(mktemp -d)
  port=$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")
  log="$data/ferretdb.log"
  "$FERRETDB_BIN" --handler=sqlite --sqlite-url="file:$data/" --state-dir="$data" \
    --listen-addr="127.0.0.1:$port" --debug-addr=- --telemetry=disable --log-format=json >"$log" 2>&1 &
  local pid=$!
  for _ in $(seq 600); do
    if grep -q 'Listening on TCP' "$log"; then
      echo "$pid mongodb://127.0.0.1:$port"
      return
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      cat "$log" >&2
      exit 1
    fi
    sleep 0.1
  done
  echo "FerretDB did not listen within 60 s" >&2
  cat "$log" >&2
  exit 1
}

build
if [ "${1:-}" = start ]; then start; fi

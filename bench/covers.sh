#!/usr/bin/env bash
# Covers under load: how fast the server sends a thumbnail (vegeta, 32 connections, 10 s, with the
# session cookie, as a library page's fifty <img> do), and how much memory it takes to read a
# 10 MB photo as a cover (the server's peak RSS, VmHWM, before and after the upload).
#
#   bash bench/covers.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export GOFLAGS=-tags=sqlite_fts5
readonly VEGETA_MODULE=github.com/tsenart/vegeta/v12@v12.13.0

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bookcase-covers.XXXXXX")
server_pid=
cleanup() {
	[[ -n $server_pid ]] && kill -TERM "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT

echo "building bookcase, vegeta and a 10 MB photo ..." >&2
go build -o "$tmp/bookcase" .
(cd "$tmp" && GOBIN="$tmp/bin" GOFLAGS=-mod=mod go install "$VEGETA_MODULE")
mkdir "$tmp/photo"
cat >"$tmp/photo/main.go" <<'GO'
package main

import (
	"image"
	"image/jpeg"
	"os"
)

// A photo-sized picture of noise, which JPEG cannot shrink: about 10 MB at 4,600 × 3,450 (16 megapixels).
func main() {
	img := image.NewRGBA(image.Rect(0, 0, 4600, 3450))
	x := uint32(2463534242)
	for i := range img.Pix {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		img.Pix[i] = byte(x) | 0x30
	}
	f, _ := os.Create(os.Args[1])
	jpeg.Encode(f, img, &jpeg.Options{Quality: 80})
	f.Close()
}
GO
(cd "$tmp/photo" && GOFLAGS= go run main.go "$tmp/photo.jpg")
ls -l "$tmp/photo.jpg" | awk '{ printf "photo: %.1f MB\n", $5 / 1048576 }'

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base=http://127.0.0.1:$port
printf 'cover bench passphrase\n' | "$tmp/bookcase" user add bench --db "$tmp/b.db" >/dev/null
"$tmp/bookcase" --addr "127.0.0.1:$port" --db "$tmp/b.db" >/dev/null 2>&1 &
server_pid=$!
for _ in $(seq 100); do curl -fsS -o /dev/null "$base/login" 2>/dev/null && break; sleep 0.1; done

jar=$tmp/jar
token=$(curl -fsS -c "$jar" -b "$jar" "$base/login" | grep -o 'name="csrf-token" content="[^"]*"' | sed 's/.*content="//; s/"$//')
curl -fsS -c "$jar" -b "$jar" -o /dev/null -X POST --data-urlencode "_csrf=$token" \
	--data-urlencode username=bench --data-urlencode "password=cover bench passphrase" "$base/login"
token=$(curl -fsS -c "$jar" -b "$jar" "$base/books" | grep -o 'name="csrf-token" content="[^"]*"' | sed 's/.*content="//; s/"$//')
curl -fsS -c "$jar" -b "$jar" -o /dev/null -H "X-Csrf-Token: $token" -H 'HX-Request: true' \
	--data-urlencode title=Dune --data-urlencode author='Frank Herbert' "$base/books"

hwm() { awk '/VmHWM/ { printf "%.0f MB", $2 / 1024 }' "/proc/$server_pid/status"; }
echo "server peak RSS before the upload: $(hwm)"
t0=$EPOCHREALTIME
curl -fsS -c "$jar" -b "$jar" -o /dev/null -w 'upload: HTTP %{http_code}\n' -H "X-Csrf-Token: $token" -H 'HX-Request: true' \
	-F "cover=@$tmp/photo.jpg;type=image/jpeg" "$base/books/1/cover"
awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "upload and processing: %.2f s\n", b - a }'
echo "server peak RSS after the upload: $(hwm)"

small=$(curl -fsS -b "$jar" "$base/books" | grep -o '/covers/[0-9a-f]*-s\.jpg' | head -1)
cookie=$(awk '$6 ~ /^bookcase_/ { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")
printf 'GET %s%s\nCookie: %s\n' "$base" "$small" "$cookie" >"$tmp/targets"
echo "thumbnail $small: $(curl -fsS -b "$jar" "$base$small" | wc -c) bytes"
"$tmp/bin/vegeta" attack -targets="$tmp/targets" -rate=0 -max-workers=32 -workers=32 -duration=10s -keepalive |
	"$tmp/bin/vegeta" report -type=text | sed -n '1,8p'

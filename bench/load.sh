#!/usr/bin/env bash
# Load test of the Bookcase HTTP server: seeds a 100-book and a 10,000-book library, serves each
# on a free port on 127.0.0.1, signs a reader in, and drives it with vegeta (32 connections, as fast
# as it answers), sending the session cookie and, on writes, the CSRF token, as a browser would.
# Prints requests/s, p50, p99 and success ratio per target; exits non-zero if any request failed.
#
#   bash bench/load.sh                 # 10 s per target
#   DURATION=30s bash bench/load.sh    # longer runs
#
# Every request goes to 127.0.0.1. See bench/README.md for what each target means.
set -euo pipefail

readonly VEGETA_MODULE=github.com/tsenart/vegeta/v12@v12.13.0
readonly CONNS=32
DURATION=${DURATION:-10s}
[[ $DURATION =~ ^[0-9]+$ ]] && DURATION=${DURATION}s

cd "$(dirname "${BASH_SOURCE[0]}")/.."

for tool in go curl python3 awk; do
	command -v "$tool" >/dev/null || { echo "load.sh: $tool is required" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bookcase-load.XXXXXX")
server_pid=

stop_server() {
	if [[ -n $server_pid ]]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
}
cleanup() {
	stop_server
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "building bookcase and vegeta ..." >&2
go build -o "$tmp/bookcase" .
# go install of module@version ignores the project's go.mod (run from $tmp to be sure it is untouched).
(cd "$tmp" && GOBIN="$tmp/bin" GOFLAGS=-mod=mod go install "$VEGETA_MODULE")
vegeta=$tmp/bin/vegeta

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_server DB: serves DB on a free loopback port, sets $base, and waits until it answers.
start_server() {
	local db=$1 port attempt i
	for attempt in 1 2 3; do
		port=$(free_port)
		base=http://127.0.0.1:$port
		# One log line per request would cost more than the work being measured: discard them.
		"$tmp/bookcase" --addr "127.0.0.1:$port" --db "$db" >/dev/null 2>&1 &
		server_pid=$!
		for ((i = 0; i < 100; i++)); do
			if curl -fsS -o /dev/null --max-time 1 "$base/login" 2>/dev/null; then
				return 0
			fi
			kill -0 "$server_pid" 2>/dev/null || break # exited: most likely the port was taken meanwhile
			sleep 0.1
		done
		stop_server
		echo "load.sh: server on port $port did not come up (attempt $attempt)" >&2
	done
	echo "load.sh: could not start the server on $db" >&2
	exit 1
}

readonly BENCH_USER=bench BENCH_PASSWORD='load test passphrase 42'

# new_db FILE N: creates the database with the bench reader and N of their books.
new_db() {
	printf '%s\n' "$BENCH_PASSWORD" | "$tmp/bookcase" user --db "$1" add "$BENCH_USER" >/dev/null
	"$tmp/bookcase" seed --db "$1" --user "$BENCH_USER" --books "$2"
}

# sign_in: logs the bench reader in as a browser would and sets $cookie (the session and CSRF
# cookies) and $token (the page's anti-forgery token), which every target then sends.
sign_in() {
	local jar=$tmp/cookies page
	rm -f "$jar"
	token=$(curl -fsS -c "$jar" -b "$jar" "$base/login" | grep -o 'name="csrf-token" content="[^"]*"' | sed 's/.*content="//; s/"$//' || true)
	curl -fsS -c "$jar" -b "$jar" -o /dev/null -X POST --data-urlencode "_csrf=$token" \
		--data-urlencode "username=$BENCH_USER" --data-urlencode "password=$BENCH_PASSWORD" "$base/login"
	page=$(curl -fsS -c "$jar" -b "$jar" "$base/books")
	token=$(printf '%s' "$page" | grep -o 'name="csrf-token" content="[^"]*"' | sed 's/.*content="//; s/"$//' || true)
	cookie=$(awk '$6 ~ /^bookcase_/ { printf "%s%s=%s", sep, $6, $7; sep = "; " }' "$jar")
	[[ -n $token && $cookie == *bookcase_session=* ]] || { echo "load.sh: could not sign in" >&2; exit 1; }
}

# rows URL [HEADER]: how many book rows the response to URL holds (fails unless it is a 200).
rows() {
	local url=$1
	shift
	curl -fsS --max-time 5 -H "Cookie: $cookie" "$@" "$url" | grep -o 'class="book[ "]' | wc -l
}

results=()
failed=0

clk_tck=$(getconf CLK_TCK 2>/dev/null || echo 100)

# cpu_ticks [PID]: CPU time used so far, in clock ticks, by the whole machine (busy time of all
# CPUs) or by process PID. Prints 0 where /proc is not there.
cpu_ticks() {
	if [[ $# -eq 0 ]]; then
		awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9; exit }' /proc/stat 2>/dev/null || echo 0
	else
		# utime and stime are fields 14 and 15; strip "pid (comm) " first, as comm may hold spaces.
		sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }' || echo 0
	fi
}

# attack NAME GOAL_RPS GOAL_P99_MS: runs the vegeta targets in $tmp/NAME.targets against the
# running server and records a line of results. A goal of 0 means none. Besides the figures it
# reports the server's CPU time per request (µs/req: steady even when the machine is shared) and
# the CPU, in cores, that the server, vegeta and everything else on the machine used during the
# run: "other" well above 0 means something else competed and req/s and latencies are too low.
attack() {
	local name=$1 goal_rps=$2 goal_p99=$3
	echo "attacking: $name ($DURATION, $CONNS connections) ..." >&2
	local t0 m0 s0 t1 m1 s1
	t0=$EPOCHREALTIME m0=$(cpu_ticks) s0=$(cpu_ticks "$server_pid")
	local TIMEFORMAT='%3U %3S'
	{ time "$vegeta" attack -name="$name" -targets="$tmp/$name.targets" \
		-rate=0 -workers="$CONNS" -max-workers="$CONNS" -connections="$CONNS" -max-connections="$CONNS" \
		-duration="$DURATION" -timeout=10s -redirects=0 -max-body=0 -laddr=127.0.0.1 \
		>"$tmp/$name.bin" 2>"$tmp/$name.err"; } 2>"$tmp/$name.time"
	t1=$EPOCHREALTIME m1=$(cpu_ticks) s1=$(cpu_ticks "$server_pid")
	"$vegeta" report -type=json "$tmp/$name.bin" >"$tmp/$name.json"
	local fields
	if command -v jq >/dev/null; then
		fields=$(jq -r '[.throughput, .latencies["50th"], .latencies["99th"], .success, .requests] | @tsv' "$tmp/$name.json")
	else
		fields=$(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(r["throughput"], r["latencies"]["50th"], r["latencies"]["99th"], r["success"], r["requests"], sep="\t")' "$tmp/$name.json")
	fi
	local line rss
	# The server's peak resident memory so far (VmHWM), in MB.
	rss=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status" 2>/dev/null || echo 0)
	line=$(awk -v name="$name" -v grps="$goal_rps" -v gp99="$goal_p99" -v f="$fields" -v rss="$rss" \
		-v wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v hz="$clk_tck" \
		-v machine="$((m1 - m0))" -v server="$((s1 - s0))" -v veg="$(cat "$tmp/$name.time")" 'BEGIN {
		split(f, v, "\t"); rps = v[1]; p50 = v[2] / 1e6; p99 = v[3] / 1e6; ok = v[4]; n = v[5]
		split(veg, u, " "); cs = server / hz / wall; cv = (u[1] + u[2]) / wall
		co = machine / hz / wall - cs - cv; if (co < 0) co = 0
		goal = ""; verdict = "-"
		if (grps > 0) { goal = ">=" grps " req/s"; verdict = rps >= grps ? "met" : "MISSED" }
		if (gp99 > 0) {
			goal = goal (goal == "" ? "" : ", ") "p99<" gp99 " ms"
			if (p99 >= gp99) verdict = "MISSED"
			else if (verdict == "-") verdict = "met"
		}
		if (goal == "") goal = "-"
		cpu = sprintf("%.2f / %.2f / %.2f", cs, cv, co)
		us = n > 0 ? server / hz / n * 1e6 : 0
		printf "| %-15s | %7.0f | %7.2f | %7.2f | %7.2f%% | %8d | %6.0f | %6d | %-23s | %-23s | %-6s |\n",
			name, rps, p50, p99, ok * 100, n, us, rss, cpu, goal, verdict
	}')
	results+=("$line")
	if ! awk -v f="$fields" 'BEGIN { split(f, v, "\t"); exit !(v[4] >= 1) }'; then
		echo "load.sh: $name: not every request succeeded:" >&2
		"$vegeta" report "$tmp/$name.bin" >&2
		failed=1
	fi
}

printf 'title=Benchmark+Book&author=Load+Tester&genre=Science+fiction' >"$tmp/create.body"

# --- 100 books: library page, edit row, then create (last: it grows the table) -------------------
new_db "$tmp/books-100.db" 100
start_server "$tmp/books-100.db"
sign_in
edit_id=$(curl -fsS -H "Cookie: $cookie" "$base/books" | grep -o 'data-id="[0-9]*"' | sed -n '50s/[^0-9]//gp' || true)
[[ -n $edit_id ]] || { echo "load.sh: no book id found on the library page" >&2; exit 1; }
[[ $(rows "$base/books") -eq 50 ]] || { echo "load.sh: library page does not show 50 books" >&2; exit 1; }
[[ $(rows "$base/books/$edit_id/edit" -H 'HX-Request: true') -eq 1 ]] ||
	{ echo "load.sh: edit row for book $edit_id not served" >&2; exit 1; }

printf 'GET %s/books\nCookie: %s\n' "$base" "$cookie" >"$tmp/page-100.targets"
attack page-100 3000 50
printf 'GET %s/books/%s/edit\nHX-Request: true\nCookie: %s\n' "$base" "$edit_id" "$cookie" >"$tmp/edit-row.targets"
attack edit-row 8000 0
printf 'POST %s/books\nHX-Request: true\nContent-Type: application/x-www-form-urlencoded\nCookie: %s\nX-Csrf-Token: %s\n@%s\n' \
	"$base" "$cookie" "$token" "$tmp/create.body" >"$tmp/create.targets"
attack create 3000 0
stop_server

# --- 10,000 books: library page, and a page near the oldest books ---------------------------------
new_db "$tmp/books-10000.db" 10000
start_server "$tmp/books-10000.db"
sign_in
# A fresh database numbers its books 1..N, so books 100..51 are among the oldest.
deep_cursor=101
[[ $(rows "$base/books") -eq 50 ]] || { echo "load.sh: library page does not show 50 books" >&2; exit 1; }
[[ $(rows "$base/books?before=$deep_cursor") -eq 50 ]] ||
	{ echo "load.sh: deep page before=$deep_cursor does not show 50 books" >&2; exit 1; }

# Both pages render 50 rows and read one count row, so they are held to the 100-book page's goal.
printf 'GET %s/books\nCookie: %s\n' "$base" "$cookie" >"$tmp/page-10000.targets"
attack page-10000 3000 50
printf 'GET %s/books?before=%s\nCookie: %s\n' "$base" "$deep_cursor" "$cookie" >"$tmp/page-10000-deep.targets"
attack page-10000-deep 3000 50
stop_server

echo
echo "Bookcase load test: $CONNS connections, max rate, $DURATION per target, $(nproc 2>/dev/null || echo '?') CPUs, $(go env GOVERSION)"
echo
echo "| target          |   req/s |  p50 ms |  p99 ms |  success | requests | µs/req | RSS MB | CPU server/vegeta/other | goal                    | goal?  |"
echo "|-----------------|---------|---------|---------|----------|----------|--------|--------|-------------------------|-------------------------|--------|"
printf '%s\n' "${results[@]}"
if ((failed)); then
	echo "load.sh: FAILED: some requests did not succeed" >&2
	exit 1
fi

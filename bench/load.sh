#!/usr/bin/env bash
# Load test of the Bookcase HTTP server, as issue 5 sets it: for each library size (1,000 and
# 100,000 books; also 1,000,000 with FULL=1) it seeds a database (bookcase seed: statuses,
# read-throughs, shelves, notes...), serves it on a free port on 127.0.0.1, signs a reader in, and
# drives it with vegeta (32 connections, as fast as it answers), sending the session cookie, a
# browser's Accept-Encoding and, on writes, the CSRF token, as a browser would. Targets: the
# library's first page, a deep page (the books after the 90,000 newest), searches (full page, and
# the as-you-type fragment), sort by author (first page and a few "Load more" pages in), the page
# of the author with the most books, the author field's suggestions (and, with RATE, the same at
# a steady rate), the list of authors, series, update and create.
# Prints the first page's size (as HTML, and as sent to a browser), and requests/s, p50, p99, success ratio
# and the server's peak RSS per target, with the issue's goal for each and whether it was met;
# exits non-zero if any request failed (and, with STRICT=1, if any goal was missed).
#
#   bash bench/load.sh                      # 1,000 and 100,000 books, 10 s per target
#   DURATION=30s bash bench/load.sh         # longer runs
#   SIZES="100000" bash bench/load.sh       # one size only (SIZES="" FULL=1: 1,000,000 only)
#   FULL=1 bash bench/load.sh               # and 1,000,000 books (seeding ~10 s, a few minutes more)
#   STRICT=1 bash bench/load.sh             # a missed goal fails the run too
#   MORE_PAGES=5 bash bench/load.sh         # how many "Load more" links the sorted deep page follows
#   TARGETS="page create" bash bench/load.sh # only these targets (names without the size)
#   RATE=200 bash bench/load.sh              # the suggestions also at a steady 200 req/s
#                                            # (suggest-rate: a heavy typing load, not saturation)
#   DB=postgres://postgres@127.0.0.1:5432/postgres bash bench/load.sh
#                                            # every target also on PostgreSQL (names ending in -pg),
#                                            # on a copy of the same library (bookcase copy), in a
#                                            # database bookcase_load_N that it makes and drops: DB's
#                                            # user may create databases. Needs psql.
#   DB=postgres://... INSTANCES=2 bash bench/load.sh
#                                            # and the library page from two instances on the same
#                                            # PostgreSQL database, requests alternating between
#                                            # them (target pagex2, beside page-N-pg from one)
#
# Every request goes to 127.0.0.1. See bench/README.md for what each target means.
set -euo pipefail

readonly VEGETA_MODULE=github.com/tsenart/vegeta/v12@v12.13.0
readonly CONNS=32
DURATION=${DURATION:-10s}
[[ $DURATION =~ ^[0-9]+$ ]] && DURATION=${DURATION}s
SIZES=${SIZES-1000 100000}
[[ ${FULL:-0} == 1 && " $SIZES " != *" 1000000 "* ]] && SIZES="$SIZES 1000000"
MORE_PAGES=${MORE_PAGES:-5}
STRICT=${STRICT:-0}
TARGETS=${TARGETS:-}
# A PostgreSQL server to run every target on too, beside SQLite; "": SQLite only.
DB=${DB:-}
if [[ -n $DB ]]; then
	[[ $DB == postgres://* || $DB == postgresql://* ]] || { echo "load.sh: DB must be a postgres:// URL, not $DB" >&2; exit 2; }
	command -v psql >/dev/null || { echo "load.sh: DB needs psql (Debian: postgresql-client)" >&2; exit 2; }
fi
# How many instances serve the library page in the two-instance comparison on PostgreSQL: 1 (none)
# or 2.
INSTANCES=${INSTANCES:-1}
[[ $INSTANCES == 1 || $INSTANCES == 2 ]] || { echo "load.sh: INSTANCES must be 1 or 2, not $INSTANCES" >&2; exit 2; }
[[ $INSTANCES == 2 && -z $DB ]] && { echo "load.sh: INSTANCES=2 needs DB (a PostgreSQL URL)" >&2; exit 2; }
# The steady rate (req/s) of suggest-rate, the author suggestions as people type them; 0: not run.
RATE=${RATE:-0}
[[ $RATE =~ ^[0-9]+$ ]] || { echo "load.sh: RATE must be a number of requests a second, not $RATE" >&2; exit 2; }
# The issue's memory goal for the server under load, in MB of resident memory.
readonly GOAL_RSS_MB=100
# What browsers send (Chromium, Firefox), so that the server compresses as it does for them.
# Without it vegeta's Go client would ask for gzip alone, and spend its own CPU decoding it.
readonly ACCEPT_ENCODING='Accept-Encoding: gzip, deflate, br, zstd'

cd "$(dirname "${BASH_SOURCE[0]}")/.."

for tool in go curl python3 awk; do
	command -v "$tool" >/dev/null || { echo "load.sh: $tool is required" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bookcase-load.XXXXXX")
server_pid=
# The second instance's process, while the two-instance comparison runs.
second_pid=

stop_server() {
	if [[ -n $server_pid ]]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
		server_pid=
	fi
	if [[ -n $second_pid ]]; then
		kill -TERM "$second_pid" 2>/dev/null || true
		wait "$second_pid" 2>/dev/null || true
		second_pid=
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
go build -tags sqlite_fts5 -o "$tmp/bookcase" .
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

seed_times=()

# new_db FILE N: creates the database with the bench reader and N of their books, and records how
# long seeding took.
new_db() {
	printf '%s\n' "$BENCH_PASSWORD" | "$tmp/bookcase" user --db "$1" add "$BENCH_USER" >/dev/null
	echo "seeding $2 books ..." >&2
	local t0=$EPOCHREALTIME
	"$tmp/bookcase" seed --db "$1" --user "$BENCH_USER" --books "$2" >&2
	seed_times+=("$(awk -v a="$t0" -v b="$EPOCHREALTIME" -v n="$2" 'BEGIN { printf "%d books seeded in %.2f s (%.0f books/s)", n, b - a, n / (b - a) }')")
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

# postgres_ticks: CPU time used so far, in clock ticks, by the PostgreSQL processes on this machine
# (the server's, as its database's work is part of each request on PostgreSQL), or 0.
postgres_ticks() {
	awk '$2 == "(postgres)" { t += $14 + $15 } END { print t + 0 }' /proc/[0-9]*/stat 2>/dev/null || echo 0
}

# pg_settle: once a library is copied into PostgreSQL, waits (at most two minutes) until no
# autovacuum worker runs and checkpoints what was written, so that no target of either engine is
# measured beside PostgreSQL's background work on the same cores. bookcase copy vacuums what it
# filled; this catches the rest (the catalog, a database dropped just before).
pg_settle() {
	psql -q "$DB" -c CHECKPOINT >/dev/null
	local i
	for ((i = 0; i < 120; i++)); do
		[[ $(psql -qAt "$DB" -c "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'") == 0 ]] && break
		sleep 1
	done
	psql -q "$DB" -c CHECKPOINT >/dev/null
}

# written PID: the bytes process PID has had written to storage so far (write_bytes of /proc/PID/io:
# the write-ahead log, and the checkpoints that copy it into the database), or 0.
written() {
	awk '/^write_bytes:/ { print $2 }' "/proc/$1/io" 2>/dev/null || echo 0
}

# wal_watch DB: until it gets SIGTERM, counts the frames SQLite appends to DB's write-ahead log,
# then prints their bytes. It reads the log's index header in DB-shm (mxFrame, the last frame, and
# the salt, which changes when the log starts over after a checkpoint) every 5 ms: a restarted log
# counts its frames from 0, and the frames the old one gained after the last look are missed (a
# commit or two, against the 1,000 a log holds before it starts over: a count a few % low).
wal_watch() {
	exec python3 -c 'import mmap, signal, struct, sys, time
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
f = open(sys.argv[1] + "-shm", "rb")
m = mmap.mmap(f.fileno(), 136, access=mmap.ACCESS_READ)
def header():
    while True:  # two copies of the header; equal when not caught mid-write
        a, b = m[0:48], m[48:96]
        if a == b:
            return struct.unpack_from("=H", a, 14)[0], struct.unpack_from("=I", a, 16)[0], a[32:40]
page, last, salt = header()
frames = 0
while not stop:
    time.sleep(0.005)
    page, mx, s = header()
    if s != salt:
        frames += mx
    elif mx > last:
        frames += mx - last
    last, salt = mx, s
print(frames * ((page or 65536) + 24))' "$1"
}

# attack NAME GOAL_RPS GOAL_P99_MS: runs the vegeta targets in $tmp/NAME.targets against the
# running server and records a line of results. A goal of 0 means none; every target is also held
# to the memory goal (the server's peak RSS below GOAL_RSS_MB). Besides the figures it reports the
# server's CPU time per request (µs/req: steady even when the machine is shared) and the CPU, in
# cores, that the server, vegeta and everything else on the machine used during the run: "other"
# well above 0 means something else competed and req/s and latencies are too low.
attack() {
	local name=$1 goal_rps=$2 goal_p99=$3 wal_db=${4:-} rate=${5:-0}
	local target=${name%-pg}
	if [[ -n $TARGETS && " $TARGETS " != *" ${target%-*} "* ]]; then
		return 0
	fi
	# As fast as the server answers, on CONNS connections; or at a steady rate, with as many
	# connections as that takes (up to CONNS), as people's browsers would send them.
	local pace=(-rate=0 -workers="$CONNS" -max-workers="$CONNS")
	if ((rate > 0)); then
		pace=(-rate="$rate/s" -workers=1 -max-workers="$CONNS")
		echo "attacking: $name ($DURATION, $rate req/s) ..." >&2
	else
		echo "attacking: $name ($DURATION, $CONNS connections) ..." >&2
	fi
	local t0 m0 s0 t1 m1 s1 w0 w1 watch_pid= wal=0
	if [[ -n $wal_db ]]; then
		wal_watch "$wal_db" >"$tmp/$name.wal" &
		watch_pid=$!
	fi
	t0=$EPOCHREALTIME m0=$(cpu_ticks) s0=$(cpu_ticks "$server_pid") w0=$(written "$server_pid")
	[[ -n $second_pid ]] && s0=$((s0 + $(cpu_ticks "$second_pid")))
	# On PostgreSQL the server's CPU is Bookcase's and PostgreSQL's together.
	[[ $name == *-pg ]] && s0=$((s0 + $(postgres_ticks)))
	local TIMEFORMAT='%3U %3S'
	{ time "$vegeta" attack -name="$name" -targets="$tmp/$name.targets" \
		"${pace[@]}" -connections="$CONNS" -max-connections="$CONNS" \
		-duration="$DURATION" -timeout=10s -redirects=0 -max-body=0 -laddr=127.0.0.1 \
		>"$tmp/$name.bin" 2>"$tmp/$name.err"; } 2>"$tmp/$name.time"
	t1=$EPOCHREALTIME m1=$(cpu_ticks) s1=$(cpu_ticks "$server_pid") w1=$(written "$server_pid")
	[[ -n $second_pid ]] && s1=$((s1 + $(cpu_ticks "$second_pid")))
	[[ $name == *-pg ]] && s1=$((s1 + $(postgres_ticks)))
	if [[ -n $watch_pid ]]; then
		kill -TERM "$watch_pid"
		wait "$watch_pid" || true
		wal=$(cat "$tmp/$name.wal")
	fi
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
	# The server's peak resident memory since it started (VmHWM), in MB: this target's peak or an
	# earlier one's on the same library.
	rss=$(awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$server_pid/status" 2>/dev/null || echo 0)
	line=$(awk -v name="$name" -v grps="$goal_rps" -v gp99="$goal_p99" -v grss="$GOAL_RSS_MB" -v f="$fields" -v rss="$rss" \
		-v wall="$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')" -v hz="$clk_tck" \
		-v machine="$((m1 - m0))" -v server="$((s1 - s0))" -v written="$((w1 - w0))" -v wal="${wal:-0}" -v veg="$(cat "$tmp/$name.time")" 'BEGIN {
		split(f, v, "\t"); rps = v[1]; p50 = v[2] / 1e6; p99 = v[3] / 1e6; ok = v[4]; n = v[5]
		split(veg, u, " "); cs = server / hz / wall; cv = (u[1] + u[2]) / wall
		co = machine / hz / wall - cs - cv; if (co < 0) co = 0
		goal = ""; verdict = "met"; why = ""
		if (grps > 0) { goal = ">=" grps " req/s"; if (rps < grps) why = why " req/s" }
		if (gp99 > 0) { goal = goal (goal == "" ? "" : ", ") "p99<" gp99 " ms"; if (p99 >= gp99) why = why " p99" }
		goal = goal (goal == "" ? "" : ", ") "RSS<" grss " MB"
		if (rss > 0 && rss >= grss) why = why " RSS"
		if (ok < 1) why = why " errors"
		if (why != "") verdict = "MISSED:" why
		cpu = sprintf("%.2f / %.2f / %.2f", cs, cv, co)
		us = n > 0 ? server / hz / n * 1e6 : 0
		kb = n > 0 ? written / 1024 / n : 0
		walkb = n > 0 && wal > 0 ? sprintf("%.1f", wal / 1024 / n) : "-"
		printf "| %-22s | %7.0f | %7.2f | %7.2f | %7.2f%% | %8d | %6.0f | %8.1f | %10s | %6d | %-20s | %-37s | %-18s |\n",
			name, rps, p50, p99, ok * 100, n, us, kb, walkb, rss, cpu, goal, verdict
	}')
	results+=("$line")
	[[ $line == *MISSED* ]] && missed=1
	if ! awk -v f="$fields" 'BEGIN { split(f, v, "\t"); exit !(v[4] >= 1) }'; then
		echo "load.sh: $name: not every request succeeded:" >&2
		"$vegeta" report "$tmp/$name.bin" >&2
		failed=1
	fi
}

# check WHAT CURL_ARGS...: fetches a page once before it is attacked, and stops the run unless it
# answers 200; prints the body.
check() {
	local what=$1 body
	shift
	body=$(curl -fsS --max-time 30 -H "Cookie: $cookie" "$@") ||
		{ echo "load.sh: $what: the server did not answer 200" >&2; exit 1; }
	printf '%s' "$body"
}

# more_href: the href of the page's "Load more" link (#load-more a), unescaped, or nothing.
more_href() {
	python3 -c 'import html.parser, sys
class P(html.parser.HTMLParser):
    inside, href = False, ""
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id") == "load-more": self.inside = True
        elif self.inside and tag == "a" and not self.href: self.href = a.get("href") or ""
p = P(); p.feed(sys.stdin.read()); print(p.href)'
}

# get_target NAME PATH [HEADER...]: writes a one-request GET target file for NAME.
get_target() {
	local name=$1 path=$2
	shift 2
	{ printf 'GET %s%s\nCookie: %s\n%s\n' "$base" "$path" "$cookie" "$ACCEPT_ENCODING"; printf '%s\n' "$@"; } >"$tmp/$name.targets"
}

page_sizes=()

# page_size N PATH: the size of the page at PATH of the library of N books, as HTML and as sent to
# a browser (the issue's goal for the first page: 40 KB of HTML).
page_size() {
	local n=$1 path=$2 raw sent
	raw=$(curl -fsS -o /dev/null -w '%{size_download}' -H "Cookie: $cookie" "$base$path")
	sent=$(curl -fsS -o /dev/null -w '%{size_download} %header{content-encoding}' -H "Cookie: $cookie" -H "$ACCEPT_ENCODING" "$base$path")
	awk -v n="$n" -v p="$path" -v raw="$raw" -v sent="$sent" 'BEGIN {
		split(sent, s, " "); enc = s[2] == "" ? "not compressed" : s[2]
		printf "%s of %d books: %.1f KB of HTML, %.1f KB as sent to a browser (%s)", p, n, raw / 1024, s[1] / 1024, enc
	}'
}

readonly HTMX_FRAGMENT=('HX-Request: true' 'HX-Target: results')

# pg_database N: the URL of DB with its database name replaced by bookcase_load_N.
pg_database() {
	python3 -c 'import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/bookcase_load_" + sys.argv[2])))' "$DB" "$1"
}

# run_size N: seeds a library of N books and attacks every target on it, on SQLite and, with DB,
# on a copy of it in PostgreSQL.
run_size() {
	local n=$1 db=$tmp/books-$1.db pg=
	new_db "$db" "$n"
	if [[ -n $DB ]]; then
		pg=$(pg_database "$n")
		psql -q "$DB" -c "DROP DATABASE IF EXISTS bookcase_load_$n" -c "CREATE DATABASE bookcase_load_$n" >/dev/null
		echo "copying the library of $n books into PostgreSQL ..." >&2
		local t0=$EPOCHREALTIME
		"$tmp/bookcase" copy --from "$db" --to "$pg" >"$tmp/copy-$n.out"
		seed_times+=("$(awk -v a="$t0" -v b="$EPOCHREALTIME" -v n="$n" 'BEGIN { printf "%d books copied into PostgreSQL in %.2f s (bookcase copy)", n, b - a }')")
		pg_settle
	fi
	run_targets "$n" "$db" "$db" ""
	if [[ -n $pg ]]; then
		pg_settle
		run_targets "$n" "$db" "$pg" -pg
		((INSTANCES == 2)) && run_two_instances "$n" "$pg"
		psql -q "$DB" -c "DROP DATABASE bookcase_load_$n" >/dev/null
	fi
	rm -f "$db" "$db-wal" "$db-shm"
}

# run_targets N FILE DB SUFFIX: attacks every target on the library of N books served from DB (the
# SQLite FILE, or its copy in PostgreSQL), naming them NAME-N SUFFIX. The SQLite file says which
# books the deep page starts after (same ids in the copy), and its log is watched on SQLite alone.
run_targets() {
	local n=$1 file=$2 db=$3 sfx=$4 wal_db=
	[[ -z $sfx ]] && wal_db=$file
	start_server "$db"
	sign_in
	# The page goals of the issue are for 100,000 books (held to at 1,000 too); at 1,000,000 only
	# the first page and search have one, p99 < 100 ms.
	local page_rps=2000 page_p99=50 search_p99=50 other_rps=2000 other_p99=50
	# Issue 11's goal for adding books, at 100,000 (held to at 1,000 too).
	local create_rps=3000 create_p99=50
	if ((n >= 1000000)); then
		page_rps=0 page_p99=100 search_p99=100 other_rps=0 other_p99=0 create_rps=0 create_p99=0
	fi

	# Library, first page.
	[[ $(check "library page" "$base/books" | grep -o 'class="book[ "]' | wc -l) -eq 50 ]] ||
		{ echo "load.sh: library page does not show 50 books" >&2; exit 1; }
	page_sizes+=("$(page_size "$n" /books)")
	get_target "page-$n$sfx" /books
	attack "page-$n$sfx" "$page_rps" "$page_p99"

	# Deep page: the books after the 90,000 newest (a fresh database numbers them 1..N, oldest
	# first), or the oldest full page of a smaller library.
	local deep=$((n - 89999))
	if command -v sqlite3 >/dev/null && ((n > 90000)); then
		deep=$(sqlite3 -readonly "$file" "SELECT id FROM books WHERE deleted_at IS NULL ORDER BY id DESC LIMIT 1 OFFSET 89999")
	fi
	((deep < 52)) && deep=52
	[[ $(check "deep page" "$base/books?before=$deep" | grep -o 'class="book[ "]' | wc -l) -eq 50 ]] ||
		{ echo "load.sh: deep page before=$deep does not show 50 books" >&2; exit 1; }
	get_target "deep-$n$sfx" "/books?before=$deep"
	attack "deep-$n$sfx" "$other_rps" "$other_p99"

	# Search: full pages for a prefix and a common word, and the fragment typing asks for.
	check "search" "$base/books?q=tolk" >/dev/null
	get_target "search-tolk-$n$sfx" "/books?q=tolk"
	attack "search-tolk-$n$sfx" 0 "$search_p99"
	get_target "search-the-$n$sfx" "/books?q=the"
	attack "search-the-$n$sfx" 0 "$search_p99"
	check "search as you type" "$base/books?q=garc" -H "${HTMX_FRAGMENT[0]}" -H "${HTMX_FRAGMENT[1]}" >/dev/null
	get_target "type-garc-$n$sfx" "/books?q=garc" "${HTMX_FRAGMENT[@]}"
	attack "type-garc-$n$sfx" 0 "$search_p99"

	# Sort by author: the first page, then the page MORE_PAGES "Load more" links in.
	local page href=/books?sort=author
	page=$(check "sort by author" "$base$href")
	get_target "author-$n$sfx" "$href"
	attack "author-$n$sfx" "$other_rps" "$other_p99"
	local i
	for ((i = 0; i < MORE_PAGES; i++)); do
		local next
		next=$(printf '%s' "$page" | more_href)
		[[ -n $next ]] || { echo "load.sh: no Load more link after $i pages sorted by author" >&2; exit 1; }
		href=$next
		page=$(check "sort by author, page $((i + 2))" "$base$href")
	done
	get_target "author-deep-$n$sfx" "$href"
	attack "author-deep-$n$sfx" "$other_rps" "$other_p99"

	# The page of the author with the most books (/authors/{id}: their books in the library's rows,
	# some 600 of 100,000), the first on the list of authors by books; and what the author field
	# suggests as a second author's first letters are typed (htmx, into a datalist).
	local author
	author=$(check "authors by books" "$base/authors?sort=books" | grep -o 'href="/authors/[0-9]*"' | head -n 1 | grep -o '[0-9]*' || true)
	[[ -n $author ]] || { echo "load.sh: no author on the list of authors" >&2; exit 1; }
	check "author page" "$base/authors/$author" >/dev/null
	get_target "author-page-$n$sfx" "/authors/$author"
	attack "author-page-$n$sfx" 0 "$other_p99"
	check "author suggestions" "$base/authors/suggest?author=Terry+Pratchett%2C+ma" -H 'HX-Request: true' >/dev/null
	get_target "suggest-ma-$n$sfx" "/authors/suggest?author=Terry+Pratchett%2C+ma" 'HX-Request: true'
	attack "suggest-ma-$n$sfx" 0 "$search_p99"
	# The same at a steady RATE, as many people typing at once would ask: issue 13's goal for the
	# suggestions, p99 < 10 ms, is for them.
	if ((RATE > 0)); then
		get_target "suggest-rate-$n$sfx" "/authors/suggest?author=Terry+Pratchett%2C+ma" 'HX-Request: true'
		attack "suggest-rate-$n$sfx" 0 10 "" "$RATE"
	fi

	# The list of authors by most books, its first page: a hundred authors with their counts.
	check "authors list" "$base/authors?sort=books" >/dev/null
	get_target "authors-list-$n$sfx" "/authors?sort=books"
	attack "authors-list-$n$sfx" "$other_rps" "$other_p99"

	# Series (issue 13): the list of series (at most 1,000, with their counts), and the page of the
	# first of them, its books in order and the next up. The seed puts a third of the books in
	# series of 2 to 12.
	page=$(check "series list" "$base/series")
	get_target "series-list-$n$sfx" /series
	attack "series-list-$n$sfx" "$other_rps" "$other_p99"
	local series
	series=$(printf '%s' "$page" | grep -o 'href="/series/[0-9]*"' | head -1 | grep -o '[0-9][0-9]*' || true) # head closes the pipe early: SIGPIPE upstream, under pipefail
	[[ -n $series ]] || { echo "load.sh: no series on the series list" >&2; exit 1; }
	check "series page" "$base/series/$series" >/dev/null
	get_target "series-$n$sfx" "/series/$series"
	attack "series-$n$sfx" "$other_rps" "$other_p99"

	# Stats (issue 14), this year's and all time's: p99 under 100 ms. Before the writes below, which
	# change what they count: the server keeps computed stats until the library changes.
	get_target "stats-$n$sfx" /stats
	attack "stats-$n$sfx" 0 100
	get_target "stats-all-$n$sfx" "/stats?year=all"
	attack "stats-all-$n$sfx" 0 100

	# Update: saves the edit row of each book on the first page in turn, as htmx does.
	local ids
	ids=$(check "library page" "$base/books" | grep -o '<tr id="book-[0-9]*" class="book"' | grep -o '[0-9][0-9]*')
	[[ -n $ids ]] || { echo "load.sh: no book ids on the library page" >&2; exit 1; }
	printf 'title=Edited+Benchmark+Book&author=Load+Tester&genre=Fiction' >"$tmp/update.body"
	local id
	for id in $ids; do
		printf 'PUT %s/books/%s\nHX-Request: true\nContent-Type: application/x-www-form-urlencoded\nCookie: %s\nX-Csrf-Token: %s\n%s\n@%s\n\n' \
			"$base" "$id" "$cookie" "$token" "$ACCEPT_ENCODING" "$tmp/update.body"
	done >"$tmp/update-$n$sfx.targets"
	attack "update-$n$sfx" 0 0 "$wal_db"

	# Create, last: it grows the library.
	printf 'title=Benchmark+Book&author=Load+Tester&genre=Science+fiction' >"$tmp/create.body"
	printf 'POST %s/books\nHX-Request: true\nContent-Type: application/x-www-form-urlencoded\nCookie: %s\nX-Csrf-Token: %s\n%s\n@%s\n' \
		"$base" "$cookie" "$token" "$ACCEPT_ENCODING" "$tmp/create.body" >"$tmp/create-$n$sfx.targets"
	attack "create-$n$sfx" "$create_rps" "$create_p99" "$wal_db"
	stop_server
}

# run_two_instances N DB: the library's first page of N books from two instances serving the same
# PostgreSQL database DB at once, vegeta's requests alternating between them (a session made on one
# works on the other: sessions are in the database). Its CPU per request is both instances' and
# PostgreSQL's; its RSS, the first instance's.
run_two_instances() {
	local n=$1 db=$2 first_pid first_base
	start_server "$db"
	sign_in
	first_base=$base
	# The first instance under the second's name meanwhile, so that an exit stops it too.
	second_pid=$server_pid server_pid=
	start_server "$db"
	first_pid=$second_pid second_pid=$server_pid server_pid=$first_pid
	{
		printf 'GET %s/books\nCookie: %s\n%s\n\n' "$first_base" "$cookie" "$ACCEPT_ENCODING"
		printf 'GET %s/books\nCookie: %s\n%s\n' "$base" "$cookie" "$ACCEPT_ENCODING"
	} >"$tmp/pagex2-$n-pg.targets"
	base=$first_base
	attack "pagex2-$n-pg" 0 0
	stop_server
}

missed=0
for n in $SIZES; do
	[[ $n =~ ^[0-9]+$ ]] || { echo "load.sh: SIZES must be numbers of books, not $n" >&2; exit 2; }
	run_size "$n"
done

echo
echo "Bookcase load test: $CONNS connections, max rate, $DURATION per target, $(nproc 2>/dev/null || echo '?') CPUs, $(go env GOVERSION), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
printf '%s\n' "${seed_times[@]/#/- }" "${page_sizes[@]/#/- }"
echo
echo "| target                 |   req/s |  p50 ms |  p99 ms |  success | requests | µs/req | KB w/req | KB WAL/req | RSS MB | CPU srv/vegeta/other | goal                                  | goal?              |"
echo "|------------------------|---------|---------|---------|----------|----------|--------|----------|------------|--------|----------------------|---------------------------------------|--------------------|"
printf '%s\n' "${results[@]}"
if ((failed)); then
	echo "load.sh: FAILED: some requests did not succeed" >&2
	exit 1
fi
if ((missed)); then
	if ((STRICT)); then
		echo "load.sh: FAILED: some goals were missed (STRICT=1)" >&2
		exit 1
	fi
	echo "load.sh: some goals were missed (see goal?); STRICT=1 makes that fail the run" >&2
fi

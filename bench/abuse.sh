#!/usr/bin/env bash
# Abuse benchmark of the Bookcase HTTP server, as the hardening issue sets it. On a fresh database
# served on a free loopback port, it runs four attacks and checks what each must not do:
#
#   1. anonymous GET flood (vegeta, 32 connections, as fast as it answers, FLOOD seconds) on the
#      login and sign-up pages, the library (a redirect) and a missing page: the database and its
#      write-ahead log must not grow (anonymous requests cost no write), and nothing answers 5xx;
#   2. sign-up flood: SIGNUPS attempts, 16 at a time, each from its own address (the server trusts
#      127.0.0.1 as a proxy, so X-Forwarded-For names the client): no 500, and no more accounts
#      than the server-wide limit lets through;
#   3. lockout attempt: LOGINS wrong passwords for the owner's account from as many addresses;
#      the owner, on the browser they logged in from before, must still log in;
#   4. a 10 MB Goodreads export uploaded UPLOADS times by one reader: the database must stay
#      bounded (the open-import limit), the server's temporary directory empty, and no 5xx.
#
# Prints the figures; exits non-zero if any check fails. About two minutes.
#
#   bash bench/abuse.sh
#   FLOOD=30 SIGNUPS=500 bash bench/abuse.sh
set -euo pipefail

readonly VEGETA_MODULE=github.com/tsenart/vegeta/v12@v12.13.0
FLOOD=${FLOOD:-10}
SIGNUPS=${SIGNUPS:-300}
LOGINS=${LOGINS:-200}
UPLOADS=${UPLOADS:-50}
# Growth of the database (file + write-ahead log) allowed during the anonymous flood, in bytes.
readonly MAX_ANON_GROWTH=$((8 << 10))
# Accounts the sign-up flood may make: the server-wide limit (30 a minute) for each minute begun,
# counting the first.
readonly SIGNUPS_PER_MINUTE=30
# The database after UPLOADS uploads: at most 3 open imports (data.MaxOpenImports) of about a
# third of the file each; 64 MB is twice what they take.
readonly MAX_DB_AFTER_UPLOADS=$((64 << 20))

cd "$(dirname "${BASH_SOURCE[0]}")/.."

for tool in go curl python3 awk; do
	command -v "$tool" >/dev/null || { echo "abuse.sh: $tool is required" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bookcase-abuse.XXXXXX")
server_pid=
cleanup() {
	if [[ -n $server_pid ]]; then
		kill -TERM "$server_pid" 2>/dev/null || true
		wait "$server_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

echo "building bookcase and vegeta ..." >&2
go build -tags sqlite_fts5 -o "$tmp/bookcase" .
(cd "$tmp" && GOBIN="$tmp/bin" GOFLAGS=-mod=mod go install "$VEGETA_MODULE")
vegeta=$tmp/bin/vegeta

readonly OWNER=owner OWNER_PASSWORD='abuse test passphrase 42'
db=$tmp/abuse.db
printf '%s\n' "$OWNER_PASSWORD" | "$tmp/bookcase" user --db "$db" add "$OWNER" >/dev/null

# The server's own temporary directory, to see whether an upload leaves anything there.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
base=http://127.0.0.1:$port
"$tmp/bookcase" --addr "127.0.0.1:$port" --db "$db" --trusted-proxies 127.0.0.1 --upload-dir "$tmp/servertmp" >"$tmp/server.log" 2>&1 &
server_pid=$!
for ((i = 0; i < 100; i++)); do
	curl -fsS -o /dev/null --max-time 1 "$base/login" 2>/dev/null && break
	kill -0 "$server_pid" 2>/dev/null || { echo "abuse.sh: the server did not start:" >&2; cat "$tmp/server.log" >&2; exit 1; }
	sleep 0.1
done

failed=0
fail() {
	echo "abuse.sh: FAILED: $*" >&2
	failed=1
}

# db_bytes: the database's size on disk, its write-ahead log included.
db_bytes() { cat "$db" "$db-wal" 2>/dev/null | wc -c; }

csrf() { grep -o 'name="csrf-token" content="[^"]*"' | sed 's/.*content="//; s/"$//'; }

# codes FILE: "N×CODE" for each status code in FILE (one a line), most frequent first.
codes() { sort "$1" | uniq -c | sort -rn | awk '{ printf "%s%d×%s", sep, $1, $2; sep = ", " }'; }

# count CODE_PATTERN FILE: how many lines of FILE match the extended regex.
count() { grep -cE "^($1)\$" "$2" || true; }

# 1. Anonymous GET flood.
for path in /login /signup /books / /books/1 /nothing-here; do
	printf 'GET %s%s\n\n' "$base" "$path"
done >"$tmp/anon.targets"
sleep 1 # let the start-up housekeeping's writes land before measuring
before=$(db_bytes)
echo "anonymous GET flood: ${FLOOD}s, 32 connections ..." >&2
"$vegeta" attack -targets="$tmp/anon.targets" -rate=0 -workers=32 -max-workers=32 -connections=32 \
	-duration="${FLOOD}s" -timeout=10s -redirects=-1 -max-body=0 >"$tmp/anon.bin"
after=$(db_bytes)
"$vegeta" report -type=json "$tmp/anon.bin" >"$tmp/anon.json"
read -r anon_n anon_rps anon_codes < <(python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
print(r["requests"], round(r["throughput"]), ",".join(f"{n}×{c}" for c, n in sorted(r["status_codes"].items())))' "$tmp/anon.json")
anon_5xx=$(python3 -c 'import json, sys
print(sum(n for c, n in json.load(open(sys.argv[1]))["status_codes"].items() if c.startswith("5") or c == "0"))' "$tmp/anon.json")
((after - before <= MAX_ANON_GROWTH)) || fail "the anonymous flood grew the database by $((after - before)) bytes"
((anon_5xx == 0)) || fail "$anon_5xx anonymous requests answered 5xx or not at all"

# 2. Sign-up flood: one anonymous token (a signed cookie, reusable), every attempt from its own address.
jar=$tmp/anon.cookies
token=$(curl -sS -c "$jar" -b "$jar" "$base/signup" | csrf)
[[ -n $token ]] || { echo "abuse.sh: no token on the sign-up page; the server's log ends:" >&2; tail -5 "$tmp/server.log" >&2; exit 1; }
export base token jar
echo "sign-up flood: $SIGNUPS attempts, 16 at a time ..." >&2
t0=$EPOCHSECONDS
seq 1 "$SIGNUPS" | xargs -P 16 -I{} sh -c 'curl -sS -o /dev/null -w "%{http_code}\n" -b "$jar" \
	-H "X-Forwarded-For: 10.1.$(({} / 250)).$(({} % 250 + 1))" --data-urlencode "_csrf=$token" \
	--data-urlencode "username=flood{}" --data-urlencode "password=flood passphrase {} xyz" \
	--data-urlencode "confirm=flood passphrase {} xyz" "$base/signup"' >"$tmp/signup.codes"
minutes=$(((EPOCHSECONDS - t0) / 60 + 1))
accounts=$("$tmp/bookcase" user --db "$db" list | wc -l)
accounts=$((accounts - 2)) # less the header and the owner
signup_500=$(count '5[0-9][0-9]' "$tmp/signup.codes")
signup_503=$(count 503 "$tmp/signup.codes")
((signup_500 - signup_503 == 0)) || fail "$((signup_500 - signup_503)) sign-ups answered a 5xx other than 503"
((accounts <= SIGNUPS_PER_MINUTE * minutes)) || fail "$accounts accounts made in $minutes minute(s), more than the limit"

# 3. Lockout attempt. The owner logs in first, from their own address, and keeps the browser.
owner_jar=$tmp/owner.cookies
owner_ip=192.0.2.10
login() { # login JAR IP PASSWORD: the status of a login from JAR's browser at IP
	local t
	t=$(curl -fsS -c "$1" -b "$1" -H "X-Forwarded-For: $2" "$base/login" | csrf)
	curl -sS -o /dev/null -w '%{http_code}' -c "$1" -b "$1" -H "X-Forwarded-For: $2" --data-urlencode "_csrf=$t" \
		--data-urlencode "username=$OWNER" --data-urlencode "password=$3" "$base/login"
}
[[ $(login "$owner_jar" $owner_ip "$OWNER_PASSWORD") == 303 ]] || { echo "abuse.sh: the owner could not log in" >&2; exit 1; }
logout_token=$(curl -fsS -c "$owner_jar" -b "$owner_jar" -H "X-Forwarded-For: $owner_ip" "$base/books" | csrf)
curl -fsS -o /dev/null -c "$owner_jar" -b "$owner_jar" -H "X-Forwarded-For: $owner_ip" \
	--data-urlencode "_csrf=$logout_token" "$base/logout"
echo "lockout attempt: $LOGINS wrong passwords for $OWNER, 16 at a time ..." >&2
export OWNER
seq 1 "$LOGINS" | xargs -P 16 -I{} sh -c 'curl -sS -o /dev/null -w "%{http_code}\n" -b "$jar" \
	-H "X-Forwarded-For: 10.2.$(({} / 250)).$(({} % 250 + 1))" --data-urlencode "_csrf=$token" \
	--data-urlencode "username=$OWNER" --data-urlencode "password=guess {}" "$base/login"' >"$tmp/login.codes"
login_5xx=$(count '5[0-9][0-9]' "$tmp/login.codes")
login_503=$(count 503 "$tmp/login.codes")
((login_5xx - login_503 == 0)) || fail "$((login_5xx - login_503)) wrong logins answered a 5xx other than 503"
owner_status=$(login "$owner_jar" $owner_ip "$OWNER_PASSWORD")
[[ $owner_status == 303 ]] || fail "the owner, on their own browser, got $owner_status after the lockout attempt, want 303"
new_browser_status=$(login "$tmp/new.cookies" 192.0.2.11 "$OWNER_PASSWORD")

# 4. A 10 MB Goodreads export uploaded UPLOADS times by the owner.
file=$tmp/goodreads-10mb.csv
awk 'BEGIN {
	print "Book Id,Title,Author,Author l-f,Additional Authors,ISBN,ISBN13,My Rating,Average Rating,Publisher,Binding,Number of Pages,Year Published,Original Publication Year,Date Read,Date Added,Bookshelves,Bookshelves with positions,Exclusive Shelf,My Review,Spoiler,Private Notes,Read Count,Owned Copies"
	for (i = 1; size < 10 * 1024 * 1024; i++) {
		line = sprintf("%d,\"The Collected Works of Author Number %d, Volume %d\",Author %d,\"%d, Author\",,\"=\"\"\"\"\",\"=\"\"\"\"\",%d,3.9,Some Publisher,Paperback,%d,2001,1999,2023/01/%02d,2022/12/01,\"shelf-%d\",\"shelf-%d (#%d)\",read,\"A review of book %d: it was fine, and then some.\",,Private note %d,1,0", i, i, i % 9 + 1, i % 500, i % 500, i % 6, 100 + i % 400, 1 + i % 28, i % 7, i % 7, i, i, i)
		print line
		size += length(line) + 1
	}
}' >"$file"
upload_token=$(curl -fsS -c "$owner_jar" -b "$owner_jar" -H "X-Forwarded-For: $owner_ip" "$base/import" | csrf)
before_uploads=$(db_bytes)
echo "uploading a $(($(wc -c <"$file") >> 20)) MB file $UPLOADS times ..." >&2
t0=$EPOCHREALTIME
for ((i = 0; i < UPLOADS; i++)); do
	curl -sS -o /dev/null -w '%{http_code}\n' -b "$owner_jar" -H "X-Forwarded-For: $owner_ip" \
		-F "_csrf=$upload_token" -F "file=@$file;type=text/csv" "$base/import"
done >"$tmp/upload.codes"
upload_secs=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
after_uploads=$(db_bytes)
spooled=$(find "$tmp/servertmp" -type f -printf '%s\n' | awk '{ n += $1 } END { print n + 0 }')
upload_5xx=$(count '5[0-9][0-9]' "$tmp/upload.codes")
((upload_5xx == 0)) || fail "$upload_5xx uploads answered 5xx"
((after_uploads <= MAX_DB_AFTER_UPLOADS)) || fail "the database is $after_uploads bytes after $UPLOADS uploads"
((spooled == 0)) || fail "the server's temporary directory holds $spooled bytes after the uploads"
rss=$(awk '/^VmHWM:/ { print int($2 / 1024) }' "/proc/$server_pid/status" 2>/dev/null || echo '?')

echo
echo "Bookcase abuse benchmark: $(nproc 2>/dev/null || echo '?') CPUs, $(go env GOVERSION), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')"
echo
echo "| attack | figures |"
echo "|---|---|"
echo "| anonymous GET flood, ${FLOOD}s | $anon_n requests ($anon_rps/s): $anon_codes; database + WAL $before → $after bytes (+$((after - before))) |"
echo "| sign-up flood, $SIGNUPS attempts | $(codes "$tmp/signup.codes"); $accounts accounts made in $minutes minute(s) (limit $SIGNUPS_PER_MINUTE a minute) |"
echo "| lockout attempt, $LOGINS wrong passwords | $(codes "$tmp/login.codes"); owner on their browser after it: $owner_status; owner on a new browser: $new_browser_status |"
echo "| $UPLOADS uploads of a 10 MB file, ${upload_secs}s | $(codes "$tmp/upload.codes"); database + WAL $((before_uploads >> 10)) → $((after_uploads >> 10)) KB; server temp dir $spooled bytes; server peak RSS $rss MB |"
if ((failed)); then
	echo "abuse.sh: FAILED (see above)" >&2
	exit 1
fi
echo
echo "abuse.sh: every check passed"

#!/usr/bin/env bash
# Idle cost of the daemon on a large workspace: a 10,000-page data source that is already in
# step (no page meant for GitHub), `ngsync run` polling every second.
#   scripts/bench-idle.sh [pages]        (default 10000; builds the release preset)
# Prints the Notion calls one empty poll costs (after the first full read), and the daemon's
# idle RSS. Nothing here is asserted: it is a measurement, reported by scripts/bench-report.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pages=${1:-10000}
preset=${NGSYNC_BENCH_PRESET:-release}
cd "$root"
bash scripts/install-deps.sh >/dev/null
cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset" --target ngsync ngsync-sandbox >/dev/null
bin=$root/build/$preset
work=$(mktemp -d /tmp/ngsync-bench-idle.XXXXXX)
chmod 755 "$work"
pgdir=$work/pg
cleanup() {
  [[ -n ${daemon_pid:-} ]] && kill "$daemon_pid" 2>/dev/null || true
  [[ -n ${sb_pid:-} ]] && kill "$sb_pid" 2>/dev/null || true
  bash scripts/pg-private.sh destroy "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# Pages edited 10 s apart over the last day (a busy team edits far less often), all in Backlog.
python3 - "$pages" >"$work/scenario.json" <<'PY'
import json, sys
from datetime import datetime, timedelta, timezone
pages = int(sys.argv[1])
start = (datetime.now(timezone.utc) - timedelta(seconds=10 * pages + 600)).strftime("%Y-%m-%dT%H:%M:%SZ")
ds = "4f93db51-4e1d-4015-b07f-876e34c3b0b1"
print(json.dumps({
  "seed": 1,
  "notion": {
    "tokens": ["secret_bench_notion"], "bot": {"id": "40673a87-d8ed-41e0-aa55-7f0e8ace24cd", "name": "ngsync"},
    "users": [{"id": "2200a911-6a96-44bb-bd38-6bfb1e01b9f6", "name": "Ada", "email": "ada@example.com"}],
    "rate_limit": {"enabled": False},
    "databases": [{"id": "c37a2c66-e3aa-4a0d-a447-73de3b80c253", "title": "Idle", "data_sources": [{
      "id": ds, "name": "Idle", "properties": {
        "Name": "title",
        "Status": {"type": "status", "options": ["Backlog", "Ready for Dev", "Complete"]}}}]}],
    "generate_pages": [{"data_source_id": ds, "count": pages, "title_prefix": "Idea",
                        "start_time": start, "step_ms": 10000,
                        "properties": {"Status": "Backlog"}}]},
  "github": {
    "users": [{"login": "ngsync-bot", "id": 900}],
    "tokens": [{"token": "ghp_benchtokenforngsync00000001", "login": "ngsync-bot"}],
    "repos": [{"full_name": "acme/idle", "id": 9001}]}}))
PY
"$bin/ngsync-sandbox" --scenario "$work/scenario.json" --ready-file "$work/ready.json" --tls-dir "$work/tls" >"$work/sandbox.log" 2>&1 &
sb_pid=$!
for _ in $(seq 300); do [[ -f $work/ready.json ]] && break; sleep 0.1; done
url() { python3 -c "import json;print(json.load(open('$work/ready.json'))['$1']['url'])"; }
notion=$(url notion) github=$(url github) control=$(url control)
export NOTION_TOKEN=secret_bench_notion GITHUB_TOKEN=ghp_benchtokenforngsync00000001
DATABASE_URL=$(bash scripts/pg-private.sh start "$pgdir")
export DATABASE_URL
cat >"$work/ngsync.yaml" <<YAML
notion: {base_url: $notion, token_env: NOTION_TOKEN, rate_limit: {requests_per_second: 1000, burst: 50, max_concurrent: 8}}
github: {base_url: $github, token_env: GITHUB_TOKEN}
http: {ca_file: $work/tls/ca.pem}
database: {url_env: DATABASE_URL, pool_size: 2}
server: {listen: 127.0.0.1:0}
logging: {level: warn}
sync:
  poll_interval: 1s
  mappings:
    - name: idle
      notion: {data_source_id: 4f93db51-4e1d-4015-b07f-876e34c3b0b1}
      github: {repository: acme/idle}
YAML
notion_queries() { curl -s "$control/control/calls" | python3 -c "
import json,sys
c=json.load(sys.stdin)['counts'].get('notion',{})
print(sum(v for k,v in c.items() if 'query' in k))"; }
"$bin/ngsync" --config "$work/ngsync.yaml" run 2>"$work/ngsync.log" &
daemon_pid=$!
# The first poll reads every page (pages/100 queries); wait until polls settle.
prev=-1
for _ in $(seq 120); do
  sleep 2
  now=$(notion_queries)
  [[ $now -gt 0 && $((now - prev)) -le 3 ]] && break
  prev=$now
done
# Calls per poll: the queries after the first full poll, grouped into polls by the pause
# between them (polls run every second; one poll's pages follow each other at once).
first_poll=$(notion_queries)
last_seq=$(curl -s "$control/control/calls" | python3 -c "
import json,sys; print(max((c['seq'] for c in json.load(sys.stdin)['calls']), default=0))")
sleep 20.5
read -r first after polls < <(curl -s "$control/control/calls" | python3 -c "
import json, sys
from datetime import datetime
seq = int(sys.argv[1])
at = [datetime.fromisoformat(c['at'].replace('Z', '+00:00')).timestamp()
      for c in json.load(sys.stdin)['calls']
      if c['api'] == 'notion' and 'query' in c['target'] and c['seq'] > seq]
groups = sum(1 for i, t in enumerate(at) if i == 0 or t - at[i - 1] > 0.3)
print(0, len(at), max(groups, 1))" "$last_seq")
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$daemon_pid/status")
hwm_kb=$(awk '/VmHWM/ {print $2}' "/proc/$daemon_pid/status")
# Heap and stacks (anonymous) against mapped files (the binary and shared libraries' code).
anon_kb=$(awk '/RssAnon/ {print $2}' "/proc/$daemon_pid/status")
file_kb=$(awk '/RssFile/ {print $2}' "/proc/$daemon_pid/status")
# Proportional share: a shared library's pages divided among the processes mapping them.
pss_kb=$(awk '/^Pss:/ {print $2}' "/proc/$daemon_pid/smaps_rollup")
if [[ -n ${NGSYNC_BENCH_SMAPS:-} ]]; then  # per-mapping RSS, largest first, for digging
  awk '/^[0-9a-f]+-[0-9a-f]+ / {name=$6} /^Rss:/ {rss[name]+=$2} END {for (n in rss) printf "%8d kB %s\n", rss[n], n}' \
    "/proc/$daemon_pid/smaps" | sort -rn >"$NGSYNC_BENCH_SMAPS"
  grep -E '^(Threads|RssAnon|RssFile|RssShmem)' "/proc/$daemon_pid/status" >>"$NGSYNC_BENCH_SMAPS"
  awk '/^[0-9a-f]+-[0-9a-f]+ / {r=$1; n=$6} /^Rss:/ && n == "" && $2 > 0 {print "anon " r " " $2 " kB"}' \
    "/proc/$daemon_pid/smaps" >>"$NGSYNC_BENCH_SMAPS"
fi
python3 - "$pages" "$first" "$after" "$polls" "$rss_kb" "$hwm_kb" "$anon_kb" "$file_kb" "$pss_kb" "$first_poll" <<'PY'
import sys
pages, first, after, polls, rss, hwm, anon, mapped, pss, first_poll = map(int, sys.argv[1:])
print(f"first full poll of {pages} pages: {first_poll} Notion queries (100 pages per query)")
print(f"empty poll cost:           {(after - first) / polls:.2f} Notion calls per poll ({after - first} in {polls} polls)")
print(f"idle RSS:                  {rss / 1024:.1f} MiB (high-water mark {hwm / 1024:.1f} MiB)")
print(f"idle RSS by kind:          {anon / 1024:.1f} MiB heap and stacks, {mapped / 1024:.1f} MiB mapped code and data files")
print(f"idle PSS:                  {pss / 1024:.1f} MiB (shared library pages divided among the processes that map them)")
PY

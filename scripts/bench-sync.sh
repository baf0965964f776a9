#!/usr/bin/env bash
# End-to-end sync benchmark: the real ngsync binary against the sandbox and a private Postgres.
#   scripts/bench-sync.sh [pages]            (default 2000; builds the release preset)
# 1. Limits off: initial sync of N pages with `ngsync sync-once`: pages/s, API calls per page,
#    peak RSS, CPU seconds per 1,000 pages; then an unchanged re-run (calls per unchanged page).
#    Pages carry a realistic body (17 blocks, two nested, rich text) and body sync is on
#    (NGSYNC_BENCH_BODY=false measures without it).
#    NGSYNC_BENCH_RUNS (default 3) initial syncs, each on a fresh database and sandbox; the
#    median one is reported in full, with every run's pages/s.
# 2. Limits on: the sandbox enforces Notion's 3 req/s sped up 10x (30/s) and the daemon is
#    configured with the same budget: achieved Notion rate / budget, and limit violations.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pages=${1:-2000}
preset=${NGSYNC_BENCH_PRESET:-release}
cd "$root"
bash scripts/install-deps.sh >/dev/null
cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset" --target ngsync ngsync-sandbox >/dev/null
bin=$root/build/$preset
work=$(mktemp -d /tmp/ngsync-bench-sync.XXXXXX)
chmod 755 "$work"  # the Postgres server user must reach its data directory
pgdir=$work/pg
cleanup() {
  [[ -n ${sb_pid:-} ]] && kill "$sb_pid" 2>/dev/null || true
  bash scripts/pg-private.sh destroy "$pgdir" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

scenario() {  # $1 = notion rate (0 = off), $2 = file
  python3 - "$pages" "$1" > "$2" <<'PY'
import json, sys
pages, rate = int(sys.argv[1]), float(sys.argv[2])
ds = "4f93db51-4e1d-4015-b07f-876e34c3b0b1"
# A realistic page (issue 20): 17 blocks, two of them nested, with rich text: headings, a quote,
# a code block, a to-do list, a table of contents' worth of sections. Body sync is on.
page_body = """## Why
The export endpoint times out for **large** workspaces, and *support* gets a ticket a day.
- Stream the rows instead of building the file in memory
    - keep memory under 64 MiB
- Add a `Retry-After` when the queue is full
    - the client already honours it
## What done looks like
1. An export of 100,000 rows finishes in under a minute
2. Memory stays flat during the export
- [ ] load test in staging
- [x] agree the limits with the API team
> Exports are the second most used feature after search.
```sql
SELECT id, title FROM tasks WHERE workspace_id = $1 ORDER BY id;
```
---
See the [runbook](https://example.com/runbook) for the on-call steps.
"""
print(json.dumps({
  "seed": 1,
  "notion": {
    "tokens": ["secret_bench_notion"], "bot": {"id": "40673a87-d8ed-41e0-aa55-7f0e8ace24cd", "name": "ngsync"},
    "users": [{"id": "2200a911-6a96-44bb-bd38-6bfb1e01b9f6", "name": "Ada", "email": "ada@example.com"}],
    "rate_limit": {"enabled": rate > 0, "requests_per_second": rate or 3, "burst": 6},
    "databases": [{"id": "c37a2c66-e3aa-4a0d-a447-73de3b80c253", "title": "Bench", "data_sources": [{
      "id": ds, "name": "Bench", "properties": {
        "Name": "title",
        "Status": {"type": "status", "options": ["Backlog", "Ready for Dev", "Complete"]},
        "Tags": {"type": "multi_select", "options": ["bug", "feature"]},
        "GitHub Issue Number": "number", "GitHub Issue URL": "url",
        "GitHub Sync Status": {"type": "select", "options": ["Pending", "Success", "Error"]}}}]}],
    "generate_pages": [{"data_source_id": ds, "count": pages, "title_prefix": "Task",
                        "start_time": "2026-11-01T00:00:00Z", "step_ms": 1000,
                        "properties": {"Status": "Ready for Dev", "Tags": ["feature"]},
                        "markdown": page_body}]},
  "github": {
    "users": [{"login": "ngsync-bot", "id": 900}],
    "tokens": [{"token": "ghp_benchtokenforngsync00000001", "login": "ngsync-bot"}],
    "limits": {"content_per_minute": 10000000, "content_per_hour": 10000000, "primary_per_hour": 10000000},
    "repos": [{"full_name": "acme/bench", "id": 9001, "labels": ["bug", "feature"],
               # GitHub drops labels silently unless the token has push access.
               "collaborators": ["ngsync-bot"]}]}}))
PY
}

start_sandbox() {  # $1 = scenario
  rm -f "$work/ready.json"
  "$bin/ngsync-sandbox" --scenario "$1" --ready-file "$work/ready.json" --tls-dir "$work/tls" >"$work/sandbox.log" 2>&1 &
  sb_pid=$!
  for _ in $(seq 100); do [[ -f $work/ready.json ]] && break; sleep 0.1; done
  notion=$(python3 -c "import json;print(json.load(open('$work/ready.json'))['notion']['url'])")
  github=$(python3 -c "import json;print(json.load(open('$work/ready.json'))['github']['url'])")
  control=$(python3 -c "import json;print(json.load(open('$work/ready.json'))['control']['url'])")
}

# One database thread (and connection) per core of a 2-core machine. More connections do not
# make a busy Postgres faster: with 8, Postgres spent about twice the CPU per page, because
# statements went out in smaller batches to more backends (docs/benchmarks.md).
pool_size=${NGSYNC_BENCH_POOL_SIZE:-2}

config() {  # $1 = notion rate, $2 = github rate, $3 = notion burst, $4 = github burst
  cat >"$work/ngsync.yaml" <<YAML
notion: {base_url: $notion, token_env: NOTION_TOKEN, rate_limit: {requests_per_second: $1, burst: ${3:-6}, max_concurrent: 16}}
github:
  base_url: $github
  token_env: GITHUB_TOKEN
  rate_limit: {requests_per_second: $2, burst: ${4:-50}, max_concurrent: 16}
  mutation_spacing: 0ms
  content_creation_per_minute: 10000000
  content_creation_per_hour: 10000000
http: {ca_file: $work/tls/ca.pem}
database: {url_env: DATABASE_URL, pool_size: $pool_size}
queue: {workers: 64}
logging: {level: warn}
sync:
  mappings:
    - name: bench
      notion: {database_id: c37a2c66-e3aa-4a0d-a447-73de3b80c253}
      github: {repository: acme/bench}
      properties: {labels: Tags, body: ${NGSYNC_BENCH_BODY:-true}, issue_number: GitHub Issue Number, issue_url: GitHub Issue URL, sync_status: GitHub Sync Status}
YAML
}

calls() { curl -s "$control/control/calls" | python3 -c "
import json,sys
c=json.load(sys.stdin)['counts']
n=sum(c.get('notion',{}).values()); g=sum(c.get('github',{}).values())
nw=sum(v for k,v in c.get('notion',{}).items() if k.startswith('PATCH'))
gw=sum(v for k,v in c.get('github',{}).items() if not k.startswith('GET'))
print(n, g, nw, gw)"; }

export NOTION_TOKEN=secret_bench_notion GITHUB_TOKEN=ghp_benchtokenforngsync00000001

# One initial sync with the limits off, on a fresh database and sandbox; its figures go to
# $work/run$1.txt. The sandbox stays up for the unchanged re-run after the last one.
initial_sync() {
  [[ -n ${sb_pid:-} ]] && { kill "$sb_pid"; wait "$sb_pid" 2>/dev/null || true; sb_pid=; }
  bash scripts/pg-private.sh destroy "$pgdir" >/dev/null 2>&1 || true
  DATABASE_URL=$(bash scripts/pg-private.sh start "$pgdir")
  export DATABASE_URL
  # Limits off: rates and bursts far above what the run can use (the shared budget leases what
  # 20 ms of the rate earns, up to the burst, per round trip to Postgres).
  scenario 0 "$work/off.json"; start_sandbox "$work/off.json"; config 100000 100000 1000 1000
  "$bin/ngsync" --config "$work/ngsync.yaml" migrate >/dev/null
  if [[ -n ${NGSYNC_BENCH_PERF:-} ]]; then  # a system-wide profile of the initial sync, for digging
    perf record -a -g -F 499 -o "$NGSYNC_BENCH_PERF" >/dev/null 2>&1 &
    perf_pid=$!
    sleep 0.5
  fi
  start=$(date +%s.%N)
  /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$bin/ngsync" --config "$work/ngsync.yaml" sync-once >/dev/null
  end=$(date +%s.%N)
  if [[ -n ${perf_pid:-} ]]; then
    kill -INT "$perf_pid" && wait "$perf_pid" || true
    echo "profile: $NGSYNC_BENCH_PERF (perf report -i $NGSYNC_BENCH_PERF --sort comm,dso)"
    perf_pid=
  fi
  read -r wall user sys rss_kb <"$work/time"
  read -r n g nw gw < <(calls)
  python3 - "$pages" "$wall" "$user" "$sys" "$rss_kb" "$n" "$g" "$nw" "$gw" >"$work/run$1.txt" <<'PY'
import sys
p, wall, user, sys_, rss, n, g, nw, gw = sys.argv[1:]
p, wall, cpu = int(p), float(wall), float(user) + float(sys_)
print(f"pages/s end to end:        {p / wall:.0f}  ({p} pages in {wall:.2f} s)")
print(f"API calls per page:        {(int(n) + int(g)) / p:.2f}  (notion {int(n) / p:.2f}, github {int(g) / p:.2f})")
print(f"writes per changed page:   github {int(gw) / p:.2f}, notion {int(nw) / p:.2f}")
print(f"peak RSS:                  {int(rss) / 1024:.1f} MiB")
print(f"CPU seconds / 1000 pages:  {cpu * 1000 / p:.2f}")
PY
  # Where the wall time went, from the audit log: start-up until the first query, the first
  # poll (20 query pages for 2,000 pages) until the first issue, then the syncing itself.
  psql "$DATABASE_URL" -Atc "SELECT extract(epoch FROM min(at) FILTER (WHERE api = 'notion')),
      extract(epoch FROM min(at) FILTER (WHERE api = 'github')),
      extract(epoch FROM max(at) FILTER (WHERE api = 'github')) FROM api_audit" |
    python3 -c "
import sys
first_notion, first_github, last_github = map(float, sys.stdin.read().strip().split('|'))
start, end, pages = $start, $end, $pages
sync = last_github - first_github
print(f'phases:                    start-up {first_notion - start:.2f} s, first poll until the first issue {first_github - first_notion:.2f} s, syncing {sync:.2f} s ({pages / sync:.0f} pages/s), exit {end - last_github:.2f} s')" >>"$work/run$1.txt"
  echo "run $1: $(head -1 "$work/run$1.txt" | sed 's/^pages\/s end to end: *//') pages/s end to end"
}

# The machine this runs on is shared: identical builds measure up to 30% apart from one minute
# to the next. Several runs, and the median one reported, make the figure comparable.
runs=${NGSYNC_BENCH_RUNS:-3}
echo "== limits off: initial sync of $pages pages, $runs runs =="
for i in $(seq "$runs"); do initial_sync "$i"; done
median=$(for i in $(seq "$runs"); do echo "$(awk 'NR==1 {print $5}' "$work/run$i.txt") $i"; done |
  sort -n | awk -v m=$(( (runs + 1) / 2 )) 'NR==m {print $2}')
echo "runs (pages/s end to end): $(for i in $(seq "$runs"); do awk 'NR==1 {printf "%s ", $5}' "$work/run$i.txt"; done)— the median run, run $median:"
cat "$work/run$median.txt"
read -r n0 g0 _ _ < <(calls)
"$bin/ngsync" --config "$work/ngsync.yaml" sync-once >/dev/null
read -r n1 g1 nw1 gw1 < <(calls)
echo "unchanged re-run:          notion calls $((n1 - n0)), github calls $((g1 - g0))"
kill "$sb_pid"; wait "$sb_pid" 2>/dev/null || true; sb_pid=

echo "== limits on: Notion budget 30 req/s enforced by the sandbox =="
bash scripts/pg-private.sh destroy "$pgdir" >/dev/null
DATABASE_URL=$(bash scripts/pg-private.sh start "$pgdir")
export DATABASE_URL
# The daemon keeps a smaller burst than the API allows: arrival jitter on the wire must not
# turn a compliant send rate into a burst the server counts as over the limit.
scenario 30 "$work/on.json"; start_sandbox "$work/on.json"; config 30 100000 2
"$bin/ngsync" --config "$work/ngsync.yaml" migrate >/dev/null
start=$(date +%s.%N)
"$bin/ngsync" --config "$work/ngsync.yaml" sync-once >/dev/null
end=$(date +%s.%N)
read -r n g _ _ < <(calls)
violations=$(curl -s "$control/control/violations" | python3 -c "import json,sys;print(len(json.load(sys.stdin)['violations']))")
python3 -c "
n, wall = $n, $end - $start
print(f'notion requests/s achieved: {n / wall:.1f} of a 30/s budget = {n / wall / 30:.2f}')
print(f'limit violations:           $violations')"

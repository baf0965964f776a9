#!/usr/bin/env bash
# ngsync in five minutes, on a fresh Debian 12 machine, with nothing real touched: installs the
# packages, builds, starts a private Postgres and the sandbox (emulated Notion and GitHub with a
# sample workspace: deploy/quickstart/workspace.json), writes a config and runs `ngsync run`.
# Ctrl-C stops everything it started.
#
#   scripts/quickstart.sh
#
# NGSYNC_QUICKSTART_EXIT_AFTER_SYNC=1 (or --exit-after-sync) runs non-interactively (CI): one
# `ngsync sync-once`, a check of its summary against the sandbox's state, a person's edit (a page
# moved to Complete) synced by a second run, then cleanup; exit status 0 only if everything agrees.
# NGSYNC_QUICKSTART_BIN_DIR=DIR uses the ngsync and ngsync-sandbox binaries in DIR (no build).
# NGSYNC_QUICKSTART_DIR=DIR keeps the work files (config, logs, Postgres) there.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

exit_after_sync=${NGSYNC_QUICKSTART_EXIT_AFTER_SYNC:-0}
for arg in "$@"; do
  case $arg in
    --exit-after-sync) exit_after_sync=1 ;;
    -h | --help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "quickstart: unknown argument $arg" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1mquickstart:\033[0m %s\n' "$*"; }
die() { printf 'quickstart: FAILED: %s\n' "$*" >&2; exit 1; }

# ---- 1. packages and binaries ------------------------------------------------------------------
NGSYNC_DEPS=runtime bash scripts/install-deps.sh  # not the test-only tools

if [[ -n ${NGSYNC_QUICKSTART_BIN_DIR:-} ]]; then
  bin=$NGSYNC_QUICKSTART_BIN_DIR
else
  # Reuse an existing build (incremental); otherwise configure the release preset.
  preset=release
  if [[ ! -f build/release/build.ninja && -f build/debug/build.ninja ]]; then preset=debug; fi
  if [[ ! -f build/$preset/build.ninja ]]; then
    say "configuring (cmake --preset $preset)"
    cmake --preset "$preset" >/dev/null
  fi
  say "building ngsync and ngsync-sandbox (build/$preset; the first build takes a few minutes)"
  cmake --build "build/$preset" --target ngsync ngsync-sandbox
  bin=$root/build/$preset
fi
[[ -x $bin/ngsync && -x $bin/ngsync-sandbox ]] || die "no ngsync / ngsync-sandbox in $bin"

# ---- 2. work directory and cleanup -------------------------------------------------------------
work=${NGSYNC_QUICKSTART_DIR:-}
work_is_temp=0
if [[ -z $work ]]; then work=$(mktemp -d /tmp/ngsync-quickstart.XXXXXX) work_is_temp=1; fi
mkdir -p "$work"
chmod 755 "$work"  # Postgres runs as its own user when we are root: it must reach $work/pg
sandbox_pid="" ngsync_pid="" tail_pid="" pg_started=0
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  # Only the processes this script started, by their pid.
  if [[ -n $ngsync_pid ]] && kill -0 "$ngsync_pid" 2>/dev/null; then
    kill -TERM "$ngsync_pid" 2>/dev/null || true
    wait "$ngsync_pid" 2>/dev/null || true
  fi
  if [[ -n $tail_pid ]]; then kill "$tail_pid" 2>/dev/null || true; fi
  if [[ -n $sandbox_pid ]] && kill -0 "$sandbox_pid" 2>/dev/null; then
    kill -TERM "$sandbox_pid" 2>/dev/null || true
    wait "$sandbox_pid" 2>/dev/null || true
  fi
  if ((pg_started)); then bash scripts/pg-private.sh destroy "$work/pg" >/dev/null 2>&1 || true; fi
  if ((work_is_temp && rc == 0)) && [[ $exit_after_sync == 1 ]]; then
    rm -rf "$work"
    say "stopped the sandbox and Postgres"
  else
    say "stopped ngsync, the sandbox and Postgres (work files: $work)"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---- 3. Postgres and the sandbox ---------------------------------------------------------------
say "starting a private Postgres in $work/pg"
pg_started=1
DATABASE_URL=$(bash scripts/pg-private.sh start "$work/pg")
export DATABASE_URL

say "starting the sandbox (emulated Notion and GitHub) with deploy/quickstart/workspace.json"
rm -f "$work/sandbox.json"
setsid "$bin/ngsync-sandbox" --scenario deploy/quickstart/workspace.json --tls-dir "$work/tls" \
  --ready-file "$work/sandbox.json" >"$work/sandbox.log" 2>&1 &
sandbox_pid=$!
for _ in $(seq 1 100); do
  [[ -s $work/sandbox.json ]] && break
  kill -0 "$sandbox_pid" 2>/dev/null || die "the sandbox exited: $(tail -5 "$work/sandbox.log")"
  sleep 0.1
done
[[ -s $work/sandbox.json ]] || die "the sandbox did not become ready"
field() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval("d"+sys.argv[2]))' "$work/sandbox.json" "$1"; }
notion_url=$(field '["notion"]["url"]')
github_url=$(field '["github"]["url"]')
control=$(field '["control"]["url"]')
ca_file=$(field '["ca_file"]')

# ---- 4. the configuration ----------------------------------------------------------------------
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
poll=5s
sed -e "s|@NOTION_URL@|$notion_url|" -e "s|@GITHUB_URL@|$github_url|" -e "s|@CA_FILE@|$ca_file|" \
  -e "s|@LISTEN_PORT@|$port|" -e "s|@POLL_INTERVAL@|$poll|" \
  deploy/quickstart/ngsync.yaml.in >"$work/ngsync.yaml"
export NGSYNC_CONFIG=$work/ngsync.yaml
# The sandbox's fake tokens (deploy/quickstart/workspace.json); real ones come from your secret store.
export NOTION_TOKEN=secret_quickstart_notion_token
export GITHUB_TOKEN=ghp_quickstarttokenforngsync01
"$bin/ngsync" check-config >/dev/null || die "the generated config is invalid: $work/ngsync.yaml"
"$bin/ngsync" setup-notion || die "the sample workspace lacks properties (ngsync setup-notion)"

# Compares a sync-once summary with what the sandbox holds; prints the verdict, fails on mismatch.
verify() {
  local summary_file=$1 expect_closed=$2
  curl -fsS "$control/control/state" >"$work/state.json"
  python3 - "$summary_file" "$work/state.json" "$expect_closed" <<'PY'
import json, re, sys
summary = open(sys.argv[1]).read()
state = json.load(open(sys.argv[2]))
expect_closed = int(sys.argv[3])
m = re.search(r"issues created=(\d+) adopted=(\d+) updated=(\d+) closed=(\d+) reopened=(\d+); "
              r"pages written back=(\d+) in error=(\d+)", summary)
if not m:
    sys.exit("no sync-once summary line in:\n" + summary)
created, adopted, updated, closed, reopened, written, errors = map(int, m.groups())
repo = next(r for r in state["emulators"]["github"]["repos"] if r["full_name"] == "acme/roadmap")
issues = {i["number"]: i for i in repo["issues"]}
marker = re.compile(r"<!-- Notion-Page-ID: ([0-9a-f-]+)")
by_page = {}
for i in issues.values():
    found = marker.search(i.get("body") or "")
    if found:
        by_page.setdefault(found.group(1).replace("-", ""), []).append(i)
pages = state["emulators"]["notion"]["pages"]
problems = []
dupes = {p: len(v) for p, v in by_page.items() if len(v) > 1}
if dupes:
    problems.append(f"duplicate issues for pages {dupes}")
linked = 0
for p in pages:
    props = p["properties"]
    number = props["GitHub Issue Number"]["number"]
    status = (props["Status"]["status"] or {}).get("name")
    sync = (props["GitHub Sync Status"]["select"] or {}).get("name")
    mine = by_page.get(p["id"].replace("-", ""), [])
    if status in ("Ready for Dev", "In Progress") and not mine:
        problems.append(f"page {p['id']} ({status}) has no issue")
    if number is None:
        continue
    linked += 1
    issue = issues.get(int(number))
    if not issue or issue not in mine:
        problems.append(f"page {p['id']} points at #{number}, which is not its issue")
        continue
    if sync != "Success":
        problems.append(f"page {p['id']}: sync status {sync}")
    if props["GitHub Issue URL"]["url"] != issue["html_url"]:
        problems.append(f"page {p['id']}: URL {props['GitHub Issue URL']['url']} != {issue['html_url']}")
    want_state = "closed" if status in ("Complete", "Won't do") else "open"
    if issue["state"] != want_state:
        problems.append(f"#{number} is {issue['state']}, page is {status}")
marked = sum(len(v) for v in by_page.values())
if expect_closed == 0 and created != marked:
    problems.append(f"summary says {created} created, the repository has {marked} synced issues")
if expect_closed == 0 and written < linked:
    problems.append(f"summary says {written} pages written back, {linked} pages carry a number")
if closed != expect_closed:
    problems.append(f"summary says {closed} closed, expected {expect_closed}")
if errors:
    problems.append(f"{errors} pages in error")
print(f"  sandbox: {marked} synced issues in acme/roadmap ({len(issues) - marked} made by people), "
      f"{linked} of {len(pages)} pages linked")
if problems:
    print("  MISMATCH:\n   - " + "\n   - ".join(problems))
    sys.exit(1)
print("  summary matches the sandbox")
PY
}

# ---- 5a. non-interactive: sync, check, act as a person, sync, check ----------------------------
if [[ $exit_after_sync == 1 ]]; then
  say "ngsync sync-once (first full sync)"
  "$bin/ngsync" sync-once >"$work/sync1.out" 2>"$work/sync1.log" || {
    tail -20 "$work/sync1.log"; die "sync-once failed"; }
  cat "$work/sync1.out"
  verify "$work/sync1.out" 0 || die "the first sync's summary does not match the sandbox"

  page=a2000000-0000-4000-8000-000000000001
  say "acting as Ada in Notion: moving 'Fix login redirect loop' to Complete"
  curl -fsS -X POST "$control/control/act" -H 'Content-Type: application/json' \
    -d "{\"api\":\"notion\",\"action\":\"edit_page\",\"args\":{\"page_id\":\"$page\",\"properties\":{\"Status\":\"Complete\"}}}" \
    >/dev/null
  "$bin/ngsync" sync-once >"$work/sync2.out" 2>"$work/sync2.log" || {
    tail -20 "$work/sync2.log"; die "the second sync-once failed"; }
  cat "$work/sync2.out"
  verify "$work/sync2.out" 1 || die "the second sync's summary does not match the sandbox"

  # Trash and restore with the shipped defaults (close_on_trash), sync-once only: the poll's
  # in_trash query sees the trash without reconcile or webhooks.
  issue_state() {  # issue_state PAGE -> "NUMBER STATE STATE_REASON" of the page's issue
    curl -fsS "$control/control/state" | python3 -c '
import json, sys
page = sys.argv[1]
s = json.load(sys.stdin)
p = next(p for p in s["emulators"]["notion"]["pages"] if p["id"] == page)
n = int(p["properties"]["GitHub Issue Number"]["number"])
repo = next(r for r in s["emulators"]["github"]["repos"] if r["full_name"] == "acme/roadmap")
i = next(i for i in repo["issues"] if i["number"] == n)
print(n, i["state"], i.get("state_reason") or "-")' "$1"
  }
  trashed=a2000000-0000-4000-8000-000000000003
  say "acting as Ada in Notion: trashing 'Write the on-call runbook', then restoring it"
  act_notion() {
    curl -fsS -X POST "$control/control/act" -H 'Content-Type: application/json' \
      -d "{\"api\":\"notion\",\"action\":\"$1\",\"args\":{\"page_id\":\"$trashed\"}}" >/dev/null
  }
  read -r n state _ < <(issue_state $trashed) || die "page $trashed has no issue to trash"
  act_notion trash_page
  "$bin/ngsync" sync-once >"$work/sync3.out" 2>"$work/sync3.log" || die "sync-once after the trash failed"
  read -r n state reason < <(issue_state $trashed)
  [[ $state == closed && $reason == not_planned ]] ||
    die "trashed page: issue #$n is $state ($reason), expected closed as not_planned"
  say "  #$n closed as not_planned"
  act_notion restore_page
  "$bin/ngsync" sync-once >"$work/sync4.out" 2>"$work/sync4.log" || die "sync-once after the restore failed"
  read -r n state reason < <(issue_state $trashed)
  [[ $state == open ]] || die "restored page: issue #$n is $state, expected open again"
  say "  #$n reopened"
  say "OK: the quickstart synced the sample workspace and the summaries match the sandbox"
  exit 0
fi

# ---- 5b. interactive: the daemon, until Ctrl-C -------------------------------------------------
# setsid: Ctrl-C reaches only this script, whose trap then stops the daemon with one SIGTERM
# (a second signal would make ngsync exit at once instead of finishing its jobs).
setsid "$bin/ngsync" run >"$work/ngsync.log" 2>&1 &
ngsync_pid=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 "$ngsync_pid" 2>/dev/null || die "ngsync exited: $(tail -5 "$work/ngsync.log")"
  sleep 0.2
done
cat <<EOF

  ngsync is running against the sandbox (Ctrl-C stops everything).
    health:   curl http://127.0.0.1:$port/healthz
    ready:    curl http://127.0.0.1:$port/readyz
    metrics:  curl http://127.0.0.1:$port/metrics
    status:   NGSYNC_CONFIG=$work/ngsync.yaml DATABASE_URL='$DATABASE_URL' $bin/ngsync status
    config:   $work/ngsync.yaml      logs: $work/ngsync.log

  Act as a person in the sandbox, then watch the log (polls every $poll):
    # Ada moves a page to Complete in Notion -> ngsync closes its issue
    curl -s -X POST $control/control/act -H 'Content-Type: application/json' \\
      -d '{"api":"notion","action":"edit_page","args":{"page_id":"a2000000-0000-4000-8000-000000000001","properties":{"Status":"Complete"}}}'
    # a Backlog page becomes Ready for Dev -> ngsync opens an issue
    curl -s -X POST $control/control/act -H 'Content-Type: application/json' \\
      -d '{"api":"notion","action":"edit_page","args":{"page_id":"a2000000-0000-4000-8000-000000000002","properties":{"Status":"Ready for Dev"}}}'
    # someone closes an issue on GitHub (mirrored to Notion once two-way sync is enabled)
    curl -s -X POST $control/control/act -H 'Content-Type: application/json' \\
      -d '{"api":"github","action":"close_issue","args":{"repo":"acme/roadmap","number":4,"as":"ada-l"}}'
    # what the sandbox holds now
    curl -s $control/control/state | python3 -m json.tool | less

EOF
tail -n +1 -f "$work/ngsync.log" &
tail_pid=$!
wait "$ngsync_pid" || true

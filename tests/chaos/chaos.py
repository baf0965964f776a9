#!/usr/bin/env python3
"""The chaos harness: drives the real `ngsync run` against the real `ngsync-sandbox` and a private
Postgres while people edit both sides, the daemon is SIGKILLed and restarted, Postgres goes away
and the APIs misbehave; then lets the daemon settle and checks that nothing was lost or duplicated.

    tests/chaos/chaos.py --short|--long|--crash [--seed N] [--pages N] [--keep DIR]

Standard library only. See docs/chaos.md for what it does and what it checks.
"""
import argparse
import json
import os
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

DATA_SOURCE = "4f93db51-4e1d-4015-b07f-876e34c3b0b1"
DATABASE = "c37a2c66-e3aa-4a0d-a447-73de3b80c253"
REPO = "acme/roadmap"
NOTION_TOKEN = "secret_chaos_notion_token"
GITHUB_TOKEN = "ghp_chaostokenforngsync000001"
HOOK_SECRET = "chaos-hook-secret"
STATUSES = ["Backlog", "Ready for Dev", "In Progress", "Complete", "Won't do"]
CREATE = {"Ready for Dev", "In Progress"}
CLOSE = {"Complete": "completed", "Won't do": "not_planned"}
TAGS = ["bug", "feature", "docs", "ops", "ux"]
USERS = [  # Notion person -> GitHub login (None: unmapped, skipped by the daemon)
    ("2200a911-6a96-44bb-bd38-6bfb1e01b9f6", "Ada", "ada@example.com", "ada-l"),
    ("3300a911-6a96-44bb-bd38-6bfb1e01b9f7", "Grace", "grace@example.com", "grace-h"),
    ("4400a911-6a96-44bb-bd38-6bfb1e01b9f8", "Linus", "linus@example.com", None),
]
IN_FLIGHT_MS = 200  # see classify_violations
CRASH_SETTLE_TARGET_S = 90  # --crash: from the restart after the last kill to every page converged
MARKER = re.compile(r"<!-- Notion-Page-ID: ([0-9a-fA-F-]+) -->")
# A link's error that says a person reopened the issue of a trashed page carries the typed flag
# page_links.trash_reopened (migration 0017); link_errors() marks those with this prefix.
TRASHED_REOPENED = "[trash_reopened] "

FORMS = {
    # pages, chaos seconds, kills, outages (count, min s, max s), fault level, reconcile interval,
    # gap between person edits (None: no edits), the daemon's queue settings ("chaos": short
    # lease and backoff; "defaults": the shipped ones, lease 60 s, backoff 2 s to 10 min)
    "short": dict(pages=60, chaos_s=70, kills=3, outages=1, outage_s=(10, 10), faults="light",
                  settle_s=180, reconcile="15s", edit_gap=(0.3, 0.9), queue="chaos"),
    "long": dict(pages=300, chaos_s=600, kills=22, outages=4, outage_s=(10, 30), faults="full",
                 settle_s=300, reconcile="30s", edit_gap=(0.15, 0.6), queue="chaos"),
    # Crash recovery alone: the first sync of 300 pages under the sandbox's Notion limit (30
    # req/s, Notion's 3 req/s sped up 10x) and GitHub's creation windows sped up 10x too (800 a
    # minute, 5,000 an hour, so Notion is the bottleneck), while the daemon is SIGKILLed 20
    # times; no edits, no outages, no faults, the shipped queue settings. What it measures is
    # the settle time after the last kill (docs/chaos.md).
    "crash": dict(pages=300, chaos_s=60, kills=20, outages=0, outage_s=(0, 0), faults=None,
                  settle_s=900, reconcile=None, edit_gap=None, queue="defaults",
                  content_limits=(800, 5000)),
}


def say(*a):
    print("chaos:", *a, flush=True)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class harness:
    def __init__(self, args):
        self.args = args
        self.form = dict(FORMS[args.form])
        if args.pages:
            self.form["pages"] = args.pages
        if args.chaos_seconds:
            self.form["chaos_s"] = args.chaos_seconds
        if args.kills is not None:
            self.form["kills"] = args.kills
        self.seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 2**31)
        self.rng = random.Random(self.seed)
        build = args.build_dir or os.environ.get("NGSYNC_BUILD_DIR") or os.path.join(ROOT, "build", "debug")
        self.ngsync = self.find_binary(build, "ngsync")
        self.sandbox_bin = self.find_binary(build, "ngsync-sandbox")
        self.work = args.keep or tempfile.mkdtemp(prefix="ngsync-chaos.")
        os.makedirs(self.work, exist_ok=True)
        os.chmod(self.work, 0o755)  # Postgres may run as its own user
        self.pg_dir = os.path.join(self.work, "pg")
        self.sandbox_proc = None
        self.daemon_proc = None
        self.daemon_log = None
        self.pg_up = False
        self.figures = {"kills": 0, "pg_outages": 0, "pg_outage_s": 0.0, "fault_windows": 0,
                        "notion_edits": 0, "github_edits": 0, "edit_errors": 0}
        self.restart_pending = False  # a kill happened; the next start is a restart
        self.last_restart = None      # monotonic time of the restart after the last kill
        self.converged_at = None      # first time queue empty and every page agreeing after it
        self.events = []  # (t, what) for the report and reproduction
        self.t0 = time.monotonic()

    # ---- plumbing --------------------------------------------------------------------------
    @staticmethod
    def find_binary(build, name):
        for cand in (os.path.join(build, name), os.path.join(build, "daemon", name),
                     os.path.join(build, "tests", "sandbox", name)):
            if os.access(cand, os.X_OK) and os.path.isfile(cand):
                return cand
        sys.exit(f"chaos: no {name} under {build} (build the ngsync and ngsync-sandbox targets)")

    def log_event(self, what):
        t = time.monotonic() - self.t0
        self.events.append((round(t, 1), what))
        say(f"[{t:6.1f}s] {what}")

    def control(self, method, path, body=None, timeout=30):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.control_url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return json.loads(r.read() or b"null")

    def act(self, api, action, args):
        with open(os.path.join(self.work, "actions.jsonl"), "a") as f:
            f.write(json.dumps({"t": round(time.monotonic() - self.t0, 2), "at": time.strftime("%H:%M:%S"),
                                "api": api, "action": action, "args": args}) + "\n")
        return self.control("POST", "/control/act", {"api": api, "action": action, "args": args})

    def pg(self, cmd):
        r = subprocess.run(["bash", os.path.join(ROOT, "scripts", "pg-private.sh"), cmd, self.pg_dir],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise RuntimeError(f"pg-private.sh {cmd}: {r.stderr.strip()}")
        return r.stdout.strip()

    def psql(self, sql):
        psql = "/usr/lib/postgresql/15/bin/psql"
        if not os.path.exists(psql):
            psql = "psql"
        r = subprocess.run([psql, self.db_url, "-X", "-A", "-t", "-F", "\t", "-c", sql],
                           capture_output=True, text=True, timeout=60)
        if r.returncode != 0:
            raise RuntimeError(f"psql: {r.stderr.strip()}")
        return [line.split("\t") for line in r.stdout.splitlines() if line]

    def env(self):
        e = dict(os.environ)
        e.update(NOTION_TOKEN=NOTION_TOKEN, GITHUB_TOKEN=GITHUB_TOKEN, DATABASE_URL=self.db_url,
                 CHAOS_HOOK_SECRET=HOOK_SECRET)
        return e

    # ---- setup -----------------------------------------------------------------------------
    def scenario(self):
        rng = random.Random(self.seed * 7 + 1)
        pages = []
        for i in range(self.form["pages"]):
            status = rng.choices(STATUSES, weights=[20, 35, 20, 15, 10])[0]
            props = {"Name": f"Chaos page {i + 1}", "Status": status,
                     "Tags": rng.sample(TAGS, rng.randint(0, 3)),
                     "Assignees": [u[0] for u in rng.sample(USERS, rng.randint(0, 2))]}
            pages.append({"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                          "data_source_id": DATA_SOURCE, "properties": props,
                          "created_time": "2026-11-01T10:00:00Z",
                          "last_edited_time": "2026-11-01T10:00:00Z",
                          "markdown": f"Page {i + 1} of the chaos run.\n\n- item one\n- item two"})
        return {
            "seed": self.seed,
            "notion": {
                "tokens": [NOTION_TOKEN],
                "bot": {"id": "40673a87-d8ed-41e0-aa55-7f0e8ace24cd", "name": "ngsync"},
                "users": [{"id": u[0], "name": u[1], "email": u[2]} for u in USERS],
                # Real limits, a little above the daemon's configured budget.
                "rate_limit": {"enabled": True, "requests_per_second": 30, "burst": 30},
                "databases": [{"id": DATABASE, "title": "Roadmap", "data_sources": [{
                    "id": DATA_SOURCE, "name": "Roadmap",
                    "properties": {
                        "Name": "title",
                        "Status": {"type": "status", "options": STATUSES},
                        "Tags": {"type": "multi_select", "options": TAGS},
                        "Assignees": "people",
                        "GitHub Issue Number": "number",
                        "GitHub Issue URL": "url",
                        "GitHub Sync Status": {"type": "select", "options": ["Pending", "Success", "Error"]},
                        "Last GitHub Sync At": "date",
                        "GitHub Sync Error": "rich_text"}}]}],
                "pages": pages,
            },
            "github": {
                "users": [{"login": "ngsync-bot", "id": 900}, {"login": "ada-l", "id": 901},
                          {"login": "grace-h", "id": 902}],
                "tokens": [{"token": GITHUB_TOKEN, "login": "ngsync-bot"}],
                "repos": [{"full_name": REPO, "id": 9001,
                           "collaborators": ["ngsync-bot", "ada-l", "grace-h"], "labels": TAGS}],
                "hooks": [{"id": 555, "url": f"http://127.0.0.1:{self.daemon_port}/webhooks/github",
                           "secret": HOOK_SECRET, "events": ["issues"], "repo": REPO}],
                # GitHub's real secondary limits; a generous primary one (the run is short).
                "limits": {"primary_per_hour": 100000,
                           "content_per_minute": self.content_limits()[0],
                           "content_per_hour": self.content_limits()[1]},
            },
        }

    def content_limits(self):
        """GitHub's content-creation windows (per minute, per hour): the real ones unless the
        form speeds them up (then the sandbox and the daemon both use the faster ones)."""
        return self.form.get("content_limits") or (80, 500)

    def config(self):
        queue = ("  lease: 10s\n  max_attempts: 10\n  backoff_base: 200ms\n  backoff_max: 5s\n"
                 if self.form["queue"] == "chaos" else "")
        reconcile = (f"  reconcile_interval: {self.form['reconcile']}\n" if self.form["reconcile"] else "")
        content = ""
        if self.form.get("content_limits"):
            content = (f"  content_creation_per_minute: {self.content_limits()[0]}\n"
                       f"  content_creation_per_hour: {self.content_limits()[1]}\n")
        return f"""# written by tests/chaos/chaos.py (seed {self.seed})
notion:
  base_url: {self.notion_url}
  token_env: NOTION_TOKEN
  rate_limit: {{requests_per_second: 20, burst: 10, max_concurrent: 4}}
github:
  base_url: {self.github_url}
  token_env: GITHUB_TOKEN
  own_login: ngsync-bot
  rate_limit: {{requests_per_second: 20, burst: 10, max_concurrent: 4}}
  mutation_spacing: 20ms
{content}
http:
  ca_file: {self.ca_file}
  request_timeout: 5s
  connect_timeout: 3s
database:
  url_env: DATABASE_URL
  pool_size: 4
server:
  listen: 127.0.0.1:{self.daemon_port}
  github_webhook_secret_env: CHAOS_HOOK_SECRET
queue:
  workers: 4
{queue}sync:
  poll_interval: 2s
{reconcile}  mappings:
    - name: roadmap
      notion: {{database_id: {DATABASE}}}
      github: {{repository: {REPO}}}
      properties:
        title: Name
        status: Status
        labels: Tags
        assignees: Assignees
        issue_number: GitHub Issue Number
        issue_url: GitHub Issue URL
        sync_status: GitHub Sync Status
        last_sync_at: Last GitHub Sync At
        sync_error: GitHub Sync Error
      status:
        create: ["Ready for Dev", "In Progress"]
        close: {{Complete: completed, "Won't do": not_planned}}
        reopen_to: In Progress
      users:
        ada@example.com: ada-l
        3300a911-6a96-44bb-bd38-6bfb1e01b9f7: grace-h
logging:
  level: info
"""

    def start(self):
        say(f"seed={self.seed} form={self.args.form} pages={self.form['pages']} work={self.work}")
        say(f"reproduce: scripts/chaos.sh --{self.args.form} --seed {self.seed}"
            + (f" --pages {self.args.pages}" if self.args.pages else ""))
        self.db_url = self.pg("start")
        self.pg_up = True
        self.daemon_port = free_port()
        scen = os.path.join(self.work, "scenario.json")
        with open(scen, "w") as f:
            json.dump(self.scenario(), f)
        ready = os.path.join(self.work, "sandbox.json")
        self.sandbox_proc = subprocess.Popen(
            [self.sandbox_bin, "--scenario", scen, "--ready-file", ready,
             "--tls-dir", os.path.join(self.work, "tls")],
            stdout=open(os.path.join(self.work, "sandbox.log"), "w"), stderr=subprocess.STDOUT)
        for _ in range(200):
            if os.path.exists(ready):
                break
            if self.sandbox_proc.poll() is not None:
                sys.exit("chaos: the sandbox exited: " + open(os.path.join(self.work, "sandbox.log")).read()[-2000:])
            time.sleep(0.05)
        r = json.load(open(ready))
        self.notion_url, self.github_url = r["notion"]["url"], r["github"]["url"]
        self.control_url, self.ca_file = r["control"]["url"], r["ca_file"]
        self.config_path = os.path.join(self.work, "ngsync.yaml")
        with open(self.config_path, "w") as f:
            f.write(self.config())
        self.daemon_log = open(os.path.join(self.work, "ngsync.log"), "a")
        self.start_daemon()

    def start_daemon(self):
        if self.restart_pending:
            self.restart_pending = False
            self.last_restart = time.monotonic()
        self.daemon_log.write(f"\n===== chaos: daemon start at {time.monotonic() - self.t0:.1f}s =====\n")
        self.daemon_log.flush()
        self.daemon_proc = subprocess.Popen([self.ngsync, "--config", self.config_path, "run"],
                                            env=self.env(), stdout=self.daemon_log,
                                            stderr=subprocess.STDOUT)

    def kill_daemon(self):
        if self.daemon_proc and self.daemon_proc.poll() is None:
            self.daemon_proc.send_signal(signal.SIGKILL)
            self.daemon_proc.wait()
            self.restart_pending = True

    def stop_daemon(self):
        if self.daemon_proc and self.daemon_proc.poll() is None:
            self.daemon_proc.send_signal(signal.SIGTERM)
            try:
                self.daemon_proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.daemon_proc.kill()
                self.daemon_proc.wait()

    def ensure_daemon(self):
        """Restarts a daemon that exited on its own (counted: it should not happen)."""
        if self.daemon_proc.poll() is not None:
            self.figures["unexpected_exits"] = self.figures.get("unexpected_exits", 0) + 1
            self.log_event(f"daemon exited by itself (status {self.daemon_proc.returncode}); restarting")
            self.start_daemon()

    def stop(self):
        if self.daemon_proc and self.daemon_proc.poll() is None:
            self.daemon_proc.send_signal(signal.SIGTERM)
            try:
                self.daemon_proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.daemon_proc.kill()
                self.daemon_proc.wait()
        if self.sandbox_proc and self.sandbox_proc.poll() is None:
            self.sandbox_proc.send_signal(signal.SIGTERM)
            try:
                self.sandbox_proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.sandbox_proc.kill()
        try:
            self.pg("destroy" if not self.args.keep else "stop")
        except Exception as e:  # noqa: BLE001 - cleanup must go on
            say("cleanup:", e)

    # ---- what the sandbox holds ------------------------------------------------------------
    def state(self):
        s = self.control("GET", "/control/state", timeout=60)
        pages = [p for p in s["emulators"]["notion"]["pages"] if p.get("parent", {}).get("data_source_id", DATA_SOURCE) == DATA_SOURCE]
        repo = next(r for r in s["emulators"]["github"]["repos"] if r["full_name"] == REPO)
        return pages, repo["issues"]

    @staticmethod
    def prop(page, name):
        v = page["properties"][name]
        t = v["type"]
        inner = v[t]
        if t in ("select", "status"):
            return inner["name"] if inner else None
        if t in ("title", "rich_text"):
            return "".join(x["plain_text"] for x in inner)
        if t == "multi_select":
            return sorted(x["name"] for x in inner)
        if t == "people":
            return sorted(x["id"] for x in inner)
        return inner

    @staticmethod
    def trashed(page):
        return bool(page.get("in_trash") or page.get("archived"))

    # ---- the chaos -------------------------------------------------------------------------
    def person_edit(self, pages, issues):
        rng = self.rng
        live = [p for p in pages if not self.trashed(p)]
        marked = [i for i in issues if MARKER.search(i.get("body") or "")]
        roll = rng.random()
        who = rng.choice(USERS)[0]
        if roll < 0.62 or not marked:
            if not live:
                return
            p = rng.choice(live)
            pid = p["id"]
            r2 = rng.random()
            if r2 < 0.45:
                props, what = {"Status": rng.choice(STATUSES)}, "status"
            elif r2 < 0.60:
                props, what = {"Name": f"Chaos page {rng.randint(1, 10**6)} edited"}, "title"
            elif r2 < 0.75:
                props, what = {"Tags": rng.sample(TAGS, rng.randint(0, 3))}, "labels"
            elif r2 < 0.88:
                props, what = {"Assignees": [u[0] for u in rng.sample(USERS, rng.randint(0, 2))]}, "assignees"
            elif r2 < 0.95:
                self.act("notion", "trash_page", {"page_id": pid, "by": who})
                self.figures["notion_edits"] += 1
                self.figures["notion_trash"] = self.figures.get("notion_trash", 0) + 1
                return
            else:
                gone = [q for q in pages if self.trashed(q)]
                if gone:
                    self.act("notion", "restore_page", {"page_id": rng.choice(gone)["id"], "by": who})
                    self.figures["notion_edits"] += 1
                return
            self.act("notion", "edit_page", {"page_id": pid, "properties": props, "by": who})
            self.figures["notion_edits"] += 1
            self.figures["notion_" + what] = self.figures.get("notion_" + what, 0) + 1
        else:
            i = rng.choice(marked)
            n = i["number"]
            as_ = rng.choice(["ada-l", "grace-h"])
            r2 = rng.random()
            if r2 < 0.35:
                args, action = {"number": n, "reason": rng.choice(["completed", "not_planned"])}, "close_issue"
            elif r2 < 0.6:
                args, action = {"number": n}, "reopen_issue"
            elif r2 < 0.75:
                args, action = {"number": n, "title": f"Renamed on GitHub {rng.randint(1, 10**6)}"}, "edit_issue"
            elif r2 < 0.9:
                args, action = {"number": n, "labels": rng.sample(TAGS, rng.randint(0, 2))}, "edit_issue"
            else:
                args, action = {"number": n, "assignees": rng.sample(["ada-l", "grace-h"], rng.randint(0, 2))}, "edit_issue"
            args.update(repo=REPO, **{"as": as_})
            self.act("github", action, args)
            self.figures["github_edits"] += 1
            key = "github_" + (action if action != "edit_issue" else "edit_" + [k for k in args if k in ("title", "labels", "assignees")][0])
            self.figures[key] = self.figures.get(key, 0) + 1

    def fault_rules(self, rng):
        light = self.form["faults"] == "light"
        rules = [{"api": "*", "error_rate": 0.03 if light else 0.05, "error_status": rng.choice([500, 502, 503])},
                 {"api": "*", "reset_rate": 0.01 if light else 0.02},
                 {"api": rng.choice(["notion", "github"]), "latency_ms": rng.choice([100, 300, 800])}]
        if rng.random() < 0.5:
            rules.append({"api": "notion", "burst_429": rng.randint(1, 3), "retry_after_s": rng.randint(1, 3)})
        else:
            rules.append({"api": "github", "burst_429": rng.randint(1, 3), "retry_after_s": rng.randint(1, 3)})
        return rules

    def plan(self):
        """When each disruption happens, drawn up front from the seed."""
        # A generator of its own: the disruptions are the same for a seed whatever the edits drew.
        d, rng = self.form["chaos_s"], random.Random(self.seed * 13 + 5)
        kills = sorted(rng.uniform(5, d - 5) for _ in range(self.form["kills"]))
        self.kill_downtimes = [rng.uniform(0.2, 3.0) for _ in kills]
        outages = []
        for k in range(self.form["outages"]):
            lo, hi = self.form["outage_s"]
            start = d * (k + 0.3) / self.form["outages"] + rng.uniform(-3, 3)
            outages.append((start, rng.uniform(lo, hi)))
        faults = []
        t = rng.uniform(3, 8) if self.form["faults"] else d
        while t < d - 5:
            length = rng.uniform(5, 15)
            faults.append((t, min(length, d - t), self.fault_rules(rng)))
            t += length + rng.uniform(5, 15)
        return kills, outages, faults

    def chaos(self):
        kills, outages, faults = self.plan()
        self.log_event(f"chaos for {self.form['chaos_s']}s: {len(kills)} kills at {[round(k) for k in kills]}, "
                       f"outages {[(round(a), round(b)) for a, b in outages]}, {len(faults)} fault windows")
        start = time.monotonic()
        pages, issues = self.state()
        last_state = time.monotonic()
        pg_back_at = None
        daemon_back_at = None
        fault_until = None
        last_probe = 0.0
        while True:
            now = time.monotonic() - start
            if now >= self.form["chaos_s"]:
                break
            if kills and now >= kills[0]:
                kills.pop(0)
                self.kill_daemon()
                self.figures["kills"] += 1
                down = self.kill_downtimes[self.figures["kills"] - 1]
                daemon_back_at = now + down
                self.log_event(f"SIGKILL daemon (#{self.figures['kills']}), restart in {down:.1f}s")
            if daemon_back_at is not None and now >= daemon_back_at:
                daemon_back_at = None
                self.start_daemon()
            elif daemon_back_at is None:
                self.ensure_daemon()
            if outages and now >= outages[0][0] and pg_back_at is None:
                _, length = outages.pop(0)
                self.pg("stop")
                self.pg_up = False
                self.figures["pg_outages"] += 1
                self.figures["pg_outage_s"] += round(length, 1)
                pg_back_at = now + length
                self.log_event(f"Postgres stopped for {length:.0f}s")
            if pg_back_at is not None and now >= pg_back_at:
                self.pg("start")
                self.pg_up = True
                pg_back_at = None
                self.log_event("Postgres started")
            if faults and now >= faults[0][0] and fault_until is None:
                _, length, rules = faults.pop(0)
                self.control("POST", "/control/faults", {"rules": rules})
                self.figures["fault_windows"] += 1
                fault_until = now + length
                self.log_event(f"faults on for {length:.0f}s: {json.dumps(rules)}")
            if fault_until is not None and now >= fault_until:
                self.control("DELETE", "/control/faults")
                fault_until = None
                self.log_event("faults off")
            if time.monotonic() - last_state > 3:
                pages, issues = self.state()
                last_state = time.monotonic()
            if not self.form["edit_gap"]:
                if not kills and time.monotonic() - last_probe >= 1:
                    last_probe = time.monotonic()
                    self.probe_convergence()
                time.sleep(0.1)
                continue
            try:
                self.person_edit(pages, issues)
            except urllib.error.HTTPError as e:  # e.g. editing a page trashed meanwhile
                self.figures["edit_errors"] += 1
                say("person edit refused:", e.code, e.read()[:200])
            time.sleep(self.rng.uniform(*self.form["edit_gap"]))
        # Everything back to normal before settling.
        self.control("DELETE", "/control/faults")
        if not self.pg_up:
            self.pg("start")
            self.pg_up = True
            self.log_event("Postgres started")
        if daemon_back_at is not None or self.daemon_proc.poll() is not None:
            self.start_daemon()
        self.log_event("edits and faults stopped; settling")

    # ---- settling --------------------------------------------------------------------------
    def waiting_jobs(self):
        rows = self.psql("SELECT count(*) FROM jobs WHERE state IN ('available','retryable','running')")
        return int(rows[0][0])

    def write_calls(self):
        c = self.control("GET", "/control/calls", timeout=60)
        n = 0
        for api in c.get("counts", {}).values():
            for k, v in api.items():
                if not k.startswith("GET ") and "/query" not in k:
                    n += v
        return n

    def reconcile(self):
        r = subprocess.run([self.ngsync, "--config", self.config_path, "reconcile"], env=self.env(),
                           capture_output=True, text=True, timeout=300)
        line = next((l for l in r.stdout.splitlines() if l.startswith("reconcile")), "")
        if r.returncode != 0:
            line = (line + " " + " | ".join(r.stderr.strip().splitlines()[-3:]))[:600]
        with open(os.path.join(self.work, "reconcile.log"), "a") as f:
            f.write(f"===== rc={r.returncode}\n{r.stdout}\n{r.stderr}\n")
        return r.returncode, line, r.stdout

    def settle(self):
        deadline = time.monotonic() + self.form["settle_s"]
        quiet_needed = 6.0
        passes = 0
        last_writes, quiet_since = -1, time.monotonic()
        self.reconcile_reports = []
        while time.monotonic() < deadline:
            self.ensure_daemon()
            try:
                waiting = self.waiting_jobs()
                writes = self.write_calls()
            except Exception as e:  # noqa: BLE001 - Postgres may still be starting
                say("settle: ", e)
                time.sleep(1)
                continue
            if writes != last_writes:
                last_writes, quiet_since = writes, time.monotonic()
            self.probe_convergence(waiting)
            quiet = time.monotonic() - quiet_since
            if waiting == 0 and quiet >= quiet_needed:
                # A full reconcile pass is the safety net for webhooks lost while the daemon was
                # down; after it, the queue must drain again. Two passes: the second must find
                # nothing left to do.
                if passes == 2:
                    self.figures["settle_s"] = round(time.monotonic() - (deadline - self.form["settle_s"]), 1)
                    self.log_event(f"settled (queue empty, no writes for {quiet:.0f}s)")
                    return True
                # Alone: a second process on the same tokens would double the request rate
                # (the budget is per process) and a one-shot command does not wait out a 429.
                self.stop_daemon()
                rc, line, out = self.reconcile()
                self.start_daemon()
                passes += 1
                self.reconcile_reports.append(line)
                self.log_event(f"ngsync reconcile #{passes}: rc={rc} {line}")
                last_writes, quiet_since = -1, time.monotonic()
                continue
            time.sleep(1)
        self.figures["settle_s"] = f">{self.form['settle_s']} (timeout)"
        self.log_event("did NOT settle before the timeout")
        return False

    def link_errors(self):
        return {r[0].replace("-", "").lower(): r[1] for r in self.psql(
            "SELECT notion_page_id, CASE WHEN trash_reopened THEN '[trash_reopened] ' ELSE '' END"
            " || coalesce(last_error,'') FROM page_links WHERE sync_status = 'error'")}

    @staticmethod
    def issues_by_page(issues):
        by_page = {}
        for i in issues:
            m = MARKER.search(i.get("body") or "")
            if m:
                by_page.setdefault(m.group(1).replace("-", "").lower(), []).append(i)
        return by_page

    def compare(self, pages, by_page, link_errors):
        """Each page against its issue by the mapping rules: (mismatches, missing, not_success,
        agreeing, trashed pages whose reopened issue the link shows)."""
        login_of = {u[0]: u[3] for u in USERS}
        mismatches, not_success, missing = [], [], []
        agree = shown = 0
        for p in pages:
            key = p["id"].replace("-", "").lower()
            mine = by_page.get(key, [])
            status = self.prop(p, "Status")
            trashed = self.trashed(p)
            if not mine:
                if not trashed and status in CREATE:
                    missing.append(f"{p['id']} ({status}) has no issue")
                continue
            issue = mine[0]
            n = issue["number"]
            want_closed = trashed or status in CLOSE
            problems = []
            if (trashed and issue["state"] == "open"
                    and link_errors.get(key, "").startswith(TRASHED_REOPENED)):
                shown += 1
            elif (issue["state"] == "closed") != want_closed:
                problems.append(f"issue {issue['state']} but page {'trashed' if trashed else status}")
            title = " ".join(self.prop(p, "Name").split())[:256]
            if issue["title"] != title and not trashed:
                problems.append(f"title {issue['title']!r} != {title!r}")
            labels = sorted(l["name"] if isinstance(l, dict) else l for l in issue.get("labels", []))
            if not trashed and labels != self.prop(p, "Tags"):
                problems.append(f"labels {labels} != {self.prop(p, 'Tags')}")
            want_assignees = sorted(filter(None, (login_of.get(u) for u in self.prop(p, "Assignees"))))
            assignees = sorted(a["login"] for a in issue.get("assignees") or [])
            if not trashed and assignees != want_assignees:
                problems.append(f"assignees {assignees} != {want_assignees}")
            if not trashed:
                if self.prop(p, "GitHub Issue Number") != n:
                    problems.append(f"page says #{self.prop(p, 'GitHub Issue Number')}")
                sync = self.prop(p, "GitHub Sync Status")
                if sync != "Success":
                    not_success.append(f"{p['id']} #{n}: {sync} ({self.prop(p, 'GitHub Sync Error')!r})")
            if problems:
                mismatches.append(f"page {p['id']} #{n}: " + "; ".join(problems))
            else:
                agree += 1
        return mismatches, missing, not_success, agree, shown

    def probe_convergence(self, waiting=None):
        """Notes the first moment, after the restart that followed the last kill, at which the queue
        is empty and every page agrees with its issue: the settle time after the last kill."""
        if self.converged_at is not None or self.last_restart is None or self.restart_pending:
            return
        if waiting is not None and waiting != 0:
            return
        if self.converged():
            self.converged_at = time.monotonic()
            took = round(self.converged_at - self.last_restart, 1)
            self.figures["settle_after_last_kill_s"] = took
            self.log_event(f"converged {took}s after the restart that followed the last kill")

    def converged(self):
        """The queue is empty and every page agrees with its issue, showing Success."""
        try:
            if self.waiting_jobs() != 0:
                return False
            pages, issues = self.state()
            by_page = self.issues_by_page(issues)
            if any(len(v) > 1 for v in by_page.values()):
                return False
            mismatches, missing, not_success, _, _ = self.compare(pages, by_page, self.link_errors())
            return not (mismatches or missing or not_success)
        except Exception as e:  # noqa: BLE001 - Postgres or the sandbox busy: not yet
            say("convergence probe:", e)
            return False

    # ---- the checks ------------------------------------------------------------------------
    def check(self, settled):
        failures = []
        if not settled:
            failures.append("the daemon did not settle (queue not empty or still writing)")
        if self.last_restart is not None and self.converged_at is None:
            self.figures["settle_after_last_kill_s"] = "not converged"
        took = self.figures.get("settle_after_last_kill_s")
        if self.args.form == "crash" and not (isinstance(took, float) and took <= CRASH_SETTLE_TARGET_S):
            failures.append(f"settle after the last kill {took} s, target <= {CRASH_SETTLE_TARGET_S} s")
        pages, issues = self.state()
        by_page = self.issues_by_page(issues)
        dupes = {p: sorted(i["number"] for i in v) for p, v in by_page.items() if len(v) > 1}
        f = self.figures
        f["pages"] = len(pages)
        f["pages_trashed"] = sum(1 for p in pages if self.trashed(p))
        f["issues"] = len(issues)
        f["issues_marked"] = sum(len(v) for v in by_page.values())
        f["duplicate_issues"] = sum(len(v) - 1 for v in by_page.values())
        if dupes:
            failures.append(f"duplicate issues (page -> numbers): {dupes}")
        page_ids = {p["id"].replace("-", "").lower() for p in pages}
        orphans = [i["number"] for k, v in by_page.items() if k not in page_ids for i in v]
        if orphans:
            failures.append(f"issues whose marker names no page: {orphans}")
        # A person may reopen the issue of a trashed page: the reopen stands (status is newer
        # wins) and the link must say so, since nothing can be written to a trashed page.
        link_errors = self.link_errors()
        if link_errors:  # each error link, so a run explains its `links` figure
            f["link_errors"] = [f"{k[:8]}: {v[:120]}" for k, v in sorted(link_errors.items())[:10]]
        mismatches, missing, not_success, agree, shown = self.compare(pages, by_page, link_errors)
        f["trashed_reopened_shown"] = shown
        f["pages_with_issue"] = sum(1 for p in pages if by_page.get(p["id"].replace("-", "").lower()))
        f["pages_agreeing"] = agree
        f["pages_disagreeing"] = len(mismatches)
        f["pages_missing_issue"] = len(missing)
        f["pages_not_success"] = len(not_success)
        for name, items in (("pages and issues disagree", mismatches), ("pages without their issue", missing),
                            ("linked pages not showing Success", not_success)):
            if items:
                failures.append(f"{len(items)} {name}:\n      " + "\n      ".join(items[:20]))
        # The queue: nothing waiting or running; dead jobs each with their last error.
        states = dict((s, int(c)) for s, c in self.psql("SELECT state, count(*) FROM jobs GROUP BY state"))
        f["jobs"] = states
        # The daemon keeps polling while we look, so a job may have just been enqueued; stuck is
        # a running job whose lease expired, or a waiting one overdue by more than 30 s.
        stuck = self.psql("SELECT id, kind, state, attempts, coalesce(last_error,'') FROM jobs "
                          "WHERE (state = 'running' AND locked_until < now()) OR "
                          "(state IN ('available','retryable') AND run_at < now() - interval '30 seconds') "
                          "ORDER BY id")
        f["jobs_stuck"] = len(stuck)
        if stuck:
            failures.append(f"{len(stuck)} jobs stuck (expired lease or overdue): {stuck[:10]}")
        dead = self.psql("SELECT id, kind, attempts, coalesce(payload->>'page_id',''), coalesce(last_error,'') "
                         "FROM jobs WHERE state = 'dead' ORDER BY id")
        f["jobs_dead"] = len(dead)
        self.dead = dead
        unexplained = [d for d in dead if not d[4].strip()]
        if unexplained:
            failures.append(f"{len(unexplained)} dead jobs without a last error: {unexplained[:10]}")
        links = dict((s, int(c)) for s, c in self.psql("SELECT sync_status, count(*) FROM page_links GROUP BY sync_status"))
        f["links"] = links
        # Rate limits: the sandbox records every request that came while the client should wait.
        v = self.control("GET", "/control/violations")["violations"]
        calls = self.control("GET", "/control/calls", timeout=60)
        for name, doc in (("violations.json", v), ("calls.json", calls), ("state.json", self.control("GET", "/control/state", timeout=60))):
            with open(os.path.join(self.work, name), "w") as fh:
                json.dump(doc, fh)
        in_flight, late = self.classify_violations(v, calls.get("calls", []))
        f["rate_limit_violations"] = len(late)
        f["rate_limit_in_flight"] = len(in_flight)
        if late:
            failures.append(f"{len(late)} rate-limit violations: {late[:10]}")
        outcomes = {}
        for c in calls.get("calls", []):
            outcomes[c["outcome"]] = outcomes.get(c["outcome"], 0) + 1
        f["api_calls"] = outcomes
        return failures

    @staticmethod
    def classify_violations(violations, calls):
        """Splits the sandbox's violations: a request that reached the sandbox within
        IN_FLIGHT_MS of the 429 (or secondary-limit 403) that started the wait was already on its
        way when the answer went out (a concurrent client cannot recall it); any later one means
        the daemon did not wait. The in-flight ones are reported, the late ones fail the run."""
        def ms(at):
            t = time.strptime(at[:19], "%Y-%m-%dT%H:%M:%S")
            frac = at[19:].rstrip("Z")
            return (time.mktime(t) * 1000) + (float("0" + frac) * 1000 if frac else 0)
        limits = {}
        for c in calls:
            if c["outcome"] == "fault:rate_limit" or c["status"] in (429, 403):
                endpoint = c["method"] + " " + c["target"].split("?")[0]
                limits.setdefault(c["api"], []).append((ms(c["at"]), endpoint))
        in_flight, late = [], []
        for x in violations:
            at = ms(x["at"])
            # Refusals up to the violation's arrival, except the violating request's own one.
            before = [t for t, e in limits.get(x["api"], [])
                      if t < at or (t == at and e != x["endpoint"])]
            if before and at - max(before) <= IN_FLIGHT_MS:
                in_flight.append(x)
            else:
                late.append(x)
        return in_flight, late

    def report(self, failures):
        print()
        print(f"===== chaos report (seed {self.seed}, --{self.args.form}) =====")
        order = ["pages", "pages_trashed", "pages_with_issue", "issues", "issues_marked", "duplicate_issues",
                 "pages_agreeing", "pages_disagreeing", "pages_missing_issue", "pages_not_success",
                 "jobs", "jobs_stuck", "jobs_dead", "links", "rate_limit_violations", "rate_limit_in_flight", "kills", "unexpected_exits",
                 "pg_outages", "pg_outage_s", "fault_windows", "notion_edits", "github_edits", "edit_errors",
                 "settle_after_last_kill_s", "settle_s", "api_calls"]
        for k in order + sorted(k for k in self.figures if k not in order):
            if k in self.figures:
                print(f"  {k:24} {self.figures[k]}")
        for line in getattr(self, "reconcile_reports", []):
            print(f"  {'reconcile':24} {line}")
        for d in getattr(self, "dead", [])[:20]:
            print(f"  dead job {d[0]} {d[1]} attempts={d[2]} page={d[3]}: {d[4][:200]}")
        if failures:
            print("FAILED:")
            for x in failures:
                print("  - " + x)
            print(f"reproduce: scripts/chaos.sh --{self.args.form} --seed {self.seed}; work files: {self.work}")
        else:
            print("OK: zero duplicates, every page agrees with its issue, queue drained, zero violations")
        with open(os.path.join(self.work, "report.json"), "w") as fh:
            json.dump({"seed": self.seed, "form": self.args.form, "figures": self.figures,
                       "failures": failures, "events": self.events}, fh, indent=1, default=str)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    g = ap.add_mutually_exclusive_group()
    g.add_argument("--short", dest="form", action="store_const", const="short")
    g.add_argument("--long", dest="form", action="store_const", const="long")
    g.add_argument("--crash", dest="form", action="store_const", const="crash",
                   help="300 pages, 20 SIGKILLs, nothing else: the settle time after the last kill")
    ap.add_argument("--seed", type=int)
    ap.add_argument("--pages", type=int)
    ap.add_argument("--chaos-seconds", type=int)
    ap.add_argument("--kills", type=int)
    ap.add_argument("--build-dir")
    ap.add_argument("--keep", help="keep the work files (config, logs, Postgres, report.json) in this directory")
    args = ap.parse_args()
    args.form = args.form or "short"
    h = harness(args)
    ok = False
    failures = ["aborted"]
    try:
        h.start()
        h.chaos()
        settled = h.settle()
        failures = h.check(settled)
        h.report(failures)
        ok = not failures
    finally:
        h.stop()
        if ok and not args.keep:
            shutil.rmtree(h.work, ignore_errors=True)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

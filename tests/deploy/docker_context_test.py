#!/usr/bin/env python3
"""The Docker build context keeps secrets out (issue: secrets in the build context).

deploy/docker/compose.yaml builds with the repository root as context and the Dockerfile runs
`COPY . .`, so every file .dockerignore lets through lands in an image layer. This test evaluates
.dockerignore the way Docker does (patterns in order, the last match wins, `!` re-includes, a
pattern that matches a directory matches everything under it, `**` spans directories) and checks:
  - every secret file compose.yaml names is excluded, and ignored by git;
  - typical stray secrets (a key, an env file, a token next to compose.yaml) are excluded;
  - the files the build stage needs are included.
"""
import os
import re
import subprocess
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..")
root = os.path.abspath(root)


def pattern_regex(pattern):
    out = ""
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**", i):
            out += ".*"
            i += 2
            if i < len(pattern) and pattern[i] == "/":
                i += 1
                out = out[:-2] + "(?:.*/)?"
            continue
        out += {"*": "[^/]*", "?": "[^/]"}.get(c, re.escape(c))
        i += 1
    return re.compile("^" + out + "$")


def load_rules(path):
    rules = []
    for line in open(path):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negate = line.startswith("!")
        if negate:
            line = line[1:]
        line = os.path.normpath(line.lstrip("/"))
        rules.append((negate, pattern_regex(line)))
    return rules


def excluded(rules, rel):
    parts = rel.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    verdict = False
    for negate, rx in rules:
        if any(rx.match(p) for p in prefixes):
            verdict = not negate
    return verdict


def git_ignored(rel):
    r = subprocess.run(["git", "-C", root, "check-ignore", "-q", "--no-index", rel])
    return r.returncode == 0


failures = []
rules = load_rules(os.path.join(root, ".dockerignore"))
compose = open(os.path.join(root, "deploy/docker/compose.yaml")).read()
secret_files = re.findall(r"^\s+file:\s*(\S+)\s*$", compose, re.M)
if len(secret_files) < 4:
    failures.append(f"expected the four secret files in compose.yaml, found {secret_files}")
for f in secret_files:
    rel = os.path.normpath(os.path.join("deploy/docker", f))
    if excluded(rules, rel) is not True:
        failures.append(f"secret {rel} would be sent in the build context")
    if not git_ignored(rel):
        failures.append(f"secret {rel} is not ignored by git")

for stray in ["deploy/docker/notion_token", "deploy/docker/secrets/anything", "ngsync.env",
              "deploy/docker/ngsync.yaml", "app-key.pem", "core/leftover.key", "build/debug/ngsync",
              ".git/config", "dist/ngsync.deb", "deploy/docker/github_token.env"]:
    if not excluded(rules, stray):
        failures.append(f"{stray} would be sent in the build context")

for needed in ["CMakeLists.txt", "CMakePresets.json", "core/net/asio_impl.cpp", "daemon/main.cpp",
               "storage/job_queue.cpp", "migrations/embed.cmake", "tests/CMakeLists.txt",
               "tests/sandbox/src/sandbox_host.cpp", "deploy/docker/entrypoint.sh",
               "deploy/config/ngsync.example.yaml", "core/ratelimit/token_bucket.cpp",
               "deploy/docker/runtime-packages.txt", "deploy/debian/cpack.cmake",
               "daemon/build_info.cmake"]:
    if excluded(rules, needed):
        failures.append(f"{needed} is needed by the build but excluded")
    elif not os.path.exists(os.path.join(root, needed)):
        failures.append(f"{needed} listed as needed does not exist")

for f in failures:
    print("FAIL:", f)
print(f"docker_context_test: {len(failures)} failure(s), {len(secret_files)} secrets checked")
sys.exit(1 if failures else 0)

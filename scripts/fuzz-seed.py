#!/usr/bin/env python3
"""Writes the libFuzzer seed corpora (one folder per target) from the reference material:
tests/reference (GitHub webhooks, Notion fixtures) and deploy/ (configuration examples).
Each seed has the shape its target expects (see tests/fuzz/*.cpp).
  scripts/fuzz-seed.py OUT_DIR
"""
import hashlib
import hmac
import json
import pathlib
import sys

root = pathlib.Path(__file__).resolve().parent.parent
ref = root / "tests" / "reference"
out = pathlib.Path(sys.argv[1])

# The keys the webhook targets use (tests/fuzz/fuzz_{github,notion}_webhook.cpp).
GITHUB_SECRET = b"fuzz-hook-secret"
NOTION_TOKEN = b"secret_fuzz-verification-token"


def write(target, name, data):
    if target == "fuzz_http_response":
        data = b"\x00" + (data if isinstance(data, bytes) else data.encode())  # flags: GET
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def signature(key, body):
    return b"sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest().encode()


def http_answer(status, reason, body=b"", headers=()):
    head = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}"] + list(headers)
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


github_payloads = sorted((ref / "github-webhooks").glob("*.json"))
notion_jsons = sorted((ref / "notion-fixtures").glob("**/*.json"))

# Webhooks: signature header line, then the body.
for p in github_payloads:
    body = p.read_bytes()
    write("fuzz_github_webhook", p.stem, signature(GITHUB_SECRET, body) + b"\n" + body)
    write("fuzz_github_webhook", p.stem + ".badsig", b"sha256=" + b"0" * 64 + b"\n" + body)
for p in (ref / "notion-fixtures" / "webhooks").glob("*.json"):
    body = p.read_bytes()
    key = NOTION_TOKEN
    if "verification_token" in json.loads(body):
        write("fuzz_notion_webhook", p.stem + ".unsigned", b"\n" + body)
        key = json.loads(body)["verification_token"].encode()
    write("fuzz_notion_webhook", p.stem, signature(key, body) + b"\n" + body)

# Notion-flavored Markdown -> GFM: the converter's fixture corpus, each as v1 and v2 (first byte:
# bit 0 = v2, bit 1 = also assemble as a page with a followed subtree, bit 2 = truncated).
for p in (root / "tests/core/gfm").glob("*.notion.md"):
    for flags in (0, 1, 7):
        write("fuzz_gfm_converter", f"{p.stem}.{flags}", bytes([flags]) + p.read_bytes())

# Configuration: the shipped examples.
for p in [root / "deploy/config/ngsync.example.yaml", root / "deploy/quickstart/ngsync.yaml.in",
          root / "deploy/docker/compose.yaml"]:
    write("fuzz_config_loader", p.name, p.read_bytes())

# Issue bodies with and without our section (FuzzedDataProvider reads the section's fields from
# the front and the limit from the tail; the rest is the existing body).
page_id = "dcdc805c-85fa-4155-a55c-20fc28771af7"
bodies = {
    "plain": "A person's text.\n\nMore text.",
    "section": f"Intro\n\n<!-- ngsync:begin -->\n[View](https://notion.so/x)\n\nContent\n\n"
               f"<!-- Notion-Page-ID: {page_id} -->\n<!-- Last-Notion-Revision: r1 -->\n"
               f"<!-- ngsync:end -->\nOutro",
    "crlf": f"<!-- ngsync:begin -->\r\n<!-- Notion-Page-ID: {page_id} -->\r\n<!-- ngsync:end -->",
    "bare": f"<!-- Notion-Page-ID: {page_id} -->",
    "fence": "```\ncode\n```\n~~~\nunclosed",
}
for name, body in bodies.items():
    fields = f"\x20{page_id}\x10https://www.notion.so/p\x08rev-1\x01# Title\n\nText\n```\nx\n```\x40"
    write("fuzz_issue_body", name, (fields + body).encode() + b"\x00\x10")

# HTTP answers (after one flags byte, see the target): API bodies with the status lines and headers the API layer reacts to.
json_type = "Content-Type: application/json"
for p in notion_jsons:
    write("fuzz_http_response", "notion." + p.stem, http_answer(200, "OK", p.read_bytes(), [json_type]))
for p in github_payloads:
    issue = json.dumps(json.loads(p.read_bytes())["issue"]).encode()
    write("fuzz_http_response", "github." + p.stem, http_answer(200, "OK", issue, [json_type]))
    write("fuzz_http_response", "github.list." + p.stem,
          http_answer(200, "OK", b"[" + issue + b"]", [json_type]))
notion_429 = b'{"object":"error","status":429,"code":"rate_limited","message":"slow down"}'
write("fuzz_http_response", "notion.429", http_answer(429, "Too Many Requests", notion_429,
                                                       ["Retry-After: 2", json_type]))
write("fuzz_http_response", "github.secondary", http_answer(
    403, "Forbidden", b'{"message":"You have exceeded a secondary rate limit"}',
    ["x-ratelimit-remaining: 0", "x-ratelimit-reset: 1700000000",
     "Retry-After: Sun, 06 Nov 1994 08:49:37 GMT", json_type]))
write("fuzz_http_response", "github.422", http_answer(
    422, "Unprocessable Entity",
    b'{"message":"Validation Failed","errors":[{"code":"custom","message":"body is too long"}]}',
    [json_type]))
write("fuzz_http_response", "redirect", http_answer(301, "Moved", b"", ["Location: /v2/x?y=1"]))
write("fuzz_http_response", "chunked",
      b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n{}  \r\n0\r\n\r\n")
write("fuzz_http_response", "close-delimited", b"HTTP/1.0 200 OK\r\n\r\n{\"results\":[]}")
print(f"fuzz-seed: seeds written to {out}")

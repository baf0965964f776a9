#pragma once
// Webhook signatures: both GitHub (X-Hub-Signature-256, keyed by the hook secret) and Notion
// (X-Notion-Signature, keyed by the verification token) send "sha256=<hex HMAC-SHA256 of the raw
// body>". Verification compares in constant time so timing does not leak the expected value.
#include <string>
#include <string_view>

namespace ngsync::webhooks {

// Lower-case hex HMAC-SHA256 of `message` keyed by `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// True when `header` is exactly "sha256=<64 hex digits>" (hex in either case) and equals the
// HMAC of `body` under `key`. An empty key never verifies: an unconfigured secret refuses all.
bool verify_sha256_signature(std::string_view key, std::string_view body, std::string_view header);

// A short name for a secret that reveals nothing usable: "sha256:" and the first 12 hex digits of
// its SHA-256. The operator compares it between `ngsync status` and the confirmation.
std::string key_fingerprint(std::string_view key);

}  // namespace ngsync::webhooks

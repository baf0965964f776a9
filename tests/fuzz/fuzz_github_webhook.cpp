// Fuzzes what POST /webhooks/github does with a delivery before touching the database: the
// X-Hub-Signature-256 check, then the `issues` event parse and the sender/action filters.
// Input: the signature header value, '\n', the raw body.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/webhooks/github_event.hpp"
#include "core/webhooks/signature.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ngsync;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [header, body] = fuzz::split_first_line(fuzz::as_text(data, size));
  const std::string secret = "fuzz-hook-secret";

  // An arbitrary header must never crash the check; the right one must always verify, and no
  // key (an unconfigured secret) must never verify.
  (void)webhooks::verify_sha256_signature(secret, body, header);
  const auto good = "sha256=" + webhooks::hmac_sha256_hex(secret, body);
  fuzz::require(webhooks::verify_sha256_signature(secret, body, good), "own HMAC verifies");
  fuzz::require(!webhooks::verify_sha256_signature("", body, good), "empty key never verifies");
  fuzz::require(!webhooks::verify_sha256_signature(secret, body, header) || header == good ||
                    header.size() == good.size(),
                "only a full-length signature verifies");

  auto parsed = webhooks::parse_github_issue_event(body);
  if (!parsed) return 0;
  const auto& e = *parsed;
  (void)webhooks::is_synced_issue_action(e.action);
  (void)webhooks::is_own_sender(e.sender_login, "ngsync-bot");
  (void)webhooks::is_own_sender(e.sender_login, e.sender_login);
  for (char c : e.repo) fuzz::require(!(c >= 'A' && c <= 'Z'), "repository name is lower case");
  return 0;
}

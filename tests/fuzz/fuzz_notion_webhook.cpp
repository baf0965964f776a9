// Fuzzes what POST /webhooks/notion does with a request before touching the database: the
// verification-token body, the X-Notion-Signature check and the event parse and filters.
// Input: the signature header value, '\n', the raw body.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/notion/notion_id.hpp"
#include "core/webhooks/notion_event.hpp"
#include "core/webhooks/signature.hpp"
#include "tests/fuzz/fuzz_support.hpp"

using namespace ngsync;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [header, body] = fuzz::split_first_line(fuzz::as_text(data, size));

  // Unsigned request: only the verification body is accepted, and its token keys later checks.
  std::string key = "secret_fuzz-verification-token";
  if (auto token = webhooks::verification_token_of(body)) key = *token;

  (void)webhooks::verify_sha256_signature(key, body, header);
  if (!key.empty()) {
    const auto good = "sha256=" + webhooks::hmac_sha256_hex(key, body);
    fuzz::require(webhooks::verify_sha256_signature(key, body, good), "own HMAC verifies");
  }

  auto parsed = webhooks::parse_notion_event(body);
  if (!parsed) {
    (void)parsed.error();
    return 0;
  }
  const auto& e = *parsed;
  (void)webhooks::is_page_event(e);
  (void)webhooks::authored_only_by(e, "fuzz-bot-id");
  if (!e.authors.empty()) {
    // Ids compare as Notion ids (core/notion/notion_id.hpp): text that is not one never matches.
    fuzz::require(webhooks::authored_only_by(e, e.authors.front().id) || e.authors.size() > 1 ||
                      e.authors.front().type != "bot" ||
                      notion::compact_id(e.authors.front().id).empty(),
                  "a single bot author is recognised");
  }
  return 0;
}

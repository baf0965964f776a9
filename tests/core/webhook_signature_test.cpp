// Webhook signatures (GitHub X-Hub-Signature-256, Notion X-Notion-Signature) and event parsing.
#include <fstream>
#include <sstream>

#include <doctest/doctest.h>

#include "core/webhooks/github_event.hpp"
#include "core/webhooks/notion_event.hpp"
#include "core/webhooks/signature.hpp"

using namespace ngsync::webhooks;

namespace {
std::string read_reference(const std::string& rel) {
  std::ifstream in(std::string(NGSYNC_REFERENCE_DIR) + "/" + rel, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}
}  // namespace

TEST_CASE("GitHub's documented test vector verifies") {
  const std::string secret = "It's a Secret to Everybody";
  const std::string body = "Hello, World!";
  const std::string sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  CHECK(hmac_sha256_hex(secret, body) == sig.substr(7));
  CHECK(verify_sha256_signature(secret, body, sig));
  // Upper-case hex is the same digest.
  std::string upper = sig;
  for (std::size_t i = 7; i < upper.size(); ++i)
    upper[i] = static_cast<char>(std::toupper(upper[i]));
  CHECK(verify_sha256_signature(secret, body, upper));
}

TEST_CASE("wrong, missing, truncated and malformed signatures are refused") {
  const std::string secret = "It's a Secret to Everybody";
  const std::string body = "Hello, World!";
  const std::string sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  CHECK_FALSE(verify_sha256_signature(secret, body, ""));
  CHECK_FALSE(verify_sha256_signature(secret, "Hello, World", sig));  // truncated body
  CHECK_FALSE(verify_sha256_signature(secret, body + "!", sig));
  CHECK_FALSE(verify_sha256_signature("another secret", body, sig));
  CHECK_FALSE(verify_sha256_signature(secret, body, sig.substr(0, sig.size() - 1)));
  CHECK_FALSE(verify_sha256_signature(secret, body, "sha1=" + sig.substr(7)));
  CHECK_FALSE(verify_sha256_signature(secret, body, sig.substr(7)));  // no prefix
  std::string flipped = sig;
  flipped.back() = flipped.back() == '7' ? '8' : '7';
  CHECK_FALSE(verify_sha256_signature(secret, body, flipped));
  std::string non_hex = sig;
  non_hex[10] = 'z';
  CHECK_FALSE(verify_sha256_signature(secret, body, non_hex));
  // An unconfigured secret verifies nothing, not even a signature made with the empty key.
  CHECK_FALSE(verify_sha256_signature("", body, "sha256=" + hmac_sha256_hex("", body)));
}

TEST_CASE("real GitHub payloads signed here verify byte for byte and parse") {
  const std::string secret = "hook-secret-for-tests";
  for (const char* name : {"issues.opened", "issues.edited", "issues.labeled", "issues.assigned"}) {
    CAPTURE(name);
    const auto body = read_reference(std::string("github-webhooks/") + name + ".payload.json");
    const auto sig = "sha256=" + hmac_sha256_hex(secret, body);
    CHECK(verify_sha256_signature(secret, body, sig));
    CHECK_FALSE(verify_sha256_signature(secret, body.substr(0, body.size() - 2), sig));
    auto e = parse_github_issue_event(body);
    REQUIRE(e.has_value());
    CHECK(std::string(name).substr(7) == e->action);
    CHECK(e->number > 0);
    CHECK_FALSE(e->repo.empty());
    CHECK(e->repo == [&] {
      std::string r = e->repo;
      for (char& c : r) c = static_cast<char>(std::tolower(c));
      return r;
    }());
    CHECK_FALSE(e->sender_login.empty());
  }
}

TEST_CASE("issues events: which actions matter, who sent them, malformed bodies") {
  CHECK(is_synced_issue_action("closed"));
  CHECK(is_synced_issue_action("reopened"));
  CHECK(is_synced_issue_action("edited"));
  CHECK(is_synced_issue_action("unlabeled"));
  CHECK_FALSE(is_synced_issue_action("opened"));
  CHECK_FALSE(is_synced_issue_action("pinned"));
  CHECK(is_own_sender("NGSync-Bot", "ngsync-bot"));
  CHECK(is_own_sender("ngsync-app[bot]", "ngsync-app[bot]"));
  CHECK_FALSE(is_own_sender("ada-l", "ngsync-bot"));
  CHECK_FALSE(is_own_sender("ngsync-bot", ""));  // unknown identity suppresses nothing
  CHECK_FALSE(parse_github_issue_event("not json").has_value());
  CHECK_FALSE(parse_github_issue_event("[]").has_value());
  CHECK_FALSE(parse_github_issue_event(R"({"action":"closed","repository":{"full_name":"a/b"}})")
                  .has_value());
  auto e = parse_github_issue_event(
      R"({"action":"closed","repository":{"full_name":"Acme/Roadmap"},
          "issue":{"number":7,"pull_request":{}},"sender":{"login":"ada-l"}})");
  REQUIRE(e.has_value());
  CHECK(e->repo == "acme/roadmap");
  CHECK(e->is_pull_request);
}

TEST_CASE("Notion webhooks: verification request, page events, own-bot authorship") {
  const auto verification = read_reference("notion-fixtures/webhooks/verification_request.json");
  auto token = verification_token_of(verification);
  REQUIRE(token);
  CHECK(token->rfind("secret_", 0) == 0);

  const auto body = read_reference("notion-fixtures/webhooks/page.properties_updated.json");
  CHECK_FALSE(verification_token_of(body));
  auto e = parse_notion_event(body);
  REQUIRE(e.has_value());
  CHECK(e->type == "page.properties_updated");
  CHECK(e->entity_id == "153104cd-477e-809d-8dc4-ff2d96ae3090");
  CHECK(e->parent_type == "space");
  CHECK(is_page_event(*e));
  CHECK_FALSE(authored_only_by(*e, "c7c11cca-1d73-471d-9b6e-bdef51470190"));  // a person

  auto bot = parse_notion_event(
      R"({"id":"x","type":"page.properties_updated","entity":{"id":"p1","type":"page"},
          "authors":[{"id":"40673a87-d8ed-41e0-aa55-7f0e8ace24cd","type":"bot"}],
          "data":{"parent":{"id":"ds1","type":"data_source"}}})");
  REQUIRE(bot.has_value());
  CHECK(authored_only_by(*bot, "40673a87d8ed41e0aa557f0e8ace24cd"));
  CHECK_FALSE(authored_only_by(*bot, "11111111-d8ed-41e0-aa55-7f0e8ace24cd"));
  CHECK_FALSE(authored_only_by(*bot, ""));
  auto comment =
      parse_notion_event(R"({"type":"comment.created","entity":{"id":"c1","type":"comment"}})");
  REQUIRE(comment.has_value());
  CHECK_FALSE(is_page_event(*comment));
  CHECK_FALSE(parse_notion_event("{}").has_value());
}

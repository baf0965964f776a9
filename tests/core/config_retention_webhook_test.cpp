// Configuration of issue 18: `queue.prune_interval`, and the Notion webhook key named by
// `server.notion_webhook_token_env` (resolved from the environment, required to be set when
// named, never printed in an error).
#include <doctest/doctest.h>

#include "core/config/config_loader.hpp"

using namespace ngsync::config;

namespace {

const char* base = R"(notion:
  token_env: NOTION_TOKEN
github:
  token_env: GITHUB_TOKEN
database:
  url_env: DATABASE_URL
sync:
  mappings:
    - name: eng
      notion:
        data_source_id: 1c2b3a4d5e6f47a8b9c0d1e2f3a4b5c6
      github:
        repository: acme/roadmap
)";

load_result load(const std::string& extra, bool with_hook_token) {
  auto env = [with_hook_token](const std::string& name) -> std::optional<std::string> {
    if (name == "NOTION_TOKEN") return "secret_notion_test_value";
    if (name == "GITHUB_TOKEN") return "ghp_testtokenvalue0000000";
    if (name == "DATABASE_URL") return "postgresql://x@h/db";
    if (name == "NOTION_WEBHOOK_TOKEN" && with_hook_token) return "secret_confirmed_hook_token";
    return std::nullopt;
  };
  return load_config_text(std::string(base) + extra, "test.yaml", env);
}

}  // namespace

TEST_CASE("config: prune interval and the Notion webhook key from the environment") {
  auto defaults = load("", false);
  REQUIRE(defaults.errors.empty());
  CHECK(defaults.value->queue.prune_interval == std::chrono::minutes(10));
  CHECK(defaults.value->server.notion_webhook_token.empty());

  auto set = load(
      "queue:\n  keep_completed: 15s\n  keep_audit: 20s\n  prune_interval: 1s\n"
      "server:\n  notion_webhooks: true\n  notion_webhook_token_env: NOTION_WEBHOOK_TOKEN\n",
      true);
  for (const auto& e : set.errors) MESSAGE(e.to_string());
  REQUIRE(set.errors.empty());
  CHECK(set.value->queue.keep_completed == std::chrono::seconds(15));
  CHECK(set.value->queue.keep_audit == std::chrono::seconds(20));
  CHECK(set.value->queue.prune_interval == std::chrono::seconds(1));
  CHECK(set.value->server.notion_webhook_token.reveal() == "secret_confirmed_hook_token");

  auto unset = load("server:\n  notion_webhook_token_env: NOTION_WEBHOOK_TOKEN\n", false);
  REQUIRE(unset.errors.size() == 1);
  CHECK(unset.errors[0].key == "server.notion_webhook_token_env");
  CHECK(unset.errors[0].to_string().find("NOTION_WEBHOOK_TOKEN is not set") != std::string::npos);
}

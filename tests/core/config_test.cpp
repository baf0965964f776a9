// The configuration loader: a complete valid file, and invalid files that must each be refused
// with the right key, line and message (check-config reports all of them at once).
#include <doctest/doctest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "core/config/config_loader.hpp"
#include "core/config/values.hpp"

using namespace ngsync::config;

namespace {

const std::map<std::string, std::string> test_env{{"NOTION_TOKEN", "secret_notion_test_value"},
                                                  {"GITHUB_TOKEN", "ghp_testtokenvalue0000000"},
                                                  {"DATABASE_URL", "postgresql://x@h/db"},
                                                  {"GITHUB_WEBHOOK_SECRET", "whsec"}};

std::optional<std::string> fake_env(const std::string& name) {
  auto it = test_env.find(name);
  if (it == test_env.end()) return std::nullopt;
  return it->second;
}

std::string example_text() {
  std::ifstream in(std::string(NGSYNC_SOURCE_DIR) + "/deploy/config/ngsync.example.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A small valid file; invalid cases are built by editing one line of it.
const char* minimal = R"(notion:
  token_env: NOTION_TOKEN
github:
  token_env: GITHUB_TOKEN
database:
  url_env: DATABASE_URL
sync:
  poll_interval: 30s
  mappings:
    - name: eng
      notion:
        data_source_id: 1c2b3a4d5e6f47a8b9c0d1e2f3a4b5c6
      github:
        repository: Acme/Roadmap
)";

load_result load(const std::string& text) {
  return load_config_text(text, "test.yaml", fake_env);
}

std::string replace(std::string text, const std::string& from, const std::string& to) {
  auto pos = text.find(from);
  REQUIRE_MESSAGE(pos != std::string::npos, "fixture line not found: " << from);
  text.replace(pos, from.size(), to);
  return text;
}

struct bad_case {
  const char* name;
  std::string text;
  const char* key;
  int line;
  const char* message_part;
};

}  // namespace

TEST_CASE("the shipped example configuration is complete and valid") {
  auto r = load_config_text(example_text(), "ngsync.example.yaml", fake_env);
  for (const auto& e : r.errors) MESSAGE(e.to_string());
  REQUIRE(r.errors.empty());
  const auto& c = *r.value;
  CHECK(c.notion.version == "2026-03-11");
  CHECK(c.notion.token.reveal() == "secret_notion_test_value");
  CHECK(c.github.limits.requests_per_second == doctest::Approx(1.25));
  CHECK(c.github.mutation_spacing == std::chrono::seconds(1));
  CHECK(c.http.max_response_bytes == 32u << 20);
  CHECK(c.server.listen_port == 8080);
  CHECK(c.server.github_webhook_secret.reveal() == "whsec");
  CHECK(c.queue.keep_completed == std::chrono::hours(24 * 7));
  REQUIRE(c.sync.mappings.size() == 1);
  const auto& m = c.sync.mappings[0];
  CHECK(m.database_id == "1c2b3a4d-5e6f-47a8-b9c0-d1e2f3a4b5c6");
  CHECK(m.repository == "acme/roadmap");
  CHECK(m.close_statuses.at("Won't do") == "not_planned");
  CHECK(m.users.at("ada@example.com") == "ada-lovelace");
  CHECK(m.sync_status_property == "GitHub Sync Status");
  CHECK(c.sync.watermark_overlap == std::chrono::minutes(2));
}

TEST_CASE("a minimal file gets the documented defaults") {
  auto r = load(minimal);
  REQUIRE(r.errors.empty());
  const auto& c = *r.value;
  CHECK(c.notion.base_url == "https://api.notion.com");
  CHECK(c.github.content_creation_per_minute == 80);
  CHECK(c.github.content_creation_per_hour == 500);
  CHECK(c.queue.max_attempts == 10);
  CHECK(c.sync.mappings[0].repository == "acme/roadmap");
  CHECK(c.sync.mappings[0].data_source_id == "1c2b3a4d-5e6f-47a8-b9c0-d1e2f3a4b5c6");
  CHECK(c.sync.mappings[0].create_statuses == std::vector<std::string>{"Ready for Dev"});
  CHECK(c.sync.mappings[0].ownership.title == "notion");
  CHECK(c.sync.mappings[0].ownership.labels == "notion");
  CHECK(c.sync.mappings[0].ownership.status == "newer_wins");
  CHECK(c.sync.throttle_horizon == std::chrono::hours(1));
}

TEST_CASE("sync.throttle_horizon is a duration of at least a minute") {
  const std::string m = minimal;
  auto r =
      load(replace(m, "  poll_interval: 30s\n", "  poll_interval: 30s\n  throttle_horizon: 2h\n"));
  REQUIRE(r.errors.empty());
  CHECK(r.value->sync.throttle_horizon == std::chrono::hours(2));
  r = load(replace(m, "  poll_interval: 30s\n", "  poll_interval: 30s\n  throttle_horizon: 10s\n"));
  REQUIRE(r.errors.size() == 1);
  CHECK(r.errors[0].key == "sync.throttle_horizon");
  CHECK(r.errors[0].message.find("at least 1m") != std::string::npos);
}

TEST_CASE("per-field ownership is read from the mapping") {
  auto r = load(std::string(minimal) +
                "      ownership: {title: github, labels: newer_wins, status: notion}\n");
  REQUIRE(r.errors.empty());
  const auto& o = r.value->sync.mappings[0].ownership;
  CHECK(o.title == "github");
  CHECK(o.labels == "newer_wins");
  CHECK(o.status == "notion");
  CHECK(o.body == "notion");  // unset keys keep their defaults
  CHECK(o.assignees == "notion");
}

TEST_CASE("github.kind is read as the sync's issue kind, issue by default") {
  using ngsync::sync::issue_kind;
  const std::string m = minimal;
  auto r = load(m);
  REQUIRE(r.errors.empty());
  CHECK(r.value->sync.mappings[0].kind == issue_kind::issue);
  for (auto k : {issue_kind::issue, issue_kind::draft_pr}) {
    CAPTURE(to_string(k));
    r = load(replace(m, "repository: Acme/Roadmap",
                     std::string("repository: Acme/Roadmap\n        kind: ") + to_string(k)));
    REQUIRE(r.errors.empty());
    CHECK(r.value->sync.mappings[0].kind == k);
  }
}

TEST_CASE("invalid files name the key and line of each problem") {
  const std::string m = minimal;
  const std::vector<bad_case> cases = {
      {"unknown top-level key", m + "colour: blue\n", "colour", 15, "unknown key"},
      {"unknown nested key", replace(m, "  poll_interval: 30s\n", "  poll_intervall: 30s\n"),
       "sync.poll_intervall", 8, "unknown key"},
      {"bad duration", replace(m, "poll_interval: 30s", "poll_interval: soon"),
       "sync.poll_interval", 8, "not a duration"},
      {"duration without unit", replace(m, "poll_interval: 30s", "poll_interval: 30"),
       "sync.poll_interval", 8, "not a duration"},
      {"poll interval too short", replace(m, "poll_interval: 30s", "poll_interval: 10ms"),
       "sync.poll_interval", 8, "at least 1s"},
      {"bad repository", replace(m, "repository: Acme/Roadmap", "repository: acme"),
       "sync.mappings[0].github.repository", 14, "org/repo"},
      {"repository with two slashes", replace(m, "repository: Acme/Roadmap", "repository: a/b/c"),
       "sync.mappings[0].github.repository", 14, "org/repo"},
      {"missing environment variable",
       replace(m, "token_env: NOTION_TOKEN", "token_env: NOPE_UNSET"), "notion.token_env", 2,
       "NOPE_UNSET is not set"},
      {"missing required section", replace(m, "database:\n  url_env: DATABASE_URL\n", ""),
       "database", 1, "required section is missing"},
      {"missing mapping name", replace(m, "    - name: eng\n      notion:", "    - notion:"),
       "sync.mappings[0].name", 10, "required key is missing"},
      {"missing repository",
       replace(m, "      github:\n        repository: Acme/Roadmap\n", "      github: {}\n"),
       "sync.mappings[0].github", 13, "give repository"},
      {"bad notion id", replace(m, "1c2b3a4d5e6f47a8b9c0d1e2f3a4b5c6", "not-an-id"),
       "sync.mappings[0].notion.data_source_id", 12, "not a Notion id"},
      {"wrong type: list for string", replace(m, "token_env: GITHUB_TOKEN", "token_env: [a, b]"),
       "github.token_env", 4, "must be a string"},
      {"wrong type: string for integer", m + "queue:\n  workers: many\n", "queue.workers", 16,
       "must be an integer"},
      {"integer out of range", m + "queue:\n  workers: 0\n", "queue.workers", 16, "between 1 and"},
      {"wrong type: bool", m + "database2: 1\n", "database2", 15, "unknown key"},
      {"bad boolean",
       replace(m, "url_env: DATABASE_URL", "url_env: DATABASE_URL\n  migrate_on_start: maybe"),
       "database.migrate_on_start", 7, "true or false"},
      {"bad listen address", m + "server:\n  listen: localhost\n", "server.listen", 16,
       "host:port"},
      {"bad byte size", m + "http:\n  max_response_bytes: lots\n", "http.max_response_bytes", 16,
       "not a size"},
      {"bad log format", m + "logging:\n  format: xml\n", "logging.format", 16, "text or json"},
      {"bad log level", m + "logging:\n  level: loud\n", "logging.level", 16, "unknown level"},
      {"bad close reason", m + "      status:\n        close:\n          Done: finished\n",
       "sync.mappings[0].status.close.Done", 17, "completed or not_planned"},
      {"duplicate mapping",
       m + "    - name: eng\n      notion:\n        data_source_id: "
           "1c2b3a4d5e6f47a8b9c0d1e2f3a4b5c6\n"
           "      github:\n        repository: a/b\n",
       "sync.mappings[1].name", 15, "duplicate mapping name"},
      {"mappings not a list", replace(m, "  mappings:\n", "  mappings: 3\n  old:\n"), "sync.old",
       10, "unknown key"},
      {"token and app both",
       replace(m, "  token_env: GITHUB_TOKEN\n",
               "  token_env: GITHUB_TOKEN\n  app:\n    client_id: x\n    installation_id: 1\n"
               "    private_key_file: /nonexistent.pem\n"),
       "github.token_env", 4, "not both"},
      {"unreadable app key",
       replace(m, "  token_env: GITHUB_TOKEN\n",
               "  app:\n    client_id: x\n    installation_id: 1\n    private_key_file: "
               "/nonexistent.pem\n"),
       "github.app.private_key_file", 7, "cannot read"},
      {"bad kind",
       replace(m, "repository: Acme/Roadmap", "repository: Acme/Roadmap\n        kind: epic"),
       "sync.mappings[0].github.kind", 15, "issue or draft_pr"},
      {"bad field owner", m + "      ownership:\n        labels: whoever\n",
       "sync.mappings[0].ownership.labels", 16, "notion, github or newer_wins"},
      {"unknown owned field", m + "      ownership:\n        milestone: github\n",
       "sync.mappings[0].ownership.milestone", 16, "unknown key"},
      {"not YAML", "notion: [unclosed\n", "", 2, "not valid YAML"},
  };
  CHECK(cases.size() >= 20);
  for (const auto& c : cases) {
    CAPTURE(c.name);
    auto r = load(c.text);
    CHECK_FALSE(r.value.has_value());
    bool found = false;
    for (const auto& e : r.errors) {
      if (e.key == c.key && e.line == c.line &&
          e.message.find(c.message_part) != std::string::npos) {
        found = true;
        CHECK(e.file == "test.yaml");
        CHECK(e.column > 0);
      }
    }
    if (!found) {
      for (const auto& e : r.errors) MESSAGE("got: " << e.to_string());
    }
    CHECK_MESSAGE(found, c.name);
  }
}

TEST_CASE("every problem is reported at once") {
  auto text = replace(minimal, "poll_interval: 30s", "poll_interval: soon");
  text = replace(text, "repository: Acme/Roadmap", "repository: nope");
  text = replace(text, "token_env: NOTION_TOKEN", "token_env: NOPE_UNSET");
  text += "extra: 1\n";
  auto r = load(text);
  CHECK(r.errors.size() == 4);
}

TEST_CASE("errors never print a secret value") {
  auto text = replace(minimal, "repository: Acme/Roadmap", "repository: secret_notion_test_value");
  auto r = load(text);
  REQUIRE_FALSE(r.errors.empty());
  // The bad repository value is echoed, but resolved secrets are not: the token itself appears
  // nowhere unless the user typed it into the file.
  for (const auto& e : load(replace(minimal, "poll_interval: 30s", "poll_interval: x")).errors) {
    CHECK(e.to_string().find("secret_notion_test_value") == std::string::npos);
    CHECK(e.to_string().find("ghp_testtokenvalue") == std::string::npos);
  }
}

TEST_CASE("scalar value parsers") {
  CHECK(parse_duration("1h30m") == std::chrono::minutes(90));
  CHECK(parse_duration("250ms") == std::chrono::milliseconds(250));
  CHECK(parse_duration("7d") == std::chrono::hours(168));
  CHECK_FALSE(parse_duration("5 minutes"));
  CHECK_FALSE(parse_duration("s"));
  CHECK(parse_byte_size("1MiB") == 1048576u);
  CHECK(parse_byte_size("4096") == 4096u);
  CHECK_FALSE(parse_byte_size("-1"));
  CHECK(normalize_repository(" Org-1/Repo.name ") == "org-1/repo.name");
  CHECK_FALSE(normalize_repository("-org/repo"));
  CHECK_FALSE(normalize_repository("org/.."));
  CHECK_FALSE(normalize_repository("org/"));
  CHECK(normalize_notion_id(
            "https://www.notion.so/acme/Tasks-1c2b3a4d5e6f47a8b9c0d1e2f3a4b5c6?v=123") ==
        "1c2b3a4d-5e6f-47a8-b9c0-d1e2f3a4b5c6");
  CHECK(normalize_notion_id("1C2B3A4D-5E6F-47A8-B9C0-D1E2F3A4B5C6") ==
        "1c2b3a4d-5e6f-47a8-b9c0-d1e2f3a4b5c6");
  CHECK_FALSE(normalize_notion_id("1c2b3a4d5e6f"));
}

TEST_CASE("API base URLs: https only, http on loopback, a warning for another host") {
  auto with_base = [](const std::string& url) {
    return load(replace(minimal, "  token_env: GITHUB_TOKEN\n",
                        "  token_env: GITHUB_TOKEN\n  base_url: " + url + "\n"));
  };
  auto plain = with_base("http://api.github.com");
  REQUIRE_FALSE(plain.value);
  REQUIRE(plain.errors.size() == 1);
  CHECK(plain.errors[0].key == "github.base_url");
  CHECK(plain.errors[0].line == 5);
  CHECK(plain.errors[0].message.find("must use https") != std::string::npos);
  CHECK_FALSE(with_base("not a url").value);
  auto sandbox = with_base("http://127.0.0.1:8443");
  CHECK(sandbox.value);
  CHECK(sandbox.warnings.empty());
  auto ghes = with_base("https://ghe.example.com/api/v3");
  REQUIRE(ghes.value);
  REQUIRE(ghes.warnings.size() == 1);
  CHECK(ghes.warnings[0].key == "github.base_url");
  CHECK(ghes.warnings[0].message.find("ghe.example.com") != std::string::npos);
  CHECK(with_base("https://api.github.com").warnings.empty());
  auto notion_http =
      load(replace(minimal, "  token_env: NOTION_TOKEN\n",
                   "  token_env: NOTION_TOKEN\n  base_url: http://api.notion.com\n"));
  CHECK_FALSE(notion_http.value);
}

TEST_CASE("a GitHub App key readable by group or others is refused") {
  const std::string key_path = "/tmp/ngsync-config-test-key-" + std::to_string(::getpid()) + ".pem";
  {
    std::ofstream out(key_path);
    out << "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n";
  }
  const auto text = replace(
      minimal, "  token_env: GITHUB_TOKEN\n",
      "  app:\n    client_id: x\n    installation_id: 1\n    private_key_file: " + key_path + "\n");
  ::chmod(key_path.c_str(), 0644);
  auto loose = load(text);
  REQUIRE_FALSE(loose.value);
  REQUIRE(loose.errors.size() == 1);
  CHECK(loose.errors[0].key == "github.app.private_key_file");
  CHECK(loose.errors[0].message.find("mode 0644") != std::string::npos);
  CHECK(loose.errors[0].message.find("chmod 600") != std::string::npos);
  ::chmod(key_path.c_str(), 0600);
  CHECK(load(text).value);
  std::remove(key_path.c_str());
}

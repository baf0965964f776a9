// Config of issue #8: a mapping's project board, milestone and comment options, and their errors
// with file, line and key.
#include <doctest/doctest.h>

#include <map>

#include "core/config/config_loader.hpp"

using namespace ngsync::config;

namespace {

std::optional<std::string> env(const std::string& name) {
  static const std::map<std::string, std::string> values{
      {"NOTION_TOKEN", "n"}, {"GITHUB_TOKEN", "g"}, {"DATABASE_URL", "postgresql://x@h/db"}};
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

const std::string head = R"(notion:
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

load_result load(const std::string& extra) {
  return load_config_text(head + extra, "p.yaml", env);
}

}  // namespace

TEST_CASE("project, milestone and comment options are off by default") {
  auto r = load("");
  REQUIRE(r.errors.empty());
  const auto& m = r.value->sync.mappings.at(0);
  CHECK_FALSE(m.project.has_value());
  CHECK(m.milestone_property.empty());
  CHECK_FALSE(m.create_missing_milestones);
  CHECK_FALSE(m.mirror_comments);
  CHECK_FALSE(m.status_snapshot_comment);
}

TEST_CASE("a mapping names a project board, its fields, milestones and comment options") {
  auto r = load(R"(      project:
        owner: octo
        owner_type: user
        number: 7
        fields:
          Status: Board Status
          Estimate: Points
        remove_when_closed: true
      milestone_property: Release
      create_missing_milestones: true
      mirror_comments: true
      status_snapshot_comment: true
)");
  REQUIRE_MESSAGE(r.errors.empty(), (r.errors.empty() ? "" : r.errors[0].to_string()));
  const auto& m = r.value->sync.mappings.at(0);
  REQUIRE(m.project.has_value());
  CHECK(m.project->owner == "octo");
  CHECK(m.project->owner_is_user);
  CHECK(m.project->number == 7);
  CHECK(m.project->fields.at("Status") == "Board Status");
  CHECK(m.project->fields.at("Estimate") == "Points");
  CHECK(m.project->remove_when_closed);
  CHECK(m.milestone_property == "Release");
  CHECK(m.create_missing_milestones);
  CHECK(m.mirror_comments);
  CHECK(m.status_snapshot_comment);

  auto org = load("      project: {owner: acme, number: 3}\n");
  REQUIRE(org.errors.empty());
  CHECK_FALSE(org.value->sync.mappings[0].project->owner_is_user);
}

TEST_CASE("project and milestone mistakes name the key and line") {
  struct bad {
    std::string text;
    std::string key;
    int line;
    std::string part;
  };
  const std::vector<bad> cases = {
      {"      project:\n        owner: acme\n        owner_type: team\n        number: 1\n",
       "sync.mappings[0].project.owner_type", 16, "organization or user"},
      {"      project:\n        owner: acme\n", "sync.mappings[0].project.number", 15, "required"},
      {"      project:\n        number: 2\n", "sync.mappings[0].project.owner", 15, "required"},
      {"      project:\n        owner: acme\n        number: 0\n",
       "sync.mappings[0].project.number", 16, "between"},
      {"      project:\n        owner: acme\n        number: 1\n        colour: red\n",
       "sync.mappings[0].project.colour", 17, "unknown key"},
      {"      create_missing_milestones: true\n", "sync.mappings[0].create_missing_milestones", 14,
       "needs milestone_property"},
      {"      mirror_comments: maybe\n", "sync.mappings[0].mirror_comments", 14, "true or false"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.text);
    auto r = load(c.text);
    REQUIRE_FALSE(r.errors.empty());
    CHECK_FALSE(r.value.has_value());
    const auto& e = r.errors[0];
    CHECK(e.key == c.key);
    CHECK(e.line == c.line);
    CHECK(e.file == "p.yaml");
    CHECK(e.message.find(c.part) != std::string::npos);
  }
}

// Which configured mapping a page or a data source belongs to, and the planner's rules read from
// a mapping's configuration (core/sync/mapping_binding.hpp).
#include <doctest/doctest.h>

#include <map>
#include <string>

#include "core/sync/mapping_binding.hpp"

using namespace ngsync;
using namespace ngsync::sync;

namespace {

std::map<std::string, mapping_binding> two_mappings() {
  std::map<std::string, mapping_binding> m;
  auto& a = m["roadmap"];
  a.name = "roadmap";
  a.data_source_ids = {"248104cd-477e-80fd-b757-000b6f6e8f2e"};
  a.database_id = "2f26ee68-df30-4251-aad4-8ddc420cba3d";
  auto& b = m["support"];
  b.name = "support";
  b.data_source_ids = {"5c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"};
  return m;
}

}  // namespace

TEST_CASE("mapping binding: a data source belongs to the mapping that polls it, in any id form") {
  const auto m = two_mappings();
  const auto* found = mapping_of_data_source(m, "5C1D2E3F4A5B4C6D8E9F0A1B2C3D4E5F");
  REQUIRE(found);
  CHECK(found->name == "support");
  CHECK_FALSE(mapping_of_data_source(m, "00000000-0000-4000-8000-000000000000"));
}

TEST_CASE("mapping binding: a page belongs through its parent data source, or its database") {
  const auto m = two_mappings();
  auto match = mapping_of_parent(m, "248104cd477e80fdb757000b6f6e8f2e", "");
  REQUIRE(match.mapping);
  CHECK(match.mapping->name == "roadmap");
  // A parent given only as the database belongs under the mapping's first data source.
  match = mapping_of_parent(m, "", "2f26ee68df304251aad48ddc420cba3d");
  REQUIRE(match.mapping);
  CHECK(match.data_source_id == "248104cd-477e-80fd-b757-000b6f6e8f2e");
  CHECK_FALSE(mapping_of_parent(m, "00000000-0000-4000-8000-000000000000", "").mapping);
}

TEST_CASE("mapping binding: the planner's rules are the configuration's, with owners and reasons") {
  config::mapping c;
  c.name = "roadmap";
  c.title_property = "Name";
  c.status_property = "Status";
  c.repository = "acme/roadmap";
  c.close_statuses = {{"Complete", "completed"}, {"Won't do", "not_planned"}};
  c.ownership.status = "newer_wins";
  c.ownership.labels = "github";
  c.sync_status_property = "Sync Status";
  const auto r = rules_from_config(c);
  CHECK(r.name == "roadmap");
  CHECK(r.status_property == "Status");
  CHECK_FALSE(r.labels_property);  // not configured: no property
  CHECK(r.fixed_repository == "acme/roadmap");
  REQUIRE(r.close_statuses.size() == 2);
  for (const auto& cs : r.close_statuses) {
    CHECK(cs.reason ==
          (cs.status == "Won't do" ? close_reason::not_planned : close_reason::completed));
  }
  CHECK(r.ownership.status == field_owner::newer_wins);
  CHECK(r.ownership.labels == field_owner::github);
  CHECK(r.ownership.title == field_owner::notion);
  CHECK(r.write_back.sync_status == "Sync Status");
  CHECK_FALSE(r.write_back.issue_url);
}

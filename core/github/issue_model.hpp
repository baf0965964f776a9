#pragma once
// A GitHub issue (or pull request seen through the issues API) as the sync reads it, parsed by hand
// from REST JSON. Unknown keys are ignored; correct under API versions 2022-11-28 and 2026-03-10
// (which drops the singular `assignee`, so only `assignees` is read).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/api/parse_error.hpp"

namespace ngsync::github {

enum class issue_state { open, closed };

struct github_issue {
  std::int64_t number = 0;
  std::string node_id;
  std::string html_url;
  issue_state state = issue_state::open;
  std::optional<std::string> state_reason;  // completed, not_planned, duplicate, reopened or null
  std::string title;
  std::string body;                    // null body reads as empty
  std::vector<std::string> labels;     // names, in GitHub's order
  std::vector<std::string> assignees;  // logins, in GitHub's order
  std::string user_login;              // the author
  std::string updated_at;              // ISO 8601
  bool is_pull_request = false;        // the `pull_request` key is present
};

// Fails (never throws) when the value is not an object or number/state are missing or wrong.
api::parse_result<github_issue> parse_issue(const boost::json::value& json);

// The list endpoint's array; entries that fail to parse are reported, not fatal.
struct issue_list {
  std::vector<github_issue> issues;
  std::vector<api::parse_error> errors;
};
api::parse_result<issue_list> parse_issue_list(const boost::json::value& json);

const char* to_string(issue_state s) noexcept;

}  // namespace ngsync::github

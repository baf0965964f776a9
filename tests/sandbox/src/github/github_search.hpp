#pragma once
// The subset of GitHub's issue search syntax the daemon uses: quoted phrases and bare words,
// `in:title|body`, `repo:o/r`, `is:issue|pr|open|closed`, `type:issue|pr`, `state:open|closed`.
#include <string>
#include <vector>

namespace ngsync::sandbox::github {

struct issue_query {
  std::vector<std::string> terms;  // phrases and words, lower-cased; all must match
  std::vector<std::string> repos;  // full names, lower-cased; any may match
  bool in_title = false;           // neither set: title and body both searched
  bool in_body = false;
  std::string kind;   // "", "issue" or "pr"
  std::string state;  // "", "open" or "closed"
};

issue_query parse_issue_query(const std::string& q);

struct searchable_issue {
  std::string repo_full_name;
  std::string title;
  std::string body;
  std::string state;
  bool is_pull = false;
};

bool query_matches(const issue_query& query, const searchable_issue& issue);

}  // namespace ngsync::sandbox::github

// Issue search query parsing and matching.
#include "tests/sandbox/src/github/github_search.hpp"

#include <algorithm>
#include <cctype>

namespace ngsync::sandbox::github {

static std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

issue_query parse_issue_query(const std::string& q) {
  issue_query query;
  std::size_t i = 0;
  while (i < q.size()) {
    if (std::isspace(static_cast<unsigned char>(q[i]))) {
      ++i;
      continue;
    }
    if (q[i] == '"') {
      const auto end = q.find('"', i + 1);
      const std::string phrase = q.substr(i + 1, end == std::string::npos ? end : end - i - 1);
      if (!phrase.empty()) query.terms.push_back(lower(phrase));
      i = end == std::string::npos ? q.size() : end + 1;
      continue;
    }
    std::size_t end = i;
    while (end < q.size() && !std::isspace(static_cast<unsigned char>(q[end]))) ++end;
    const std::string word = lower(q.substr(i, end - i));
    i = end;
    const auto colon = word.find(':');
    if (colon != std::string::npos && colon > 0) {
      const std::string key = word.substr(0, colon), value = word.substr(colon + 1);
      if (key == "repo") {
        query.repos.push_back(value);
        continue;
      }
      if (key == "in") {
        if (value.find("title") != std::string::npos) query.in_title = true;
        if (value.find("body") != std::string::npos) query.in_body = true;
        continue;
      }
      if (key == "is" || key == "type") {
        if (value == "issue") query.kind = "issue";
        if (value == "pr" || value == "pull-request") query.kind = "pr";
        if (value == "open" || value == "closed") query.state = value;
        continue;
      }
      if (key == "state") {
        query.state = value;
        continue;
      }
    }
    query.terms.push_back(word);
  }
  return query;
}

bool query_matches(const issue_query& query, const searchable_issue& issue) {
  if (!query.repos.empty() && std::find(query.repos.begin(), query.repos.end(),
                                        lower(issue.repo_full_name)) == query.repos.end())
    return false;
  if (query.kind == "issue" && issue.is_pull) return false;
  if (query.kind == "pr" && !issue.is_pull) return false;
  if (!query.state.empty() && query.state != issue.state) return false;
  const bool both = !query.in_title && !query.in_body;
  const std::string title = lower(issue.title), body = lower(issue.body);
  for (const auto& term : query.terms) {
    const bool found = ((both || query.in_title) && title.find(term) != std::string::npos) ||
                       ((both || query.in_body) && body.find(term) != std::string::npos);
    if (!found) return false;
  }
  return true;
}

}  // namespace ngsync::sandbox::github

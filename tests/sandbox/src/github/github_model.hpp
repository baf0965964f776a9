#pragma once
// The GitHub emulator's state: users, repositories with their issues, pull requests and comments,
// the GitHub App with its installations and issued tokens, and webhook subscriptions.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace ngsync::sandbox::github {

using time_point = std::chrono::system_clock::time_point;

struct gh_user {
  std::string login;
  std::int64_t id = 0;
  std::string type = "User";  // "User", "Bot" or "Organization"
};

// GitHub compares label names without regard to (ASCII) case.
inline bool same_label_name(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

struct gh_label {
  std::int64_t id = 0;
  std::string name;
  std::string color = "ededed";
  std::optional<std::string> description;
  bool is_default = false;
};

struct gh_milestone {
  std::int64_t id = 0;
  int number = 0;
  std::string title;
  std::string state = "open";
  std::optional<std::string> description;
  std::optional<std::string> due_on;     // ISO 8601
  std::optional<time_point> created_at;  // the repository's creation when unset
  std::optional<time_point> closed_at;
};

// What search sees of an issue at one moment: the index lags behind the issue.
struct gh_index_version {
  time_point at;
  std::string title;
  std::string body;
  std::string state;
};

struct gh_pull_details {
  std::string head;
  std::string base;
  bool draft = false;
  std::string head_sha;
  std::string base_sha;
};

// A commit of the repository's Git database. Trees are not modelled: a tree exists when a commit
// points at it, which is all the Git data endpoints the sync uses need.
struct gh_commit {
  std::string sha;
  std::string tree_sha;
  std::string message;
  std::vector<std::string> parents;
  std::string author_name;
  std::string author_email;
  time_point date;
};

// An issue or a pull request (they share numbers and most fields, as on GitHub).
struct gh_issue {
  std::int64_t id = 0;
  int number = 0;
  std::string title;
  std::optional<std::string> body;
  std::string state = "open";
  std::optional<std::string> state_reason;
  std::string author;                  // login
  std::vector<std::string> labels;     // label names, in the order set
  std::vector<std::string> assignees;  // logins
  std::optional<int> milestone;        // milestone number
  int comments = 0;
  time_point created_at;
  time_point updated_at;
  std::optional<time_point> closed_at;
  std::optional<std::string> closed_by;
  bool deleted = false;
  // Transferred to another repository (`transfer_issue`): {repository id, number}. The old place
  // then answers with a redirect, as GitHub does.
  std::optional<std::pair<std::int64_t, int>> transferred_to;
  std::optional<gh_pull_details> pull;  // set for pull requests
  std::int64_t pull_id = 0;
  std::vector<gh_index_version> index_versions;
};

struct gh_comment {
  std::int64_t id = 0;
  int issue_number = 0;
  std::string body;
  std::string author;
  time_point created_at;
  time_point updated_at;
};

struct gh_repo {
  std::int64_t id = 0;
  std::string owner;
  std::string name;
  std::vector<std::string> old_full_names;  // answered with redirects
  bool issues_enabled = true;
  bool is_private = true;
  std::string default_branch = "main";
  // Draft PRs need a public repository or a paid plan; GitHub refuses them otherwise.
  bool draft_pull_requests = true;
  std::set<std::string> collaborators;
  std::vector<gh_label> labels;
  std::vector<gh_milestone> milestones;
  std::map<int, gh_issue> issues;  // by number; pull requests too
  std::vector<gh_comment> comments;
  std::map<std::string, std::string> refs;    // "refs/heads/main" -> commit sha
  std::map<std::string, gh_commit> commits;  // by sha
  int next_number = 1;
  time_point created_at;

  std::string full_name() const { return owner + "/" + name; }
};

struct gh_app {
  std::int64_t id = 0;
  std::string client_id;
  std::string slug;
  std::string name;
  std::string public_key_pem;
  std::int64_t bot_user_id = 0;
  std::string owner;  // login
};

struct gh_installation {
  std::int64_t id = 0;
  std::string account;                            // login of the account it is installed on
  std::string repository_selection = "selected";  // or "all"
  std::vector<std::string> repositories;          // full names when "selected"
  std::map<std::string, std::string> permissions;
  std::vector<std::string> events;
};

struct gh_issued_token {
  std::string token;
  std::int64_t installation_id = 0;
  time_point expires_at;
};

struct gh_hook {
  std::int64_t id = 0;
  std::string url;
  std::string secret;
  std::vector<std::string> events;              // e.g. {"issues"}; "*" for all
  std::optional<std::string> repo;              // full name; all repositories when unset
  std::optional<std::int64_t> installation_id;  // App hooks carry an `installation` key
};

}  // namespace ngsync::sandbox::github

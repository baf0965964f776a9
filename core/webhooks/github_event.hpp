#pragma once
// The parts of a GitHub `issues` webhook the two-way sync reads: which issue, which action, who
// did it. The issue object itself is only a hint: the job reads the issue again before acting.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/github/issue_model.hpp"

namespace ngsync::webhooks {

struct github_issue_event {
  std::string action;       // opened, edited, closed, reopened, labeled, ...
  std::string repo;         // repository.full_name, lower case
  std::int64_t number = 0;  // issue.number
  bool is_pull_request = false;
  std::string sender_login;  // the acting user, or "<slug>[bot]" for an App
};

// Parses an `issues` event body, or a `pull_request` one (its `pull_request` object in place of
// `issue`; a draft PR the sync opened is followed like an issue). Fails (never throws) on
// malformed JSON or missing keys.
api::parse_result<github_issue_event> parse_github_issue_event(std::string_view body);

// Actions that can change a field the sync mirrors (state, title, body, labels, assignees).
bool is_synced_issue_action(std::string_view action);

// True when `sender` is the daemon itself: its token user's login, or its App's bot login
// ("<slug>[bot]"). Compared case-insensitively, as GitHub logins are.
bool is_own_sender(std::string_view sender, std::string_view own_login);

}  // namespace ngsync::webhooks

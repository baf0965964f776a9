#pragma once
// Opens a page's draft pull request the way real GitHub accepts one. GitHub refuses a pull request
// whose head branch does not exist or has no commit its base lacks, so the head branch
// `ngsync/<page id>` is made first: one empty commit (the base's tree) on top of the base
// branch's head, through the Git data API. Then the draft PR, then its labels and assignees
// through the issues endpoint (POST /pulls takes neither; a PR is an issue there).
// Every step can be repeated after a failure or a crash: a branch that already exists is reused.
// The create intent recorded before this (page_sync.cpp) covers the PR itself.
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/github/github_port.hpp"
#include "core/sync/sync_action.hpp"

namespace ngsync::engine {

// The head branch of a page's draft pull request.
std::string draft_pr_branch(const std::string& page_id);

// Branch (made or reused), draft PR, then labels and assignees. Returns the PR as an issue,
// its labels and assignees as GitHub now holds them.
boost::asio::awaitable<github::github_issue> open_draft_pr(github::github_port& github_api,
                                                           std::string page_id,
                                                           sync::create_issue_action create,
                                                           std::string base_branch);

}  // namespace ngsync::engine

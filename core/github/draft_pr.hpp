#pragma once
// Opens a page's draft pull request the way real GitHub accepts one. GitHub refuses a pull request
// whose head branch does not exist or has no commit its base lacks, so the head branch
// `ngsync/<page id>` is made first: one empty commit (the base's tree) on top of the base
// branch's head, through the Git data API. Then the draft PR, then its labels and assignees
// through the issues endpoint (POST /pulls takes neither; a PR is an issue there).
// Every step can be repeated after a failure or a crash: a branch that already exists is reused.
// The create intent the page sync records before this covers the PR itself.
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>

#include "core/github/github_port.hpp"

namespace ngsync::github {

// The head branch of a page's draft pull request.
std::string draft_pr_branch(const std::string& page_id);

// The head branch, made (or reused when it exists, whatever it points at now: a person may have
// pushed work to it). Four calls the first time. Throws a permanent failure when the base branch
// does not exist. Returns the branch's name.
boost::asio::awaitable<std::string> ensure_draft_pr_branch(github_port& github_api,
                                                           std::string repo, std::string page_id,
                                                           std::string base_branch);

struct draft_pr {
  std::string repo;
  std::string title;
  std::string body;
  std::vector<std::string> labels;
  std::vector<std::string> assignees;
};

// The draft PR on an existing head branch, then its labels and assignees. Returns the PR as an
// issue, its labels and assignees as GitHub now holds them.
boost::asio::awaitable<github_issue> open_draft_pr(github_port& github_api, draft_pr pr,
                                                   std::string head_branch,
                                                   std::string base_branch);

}  // namespace ngsync::github

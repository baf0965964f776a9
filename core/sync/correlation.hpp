#pragma once
// Correlation from what the page and the issue carry (the design: "reads GitHub IDs from Notion
// properties to correlate"). A page the link table does not know (a database restored from an
// old backup, an empty one after a move) may still carry its issue's number and URL in its
// write-back properties: that issue is re-linked, never created again. It is adopted only when
// it lives in the mapped repository, carries this page's marker and was opened by the daemon's
// own identity; anything else is an error on the page, and nothing is created.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/github/issue_model.hpp"
#include "core/notion/page_model.hpp"
#include "core/sync/input_error.hpp"
#include "core/sync/mapping_rules.hpp"

namespace ngsync::sync {

// The issue a page says is its own.
struct claimed_issue {
  std::string repo;  // "owner/repo", lower case
  std::int64_t number = 0;
  friend bool operator==(const claimed_issue&, const claimed_issue&) = default;
};

// From the page's issue URL property (repository and number) or, without a URL, its issue
// number property in the mapping's repository (the page's repository property, else the fixed
// one). Nothing when the page claims no issue; an input_error when the claim cannot be read
// (a URL of another kind, a number that is not a positive integer, no repository).
std::optional<input_result<claimed_issue>> issue_claimed_by(const notion::notion_page& page,
                                                            const mapping_rules& rules);

// The repository the mapping puts this page's issue in: the page's repository property, else
// the fixed one; nothing when neither names a valid repository.
std::optional<std::string> mapped_repository(const notion::notion_page& page,
                                             const mapping_rules& rules);

enum class claim_verdict {
  adopt,           // ours: link it and sync it like any linked page
  not_found,       // GitHub answers 404/410 for it
  other_repo,      // the claim points outside the mapping's repository
  no_marker,       // the issue carries no page marker
  other_page,      // its marker names another page
  foreign_author,  // someone other than the daemon opened it
};

struct claim_judgement {
  claim_verdict verdict = claim_verdict::adopt;
  std::string message;  // for the page's error property; empty when adopted
};

// Whether `found` (nothing: GitHub had no such issue) may be adopted for `page_id`. `mapped_repo`
// is where the mapping puts this page's issues (empty: any repository the page names).
claim_judgement judge_claim(std::string_view page_id, const claimed_issue& claim,
                            const std::optional<github::github_issue>& found,
                            std::string_view mapped_repo, std::string_view own_login);

}  // namespace ngsync::sync

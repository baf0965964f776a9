#pragma once
// Named places where a test can make the daemon die as if SIGKILLed (no cleanup, no commit):
// NGSYNC_CRASH_POINT=<name> in the environment. They prove the exactly-once and
// nothing-lost claims across crashes at the worst moments (tests/daemon, the chaos harness).
// With the variable unset (production), a crash point costs one cached comparison.
#include <string_view>

namespace ngsync::engine {

// Between GitHub's 201 for a new issue and the commit of its number to the link table.
inline constexpr std::string_view crash_after_issue_create = "after_issue_create";

// Between the creation of a draft PR's head branch and the POST of the PR itself.
inline constexpr std::string_view crash_after_draft_pr_branch = "after_draft_pr_branch";

// Between GitHub's 201 for a mirrored Notion comment and recording it as mirrored.
inline constexpr std::string_view crash_after_comment_mirror = "after_comment_mirror";

// After a poll committed a queue batch other than its last (the last carries the watermark).
inline constexpr std::string_view crash_after_poll_batch = "poll_batch_committed";

void crash_point(std::string_view name);

}  // namespace ngsync::engine

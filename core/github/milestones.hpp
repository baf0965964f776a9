#pragma once
// Repository milestones by title (GET/POST /repos/{o}/{r}/milestones) and setting an issue's
// milestone (PATCH the issue with the milestone's number), for `milestone_property`.
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/ratelimit/api_caller.hpp"

namespace ngsync::github {

// The number of the milestone titled `title` (open or closed; compared case-insensitively),
// created when `create_missing` (else nullopt). Throws api::api_exception (classified).
boost::asio::awaitable<std::optional<std::int64_t>> find_milestone(ratelimit::api_caller& github,
                                                                   std::string repo,
                                                                   std::string title,
                                                                   bool create_missing,
                                                                   std::string sync_run_id);

// Sets (number) or clears (nullopt) the issue's milestone.
boost::asio::awaitable<void> set_issue_milestone(ratelimit::api_caller& github, std::string repo,
                                                 std::int64_t issue_number,
                                                 std::optional<std::int64_t> milestone,
                                                 std::string sync_run_id);

}  // namespace ngsync::github

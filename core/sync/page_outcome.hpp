#pragma once
// What one page's sync leaves behind, decided from values: the issue its extras follow, what the
// page shows when something replaces Success (an extras error, a failed or rescheduled job), and
// the record the link keeps once the page is in sync. The engine (daemon/engine/page_sync*.cpp,
// page_trouble.cpp) reads, asks these, and writes what they say.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "core/notion/page_model.hpp"
#include "core/sync/link_state.hpp"
#include "core/sync/mapping_rules.hpp"
#include "core/sync/sync_action.hpp"

namespace ngsync::sync {

using wall_time = std::chrono::system_clock::time_point;

// The issue a page's extras (project item, milestone, comments) follow: the one this sync created
// or adopted, else the link's confirmed issue; closed as the plan leaves it (or, with nothing
// desired, as the daemon last wrote it). None when there is no confirmed issue yet.
struct extras_issue {
  std::string repo;
  std::int64_t number = 0;
  bool closed = false;
};
struct created_here {  // an issue this sync created or adopted
  std::string repo;
  std::int64_t number = 0;
};
std::optional<extras_issue> extras_issue_of(const std::optional<link_state>& state,
                                            const std::optional<created_here>& created,
                                            const sync_plan& plan);

// The plan's write-back when `error` replaces Success (an extras error, names GitHub dropped):
// Error and the error's text; no last-sync time. The number and URL are still written.
write_back_action error_replacing_success(write_back_action wb, const std::string& error);

// An error found outside the plan (the extras, a refused correlation), for the page: Error and the
// text, for the properties the page has. None when the page shows exactly that already (writing
// it again only bumps last_edited_time and starts another sync) or is in the trash.
std::optional<write_back_action> error_to_show(const notion::notion_page& page,
                                               const write_back_properties& wb,
                                               const std::string& error);

// After a job failed: Error with the text once it is dead; Pending with the text on its first
// attempt (a retry comes); nothing on later attempts, which the page shows already.
std::optional<write_back_action> failure_to_show(const write_back_properties& wb,
                                                 const std::string& error, bool dead, int attempts);

// While a job waits for its retry or a rate limit (core/sync/page_notice): Pending and why.
write_back_action pending_to_show(const write_back_properties& wb, const std::string& notice);

// What the link records when the page is in sync: the page's edit time as Notion last reported it,
// the hash of the fields applied, when it was verified, and what GitHub holds (empty: unchanged).
struct in_sync_record {
  std::string notion_last_edited;
  std::string synced_hash;
  wall_time synced_at;
  boost::json::object written_to_github;
};

// What a round that carried out its plan records. `edited_after_write_back` is the page's
// last_edited_time from Notion's answer to this round's write-back. Verified as of the page's
// read, never later: an edit made after it in the same Notion minute still gets a second look.
// None when neither the plan nor the link has a hash (nothing was compared with GitHub).
struct round_facts {
  std::optional<std::string> link_hash;
  std::string page_last_edited;
  std::optional<std::string> edited_after_write_back;
  wall_time now;
  wall_time read_at;
  github_applied_names applied;
};
std::optional<in_sync_record> record_after_round(const sync_plan& plan, const round_facts& facts);

// A plan with nothing to do: the link is marked verified (so the poller settles the page) when it
// is in sync, or in an error the extras may have cleared (never a trashed page's: that error is
// its issue reopened on GitHub, not the extras' to clear). A plan that compared the page with the
// issue and found agreement records that state, not the older hash.
std::optional<in_sync_record> record_when_unchanged(const sync_plan& plan,
                                                    std::optional<link_status> link,
                                                    const notion::notion_page& page,
                                                    bool extras_wanted, const round_facts& facts);

}  // namespace ngsync::sync

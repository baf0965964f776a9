#pragma once
// One page's sync job, step by step: decide -> do -> observe -> decide. The job plans with the
// planner (planner.hpp), and each action becomes the steps that carry it out: the create exactly
// once (sync-model.md §3: the recovery scan of a database that lost its links, the intent
// committed before the POST, the number recorded with the in-sync state), the update and its
// provenance, the issue's extras, the write-back (and, when the page was trashed meanwhile, its
// second read), and the link's record at the end. The engine (daemon/engine/page_sync.cpp)
// performs each step through its ports and hands the answer back; what the job learns (an issue
// read or found by its marker, a link found meanwhile) makes the next plan. No I/O here: every
// path is driven in a unit test.
#include <chrono>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <boost/json/object.hpp>

#include "core/github/issue_model.hpp"
#include "core/notion/page_model.hpp"
#include "core/sync/link_state.hpp"
#include "core/sync/mapping_rules.hpp"
#include "core/sync/page_outcome.hpp"
#include "core/sync/sync_action.hpp"

namespace ngsync::sync {

// The page's link row as a sync reads it.
struct link_reading {
  link_state state;
  std::optional<std::string> synced_hash;  // as stored (none: never synced)
  link_status status = link_status::pending;
};

// True when the link table holds no issue for the page and no create in flight (a create intent
// is settled by the marker search instead): only then may the page's own claim be read
// (correlation.hpp).
bool needs_correlation(const std::optional<link_reading>& link);

// What the job read before it plans: the page (and its content when needed) and its link.
struct page_reading {
  notion::notion_page page;
  std::string content;
  std::optional<link_reading> link;
  // When `page` was read (see round_facts::read_at).
  wall_time read_at;
};

// An issue this job created or adopted, as GitHub answered it.
struct issue_created {
  std::string repo;
  std::int64_t number = 0;
  std::string node_id;
  std::string html_url;
  issue_kind kind = issue_kind::issue;
};

// The steps. Each names what the engine does; the comment says what it hands back.
struct plan_made {  // log the new plan's warnings -> carried_out()
  std::vector<std::string> warnings;
};
struct read_issue_step {  // GET the issue -> issue_read()
  std::string repo;
  std::int64_t number = 0;
};
// An earlier POST's outcome is unknown: list the repository's issues updated since `since` (the
// list endpoint, never search, which lags behind creation) and judge each one's marker
// (adoption.hpp, judge_marked_issue) -> marker_search_ended().
struct find_own_issue_step {
  std::string repo;
  std::string since;  // ISO 8601
};
// A database that lost its links reads the repository's marked issues once before its first
// create there (the engine's repo_recovery) -> links_scanned() with the page's link if re-linked.
struct scan_lost_links_step {
  std::string repo;
};
struct record_intent_step {  // commit the create intent (a fresh attempt id) -> carried_out()
  std::string repo;
  wall_time at;
};
struct open_issue_step {  // POST the issue, or the draft PR's branch and PR -> issue_opened()
  create_issue_action create;
};
struct record_created_step {  // the number on the link, at once -> carried_out()
  issue_created issue;
};
struct close_created_step {  // the page was created in a close status -> carried_out()
  std::string repo;
  std::int64_t number = 0;
  close_reason reason = close_reason::completed;
};
struct update_issue_step {  // PATCH -> issue_updated() with GitHub's answer
  update_issue_action update;
};
struct record_github_write_step {  // what GitHub now holds, before anything else can fail
  boost::json::object written;     // -> carried_out()
};
struct run_extras_step {  // the issue's project, milestone and comments -> extras_done()
  extras_issue issue;
};
// PATCH the page's properties -> written_back() with Notion's last_edited_time, or
// page_trashed() when Notion refused it because the page is in the trash now.
struct write_back_step {
  boost::json::object properties;
};
struct read_page_again_step {};  // the page, its link and content again -> page_read_again()
struct read_content_step {};     // the page's content (skipped while unlinked) -> content_read()
struct mark_error_step {         // the plan's error on the link -> carried_out()
  std::string message;
  bool link_exists = false;  // else the row is made with the error
};
struct mark_in_sync_step {  // -> carried_out()
  in_sync_record record;
  std::optional<issue_created> created;  // this job's issue, recorded with the state
};
struct mark_verified_step {  // nothing to do, the link's record as verified -> carried_out()
  in_sync_record record;
};
// An error of the issue's extras (or names GitHub dropped): on the link, and on the page when
// it shows something else -> carried_out().
struct report_extras_error_step {
  std::string error;
  bool show_on_page = true;
};
// The job fails permanently; `write_refusal` says the write-back's refusal is the cause.
struct give_up_step {
  std::string why;
  bool write_refusal = false;
};
enum class page_job_end { synced, unchanged, page_error, extras_error };
struct job_done {
  page_job_end end = page_job_end::synced;
};

using page_step =
    std::variant<plan_made, read_issue_step, find_own_issue_step, scan_lost_links_step,
                 record_intent_step, open_issue_step, record_created_step, close_created_step,
                 update_issue_step, record_github_write_step, run_extras_step, write_back_step,
                 read_page_again_step, read_content_step, mark_error_step, mark_in_sync_step,
                 mark_verified_step, report_extras_error_step, give_up_step, job_done>;

// The step's name, for logs and tests: "open_issue", "write_back", ...
const char* step_name(const page_step& step);

struct page_job_settings {
  bool extras_wanted = false;    // the mapping asks for a project, milestone or comments
  std::string own_github_login;  // empty: unknown (issues are then never told from copies)
};

class page_sync_steps {
 public:
  page_sync_steps(page_reading reading, const mapping_rules& rules, page_job_settings settings);

  // The next step. `now` is read once per plan: it stamps the plan, the intent and the record.
  page_step next(wall_time now);

  // What the engine hands back after carrying out the step next() returned.
  void carried_out();
  void issue_read(github::github_issue issue);
  // `own`: the issue the daemon opened with this page's marker; `a_copy`: the number of an issue
  // carrying the marker that someone else opened (never adopted), if any.
  void marker_search_ended(std::optional<github::github_issue> own,
                           std::optional<std::int64_t> a_copy);
  // The page's link after the scan when it re-linked the page to an issue.
  void links_scanned(std::optional<link_reading> relinked);
  void issue_opened(const github::github_issue& made);
  void issue_updated(const github::github_issue& shown);
  void extras_done(std::optional<std::string> error);
  void written_back(std::optional<std::string> last_edited_time);
  void page_trashed();
  void page_read_again(page_reading reading);
  void content_read(std::string content);

  // A link found before the first plan (the page named its issue), with the issue as read.
  void link_found(link_reading link, std::optional<github::github_issue> issue);

  // The sync run id of the current plan (logs, the extras, the records).
  const std::string& run() const { return plan_.sync_run_id; }
  const page_reading& reading() const { return reading_; }
  // An issue this job created whose number waits for the in-sync record: the engine records it
  // when the job ends before that (an error, the page's own error state).
  const std::optional<issue_created>& unrecorded() const { return unrecorded_; }

 private:
  enum class phase { start, plan, act, finish, unchanged, done };
  // Each returns the phase's next step, or nothing when the phase changed.
  std::optional<page_step> start_next();
  std::optional<page_step> plan_next(wall_time now);
  std::optional<page_step> act_next();
  std::optional<page_step> write_back_next(const write_back_action& wb);
  std::optional<page_step> finish_next();
  std::optional<page_step> unchanged_next();
  void give_up(std::string why, bool write_refusal = false);
  // The action's steps are over: the next action (or the round's end) follows.
  void next_action();
  void replan();
  // A link found meanwhile (correlated, re-linked by the recovery scan): planned from now.
  void take_link(link_reading link);
  std::optional<extras_issue> extras_target() const;
  round_facts facts() const;
  const sync_action& action() const { return plan_.actions[action_]; }

  page_reading reading_;
  const mapping_rules& rules_;
  page_job_settings settings_;
  std::optional<link_state> state_;  // the link as the planner reads it (an adoption updates it)
  std::optional<github::github_issue> issue_;
  std::optional<issue_created> created_;
  std::optional<issue_created> unrecorded_;
  std::optional<std::string> edited_after_write_back_;
  bool trash_replanned_ = false;
  bool content_owed_ = false;  // a link was taken while the content was skipped
  int rounds_ = 0;
  phase phase_ = phase::start;

  // The round: its plan, the action being carried out and how far.
  sync_plan plan_;
  wall_time now_{};
  std::size_t action_ = 0;
  int stage_ = 0;
  std::optional<std::string> error_message_;  // the plan's mark_error
  bool extras_ran_ = false;
  bool extras_error_shown_ = false;  // written to the page with the plan's write-back
  std::optional<std::string> extras_error_;
  github_applied_names applied_;
  job_done end_;
  // Steps an answer made due, before anything else (a record, a close, a second read).
  std::deque<page_step> queued_;
  // The step just handed out records `unrecorded_`: carried_out() forgets it.
  bool records_unrecorded_ = false;
};

}  // namespace ngsync::sync

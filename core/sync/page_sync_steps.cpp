#include "core/sync/page_sync_steps.hpp"

#include <array>

#include <fmt/format.h>

#include "core/sync/page_sync_rules.hpp"
#include "core/sync/planner.hpp"
#include "core/sync/provenance.hpp"
#include "core/time/iso8601.hpp"

namespace ngsync::sync {

namespace {

// A marker search looks a little before the intent: the clocks of GitHub and of this host differ.
constexpr auto marker_search_slack = std::chrono::minutes(5);
// An intent whose time does not parse (never written by this daemon) is searched for a day back.
constexpr auto intent_age_unknown = std::chrono::hours(24);
// A plan may ask to learn something first (fetch the issue, look for the marker): planned again
// with the answer. Three rounds always suffice; more means a bug, not a slow page. A page trashed
// between its read and its write-back costs two more (read again, fetch).
constexpr int rounds_allowed = 3;
constexpr int rounds_allowed_after_trash = 5;

}  // namespace

bool needs_correlation(const std::optional<link_reading>& link) {
  return !link || (!link->state.issue_number && !link->state.create_intent);
}

const char* step_name(const page_step& step) {
  static constexpr std::array names = {
      "plan_made",       "read_issue",          "find_own_issue", "scan_lost_links",
      "record_intent",   "open_issue",          "record_created", "close_created",
      "update_issue",    "record_github_write", "run_extras",     "write_back",
      "read_page_again", "read_content",        "mark_error",     "mark_in_sync",
      "mark_verified",   "report_extras_error", "give_up",        "job_done"};
  static_assert(names.size() == std::variant_size_v<page_step>);
  return names.at(step.index());
}

page_sync_steps::page_sync_steps(page_reading reading, const mapping_rules& rules,
                                 page_job_settings settings)
    : reading_(std::move(reading)), rules_(rules), settings_(std::move(settings)) {
  if (reading_.link) state_ = reading_.link->state;
}

page_step page_sync_steps::next(wall_time now) {
  for (;;) {
    if (!queued_.empty()) {
      auto step = std::move(queued_.front());
      queued_.pop_front();
      records_unrecorded_ = std::holds_alternative<record_created_step>(step) && unrecorded_ &&
                            std::get<record_created_step>(step).issue.number == unrecorded_->number;
      return step;
    }
    records_unrecorded_ = false;
    std::optional<page_step> step;
    switch (phase_) {
      case phase::start:
        step = start_next();
        break;
      case phase::plan:
        step = plan_next(now);
        break;
      case phase::act:
        step = act_next();
        break;
      case phase::finish:
        step = finish_next();
        break;
      case phase::unchanged:
        step = unchanged_next();
        break;
      case phase::done:
        return end_;
    }
    if (step) {
      records_unrecorded_ = std::holds_alternative<mark_in_sync_step>(*step) &&
                            std::get<mark_in_sync_step>(*step).created.has_value();
      return *step;
    }
  }
}

void page_sync_steps::carried_out() {
  if (records_unrecorded_) unrecorded_.reset();
  records_unrecorded_ = false;
}

std::optional<page_step> page_sync_steps::start_next() {
  if (content_owed_) return read_content_step{};
  // The issue the first plan compares with, when the page's synced fields changed.
  if (!issue_ && needs_issue(reading_.page, reading_.content, state_, rules_)) {
    phase_ = phase::plan;  // issue_read() answers before the next step
    return read_issue_step{state_->repo, *state_->issue_number};
  }
  phase_ = phase::plan;
  return std::nullopt;
}

std::optional<page_step> page_sync_steps::plan_next(wall_time now) {
  if (content_owed_) return read_content_step{};
  if (rounds_ >= (trash_replanned_ ? rounds_allowed_after_trash : rounds_allowed)) {
    give_up("the plan did not settle after three rounds");
    return std::nullopt;
  }
  ++rounds_;
  now_ = now;
  plan_ = plan_page(reading_.page, reading_.content, state_, issue_, rules_, iso8601::format(now));
  action_ = 0;
  stage_ = 0;
  error_message_.reset();
  extras_ran_ = false;
  extras_error_shown_ = false;
  extras_error_.reset();
  applied_ = {};
  phase_ = plan_.empty() ? phase::unchanged : phase::act;
  return plan_made{plan_.warnings};
}

std::optional<page_step> page_sync_steps::act_next() {
  if (action_ >= plan_.actions.size()) {
    phase_ = phase::finish;
    stage_ = 0;
    return std::nullopt;
  }
  const auto& a = action();
  if (const auto* find = std::get_if<find_issue_by_marker_action>(&a)) {
    // The earlier POST's outcome is unknown: look for the marker among the issues updated since
    // the intent. marker_search_ended() decides.
    const auto since = iso8601::parse(find->since).value_or(now_ - intent_age_unknown);
    return find_own_issue_step{find->repo, iso8601::format(since - marker_search_slack)};
  }
  if (const auto* fetch = std::get_if<fetch_issue_action>(&a)) {
    return read_issue_step{fetch->repo, fetch->number};
  }
  if (const auto* create = std::get_if<create_issue_action>(&a)) {
    switch (stage_++) {
      case 0:
        return scan_lost_links_step{create->repo};
      case 1:  // the intent is committed before GitHub hears of the issue
        return record_intent_step{create->repo, now_};
      default:  // an unknown outcome (timeout, reset) leaves the intent: the retry adopts
        return open_issue_step{*create};
    }
  }
  if (const auto* update = std::get_if<update_issue_action>(&a)) {
    return update_issue_step{*update};
  }
  if (const auto* wb = std::get_if<write_back_action>(&a)) return write_back_next(*wb);
  if (const auto* err = std::get_if<mark_error_action>(&a)) error_message_ = err->message;
  next_action();
  return std::nullopt;
}

std::optional<page_step> page_sync_steps::write_back_next(const write_back_action& wb) {
  // The issue's extras go first: an error there replaces the Success write-back.
  if (stage_ == 0) {
    stage_ = 1;
    if (!extras_ran_) {
      if (auto target = extras_target()) {
        extras_ran_ = true;
        return run_extras_step{*target};
      }
    }
  }
  if (!extras_error_) extras_error_ = dropped_names_notice(plan_, state_, applied_);
  // An extras error replaces Success; the number and URL are still written back.
  auto shown = wb;
  bool shown_already = false;
  if (extras_error_) {
    shown = error_replacing_success(wb, *extras_error_);
    extras_error_shown_ = true;
    shown_already = page_already_shows(reading_.page, rules_.write_back, shown);
  }
  std::optional<std::int64_t> number;
  std::optional<std::string> url;
  if (created_) {
    number = created_->number;
    url = created_->html_url;
  }
  auto props = shown_already ? boost::json::object()
                             : notion_write_back_properties(shown, rules_.write_back, number, url);
  if (props.empty()) {
    next_action();
    return std::nullopt;
  }
  return write_back_step{std::move(props)};
}

std::optional<page_step> page_sync_steps::finish_next() {
  if (stage_ == 0) {
    stage_ = 1;
    if (!error_message_ && !extras_ran_) {
      if (auto target = extras_target()) {
        extras_ran_ = true;
        return run_extras_step{*target};
      }
    }
  }
  if (stage_ == 1) {
    stage_ = 2;
    if (error_message_) {
      // A page error is the page's state, not a job failure: no retry storm.
      phase_ = phase::done;
      end_ = {page_job_end::page_error};
      return mark_error_step{*error_message_, reading_.link.has_value()};
    }
    if (auto record = record_after_round(plan_, facts())) {
      return mark_in_sync_step{std::move(*record), unrecorded_};
    }
  }
  phase_ = phase::done;
  if (extras_error_) {
    end_ = {page_job_end::extras_error};
    return report_extras_error_step{*extras_error_, !extras_error_shown_};
  }
  end_ = {page_job_end::synced};
  return std::nullopt;
}

std::optional<page_step> page_sync_steps::unchanged_next() {
  if (stage_ == 0) {
    stage_ = 1;
    if (auto target = extras_target()) return run_extras_step{*target};
  }
  phase_ = phase::done;
  end_ = {page_job_end::unchanged};
  if (extras_error_) return report_extras_error_step{*extras_error_, true};
  std::optional<link_status> status;
  if (reading_.link) status = reading_.link->status;
  // Verified unchanged after the edit's minute: lets the poller settle this page.
  auto record =
      record_when_unchanged(plan_, status, reading_.page, settings_.extras_wanted, facts());
  if (record) return mark_verified_step{std::move(*record)};
  return std::nullopt;
}

void page_sync_steps::give_up(std::string why, bool write_refusal) {
  phase_ = phase::done;
  queued_.clear();
  queued_.emplace_back(give_up_step{std::move(why), write_refusal});
}

void page_sync_steps::next_action() {
  ++action_;
  stage_ = 0;
}

void page_sync_steps::replan() {
  queued_.clear();
  phase_ = phase::plan;
}

void page_sync_steps::take_link(link_reading link) {
  state_ = link.state;
  reading_.link = std::move(link);
  // Content skipped while the page had no link reaches the issue now.
  if (content_skipped_unlinked(reading_.page, rules_)) content_owed_ = true;
}

void page_sync_steps::link_found(link_reading link, std::optional<github::github_issue> issue) {
  take_link(std::move(link));
  issue_ = std::move(issue);  // already read: the plan compares with it
}

void page_sync_steps::issue_read(github::github_issue issue) {
  issue_ = std::move(issue);
  if (phase_ == phase::act) replan();  // a fetch the plan asked for
}

void page_sync_steps::marker_search_ended(std::optional<github::github_issue> own,
                                          std::optional<std::int64_t> a_copy) {
  const auto& find = std::get<find_issue_by_marker_action>(action());
  if (!own) {
    if (a_copy && settings_.own_github_login.empty()) {
      // Cannot tell ours from a copy: neither adopt nor create a possible duplicate.
      give_up(
          fmt::format("{}#{} carries this page's marker, but the daemon's GitHub identity is "
                      "unknown (set github.own_login)",
                      find.repo, *a_copy));
      return;
    }
    // The earlier POST never landed: the intent is forgotten and a fresh create planned.
    state_->create_intent = false;
    replan();
    return;
  }
  auto& state = *state_;
  const auto kind = own->is_pull_request ? issue_kind::draft_pr : issue_kind::issue;
  created_ = issue_created{find.repo, own->number, own->node_id, own->html_url, kind};
  state.issue_number = own->number;
  state.issue_url = own->html_url;
  state.create_intent = false;
  state.synced_hash.clear();  // compare everything with the adopted issue
  issue_ = std::move(own);
  replan();
  queued_.emplace_back(record_created_step{*created_});
}

void page_sync_steps::links_scanned(std::optional<link_reading> relinked) {
  if (!relinked || !relinked->state.issue_number) return;  // the create goes on
  take_link(std::move(*relinked));
  issue_.reset();
  replan();
}

void page_sync_steps::issue_opened(const github::github_issue& made) {
  const auto& create = std::get<create_issue_action>(action());
  if (create.kind == issue_kind::issue) {
    if (!create.labels.empty()) applied_.labels = made.labels;
    if (!create.assignees.empty()) applied_.assignees = made.assignees;
  }
  created_ = issue_created{create.repo, made.number, made.node_id, made.html_url, create.kind};
  // The number goes to the link with the in-sync state after the write-back to Notion (one row
  // rewrite, not two), or at once when the issue's extras read it from there. Until then a crash
  // leaves the intent, and the retry adopts the issue by its marker.
  if (settings_.extras_wanted) {
    queued_.emplace_back(record_created_step{*created_});
  } else {
    unrecorded_ = created_;
  }
  if (create.close_after_create) {
    queued_.emplace_back(close_created_step{create.repo, made.number, *create.close_after_create});
  }
  next_action();
}

void page_sync_steps::issue_updated(const github::github_issue& shown) {
  const auto& update = std::get<update_issue_action>(action());
  if (update.labels) applied_.labels = shown.labels;
  if (update.assignees) applied_.assignees = shown.assignees;
  if (plan_.desired) {
    // What GitHub now holds, before anything else can fail. A replan after the page was trashed
    // mid-sync, or the retry after a crash, must compare with this write, not with the one
    // before it: otherwise a reopen made here looks like a person's and stands.
    auto written =
        provenance_json(written_values_of(*plan_.desired, iso8601::format(now_), applied_));
    queued_.emplace_back(record_github_write_step{std::move(written)});
  }
  next_action();
}

void page_sync_steps::extras_done(std::optional<std::string> error) {
  extras_error_ = std::move(error);
}

void page_sync_steps::written_back(std::optional<std::string> last_edited_time) {
  if (last_edited_time) edited_after_write_back_ = std::move(last_edited_time);
  next_action();
}

void page_sync_steps::page_trashed() {
  if (trash_replanned_) {
    give_up("the page was trashed again during the sync", true);
    return;
  }
  // Trashed since it was read: read the page (and the link, which a create in this plan
  // changed) again and plan once more, which closes the issue per close_on_trash.
  trash_replanned_ = true;
  if (unrecorded_) queued_.emplace_back(record_created_step{*unrecorded_});
  queued_.emplace_back(read_page_again_step{});
}

void page_sync_steps::page_read_again(page_reading reading) {
  reading_ = std::move(reading);
  state_.reset();
  if (reading_.link) state_ = reading_.link->state;
  if (!reading_.page.in_trash) {
    give_up("the page refused the write-back but is not in the trash", true);
    return;
  }
  issue_.reset();
  replan();
}

void page_sync_steps::content_read(std::string content) {
  reading_.content = std::move(content);
  content_owed_ = false;
}

std::optional<extras_issue> page_sync_steps::extras_target() const {
  if (!settings_.extras_wanted) return std::nullopt;
  std::optional<created_here> created;
  if (created_) created = created_here{created_->repo, created_->number};
  return extras_issue_of(state_, created, plan_);
}

round_facts page_sync_steps::facts() const {
  std::optional<std::string> link_hash;
  if (reading_.link) link_hash = reading_.link->synced_hash;
  return {
      link_hash, reading_.page.last_edited_time, edited_after_write_back_, now_, reading_.read_at,
      applied_};
}

}  // namespace ngsync::sync

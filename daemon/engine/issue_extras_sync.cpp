#include "daemon/engine/issue_extras_sync.hpp"

#include <fmt/format.h>

#include "core/log/logging.hpp"
#include "daemon/engine/crash_points.hpp"

namespace ngsync::engine {
namespace net = boost::asio;
namespace json = boost::json;

net::awaitable<std::optional<std::string>> issue_extras_syncer::sync(config::mapping m,
                                                                     notion::notion_page page,
                                                                     linked_issue issue,
                                                                     std::string run) {
  std::vector<std::string> errors;
  if (m.project) {
    auto e = co_await sync_project(m, page, issue, run);
    if (e) errors.push_back(*e);
  }
  if (!m.milestone_property.empty()) {
    auto e = co_await sync_milestone(m, page, issue, run);
    if (e) errors.push_back(*e);
  }
  if (m.status_snapshot_comment) co_await sync_snapshot(m, page, issue, run);
  if (m.mirror_comments) co_await mirror_comments(page, issue, run);
  if (errors.empty()) co_return std::nullopt;
  co_return sync::join_errors(errors);
}

net::awaitable<github::project_board> issue_extras_syncer::board(github::project_port& projects,
                                                                 config::project_settings s,
                                                                 bool refresh) {
  const auto key = fmt::format("{}:{}/{}", s.owner_is_user ? "user" : "org", s.owner, s.number);
  if (!refresh) {
    if (auto it = boards_.find(key); it != boards_.end()) co_return it->second;
  } else {
    ++counters_.project_refreshes;
  }
  github::project_ref ref{s.owner, s.owner_is_user, s.number};
  auto b = co_await projects.load_board(std::move(ref));
  log::get("sync")->info("msg=\"project read\" project={} id={} fields={}", key, b.id,
                         b.fields.size());
  boards_[key] = b;
  co_return b;
}

net::awaitable<std::optional<std::string>> issue_extras_syncer::sync_project(
    config::mapping m, notion::notion_page page, linked_issue issue, std::string run) {
  const auto& settings = *m.project;
  const auto page_id = page.id;
  const auto loaded = co_await extras_.get_with_link(page_id);
  const auto& link = loaded.link;
  const auto& extras = loaded.extras;
  if (!link || !link->issue_node_id || link->issue_node_id->empty()) {
    co_return std::string("the issue's node id is unknown; it cannot be put on the project");
  }
  auto projects = ports_.projects(run);
  auto b = co_await board(*projects, settings, false);

  if (issue.closed && settings.remove_when_closed) {
    // A closed issue leaves the board (remove_when_closed); the item is forgotten.
    if (extras.project_item_id) {
      co_await projects->delete_item(b.id, *extras.project_item_id);
      ++counters_.project_items_removed;
      co_await extras_.forget_project_item(page_id);
    }
    co_return std::nullopt;
  }

  std::string item_id = extras.project_item_id.value_or("");
  json::object written = extras.project_fields_written;
  if (item_id.empty()) {
    // Adding content already on the board answers its existing item: safe to repeat.
    item_id = co_await projects->add_item(b.id, *link->issue_node_id);
    ++counters_.project_items_added;
    written.clear();
    co_await extras_.set_project_item(page_id, item_id);
    log::get("sync")->info("page={} run={} added {}#{} to project {}", page_id, run, issue.repo,
                           issue.number, b.title);
  }

  const auto plan = sync::plan_project_fields(page, settings, written);
  project_pass pass{*projects, std::move(b), settings, run, page_id};
  std::vector<std::string> errors;
  std::vector<std::string> done;
  for (const auto& step : plan.steps) {
    if (!step.error.empty()) {
      errors.push_back(step.error);
      continue;
    }
    auto error = co_await set_project_field(pass, item_id, step.field, step.value);
    if (error) {
      errors.push_back(*error);
    } else {
      done.push_back(step.field);
    }
  }
  auto now_written = sync::written_after(plan, done);
  if (now_written != extras.project_fields_written) {
    co_await extras_.set_project_fields(page_id, now_written);
  }
  if (errors.empty()) co_return std::nullopt;
  co_return sync::join_errors(errors);
}

net::awaitable<std::optional<std::string>> issue_extras_syncer::set_project_field(
    project_pass& pass, const std::string& item_id, const std::string& field_name,
    const std::optional<std::string>& value) {
  // Two tries: the second after re-reading the board, when an id turned out stale or the
  // option may have been added since the board was read.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto write = sync::field_write_on(pass.board, field_name, value);
    if (!write.error.empty() && !pass.refreshed) {
      pass.refreshed = true;
      pass.board = co_await board(pass.projects, pass.settings, true);
      continue;
    }
    if (!write.error.empty()) co_return write.error;
    bool stale = false;
    try {
      if (write.input) {
        co_await pass.projects.set_field(pass.board.id, item_id, write.field->id,
                                         write.input->value);
      } else {
        co_await pass.projects.clear_field(pass.board.id, item_id, write.field->id);
      }
    } catch (const api::api_exception& e) {
      if (!sync::is_not_found(e.failure()) || pass.refreshed) throw;
      log::get("sync")->warn("page={} run={} project id stale ({}); reading the project again",
                             pass.page_id, pass.run, e.what());
      stale = true;
    }
    if (stale) {  // no co_await inside a handler
      pass.refreshed = true;
      pass.board = co_await board(pass.projects, pass.settings, true);
      continue;
    }
    ++counters_.project_fields_set;
    co_return std::nullopt;
  }
  co_return sync::unset_project_field_error(field_name);
}

net::awaitable<std::optional<std::string>> issue_extras_syncer::sync_milestone(
    config::mapping m, notion::notion_page page, linked_issue issue, std::string run) {
  const auto page_id = page.id;
  const auto wish = sync::milestone_of(page, m);
  if (!wish.error.empty()) co_return wish.error;
  const auto extras = co_await extras_.get(page_id);
  if (extras.milestone_title.value_or("") == wish.title) co_return std::nullopt;
  auto github = ports_.github(run);
  std::optional<std::int64_t> number;
  if (!wish.title.empty()) {
    number = co_await github->find_milestone(issue.repo, wish.title, m.create_missing_milestones);
    if (!number) co_return sync::missing_milestone_error(wish.title, issue.repo);
  }
  co_await github->set_milestone(issue.repo, issue.number, number);
  ++counters_.milestones_set;
  co_await extras_.set_milestone(page_id, wish.title);
  co_return std::nullopt;
}

net::awaitable<void> issue_extras_syncer::sync_snapshot(config::mapping m, notion::notion_page page,
                                                        linked_issue issue, std::string run) {
  const auto page_id = page.id;
  const auto snapshot = sync::snapshot_comment_of(page, m);
  const auto extras = co_await extras_.get(page_id);
  if (extras.snapshot_hash == snapshot.hash && extras.snapshot_comment_id) co_return;
  auto github = ports_.github(run);
  std::optional<std::int64_t> id = extras.snapshot_comment_id;
  if (!id) {
    // The id may be lost (a crash after the POST): the marker finds the comment.
    auto existing = co_await github->list_comments(issue.repo, issue.number);
    id = sync::own_comment_with(existing, sync::snapshot_marker, own_github_login_);
  }
  std::optional<std::int64_t> written_id;
  if (id) {
    try {
      auto c = co_await github->update_comment(issue.repo, *id, snapshot.body);
      written_id = c.id;
    } catch (const api::api_exception& e) {
      if (!sync::is_not_found(e.failure())) throw;  // deleted by someone: post a new one
    }
  }
  if (!written_id) {
    auto c = co_await github->create_comment(issue.repo, issue.number, snapshot.body);
    written_id = c.id;
  }
  ++counters_.snapshots_written;
  const auto comment_id = *written_id;
  co_await extras_.set_snapshot(page_id, comment_id, snapshot.hash);
}

net::awaitable<void> issue_extras_syncer::mirror_comments(notion::notion_page page,
                                                          linked_issue issue, std::string run) {
  const auto page_id = page.id;
  auto notion = ports_.notion(run);
  auto comments = co_await notion->list_comments(page_id);
  if (comments.empty()) co_return;
  const auto done = co_await extras_.mirrored_comment_ids(page_id);
  std::vector<notion::page_comment> pending;
  for (auto& c : comments) {
    if (!done.contains(c.id)) pending.push_back(std::move(c));
  }
  if (pending.empty()) co_return;
  // Not recorded here, but maybe posted before a crash: the marker on GitHub decides.
  auto github = ports_.github(run);
  auto existing = co_await github->list_comments(issue.repo, issue.number);
  for (const auto& c : pending) {
    const auto marker = sync::notion_comment_marker(c.id);
    auto github_id = sync::own_comment_with(existing, marker, own_github_login_).value_or(0);
    if (github_id == 0) {
      auto body = sync::mirrored_comment_body(c.text, c.id);
      auto made = co_await github->create_comment(issue.repo, issue.number, std::move(body));
      github_id = made.id;
      ++counters_.comments_mirrored;
      crash_point(crash_after_comment_mirror);
    }
    co_await extras_.record_mirrored_comment(page_id, c.id, github_id);
  }
}

}  // namespace ngsync::engine

#include "daemon/engine/issue_extras_sync.hpp"

#include <fmt/format.h>

#include "core/github/github_client.hpp"
#include "core/github/milestones.hpp"
#include "core/hash/sha256.hpp"
#include "core/log/logging.hpp"
#include "core/notion/page_comments.hpp"
#include "core/sync/adoption.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/synced_fields.hpp"
#include "daemon/engine/crash_points.hpp"
#include "storage/issue_extras_store.hpp"
#include "storage/link_store.hpp"

namespace ngsync::engine {
namespace net = boost::asio;
namespace json = boost::json;

namespace {

// A property's value as plain text, for the snapshot (lists joined with ", ").
json::value property_json(const notion::property_value& p) {
  using notion::property_type;
  if (p.is_empty) return nullptr;
  switch (p.type) {
    case property_type::number:
      return p.number ? json::value(*p.number) : json::value(nullptr);
    case property_type::checkbox:
      return p.checkbox;
    case property_type::date:
      return p.date ? json::value(p.date->start) : json::value(nullptr);
    case property_type::multi_select: {
      json::array a;
      for (const auto& n : p.names) a.emplace_back(n);
      return a;
    }
    case property_type::people: {
      json::array a;
      for (const auto& u : p.people) a.emplace_back(u.name.empty() ? u.id : u.name);
      return a;
    }
    default:
      return json::value(p.text);
  }
}

bool is_not_found(const api::api_exception& e) {
  const auto& f = e.failure();
  // Unknown node ids answer NOT_FOUND; an option or iteration id that changed answers a value
  // error ("... Id does not belong to the field"): both mean the cached board is stale.
  return f.kind == api::failure_kind::permanent &&
         (f.code == "NOT_FOUND" || f.status == 404 ||
          f.message.find("does not belong to the field") != std::string::npos);
}

std::string board_key(const config::project_settings& s) {
  return fmt::format("{}:{}/{}", s.owner_is_user ? "user" : "org", s.owner, s.number);
}

}  // namespace

std::string notion_comment_marker(const std::string& notion_comment_id) {
  return "<!-- ngsync:notion-comment:" + notion_comment_id + " -->";
}

json::object status_snapshot(const notion::notion_page& page, const config::mapping& m) {
  json::object fields;
  auto add = [&](const std::string& name) {
    if (name.empty() || fields.contains(name)) return;
    if (const auto* p = page.find(name)) fields[name] = property_json(*p);
  };
  add(m.title_property);
  add(m.status_property);
  add(m.labels_property);
  add(m.assignees_property);
  add(m.milestone_property);
  if (m.project) {
    for (const auto& [prop, field] : m.project->fields) add(prop);
  }
  return {{"notion_page_id", page.id}, {"fields", std::move(fields)}};
}

issue_extras_syncer::issue_extras_syncer(storage::database& db, ratelimit::api_caller& notion,
                                         ratelimit::api_caller& github,
                                         std::int64_t graphql_reserve)
    : db_(db), notion_caller_(notion), github_caller_(github), graphql_budget_(graphql_reserve) {}

bool issue_extras_syncer::wanted(const config::mapping& m) {
  return m.project.has_value() || !m.milestone_property.empty() || m.mirror_comments ||
         m.status_snapshot_comment;
}

net::awaitable<std::optional<std::string>> issue_extras_syncer::sync(config::mapping m,
                                                                     notion::notion_page page,
                                                                     linked_issue issue,
                                                                     std::string run) {
  std::string errors;
  if (m.project) {
    auto e = co_await sync_project(m, page, issue, run);
    if (e) errors += *e;
  }
  if (!m.milestone_property.empty()) {
    auto e = co_await sync_milestone(m, page, issue, run);
    if (e) errors += (errors.empty() ? "" : "; ") + *e;
  }
  if (m.status_snapshot_comment) co_await sync_snapshot(m, page, issue, run);
  if (m.mirror_comments) co_await mirror_comments(page, issue, run);
  if (errors.empty()) co_return std::nullopt;
  co_return errors;
}

net::awaitable<github::project_board> issue_extras_syncer::board(config::project_settings s,
                                                                 std::string run, bool refresh) {
  const auto key = board_key(s);
  if (!refresh) {
    if (auto it = boards_.find(key); it != boards_.end()) co_return it->second;
  } else {
    ++counters_.project_refreshes;
  }
  github::graphql_client gql(github_caller_, graphql_budget_, run);
  github::project_ref ref{s.owner, s.owner_is_user, s.number};
  auto b = co_await github::load_project_board(gql, std::move(ref));
  log::get("sync")->info("msg=\"project read\" project={} id={} fields={}", key, b.id,
                         b.fields.size());
  boards_[key] = b;
  co_return b;
}

net::awaitable<std::optional<std::string>> issue_extras_syncer::sync_project(
    config::mapping m, notion::notion_page page, linked_issue issue, std::string run) {
  auto logger = log::get("sync");
  const auto& settings = *m.project;
  const auto page_id = page.id;
  auto read = [page_id](storage::transaction t) {
    auto link = storage::link_store::get(t, page_id);
    auto extras = storage::issue_extras_store::get(t, page_id);
    return std::make_pair(std::move(link), std::move(extras));
  };
  auto loaded = co_await db_.read(std::move(read));
  const auto& link = loaded.first;
  const auto& extras = loaded.second;
  if (!link || !link->issue_node_id || link->issue_node_id->empty()) {
    co_return std::string("the issue's node id is unknown; it cannot be put on the project");
  }
  github::graphql_client gql(github_caller_, graphql_budget_, run);
  auto b = co_await board(settings, run, false);

  if (issue.closed && settings.remove_when_closed) {
    if (extras.project_item_id) {
      co_await remove_project_item(gql, b.id, *extras.project_item_id, page_id);
    }
    co_return std::nullopt;
  }

  std::string item_id = extras.project_item_id.value_or("");
  auto written = extras.project_fields_written;
  if (item_id.empty()) {
    // Adding content already on the board answers its existing item: safe to repeat.
    const auto content = *link->issue_node_id;
    item_id = co_await github::add_project_item(gql, b.id, content);
    ++counters_.project_items_added;
    written.clear();
    auto save_item = [page_id, item_id](storage::transaction t) {
      storage::issue_extras_store::set_project_item(t, page_id, item_id);
    };
    co_await db_.write(std::move(save_item));
    logger->info("page={} run={} added {}#{} to project {}", page_id, run, issue.repo, issue.number,
                 b.title);
  }

  project_pass pass{gql, std::move(b), settings, run, page_id};
  std::vector<std::string> errors;
  for (const auto& [prop, field_name] : settings.fields) {
    const auto* p = page.find(prop);
    if (!p) {
      errors.push_back(
          fmt::format("property '{}' (project field '{}') is not on the page", prop, field_name));
      continue;
    }
    const auto value = github::project_value_of(*p);
    const json::value want = value ? json::value(*value) : json::value(nullptr);
    if (const auto* had = written.if_contains(field_name); had && *had == want) continue;
    if (!written.contains(field_name) && !value) {
      written[field_name] = nullptr;  // a new item has the field empty already
      continue;
    }
    if (auto error = co_await set_project_field(pass, item_id, field_name, value)) {
      errors.push_back(*error);
    } else {
      written[field_name] = want;
    }
  }
  if (written != extras.project_fields_written) {
    auto save_fields = [page_id, written](storage::transaction t) {
      storage::issue_extras_store::set_project_fields(t, page_id, written);
    };
    co_await db_.write(std::move(save_fields));
  }
  if (errors.empty()) co_return std::nullopt;
  std::string msg;
  for (const auto& e : errors) msg += (msg.empty() ? "" : "; ") + e;
  co_return msg;
}

net::awaitable<void> issue_extras_syncer::remove_project_item(github::graphql_client& gql,
                                                              std::string board_id,
                                                              std::string item_id,
                                                              std::string page_id) {
  co_await github::delete_project_item(gql, board_id, item_id);
  ++counters_.project_items_removed;
  auto forget = [page_id](storage::transaction t) {
    storage::issue_extras_store::set_project_item(t, page_id, "");
  };
  co_await db_.write(std::move(forget));
}

net::awaitable<std::optional<std::string>> issue_extras_syncer::set_project_field(
    project_pass& pass, const std::string& item_id, const std::string& field_name,
    const std::optional<std::string>& value) {
  // Two tries: the second after re-reading the board, when an id turned out stale or the
  // option may have been added since the board was read.
  for (int attempt = 0; attempt < 2; ++attempt) {
    const auto* field = pass.board.field(field_name);
    std::optional<github::field_value_input> input;
    if (field && value) input = github::field_input(*field, *value);
    const bool unusable = !field || (input && !input->error.empty());
    if (unusable && !pass.refreshed) {
      pass.refreshed = true;
      pass.board = co_await board(pass.settings, pass.run, true);
      continue;
    }
    if (!field) co_return fmt::format("the project has no field '{}'", field_name);
    if (unusable) co_return input->error;
    bool stale = false;
    try {
      if (input) {
        co_await github::set_project_field(pass.gql, pass.board.id, item_id, field->id,
                                           input->value);
      } else {
        co_await github::clear_project_field(pass.gql, pass.board.id, item_id, field->id);
      }
    } catch (const api::api_exception& e) {
      if (!is_not_found(e) || pass.refreshed) throw;
      log::get("sync")->warn("page={} run={} project id stale ({}); reading the project again",
                             pass.page_id, pass.run, e.what());
      stale = true;
    }
    if (stale) {  // no co_await inside a handler
      pass.refreshed = true;
      pass.board = co_await board(pass.settings, pass.run, true);
      continue;
    }
    ++counters_.project_fields_set;
    co_return std::nullopt;
  }
  co_return fmt::format("project field '{}' could not be set", field_name);
}

net::awaitable<std::optional<std::string>> issue_extras_syncer::sync_milestone(
    config::mapping m, notion::notion_page page, linked_issue issue, std::string run) {
  const auto page_id = page.id;
  const auto* p = page.find(m.milestone_property);
  if (!p) {
    co_return fmt::format("milestone property '{}' is not on the page", m.milestone_property);
  }
  const auto title = github::project_value_of(*p).value_or("");
  auto read = [page_id](storage::transaction t) {
    return storage::issue_extras_store::get(t, page_id);
  };
  auto extras = co_await db_.read(std::move(read));
  if (extras.milestone_title.value_or("") == title) co_return std::nullopt;
  std::optional<std::int64_t> number;
  if (!title.empty()) {
    number = co_await github::find_milestone(github_caller_, issue.repo, title,
                                             m.create_missing_milestones, run);
    if (!number) {
      co_return fmt::format("milestone '{}' does not exist in {}", title, issue.repo);
    }
  }
  co_await github::set_issue_milestone(github_caller_, issue.repo, issue.number, number, run);
  ++counters_.milestones_set;
  auto save = [page_id, title](storage::transaction t) {
    storage::issue_extras_store::set_milestone(t, page_id, title);
  };
  co_await db_.write(std::move(save));
  co_return std::nullopt;
}

net::awaitable<void> issue_extras_syncer::sync_snapshot(config::mapping m, notion::notion_page page,
                                                        linked_issue issue, std::string run) {
  const auto page_id = page.id;
  const auto body = fmt::format("{}\n**Notion Status Snapshot**\n\n```json\n{}\n```\n",
                                snapshot_marker, json::serialize(status_snapshot(page, m)));
  const auto hash = ngsync::hash::sha256_hex(body);
  auto read = [page_id](storage::transaction t) {
    return storage::issue_extras_store::get(t, page_id);
  };
  auto extras = co_await db_.read(std::move(read));
  if (extras.snapshot_hash && *extras.snapshot_hash == hash && extras.snapshot_comment_id)
    co_return;
  github::github_client gh(github_caller_, run);
  std::optional<std::int64_t> id = extras.snapshot_comment_id;
  if (!id) {
    // The id may be lost (a crash after the POST): the marker finds the comment.
    auto existing = co_await gh.list_comments(issue.repo, issue.number);
    for (const auto& c : existing) {
      if (c.body.find(snapshot_marker) != std::string::npos &&
          sync::written_by_daemon(c.user_login, own_github_login_)) {
        id = c.id;
        break;
      }
    }
  }
  std::int64_t written_id = 0;
  bool edited = false;
  if (id) {
    bool gone = false;
    try {
      auto text = body;
      auto c = co_await gh.update_comment(issue.repo, *id, std::move(text));
      written_id = c.id;
      edited = true;
    } catch (const api::api_exception& e) {
      if (!is_not_found(e)) throw;
      gone = true;  // deleted by someone: post a new one
    }
    (void)gone;
  }
  if (!edited) {
    auto text = body;
    auto c = co_await gh.create_comment(issue.repo, issue.number, std::move(text));
    written_id = c.id;
  }
  ++counters_.snapshots_written;
  auto save = [page_id, written_id, hash](storage::transaction t) {
    storage::issue_extras_store::set_snapshot(t, page_id, written_id, hash);
  };
  co_await db_.write(std::move(save));
}

net::awaitable<void> issue_extras_syncer::mirror_comments(notion::notion_page page,
                                                          linked_issue issue, std::string run) {
  const auto page_id = page.id;
  auto comments = co_await notion::list_page_comments(notion_caller_, page_id, run);
  if (comments.empty()) co_return;
  auto read = [page_id](storage::transaction t) {
    return storage::issue_extras_store::mirrored_comment_ids(t, page_id);
  };
  auto done = co_await db_.read(std::move(read));
  std::vector<notion::page_comment> pending;
  for (auto& c : comments) {
    if (!done.contains(c.id)) pending.push_back(std::move(c));
  }
  if (pending.empty()) co_return;
  // Not recorded here, but maybe posted before a crash: the marker on GitHub decides.
  github::github_client gh(github_caller_, run);
  auto existing = co_await gh.list_comments(issue.repo, issue.number);
  for (const auto& c : pending) {
    const auto marker = notion_comment_marker(c.id);
    std::int64_t github_id = 0;
    for (const auto& e : existing) {
      if (e.body.find(marker) != std::string::npos &&
          sync::written_by_daemon(e.user_login, own_github_login_)) {
        github_id = e.id;
        break;
      }
    }
    if (github_id == 0) {
      // The text cannot carry a marker of its own (another comment's, or the snapshot's).
      auto body = fmt::format("{}\n\n_Comment mirrored from Notion_\n{}",
                              sync::neutralise_markers(c.text), marker);
      auto made = co_await gh.create_comment(issue.repo, issue.number, std::move(body));
      github_id = made.id;
      ++counters_.comments_mirrored;
      crash_point(crash_after_comment_mirror);
    }
    const auto comment_id = c.id;
    auto record = [page_id, comment_id, github_id](storage::transaction t) {
      storage::issue_extras_store::record_mirrored_comment(t, page_id, comment_id, github_id);
    };
    co_await db_.write(std::move(record));
  }
}

}  // namespace ngsync::engine

#include "daemon/engine/reconciler.hpp"

#include <cctype>
#include <chrono>
#include <optional>
#include <set>
#include <string_view>
#include <type_traits>
#include <vector>

#include <fmt/format.h>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/api/api_failure.hpp"
#include "core/github/github_client.hpp"
#include "core/log/logging.hpp"
#include "core/notion/notion_client.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/issue_location.hpp"
#include "core/sync/synced_fields.hpp"
#include "daemon/engine/github_event_sync.hpp"
#include "daemon/engine/sync_job.hpp"
#include "daemon/webhooks/github_webhook.hpp"
#include "storage/link_store.hpp"
#include "core/notion/notion_id.hpp"
#include "core/sync/adoption.hpp"

namespace ngsync::engine {
namespace net = boost::asio;
namespace json = boost::json;

namespace {

// A rate-limit pause (or a passing 5xx) is waited out, as the daemon's start-up does: the one-shot
// `ngsync reconcile` would otherwise exit on the first 429. Permanent failures go to the caller.
template <class F>
net::awaitable<typename std::invoke_result_t<F&>::value_type> waiting_out_pauses(F f) {
  auto logger = log::get("reconcile");
  net::steady_timer timer(co_await net::this_coro::executor);
  auto delay = std::chrono::milliseconds(500);
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::minutes(10);
  for (int transient = 0;;) {
    std::optional<api::api_failure> failure;
    try {
      co_return co_await f();
    } catch (const api::api_exception& e) {
      const auto kind = e.failure().kind;
      if (kind == api::failure_kind::permanent || std::chrono::steady_clock::now() > give_up ||
          (kind == api::failure_kind::transient && ++transient >= 4)) {
        throw;
      }
      failure = e.failure();
    }
    auto wait = delay;
    if (failure->retry_at) {
      wait = std::chrono::duration_cast<std::chrono::milliseconds>(
          *failure->retry_at - std::chrono::system_clock::now());
    } else {
      delay = std::min(delay * 2, std::chrono::milliseconds(8'000));
    }
    logger->info("waiting {} ms before retrying: {}", wait.count(), failure->describe());
    timer.expires_after(std::max(wait, std::chrono::milliseconds(50)));
    co_await timer.async_wait(net::use_awaitable);
  }
}

std::string state_text(const github::github_issue& i) {
  if (i.state == github::issue_state::open) return sync::to_string(sync::desired_state::open);
  return i.state_reason == "not_planned" ? sync::to_string(sync::desired_state::closed_not_planned)
                                         : sync::to_string(sync::desired_state::closed_completed);
}

bool is_open_text(const std::string& s) {
  return s == sync::to_string(sync::desired_state::open);
}

// What GitHub shows differs from what the daemon last wrote there.
bool drifted(const github::github_issue& issue, const storage::page_link& link) {
  const auto& w = link.written_to_github;
  if (!w.contains("title")) return false;  // no record yet: the next sync compares everything
  auto text = [&](const char* k) {
    const auto* v = w.if_contains(k);
    return v && v->is_string() ? std::string(v->as_string().c_str()) : std::string();
  };
  // Name sets compared case-insensitively, as GitHub compares label names and logins.
  auto names = [](const auto& list) {
    std::set<std::string> out;
    for (const auto& n : list) {
      std::string lower;
      for (char c : std::string_view(n)) lower.push_back(static_cast<char>(std::tolower(c)));
      out.insert(lower);
    }
    return out;
  };
  auto written_names = [&](const char* k) {
    std::vector<std::string> out;
    if (const auto* v = w.if_contains(k); v && v->is_array()) {
      for (const auto& x : v->as_array()) {
        if (x.is_string()) out.emplace_back(x.as_string().c_str());
      }
    }
    return out;
  };
  if (issue.title != text("title")) return true;
  // An open issue whose page is in the trash is a known difference, shown on the link.
  const bool reopen_shown = link.sync_status == "error" && link.last_error &&
                            link.last_error->starts_with(trashed_page_reopened);
  if (!reopen_shown && is_open_text(state_text(issue)) != is_open_text(text("state"))) {
    return true;
  }
  // Labels and assignees too: a person's edit whose webhook was lost (daemon down) is otherwise
  // never noticed, and Notion's values are never restored.
  if (w.contains("labels") && names(issue.labels) != names(written_names("labels"))) return true;
  if (w.contains("assignees") && names(issue.assignees) != names(written_names("assignees"))) {
    return true;
  }
  const auto rev = sync::parse_markers(issue.body).revision;
  const auto want_rev = text("body_revision");
  return !want_rev.empty() && rev.value_or("") != want_rev;
}

int api_status(const api::api_exception& e) {
  return static_cast<int>(e.failure().status);
}

}  // namespace

std::string reconcile_report::summary() const {
  return fmt::format(
      "repositories={} marked_issues={} in_order={} adopted={} issues_gone={} transferred={} "
      "pages_gone={} drift={} foreign_marked={}",
      repositories, marked_issues, in_order, adopted, issues_gone, transferred, pages_gone, drift,
      foreign_marked);
}

net::awaitable<reconcile_report> reconcile(storage::database& db, storage::job_queue& queue,
                                           ratelimit::api_caller& notion,
                                           ratelimit::api_caller& github,
                                           const std::map<std::string, mapping_binding>& mappings,
                                           const config::config& c, reconcile_options options) {
  auto logger = log::get("reconcile");
  reconcile_report report;
  const bool dry = options.dry_run;
  const std::string verb = dry ? "would " : "";
  github::github_client github_api(github, "reconcile");
  notion::notion_client notion_api(notion, "reconcile");
  const int max_attempts = c.queue.max_attempts;

  // The repositories to look at: fixed ones, plus those of existing links (per-page repos).
  std::set<std::string> repos;
  for (const auto& [name, b] : mappings) {
    if (b.rules.fixed_repository) repos.insert(*b.rules.fixed_repository);
  }
  auto read_repos = [](pqxx::connection& conn) {
    pqxx::read_transaction t(conn);
    std::vector<std::string> out;
    for (const auto& row : t.exec("SELECT DISTINCT github_repo FROM page_links"
                                  " WHERE github_repo IS NOT NULL AND issue_number IS NOT NULL")) {
      out.push_back(row[0].as<std::string>());
    }
    return out;
  };
  auto linked_repos = co_await db.run(std::move(read_repos));
  for (auto& r : linked_repos) repos.insert(r);

  for (const auto& repo : repos) {
    ++report.repositories;
    std::vector<github::github_issue> marked;
    std::function<bool(const github::github_issue&)> collect =
        [&marked](const github::github_issue& issue) {
          if (sync::parse_markers(issue.body).page_id) marked.push_back(issue);
          return true;
        };
    // A retry lists from the start again, so it starts from an empty list.
    auto list_marked = [&github_api, &marked, &collect, repo, since = options.since]() {
      marked.clear();
      return github_api.list_issues_since(repo, since, collect);
    };
    co_await waiting_out_pauses(std::move(list_marked));
    report.marked_issues += static_cast<int>(marked.size());
    auto read_links = [repo](pqxx::connection& conn) {
      pqxx::read_transaction t(conn);
      return storage::link_store::list_by_repo(t, repo);
    };
    auto links = co_await db.run(std::move(read_links));
    std::map<std::int64_t, const storage::page_link*> by_number;
    for (const auto& l : links) by_number[*l.issue_number] = &l;
    std::set<std::int64_t> seen;

    for (const auto& issue : marked) {
      seen.insert(issue.number);
      const auto ref = repo + "#" + std::to_string(issue.number);
      auto it = by_number.find(issue.number);
      if (it == by_number.end()) {
        // Marker but no link: adopt the issue for the page it names, if the daemon wrote it.
        const auto marker_page = *sync::parse_markers(issue.body).page_id;
        if (!sync::written_by_daemon(issue.user_login, options.own_github_login)) {
          ++report.foreign_marked;
          report.findings.push_back(
              ref + ": carries the marker of page " + marker_page + " but was opened by " +
              (issue.user_login.empty() ? std::string("an unknown author") : "@" + issue.user_login) +
              (options.own_github_login.empty() ? " (the daemon's own GitHub identity is unknown)"
                                                : ", not by @" + options.own_github_login) +
              "; never linked");
          continue;
        }
        json::value raw;
        try {
          auto read_page = [&notion_api, marker_page]() {
            return notion_api.get_page(marker_page);
          };
          auto got = co_await waiting_out_pauses(std::move(read_page));
          raw = std::move(got);
        } catch (const api::api_exception& e) {
          if (api_status(e) != 404) throw;
          report.findings.push_back(ref + ": names page " + marker_page +
                                    " which does not exist; left alone");
          continue;
        }
        auto page = notion::parse_page(raw);
        if (!page) continue;
        const auto* b = mapping_of_data_source(mappings, page->parent_data_source_id);
        if (!b) {
          report.findings.push_back(ref + ": page " + page->id + " is outside every mapping");
          continue;
        }
        ++report.adopted;
        report.findings.push_back(ref + ": marker for page " + page->id + " but no link; " + verb +
                                  "adopt it and sync the page");
        if (dry) continue;
        storage::page_link link;
        link.notion_page_id = page->id;
        link.data_source_id = page->parent_data_source_id;
        link.github_repo = repo;
        link.issue_number = static_cast<int>(issue.number);
        link.issue_node_id = issue.node_id;
        link.issue_html_url = issue.html_url;
        link.kind = issue.is_pull_request ? "draft_pr" : "issue";
        sync_page_hint hint;
        hint.page_id = page->id;
        hint.data_source_id = page->parent_data_source_id;
        hint.mapping = b->name;
        hint.source = "reconcile";
        auto spec = to_job_spec(hint, max_attempts);
        auto adopt = [link, spec, &queue](pqxx::connection& conn) {
          pqxx::work t(conn);
          auto existing = storage::link_store::get(t, link.notion_page_id, true);
          if (existing && existing->issue_number) {
            // The page is linked to another issue already: keep that link, just sync.
            queue.enqueue(t, spec);
            t.commit();
            return;
          }
          if (existing) {
            storage::link_store::record_created(t, link.notion_page_id, *link.issue_number,
                                                link.issue_node_id.value_or(""),
                                                link.issue_html_url.value_or(""), link.kind);
          } else {
            storage::link_store::upsert(t, link);
          }
          queue.enqueue(t, spec);
          t.commit();
        };
        co_await db.run(std::move(adopt));
        logger->info("adopted issue={} for page={}", ref, page->id);
        continue;
      }
      const auto& link = *it->second;
      if (drifted(issue, link)) {
        ++report.drift;
        report.findings.push_back(ref + ": differs from what the daemon last wrote; " + verb +
                                  "handle it as a GitHub change to page " + link.notion_page_id);
        if (dry) continue;
        // The same job a webhook for this issue makes (a missed webhook is exactly what drift
        // means): it mirrors what GitHub owns (a close or reopen, under newer-wins) into Notion
        // and hands Notion-owned fields to a sync_page job that restores them. A bare sync_page
        // job would never mirror the status: from Notion's side nothing changed.
        storage::job_spec spec;
        spec.kind = webhooks::github_issue_event_kind;
        spec.payload = json::object{
            {"repo", repo},          {"number", issue.number}, {"page_id", link.notion_page_id},
            {"action", "reconcile"}, {"delivery", ""},         {"sender", ""}};
        spec.unique_key = "github-issue:" + repo + "#" + std::to_string(issue.number);
        spec.page_key = link.notion_page_id;
        spec.max_attempts = max_attempts;
        auto enqueue = [spec, &queue](pqxx::connection& conn) {
          pqxx::work t(conn);
          queue.enqueue(t, spec);
          t.commit();
        };
        co_await db.run(std::move(enqueue));
        continue;
      }
      ++report.in_order;
    }

    // Links the marker pass did not see (only on a full pass: a window misses old issues).
    const bool full = options.since < "2000";
    for (const auto& link : links) {
      if (!full || seen.count(*link.issue_number)) continue;
      const auto ref = repo + "#" + std::to_string(*link.issue_number);
      std::string problem;
      std::optional<sync::issue_location> moved;
      std::string moved_url;
      try {
        auto read_issue = [&github_api, repo, number = *link.issue_number]() {
          return github_api.get_issue(repo, number);
        };
        auto issue = co_await waiting_out_pauses(std::move(read_issue));
        problem = "carries no marker for page " + link.notion_page_id;
        moved = sync::moved_location(issue.html_url, repo, *link.issue_number);
        moved_url = issue.html_url;
      } catch (const api::api_exception& e) {
        const auto status = api_status(e);
        const bool redirect = status == 301 || status == 302 || status == 307 || status == 308;
        if (status != 404 && status != 410 && !redirect) throw;
        problem = status == 410 ? "was deleted"
                  : redirect    ? "was moved or transferred and the redirect could not be followed"
                                : "is gone";
      }
      if (moved) {
        // Transferred (the 301 was followed): the link moves with the issue.
        ++report.transferred;
        report.findings.push_back(ref + " was transferred to " + moved->repo + "#" +
                                  std::to_string(moved->number) + "; " + verb +
                                  "move the link of page " + link.notion_page_id);
        if (dry) continue;
        auto moved_link = link;
        moved_link.github_repo = moved->repo;
        moved_link.issue_number = static_cast<int>(moved->number);
        moved_link.issue_html_url = moved_url;
        auto save_move = [moved_link](pqxx::connection& conn) {
          pqxx::work t(conn);
          storage::link_store::upsert(t, moved_link);
          t.commit();
        };
        co_await db.run(std::move(save_move));
        continue;
      }
      const bool gone = problem != "carries no marker for page " + link.notion_page_id;
      if (gone) {
        ++report.issues_gone;
        report.findings.push_back(ref + " " + problem + "; " + verb + "mark the link of page " +
                                  link.notion_page_id + " in error");
        if (dry) continue;
        const auto pid = link.notion_page_id;
        const auto message = "issue " + ref + " " + problem + " on GitHub";
        auto mark = [pid, message](pqxx::connection& conn) {
          pqxx::work t(conn);
          storage::link_store::mark_error(t, pid, message, "reconcile");
          t.commit();
        };
        co_await db.run(std::move(mark));
      } else {
        ++report.drift;
        report.findings.push_back(ref + " " + problem + "; " + verb + "sync the page");
        if (dry) continue;
        const auto* b = mapping_of_data_source(mappings, link.data_source_id);
        if (!b) continue;
        sync_page_hint hint;
        hint.page_id = link.notion_page_id;
        hint.data_source_id = link.data_source_id;
        hint.mapping = b->name;
        hint.source = "reconcile";
        auto spec = to_job_spec(hint, max_attempts);
        const auto pid = link.notion_page_id;
        auto enqueue = [pid, spec, &queue](pqxx::connection& conn) {
          pqxx::work t(conn);
          storage::link_store::invalidate_hash(t, pid);
          queue.enqueue(t, spec);
          t.commit();
        };
        co_await db.run(std::move(enqueue));
      }
    }

    // Pages gone or trashed (full pass only: one Notion read per link).
    for (const auto& link : links) {
      if (!full) break;
      const auto ref = repo + "#" + std::to_string(*link.issue_number);
      bool trashed = false, missing = false;
      try {
        auto read_page = [&notion_api, id = link.notion_page_id]() {
          return notion_api.get_page(id);
        };
        auto raw = co_await waiting_out_pauses(std::move(read_page));
        auto page = notion::parse_page(raw);
        trashed = page && page->in_trash;
      } catch (const api::api_exception& e) {
        if (api_status(e) != 404) throw;
        missing = true;
      }
      if (!trashed && !missing) continue;
      ++report.pages_gone;
      const auto* b = mapping_of_data_source(mappings, link.data_source_id);
      const bool close = b && b->rules.close_on_trash && trashed;
      report.findings.push_back("page " + link.notion_page_id + " of " + ref + " is " +
                                (missing ? "gone" : "in the trash") + "; " + verb +
                                (close ? "sync it (closes the issue)" : "mark the link in error"));
      if (dry) continue;
      if (close) {  // a hint: the planner closes the issue, or finds it closed already
        sync_page_hint hint;
        hint.page_id = link.notion_page_id;
        hint.data_source_id = link.data_source_id;
        hint.mapping = b->name;
        hint.source = "reconcile";
        auto spec = to_job_spec(hint, max_attempts);
        auto enqueue = [spec, &queue](pqxx::connection& conn) {
          pqxx::work t(conn);
          queue.enqueue(t, spec);
          t.commit();
        };
        co_await db.run(std::move(enqueue));
      } else if (!close) {
        const auto pid = link.notion_page_id;
        const std::string message =
            missing ? "the Notion page no longer exists" : "the Notion page is in the trash";
        auto mark = [pid, message](pqxx::connection& conn) {
          pqxx::work t(conn);
          storage::link_store::mark_error(t, pid, message, "reconcile");
          t.commit();
        };
        co_await db.run(std::move(mark));
      }
    }
  }
  logger->info("reconcile{} done: {}", dry ? " (dry run)" : "", report.summary());
  co_return report;
}

net::awaitable<void> run_periodic_reconcile(storage::database& db, storage::job_queue& queue,
                                            ratelimit::api_caller& notion,
                                            ratelimit::api_caller& github,
                                            const std::map<std::string, mapping_binding>& mappings,
                                            const config::config& c, const bool* stopping,
                                            std::string own_github_login,
                                            std::function<bool()> may_run) {
  auto logger = log::get("reconcile");
  net::steady_timer timer(co_await net::this_coro::executor);
  while (!*stopping) {
    timer.expires_after(c.sync.reconcile_interval);
    boost::system::error_code ec;
    co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
    if (*stopping) break;
    // Replicas: only the holder of the reconcile lease runs the periodic pass.
    if (may_run && !may_run()) continue;
    try {
      reconcile_options o;
      o.own_github_login = own_github_login;
      co_await reconcile(db, queue, notion, github, mappings, c, o);
    } catch (const std::exception& e) {
      logger->warn("reconcile failed: {}", log::redact(e.what()));
    }
  }
}

}  // namespace ngsync::engine

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
#include "core/log/logging.hpp"
#include "core/notion/notion_id.hpp"
#include "core/sync/adoption.hpp"
#include "core/sync/drift.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/issue_location.hpp"
#include "core/sync/provenance.hpp"
#include "core/sync/reconcile_budget.hpp"
#include "core/sync/synced_fields.hpp"
#include "core/time/iso8601.hpp"
#include "daemon/engine/github_event_sync.hpp"
#include "daemon/engine/riding_out.hpp"
#include "daemon/engine/sync_job.hpp"
#include "storage/link_store.hpp"

namespace ngsync::engine {
namespace net = boost::asio;
namespace json = boost::json;

namespace {

// A rate-limit pause (or a passing 5xx) is waited out, as the daemon's start-up does: the one-shot
// `ngsync reconcile` would otherwise exit on the first 429. Permanent failures go to the caller.
template <class F>
auto waiting_out_pauses(F f) {
  api::ride_out_policy p;
  p.longest_wait = std::chrono::milliseconds(8'000);
  p.give_up_after = std::chrono::minutes(10);
  p.transient_limit = 4;
  return riding_out(std::move(f), p, "reconcile", "reconcile read");
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

int api_status(const api::api_exception& e) {
  return static_cast<int>(e.failure().status);
}

}  // namespace

std::string reconcile_report::summary() const {
  return fmt::format(
      "repositories={} marked_issues={} in_order={} adopted={} issues_gone={} transferred={} "
      "pages_gone={} drift={} foreign_marked={} links_verified={}",
      repositories, marked_issues, in_order, adopted, issues_gone, transferred, pages_gone, drift,
      foreign_marked, links_verified);
}

namespace {

// One reconcile pass: the checks of the class comment, each a function shared by the full and
// the slice pass.
class reconcile_pass {
 public:
  reconcile_pass(storage::database& db, storage::job_queue& queue, engine_ports& ports,
                 const std::map<std::string, mapping_binding>& mappings, const config::config& c,
                 const reconcile_options& options)
      : db_(db),
        queue_(queue),
        ports_(ports),
        github_port_(ports.github("reconcile")),
        notion_port_(ports.notion("reconcile")),
        github_api_(*github_port_),
        notion_api_(*notion_port_),
        mappings_(mappings),
        options_(options),
        dry_(options.dry_run),
        verb_(options.dry_run ? "would " : ""),
        max_attempts_(c.queue.max_attempts),
        config_(c) {}

  net::awaitable<reconcile_report> run() {
    auto logger = log::get("reconcile");
    const auto started = ports_.now();
    const bool full = options_.mode == reconcile_mode::full;
    std::optional<std::string> since;  // a full pass lists every issue
    std::vector<storage::page_link> slice;
    if (!full) {
      // The slice, sized by sync/reconcile_budget.hpp, and the marker scan's start: the previous
      // pass's start less the poll overlap (clocks differ), or one window back for the first.
      auto read = [&slice, &c = config_](storage::transaction t) {
        const auto links = storage::link_store::count_verifiable(t);
        const auto budget =
            sync::budget_reconcile(links, 1, c.sync.reconcile_interval, c.sync.reconcile_window);
        slice = storage::link_store::due_for_verification(
            t, static_cast<int>(std::min<std::int64_t>(budget.links_per_pass, 1'000'000)));
        return storage::link_store::last_reconcile_pass(t);
      };
      const auto last = co_await db_.read(std::move(read));
      since = iso8601::format(last ? *last - config_.sync.watermark_overlap
                                   : started - config_.sync.reconcile_window);
    }
    // Issues of the slice are read one by one below: the marker scan leaves them to that.
    std::set<std::pair<std::string, std::int64_t>> in_slice;
    for (const auto& l : slice) in_slice.emplace(lower(*l.github_repo), *l.issue_number);

    for (const auto& repo : co_await repositories()) {
      ++report_.repositories;
      auto marked = co_await list_marked(repo, since);
      report_.marked_issues += static_cast<int>(marked.size());
      auto read_links = [repo](storage::transaction t) {
        return storage::link_store::list_by_repo(t, repo);
      };
      auto links = co_await db_.read(std::move(read_links));
      std::map<std::int64_t, const storage::page_link*> by_number;
      for (const auto& l : links) by_number[*l.issue_number] = &l;
      std::set<std::int64_t> seen;
      for (const auto& issue : marked) {
        seen.insert(issue.number);
        if (in_slice.count({lower(repo), issue.number})) continue;
        auto it = by_number.find(issue.number);
        if (it == by_number.end()) {
          co_await adopt_marked(repo, issue);
        } else {
          co_await compare_with_link(repo, issue, *it->second);
        }
      }
      if (!full) continue;
      // Full pass: the links the marker scan did not see get their issue read, then every page.
      for (const auto& link : links) {
        if (!seen.count(*link.issue_number)) co_await verify_issue(link);
      }
      for (const auto& link : links) co_await verify_page(link);
      co_await mark_verified(links, started);
    }
    for (const auto& link : slice) {
      co_await verify_issue(link);
      co_await verify_page(link);
    }
    co_await mark_verified(slice, started);
    if (!dry_) {
      auto record = [started](storage::transaction t) {
        storage::link_store::record_reconcile_pass(t, started);
      };
      co_await db_.write(std::move(record));
    }
    logger->info("reconcile{}{} done: {}", full ? "" : " (slice)", dry_ ? " (dry run)" : "",
                 report_.summary());
    co_return report_;
  }

 private:
  // The repositories to look at: fixed ones, plus those of existing links (per-page repos).
  net::awaitable<std::set<std::string>> repositories() {
    std::set<std::string> repos;
    for (const auto& [name, b] : mappings_) {
      if (b.rules.fixed_repository) repos.insert(*b.rules.fixed_repository);
    }
    auto read_repos = [](storage::transaction t) {
      return storage::link_store::linked_repositories(t);
    };
    for (auto& r : co_await db_.read(std::move(read_repos))) repos.insert(r);
    co_return repos;
  }

  // The issues of `repo` updated since `since` (nullopt: all of them) that carry a page marker.
  net::awaitable<std::vector<github::github_issue>> list_marked(
      const std::string& repo, const std::optional<std::string>& since) {
    std::vector<github::github_issue> marked;
    std::function<bool(const github::github_issue&)> collect =
        [&marked](const github::github_issue& issue) {
          if (sync::parse_markers(issue.body).page_id) marked.push_back(issue);
          return true;
        };
    // A retry lists from the start again, so it starts from an empty list.
    auto list = [this, &marked, &collect, repo, since]() {
      marked.clear();
      return github_api_.list_issues_since(repo, since, collect);
    };
    co_await waiting_out_pauses(std::move(list));
    co_return marked;
  }

  net::awaitable<void> enqueue(storage::job_spec spec, std::string invalidate_page = {}) {
    auto write = [spec = std::move(spec), invalidate_page, this](storage::transaction t) {
      if (!invalidate_page.empty()) storage::link_store::invalidate_hash(t, invalidate_page);
      queue_.enqueue(t, spec);
    };
    co_await db_.write(std::move(write));
  }

  net::awaitable<void> mark_error(std::string page_id, std::string message) {
    auto mark = [page_id, message](storage::transaction t) {
      storage::link_store::mark_error(t, page_id, message, "reconcile");
    };
    co_await db_.write(std::move(mark));
  }

  storage::job_spec sync_page_spec(const std::string& page_id, const std::string& data_source_id,
                                   const mapping_binding& b) const {
    sync_page_hint hint;
    hint.page_id = page_id;
    hint.data_source_id = data_source_id;
    hint.mapping = b.name;
    hint.source = "reconcile";
    return to_job_spec(hint, max_attempts_);
  }

  // Marker but no link: adopt the issue for the page it names, if the daemon wrote it.
  net::awaitable<void> adopt_marked(const std::string& repo, const github::github_issue& issue) {
    auto logger = log::get("reconcile");
    const auto ref = repo + "#" + std::to_string(issue.number);
    const auto marker_page = *sync::parse_markers(issue.body).page_id;
    const auto& own = options_.own_github_login;
    if (!sync::written_by_daemon(issue.user_login, own)) {
      ++report_.foreign_marked;
      report_.findings.push_back(
          ref + ": carries the marker of page " + marker_page + " but was opened by " +
          (issue.user_login.empty() ? std::string("an unknown author") : "@" + issue.user_login) +
          (own.empty() ? " (the daemon's own GitHub identity is unknown)" : ", not by @" + own) +
          "; never linked");
      co_return;
    }
    json::value raw;
    try {
      auto read_page = [this, marker_page]() { return notion_api_.get_page(marker_page); };
      auto got = co_await waiting_out_pauses(std::move(read_page));
      raw = std::move(got);
    } catch (const api::api_exception& e) {
      if (api_status(e) != 404) throw;
      report_.findings.push_back(ref + ": names page " + marker_page +
                                 " which does not exist; left alone");
      co_return;
    }
    auto page = notion::parse_page(raw);
    if (!page) co_return;
    const auto* b = mapping_of_data_source(mappings_, page->parent_data_source_id);
    if (!b) {
      report_.findings.push_back(ref + ": page " + page->id + " is outside every mapping");
      co_return;
    }
    ++report_.adopted;
    report_.findings.push_back(ref + ": marker for page " + page->id + " but no link; " + verb_ +
                               "adopt it and sync the page");
    if (dry_) co_return;
    storage::page_link link;
    link.notion_page_id = page->id;
    link.data_source_id = page->parent_data_source_id;
    link.github_repo = repo;
    link.issue_number = static_cast<int>(issue.number);
    link.issue_node_id = issue.node_id;
    link.issue_html_url = issue.html_url;
    link.kind = issue.is_pull_request ? sync::issue_kind::draft_pr : sync::issue_kind::issue;
    auto spec = sync_page_spec(page->id, page->parent_data_source_id, *b);
    auto adopt = [link, spec, this](storage::transaction t) {
      auto existing = storage::link_store::get(t, link.notion_page_id, true);
      if (existing && existing->issue_number) {
        // The page is linked to another issue already: keep that link, just sync.
        queue_.enqueue(t, spec);
        return;
      }
      if (existing) {
        storage::link_store::record_created(
            t, link.notion_page_id, *link.issue_number, link.issue_node_id.value_or(""),
            link.issue_html_url.value_or(""), sync::to_string(link.kind));
      } else {
        storage::link_store::upsert(t, link);
      }
      queue_.enqueue(t, spec);
    };
    co_await db_.write(std::move(adopt));
    logger->info("adopted issue={} for page={}", ref, page->id);
  }

  // A linked issue that carries a marker: in order, or drifted from what the daemon wrote.
  net::awaitable<void> compare_with_link(const std::string& repo, const github::github_issue& issue,
                                         const storage::page_link& link) {
    const auto ref = repo + "#" + std::to_string(issue.number);
    if (!sync::reconcile_finds_drift(issue, sync::last_written_from(link.written_to_github),
                                     link.trash_reopened)) {
      ++report_.in_order;
      co_return;
    }
    ++report_.drift;
    report_.findings.push_back(ref + ": differs from what the daemon last wrote; " + verb_ +
                               "handle it as a GitHub change to page " + link.notion_page_id);
    if (dry_) co_return;
    // The same job a webhook for this issue makes (a missed webhook is exactly what drift
    // means): it mirrors what GitHub owns (a close or reopen, under newer-wins) into Notion
    // and hands Notion-owned fields to a sync_page job that restores them. A bare sync_page
    // job would never mirror the status: from Notion's side nothing changed.
    const github_event_job event{repo, issue.number, link.notion_page_id, "reconcile", "", ""};
    co_await enqueue(to_job_spec(event, max_attempts_));
  }

  // Reads the link's issue: gone, transferred, without the marker, or compared as above.
  net::awaitable<void> verify_issue(const storage::page_link& link) {
    const auto repo = *link.github_repo;
    const auto ref = repo + "#" + std::to_string(*link.issue_number);
    std::optional<github::github_issue> issue;
    std::string gone;
    try {
      auto read_issue = [this, repo, number = *link.issue_number]() {
        return github_api_.get_issue(repo, number);
      };
      issue = co_await waiting_out_pauses(std::move(read_issue));
    } catch (const api::api_exception& e) {
      const auto reason = sync::issue_gone(e.failure());
      if (!reason) throw;
      gone = sync::gone_message(repo, *link.issue_number, *reason, e.failure().status);
    }
    if (!issue) {
      ++report_.issues_gone;
      report_.findings.push_back(gone + "; " + verb_ + "mark the link of page " +
                                 link.notion_page_id + " in error");
      if (!dry_) co_await mark_error(link.notion_page_id, gone);
      co_return;
    }
    if (auto moved = sync::moved_location(issue->html_url, repo, *link.issue_number)) {
      // Transferred (the 301 was followed): the link moves with the issue.
      ++report_.transferred;
      report_.findings.push_back(ref + " was transferred to " + moved->repo + "#" +
                                 std::to_string(moved->number) + "; " + verb_ +
                                 "move the link of page " + link.notion_page_id);
      if (dry_) co_return;
      auto moved_link = link;
      moved_link.github_repo = moved->repo;
      moved_link.issue_number = static_cast<int>(moved->number);
      moved_link.issue_html_url = issue->html_url;
      auto save_move = [moved_link](storage::transaction t) {
        storage::link_store::upsert(t, moved_link);
      };
      co_await db_.write(std::move(save_move));
      co_return;
    }
    if (sync::parse_markers(issue->body).page_id) {
      co_await compare_with_link(repo, *issue, link);
      co_return;
    }
    ++report_.drift;
    report_.findings.push_back(ref + " carries no marker for page " + link.notion_page_id + "; " +
                               verb_ + "sync the page");
    if (dry_) co_return;
    const auto* b = mapping_of_data_source(mappings_, link.data_source_id);
    if (!b) co_return;
    co_await enqueue(sync_page_spec(link.notion_page_id, link.data_source_id, *b),
                     link.notion_page_id);
  }

  // Reads the link's page: gone or in the trash.
  net::awaitable<void> verify_page(const storage::page_link& link) {
    const auto ref = *link.github_repo + "#" + std::to_string(*link.issue_number);
    bool trashed = false, missing = false;
    try {
      auto read_page = [this, id = link.notion_page_id]() { return notion_api_.get_page(id); };
      auto raw = co_await waiting_out_pauses(std::move(read_page));
      auto page = notion::parse_page(raw);
      trashed = page && page->in_trash;
    } catch (const api::api_exception& e) {
      if (api_status(e) != 404) throw;
      missing = true;
    }
    ++report_.links_verified;
    if (!trashed && !missing) co_return;
    ++report_.pages_gone;
    const auto* b = mapping_of_data_source(mappings_, link.data_source_id);
    const bool close = b && b->rules.close_on_trash && trashed;
    report_.findings.push_back("page " + link.notion_page_id + " of " + ref + " is " +
                               (missing ? "gone" : "in the trash") + "; " + verb_ +
                               (close ? "sync it (closes the issue)" : "mark the link in error"));
    if (dry_) co_return;
    if (close) {  // a hint: the planner closes the issue, or finds it closed already
      co_await enqueue(sync_page_spec(link.notion_page_id, link.data_source_id, *b));
    } else {
      co_await mark_error(link.notion_page_id, missing ? "the Notion page no longer exists"
                                                       : "the Notion page is in the trash");
    }
  }

  net::awaitable<void> mark_verified(const std::vector<storage::page_link>& links,
                                     std::chrono::system_clock::time_point at) {
    if (dry_ || links.empty()) co_return;
    std::vector<std::string> ids;
    for (const auto& l : links) ids.push_back(l.notion_page_id);
    auto mark = [ids = std::move(ids), at](storage::transaction t) {
      storage::link_store::mark_verified(t, ids, at);
    };
    co_await db_.write(std::move(mark));
  }

  storage::database& db_;
  storage::job_queue& queue_;
  engine_ports& ports_;
  std::unique_ptr<github::github_port> github_port_;
  std::unique_ptr<notion::notion_port> notion_port_;
  github::github_port& github_api_;
  notion::notion_port& notion_api_;
  const std::map<std::string, mapping_binding>& mappings_;
  reconcile_options options_;
  bool dry_;
  std::string verb_;
  int max_attempts_;
  const config::config& config_;
  reconcile_report report_;
};

}  // namespace

net::awaitable<reconcile_report> reconcile(storage::database& db, storage::job_queue& queue,
                                           engine_ports& ports,
                                           const std::map<std::string, mapping_binding>& mappings,
                                           const config::config& c, reconcile_options options) {
  reconcile_pass pass(db, queue, ports, mappings, c, options);
  co_return co_await pass.run();
}

net::awaitable<void> run_periodic_reconcile(storage::database& db, storage::job_queue& queue,
                                            engine_ports& ports,
                                            const std::map<std::string, mapping_binding>& mappings,
                                            const config::config& c, const bool* stopping,
                                            std::string own_github_login,
                                            std::function<bool()> may_run) {
  auto logger = log::get("reconcile");
  net::steady_timer timer(co_await net::this_coro::executor);
  while (!*stopping) {
    // The interval is waited out a second at a time: now that passes are on by default, one
    // long timer would hold a stopping daemon until it fired.
    const auto due = std::chrono::steady_clock::now() + c.sync.reconcile_interval;
    for (auto left = c.sync.reconcile_interval; !*stopping && left.count() > 0;) {
      timer.expires_after(
          std::min<std::chrono::steady_clock::duration>(left, std::chrono::seconds(1)));
      boost::system::error_code ec;
      co_await timer.async_wait(net::redirect_error(net::use_awaitable, ec));
      left = std::chrono::duration_cast<std::chrono::milliseconds>(
          due - std::chrono::steady_clock::now());
    }
    if (*stopping) break;
    // Replicas: only the holder of the reconcile lease runs the periodic pass.
    if (may_run && !may_run()) continue;
    try {
      reconcile_options o;
      o.mode = reconcile_mode::slice;
      o.own_github_login = own_github_login;
      co_await reconcile(db, queue, ports, mappings, c, o);
    } catch (const std::exception& e) {
      logger->warn("reconcile failed: {}", log::redact(e.what()));
    }
  }
}

}  // namespace ngsync::engine

#include "daemon/engine/reconciler.hpp"

#include <chrono>
#include <optional>
#include <set>
#include <variant>
#include <vector>

#include "core/api/api_failure.hpp"
#include "core/api/riding_out.hpp"
#include "core/log/logging.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/provenance.hpp"
#include "storage/sync_jobs.hpp"
#include "storage/reconcile_port.hpp"

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
  return api::riding_out(std::move(f), p, "reconcile", "reconcile read");
}

sync::reconciled_link judged(const storage::page_link& l) {
  return {l.notion_page_id,
          l.data_source_id,
          *l.github_repo,
          *l.issue_number,
          sync::last_written_from(l.written_to_github),
          l.trash_reopened};
}

storage::job_spec sync_job(const std::string& page_id, const std::string& data_source_id,
                           const std::string& mapping, int max_attempts) {
  sync::sync_page_hint hint;
  hint.page_id = page_id;
  hint.data_source_id = data_source_id;
  hint.mapping = mapping;
  hint.source = "reconcile";
  return storage::to_job_spec(hint, max_attempts);
}

// The job an action queues with its link write (none for the others).
std::optional<storage::job_spec> job_of(const sync::reconcile_action& action, int max_attempts) {
  if (const auto* a = std::get_if<sync::adopt_issue>(&action))
    return sync_job(a->page_id, a->data_source_id, a->mapping, max_attempts);
  if (const auto* s = std::get_if<sync::enqueue_page_sync>(&action))
    return sync_job(s->page_id, s->data_source_id, s->mapping, max_attempts);
  if (const auto* e = std::get_if<sync::enqueue_github_event>(&action)) {
    const sync::github_event_job event{e->repo, e->number, e->page_id, "reconcile", "", ""};
    return storage::to_job_spec(event, max_attempts);
  }
  return std::nullopt;
}

// One reconcile pass: reads what core/sync/reconcile_scope.hpp names, asks
// core/sync/reconcile_findings.hpp about each answer, and carries out the action it returns.
class reconcile_pass {
 public:
  reconcile_pass(storage::database& db, storage::job_queue& queue, engine_ports& ports,
                 const std::map<std::string, sync::mapping_binding>& mappings,
                 const config::config& c, const reconcile_options& options)
      : store_(db, queue),
        ports_(ports),
        github_port_(ports.github("reconcile")),
        notion_port_(ports.notion("reconcile")),
        mappings_(mappings),
        config_(c),
        mode_(options.mode),
        ctx_{options.own_github_login, options.dry_run} {}

  net::awaitable<reconcile_report> run() {
    const auto started = ports_.now();
    std::function<int(std::int64_t)> slice_size =
        [mode = mode_, interval = config_.sync.reconcile_interval,
         window = config_.sync.reconcile_window](std::int64_t verifiable) {
          return sync::slice_size(mode, verifiable, interval, window);
        };
    const auto start = co_await store_.start(std::move(slice_size));
    const auto& slice = start.slice;
    const auto since =
        sync::marker_scan_since(mode_, start.last_pass, started, config_.sync.watermark_overlap,
                                config_.sync.reconcile_window);
    sync::slice_issues in_slice;
    for (const auto& l : slice) in_slice.add(*l.github_repo, *l.issue_number);

    const auto repos = co_await repositories();
    for (const auto& repo : repos) {
      const auto marked = co_await list_marked(repo, since);
      sync::count_repository(report_, marked.size());
      const auto links = co_await store_.links_in(repo);
      std::vector<std::int64_t> marked_numbers;
      std::vector<std::int64_t> link_numbers;
      marked_numbers.reserve(marked.size());
      link_numbers.reserve(links.size());
      for (const auto& i : marked) marked_numbers.push_back(i.number);
      for (const auto& l : links) link_numbers.push_back(*l.issue_number);
      const auto plan = sync::plan_repository(mode_, repo, marked_numbers, link_numbers, in_slice);
      for (const auto& step : plan.marked) {
        if (step.link) {
          const auto& link = links[*step.link];
          co_await carry_out(sync::drift_finding(repo, marked[step.issue], judged(link), ctx_));
        } else {
          co_await judge_unlinked(repo, marked[step.issue]);
        }
      }
      for (auto i : plan.issue_reads) co_await verify_issue(links[i]);
      std::vector<storage::page_link> verified;
      for (auto i : plan.page_reads) {
        co_await verify_page(links[i]);
        verified.push_back(links[i]);
      }
      co_await mark_verified(verified, started);
    }
    for (const auto& link : slice) {
      co_await verify_issue(link);
      co_await verify_page(link);
    }
    co_await mark_verified(slice, started);
    if (const auto record = sync::pass_to_record(started, ctx_)) {
      const auto at = *record;
      co_await store_.record_pass(at);
    }
    log::get("reconcile")
        ->info("reconcile{}{} done: {}", mode_ == reconcile_mode::full ? "" : " (slice)",
               ctx_.dry_run ? " (dry run)" : "", report_.summary());
    co_return report_;
  }

 private:
  // The repositories to look at: fixed ones, plus those of existing links (per-page repos).
  net::awaitable<std::set<std::string>> repositories() {
    std::vector<std::optional<std::string>> fixed;
    for (const auto& [name, b] : mappings_) fixed.push_back(b.rules.fixed_repository);
    const auto linked = co_await store_.linked_repositories();
    co_return sync::repositories_to_scan(fixed, linked);
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
      return github_port_->list_issues_since(repo, since, collect);
    };
    co_await waiting_out_pauses(std::move(list));
    co_return marked;
  }

  std::optional<sync::page_mapping> mapping_for(const std::string& data_source_id) const {
    const auto* b = sync::mapping_of_data_source(mappings_, data_source_id);
    if (!b) return std::nullopt;
    return sync::page_mapping{b->name, b->rules.close_on_trash};
  }

  // The page as Notion answers it; a 404 is an answer ("missing"), any other failure is thrown.
  net::awaitable<sync::page_answer> read_page(const std::string& id) {
    json::value raw;
    try {
      auto read = [this, id]() { return notion_port_->get_page(id); };
      raw = co_await waiting_out_pauses(std::move(read));
    } catch (const api::api_exception& e) {
      if (e.failure().status != 404) throw;
      co_return sync::page_answer{sync::page_presence::missing, {}, {}};
    }
    auto page = notion::parse_page(raw);
    if (!page) co_return sync::page_answer{sync::page_presence::unreadable, {}, {}};
    co_return sync::page_answer{
        page->in_trash ? sync::page_presence::trashed : sync::page_presence::present, page->id,
        page->parent_data_source_id};
  }

  // A marked issue without a link: someone else's, or read the page its marker names.
  net::awaitable<void> judge_unlinked(const std::string& repo, const github::github_issue& issue) {
    if (auto foreign = sync::foreign_marker_finding(repo, issue, ctx_)) {
      co_await carry_out(*foreign);
      co_return;
    }
    const auto page = co_await read_page(*sync::parse_markers(issue.body).page_id);
    const auto mapping = mapping_for(page.data_source_id);
    co_await carry_out(sync::adoption_finding(repo, issue, page, mapping, ctx_));
  }

  // Reads the link's issue; a failure that says it is gone is an answer, any other is thrown.
  net::awaitable<void> verify_issue(const storage::page_link& link) {
    const auto judged_link = judged(link);
    std::optional<sync::reconcile_finding> finding;
    try {
      auto read = [this, &judged_link]() {
        return github_port_->get_issue(judged_link.repo, judged_link.number);
      };
      const auto issue = co_await waiting_out_pauses(std::move(read));
      finding =
          sync::linked_issue_finding(judged_link, issue, mapping_for(link.data_source_id), ctx_);
    } catch (const api::api_exception& e) {
      const auto reason = sync::issue_gone(e.failure());
      if (!reason) throw;
      finding = sync::issue_gone_finding(judged_link, *reason, e.failure().status, ctx_);
    }
    co_await carry_out(*finding, &link);
  }

  net::awaitable<void> verify_page(const storage::page_link& link) {
    const auto page = co_await read_page(link.notion_page_id);
    co_await carry_out(
        sync::page_finding(judged(link), page.presence, mapping_for(link.data_source_id), ctx_));
  }

  // Counts the finding and carries out its action in one write. `link`: the link the finding is
  // about, as the pass read it.
  net::awaitable<void> carry_out(sync::reconcile_finding finding,
                                 const storage::page_link* link = nullptr) {
    sync::count_finding(report_, finding);
    if (std::holds_alternative<sync::no_action>(finding.action)) co_return;
    std::optional<storage::page_link> about;
    if (link) about = *link;
    const auto job = job_of(finding.action, config_.queue.max_attempts);
    co_await store_.carry_out(finding.action, about, job);
    if (const auto* a = std::get_if<sync::adopt_issue>(&finding.action)) {
      log::get("reconcile")
          ->info("adopted issue={}#{} for page={}", a->repo, a->number, a->page_id);
    }
  }

  net::awaitable<void> mark_verified(const std::vector<storage::page_link>& links,
                                     std::chrono::system_clock::time_point at) {
    std::vector<std::string> read;
    read.reserve(links.size());
    for (const auto& l : links) read.push_back(l.notion_page_id);
    auto ids = sync::verified_to_record(std::move(read), ctx_);
    if (ids.empty()) co_return;  // nothing to write: no round trip
    co_await store_.mark_verified(std::move(ids), at);
  }

  storage::reconcile_port store_;
  engine_ports& ports_;
  std::unique_ptr<github::github_port> github_port_;
  std::unique_ptr<notion::notion_port> notion_port_;
  const std::map<std::string, sync::mapping_binding>& mappings_;
  const config::config& config_;
  reconcile_mode mode_;
  sync::reconcile_context ctx_;
  reconcile_report report_;
};

}  // namespace

net::awaitable<reconcile_report> reconcile(
    storage::database& db, storage::job_queue& queue, engine_ports& ports,
    const std::map<std::string, sync::mapping_binding>& mappings, const config::config& c,
    reconcile_options options) {
  reconcile_pass pass(db, queue, ports, mappings, c, options);
  co_return co_await pass.run();
}

}  // namespace ngsync::engine

#include "daemon/engine/page_sync.hpp"

#include <exception>
#include <random>

#include <fmt/format.h>

#include "core/log/logging.hpp"
#include "core/notion/notion_id.hpp"
#include "core/sync/adoption.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/link_state.hpp"
#include "core/sync/notion_text.hpp"
#include "core/sync/planner.hpp"
#include "core/sync/provenance.hpp"
#include "core/time/iso8601.hpp"
#include "daemon/engine/crash_points.hpp"
#include "daemon/engine/daemon_metrics.hpp"
#include "daemon/engine/draft_pr_open.hpp"
#include "daemon/engine/page_content.hpp"
#include "daemon/engine/page_correlation.hpp"
#include "storage/link_store.hpp"

namespace ngsync::engine {
namespace net = boost::asio;
namespace json = boost::json;

struct page_syncer::page_context {
  sync_page_hint hint;
  const mapping_binding* mapping = nullptr;
  notion::notion_page page;
  // When `page` was read from Notion: the poll's time for a snapshot carried in the hint, else
  // the time of the GET. A sync is recorded as verified as of this moment, never later, so an
  // edit made after the read, in the same Notion minute, still gets the poller's second look.
  std::chrono::system_clock::time_point read_at;
  std::optional<storage::page_link> link;
  std::optional<sync::link_state> state;
  std::string content;
  // The page's parent is none of the mapping's data sources: the job names the wrong mapping
  // (or the page moved). Nothing is synced under it.
  bool outside_mapping = false;
};

namespace {

// Polled, webhook and reconcile hints all name a mapping; the page itself says where it lives.
bool in_mapping(const mapping_binding& mapping, const notion::notion_page& p) {
  if (sync::data_source_in_scope(mapping.scope(), p.parent_data_source_id, p.parent_database_id))
    return true;
  log::get("sync")->warn(
      "page={} is not in mapping '{}' (its parent is data source '{}', database '{}'): the job "
      "is dropped, nothing is written",
      p.id, mapping.name, p.parent_data_source_id, p.parent_database_id);
  return false;
}

// GitHub dropped names this round's write sent, or the last write's when this round wrote none:
// said on the page in place of Success while GitHub holds fewer names than the page asks for.
std::optional<std::string> dropped_names_notice(const sync::sync_plan& plan,
                                                const std::optional<sync::link_state>& state,
                                                const sync::github_applied_names& applied) {
  if (plan.desired && (applied.labels || applied.assignees)) {
    return sync::dropped_names_message(sync::written_values_of(*plan.desired, {}, applied),
                                       plan.desired->repo);
  }
  if (state && state->last_written) {
    return sync::dropped_names_message(*state->last_written, state->repo);
  }
  return std::nullopt;
}

sync::link_state to_state(const storage::page_link& l) {
  sync::link_state s;
  s.repo = l.github_repo.value_or("");
  if (l.issue_number) s.issue_number = *l.issue_number;
  s.issue_url = l.issue_html_url.value_or("");
  s.is_pull_request = l.kind == sync::issue_kind::draft_pr;
  s.synced_hash = l.synced_fields_hash.value_or("");
  s.create_intent = l.create_attempt_id.has_value() && !l.issue_number;
  if (l.create_intent_at) s.create_intent_at = iso8601::format(*l.create_intent_at);
  s.last_written = sync::last_written_from(l.written_to_github);
  return s;
}

std::string new_attempt_id() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  return fmt::format("{:016x}{:016x}", rng(), rng());
}

// True when the GitHub event mirror wrote a field into the page at or after `last_edited`
// (compared to the minute: Notion rounds last_edited_time down to it).
bool mirrored_since(const storage::page_link& link, const std::string& last_edited) {
  const auto edited = last_edited.substr(0, 16);
  for (const auto& [field, entry] : link.written_to_notion) {
    const auto* o = entry.if_object();
    const auto* at = o ? o->if_contains("at") : nullptr;
    if (at && at->is_string() && std::string_view(at->as_string()).substr(0, 16) >= edited) {
      return true;
    }
  }
  return false;
}

// load() reads no content for a page before its create status that has no link: nothing of it
// reaches GitHub. A page re-linked afterwards needs it, or the plan would empty the issue body.
bool content_skipped_unlinked(const notion::notion_page& page, const sync::mapping_rules& rules) {
  return rules.sync_body && !page.in_trash &&
         sync::classify_status(page, rules, false).cls == sync::status_class::before_create;
}

[[noreturn]] void fail_permanent(const std::string& operation, const std::string& why) {
  api::throw_malformed("ngsync", operation, why);
}

// True when the page already shows everything `shown` would write. Writing it again would only
// bump last_edited_time, and the next poll would sync the page again: with an extras error
// (an unknown project option) that replaces the planned Success, a write every poll for good.
bool page_already_shows(const notion::notion_page& page, const sync::write_back_properties& wb,
                        const sync::write_back_action& shown) {
  if (shown.use_created_issue || shown.last_sync_at) return false;
  auto prop = [&](const std::optional<std::string>& name) -> const notion::property_value* {
    return name ? page.find(*name) : nullptr;
  };
  if (shown.issue_number) {
    const auto* p = prop(wb.issue_number);
    if (!p || !p->number || *p->number != static_cast<double>(*shown.issue_number)) return false;
  }
  if (shown.issue_url) {
    const auto* p = prop(wb.issue_url);
    if (!p || p->text != *shown.issue_url) return false;
  }
  if (shown.status) {
    const auto* p = prop(wb.sync_status);
    if (!p || sync::sync_status_value_from(p->text) != *shown.status) return false;
  }
  if (shown.error_text) {
    const auto* p = prop(wb.sync_error);
    if (!p || (shown.error_text->empty() ? !p->is_empty : p->text != *shown.error_text))
      return false;
  }
  return true;
}

}  // namespace

page_syncer::page_syncer(storage::database& db, engine_ports& ports, issue_extras_syncer* extras,
                         const std::map<std::string, mapping_binding>& mappings)
    : db_(db), ports_(ports), mappings_(mappings), links_(db), extras_(extras), recovery_(db) {}

net::awaitable<void> page_syncer::report_extras_error(notion::notion_page page,
                                                      sync::mapping_rules rules, std::string error,
                                                      std::string run, bool show_on_page) {
  ++counters_.pages_in_error;
  log::get("sync")->warn("page={} run={} error: {}", page.id, run, error);
  const auto page_id = page.id;
  auto save_error = [page_id, error, run](storage::transaction t) {
    storage::link_store::mark_error(t, page_id, error, run);
  };
  co_await db_.write(std::move(save_error));
  if (!show_on_page) co_return;
  // Writing the same error again would only bump last_edited_time (and start another sync).
  const auto& wb = rules.write_back;
  const std::string shown(sync::shown_error_text(error));
  sync::write_back_action a;
  bool stale = false;
  if (wb.sync_status) {
    if (const auto* p = page.find(*wb.sync_status)) {
      a.status = sync::sync_status_value::error;
      stale = stale || sync::sync_status_value_from(p->text) != sync::sync_status_value::error;
    }
  }
  if (wb.sync_error) {
    if (const auto* p = page.find(*wb.sync_error)) {
      a.error_text = shown;
      stale = stale || p->text != shown;
    }
  }
  if (!stale || page.in_trash) co_return;
  auto props = sync::notion_write_back_properties(a, wb);
  if (props.empty()) co_return;
  auto notion_port = ports_.notion(run);
  auto& notion_api = *notion_port;
  co_await notion_api.update_page_properties(page_id, std::move(props));
}

net::awaitable<page_syncer::page_context> page_syncer::load(sync_page_hint hint, std::string run) {
  auto notion_port = ports_.notion(run);
  auto& notion_api = *notion_port;
  page_context ctx;
  ctx.hint = hint;
  auto m = mappings_.find(hint.mapping);
  if (m == mappings_.end()) fail_permanent("sync page", "no mapping named '" + hint.mapping + "'");
  ctx.mapping = &m->second;
  const auto& rules = m->second.rules;

  json::value raw;
  ctx.read_at = ports_.now();
  if (hint.page) {
    raw = *hint.page;
    if (hint.seen_at) ctx.read_at = std::min(ctx.read_at, *hint.seen_at);
  } else {
    raw = co_await notion_api.get_page(hint.page_id);
  }
  auto parsed = notion::parse_page(raw);
  if (!parsed) api::throw_malformed("notion", "read page", parsed.error().message);
  ctx.page = std::move(*parsed);
  if (!in_mapping(*ctx.mapping, ctx.page)) {
    ctx.outside_mapping = true;
    co_return ctx;
  }

  const auto id = ctx.page.id;
  ctx.link = co_await links_.get(id);
  // A snapshot older than the page read behind the link's last sync is stale: the queue held
  // this job while a later one synced the page (say, closed the issue for the trash). Planning
  // from it would push values that were true before that sync, such as reopening the issue.
  const bool older_than_last_sync = hint.seen_at && ctx.link && ctx.link->last_synced_at &&
                                    *hint.seen_at < *ctx.link->last_synced_at;
  if (hint.page && ctx.link &&
      (older_than_last_sync || mirrored_since(*ctx.link, ctx.page.last_edited_time))) {
    // The poll's snapshot may also predate a GitHub change mirrored into the page; planning from
    // it would push the old value back (the provenance already records GitHub's). Read it again.
    ctx.read_at = ports_.now();
    auto fresh = co_await notion_api.get_page(hint.page_id);
    auto reparsed = notion::parse_page(fresh);
    if (!reparsed) api::throw_malformed("notion", "read page", reparsed.error().message);
    ctx.page = std::move(*reparsed);
    if (!in_mapping(*ctx.mapping, ctx.page)) {
      ctx.outside_mapping = true;
      co_return ctx;
    }
  }

  // People past 25 entries are cut from the page object: read them from the property endpoint.
  if (rules.assignees_property) {
    auto it = ctx.page.properties.find(*rules.assignees_property);
    if (it != ctx.page.properties.end() && it->second.truncated) {
      auto items = co_await notion_api.get_property_items(ctx.page.id, it->second.id);
      std::vector<notion::notion_user> people;
      for (const auto& item : items) {
        const auto* o = item.if_object();
        const auto* p = o ? o->if_contains("people") : nullptr;
        if (p && p->is_object()) {
          notion::notion_user u;
          if (auto* id = p->as_object().if_contains("id"); id && id->is_string())
            u.id = id->as_string().c_str();
          if (auto* n = p->as_object().if_contains("name"); n && n->is_string())
            u.name = n->as_string().c_str();
          if (auto* pe = p->as_object().if_contains("person"); pe && pe->is_object()) {
            if (auto* e = pe->as_object().if_contains("email"); e && e->is_string())
              u.email = e->as_string().c_str();
          }
          people.push_back(std::move(u));
        }
      }
      it->second.people = std::move(people);
      it->second.truncated = false;
    }
  }

  if (ctx.link) ctx.state = to_state(*ctx.link);
  if (rules.sync_body && !ctx.page.in_trash &&
      (ctx.state || !content_skipped_unlinked(ctx.page, rules))) {
    ctx.content = co_await read_page_content(notion_api, ctx.page, rules.user_map);
  }
  co_return ctx;
}

net::awaitable<sync::sync_plan> page_syncer::preview(sync_page_hint hint) {
  auto github_port = ports_.github("");
  auto& github_api = *github_port;
  auto ctx = co_await load(std::move(hint), std::string());
  if (ctx.outside_mapping) co_return sync::sync_plan{};
  const auto& rules = ctx.mapping->rules;
  std::optional<github::github_issue> issue;
  if (sync::needs_issue(ctx.page, ctx.content, ctx.state, rules)) {
    issue = co_await github_api.get_issue(ctx.state->repo, *ctx.state->issue_number);
  }
  co_return sync::plan_page(ctx.page, ctx.content, ctx.state, issue, rules,
                            iso8601::format(ports_.now()));
}

net::awaitable<void> page_syncer::sync(storage::claimed_job job) {
  std::optional<storage::created_issue> unrecorded;
  std::exception_ptr failure;
  std::string page_id;
  try {
    page_id = hint_from_payload(job.payload).page_id;
    co_await sync_rounds(std::move(job), unrecorded);
  } catch (...) {
    failure = std::current_exception();
  }
  if (!failure) co_await forget_trouble(page_id);
  if (unrecorded) {
    // Stopped between creating the issue and the final write (an error, the page's own error
    // state): record the number now, so the retry finds the issue on the link instead of
    // searching GitHub for its marker. A crash here leaves the intent, and that search.
    const auto created = *unrecorded;
    try {
      co_await links_.record_created(created);
    } catch (const std::exception& e) {
      log::get("sync")->warn(
          "page={} could not record issue #{} yet ({}); the retry finds it by "
          "its marker",
          created.page_id, created.issue_number, e.what());
      if (!failure) throw;
    }
  }
  if (failure) std::rethrow_exception(failure);
}

net::awaitable<void> page_syncer::sync_rounds(storage::claimed_job job,
                                              std::optional<storage::created_issue>& unrecorded) {
  auto logger = log::get("sync");
  const auto run_tag = job.sync_run_id.value_or("");
  auto notion_port = ports_.notion(run_tag);
  auto& notion_api = *notion_port;
  auto github_port = ports_.github(run_tag);
  auto& github_api = *github_port;
  auto hint = hint_from_payload(job.payload);
  auto ctx = co_await load(std::move(hint), run_tag);
  if (ctx.outside_mapping) {
    ++counters_.pages_outside_mapping;
    co_return;
  }
  const auto& rules = ctx.mapping->rules;
  const auto page_id = ctx.page.id;
  const auto ds = ctx.hint.data_source_id;

  std::optional<github::github_issue> issue;
  if (needs_correlation(ctx.link)) {
    // No issue on record (a lost or restored database): the page may still name its issue.
    auto found =
        co_await correlate_page(db_, github_api, ctx.page, *ctx.mapping, ds, own_github_login_);
    if (found.refusal) {
      auto page_copy = ctx.page;
      auto rules_copy = rules;
      co_await report_extras_error(std::move(page_copy), std::move(rules_copy), *found.refusal,
                                   run_tag, true);
      co_return;  // the page's state, not a job failure; nothing is created
    }
    if (found.link) {
      ++counters_.issues_adopted;
      ctx.link = found.link;
      ctx.state = to_state(*ctx.link);
      issue = std::move(found.issue);  // already read: the plan compares with it
      if (content_skipped_unlinked(ctx.page, rules)) {
        ctx.content = co_await read_page_content(notion_api, ctx.page, rules.user_map);
      }
    }
  }
  if (!issue && sync::needs_issue(ctx.page, ctx.content, ctx.state, rules)) {
    issue = co_await github_api.get_issue(ctx.state->repo, *ctx.state->issue_number);
  }

  std::optional<std::int64_t> created_number;
  std::string created_repo;
  std::optional<std::string> created_url;
  std::optional<std::string> notion_edited_after;  // last_edited_time after our write-back
  // A plan may ask to learn something first (fetch the issue, look for the marker): plan again
  // with the answer. Three rounds always suffice; more means a bug, not a slow page.
  // A page trashed between its read and its write-back costs two more (read again, fetch).
  bool trash_replanned = false;
  for (int round = 0; round < (trash_replanned ? 5 : 3); ++round) {
    const auto now = ports_.now();
    auto plan =
        sync::plan_page(ctx.page, ctx.content, ctx.state, issue, rules, iso8601::format(now));
    const auto run = plan.sync_run_id;
    for (const auto& w : plan.warnings) logger->warn("page={} run={} {}", page_id, run, w);
    // The issue the extras follow: the one just created or the linked one.
    const bool extras_wanted = extras_ && issue_extras_syncer::wanted(ctx.mapping->settings);
    auto linked = [&]() -> std::optional<linked_issue> {
      if (!extras_wanted) return std::nullopt;
      linked_issue li;
      if (created_number) {
        li.repo = created_repo;
        li.number = *created_number;
      } else if (ctx.state && ctx.state->issue_number && !ctx.state->create_intent) {
        li.repo = ctx.state->repo;
        li.number = *ctx.state->issue_number;
      }
      if (li.repo.empty() || li.number == 0) return std::nullopt;
      if (plan.desired) {
        li.closed = plan.desired->state != sync::desired_state::open;
      } else if (ctx.state && ctx.state->last_written) {
        li.closed = ctx.state->last_written->state != sync::desired_state::open;
      }
      return li;
    };
    if (plan.empty()) {
      ++counters_.unchanged;
      std::optional<std::string> extras_error;
      if (auto li = linked()) {
        auto settings = ctx.mapping->settings;
        auto page_copy = ctx.page;
        auto target = *li;
        extras_error = co_await extras_->sync(std::move(settings), std::move(page_copy),
                                              std::move(target), run);
      }
      if (extras_error) {
        auto page_copy = ctx.page;
        auto rules_copy = rules;
        auto shown_error = *extras_error;
        co_await report_extras_error(std::move(page_copy), std::move(rules_copy),
                                     std::move(shown_error), run, true);
        co_return;
      }
      // A trashed page's error (its issue reopened on GitHub) is not the extras' to clear.
      if (ctx.link && (ctx.link->sync_status == sync::link_status::in_sync ||
                       (extras_wanted && ctx.link->sync_status == sync::link_status::error &&
                        !ctx.page.in_trash))) {
        // Verified unchanged after the edit's minute: lets the poller settle this page.
        storage::sync_outcome o;
        o.notion_last_edited = iso8601::parse(ctx.page.last_edited_time);
        o.synced_fields_hash = ctx.link->synced_fields_hash.value_or("");
        o.sync_run_id = run;
        o.synced_at = std::min(now, ctx.read_at);
        if (!plan.synced_hash.empty() && plan.desired) {
          // Compared with the issue and found in agreement (e.g. a GitHub close mirrored into
          // the page): that is the state to compare the next edit with, not the older hash.
          o.synced_fields_hash = plan.synced_hash;
          o.written_to_github =
              sync::provenance_json(sync::written_values_of(*plan.desired, iso8601::format(now)));
        }
        auto touch_synced = [page_id, o](storage::transaction t) {
          storage::link_store::mark_in_sync(t, page_id, o);
        };
        co_await db_.autocommit(std::move(touch_synced));  // one statement
      }
      co_return;
    }
    bool replan = false;
    std::optional<std::string> error_message;
    bool extras_ran = false;
    bool extras_error_shown = false;  // written to the page with the plan's write-back
    std::optional<std::string> extras_error;
    // The name lists GitHub's answers showed for what this round's writes sent; what it
    // dropped is said on the page (core/sync/link_state.hpp).
    sync::github_applied_names applied;
    for (const auto& action : plan.actions) {
      logger->debug("page={} run={} action: {}", page_id, run, sync::describe(action));
      if (const auto* find = std::get_if<sync::find_issue_by_marker_action>(&action)) {
        // The earlier POST's outcome is unknown: look for our marker among the issues updated
        // since the intent (the list endpoint, never search: search lags behind creation).
        auto since = iso8601::parse(find->since).value_or(now - std::chrono::hours(24));
        std::optional<github::github_issue> found;
        const auto want = notion::compact_id(page_id);
        // Only an issue the daemon itself opened is ours: anyone can copy a marker.
        std::vector<github::github_issue> foreign;
        std::function<bool(const github::github_issue&)> look_for_marker =
            [&found, &foreign, &want, this](const github::github_issue& candidate) {
              auto markers = sync::parse_markers(candidate.body);
              if (!markers.page_id || notion::compact_id(*markers.page_id) != want) return true;
              if (!sync::written_by_daemon(candidate.user_login, own_github_login_)) {
                foreign.push_back(candidate);
                return true;
              }
              found = candidate;
              return false;
            };
        auto listed_since = iso8601::format(since - std::chrono::minutes(5));
        co_await github_api.list_issues_since(find->repo, std::move(listed_since),
                                              std::move(look_for_marker));
        for (const auto& f : foreign) {
          logger->warn(
              "page={} run={} {}#{} carries this page's marker but was opened by @{}, "
              "not the daemon: never adopted",
              page_id, run, find->repo, f.number, f.user_login);
        }
        if (!found && !foreign.empty() && own_github_login_.empty()) {
          // Cannot tell ours from a copy: neither adopt nor create a possible duplicate.
          fail_permanent("sync page",
                         fmt::format("{}#{} carries this page's marker, but the daemon's GitHub "
                                     "identity is unknown (set github.own_login)",
                                     find->repo, foreign.front().number));
        }
        if (found) {
          ++counters_.issues_adopted;
          logger->info("page={} run={} adopted issue {}#{} created by an earlier attempt", page_id,
                       run, find->repo, found->number);
          const auto repo = find->repo;
          const auto kind =
              found->is_pull_request ? sync::issue_kind::draft_pr : sync::issue_kind::issue;
          const auto f = *found;
          auto save_adopted = [page_id, f, kind](storage::transaction t) {
            storage::link_store::record_created(t, page_id, static_cast<int>(f.number), f.node_id,
                                                f.html_url, sync::to_string(kind));
          };
          co_await db_.write(std::move(save_adopted));
          ctx.state->issue_number = found->number;
          ctx.state->issue_url = found->html_url;
          ctx.state->create_intent = false;
          ctx.state->synced_hash.clear();  // compare everything with the adopted issue
          issue = found;
          created_number = found->number;
          created_repo = find->repo;
          created_url = found->html_url;
        } else {
          // Not found: the earlier POST never landed. Forget the intent and plan a fresh create.
          ctx.state->create_intent = false;
        }
        replan = true;
        break;
      }
      if (const auto* fetch = std::get_if<sync::fetch_issue_action>(&action)) {
        issue = co_await github_api.get_issue(fetch->repo, fetch->number);
        replan = true;
        break;
      }
      if (const auto* create = std::get_if<sync::create_issue_action>(&action)) {
        // 0. A database that lost its links reads the repository's marked issues once first:
        //    the issue this page had may exist, its number never written back.
        if (co_await recovery_.before_create(github_api, create->repo, ds, own_github_login_)) {
          auto relinked = co_await links_.get(page_id);
          if (relinked && relinked->issue_number) {
            ++counters_.issues_adopted;
            logger->info("page={} run={} re-linked to {}#{} by the recovery scan", page_id, run,
                         create->repo, *relinked->issue_number);
            ctx.link = relinked;
            ctx.state = to_state(*relinked);
            if (content_skipped_unlinked(ctx.page, rules)) {
              ctx.content = co_await read_page_content(notion_api, ctx.page, rules.user_map);
            }
            issue.reset();
            replan = true;
            break;
          }
        }
        // 1. Record the intent (committed) before GitHub hears of the issue.
        const auto attempt = new_attempt_id();
        const auto repo = create->repo;
        const storage::create_intent intent{page_id, ds, repo, attempt, now};
        co_await links_.record_create_intent(intent);
        // 2. POST. An unknown outcome (timeout, reset) leaves the intent: the retry adopts.
        github::github_issue made;
        if (create->kind == sync::issue_kind::draft_pr) {
          // Head branch, draft PR, labels and assignees (daemon/engine/draft_pr_open.hpp).
          made = co_await open_draft_pr(github_api, page_id, *create, ctx.mapping->draft_pr_base);
        } else {
          github::new_issue fresh{create->title, create->body, create->labels, create->assignees};
          made = co_await github_api.create_issue(repo, std::move(fresh));
          if (!create->labels.empty()) applied.labels = made.labels;
          if (!create->assignees.empty()) applied.assignees = made.assignees;
        }
        ++counters_.issues_created;
        crash_point(crash_after_issue_create);
        // 3. The number goes to the link with the in-sync state after the write-back to Notion
        //    (one row rewrite, not two), or at once when the issue's extras read it from there.
        //    Until then a crash leaves the intent, and the retry adopts the issue by its marker.
        const auto kind = create->kind;
        const storage::created_issue saved{page_id, static_cast<int>(made.number), made.node_id,
                                           made.html_url, kind};
        if (extras_wanted) {
          co_await links_.record_created(saved);
        } else {
          unrecorded = saved;
        }
        created_number = made.number;
        created_repo = repo;
        created_url = made.html_url;
        logger->info("page={} run={} created {} {}#{}", page_id, run, sync::to_string(kind), repo,
                     made.number);
        if (create->close_after_create) {
          github::issue_update u;
          u.state = "closed";
          u.state_reason = sync::to_string(*create->close_after_create);
          co_await github_api.update_issue(repo, made.number, std::move(u));
          ++counters_.issues_closed;
        }
        continue;
      }
      if (const auto* update = std::get_if<sync::update_issue_action>(&action)) {
        github::issue_update u;
        u.title = update->title;
        u.body = update->body;
        u.labels = update->labels;
        u.assignees = update->assignees;
        if (update->state) {
          const bool open = update->state->state == github::issue_state::open;
          u.state = open ? "open" : "closed";
          u.state_reason = update->state->state_reason;
          ++(open ? counters_.issues_reopened : counters_.issues_closed);
        }
        const bool sent_labels = u.labels.has_value(), sent_assignees = u.assignees.has_value();
        const auto shown =
            co_await github_api.update_issue(update->repo, update->number, std::move(u));
        if (sent_labels) applied.labels = shown.labels;
        if (sent_assignees) applied.assignees = shown.assignees;
        ++counters_.issues_updated;
        if (plan.desired) {
          // Record what GitHub now holds before anything else can fail. A replan after the page
          // was trashed mid-sync, or the retry after a crash, must compare with this write, not
          // with the one before it: otherwise a reopen made here looks like a person's and stands.
          auto written = sync::provenance_json(
              sync::written_values_of(*plan.desired, iso8601::format(now), applied));
          auto save_written = [page_id, written](storage::transaction t) {
            storage::link_store::merge_provenance(t, page_id, written, json::object());
            storage::link_store::invalidate_hash(t, page_id);
          };
          co_await db_.write(std::move(save_written));
        }
        logger->info("page={} run={} updated {}#{}: {}", page_id, run, update->repo, update->number,
                     sync::describe(action));
        continue;
      }
      if (const auto* wb = std::get_if<sync::write_back_action>(&action)) {
        // The issue's extras go first: an error there replaces the Success write-back.
        if (!extras_ran) {
          if (auto li = linked()) {
            extras_ran = true;
            auto settings = ctx.mapping->settings;
            auto page_copy = ctx.page;
            auto target = *li;
            extras_error = co_await extras_->sync(std::move(settings), std::move(page_copy),
                                                  std::move(target), run);
          }
        }
        if (!extras_error) extras_error = dropped_names_notice(plan, ctx.state, applied);
        // An extras error replaces Success; the number and URL are still written back.
        auto shown = *wb;
        bool shown_already = false;
        if (extras_error) {
          if (shown.status) shown.status = sync::sync_status_value::error;
          if (shown.error_text)
            shown.error_text = std::string(sync::shown_error_text(*extras_error));
          shown.last_sync_at.reset();
          extras_error_shown = true;
          shown_already = page_already_shows(ctx.page, rules.write_back, shown);
        }
        auto props = shown_already ? json::object()
                                   : sync::notion_write_back_properties(
                                         shown, rules.write_back, created_number, created_url);
        if (!props.empty()) {
          json::value updated;
          std::optional<api::api_failure> archived;
          try {
            auto answer = co_await notion_api.update_page_properties(page_id, std::move(props));
            updated = std::move(answer);
          } catch (const api::api_exception& e) {
            if (!api::is_archived_page_edit(e.failure()) || trash_replanned) throw;
            archived = e.failure();
          }
          if (archived) {
            // Trashed since it was read: read the page (and the link, which a create in this
            // plan changed) again and plan once more, which closes the issue per close_on_trash.
            logger->info("page={} run={} trashed during the sync; planning again", page_id, run);
            trash_replanned = true;
            if (unrecorded) {  // the link is read again below: it must show the new issue
              const auto created = *unrecorded;
              co_await links_.record_created(created);
              unrecorded.reset();
            }
            auto fresh_hint = ctx.hint;
            fresh_hint.page.reset();
            auto fresh = co_await load(std::move(fresh_hint), run_tag);
            ctx = std::move(fresh);
            if (!ctx.page.in_trash) throw api::api_exception(*archived);
            issue.reset();
            replan = true;
            break;
          }
          ++counters_.pages_written_back;
          if (const auto* o = updated.if_object()) {
            if (auto* le = o->if_contains("last_edited_time"); le && le->is_string()) {
              notion_edited_after = std::string(le->as_string().c_str());
            }
          }
        }
        continue;
      }
      if (const auto* err = std::get_if<sync::mark_error_action>(&action)) {
        error_message = err->message;
        continue;
      }
    }
    if (replan) continue;
    if (!error_message && !extras_ran) {
      if (auto li = linked()) {
        extras_ran = true;
        auto settings = ctx.mapping->settings;
        auto page_copy = ctx.page;
        auto target = *li;
        extras_error = co_await extras_->sync(std::move(settings), std::move(page_copy),
                                              std::move(target), run);
      }
    }

    if (error_message) {
      ++counters_.pages_in_error;
      logger->warn("page={} run={} error: {}", page_id, run, *error_message);
      const auto msg = *error_message;
      const bool has_link = ctx.link.has_value();
      auto save_error = [page_id, ds, msg, run, has_link](storage::transaction t) {
        if (!has_link) {
          storage::page_link l;
          l.notion_page_id = page_id;
          l.data_source_id = ds;
          l.sync_status = sync::link_status::error;
          storage::link_store::upsert(t, l);
        }
        storage::link_store::mark_error(t, page_id, msg, run);
      };
      co_await db_.write(std::move(save_error));
      co_return;  // a page error is the page's state, not a job failure: no retry storm
    }
    if (!plan.synced_hash.empty() || (ctx.link && ctx.link->synced_fields_hash)) {
      storage::sync_outcome o;
      o.notion_last_edited =
          iso8601::parse(notion_edited_after.value_or(ctx.page.last_edited_time));
      o.synced_fields_hash =
          plan.synced_hash.empty() ? ctx.link->synced_fields_hash.value_or("") : plan.synced_hash;
      o.sync_run_id = run;
      o.synced_at = std::min(now, ctx.read_at);
      if (plan.desired) {
        o.written_to_github = sync::provenance_json(
            sync::written_values_of(*plan.desired, iso8601::format(now), applied));
      }
      const storage::synced_page synced{page_id, o, unrecorded};
      co_await links_.mark_in_sync(synced);
      unrecorded.reset();
    }
    if (extras_error) {
      auto page_copy = ctx.page;
      auto rules_copy = rules;
      auto shown_error = *extras_error;
      co_await report_extras_error(std::move(page_copy), std::move(rules_copy),
                                   std::move(shown_error), run, !extras_error_shown);
      co_return;
    }
    ++counters_.pages_synced;
    if (ctx.hint.seen_at) metrics().page_synced(*ctx.hint.seen_at);
    co_return;
  }
  fail_permanent("sync page", "the plan did not settle after three rounds");
}

net::awaitable<void> page_syncer::report_failure(storage::claimed_job job, std::string error,
                                                 bool dead) {
  sync_page_hint hint;
  try {
    hint = hint_from_payload(job.payload);
  } catch (const std::exception&) {
    co_return;
  }
  auto m = mappings_.find(hint.mapping);
  if (m == mappings_.end()) co_return;
  const auto& wb = m->second.rules.write_back;
  const auto page_id = hint.page_id;
  const auto run = job.sync_run_id.value_or("");
  if (dead) {
    auto save_dead = [page_id, error, run](storage::transaction t) {
      storage::link_store::mark_error(t, page_id, error, run);
    };
    co_await db_.write(std::move(save_dead));
  }
  if (!dead && job.attempts > 1) co_return;
  sync::write_back_action a;
  if (wb.sync_status)
    a.status = dead ? sync::sync_status_value::error : sync::sync_status_value::pending;
  if (wb.sync_error) a.error_text = std::string(sync::shown_error_text(error));
  auto props = sync::notion_write_back_properties(a, wb);
  if (props.empty()) co_return;
  auto notion_port = ports_.notion(run);
  auto& notion_api = *notion_port;
  try {
    co_await notion_api.update_page_properties(page_id, std::move(props));
  } catch (const std::exception& e) {
    log::get("sync")->warn("page={} could not show the failure on the page: {}", page_id, e.what());
  }
}

}  // namespace ngsync::engine

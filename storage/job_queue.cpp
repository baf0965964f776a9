#include "storage/job_queue.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <unordered_map>

#include <pqxx/pqxx>

#include "core/log/logging.hpp"
#include "core/time/backoff.hpp"
#include "storage/job_queue_sql.hpp"

namespace ngsync::storage {
namespace {

using namespace job_sql;

const std::string epoch_us_of_locked_until =
    "(extract(epoch from j.locked_until) * 1000000)::bigint";

const std::string enqueue_sql =
    "WITH ins AS ("
    " INSERT INTO jobs AS j (kind, payload, unique_key, page_key, priority, run_at,"
    "                        max_attempts, sync_run_id)"
    " VALUES ($1, $2::jsonb, $3, $4, $5, " +
    ts(6) +
    ", $7, $8)"
    " ON CONFLICT (unique_key) WHERE state IN " +
    waiting +
    " AND unique_key IS NOT NULL"
    " DO UPDATE SET payload = EXCLUDED.payload, run_at = least(j.run_at, EXCLUDED.run_at),"
    "   priority = greatest(j.priority, EXCLUDED.priority),"
    "   page_key = coalesce(EXCLUDED.page_key, j.page_key),"
    "   sync_run_id = coalesce(EXCLUDED.sync_run_id, j.sync_run_id)"
    " RETURNING j.id, (j.xmax <> 0) AS merged)"
    " SELECT ins.id, ins.merged FROM ins, (SELECT " +
    notify_workers + ") AS n";

const std::string enqueue_batch_sql =
    "WITH input AS ("
    " SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(kind text, payload jsonb,"
    "   unique_key text, page_key text, priority int, run_at_us bigint, max_attempts int,"
    "   sync_run_id text, ord int)),"
    " ins AS ("
    " INSERT INTO jobs AS j (kind, payload, unique_key, page_key, priority, run_at,"
    "                        max_attempts, sync_run_id)"
    " SELECT kind, coalesce(payload, '{}'::jsonb), unique_key, page_key, priority,"
    "   timestamptz 'epoch' + run_at_us * interval '1 microsecond', max_attempts, sync_run_id"
    " FROM input ORDER BY ord"
    " ON CONFLICT (unique_key) WHERE state IN " +
    waiting +
    " AND unique_key IS NOT NULL"
    " DO UPDATE SET payload = EXCLUDED.payload, run_at = least(j.run_at, EXCLUDED.run_at),"
    "   priority = greatest(j.priority, EXCLUDED.priority),"
    "   page_key = coalesce(EXCLUDED.page_key, j.page_key),"
    "   sync_run_id = coalesce(EXCLUDED.sync_run_id, j.sync_run_id)"
    " RETURNING (j.xmax <> 0) AS merged)"
    " SELECT count(*) FILTER (WHERE NOT merged), count(*) FILTER (WHERE merged)"
    " FROM ins, (SELECT " +
    notify_workers + ") AS n";

// $1 now, $2 batch size, $3 worker, $4 lease (microseconds), $5 the claiming process's owner
// (queue_owner; NULL when it has none, and then only the lease frees the jobs).
// Two shapes only steer the plan: OFFSET 0 keeps the running-job probe a one-row lookup per
// candidate in jobs_one_running_per_page (otherwise it becomes a hashed subplan reading every
// running entry, stale ones included), and ANY(ARRAY(...)) keeps the update on the primary key.
// The candidates skip pages that already have a running job; DISTINCT ON keeps one job per
// page within the batch. The unique index jobs_one_running_per_page settles the remaining
// race between two claimers picking different jobs of the same page (one gets an error and
// claims again).
const std::string claim_sql =
    "WITH candidates AS ("
    " SELECT c.id, c.page_key, c.priority, c.run_at FROM jobs c"
    " WHERE c.state IN " +
    waiting + " AND c.run_at <= " + ts(1) +
    "   AND (c.page_key IS NULL OR NOT EXISTS ("
    "     SELECT 1 FROM jobs r WHERE r.state = 'running' AND r.page_key = c.page_key OFFSET 0))"
    " ORDER BY c.priority DESC, c.run_at, c.id"
    " LIMIT $2 FOR UPDATE SKIP LOCKED),"
    " chosen AS ("
    " SELECT DISTINCT ON (coalesce(page_key, '#' || id)) id FROM candidates"
    " ORDER BY coalesce(page_key, '#' || id), priority DESC, run_at, id)"
    " UPDATE jobs j SET state = 'running', locked_by = $3, claim_owner = $5::integer,"
    "   attempts = j.attempts + 1,"
    "   locked_until = " +
    ts(1) +
    " + $4::bigint * interval '1 microsecond'"
    " WHERE j.id = ANY(ARRAY(SELECT id FROM chosen))"
    " RETURNING j.id, j.kind, j.payload::text, j.unique_key, j.page_key, j.priority,"
    "   j.attempts, j.max_attempts, j.sync_run_id, " +
    epoch_us_of_locked_until;

const std::string complete_sql = "UPDATE jobs SET state = 'completed', finished_at = " + ts(3) +
                                 ", locked_until = NULL"
                                 " WHERE id = $1 AND state = 'running' AND locked_by = $2";

// A function (migration 0010), so the plan is made once per connection rather than per call.
const std::string complete_batch_sql =
    "SELECT * FROM ngsync_jobs_complete($1::bigint[], $2, $3::bigint)";

const std::string extend_sql = "UPDATE jobs SET locked_until = " + ts(3) +
                               " WHERE id = $1 AND state = 'running' AND locked_by = $2";

std::string truncate_error(const std::string& error) {
  std::string text = log::redact(error);
  constexpr std::size_t limit = 4000;
  if (text.size() > limit) text.resize(limit);
  return text;
}

std::string id_array(const std::vector<std::int64_t>& ids) {
  std::string out = "{";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    if (i) out += ',';
    out += std::to_string(ids[i]);
  }
  out += '}';
  return out;
}

template <class T>
std::optional<T> opt(const pqxx::field& f) {
  if (f.is_null()) return std::nullopt;
  return f.as<T>();
}

double default_jitter() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
}

boost::json::object spec_to_json(const job_spec& s, std::int64_t run_at_us, int ord) {
  boost::json::object o;
  o["kind"] = s.kind;
  o["payload"] = s.payload;
  if (s.unique_key) o["unique_key"] = *s.unique_key;
  if (s.page_key) o["page_key"] = *s.page_key;
  o["priority"] = s.priority;
  o["run_at_us"] = run_at_us;
  o["max_attempts"] = s.max_attempts;
  if (s.sync_run_id) o["sync_run_id"] = *s.sync_run_id;
  o["ord"] = ord;
  return o;
}

}  // namespace

job_queue::job_queue(database& db, queue_settings settings)
    : db_(db), settings_(std::move(settings)) {
  if (!settings_.jitter) settings_.jitter = default_jitter;
  if (!settings_.clock) settings_.clock = [] { return std::chrono::system_clock::now(); };
}

// ---- enqueue ----

enqueue_result job_queue::enqueue(transaction tx, const job_spec& spec) {
  pqxx::transaction_base& t = tx.sql();
  prepare(t.conn(), "jobs_enqueue", enqueue_sql);
  const auto run_at = to_epoch_us(spec.run_at.value_or(settings_.clock()));
  auto row = t.exec_prepared1("jobs_enqueue", spec.kind, boost::json::serialize(spec.payload),
                              spec.unique_key, spec.page_key, spec.priority, run_at,
                              spec.max_attempts, spec.sync_run_id);
  return {row[0].as<std::int64_t>(), row[1].as<bool>()};
}

batch_enqueue_result job_queue::enqueue_batch(transaction tx, const std::vector<job_spec>& specs) {
  pqxx::transaction_base& t = tx.sql();
  if (specs.empty()) return {};
  // One statement cannot update the same waiting row twice, so specs sharing a unique key
  // are merged here first, by the same rule the database applies.
  const auto now = settings_.clock();
  std::vector<job_spec> merged_specs;
  std::unordered_map<std::string, std::size_t> by_key;
  std::int64_t merged_here = 0;
  merged_specs.reserve(specs.size());
  for (const auto& s : specs) {
    if (s.unique_key) {
      auto [it, fresh] = by_key.try_emplace(*s.unique_key, merged_specs.size());
      if (!fresh) {
        job_spec& into = merged_specs[it->second];
        into.payload = s.payload;
        into.run_at = std::min(into.run_at.value_or(now), s.run_at.value_or(now));
        into.priority = std::max(into.priority, s.priority);
        if (s.page_key) into.page_key = s.page_key;
        if (s.sync_run_id) into.sync_run_id = s.sync_run_id;
        ++merged_here;
        continue;
      }
    }
    merged_specs.push_back(s);
  }
  boost::json::array rows;
  rows.reserve(merged_specs.size());
  int ord = 0;
  for (const auto& s : merged_specs) {
    rows.push_back(spec_to_json(s, to_epoch_us(s.run_at.value_or(now)), ord++));
  }
  prepare(t.conn(), "jobs_enqueue_batch", enqueue_batch_sql);
  auto row = t.exec_prepared1("jobs_enqueue_batch", boost::json::serialize(rows));
  return {row[0].as<std::int64_t>(), row[1].as<std::int64_t>() + merged_here};
}

net::awaitable<enqueue_result> job_queue::enqueue(job_spec spec) {
  auto work = [this, spec = std::move(spec)](pqxx::connection& c) {
    pqxx::work t(c, "enqueue");
    auto r = enqueue(t, spec);
    t.commit();
    return r;
  };
  auto result = co_await db_.run(std::move(work));
  co_return result;
}

net::awaitable<batch_enqueue_result> job_queue::enqueue_batch(std::vector<job_spec> specs) {
  auto work = [this, specs = std::move(specs)](pqxx::connection& c) {
    pqxx::work t(c, "enqueue batch");
    auto r = enqueue_batch(t, specs);
    t.commit();
    return r;
  };
  auto result = co_await db_.run(std::move(work));
  co_return result;
}

// ---- claim ----

bool job_queue::reclaim_due() {
  std::lock_guard lock(reclaim_mutex_);
  const auto now = std::chrono::steady_clock::now();
  if (settings_.reclaim_interval.count() > 0 && now - last_reclaim_ < settings_.reclaim_interval) {
    return false;
  }
  last_reclaim_ = now;
  return true;
}

std::vector<claimed_job> job_queue::claim_on(pqxx::connection& c, const std::string& worker_id,
                                             int max_jobs, std::chrono::milliseconds lease) {
  if (reclaim_due()) {
    try {
      reclaim_on(c);
    } catch (const pqxx::sql_error& e) {
      if (is_connection_loss(e)) throw;
      log::get("queue")->warn("lease sweep failed error=\"{}\"", e.what());
    }
  }
  prepare(c, "jobs_claim", claim_sql);
  const auto lease_us = std::chrono::duration_cast<std::chrono::microseconds>(lease).count();
  for (int attempt = 0;; ++attempt) {
    try {
      // One statement, so autocommit is as atomic as a transaction and saves the BEGIN and
      // COMMIT round trips. Should the connection break after it committed, the retry claims
      // other jobs and these stay leased to us until the lease expires (as after an in-doubt
      // COMMIT).
      pqxx::nontransaction t(c, "claim");
      auto rows = t.exec_prepared("jobs_claim", to_epoch_us(settings_.clock()), max_jobs, worker_id,
                                  lease_us, owner_ ? owner_->id() : std::nullopt);
      std::vector<claimed_job> jobs;
      jobs.reserve(rows.size());
      for (const auto& r : rows) {
        claimed_job j;
        j.id = r[0].as<std::int64_t>();
        j.kind = r[1].as<std::string>();
        j.payload = boost::json::parse(r[2].as<std::string>());
        j.unique_key = opt<std::string>(r[3]);
        j.page_key = opt<std::string>(r[4]);
        j.priority = r[5].as<int>();
        j.attempts = r[6].as<int>();
        j.max_attempts = r[7].as<int>();
        j.sync_run_id = opt<std::string>(r[8]);
        j.locked_until = from_epoch_us(r[9].as<std::int64_t>());
        jobs.push_back(std::move(j));
      }
      // Highest priority first, as the queue ordered them.
      std::sort(jobs.begin(), jobs.end(), [](const claimed_job& a, const claimed_job& b) {
        return a.priority != b.priority ? a.priority > b.priority : a.id < b.id;
      });
      return jobs;
    } catch (const pqxx::unique_violation&) {
      // Another claimer took a job of the same page at the same moment; the next snapshot
      // sees its running job and skips that page.
      if (attempt >= 5) throw;
    } catch (const pqxx::deadlock_detected&) {
      // Two claimers waited on each other's page-index entries; Postgres rolled one back.
      if (attempt >= 5) throw;
    }
  }
}

net::awaitable<std::vector<claimed_job>> job_queue::claim(std::string worker_id, int max_jobs,
                                                          std::chrono::milliseconds lease) {
  auto work = [this, worker_id = std::move(worker_id), max_jobs, lease](pqxx::connection& c) {
    return claim_on(c, worker_id, max_jobs, lease);
  };
  auto result = co_await db_.run(std::move(work));
  co_return result;
}

// ---- lease holders' operations ----

bool job_queue::extend_on(pqxx::connection& c, std::int64_t job_id, const std::string& worker_id,
                          std::chrono::milliseconds lease) {
  prepare(c, "jobs_extend", extend_sql);
  pqxx::work t(c, "extend lease");
  auto r =
      t.exec_prepared("jobs_extend", job_id, worker_id, to_epoch_us(settings_.clock() + lease));
  t.commit();
  return r.affected_rows() == 1;
}

net::awaitable<bool> job_queue::extend_lease(std::int64_t job_id, std::string worker_id,
                                             std::chrono::milliseconds lease) {
  auto work = [this, job_id, worker_id = std::move(worker_id), lease](pqxx::connection& c) {
    return extend_on(c, job_id, worker_id, lease);
  };
  auto result = co_await db_.run(std::move(work));
  co_return result;
}

bool job_queue::complete_on(pqxx::connection& c, std::int64_t job_id,
                            const std::string& worker_id) {
  prepare(c, "jobs_complete", complete_sql);
  pqxx::work t(c, "complete");
  auto r = t.exec_prepared("jobs_complete", job_id, worker_id, to_epoch_us(settings_.clock()));
  t.commit();
  return r.affected_rows() == 1;
}

std::vector<std::int64_t> job_queue::complete_batch_on(pqxx::connection& c,
                                                       const std::vector<std::int64_t>& ids,
                                                       const std::string& worker_id) {
  std::vector<std::int64_t> done;
  if (ids.empty()) return done;
  prepare(c, "jobs_complete_batch", complete_batch_sql);
  // One statement: autocommit, no BEGIN/COMMIT round trips. A retry after a connection loss
  // that followed the commit finds the jobs completed already and reports them as not held.
  pqxx::nontransaction t(c, "complete batch");
  auto rows = t.exec_prepared("jobs_complete_batch", id_array(ids), worker_id,
                              to_epoch_us(settings_.clock()));
  done.reserve(rows.size());
  for (const auto& r : rows) done.push_back(r[0].as<std::int64_t>());
  return done;
}

net::awaitable<bool> job_queue::complete(std::int64_t job_id, std::string worker_id) {
  auto work = [this, job_id, worker_id = std::move(worker_id)](pqxx::connection& c) {
    return complete_on(c, job_id, worker_id);
  };
  auto result = co_await db_.run(std::move(work));
  co_return result;
}

net::awaitable<std::vector<std::int64_t>> job_queue::complete_batch(
    std::vector<std::int64_t> job_ids, std::string worker_id) {
  auto work = [this, job_ids = std::move(job_ids), worker_id = std::move(worker_id)](
                  pqxx::connection& c) { return complete_batch_on(c, job_ids, worker_id); };
  auto result = co_await db_.run(std::move(work));
  co_return result;
}

std::chrono::milliseconds job_queue::backoff_for(int attempts) {
  // Full jitter: after the n-th attempt failed, the n-th retry's window.
  const auto window_ms = static_cast<double>(
      time::full_jitter_window(settings_.backoff_base, settings_.backoff_cap, attempts).count());
  const double fraction = std::clamp(settings_.jitter(), 0.0, 1.0);
  return std::chrono::milliseconds(static_cast<std::int64_t>(window_ms * fraction));
}

failure_outcome job_queue::fail_on(pqxx::connection& c, std::int64_t job_id,
                                   const std::string& worker_id, const std::string& error,
                                   job_failure failure) {
  const std::string text = truncate_error(error);
  for (int attempt = 0;; ++attempt) {
    try {
      pqxx::work t(c, "fail");
      auto held = t.exec_params(
          "SELECT attempts, max_attempts, unique_key FROM jobs"
          " WHERE id = $1 AND state = 'running' AND locked_by = $2 FOR UPDATE",
          job_id, worker_id);
      if (held.empty()) return failure_outcome::refused;
      int attempts = held[0][0].as<int>();
      const int max_attempts = held[0][1].as<int>();
      const auto unique_key = opt<std::string>(held[0][2]);
      const auto now = settings_.clock();

      const bool dead =
          failure.kind == job_failure::kind_t::permanent ||
          (failure.kind == job_failure::kind_t::transient && attempts >= max_attempts);
      if (dead) {
        t.exec_params(
            "UPDATE jobs SET state = 'dead', last_error = $2, locked_until = NULL,"
            " finished_at = " +
                ts(3) + " WHERE id = $1",
            job_id, text, to_epoch_us(now));
        t.commit();
        return failure_outcome::dead;
      }
      sys_time run_at;
      if (failure.kind == job_failure::kind_t::retry_at) {
        attempts = std::max(0, attempts - 1);  // the API asked us to wait; not our failure
        run_at = std::max(failure.at, now);
      } else {
        run_at = now + backoff_for(attempts);
      }
      if (unique_key) {
        // A hint that arrived while this job ran is already waiting: it redoes the work, so
        // it takes over this job's schedule and attempt count instead of a second row.
        auto sibling = t.exec_params(
            "SELECT id FROM jobs WHERE unique_key = $1 AND state IN " + waiting + " FOR UPDATE",
            *unique_key);
        if (!sibling.empty()) {
          const auto sibling_id = sibling[0][0].as<std::int64_t>();
          t.exec_params("UPDATE jobs SET run_at = greatest(run_at, " + ts(2) +
                            "),"
                            " attempts = greatest(attempts, $3), last_error = $4 WHERE id = $1",
                        sibling_id, to_epoch_us(run_at), attempts, text);
          t.exec_params(
              "UPDATE jobs SET state = 'completed', attempts = $2, locked_until = NULL,"
              " last_error = $3, finished_at = " +
                  ts(4) + " WHERE id = $1",
              job_id, attempts,
              "merged into waiting job " + std::to_string(sibling_id) + ": " + text,
              to_epoch_us(now));
          t.commit();
          return failure_outcome::merged_into_waiting;
        }
      }
      t.exec_params("UPDATE jobs SET state = 'retryable', attempts = $2, run_at = " + ts(3) +
                        ", last_error = $4, locked_until = NULL WHERE id = $1",
                    job_id, attempts, to_epoch_us(run_at), text);
      t.exec("SELECT " + notify_workers);
      t.commit();
      return failure_outcome::retry_scheduled;
    } catch (const pqxx::unique_violation&) {
      // A waiting sibling appeared between our check and our update: look again.
      if (attempt >= 3) throw;
    }
  }
}

net::awaitable<failure_outcome> job_queue::fail(std::int64_t job_id, std::string worker_id,
                                                std::string error, job_failure failure) {
  auto work = [this, job_id, worker_id = std::move(worker_id), error = std::move(error), failure](
                  pqxx::connection& c) { return fail_on(c, job_id, worker_id, error, failure); };
  auto result = co_await db_.run(std::move(work));
  co_return result;
}

}  // namespace ngsync::storage

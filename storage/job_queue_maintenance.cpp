// The job queue's maintenance, on the queue as a whole rather than one worker's jobs: leases
// that expired and jobs of processes that are gone go back to waiting, dead jobs are retried on
// request, depth and due times are counted for metrics, and old rows are pruned.
#include <pqxx/pqxx>

#include "core/log/logging.hpp"
#include "storage/job_queue.hpp"
#include "storage/job_queue_sql.hpp"
#include "storage/retention.hpp"

namespace ngsync::storage {
namespace {

using namespace job_sql;

// Expired leases: back to waiting at once, or closed as superseded when a waiting job with the
// same unique key will redo the work anyway. The run that stopped renewing its lease did not
// fail (its worker died or hung), so the claim's attempt is taken back: a crash neither grows
// the job's backoff nor brings it closer to dead.
const std::string reclaim_sql =
    "WITH expired AS ("
    " SELECT e.id, CASE"
    "   WHEN e.unique_key IS NOT NULL AND EXISTS (SELECT 1 FROM jobs w"
    "     WHERE w.unique_key = e.unique_key AND w.state IN " +
    waiting +
    ") THEN 'completed'"
    "   ELSE 'retryable' END AS next_state"
    " FROM jobs e WHERE e.state = 'running' AND e.locked_until < " +
    ts(1) +
    " ORDER BY e.locked_until LIMIT 1000 FOR UPDATE SKIP LOCKED)"
    " UPDATE jobs j SET state = expired.next_state, run_at = " +
    ts(1) +
    ", attempts = greatest(j.attempts - 1, 0),"
    "   last_error = 'lease expired: worker ' || coalesce(j.locked_by, '?') ||"
    "     ' stopped renewing it' || CASE expired.next_state"
    "       WHEN 'completed' THEN '; superseded by a waiting job' ELSE '' END,"
    "   locked_until = NULL,"
    "   finished_at = CASE WHEN expired.next_state = 'retryable' THEN NULL ELSE " +
    ts(1) +
    " END"
    " FROM expired WHERE j.id = expired.id RETURNING j.id";

// The jobs of processes whose owner lock is gone (migration 0012): $1 lock space, $2 now,
// $3 grace (microseconds).
const std::string release_orphans_sql =
    "SELECT * FROM ngsync_jobs_release_orphans($1::integer, $2::bigint, $3::bigint)";

const std::string retry_dead_sql =
    "WITH pick AS ("
    " SELECT DISTINCT ON (coalesce(d.unique_key, '#' || d.id)) d.id FROM jobs d"
    " WHERE d.state = 'dead' AND ($1::bigint IS NULL OR d.id = $1)"
    "   AND ($2::text IS NULL OR d.kind = $2)"
    "   AND (d.unique_key IS NULL OR NOT EXISTS (SELECT 1 FROM jobs w"
    "     WHERE w.unique_key = d.unique_key AND w.state IN " +
    waiting +
    "))"
    " ORDER BY coalesce(d.unique_key, '#' || d.id), d.id DESC),"
    " upd AS ("
    " UPDATE jobs j SET state = 'available', attempts = 0, run_at = " +
    ts(3) +
    ","
    "   finished_at = NULL, locked_by = NULL, locked_until = NULL"
    " FROM pick WHERE j.id = pick.id RETURNING j.id)"
    " SELECT count(*) FROM upd, (SELECT " +
    notify_workers + ") AS n";

}  // namespace

std::int64_t job_queue::reclaim_on(pqxx::connection& c) {
  prepare(c, "jobs_reclaim", reclaim_sql);
  prepare(c, "jobs_release_orphans", release_orphans_sql);
  const auto now = to_epoch_us(settings_.clock());
  const auto grace_us =
      std::chrono::duration_cast<std::chrono::microseconds>(settings_.owner_grace).count();
  pqxx::work t(c, "reclaim expired");
  auto orphans = t.exec_prepared("jobs_release_orphans", queue_owner_lock_space, now, grace_us);
  auto expired = t.exec_prepared("jobs_reclaim", now);
  if (!orphans.empty() || !expired.empty()) t.exec("SELECT " + notify_workers);
  t.commit();
  if (!orphans.empty()) {
    log::get("queue")->warn("released jobs of workers that are gone count={}", orphans.size());
  }
  if (!expired.empty()) {
    log::get("queue")->warn("reclaimed jobs with expired leases count={}", expired.size());
  }
  return static_cast<std::int64_t>(orphans.size() + expired.size());
}

net::awaitable<std::int64_t> job_queue::reclaim_expired() {
  auto work = [this](pqxx::connection& c) { return reclaim_on(c); };
  auto result = co_await db_.run(std::move(work));
  co_return result;
}

std::int64_t job_queue::retry_dead_on(pqxx::connection& c, const dead_job_filter& filter) {
  pqxx::work t(c, "retry dead");
  auto row = t.exec_params1(retry_dead_sql, filter.id, filter.kind, to_epoch_us(settings_.clock()));
  t.commit();
  return row[0].as<std::int64_t>();
}

net::awaitable<std::int64_t> job_queue::retry_dead(dead_job_filter filter) {
  auto work = [this, filter = std::move(filter)](pqxx::connection& c) {
    return retry_dead_on(c, filter);
  };
  auto result = co_await db_.run(std::move(work));
  co_return result;
}

queue_stats job_queue::stats_on(pqxx::connection& c) {
  queue_stats s;
  pqxx::read_transaction t(c, "queue stats");
  for (const auto& r :
       t.exec("SELECT state, kind, count(*) FROM jobs WHERE state <> 'completed' GROUP BY 1, 2")) {
    s.depth[r[0].as<std::string>()][r[1].as<std::string>()] = r[2].as<std::int64_t>();
  }
  const auto now = to_epoch_us(settings_.clock());
  auto row = t.exec_params1("SELECT count(*), count(*) FILTER (WHERE run_at <= " + ts(1) +
                                "),"
                                " (extract(epoch from min(run_at) FILTER (WHERE run_at <= " +
                                ts(1) +
                                ")) * 1000000)::bigint,"
                                " (extract(epoch from min(run_at) FILTER (WHERE run_at > " +
                                ts(1) +
                                ")) * 1000000)::bigint"
                                " FROM jobs WHERE state IN " +
                                waiting,
                            now);
  s.waiting = row[0].as<std::int64_t>();
  s.due = row[1].as<std::int64_t>();
  if (!row[2].is_null()) {
    s.oldest_due_age = std::chrono::milliseconds((now - row[2].as<std::int64_t>()) / 1000);
  }
  if (!row[3].is_null()) {
    s.next_due_in = std::chrono::milliseconds((row[3].as<std::int64_t>() - now) / 1000);
  }
  return s;
}

net::awaitable<queue_stats> job_queue::stats() {
  auto work = [this](pqxx::connection& c) { return stats_on(c); };
  auto result = co_await db_.run(std::move(work));
  co_return result;
}

prune_result job_queue::prune_on(pqxx::connection& c, std::chrono::seconds completed_older_than,
                                 std::chrono::seconds audit_older_than) {
  // In batches, each its own short transaction (storage/retention), never one long DELETE.
  constexpr int batch = 1000;
  const auto now = settings_.clock();
  prune_result r;
  for (std::int64_t n = batch; n == batch;) {
    n = prune_completed_jobs(c, now - completed_older_than, batch);
    r.jobs += n;
  }
  for (std::int64_t n = batch; n == batch;) {
    n = prune_audit_rows(c, now - audit_older_than, batch);
    r.audit_rows += n;
  }
  return r;
}

net::awaitable<prune_result> job_queue::prune(std::chrono::seconds completed_older_than,
                                              std::chrono::seconds audit_older_than) {
  auto work = [=, this](pqxx::connection& c) {
    return prune_on(c, completed_older_than, audit_older_than);
  };
  auto result = co_await db_.run(std::move(work));
  co_return result;
}

}  // namespace ngsync::storage

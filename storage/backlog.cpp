#include "storage/backlog.hpp"

#include <pqxx/pqxx>

#include "storage/detail/sql_fields.hpp"

namespace ngsync::storage {
namespace {

// A job the job runner re-queued because the API throttled it: api::classify words the pause
// "rate limited; paused until the API's reset", a bare 429 reads "HTTP 429", GitHub's secondary
// limit "... secondary rate limit". Only while its run_at is ahead does the limit still hold it.
const std::string throttled_sql =
    "(j.state = 'retryable' AND j.run_at > " + sql_ts(1) +
    " AND (j.last_error ILIKE '%rate limit%' OR j.last_error LIKE '%HTTP 429%'))";

// A sync_page job creates unless its page already has an issue. Pages whose status asks for no
// issue count too, so the creations are an upper bound.
const std::string creates_sql =
    "(j.kind = 'sync_page' AND NOT EXISTS (SELECT 1 FROM page_links l"
    " WHERE l.notion_page_id = j.payload->>'page_id' AND l.issue_number IS NOT NULL))";

const std::string backlog_sql =
    "WITH w AS (SELECT j.id, j.priority, j.run_at, coalesce(j.payload->>'mapping', '') AS mapping,"
    "   " +
    throttled_sql + " AS throttled, " + creates_sql +
    " AS creates"
    "   FROM jobs j WHERE j.state IN ('available', 'retryable')),"
    " ordered AS (SELECT w.*,"
    "   count(*) FILTER (WHERE creates) OVER q AS creates_through,"
    "   count(*) FILTER (WHERE NOT creates) OVER q AS others_through"
    "   FROM w WINDOW q AS (ORDER BY priority DESC, run_at, id ROWS UNBOUNDED PRECEDING))"
    " SELECT mapping, count(*), count(*) FILTER (WHERE throttled), count(*) FILTER (WHERE creates),"
    "   max(creates_through), max(others_through), " +
    sql_us("max(run_at)") + " FROM ordered GROUP BY mapping ORDER BY mapping";

const std::string recent_sql = "SELECT " + sql_us("at") +
                               " FROM rate_claims WHERE api = $1 AND at > " + sql_ts(2) +
                               " - $3::bigint * interval '1 second' ORDER BY at";

}  // namespace

backlog_snapshot read_backlog(transaction tx, sys_time now, std::chrono::seconds window,
                              const std::string& api) {
  pqxx::transaction_base& t = tx.sql();
  backlog_snapshot s;
  // The estimate's cost makes the planner JIT-compile the window query, which takes longer than
  // running it (0.7 s of 1 s over 100,000 waiting jobs); this transaction only.
  t.exec("SET LOCAL jit = off");
  for (const auto& r : t.exec_params(backlog_sql, to_epoch_us(now))) {
    mapping_backlog m;
    m.mapping = r[0].c_str();
    m.waiting = r[1].as<std::int64_t>();
    m.throttled = r[2].as<std::int64_t>();
    m.creates = r[3].as<std::int64_t>();
    m.creates_through = r[4].as<std::int64_t>();
    m.others_through = r[5].as<std::int64_t>();
    m.last_run_at = time_field(r[6]);
    s.mappings.push_back(std::move(m));
  }
  for (const auto& r : t.exec_params(recent_sql, api, to_epoch_us(now),
                                     static_cast<std::int64_t>(window.count()))) {
    s.recent_creations.push_back(from_epoch_us(r[0].as<std::int64_t>()));
  }
  return s;
}

}  // namespace ngsync::storage

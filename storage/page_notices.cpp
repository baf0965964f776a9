#include "storage/page_notices.hpp"

#include <pqxx/pqxx>

namespace ngsync::storage {

std::optional<job_timing> page_notices::timing(transaction tx, std::int64_t job_id) {
  pqxx::transaction_base& t = tx.sql();
  auto rows = t.exec_params("SELECT " + sql_us("created_at") + ", " + sql_us("run_at") +
                                " FROM jobs WHERE id = $1 AND state IN ('available', 'retryable')",
                            job_id);
  if (rows.empty()) return std::nullopt;
  return job_timing{from_epoch_us(rows[0][0].as<std::int64_t>()),
                    from_epoch_us(rows[0][1].as<std::int64_t>())};
}

std::optional<std::string> page_notices::shown_cause(transaction tx,
                                                     const std::string& page_id) {
  pqxx::transaction_base& t = tx.sql();
  auto rows = t.exec_params("SELECT cause FROM page_notices WHERE page_id = $1", page_id);
  if (rows.empty()) return std::nullopt;
  return rows[0][0].as<std::string>();
}

void page_notices::record(transaction tx, const std::string& page_id,
                          const page_notice_row& row) {
  pqxx::transaction_base& t = tx.sql();
  t.exec_params(
      "INSERT INTO page_notices (page_id, cause, rate_limited, waiting_since, job_id)"
      " VALUES ($1, $2, $3, " +
          sql_ts(4) +
          ", $5) ON CONFLICT (page_id) DO UPDATE SET cause = EXCLUDED.cause,"
          " rate_limited = EXCLUDED.rate_limited, waiting_since = EXCLUDED.waiting_since,"
          " job_id = EXCLUDED.job_id, written_at = now()",
      page_id, row.cause, row.rate_limited, to_epoch_us(row.waiting_since), row.job_id);
}

std::set<std::string> page_notices::noticed_pages(transaction tx) {
  pqxx::transaction_base& t = tx.sql();
  std::set<std::string> pages;
  for (const auto& row : t.exec("SELECT page_id FROM page_notices")) {
    pages.insert(row[0].as<std::string>());
  }
  return pages;
}

bool page_notices::clear(transaction tx, const std::string& page_id) {
  pqxx::transaction_base& t = tx.sql();
  return t.exec_params("DELETE FROM page_notices WHERE page_id = $1", page_id).affected_rows() > 0;
}

std::int64_t page_notices::throttled_past(transaction tx, std::chrono::seconds horizon,
                                          sys_time now) {
  pqxx::transaction_base& t = tx.sql();
  auto rows = t.exec_params(
      "SELECT count(*) FROM page_notices n JOIN jobs j ON j.id = n.job_id"
      " WHERE n.rate_limited AND j.state IN ('available', 'retryable', 'running')"
      " AND n.waiting_since <= " +
          sql_ts(1),
      to_epoch_us(now - horizon));
  return rows[0][0].as<std::int64_t>();
}

}  // namespace ngsync::storage

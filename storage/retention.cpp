#include "storage/retention.hpp"

#include <string>

#include <pqxx/pqxx>

namespace ngsync::storage {
namespace {

// One batch: the row selection goes through the table's time index and ends at `limit`; the
// DELETE then finds each row by id (or ctid) directly.
std::int64_t delete_batch(pqxx::connection_base& c, const std::string& sql, sys_time before,
                          int limit, bool audit) {
  pqxx::work t(c, "prune");
  // Never wait long behind someone else's lock (a migration, a VACUUM FULL by hand): skip this
  // pass and try again at the next one.
  t.exec("SET LOCAL lock_timeout = '2s'");
  t.exec("SET LOCAL statement_timeout = '30s'");
  // The audit table refuses DELETE unless the transaction says it is the pruner.
  if (audit) t.exec("SET LOCAL ngsync.audit_prune = 'on'");
  const auto n = t.exec_params(sql, to_epoch_us(before), limit).affected_rows();
  t.commit();
  return static_cast<std::int64_t>(n);
}

}  // namespace

std::int64_t prune_completed_jobs(session s, sys_time before, int limit) {
  return delete_batch(s.sql(),
                      "DELETE FROM jobs WHERE id = ANY(ARRAY("
                      "SELECT id FROM jobs WHERE state = 'completed' AND finished_at < " +
                          sql_ts(1) + " ORDER BY finished_at LIMIT $2 FOR UPDATE SKIP LOCKED))",
                      before, limit, false);
}

std::int64_t prune_audit_rows(session s, sys_time before, int limit) {
  return delete_batch(s.sql(),
                      "DELETE FROM api_audit WHERE id = ANY(ARRAY("
                      "SELECT id FROM api_audit WHERE at < " +
                          sql_ts(1) + " ORDER BY at LIMIT $2))",
                      before, limit, true);
}

std::int64_t prune_webhook_deliveries(session s, sys_time before, int limit) {
  return delete_batch(s.sql(),
                      "DELETE FROM webhook_deliveries WHERE ctid = ANY(ARRAY("
                      "SELECT ctid FROM webhook_deliveries WHERE received_at < " +
                          sql_ts(1) + " ORDER BY received_at LIMIT $2))",
                      before, limit, false);
}

}  // namespace ngsync::storage

#include "storage/cursor_store.hpp"

#include <pqxx/pqxx>

#include "core/log/logging.hpp"
#include "storage/detail/sql_fields.hpp"

namespace ngsync::storage {

std::optional<poll_cursor> cursor_store::get(transaction tx,
                                             const std::string& data_source_id) {
  pqxx::transaction_base& t = tx.sql();
  auto rows = t.exec_params("SELECT data_source_id, " + sql_us("watermark") + ", " +
                                sql_us("last_poll_at") + ", " + sql_us("last_success_at") +
                                ", last_error, pages_seen FROM poll_cursors"
                                " WHERE data_source_id = $1",
                            data_source_id);
  if (rows.empty()) return std::nullopt;
  poll_cursor c;
  c.data_source_id = rows[0][0].as<std::string>();
  c.watermark = time_field(rows[0][1]);
  c.last_poll_at = time_field(rows[0][2]);
  c.last_success_at = time_field(rows[0][3]);
  c.last_error = optional_field<std::string>(rows[0][4]);
  c.pages_seen = rows[0][5].as<std::int64_t>();
  return c;
}

void cursor_store::advance(transaction tx, const std::string& data_source_id,
                           sys_time watermark, std::int64_t pages, sys_time now) {
  pqxx::transaction_base& t = tx.sql();
  t.exec_params(
      "INSERT INTO poll_cursors (data_source_id, watermark, last_poll_at, last_success_at,"
      " pages_seen) VALUES ($1, " +
          sql_ts(2) + ", " + sql_ts(3) + ", " + sql_ts(3) +
          ", $4)"
          " ON CONFLICT (data_source_id) DO UPDATE SET"
          " watermark = greatest(poll_cursors.watermark, EXCLUDED.watermark),"
          " last_poll_at = EXCLUDED.last_poll_at, last_success_at = EXCLUDED.last_success_at,"
          " last_error = NULL, pages_seen = poll_cursors.pages_seen + EXCLUDED.pages_seen",
      data_source_id, to_epoch_us(watermark), to_epoch_us(now), pages);
}

void cursor_store::record_error(transaction tx, const std::string& data_source_id,
                                const std::string& error, sys_time now) {
  pqxx::transaction_base& t = tx.sql();
  std::string text = log::redact(error);
  if (text.size() > 4000) text.resize(4000);
  t.exec_params(
      "INSERT INTO poll_cursors (data_source_id, last_poll_at, last_error)"
      " VALUES ($1, " +
          sql_ts(2) +
          ", $3)"
          " ON CONFLICT (data_source_id) DO UPDATE SET last_poll_at = EXCLUDED.last_poll_at,"
          " last_error = EXCLUDED.last_error",
      data_source_id, to_epoch_us(now), text);
}

}  // namespace ngsync::storage

#include "storage/issue_extras_store.hpp"

#include <pqxx/pqxx>

namespace ngsync::storage {

issue_extras issue_extras_store::get(transaction tx, const std::string& page_id) {
  pqxx::transaction_base& t = tx.sql();
  issue_extras e;
  auto rows = t.exec_params(
      "SELECT project_item_id, project_fields_written::text, milestone_title, "
      "snapshot_comment_id, snapshot_hash FROM page_links WHERE notion_page_id = $1",
      page_id);
  if (rows.empty()) return e;
  const auto& r = rows[0];
  if (!r[0].is_null()) e.project_item_id = r[0].as<std::string>();
  auto fields = boost::json::parse(r[1].as<std::string>());
  if (fields.is_object()) e.project_fields_written = fields.as_object();
  if (!r[2].is_null()) e.milestone_title = r[2].as<std::string>();
  if (!r[3].is_null()) e.snapshot_comment_id = r[3].as<std::int64_t>();
  if (!r[4].is_null()) e.snapshot_hash = r[4].as<std::string>();
  return e;
}

void issue_extras_store::set_project_item(transaction tx, const std::string& page_id,
                                          const std::string& item_id) {
  pqxx::transaction_base& t = tx.sql();
  // A new (or no) item starts with nothing set on it.
  t.exec_params(
      "UPDATE page_links SET project_item_id = NULLIF($2, ''), project_fields_written = "
      "'{}'::jsonb, updated_at = now() WHERE notion_page_id = $1",
      page_id, item_id);
}

void issue_extras_store::set_project_fields(transaction tx, const std::string& page_id,
                                            const boost::json::object& fields) {
  pqxx::transaction_base& t = tx.sql();
  t.exec_params(
      "UPDATE page_links SET project_fields_written = $2::jsonb, updated_at = now() "
      "WHERE notion_page_id = $1",
      page_id, boost::json::serialize(fields));
}

void issue_extras_store::set_milestone(transaction tx, const std::string& page_id,
                                       const std::string& title) {
  pqxx::transaction_base& t = tx.sql();
  t.exec_params(
      "UPDATE page_links SET milestone_title = NULLIF($2, ''), updated_at = now() "
      "WHERE notion_page_id = $1",
      page_id, title);
}

void issue_extras_store::set_snapshot(transaction tx, const std::string& page_id,
                                      std::int64_t comment_id, const std::string& hash) {
  pqxx::transaction_base& t = tx.sql();
  t.exec_params(
      "UPDATE page_links SET snapshot_comment_id = $2, snapshot_hash = $3, updated_at = now() "
      "WHERE notion_page_id = $1",
      page_id, comment_id, hash);
}

std::set<std::string> issue_extras_store::mirrored_comment_ids(transaction tx,
                                                               const std::string& page_id) {
  pqxx::transaction_base& t = tx.sql();
  std::set<std::string> out;
  for (const auto& r : t.exec_params(
           "SELECT notion_comment_id FROM mirrored_comments WHERE notion_page_id = $1", page_id)) {
    out.insert(r[0].as<std::string>());
  }
  return out;
}

void issue_extras_store::record_mirrored_comment(transaction tx,
                                                 const std::string& page_id,
                                                 const std::string& notion_comment_id,
                                                 std::int64_t github_comment_id) {
  pqxx::transaction_base& t = tx.sql();
  t.exec_params(
      "INSERT INTO mirrored_comments (notion_comment_id, notion_page_id, github_comment_id) "
      "VALUES ($1, $2, $3) ON CONFLICT (notion_comment_id) DO NOTHING",
      notion_comment_id, page_id, github_comment_id);
}

}  // namespace ngsync::storage

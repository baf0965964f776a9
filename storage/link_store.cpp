#include "storage/link_store.hpp"

#include <algorithm>
#include <cctype>

#include <pqxx/pqxx>

#include "core/log/logging.hpp"
#include "storage/detail/sql_fields.hpp"

namespace ngsync::storage {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::optional<std::string> lower(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  return lower(*s);
}

const std::string column_list =
    "notion_page_id, data_source_id, " + sql_us("notion_last_edited") +
    ", synced_fields_hash, github_repo, issue_number, issue_node_id, issue_html_url, kind,"
    " sync_status, last_error, last_sync_run_id, " +
    sql_us("last_synced_at") + ", create_attempt_id, " + sql_us("create_intent_at") +
    ", written_to_github::text, written_to_notion::text, conflict_log::text, trash_reopened";
const std::string select_columns = "SELECT " + column_list + " FROM page_links";

page_link from_row(const pqxx::row& r) {
  page_link l;
  l.notion_page_id = r[0].as<std::string>();
  l.data_source_id = r[1].as<std::string>();
  l.notion_last_edited = time_field(r[2]);
  l.synced_fields_hash = optional_field<std::string>(r[3]);
  l.github_repo = optional_field<std::string>(r[4]);
  l.issue_number = optional_field<int>(r[5]);
  l.issue_node_id = optional_field<std::string>(r[6]);
  l.issue_html_url = optional_field<std::string>(r[7]);
  // The table's CHECK constraints admit no other text.
  l.kind = sync::issue_kind_from(r[8].c_str()).value_or(sync::issue_kind::issue);
  l.sync_status = sync::link_status_from(r[9].c_str()).value_or(sync::link_status::pending);
  l.last_error = optional_field<std::string>(r[10]);
  l.last_sync_run_id = optional_field<std::string>(r[11]);
  l.last_synced_at = time_field(r[12]);
  l.create_attempt_id = optional_field<std::string>(r[13]);
  l.create_intent_at = time_field(r[14]);
  l.written_to_github = boost::json::parse(r[15].as<std::string>()).as_object();
  l.written_to_notion = boost::json::parse(r[16].as<std::string>()).as_object();
  l.conflict_log = boost::json::parse(r[17].as<std::string>()).as_array();
  l.trash_reopened = r[18].as<bool>();  // only while sync_status is error (migration 0017)
  return l;
}

// Runs a hot statement as a named prepared statement: parsed and planned once per connection.
// Registering is a no-op after the first time on a connection; pqxx prepares it on the server
// on first use (a reconnect opens a fresh connection object, which prepares again).
template <class... Args>
pqxx::result exec_named(pqxx::transaction_base& t, const char* name, const std::string& sql,
                        Args&&... args) {
  t.conn().prepare(name, sql);
  return t.exec_prepared(name, std::forward<Args>(args)...);
}

}  // namespace

std::optional<page_link> link_store::get(transaction tx, const std::string& page_id,
                                         bool for_update) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string by_page = select_columns + " WHERE notion_page_id = $1";
  static const std::string by_page_for_update = by_page + " FOR UPDATE";
  auto rows = for_update ? exec_named(t, "link_get_for_update", by_page_for_update, page_id)
                         : exec_named(t, "link_get", by_page, page_id);
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

std::optional<page_link> link_store::find_by_issue(transaction tx, const std::string& repo,
                                                   int issue_number) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string sql = select_columns + " WHERE github_repo = $1 AND issue_number = $2";
  auto rows = exec_named(t, "link_find_by_issue", sql, lower(repo), issue_number);
  if (rows.empty()) return std::nullopt;
  return from_row(rows[0]);
}

void link_store::upsert(transaction tx, const page_link& l) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string sql =
      "INSERT INTO page_links (notion_page_id, data_source_id, notion_last_edited,"
      " synced_fields_hash, github_repo, issue_number, issue_node_id, issue_html_url, kind,"
      " sync_status, last_error, last_sync_run_id, last_synced_at, create_attempt_id,"
      " create_intent_at, written_to_github, written_to_notion, conflict_log)"
      " VALUES ($1, $2, " +
      sql_ts(3) + ", $4, $5, $6, $7, $8, $9, $10, $11, $12, " + sql_ts(13) + ", $14, " +
      sql_ts(15) +
      ", $16::jsonb, $17::jsonb, $18::jsonb)"
      " ON CONFLICT (notion_page_id) DO UPDATE SET data_source_id = EXCLUDED.data_source_id,"
      " notion_last_edited = EXCLUDED.notion_last_edited,"
      " synced_fields_hash = EXCLUDED.synced_fields_hash, github_repo = EXCLUDED.github_repo,"
      " issue_number = EXCLUDED.issue_number, issue_node_id = EXCLUDED.issue_node_id,"
      " issue_html_url = EXCLUDED.issue_html_url, kind = EXCLUDED.kind,"
      " sync_status = EXCLUDED.sync_status, last_error = EXCLUDED.last_error,"
      " last_sync_run_id = EXCLUDED.last_sync_run_id, last_synced_at = EXCLUDED.last_synced_at,"
      " create_attempt_id = EXCLUDED.create_attempt_id,"
      " create_intent_at = EXCLUDED.create_intent_at,"
      " written_to_github = EXCLUDED.written_to_github,"
      " written_to_notion = EXCLUDED.written_to_notion, conflict_log = EXCLUDED.conflict_log,"
      " updated_at = now()";
  exec_named(t, "link_upsert", sql, l.notion_page_id, l.data_source_id,
             to_epoch_us(l.notion_last_edited), l.synced_fields_hash, lower(l.github_repo),
             l.issue_number, l.issue_node_id, l.issue_html_url, sync::to_string(l.kind),
             sync::to_string(l.sync_status), l.last_error, l.last_sync_run_id,
             to_epoch_us(l.last_synced_at), l.create_attempt_id, to_epoch_us(l.create_intent_at),
             boost::json::serialize(l.written_to_github),
             boost::json::serialize(l.written_to_notion), boost::json::serialize(l.conflict_log));
}

void link_store::record_create_intent(transaction tx, const std::string& page_id,
                                      const std::string& data_source_id, const std::string& repo,
                                      const std::string& attempt_id, sys_time at) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string sql =
      "INSERT INTO page_links (notion_page_id, data_source_id, github_repo, create_attempt_id,"
      " create_intent_at) VALUES ($1, $2, $3, $4, " +
      sql_ts(5) +
      ")"
      " ON CONFLICT (notion_page_id) DO UPDATE SET data_source_id = EXCLUDED.data_source_id,"
      " github_repo = EXCLUDED.github_repo, create_attempt_id = EXCLUDED.create_attempt_id,"
      " create_intent_at = EXCLUDED.create_intent_at, updated_at = now()";
  exec_named(t, "link_create_intent", sql, page_id, data_source_id, lower(repo), attempt_id,
             to_epoch_us(at));
}

void link_store::record_created(transaction tx, const std::string& page_id, int issue_number,
                                const std::string& node_id, const std::string& html_url,
                                const std::string& kind) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string sql =
      "UPDATE page_links SET issue_number = $2, issue_node_id = $3, issue_html_url = $4,"
      " kind = $5, updated_at = now() WHERE notion_page_id = $1";
  auto r =
      exec_named(t, "link_record_created", sql, page_id, issue_number, node_id, html_url, kind);
  if (r.affected_rows() != 1) {
    throw std::runtime_error("record_created: no link row for page " + page_id);
  }
}

void link_store::mark_in_sync(transaction tx, const std::string& page_id, const sync_outcome& o) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string sql =
      "UPDATE page_links SET sync_status = 'in_sync', last_error = NULL,"
      " notion_last_edited = coalesce(" +
      sql_ts(2) +
      ", notion_last_edited),"
      " synced_fields_hash = $3, last_sync_run_id = $4, last_synced_at = " +
      sql_ts(5) +
      ","
      " written_to_github = written_to_github || $6::jsonb,"
      " written_to_notion = written_to_notion || $7::jsonb, updated_at = now()"
      " WHERE notion_page_id = $1";
  exec_named(t, "link_mark_in_sync", sql, page_id, to_epoch_us(o.notion_last_edited),
             o.synced_fields_hash, o.sync_run_id, to_epoch_us(o.synced_at),
             boost::json::serialize(o.written_to_github),
             boost::json::serialize(o.written_to_notion));
}

void link_store::mark_error(transaction tx, const std::string& page_id, const std::string& error,
                            const std::string& sync_run_id) {
  pqxx::transaction_base& t = tx.sql();
  std::string text = log::redact(error);
  if (text.size() > 4000) text.resize(4000);
  static const std::string sql =
      "UPDATE page_links SET sync_status = 'error', last_error = $2, last_sync_run_id = $3,"
      " trash_reopened = false, updated_at = now() WHERE notion_page_id = $1";
  exec_named(t, "link_mark_error", sql, page_id, text, sync_run_id);
}

void link_store::mark_trash_reopened(transaction tx, const std::string& page_id,
                                     const std::string& message, const std::string& sync_run_id) {
  pqxx::transaction_base& t = tx.sql();
  std::string text = log::redact(message);
  if (text.size() > 4000) text.resize(4000);
  static const std::string sql =
      "UPDATE page_links SET sync_status = 'error', last_error = $2, last_sync_run_id = $3,"
      " trash_reopened = true, updated_at = now() WHERE notion_page_id = $1";
  exec_named(t, "link_mark_trash_reopened", sql, page_id, text, sync_run_id);
}

void link_store::clear_error(transaction tx, const std::string& page_id,
                             const std::string& sync_run_id) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string sql =
      "UPDATE page_links SET sync_status = 'in_sync', last_error = NULL, last_sync_run_id = $2,"
      " updated_at = now() WHERE notion_page_id = $1 AND sync_status = 'error'";
  exec_named(t, "link_clear_error", sql, page_id, sync_run_id);
}

void link_store::merge_provenance(transaction tx, const std::string& page_id,
                                  const boost::json::object& written_to_github,
                                  const boost::json::object& written_to_notion) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string sql =
      "UPDATE page_links SET written_to_github = written_to_github || $2::jsonb,"
      " written_to_notion = written_to_notion || $3::jsonb, updated_at = now()"
      " WHERE notion_page_id = $1";
  exec_named(t, "link_merge_provenance", sql, page_id, boost::json::serialize(written_to_github),
             boost::json::serialize(written_to_notion));
}

void link_store::append_conflict(transaction tx, const std::string& page_id,
                                 const boost::json::object& entry, int keep) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string sql =
      "UPDATE page_links SET conflict_log = (SELECT coalesce(jsonb_agg(e ORDER BY n), '[]'::jsonb)"
      " FROM (SELECT e, n FROM jsonb_array_elements(conflict_log || jsonb_build_array($2::jsonb))"
      " WITH ORDINALITY AS x(e, n) ORDER BY n DESC LIMIT $3) kept), updated_at = now()"
      " WHERE notion_page_id = $1";
  exec_named(t, "link_append_conflict", sql, page_id, boost::json::serialize(entry), keep);
}

void link_store::invalidate_hash(transaction tx, const std::string& page_id) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string sql =
      "UPDATE page_links SET synced_fields_hash = NULL, updated_at = now()"
      " WHERE notion_page_id = $1";
  exec_named(t, "link_invalidate_hash", sql, page_id);
}

namespace {

// A timestamptz from an epoch-microseconds column of a jsonb_to_recordset row.
std::string us_to_ts(const std::string& column) {
  return "(timestamptz 'epoch' + " + column + " * interval '1 microsecond')";
}

std::string rows_param(const boost::json::array& rows) {
  return boost::json::serialize(rows);
}

// One flag per row: whether its page is among the ids the statement returned.
template <class Row>
std::vector<bool> pages_found(const pqxx::result& returned, const std::vector<Row>& rows) {
  std::vector<bool> found(rows.size(), false);
  for (const auto& r : returned) {
    const auto id = r[0].as<std::string>();
    for (std::size_t i = 0; i < rows.size(); ++i)
      if (rows[i].page_id == id) found[i] = true;
  }
  return found;
}

}  // namespace

// The batched statements run in functions of migration 0008, planned with sequential scans
// off: a plan made while page_links was nearly empty must not scan it whole once it is large.

std::vector<std::optional<page_link>> link_store::get_many(
    transaction tx, const std::vector<std::string>& page_ids) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string sql = "SELECT " + column_list + " FROM ngsync_links_get_many($1::jsonb)";
  boost::json::array ids;
  for (const auto& id : page_ids) ids.emplace_back(id);
  auto rows = exec_named(t, "link_get_many", sql, rows_param(ids));
  std::vector<std::optional<page_link>> out(page_ids.size());
  for (const auto& row : rows) {
    auto link = from_row(row);
    for (std::size_t i = 0; i < page_ids.size(); ++i)
      if (page_ids[i] == link.notion_page_id) out[i] = link;
  }
  return out;
}

void link_store::record_create_intents(transaction tx, const std::vector<create_intent>& intents) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string sql =
      "INSERT INTO page_links (notion_page_id, data_source_id, github_repo, create_attempt_id,"
      " create_intent_at) SELECT v.page, v.ds, v.repo, v.attempt, " +
      us_to_ts("v.at_us") +
      " FROM jsonb_to_recordset($1::jsonb) AS v(page text, ds text, repo text, attempt text,"
      "   at_us bigint)"
      " ON CONFLICT (notion_page_id) DO UPDATE SET data_source_id = EXCLUDED.data_source_id,"
      " github_repo = EXCLUDED.github_repo, create_attempt_id = EXCLUDED.create_attempt_id,"
      " create_intent_at = EXCLUDED.create_intent_at, updated_at = now()";
  boost::json::array rows;
  for (const auto& i : intents)
    rows.push_back({{"page", i.page_id},
                    {"ds", i.data_source_id},
                    {"repo", lower(i.repo)},
                    {"attempt", i.attempt_id},
                    {"at_us", to_epoch_us(i.at)}});
  exec_named(t, "link_create_intents", sql, rows_param(rows));
}

std::vector<bool> link_store::record_created_many(transaction tx,
                                                  const std::vector<created_issue>& created) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string sql = "SELECT * FROM ngsync_links_record_created($1::jsonb)";
  boost::json::array rows;
  for (const auto& c : created)
    rows.push_back({{"page", c.page_id},
                    {"number", c.issue_number},
                    {"node_id", c.node_id},
                    {"url", c.html_url},
                    {"kind", sync::to_string(c.kind)}});
  return pages_found(exec_named(t, "link_record_created_many", sql, rows_param(rows)), created);
}

std::vector<bool> link_store::mark_in_sync_many(transaction tx,
                                                const std::vector<synced_page>& synced) {
  pqxx::transaction_base& t = tx.sql();
  static const std::string sql = "SELECT * FROM ngsync_links_mark_in_sync($1::jsonb)";
  boost::json::array rows;
  for (const auto& s : synced) {
    const auto& o = s.outcome;
    boost::json::object row{{"page", s.page_id},         {"hash", o.synced_fields_hash},
                            {"run", o.sync_run_id},      {"synced_us", to_epoch_us(o.synced_at)},
                            {"wg", o.written_to_github}, {"wn", o.written_to_notion}};
    if (o.notion_last_edited) row["edited_us"] = to_epoch_us(*o.notion_last_edited);
    if (const auto& c = s.created) {
      row["number"] = c->issue_number;
      row["node_id"] = c->node_id;
      row["url"] = c->html_url;
      row["kind"] = sync::to_string(c->kind);
    }
    rows.emplace_back(std::move(row));
  }
  return pages_found(exec_named(t, "link_mark_in_sync_many", sql, rows_param(rows)), synced);
}

std::vector<page_link> link_store::list_by_repo(transaction tx, const std::string& repo) {
  pqxx::transaction_base& t = tx.sql();
  std::vector<page_link> out;
  static const std::string sql =
      select_columns + " WHERE github_repo = $1 AND issue_number IS NOT NULL ORDER BY issue_number";
  auto rows = exec_named(t, "link_list_by_repo", sql, lower(repo));
  for (const auto& row : rows) out.push_back(from_row(row));
  return out;
}

std::int64_t link_store::count_verifiable(transaction tx) {
  pqxx::transaction_base& t = tx.sql();
  return t
      .exec1(
          "SELECT count(*) FROM page_links"
          " WHERE github_repo IS NOT NULL AND issue_number IS NOT NULL")[0]
      .as<std::int64_t>();
}

std::vector<page_link> link_store::due_for_verification(transaction tx, int limit) {
  pqxx::transaction_base& t = tx.sql();
  // The order matches the partial index page_links_verify_due: a slice reads `limit` rows.
  static const std::string sql = select_columns +
                                 " WHERE github_repo IS NOT NULL AND issue_number IS NOT NULL"
                                 " ORDER BY verified_at NULLS FIRST, notion_page_id LIMIT $1";
  std::vector<page_link> out;
  for (const auto& row : exec_named(t, "link_due_for_verification", sql, limit)) {
    out.push_back(from_row(row));
  }
  return out;
}

void link_store::mark_verified(transaction tx, const std::vector<std::string>& page_ids,
                               sys_time at) {
  pqxx::transaction_base& t = tx.sql();
  if (page_ids.empty()) return;
  static const std::string sql =
      "UPDATE page_links SET verified_at = " + sql_ts(2) +
      " WHERE notion_page_id IN (SELECT jsonb_array_elements_text($1::jsonb))";
  boost::json::array ids;
  for (const auto& id : page_ids) ids.emplace_back(id);
  exec_named(t, "link_mark_verified", sql, boost::json::serialize(ids), to_epoch_us(at));
}

std::optional<sys_time> link_store::last_reconcile_pass(transaction tx) {
  pqxx::transaction_base& t = tx.sql();
  auto rows = t.exec("SELECT " + sql_us("last_started_at") + " FROM reconcile_passes");
  if (rows.empty()) return std::nullopt;
  return time_field(rows[0][0]);
}

void link_store::record_reconcile_pass(transaction tx, sys_time started) {
  pqxx::transaction_base& t = tx.sql();
  t.exec_params("INSERT INTO reconcile_passes (last_started_at) VALUES (" + sql_ts(1) +
                    ") ON CONFLICT (only_row) DO UPDATE SET last_started_at ="
                    " EXCLUDED.last_started_at",
                to_epoch_us(started));
}

std::int64_t link_store::count_pages_in_error(transaction tx) {
  pqxx::transaction_base& t = tx.sql();
  return t.exec1("SELECT count(*) FROM ops_pages_in_error")[0].as<std::int64_t>();
}

std::map<std::string, link_sync_state> link_store::sync_states(
    transaction tx, const std::vector<std::string>& page_ids) {
  pqxx::transaction_base& t = tx.sql();
  // Page ids are Notion UUIDs: nothing in them needs quoting inside an array literal.
  std::string array = "{";
  for (std::size_t i = 0; i < page_ids.size(); ++i) array += (i ? "," : "") + page_ids[i];
  array += "}";
  std::map<std::string, link_sync_state> out;
  const auto rows = t.exec_params(
      "SELECT notion_page_id, sync_status, " + sql_us("notion_last_edited") + ", " +
          sql_us("last_synced_at") + " FROM page_links WHERE notion_page_id = ANY($1::text[])",
      array);
  for (const auto& r : rows) {
    out[r[0].c_str()] = {r[1].c_str(), time_field(r[2]), time_field(r[3])};
  }
  return out;
}

std::vector<std::string> link_store::linked_repositories(transaction tx) {
  pqxx::transaction_base& t = tx.sql();
  std::vector<std::string> out;
  for (const auto& row : t.exec("SELECT DISTINCT github_repo FROM page_links"
                                " WHERE github_repo IS NOT NULL AND issue_number IS NOT NULL")) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

}  // namespace ngsync::storage

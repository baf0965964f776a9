#include "storage/ops_report.hpp"

#include <pqxx/pqxx>

namespace ngsync::storage {

ops_report read_ops_report(transaction tx, int limit) {
  pqxx::transaction_base& t = tx.sql();
  ops_report r;
  for (const auto& row :
       t.exec_params("SELECT notion_page_id, coalesce(github_repo,''), coalesce(last_error,''), "
                     "coalesce(last_sync_run_id,'') FROM ops_pages_in_error LIMIT $1",
                     limit)) {
    r.errors.push_back({row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].c_str()});
  }
  for (const auto& row :
       t.exec("SELECT data_source_id, coalesce(watermark::text,''), "
              "coalesce(last_success_at::text,''), coalesce(last_error,'') FROM poll_cursors "
              "ORDER BY data_source_id")) {
    r.polls.push_back({row[0].c_str(), row[1].c_str(), row[2].c_str(), row[3].c_str()});
  }
  for (const auto& row :
       t.exec_params("SELECT id, kind, coalesce(last_error,'') FROM jobs WHERE state = 'dead' "
                     "ORDER BY id DESC LIMIT $1",
                     limit)) {
    r.dead.push_back({row[0].as<long long>(), row[1].c_str(), row[2].c_str()});
  }
  // A throttle: 429, or a 403 that carries Retry-After or an exhausted budget (GitHub's
  // secondary limits); the same rule as core/ratelimit's classifier.
  for (const auto& row :
       t.exec("SELECT a.api, count(*), count(*) FILTER (WHERE a.status = 429 OR (a.status = 403 "
              "AND (a.rate_limit ? 'retry-after' OR a.rate_limit->>'x-ratelimit-remaining' = "
              "'0'))), "
              "max(a.at)::text, coalesce((SELECT b.rate_limit::text FROM api_audit b WHERE "
              "b.api = a.api AND b.rate_limit <> '{}'::jsonb AND b.at > now() - interval '1 hour' "
              "ORDER BY b.id DESC LIMIT 1), '{}') FROM api_audit a "
              "WHERE a.at > now() - interval '1 hour' GROUP BY a.api ORDER BY a.api")) {
    r.limits.push_back({row[0].c_str(), row[4].c_str(), row[3].c_str(), row[1].as<long long>(),
                        row[2].as<long long>()});
  }
  return r;
}

}  // namespace ngsync::storage

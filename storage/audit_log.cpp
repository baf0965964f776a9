#include "storage/audit_log.hpp"

#include <algorithm>
#include <cctype>

#include <pqxx/pqxx>

#include "core/log/logging.hpp"

namespace ngsync::storage {
namespace {

bool secret_parameter(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  for (const char* word : {"token", "secret", "key", "signature", "password", "code", "auth"}) {
    if (name.find(word) != std::string::npos) return true;
  }
  return false;
}

boost::json::object to_json(const api_call& c) {
  boost::json::object o;
  o["at_us"] = to_epoch_us(c.at);
  if (c.sync_run_id) o["sync_run_id"] = *c.sync_run_id;
  o["api"] = c.api;
  o["method"] = c.method;
  o["path"] = audit_log::safe_path(c.path);
  if (c.status) o["status"] = *c.status;
  if (c.latency_ms) o["latency_ms"] = *c.latency_ms;
  if (c.request_id) o["request_id"] = *c.request_id;
  o["rate_limit"] = c.rate_limit;
  if (c.error) o["error"] = audit_log::safe_excerpt(*c.error);
  if (c.response_excerpt) o["response_excerpt"] = audit_log::safe_excerpt(*c.response_excerpt);
  return o;
}

const std::string insert_batch_sql =
    "INSERT INTO api_audit (at, sync_run_id, api, method, path, status, latency_ms, request_id,"
    " rate_limit, error, response_excerpt)"
    " SELECT timestamptz 'epoch' + at_us * interval '1 microsecond', sync_run_id, api, method,"
    " path, status, latency_ms, request_id, coalesce(rate_limit, '{}'::jsonb), error,"
    " response_excerpt FROM jsonb_to_recordset($1::jsonb) AS x(at_us bigint, sync_run_id text,"
    " api text, method text, path text, status int, latency_ms int, request_id text,"
    " rate_limit jsonb, error text, response_excerpt text)";

}  // namespace

std::string audit_log::safe_path(const std::string& path) {
  const auto q = path.find('?');
  if (q == std::string::npos) return path;
  std::string out = path.substr(0, q + 1);
  std::size_t pos = q + 1;
  bool first = true;
  while (pos <= path.size()) {
    auto amp = path.find('&', pos);
    if (amp == std::string::npos) amp = path.size();
    std::string pair = path.substr(pos, amp - pos);
    if (!first) out += '&';
    first = false;
    const auto eq = pair.find('=');
    if (eq != std::string::npos && secret_parameter(pair.substr(0, eq))) {
      out += pair.substr(0, eq) + "=[redacted]";
    } else {
      out += pair;
    }
    pos = amp + 1;
  }
  return out;
}

std::string audit_log::safe_excerpt(const std::string& text, std::size_t limit) {
  std::string s = log::redact(text);
  if (s.size() <= limit) return s;
  std::size_t cut = limit;
  // Do not split a UTF-8 sequence: back up over continuation bytes.
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  s.resize(cut);
  return s;
}

void audit_log::append(transaction tx, const api_call& call) {
  pqxx::transaction_base& t = tx.sql();
  append_batch(t, {call});
}

void audit_log::append_batch(transaction tx, const std::vector<api_call>& calls) {
  pqxx::transaction_base& t = tx.sql();
  if (calls.empty()) return;
  boost::json::array rows;
  rows.reserve(calls.size());
  for (const auto& c : calls) rows.push_back(to_json(c));
  prepare(t.conn(), "audit_append_batch", insert_batch_sql);
  t.exec_prepared("audit_append_batch", boost::json::serialize(rows));
}

}  // namespace ngsync::storage

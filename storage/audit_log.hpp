#pragma once
// The append-only log of API calls (table api_audit), keyed by sync_run_id. Paths lose secret
// query values, texts go through log::redact, excerpts are capped, and no header but the
// rate-limit ones is ever stored.
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "storage/database.hpp"
#include "storage/sql_time.hpp"
#include "storage/transaction.hpp"

namespace ngsync::storage {

struct api_call {
  sys_time at = std::chrono::system_clock::now();
  std::optional<std::string> sync_run_id;
  std::string api;            // notion | github
  std::string method;         // GET, POST, ...
  std::string path;           // may carry a query string; secret-looking values are masked
  std::optional<int> status;  // none when no response arrived
  std::optional<int> latency_ms;
  std::optional<std::string> request_id;
  boost::json::object rate_limit;  // e.g. {"x-ratelimit-remaining": "4999"}
  std::optional<std::string> error;
  std::optional<std::string> response_excerpt;
};

// Largest response excerpt stored, in bytes.
inline constexpr std::size_t audit_excerpt_limit = 4096;

class audit_log {
 public:
  static void append(transaction t, const api_call& call);
  // One statement for many rows (the HTTP layer buffers calls and flushes them together).
  static void append_batch(transaction t, const std::vector<api_call>& calls);

  // What append stores as the path: query values of token/secret/key/signature/password/code
  // parameters replaced by "[redacted]".
  static std::string safe_path(const std::string& path);
  // Redacted, cut to at most `limit` bytes on a UTF-8 boundary.
  static std::string safe_excerpt(const std::string& text, std::size_t limit = audit_excerpt_limit);
};

}  // namespace ngsync::storage

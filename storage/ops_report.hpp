#pragma once
// What `ngsync status` shows an operator besides the queue counts: the pages in error, each
// poll's watermark, the dead jobs and the rate-limit state per API as the audit log saw it.
// Read-only; every value is text as Postgres prints it (times in the session's UTC).
#include <cstdint>
#include <string>
#include <vector>

#include "storage/transaction.hpp"

namespace ngsync::storage {

struct ops_page_error {
  std::string page, repo, error, run;  // empty where the column is null
};
struct ops_poll_state {
  std::string source, watermark, last_success, last_error;
};
struct ops_dead_job {
  long long id = 0;
  std::string kind, error;
};
// One API over the last hour: the newest limit headers it sent and how many answers throttled.
struct ops_api_limits {
  std::string api, headers, last_call;
  long long calls = 0, throttled = 0;
};

struct ops_report {
  std::vector<ops_page_error> errors;  // newest `limit` of the ops_pages_in_error view
  std::vector<ops_poll_state> polls;   // by data source id
  std::vector<ops_dead_job> dead;      // newest first, at most `limit`
  std::vector<ops_api_limits> limits;  // by API name
};

ops_report read_ops_report(transaction t, int limit = 50);

}  // namespace ngsync::storage

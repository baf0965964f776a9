#pragma once
// Fault injection applied by the sandbox before an emulator sees a request: server errors,
// connection resets, added latency, bursts of rate-limit answers and outage windows, per API and
// per endpoint, deterministic with the seed.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json.hpp>

#include "tests/sandbox/src/emulator.hpp"

namespace ngsync::sandbox {

struct fault_rule {
  std::string api;          // "notion", "github" or "*"
  std::string method;       // "" = any
  std::string path_prefix;  // "" = any; matched against the path without the query
  double error_rate = 0;    // share of requests answered with error_status
  unsigned error_status = 503;
  double reset_rate = 0;  // share of requests whose connection is reset without an answer
  std::chrono::milliseconds latency{0};
  int burst_429 = 0;  // the next N matching requests get the API's rate-limit answer
  int retry_after_s = 1;
  // Outage: every matching request between these sandbox times gets 503.
  std::optional<std::chrono::system_clock::time_point> outage_start, outage_end;
};

// What to do with one request.
struct fault_decision {
  enum class kind { pass, error, reset, rate_limit, outage } what = kind::pass;
  std::chrono::milliseconds latency{0};
  unsigned status = 0;
  int retry_after_s = 0;
};

class fault_injector {
 public:
  fault_injector(std::function<std::uint64_t()> random, const sandbox_clock* clock)
      : random_(std::move(random)), clock_(clock) {}

  // Replaces (or with "append": true adds to) the rules; see docs/sandbox.md for the format.
  // Throws std::invalid_argument for a malformed spec.
  void configure(const boost::json::value& spec);
  void clear() { rules_.clear(); }
  boost::json::value describe() const;

  fault_decision decide(const std::string& api, const api_request& req);

 private:
  double uniform() { return static_cast<double>(random_() >> 11) * 0x1.0p-53; }

  std::function<std::uint64_t()> random_;
  const sandbox_clock* clock_;
  std::vector<fault_rule> rules_;
};

// The answer an API gives for each kind of injected fault, in that API's own error shape.
api_response fault_response(const std::string& api, const api_request& req,
                            const fault_decision& d);

}  // namespace ngsync::sandbox

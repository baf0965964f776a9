#pragma once
// GitHub GraphQL (POST /graphql) through the same api_caller as REST (token bucket, mutation
// spacing, secondary-limit pauses, audit). GraphQL's own limit is points per hour: every answer's
// `rateLimit { cost remaining resetAt }` (or x-ratelimit-* headers) feeds a points budget, and a
// budget run low throws a throttled failure until resetAt instead of spending the last points.
// HTTP 200 with an `errors` array is classified like a REST failure.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "core/ratelimit/api_caller.hpp"

namespace ngsync::github {

using system_time = std::chrono::system_clock::time_point;

// GraphQL points left in the current hour, as the API last reported them. Pure arithmetic.
// Requests in flight count as spent until their answer says what is left, so concurrent
// workers cannot all take the last point.
class graphql_points_budget {
 public:
  // Below `reserve` remaining points no request is sent until the reset (a tenth of the hourly
  // limit when that is smaller). `probe_first`: before the first request, read the budget with
  // GET /rate_limit (free), so a fresh process does not spend points the last one used up.
  explicit graphql_points_budget(std::int64_t reserve = 100, bool probe_first = true)
      : reserve_(reserve), probe_first_(probe_first) {}

  void observe(std::int64_t remaining, system_time reset_at, std::int64_t cost = 0);
  void observe_limit(std::int64_t limit) { limit_ = limit; }
  // When set, no GraphQL request may go before this time.
  std::optional<system_time> blocked_until(system_time now) const;

  bool wants_probe() const { return probe_first_ && !probed_ && remaining_ < 0; }
  // While one request reads /rate_limit, the others wait for its answer.
  void probe_started() { probed_ = probing_ = true; }
  void probe_finished() { probing_ = false; }
  bool probing() const { return probing_; }
  void request_sent() { ++in_flight_; }
  void request_done() { --in_flight_; }

  std::int64_t remaining() const { return remaining_; }
  std::int64_t reserve() const;
  std::int64_t points_spent() const { return spent_; }
  std::uint64_t refusals() const { return refusals_; }
  void count_refusal() { ++refusals_; }

 private:
  std::int64_t reserve_;
  bool probe_first_;
  bool probed_ = false;
  bool probing_ = false;
  std::int64_t limit_ = -1;      // -1: never reported
  std::int64_t remaining_ = -1;  // -1: never observed
  std::int64_t in_flight_ = 0;
  system_time reset_at_{};
  std::int64_t spent_ = 0;
  std::uint64_t refusals_ = 0;
};

// Classifies the `errors` array of a 200 answer: RATE_LIMITED -> throttled (until `reset_at`, or
// a minute), NOT_FOUND / FORBIDDEN / validation -> permanent, INTERNAL / timeouts -> transient.
// `code` is the first error's `type` (or "GRAPHQL_ERROR"); `message` its message.
api::api_failure classify_graphql_errors(const boost::json::array& errors,
                                         const std::string& operation,
                                         std::optional<system_time> reset_at, system_time now);

class graphql_client {
 public:
  graphql_client(ratelimit::api_caller& caller, graphql_points_budget& budget,
                 std::string sync_run_id = {})
      : caller_(caller), budget_(budget), sync_run_id_(std::move(sync_run_id)) {}

  // Sends `document` with `variables`; returns `data`. Throws api::api_exception (classified).
  // `mutation` marks it non-idempotent for the caller (never replayed after an unknown outcome)
  // and subject to the mutation spacing.
  boost::asio::awaitable<boost::json::object> run(std::string document,
                                                  boost::json::object variables,
                                                  std::string operation, bool mutation);

 private:
  boost::asio::awaitable<void> probe_budget();

  ratelimit::api_caller& caller_;
  graphql_points_budget& budget_;
  std::string sync_run_id_;
};

}  // namespace ngsync::github

#pragma once
// A token bucket (rate per second, burst) as pure arithmetic over time points. Reservations may
// go into debt: a caller takes its token now and learns when it may act, so callers are served
// in arrival order and the sending rate never exceeds burst + rate * window.
#include <memory>

#include "core/ratelimit/clock.hpp"

namespace ngsync::ratelimit {

class token_bucket {
 public:
  token_bucket(double rate_per_second, double burst, steady_time now);

  // Takes `n` tokens if that many are available now; otherwise takes nothing.
  bool try_take(steady_time now, double n = 1);
  // Takes `n` tokens unconditionally and returns the earliest time the caller may act
  // (`now` when the bucket had them).
  steady_time reserve(steady_time now, double n = 1);
  // Tokens available now; negative while reservations are outstanding.
  double available(steady_time now);
  // Changes the refill rate from `now` on; tokens already earned stay.
  void set_rate(double rate_per_second, steady_time now);

  double rate() const { return rate_; }
  double burst() const { return burst_; }

 private:
  void refill(steady_time now);

  double rate_;
  double burst_;
  double tokens_;
  steady_time last_;
};

// Where an API's request tokens come from. Today a local bucket; later a budget shared by
// several replicas through Postgres implements the same two calls.
class request_budget {
 public:
  virtual ~request_budget() = default;
  virtual steady_time reserve(steady_time now, double tokens) = 0;
  virtual double available(steady_time now) = 0;
};

class local_request_budget final : public request_budget {
 public:
  local_request_budget(double rate_per_second, double burst, steady_time now)
      : bucket_(rate_per_second, burst, now) {}
  steady_time reserve(steady_time now, double tokens) override {
    return bucket_.reserve(now, tokens);
  }
  double available(steady_time now) override { return bucket_.available(now); }

 private:
  token_bucket bucket_;
};

}  // namespace ngsync::ratelimit

#include "core/ratelimit/token_bucket.hpp"

#include <algorithm>
#include <stdexcept>

namespace ngsync::ratelimit {

token_bucket::token_bucket(double rate_per_second, double burst, steady_time now)
    : rate_(rate_per_second), burst_(burst), tokens_(burst), last_(now) {
  if (!(rate_per_second > 0) || !(burst >= 1))
    throw std::invalid_argument("token bucket needs rate > 0 and burst >= 1");
}

void token_bucket::refill(steady_time now) {
  if (now <= last_) return;
  const double elapsed = std::chrono::duration<double>(now - last_).count();
  tokens_ = std::min(burst_, tokens_ + elapsed * rate_);
  last_ = now;
}

bool token_bucket::try_take(steady_time now, double n) {
  refill(now);
  if (tokens_ < n) return false;
  tokens_ -= n;
  return true;
}

steady_time token_bucket::reserve(steady_time now, double n) {
  refill(now);
  tokens_ -= n;
  if (tokens_ >= 0) return now;
  const auto owed = std::chrono::duration<double>(-tokens_ / rate_);
  // Round up so the caller never acts a fraction of a tick early.
  return now + std::chrono::ceil<steady_clock::duration>(owed);
}

double token_bucket::available(steady_time now) {
  refill(now);
  return tokens_;
}

void token_bucket::set_rate(double rate_per_second, steady_time now) {
  if (!(rate_per_second > 0)) throw std::invalid_argument("token bucket rate must be > 0");
  refill(now);
  rate_ = rate_per_second;
}

}  // namespace ngsync::ratelimit

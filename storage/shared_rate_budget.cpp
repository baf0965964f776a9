#include "storage/shared_rate_budget.hpp"

#include <algorithm>
#include <cmath>

#include <pqxx/pqxx>

#include "core/log/logging.hpp"
#include "storage/database.hpp"

namespace ngsync::storage {

namespace {

using ratelimit::steady_clock;
using ratelimit::steady_time;

steady_clock::duration seconds_of(double s) {
  return std::chrono::duration_cast<steady_clock::duration>(std::chrono::duration<double>(s));
}

// rate/4 clamped to 1..5; at high rates, what the rate earns in `lease_span` (up to the burst,
// which the bucket allows at once anyway): five tokens earned in microseconds would make every
// few requests wait for a blocking round trip, and the round trips, not the rate, would bound
// the request rate.
double default_batch(const shared_budget_settings& s) {
  const double classic = std::clamp(std::floor(s.rate_per_second / 4), 1.0, 5.0);
  const double span = std::chrono::duration<double>(s.lease_span).count();
  return std::max(classic, std::min(std::floor(s.rate_per_second * span), std::floor(s.burst)));
}

}  // namespace

shared_rate_budget::shared_rate_budget(shared_budget_settings settings, steady_time now)
    : settings_(std::move(settings)),
      batch_(settings_.batch > 0 ? settings_.batch : default_batch(settings_)),
      fallback_(std::max(0.01, settings_.rate_per_second * settings_.fallback_share),
                std::max(1.0, settings_.burst * settings_.fallback_share), now) {}

shared_rate_budget::~shared_rate_budget() = default;

pqxx::connection& shared_rate_budget::connection() {
  if (!conn_)
    conn_ = database::open(settings_.database_url, settings_.statement_timeout, "ngsync-budget");
  return *conn_;
}

void shared_rate_budget::drop_connection(const std::exception& e) {
  ++counters_.failures;
  log::get("ratelimit")
      ->warn("api={} shared budget unreachable, local fallback at {:.2f} req/s for {} ms: {}",
             settings_.api, settings_.rate_per_second * settings_.fallback_share,
             settings_.retry_after_failure.count(), log::redact(e.what()));
  conn_.reset();
}

steady_time shared_rate_budget::reserve(steady_time now, double tokens) {
  if (stock_ >= tokens && now < stock_expires_) {
    stock_ -= tokens;
    return std::max(now, ready_at_);
  }
  if (now >= db_retry_at_) {
    const double take = std::max(tokens, batch_);
    const auto sent = steady_clock::now();
    try {
      auto& c = connection();
      // The bucket lives in the row: refill by the database clock's elapsed time (capped at
      // burst), then take the whole batch, possibly into debt. The debt tells when the batch
      // is paid for; the row lock orders concurrent replicas.
      // clock_timestamp(), not now(): it is read after the row lock is taken, so the refill
      // and the ready instant follow the order in which replicas got the row.
      prepare(c, "budget_lease",
              "INSERT INTO rate_budget (api, tokens, updated_at) "
              "VALUES ($1, $3::float8 - $4::float8, clock_timestamp()) "
              "ON CONFLICT (api) DO UPDATE SET tokens = LEAST($3::float8, rate_budget.tokens + "
              "$2::float8 * GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - "
              "rate_budget.updated_at))::float8) - $4::float8, updated_at = clock_timestamp() "
              "RETURNING tokens, EXTRACT(EPOCH FROM updated_at)::float8");
      // One statement, its own transaction: no BEGIN and COMMIT round trips while the I/O
      // thread waits.
      pqxx::nontransaction t(c);
      auto r = t.exec_prepared1("budget_lease", settings_.api, settings_.rate_per_second,
                                settings_.burst, take);
      ++counters_.leases;
      const double left = r[0].as<double>();
      // The batch is paid for when the debt is: an absolute instant on the database clock
      // (the system clock, NTP-synchronised across hosts), the same schedule for every replica
      // whatever its round-trip time. A paid-for batch may lie in the past; api_budget sends
      // it at once (never before now).
      const double ready_epoch =
          r[1].as<double>() + std::max(0.0, -left) / settings_.rate_per_second;
      const double from_now = ready_epoch - std::chrono::duration<double>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count();
      const steady_time ready = now + (steady_clock::now() - sent) + seconds_of(from_now);
      stock_ = take - tokens;
      ready_at_ = std::max(now, ready);
      // Unused tokens are dropped after the time they took to earn, but not sooner than
      // `min_hold`: at high rates a batch is earned in microseconds and would expire before the
      // next request, one round trip per request. Holding tokens longer does not widen the
      // excess over the rate: a replica never holds more than one batch.
      stock_expires_ =
          ready + std::max(seconds_of(take / settings_.rate_per_second),
                           std::chrono::duration_cast<steady_clock::duration>(settings_.min_hold));
      return std::max(now, ready);
    } catch (const pqxx::failure& e) {
      drop_connection(e);
    }
    db_retry_at_ = now + settings_.retry_after_failure;
    stock_ = 0;
  }
  return fallback_.reserve(now, tokens);
}

double shared_rate_budget::available(steady_time now) {
  return now < stock_expires_ ? stock_ : 0.0;
}

std::optional<ratelimit::system_time> shared_rate_budget::share_pause(
    std::optional<ratelimit::system_time> local) {
  const auto steady_now = steady_clock::now();
  if (steady_now < db_retry_at_) return std::nullopt;
  const double local_epoch =
      local ? std::chrono::duration<double>(local->time_since_epoch()).count() : 0.0;
  try {
    auto& c = connection();
    // tokens holds the pause's end in epoch seconds; GREATEST keeps the latest pause.
    prepare(c, "budget_pause",
            "INSERT INTO rate_budget (api, tokens, updated_at) VALUES ($1, $2::float8, now()) "
            "ON CONFLICT (api) DO UPDATE SET tokens = GREATEST(rate_budget.tokens, $2::float8), "
            "updated_at = now() RETURNING tokens, EXTRACT(EPOCH FROM now())::float8");
    pqxx::nontransaction t(c);
    auto r = t.exec_prepared1("budget_pause", settings_.api + "/paused_until", local_epoch);
    const double until = r[0].as<double>();
    const double db_now = r[1].as<double>();
    if (until <= db_now) return std::nullopt;
    // Measured against the database clock, applied on ours.
    return std::chrono::system_clock::now() +
           std::chrono::duration_cast<std::chrono::system_clock::duration>(
               std::chrono::duration<double>(until - db_now));
  } catch (const pqxx::failure& e) {
    drop_connection(e);
    db_retry_at_ = steady_now + settings_.retry_after_failure;
  }
  return std::nullopt;
}

}  // namespace ngsync::storage

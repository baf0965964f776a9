#include "storage/shared_write_schedule.hpp"

#include <algorithm>

#include "core/log/logging.hpp"
#include "storage/database.hpp"

namespace ngsync::storage {

namespace {

using ratelimit::steady_clock;
using ratelimit::steady_time;

double seconds_between(steady_time from, steady_time to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

shared_write_schedule::shared_write_schedule(shared_write_settings settings)
    : settings_(std::move(settings)) {}

shared_write_schedule::~shared_write_schedule() = default;

steady_time shared_write_schedule::claim(steady_time earliest,
                                         const ratelimit::request_traits& traits) {
  const bool counts_content = traits.creates_content && !settings_.content_windows.empty();
  const bool spaced = traits.mutating && settings_.mutation_spacing.count() > 0;
  if (!counts_content && !spaced) return earliest;
  const steady_time asked = steady_clock::now();
  if (asked < db_retry_at_) return earliest;
  try {
    if (!conn_)
      conn_ = database::open(settings_.database_url, settings_.statement_timeout, "ngsync-writes");
    auto& c = *conn_;
    const std::string row = settings_.api + "/writes";
    pqxx::work t(c);
    t.exec_params("INSERT INTO rate_budget (api, tokens) VALUES ($1, 0) ON CONFLICT DO NOTHING",
                  row);
    // The row lock orders every replica's claims; the database clock is the common time.
    auto head = t.exec_params1(
        "SELECT tokens, EXTRACT(EPOCH FROM clock_timestamp())::float8 FROM rate_budget "
        "WHERE api = $1 FOR UPDATE",
        row);
    const double last_mutation = head[0].as<double>();
    const double db_now = head[1].as<double>();
    const steady_time local_now = steady_clock::now();
    // Local instants map onto the database clock through `asked` (before the round trip) and
    // back through `local_now` (after it): both err late, so a claim is never granted early.
    // Replicas still see each other's claims to within about half a round trip (milliseconds).
    double at = db_now + seconds_between(asked, earliest);
    if (spaced) {
      at = std::max(at, last_mutation +
                            std::chrono::duration<double>(settings_.mutation_spacing).count());
    }
    if (counts_content) {
      std::int64_t longest = 0, most = 0;
      for (const auto& w : settings_.content_windows) {
        longest = std::max<std::int64_t>(longest, w.length.count());
        most = std::max<std::int64_t>(most, w.limit);
      }
      // The newest `most` claims still inside the longest window, oldest first: the same rule
      // as api_budget's own record, applied to every replica's claims.
      auto rows = t.exec_params(
          "SELECT e FROM (SELECT EXTRACT(EPOCH FROM at)::float8 AS e FROM rate_claims "
          "WHERE api = $1 AND at > clock_timestamp() - make_interval(secs => $2) "
          "ORDER BY at DESC LIMIT $3) newest ORDER BY e",
          settings_.api, static_cast<double>(longest), most);
      std::vector<double> claims;
      claims.reserve(rows.size());
      for (const auto& r : rows) claims.push_back(r[0].as<double>());
      if (!claims.empty()) at = std::max(at, claims.back());
      const auto n = static_cast<std::ptrdiff_t>(claims.size());
      for (const auto& w : settings_.content_windows) {
        if (w.limit <= 0 || n < w.limit) continue;
        at = std::max(at, claims[static_cast<std::size_t>(n - w.limit)] +
                              static_cast<double>(w.length.count()));
      }
      t.exec_params("INSERT INTO rate_claims (api, at) VALUES ($1, to_timestamp($2))",
                    settings_.api, at);
      t.exec_params(
          "DELETE FROM rate_claims WHERE api = $1 "
          "AND at < clock_timestamp() - make_interval(secs => $2)",
          settings_.api, static_cast<double>(longest + 60));
    }
    if (spaced) {
      t.exec_params("UPDATE rate_budget SET tokens = GREATEST(tokens, $2), updated_at = now() "
                    "WHERE api = $1",
                    row, at);
    }
    t.commit();
    const auto wait = std::chrono::duration_cast<steady_clock::duration>(
        std::chrono::duration<double>(at - db_now));
    return std::max(earliest, local_now + wait);
  } catch (const pqxx::failure& e) {
    ++failures_;
    log::get("ratelimit")
        ->warn("api={} shared write schedule unreachable, this process's own limits only for "
               "{} ms: {}",
               settings_.api, settings_.retry_after_failure.count(), log::redact(e.what()));
    conn_.reset();
    db_retry_at_ = asked + settings_.retry_after_failure;
  }
  return earliest;
}

}  // namespace ngsync::storage

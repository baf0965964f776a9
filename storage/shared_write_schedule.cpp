#include "storage/shared_write_schedule.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <pqxx/pqxx>

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

void shared_write_schedule::prepare_statements(pqxx::connection& c) {
  // The claim's two statements, prepared once per connection (a new connection after a failure
  // prepares them again). The first takes the row lock, which orders every replica's claims (the
  // database clock is the common time); the second runs after it, so its snapshot sees every
  // claim committed before ours. It applies the same rules as api_budget's own record to every
  // replica's claims: after the last mutation by the spacing; not before the newest claim in the
  // longest window; and for each window of `limit` claims, not before the limit-th newest (one
  // probe by its number) has left it. Then it records the claim, sweeps claims older than the
  // longest window and records the mutation.
  // A lease of k slots (k <= every window's limit) needs the window's (limit - k + 1)-th newest
  // claim gone, so that with the k new ones the window holds at most `limit`; its slots are
  // recorded $11 seconds after the granted instant, the latest they may be sent. A lease may
  // start $11 before the newest recorded claim (the previous lease's start at the earliest), so
  // leases overlap instead of queueing one span apart, and the claims stay in time order.
  //   ngsync_write_claim($1 row, $2 api, $3 counts content, $4 seconds ahead, $5 spacing
  //                      seconds (NULL: none), $6 window lengths, $7 window limits,
  //                      $8 longest window seconds, $9 spaced, $10 slots k, $11 lease seconds)
  pqxx::nontransaction t(c, "prepare write schedule");
  t.exec(
      "PREPARE ngsync_write_lock(text) AS INSERT INTO rate_budget (api, tokens) VALUES ($1, 0)"
      " ON CONFLICT (api) DO UPDATE SET tokens = rate_budget.tokens");
  t.exec(
      "PREPARE ngsync_write_claim(text, text, boolean, float8, float8, float8[], int[], float8,"
      " boolean, int, float8) AS"
      " WITH head AS MATERIALIZED (SELECT tokens AS last_mutation,"
      "   EXTRACT(EPOCH FROM clock_timestamp())::float8 AS db_now FROM rate_budget"
      "   WHERE api = $1),"
      " newest AS MATERIALIZED (SELECT c.seq, c.at FROM rate_claims c WHERE $3"
      "   AND c.api = $2 ORDER BY c.seq DESC LIMIT 1),"
      " bound AS MATERIALIZED (SELECT head.db_now, greatest(head.db_now + $4,"
      "   head.last_mutation + $5,"
      "   (SELECT EXTRACT(EPOCH FROM n.at)::float8 - $11 FROM newest n"
      "     WHERE n.at > clock_timestamp() - make_interval(secs => $8)),"
      "   (SELECT max(EXTRACT(EPOCH FROM c.at)::float8 + w.len)"
      "     FROM unnest($6, $7) AS w(len, lim), newest n, rate_claims c"
      "     WHERE w.lim > 0 AND c.api = $2 AND c.seq = n.seq - w.lim + $10"
      "       AND c.at > clock_timestamp() - make_interval(secs => $8))) AS at FROM head),"
      " ins AS (INSERT INTO rate_claims (api, at, seq) SELECT $2, to_timestamp(bound.at + $11),"
      "   coalesce((SELECT seq FROM newest), 0) + g FROM bound, generate_series(1, $10) AS g"
      "   WHERE $3),"
      // The cutoff is an InitPlan (computed once), so the sweep is a probe of (api, at); a bare
      // volatile clock_timestamp() would make it a sequential scan of every recent claim.
      " swept AS (DELETE FROM rate_claims WHERE $3 AND api = $2"
      "   AND at < (SELECT clock_timestamp() - make_interval(secs => $8) - interval '60 seconds')),"
      " spaced AS (UPDATE rate_budget SET tokens = GREATEST(tokens, (SELECT at FROM bound)),"
      "   updated_at = now() WHERE $9 AND api = $1)"
      " SELECT db_now, at FROM bound");
}

steady_time shared_write_schedule::claim(steady_time earliest,
                                         const ratelimit::request_traits& traits) {
  const bool counts_content = traits.creates_content && !settings_.content_windows.empty();
  const bool spaced = traits.mutating && settings_.mutation_spacing.count() > 0;
  if (!counts_content && !spaced) return earliest;
  // Spaced mutations are claimed one by one: the spacing orders each against every replica's.
  const bool leasing = counts_content && !spaced && window_slots() > 1;
  if (leasing) {
    if (auto leased = take_leased_slot(earliest)) return *leased;
    last_lease_used_ = lease_used_;
  }
  const int slots = leasing ? lease_size() : 1;
  const steady_time asked = steady_clock::now();
  if (asked < db_retry_at_) return earliest;
  try {
    if (!conn_) {
      conn_ = database::open(settings_.database_url, settings_.statement_timeout, "ngsync-writes");
      prepare_statements(*conn_);
    }
    auto& c = *conn_;
    const std::string row = settings_.api + "/writes";
    pqxx::nontransaction t(c);
    // Local instants map onto the database clock through `asked` (before the round trip) and
    // back through `local_now` (after it): both err late, so a claim is never granted early.
    // Replicas still see each other's claims to within about half a round trip (milliseconds).
    const double ahead = seconds_between(asked, earliest);
    std::int64_t longest = 0;
    std::string lengths = "{", limits = "{";
    for (const auto& w : settings_.content_windows) {
      longest = std::max<std::int64_t>(longest, w.length.count());
      if (lengths.size() > 1) {
        lengths += ',';
        limits += ',';
      }
      lengths += std::to_string(w.length.count());
      limits += std::to_string(w.limit);
    }
    lengths += '}';
    limits += '}';
    const std::string q_row = t.quote(row), q_api = t.quote(settings_.api);
    const double lease_seconds = std::chrono::duration<double>(settings_.lease_span).count();
    const std::string content = counts_content ? "true" : "false";
    const std::string spacing =
        spaced ? t.quote(fmt::format(
                     "{}", std::chrono::duration<double>(settings_.mutation_spacing).count()))
               : std::string("NULL");
    // One round trip: two statements in one implicit transaction (see prepare_statements).
    // Both are SQL-level prepared statements of this connection, so each claim only parses two
    // EXECUTEs; the plans are cached.
    const std::string sql = "EXECUTE ngsync_write_lock(" + q_row +
                            ");\n"
                            "EXECUTE ngsync_write_claim(" +
                            q_row + ", " + q_api + ", " + content + ", " +
                            t.quote(fmt::format("{}", ahead)) + ", " + spacing + ", " +
                            t.quote(lengths) + ", " + t.quote(limits) + ", " +
                            std::to_string(longest) + ", " + (spaced ? "true" : "false") +
                            ", " + std::to_string(slots) + ", " +
                            t.quote(fmt::format("{}", slots > 1 ? lease_seconds : 0.0)) + ")";
    const auto r = t.exec1(sql);
    const steady_time local_now = steady_clock::now();
    const double db_now = r[0].as<double>();
    const double at = r[1].as<double>();
    const auto wait = std::chrono::duration_cast<steady_clock::duration>(
        std::chrono::duration<double>(at - db_now));
    const steady_time granted = std::max(earliest, local_now + wait);
    if (slots > 1) {
      // This request takes the first slot. The span ends where the database recorded the
      // slots, mapped back through `asked` (the early end of the round trip), so the local end
      // is never later than the recorded one.
      lease_left_ = slots - 1;
      lease_used_ = 1;
      lease_from_ = granted;
      lease_until_ = asked + std::chrono::duration_cast<steady_clock::duration>(
                                 std::chrono::duration<double>(at - db_now) + settings_.lease_span);
      if (lease_until_ < granted) lease_left_ = 0;
    }
    return granted;
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

int shared_write_schedule::window_slots() const {
  // The tightest window's slots per lease span; a window of 80 per minute gives 0.03, so 1.
  double slots = settings_.max_lease;
  const double span = std::chrono::duration<double>(settings_.lease_span).count();
  for (const auto& w : settings_.content_windows) {
    if (w.limit <= 0) continue;
    const double seconds = std::chrono::duration<double>(w.length).count();
    slots = std::min(slots, seconds > 0 ? w.limit * span / seconds : 1.0);
    slots = std::min(slots, static_cast<double>(w.limit));
  }
  return std::max(1, static_cast<int>(slots + 1e-9));  // 200 * 0.02 is 4, not 3.999...
}

int shared_write_schedule::lease_size() const {
  // Within the windows' share, twice what the last lease served: slots leased and not used
  // stay counted against the windows, so a lease follows the demand instead of always taking
  // the most.
  return std::min(window_slots(), std::max(2, 2 * last_lease_used_));
}

std::optional<steady_time> shared_write_schedule::take_leased_slot(steady_time earliest) {
  if (lease_left_ <= 0) return std::nullopt;
  const steady_time at = std::max(earliest, lease_from_);
  if (at > lease_until_ || steady_clock::now() > lease_until_) {
    lease_left_ = 0;  // expired: the unused slots stay recorded, which errs on the safe side
    return std::nullopt;
  }
  --lease_left_;
  ++lease_used_;
  return at;
}

}  // namespace ngsync::storage

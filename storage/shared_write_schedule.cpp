#include "storage/shared_write_schedule.hpp"

#include <algorithm>

#include <fmt/format.h>

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
  //   ngsync_write_claim($1 row, $2 api, $3 counts content, $4 seconds ahead, $5 spacing
  //                      seconds (NULL: none), $6 window lengths, $7 window limits,
  //                      $8 longest window seconds, $9 spaced)
  pqxx::nontransaction t(c, "prepare write schedule");
  t.exec(
      "PREPARE ngsync_write_lock(text) AS INSERT INTO rate_budget (api, tokens) VALUES ($1, 0)"
      " ON CONFLICT (api) DO UPDATE SET tokens = rate_budget.tokens");
  t.exec(
      "PREPARE ngsync_write_claim(text, text, boolean, float8, float8, float8[], int[], float8,"
      " boolean) AS"
      " WITH head AS MATERIALIZED (SELECT tokens AS last_mutation,"
      "   EXTRACT(EPOCH FROM clock_timestamp())::float8 AS db_now FROM rate_budget"
      "   WHERE api = $1),"
      " newest AS MATERIALIZED (SELECT c.seq, c.at FROM rate_claims c WHERE $3"
      "   AND c.api = $2 ORDER BY c.seq DESC LIMIT 1),"
      " bound AS MATERIALIZED (SELECT head.db_now, greatest(head.db_now + $4,"
      "   head.last_mutation + $5,"
      "   (SELECT EXTRACT(EPOCH FROM n.at)::float8 FROM newest n"
      "     WHERE n.at > clock_timestamp() - make_interval(secs => $8)),"
      "   (SELECT max(EXTRACT(EPOCH FROM c.at)::float8 + w.len)"
      "     FROM unnest($6, $7) AS w(len, lim), newest n, rate_claims c"
      "     WHERE w.lim > 0 AND c.api = $2 AND c.seq = n.seq - w.lim + 1"
      "       AND c.at > clock_timestamp() - make_interval(secs => $8))) AS at FROM head),"
      " ins AS (INSERT INTO rate_claims (api, at) SELECT $2, to_timestamp(bound.at) FROM bound"
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
                            std::to_string(longest) + ", " + (spaced ? "true" : "false") + ")";
    const auto r = t.exec1(sql);
    const steady_time local_now = steady_clock::now();
    const double db_now = r[0].as<double>();
    const double at = r[1].as<double>();
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

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
        spaced ? fmt::format("{}", std::chrono::duration<double>(settings_.mutation_spacing).count())
               : std::string("NULL");
    const std::string window = fmt::format("clock_timestamp() - make_interval(secs => {})", longest);
    // One round trip: two statements in one implicit transaction. The first takes the row lock,
    // which orders every replica's claims (the database clock is the common time); the second
    // runs after it, so its snapshot sees every claim committed before ours. It applies the same
    // rules as api_budget's own record to every replica's claims: after the last mutation by
    // the spacing; not before the newest claim in the longest window; and for each window of
    // `limit` claims, not before the limit-th newest (one probe by its number) has left it.
    // Then it records the claim, sweeps claims older than the longest window and records the
    // mutation.
    const std::string sql =
        "INSERT INTO rate_budget (api, tokens) VALUES (" + q_row +
        ", 0) ON CONFLICT (api) DO UPDATE SET tokens = rate_budget.tokens;\n"
        "WITH head AS MATERIALIZED (SELECT tokens AS last_mutation,"
        "   EXTRACT(EPOCH FROM clock_timestamp())::float8 AS db_now FROM rate_budget"
        "   WHERE api = " + q_row + "),"
        " newest AS MATERIALIZED (SELECT c.seq, c.at FROM rate_claims c WHERE " + content +
        "   AND c.api = " + q_api + " ORDER BY c.seq DESC LIMIT 1),"
        " bound AS MATERIALIZED (SELECT head.db_now, greatest(head.db_now + " +
        fmt::format("{}", ahead) + ", head.last_mutation + " + spacing + "::float8,"
        "   (SELECT EXTRACT(EPOCH FROM n.at)::float8 FROM newest n WHERE n.at > " + window + "),"
        "   (SELECT max(EXTRACT(EPOCH FROM c.at)::float8 + w.len)"
        "     FROM unnest('" + lengths + "'::float8[], '" + limits + "'::int[]) AS w(len, lim),"
        "       newest n, rate_claims c"
        "     WHERE w.lim > 0 AND c.api = " + q_api + " AND c.seq = n.seq - w.lim + 1"
        "       AND c.at > " + window + ")) AS at FROM head),"
        " ins AS (INSERT INTO rate_claims (api, at) SELECT " + q_api +
        ", to_timestamp(bound.at) FROM bound WHERE " + content + "),"
        " swept AS (DELETE FROM rate_claims WHERE " + content + " AND api = " + q_api +
        "   AND at < " + window + " - interval '60 seconds'),"
        " spaced AS (UPDATE rate_budget SET tokens = GREATEST(tokens, (SELECT at FROM bound)),"
        "   updated_at = now() WHERE " + (spaced ? "true" : "false") + " AND api = " + q_row + ")"
        " SELECT db_now, at FROM bound";
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

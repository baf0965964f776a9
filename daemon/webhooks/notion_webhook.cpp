#include "daemon/webhooks/notion_webhook.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json.hpp>

#include "core/log/logging.hpp"
#include "core/webhooks/notion_event.hpp"
#include "core/webhooks/signature.hpp"
#include "storage/sync_jobs.hpp"
#include "storage/notion_webhook_tokens.hpp"
#include "storage/webhook_deliveries.hpp"

namespace ngsync::webhooks {
namespace net = boost::asio;
namespace json = boost::json;
using http::bhttp::status;

namespace {
http::server_response answer(const http::server_request& req, status s, std::string what) {
  return http::make_response(req, s, json::serialize(json::object{{"result", what}}));
}

}  // namespace

notion_webhook_receiver::notion_webhook_receiver(
    storage::database& db, storage::job_queue& queue,
    const std::map<std::string, sync::mapping_binding>& mappings, notion_webhook_settings settings,
    const own_identity& me)
    : db_(db),
      queue_(queue),
      mappings_(mappings),
      settings_(std::move(settings)),
      me_(me),
      unsigned_tokens_(settings_.unsigned_per_minute),
      unsigned_refilled_at_(std::chrono::steady_clock::now()) {}

net::awaitable<std::optional<std::string>> notion_webhook_receiver::key(
    std::chrono::milliseconds max_age) {
  if (!settings_.configured_token.empty()) co_return settings_.configured_token;
  const auto now = std::chrono::steady_clock::now();
  if (key_read_at_ && now - *key_read_at_ < max_age) co_return key_;
  auto read = [](storage::transaction t) { return storage::notion_webhook_tokens::active(t); };
  key_ = co_await db_.read(std::move(read));
  key_read_at_ = now;
  co_return key_;
}

bool notion_webhook_receiver::take_unsigned_slot(std::chrono::steady_clock::time_point now) {
  const double per_minute = settings_.unsigned_per_minute;
  const std::chrono::duration<double, std::ratio<60>> elapsed = now - unsigned_refilled_at_;
  unsigned_tokens_ = std::min(per_minute, unsigned_tokens_ + elapsed.count() * per_minute);
  unsigned_refilled_at_ = now;
  if (unsigned_tokens_ < 1) return false;
  unsigned_tokens_ -= 1;
  return true;
}

net::awaitable<http::server_response> notion_webhook_receiver::unsigned_request(
    const http::server_request& req) {
  auto logger = log::get("webhook");
  const auto now = std::chrono::steady_clock::now();
  if (!take_unsigned_slot(now)) {
    ++counters_.throttled;
    ++throttled_unlogged_;
    if (now - throttle_logged_at_ >= std::chrono::seconds(10)) {
      logger->warn("notion webhook: {} unsigned request(s) refused by the rate limit ({}/min)",
                   throttled_unlogged_, settings_.unsigned_per_minute);
      throttled_unlogged_ = 0;
      throttle_logged_at_ = now;
    }
    auto res = answer(req, status::too_many_requests, "too many unsigned requests");
    res.set(http::bhttp::field::retry_after, "60");
    co_return res;
  }
  // Nothing the sender wrote reaches the log: only sizes and a fixed-length fingerprint.
  auto token = verification_token_of(req.body());
  if (!token || token->empty() || token->size() > 1024) {
    ++counters_.refused;
    logger->warn("notion webhook refused: unsigned request that is not a verification ({} bytes)",
                 req.body().size());
    co_return answer(req, status::unauthorized, "missing signature");
  }
  const auto value = *token;
  auto save = [value](storage::transaction tx) {
    auto r = storage::notion_webhook_tokens::offer(tx, value);
    return r;
  };
  const auto offered = co_await db_.write(std::move(save));
  ++counters_.verifications;
  const auto print = key_fingerprint(value);
  if (offered == storage::notion_token_offer::already_active) {
    logger->info("notion webhook verification {}: already the confirmed token", print);
  } else {
    logger->warn(
        "notion webhook verification {} stored as pending; it checks no signature until an "
        "operator confirms it: compare `ngsync status`, paste `ngsync status "
        "--show-notion-verification` into Notion, then run `ngsync webhook "
        "confirm-notion-token`",
        print);
  }
  co_return answer(req, status::ok, "verification token received; pending confirmation");
}

net::awaitable<http::server_response> notion_webhook_receiver::handle(http::server_request req) {
  auto logger = log::get("webhook");
  const auto sig = req.find("X-Notion-Signature");
  if (sig == req.end()) co_return co_await unsigned_request(req);
  auto key_now = co_await key(settings_.key_refresh);
  bool verified = key_now && verify_sha256_signature(*key_now, req.body(), sig->value());
  if (!verified) {
    // Another replica (or the CLI) may have confirmed a new token a moment ago.
    const auto before = key_now;
    key_now = co_await key(settings_.key_refresh_after_failure);
    if (key_now != before) {
      verified = key_now && verify_sha256_signature(*key_now, req.body(), sig->value());
    }
  }
  if (!verified) {
    ++counters_.refused;
    logger->warn("notion webhook refused: {}",
                 key_now ? "bad signature" : "no confirmed verification token yet");
    co_return answer(req, status::unauthorized, "bad signature");
  }
  auto parsed = parse_notion_event(req.body());
  if (!parsed) {
    ++counters_.refused;
    co_return answer(req, status::bad_request, "malformed event");
  }
  const auto e = *parsed;
  if (!is_page_event(e)) {
    ++counters_.ignored;
    co_return http::make_response(req, status::no_content, std::string());
  }
  if (authored_only_by(e, me_.notion_bot_id)) {
    ++counters_.own;
    logger->debug("notion webhook from the daemon's own bot ignored page={}", e.entity_id);
    co_return answer(req, status::ok, "own change ignored");
  }
  // The mapping whose data source (or database) is the page's parent. The job checks again
  // against the page itself (page_syncer::load): this only routes the hint.
  const bool parent_is_database = e.parent_type == "database";
  auto match = sync::mapping_of_parent(mappings_, parent_is_database ? "" : e.parent_id,
                                       parent_is_database ? e.parent_id : "");
  if (!match.mapping && e.parent_type.empty())
    match = sync::mapping_of_parent(mappings_, "", e.parent_id);
  const sync::mapping_binding* mapping = match.mapping;
  const std::string data_source = match.data_source_id;
  if (!mapping) {
    ++counters_.ignored;
    co_return answer(req, status::ok, "page outside the mapped data sources");
  }
  sync::sync_page_hint hint;
  hint.page_id = e.entity_id;
  hint.data_source_id = data_source;
  hint.mapping = mapping->name;
  hint.source = "webhook";
  auto spec = storage::to_job_spec(hint, settings_.max_attempts);
  spec.priority = 1;  // a person is waiting for this one; polls can wait
  const auto event_id = e.id.empty() ? std::string() : e.id;
  const auto type = e.type;
  auto record = [this, spec, event_id, type](storage::transaction t) {
    if (!event_id.empty() &&
        !storage::webhook_deliveries::first_delivery(t, "notion", "notion", event_id, type)) {
      return false;
    }
    queue_.enqueue(t, spec);
    return true;
  };
  if (!co_await db_.write(std::move(record))) {
    ++counters_.duplicates;
    co_return answer(req, status::ok, "duplicate");
  }
  ++counters_.enqueued;
  logger->info("notion webhook type={} page={} mapping={}: sync enqueued", e.type, e.entity_id,
               mapping->name);
  co_return answer(req, status::accepted, "enqueued");
}

}  // namespace ngsync::webhooks

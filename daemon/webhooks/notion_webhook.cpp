#include "daemon/webhooks/notion_webhook.hpp"

#include <cctype>

#include <boost/json.hpp>

#include "core/log/logging.hpp"
#include "core/webhooks/notion_event.hpp"
#include "core/webhooks/signature.hpp"
#include "daemon/engine/sync_job.hpp"
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
    const std::map<std::string, engine::mapping_binding>& mappings, int max_attempts,
    const own_identity& me)
    : db_(db), queue_(queue), mappings_(mappings), max_attempts_(max_attempts), me_(me) {}

net::awaitable<std::optional<std::string>> notion_webhook_receiver::token() {
  if (token_) co_return token_;
  auto read = [](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    return storage::webhook_deliveries::notion_verification_token(t);
  };
  token_ = co_await db_.run(std::move(read));
  co_return token_;
}

net::awaitable<http::server_response> notion_webhook_receiver::handle(http::server_request req) {
  auto logger = log::get("webhook");
  const auto sig = req.find("X-Notion-Signature");
  if (sig == req.end()) {
    // The one unsigned request Notion sends: the subscription's verification token.
    if (auto t = verification_token_of(req.body())) {
      const auto value = *t;
      auto save = [value](pqxx::connection& c) {
        pqxx::work tx(c);
        storage::webhook_deliveries::save_notion_verification_token(tx, value);
        tx.commit();
      };
      co_await db_.run(std::move(save));
      token_ = value;
      ++counters_.verifications;
      logger->warn(
          "Notion webhook verification received: run `ngsync status "
          "--show-notion-verification` and paste the token into the integration's webhook "
          "settings to finish the subscription");
      co_return answer(req, status::ok, "verification token stored");
    }
    ++counters_.refused;
    co_return answer(req, status::unauthorized, "missing signature");
  }
  const auto key = co_await token();
  if (!key || !verify_sha256_signature(*key, req.body(), sig->value())) {
    ++counters_.refused;
    logger->warn("notion webhook refused: {}",
                 key ? "bad signature" : "no verification token stored yet");
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
  auto match = engine::mapping_of_parent(mappings_, parent_is_database ? "" : e.parent_id,
                                         parent_is_database ? e.parent_id : "");
  if (!match.mapping && e.parent_type.empty()) match = engine::mapping_of_parent(mappings_, "", e.parent_id);
  const engine::mapping_binding* mapping = match.mapping;
  const std::string data_source = match.data_source_id;
  if (!mapping) {
    ++counters_.ignored;
    co_return answer(req, status::ok, "page outside the mapped data sources");
  }
  engine::sync_page_hint hint;
  hint.page_id = e.entity_id;
  hint.data_source_id = data_source;
  hint.mapping = mapping->name;
  hint.source = "webhook";
  auto spec = engine::to_job_spec(hint, max_attempts_);
  spec.priority = 1;  // a person is waiting for this one; polls can wait
  const auto event_id = e.id.empty() ? std::string() : e.id;
  const auto type = e.type;
  auto record = [this, spec, event_id, type](pqxx::connection& c) {
    pqxx::work t(c);
    if (!event_id.empty() &&
        !storage::webhook_deliveries::first_delivery(t, "notion", "notion", event_id, type)) {
      return false;
    }
    queue_.enqueue(t, spec);
    t.commit();
    return true;
  };
  if (!co_await db_.run(std::move(record))) {
    ++counters_.duplicates;
    co_return answer(req, status::ok, "duplicate");
  }
  ++counters_.enqueued;
  logger->info("notion webhook type={} page={} mapping={}: sync enqueued", e.type, e.entity_id,
               mapping->name);
  co_return answer(req, status::accepted, "enqueued");
}

}  // namespace ngsync::webhooks

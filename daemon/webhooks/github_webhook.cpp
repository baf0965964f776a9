#include "daemon/webhooks/github_webhook.hpp"

#include <boost/json.hpp>

#include "core/log/logging.hpp"
#include "core/webhooks/github_event.hpp"
#include "core/webhooks/signature.hpp"
#include "storage/sync_jobs.hpp"
#include "storage/link_store.hpp"
#include "storage/webhook_deliveries.hpp"

namespace ngsync::webhooks {
namespace net = boost::asio;
namespace json = boost::json;
using http::bhttp::status;

namespace {
http::server_response answer(const http::server_request& req, status s, std::string what) {
  return http::make_response(req, s, json::serialize(json::object{{"result", what}}));
}

std::string header(const http::server_request& req, const char* name) {
  auto it = req.find(name);
  return it == req.end() ? std::string() : std::string(it->value());
}

// What one delivery did in the database.
enum class delivery_outcome { duplicate, own, ignored, no_link, enqueued };
}  // namespace

github_webhook_receiver::github_webhook_receiver(storage::database& db, storage::job_queue& queue,
                                                 github_webhook_settings settings,
                                                 const own_identity& me)
    : db_(db), queue_(queue), settings_(std::move(settings)), me_(me) {}

net::awaitable<http::server_response> github_webhook_receiver::handle(http::server_request req) {
  auto logger = log::get("webhook");
  // Nothing is read, parsed or stored before the signature holds.
  if (!verify_sha256_signature(settings_.secret, req.body(), header(req, "X-Hub-Signature-256"))) {
    ++counters_.refused;
    logger->warn("github webhook refused: bad or missing signature delivery={}",
                 header(req, "X-GitHub-Delivery"));
    co_return answer(req, status::unauthorized, "bad signature");
  }
  const auto event = header(req, "X-GitHub-Event");
  if (event == "ping") co_return answer(req, status::ok, "pong");
  // A draft PR the sync opened changes through `pull_request` events; they carry the same
  // actions and are followed like an issue's (the job reads it through the issues endpoint).
  if (event != "issues" && event != "pull_request") {
    ++counters_.ignored;
    co_return http::make_response(req, status::no_content, std::string());
  }
  const auto delivery = header(req, "X-GitHub-Delivery");
  if (delivery.empty()) {
    ++counters_.refused;
    co_return answer(req, status::bad_request, "missing X-GitHub-Delivery");
  }
  auto parsed = parse_github_issue_event(req.body());
  if (!parsed) {
    ++counters_.refused;
    logger->warn("github webhook refused: {} delivery={}", parsed.error().message, delivery);
    co_return answer(req, status::bad_request, "malformed " + event + " event");
  }
  const auto e = *parsed;
  const bool own = is_own_sender(e.sender_login, me_.github_login);
  // An `issues` event never concerns a PR on GitHub; one that does is not trusted.
  const bool relevant =
      (event == "pull_request" || !e.is_pull_request) && is_synced_issue_action(e.action);
  const auto hook = header(req, "X-GitHub-Hook-ID");
  const int max_attempts = settings_.max_attempts;
  auto record = [this, e, event, own, relevant, hook, delivery,
                 max_attempts](storage::transaction t) {
    if (!storage::webhook_deliveries::first_delivery(t, "github", hook, delivery, event,
                                                     e.action)) {
      return delivery_outcome::duplicate;
    }
    auto outcome = own ? delivery_outcome::own : delivery_outcome::ignored;
    if (!own && relevant) {
      auto link = storage::link_store::find_by_issue(t, e.repo, static_cast<int>(e.number));
      if (!link) {
        outcome = delivery_outcome::no_link;
      } else {
        const sync::github_event_job event{e.repo,   e.number, link->notion_page_id,
                                             e.action, delivery, e.sender_login};
        queue_.enqueue(t, storage::to_job_spec(event, max_attempts));
        outcome = delivery_outcome::enqueued;
      }
    }
    return outcome;
  };
  const auto outcome = co_await db_.write(std::move(record));
  switch (outcome) {
    case delivery_outcome::duplicate:
      ++counters_.duplicates;
      logger->info("github webhook redelivered, already handled delivery={}", delivery);
      co_return answer(req, status::ok, "duplicate");
    case delivery_outcome::own:
      ++counters_.own;
      logger->debug("github webhook from the daemon itself ignored delivery={} issue={}#{}",
                    delivery, e.repo, e.number);
      co_return answer(req, status::accepted, "own change ignored");
    case delivery_outcome::ignored:
      ++counters_.ignored;
      co_return answer(req, status::accepted, "ignored");
    case delivery_outcome::no_link:
      ++counters_.ignored;
      logger->info("github webhook for an unlinked issue={}#{} (reconcile adopts marked ones)",
                   e.repo, e.number);
      co_return answer(req, status::accepted, "no linked page");
    case delivery_outcome::enqueued:
      ++counters_.enqueued;
      logger->info("github webhook action={} issue={}#{} sender={} delivery={}: job enqueued",
                   e.action, e.repo, e.number, e.sender_login, delivery);
      break;
  }
  co_return answer(req, status::accepted, "enqueued");
}

}  // namespace ngsync::webhooks

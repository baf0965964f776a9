// The Notion emulator's webhooks: the verification request, events batched per page and kind
// within Notion's window, and deliveries signed with X-Notion-Signature.
#include <algorithm>
#include <string>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "tests/sandbox/src/notion/notion_emulator_impl.hpp"

namespace ngsync::sandbox::notion {

namespace {

std::string hmac_sha256_hex(const std::string& key, const std::string& body) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), md, &len);
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

}  // namespace

void notion_emulator::send_verification() {
  if (!svc_.post_webhook) return;
  svc_.post_webhook(webhook_url_, {{"Content-Type", "application/json"}},
                    json::serialize(json::object{{"verification_token", webhook_token_}}));
}

void notion_emulator::queue_event(pending_event e) {
  if (webhook_url_.empty() || !svc_.post_webhook) return;
  // Notion aggregates events of one kind on one page within its batching window.
  for (auto& p : pending_) {
    if (p.type == e.type && p.page_id == e.page_id) {
      for (auto& prop : e.updated_properties)
        if (std::find(p.updated_properties.begin(), p.updated_properties.end(), prop) ==
            p.updated_properties.end())
          p.updated_properties.push_back(prop);
      p.author_id = e.author_id;
      p.author_type = e.author_type;
      return;
    }
  }
  pending_.push_back(std::move(e));
  if (flush_scheduled_) return;
  if (!svc_.executor || webhook_batch_.count() <= 0) {
    flush_events();
    return;
  }
  flush_scheduled_ = true;
  const auto gen = generation_;
  net::co_spawn(
      svc_.executor,
      [this, gen]() -> net::awaitable<void> {
        net::steady_timer t(co_await net::this_coro::executor, webhook_batch_);
        co_await t.async_wait(net::use_awaitable);
        if (gen != generation_) co_return;
        flush_scheduled_ = false;
        flush_events();
      },
      net::detached);
}

void notion_emulator::flush_events() {
  auto events = std::move(pending_);
  pending_.clear();
  for (const auto& e : events) {
    auto it = pages_.find(e.page_id);
    const std::string parent = it == pages_.end() ? std::string() : it->second.data_source_id;
    json::object data{{"parent", json::object{{"id", parent}, {"type", "data_source"}}}};
    if (e.type == "page.properties_updated") {
      json::array props;
      for (const auto& p : e.updated_properties) props.push_back(json::value(p));
      data["updated_properties"] = std::move(props);
    }
    json::object body{
        {"id", ids_.uuid()},
        {"timestamp", format_time(now())},
        {"workspace_id", workspace_id_},
        {"workspace_name", "ngsync sandbox"},
        {"subscription_id", "00000000-0000-4000-8000-00000000500b"},
        {"integration_id", bot_id_},
        {"type", e.type},
        {"authors", json::array{json::object{{"id", e.author_id}, {"type", e.author_type}}}},
        {"accessible_by", json::array{json::object{{"id", bot_id_}, {"type", "bot"}}}},
        {"attempt_number", 1},
        {"entity", json::object{{"id", e.page_id}, {"type", "page"}}},
        {"data", std::move(data)}};
    const auto text = json::serialize(body);
    svc_.post_webhook(webhook_url_,
                      {{"Content-Type", "application/json"},
                       {"X-Notion-Signature", "sha256=" + hmac_sha256_hex(webhook_token_, text)}},
                      text);
    ++webhook_deliveries_;
  }
}

}  // namespace ngsync::sandbox::notion

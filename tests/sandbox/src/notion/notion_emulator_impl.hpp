#pragma once
// The Notion emulator's class, shared by its source files: request handling, the rate limit and
// routing (notion_emulator.cpp), rendering of API objects (notion_render.cpp), the endpoints
// (notion_endpoints.cpp), scenarios, person actions and state (notion_scenario.cpp), and signed
// webhooks (notion_webhooks.cpp). Rendering follows the recorded responses in
// tests/reference/notion-fixtures.
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/json.hpp>
#include <boost/url/params_view.hpp>

#include "tests/sandbox/src/emulator.hpp"
#include "tests/sandbox/src/notion/notion_model.hpp"
#include "tests/sandbox/src/notion/notion_time.hpp"

namespace ngsync::sandbox::notion {

namespace net = boost::asio;

// 2026-03-11 renamed `archived` to `in_trash`; older versions send both on pages.
struct request_context {
  std::string version;
  bool renamed_trash = false;  // 2026-03-11 or later
  std::string request_id;
  std::string token;
};

struct api_error {
  http::status status;
  std::string code;
  std::string message;
  json::object additional_data;
};

class notion_emulator final : public emulator {
 public:
  explicit notion_emulator(sandbox_services s) : svc_(std::move(s)) {
    ids_.random = svc_.random;
    reset();
  }

  std::string name() const override { return "notion"; }
  net::awaitable<api_response> handle(api_request req) override;
  void load(const json::value& scenario) override;
  json::value act(const std::string& action, const json::object& args) override;
  json::value state() const override;
  json::value call_counts() const override {
    json::object out;
    for (const auto& [k, v] : calls_) out[k] = v;
    return out;
  }

 private:
  struct rate_bucket {
    double tokens = 0;
    time_point refilled{};
    time_point retry_until{};
  };
  struct pending_event {
    std::string type;
    std::string page_id;
    std::string author_id;
    std::string author_type;
    std::vector<std::string> updated_properties;
  };

  void reset();
  time_point now() const {
    return svc_.clock ? svc_.clock->now() : std::chrono::system_clock::now();
  }

  // Rendering.
  json::object user_ref(const std::string& id) const {
    return json::object{{"object", "user"}, {"id", id}};
  }
  // `full_bot`: /v1/users/me details the bot's owner; inside page values a bot has `bot: {}`.
  json::object render_user(const std::string& id, bool full_bot = false) const;
  json::value render_property_value(const notion_page& p, const json::object& prop) const;
  json::object render_property(const notion_page& p, const json::object& prop) const;
  json::object render_page(const notion_page& p, const request_context& ctx, bool with_database_id,
                           const std::set<std::string>* only = nullptr) const;
  json::object render_data_source(const notion_data_source& ds, const request_context& ctx) const;
  json::object render_database(const notion_database& db, const request_context& ctx) const;
  json::object render_block(const json::object& b, const request_context& ctx) const;
  std::string page_url(const notion_page& p) const;

  // Endpoints.
  api_response get_database(const api_request& req, const request_context& ctx,
                            const std::string& id);
  api_response get_data_source(const api_request& req, const request_context& ctx,
                               const std::string& id);
  api_response query_data_source(const api_request& req, const request_context& ctx,
                                 const std::string& id, const boost::urls::params_view& params);
  api_response patch_data_source(const api_request& req, const request_context& ctx,
                                 const std::string& id);
  api_response get_page(const api_request& req, const request_context& ctx, const std::string& id,
                        const boost::urls::params_view& params);
  api_response patch_page(const api_request& req, const request_context& ctx,
                          const std::string& id);
  api_response get_page_property(const api_request& req, const request_context& ctx,
                                 const std::string& id, const std::string& prop_id,
                                 const boost::urls::params_view& params);
  api_response get_markdown(const api_request& req, const request_context& ctx,
                            const std::string& id, const boost::urls::params_view& params);
  api_response get_block_children(const api_request& req, const request_context& ctx,
                                  const std::string& id, const boost::urls::params_view& params);
  api_response get_comments(const api_request& req, const request_context& ctx,
                            const boost::urls::params_view& params);
  api_response get_user(const api_request& req, const request_context& ctx, const std::string& id);

  api_response json_response(const api_request& req, http::status status, json::object body,
                             const request_context& ctx) const;
  api_response error_response(const api_request& req, const request_context& ctx,
                              const api_error& e) const;

  // State changes shared by the API and the control actions.
  notion_page& page_or_throw(const std::string& raw_id, bool for_api);
  void touch(notion_page& p, const std::string& by);
  void set_blocks(notion_page& p, const json::array& blocks, const std::string& by);
  json::object make_block(json::object input, const std::string& parent_type,
                          const std::string& parent_id, const std::string& by);
  void add_page(const json::object& spec, bool lenient);
  void load_database(const json::object& o, time_point t0);
  void generate_pages(const json::object& o, time_point t0);
  std::string person_or_default(const json::object& args) const;

  // Webhooks.
  void queue_event(pending_event e);
  void flush_events();
  void send_verification();

  // Returns the number of whole seconds to wait, or 0 when the request may pass.
  int take_rate_token(const std::string& token, const std::string& endpoint);

  sandbox_services svc_;
  id_source ids_;
  std::set<std::string> tokens_;
  std::string bot_id_;
  std::string bot_name_;
  std::string workspace_id_;
  std::map<std::string, notion_user> users_;
  std::map<std::string, notion_database> databases_;
  std::map<std::string, notion_data_source> data_sources_;
  std::map<std::string, notion_page> pages_;
  std::map<std::string, std::vector<json::object>> block_children_;  // block id -> children
  std::uint64_t next_seq_ = 0;
  std::size_t query_result_limit_ = 10000;
  std::size_t markdown_record_limit_ = 1000;  // blocks per /markdown answer before truncated

  bool rate_enabled_ = true;
  double rate_per_second_ = 3;
  double rate_burst_ = 6;
  std::map<std::string, rate_bucket> buckets_;
  std::map<std::string, std::uint64_t> calls_;

  std::string webhook_url_;
  std::string webhook_token_;
  std::chrono::milliseconds webhook_batch_{1000};
  std::vector<pending_event> pending_;
  bool flush_scheduled_ = false;
  std::uint64_t webhook_deliveries_ = 0;
  std::uint64_t generation_ = 0;  // bumped by load(), so a pending flush of old state is dropped
};

}  // namespace ngsync::sandbox::notion

#pragma once
// In-process harness for the Notion emulator tests: services with a test clock, a seeded random
// source, captured violations and webhooks; a synchronous call helper; fixture loading.
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json.hpp>

#include "tests/sandbox/src/notion/notion_emulator.hpp"

namespace ngsync::sandbox::fidelity {

namespace json = boost::json;
namespace net = boost::asio;

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline json::value read_fixture(const std::string& name) {
  return json::parse(read_text(std::string(NGSYNC_REFERENCE_DIR) + "/notion-fixtures/" + name));
}

struct captured_webhook {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
};

struct notion_harness {
  static constexpr const char* token = "secret_test_token";
  net::io_context ioc;
  sandbox_clock clock;
  std::mt19937_64 rng{42};
  double speed = 1.0;
  std::vector<std::string> violations;
  std::vector<captured_webhook> webhooks;
  std::unique_ptr<emulator> notion;

  notion_harness() {
    sandbox_services s;
    s.clock = &clock;
    s.random = [this] { return rng(); };
    s.record_violation = [this](std::string api, std::string endpoint, std::string why) {
      violations.push_back(api + " " + endpoint + ": " + why);
    };
    s.limit_speed = [this] { return speed; };
    s.post_webhook = [this](std::string url, std::vector<std::pair<std::string, std::string>> h,
                            std::string body) {
      webhooks.push_back({std::move(url), std::move(h), std::move(body)});
    };
    s.executor = ioc.get_executor();
    notion = make_notion_emulator(s);
  }

  api_response call(http::verb method, const std::string& target, const std::string& body = {},
                    const std::string& version = "2025-09-03",
                    const std::string& auth = std::string("Bearer ") + token) {
    api_request req{method, target, 11};
    if (!version.empty()) req.set("Notion-Version", version);
    if (!auth.empty()) req.set(http::field::authorization, auth);
    if (!body.empty()) req.set(http::field::content_type, "application/json");
    req.body() = body;
    req.prepare_payload();
    auto f = net::co_spawn(ioc, notion->handle(std::move(req)), net::use_future);
    // Only until the answer is ready: pending webhook batches must not fire here.
    ioc.restart();
    while (f.wait_for(std::chrono::seconds(0)) != std::future_status::ready) ioc.run_one();
    return f.get();
  }

  json::value call_json(http::verb method, const std::string& target, const std::string& body = {},
                        const std::string& version = "2025-09-03") {
    return json::parse(call(method, target, body, version).body());
  }

  // Runs pending timers (webhook batches) for a while.
  void run_for(std::chrono::milliseconds d) {
    ioc.restart();
    ioc.run_for(d);
  }
};

}  // namespace ngsync::sandbox::fidelity

// The sandbox framework over real loopback sockets: the Notion emulator behind TLS with the
// generated CA, the control API, and injected faults (429 burst, reset, outage, error rate).
#include <doctest/doctest.h>

#include <filesystem>
#include <future>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "core/http/server.hpp"
#include "tests/sandbox/src/notion/notion_emulator.hpp"
#include "tests/sandbox/src/sandbox_host.hpp"
#include "tests/support/tls_files.hpp"

namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;
namespace nh = ngsync::http;
namespace sb = ngsync::sandbox;
using tcp = net::ip::tcp;
namespace bh = beast::http;

const char* ds_id = "4f93db51-4e1d-4015-b07f-876e34c3b0b1";
const char* page_id = "aaaaaaaa-0000-4000-8000-000000000001";

std::string scenario_text(int seed) {
  json::object s{
      {"seed", seed},
      {"notion",
       json::object{
           {"tokens", json::array{"secret_fw"}},
           {"bot", json::object{{"id", "40673a87-d8ed-41e0-aa55-7f0e8ace24cd"}}},
           {"users", json::array{json::object{{"id", "2200a911-6a96-44bb-bd38-6bfb1e01b9f6"},
                                              {"name", "Ada"}}}},
           {"rate_limit", json::object{{"enabled", false}}},
           {"databases",
            json::array{json::object{
                {"id", "c37a2c66-e3aa-4a0d-a447-73de3b80c253"},
                {"data_sources",
                 json::array{json::object{
                     {"id", ds_id},
                     {"properties",
                      json::object{{"Name", "title"},
                                   {"Status",
                                    json::object{{"type", "status"},
                                                 {"options", json::array{"Todo", "Done"}}}}}}}}}}}},
           {"pages", json::array{json::object{
                         {"id", page_id},
                         {"data_source_id", ds_id},
                         {"properties", json::object{{"Name", "One"}, {"Status", "Todo"}}}}}}}}};
  return json::serialize(s);
}

struct running_sandbox {
  std::filesystem::path dir;
  ngsync::test::tls_file_set files;
  net::io_context ioc;
  net::executor_work_guard<net::io_context::executor_type> guard{ioc.get_executor()};
  std::unique_ptr<sb::sandbox_host> host;
  std::unique_ptr<nh::server> notion, control;
  std::thread thread;

  running_sandbox() {
    dir = std::filesystem::temp_directory_path() /
          ("ngsync-sandbox-fw-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    files = ngsync::test::ensure_server_tls_files(dir.string());
    host = std::make_unique<sb::sandbox_host>(ioc.get_executor(), 7);
    host->add(sb::make_notion_emulator(host->services()));
    nh::server_options tls_opts;
    tls_opts.tls = ngsync::test::make_server_tls_context(files);
    notion =
        std::make_unique<nh::server>(ioc.get_executor(), tls_opts, host->api_handler("notion"));
    notion->start();
    control = std::make_unique<nh::server>(ioc.get_executor(), nh::server_options{},
                                           host->control_handler());
    control->start();
    thread = std::thread([this] { ioc.run(); });
  }
  ~running_sandbox() {
    net::co_spawn(ioc, notion->stop(), net::use_future).get();
    net::co_spawn(ioc, control->stop(), net::use_future).get();
    guard.reset();
    ioc.stop();
    thread.join();
    std::filesystem::remove_all(dir);
  }

  nh::server_response control_call(bh::verb method, const std::string& target,
                                   const std::string& body = {}) {
    net::io_context c;
    tcp::socket s(c);
    s.connect({net::ip::make_address("127.0.0.1"), control->port()});
    nh::server_request req{method, target, 11};
    req.body() = body;
    req.prepare_payload();
    bh::write(s, req);
    beast::flat_buffer buf;
    nh::server_response res;
    bh::read(s, buf, res);
    return res;
  }
  json::value control_json(bh::verb method, const std::string& target,
                           const std::string& body = {}) {
    auto res = control_call(method, target, body);
    INFO(res.body());
    REQUIRE(res.result_int() == 200);
    return json::parse(res.body());
  }

  // One HTTPS request to the Notion listener, verifying the server against the generated CA.
  // Returns the error code of the read (a reset shows there).
  boost::system::error_code notion_call(const std::string& target, nh::server_response& res) {
    res = {};
    net::io_context c;
    net::ssl::context ctx(net::ssl::context::tls_client);
    ctx.load_verify_file(files.ca_cert);
    ctx.set_verify_mode(net::ssl::verify_peer);
    net::ssl::stream<tcp::socket> stream(c, ctx);
    stream.set_verify_callback(net::ssl::host_name_verification("127.0.0.1"));
    stream.next_layer().connect({net::ip::make_address("127.0.0.1"), notion->port()});
    stream.handshake(net::ssl::stream_base::client);
    nh::server_request req{bh::verb::get, target, 11};
    req.set(bh::field::host, "127.0.0.1");
    req.set(bh::field::authorization, "Bearer secret_fw");
    req.set("Notion-Version", "2026-03-11");
    bh::write(stream, req);
    beast::flat_buffer buf;
    boost::system::error_code ec;
    bh::read(stream, buf, res, ec);
    return ec;
  }
  unsigned notion_status(const std::string& target) {
    nh::server_response res;
    auto ec = notion_call(target, res);
    return ec ? 0 : res.result_int();
  }
};

}  // namespace

TEST_CASE("sandbox: Notion over TLS with the generated CA, driven by the control API") {
  running_sandbox s;
  s.control_json(bh::verb::post, "/control/scenario", scenario_text(11));

  nh::server_response res;
  REQUIRE_FALSE(s.notion_call("/v1/users/me", res));
  CHECK(res.result_int() == 200);
  CHECK(json::parse(res.body()).at("type") == "bot");

  // Acting as a person changes what the API returns.
  auto acted = s.control_json(bh::verb::post, "/control/act",
                              R"({"api":"notion","action":"edit_page","args":{"page_id":")" +
                                  std::string(page_id) + R"(","properties":{"Status":"Done"}}})");
  CHECK(acted.at("result").at("properties").at("Status").at("status").at("name") == "Done");
  REQUIRE_FALSE(s.notion_call(std::string("/v1/pages/") + page_id, res));
  CHECK(json::parse(res.body()).at("properties").at("Status").at("status").at("name") == "Done");
  auto state = s.control_json(bh::verb::get, "/control/state");
  CHECK(state.at("emulators").at("notion").at("pages").at(0).at("id") == page_id);

  auto bad = s.control_call(
      bh::verb::post, "/control/act",
      R"({"api":"notion","action":"fly","args":{"page_id":")" + std::string(page_id) + R"("}})");
  CHECK(bad.result_int() == 400);
  CHECK(s.control_call(bh::verb::get, "/control/nope").result_int() == 404);
}

TEST_CASE("sandbox faults: a 429 burst with Retry-After, early retries logged as violations") {
  running_sandbox s;
  s.control_json(bh::verb::post, "/control/scenario", scenario_text(11));
  s.control_json(
      bh::verb::post, "/control/faults",
      R"({"rules":[{"api":"notion","path_prefix":"/v1/pages","burst_429":2,"retry_after_s":5}]})");
  nh::server_response res;
  REQUIRE_FALSE(s.notion_call(std::string("/v1/pages/") + page_id, res));
  CHECK(res.result_int() == 429);
  CHECK(res[bh::field::retry_after] == "5");
  CHECK(json::parse(res.body()).at("code") == "rate_limited");
  CHECK(s.notion_status("/v1/users/me") == 200);  // other endpoints are not part of the rule...
  CHECK(s.control_json(bh::verb::get, "/control/violations").at("violations").as_array().size() ==
        1);
  CHECK(s.notion_status(std::string("/v1/pages/") + page_id) == 429);  // ...but the wait is per API
  s.control_json(bh::verb::post, "/control/clock/advance", R"({"ms": 6000})");
  CHECK(s.notion_status(std::string("/v1/pages/") + page_id) == 200);
  CHECK(s.control_json(bh::verb::get, "/control/violations").at("violations").as_array().size() ==
        2);

  auto calls = s.control_json(bh::verb::get, "/control/calls");
  int limited = 0;
  for (const auto& c : calls.at("calls").as_array())
    limited += c.at("outcome") == "fault:rate_limit";
  CHECK(limited == 2);
  s.control_json(bh::verb::post, "/control/reset-counters");
  CHECK(s.control_json(bh::verb::get, "/control/calls").at("calls").as_array().empty());
}

TEST_CASE("sandbox faults: connection reset, outage window, deterministic error rate") {
  running_sandbox s;
  s.control_json(bh::verb::post, "/control/scenario", scenario_text(11));

  s.control_json(bh::verb::post, "/control/faults",
                 R"({"rules":[{"api":"notion","reset_rate":1}]})");
  nh::server_response res;
  CHECK(s.notion_call("/v1/users/me", res));  // no answer: the read fails

  s.control_json(bh::verb::post, "/control/faults",
                 R"({"rules":[{"api":"notion","outage":{"start_in_ms":0,"duration_ms":60000}}]})");
  REQUIRE_FALSE(s.notion_call("/v1/users/me", res));
  CHECK(res.result_int() == 503);
  CHECK(json::parse(res.body()).at("code") == "service_unavailable");
  s.control_json(bh::verb::post, "/control/clock/advance", R"({"ms": 61000})");
  CHECK(s.notion_status("/v1/users/me") == 200);

  auto run = [&] {
    s.control_json(bh::verb::post, "/control/scenario", scenario_text(99));
    s.control_json(bh::verb::post, "/control/faults",
                   R"({"rules":[{"api":"notion","error_rate":0.5,"error_status":502}]})");
    std::string pattern;
    for (int i = 0; i < 24; ++i) pattern += s.notion_status("/v1/users/me") == 502 ? 'x' : '.';
    return pattern;
  };
  const auto first = run();
  const auto second = run();
  CHECK(first == second);  // same seed, same calls: same faults
  CHECK(first.find('x') != std::string::npos);
  CHECK(first.find('.') != std::string::npos);

  auto speed = s.control_json(bh::verb::post, "/control/limits/speed", R"({"factor": 2.5})");
  CHECK(speed.at("factor").as_double() == 2.5);
  CHECK(
      s.control_call(bh::verb::post, "/control/faults", R"({"rules":[{"api":"notion","bogus":1}]})")
          .result_int() == 400);
}

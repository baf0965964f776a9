// The GraphQL client against a real TLS server on loopback: answers with `errors` are classified
// like REST failures, rateLimit points are read and budgeted (no request is sent while the points
// are low before resetAt), and the project board parses and turns Notion values into inputs.
#include <doctest/doctest.h>

#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "core/http/client.hpp"
#include "core/github/graphql_client.hpp"
#include "core/github/project_board.hpp"
#include "core/time/iso8601.hpp"
#include "tests/core/support/run_coro.hpp"
#include "tests/core/support/test_https_server.hpp"
#include "tests/core/support/test_tls.hpp"

namespace net = boost::asio;
namespace json = boost::json;
namespace http = ngsync::http;
namespace rl = ngsync::ratelimit;
namespace gh = ngsync::github;
namespace api = ngsync::api;
using ngsync::test::run_coro;
using ngsync::test::seen_request;
using ngsync::test::server_reply;
using ngsync::test::test_https_server;
using namespace std::chrono_literals;

namespace {

struct fixture {
  // `rest_path` is appended to the server's origin to form github.base_url ("/api/v3": GHES).
  explicit fixture(ngsync::test::server_handler handler, std::string rest_path = "")
      : server([&] {
          const auto& pki = ngsync::test::shared_pki();
          ngsync::test::server_options o;
          o.cert_file = pki.valid.cert;
          o.key_file = pki.valid.key;
          o.handler = std::move(handler);
          return o;
        }()),
        client(ioc.get_executor(),
               [] {
                 http::client_config c;
                 c.tls.use_system_store = false;
                 c.tls.extra_ca_file = ngsync::test::shared_pki().ca_cert;
                 c.request_timeout = 5s;
                 return c;
               }()),
        caller(client, [this, rest_path] {
          rl::api_caller_config c;
          c.name = "github";
          c.flavor = rl::api_flavor::github;
          c.base_url = server.url("") + rest_path;
          c.budget.rate_per_second = 1000;
          c.budget.burst = 100;
          c.retry.base_delay = 5ms;
          c.retry.max_delay = 10ms;
          return c;
        }()) {}

  // Runs one document; returns the data, or the failure it threw.
  std::variant<json::object, api::api_failure> run(std::string doc, bool mutation = false) {
    gh::graphql_client gql(caller, budget);
    try {
      return run_coro(ioc, gql.run(std::move(doc), json::object{{"n", 1}}, "test op", mutation));
    } catch (const api::api_exception& e) {
      return e.failure();
    }
  }

  net::io_context ioc;
  test_https_server server;
  http::client client;
  rl::api_caller caller;
  gh::graphql_points_budget budget{100, false};  // no GET /rate_limit first: see its own test
};

std::string reset_in(std::chrono::seconds s) {
  return ngsync::iso8601::format(std::chrono::system_clock::now() + s);
}

server_reply json_reply(const json::value& v, unsigned status = 200) {
  server_reply r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json"}};
  r.body = json::serialize(v);
  return r;
}

}  // namespace

TEST_CASE("a GraphQL query is a POST to /graphql whose rateLimit feeds the points budget") {
  fixture f([](const seen_request& req) {
    auto body = json::parse(req.body).as_object();
    json::object data{
        {"viewer", json::object{{"login", "octo"}}},
        {"rateLimit",
         json::object{{"cost", 1}, {"remaining", 4321}, {"resetAt", reset_in(3600s)}}}};
    // Echo the variables so the test sees they were sent.
    data["echo"] = body.at("variables");
    CHECK(body.at("query").as_string().find("viewer") != json::string::npos);
    return json_reply(json::object{{"data", data}});
  });
  auto r = f.run("query { viewer { login } rateLimit { cost remaining resetAt } }");
  REQUIRE(std::holds_alternative<json::object>(r));
  const auto& data = std::get<json::object>(r);
  CHECK(data.at("viewer").at("login").as_string() == "octo");
  CHECK(data.at("echo").at("n").as_int64() == 1);
  CHECK(f.budget.remaining() == 4321);
  CHECK(f.budget.points_spent() == 1);
  auto seen = f.server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].target == "/graphql");
}

TEST_CASE("under a GitHub Enterprise Server base URL GraphQL goes to /api/graphql, not /api/v3") {
  fixture f(
      [](const seen_request& req) {
        if (req.target != "/api/graphql") {
          server_reply r;
          r.status = 404;
          r.body = R"({"message":"Not Found"})";
          return r;
        }
        return json_reply(json::object{{"data", json::object{{"viewer", json::object{}}}}});
      },
      "/api/v3");
  std::vector<rl::attempt_record> audit;
  f.caller.set_observer([&](const rl::attempt_record& rec) { audit.push_back(rec); });
  auto r = f.run("query { viewer { login } }");
  REQUIRE_MESSAGE(std::holds_alternative<json::object>(r),
                  std::get<api::api_failure>(r).describe());
  auto seen = f.server.requests();
  REQUIRE(seen.size() == 1);
  CHECK(seen[0].method == "POST");
  CHECK(seen[0].target == "/api/graphql");
  // The audit row names the call as before; the URL is not part of it.
  REQUIRE(audit.size() == 1);
  CHECK(audit[0].path == "/graphql");
  CHECK(audit[0].status == 200);
}

TEST_CASE("GraphQL errors in a 200 answer are classified like REST failures") {
  struct error_case {
    json::value answer;
    unsigned status;
    api::failure_kind kind;
    std::string code;
  };
  const auto reset = reset_in(1800s);
  const std::vector<error_case> cases = {
      {json::object{
           {"errors",
            json::array{json::object{{"type", "RATE_LIMITED"},
                                     {"message", "API rate limit exceeded for user ID 1."}}}},
           {"data",
            json::object{
                {"rateLimit", json::object{{"cost", 1}, {"remaining", 0}, {"resetAt", reset}}}}}},
       200, api::failure_kind::throttled, "RATE_LIMITED"},
      {json::object{
           {"data", json::object{{"node", nullptr}}},
           {"errors", json::array{json::object{{"type", "NOT_FOUND"},
                                               {"path", json::array{"node"}},
                                               {"message",
                                                "Could not resolve to a node with the global id "
                                                "of 'PVTI_x'"}}}}},
       200, api::failure_kind::permanent, "NOT_FOUND"},
      {json::object{
           {"errors", json::array{json::object{{"message",
                                                "Variable $value of type ProjectV2FieldValue! was "
                                                "provided invalid value"}}}}},
       200, api::failure_kind::permanent, "GRAPHQL_ERROR"},
      {json::object{{"errors", json::array{json::object{{"type", "FORBIDDEN"},
                                                        {"message", "Resource not accessible"}}}}},
       200, api::failure_kind::permanent, "FORBIDDEN"},
      {json::object{{"errors", json::array{json::object{{"type", "INTERNAL"},
                                                        {"message", "Something went wrong"}}}}},
       200, api::failure_kind::transient, "INTERNAL"},
      {json::object{{"message", "Server Error"}}, 502, api::failure_kind::transient, ""},
  };
  for (const auto& c : cases) {
    CAPTURE(json::serialize(c.answer));
    fixture f([&](const seen_request&) { return json_reply(c.answer, c.status); });
    // A mutation: never replayed, so the 502 comes back after one attempt.
    auto r = f.run("mutation { x }", true);
    REQUIRE(std::holds_alternative<api::api_failure>(r));
    const auto& fail = std::get<api::api_failure>(r);
    CHECK(fail.kind == c.kind);
    CHECK(fail.code == c.code);
    CHECK(f.server.request_count() == 1);
    if (c.kind == api::failure_kind::throttled) {
      REQUIRE(fail.retry_at.has_value());
      CHECK(ngsync::iso8601::format(*fail.retry_at) == reset);
    }
  }
}

TEST_CASE("low GraphQL points hold every request until resetAt") {
  std::string reset = reset_in(3600s);
  int remaining = 150;
  fixture f([&](const seen_request&) {
    remaining -= 60;
    return json_reply(json::object{
        {"data", json::object{
                     {"rateLimit",
                      json::object{{"cost", 60}, {"remaining", remaining}, {"resetAt", reset}}}}}});
  });
  // 150 -> 90 left: under the reserve of 100, so the next request must wait for the reset.
  REQUIRE(std::holds_alternative<json::object>(f.run("query { a }")));
  CHECK(f.budget.remaining() == 90);
  auto held = f.run("query { b }");
  REQUIRE(std::holds_alternative<api::api_failure>(held));
  const auto& fail = std::get<api::api_failure>(held);
  CHECK(fail.kind == api::failure_kind::throttled);
  REQUIRE(fail.retry_at.has_value());
  CHECK(ngsync::iso8601::format(*fail.retry_at) == reset);
  CHECK(f.server.request_count() == 1);  // nothing was sent
  CHECK(f.budget.refusals() == 1);

  // Once resetAt has passed, requests flow again.
  f.budget.observe(90, std::chrono::system_clock::now() - 1s);
  remaining = 5000;
  CHECK(std::holds_alternative<json::object>(f.run("query { c }")));
  CHECK(f.server.request_count() == 2);
}

TEST_CASE("a fresh budget reads GET /rate_limit first; a small hourly limit keeps a small reserve") {
  const auto reset_epoch = std::chrono::duration_cast<std::chrono::seconds>(
                               (std::chrono::system_clock::now() + 3600s).time_since_epoch())
                               .count();
  int remaining = 2;  // of 8 an hour: another process spent 6
  fixture f([&](const seen_request& req) {
    if (req.target == "/rate_limit") {
      return json_reply(json::object{
          {"resources",
           json::object{{"graphql", json::object{{"limit", 8},
                                                 {"remaining", remaining},
                                                 {"reset", reset_epoch},
                                                 {"resource", "graphql"}}}}}});
    }
    --remaining;
    server_reply r = json_reply(json::object{{"data", json::object{{"a", 1}}}});
    r.headers.emplace_back("x-ratelimit-remaining", std::to_string(remaining));
    r.headers.emplace_back("x-ratelimit-reset", std::to_string(reset_epoch));
    r.headers.emplace_back("x-ratelimit-limit", "8");
    r.headers.emplace_back("x-ratelimit-resource", "graphql");
    return r;
  });
  f.budget = gh::graphql_points_budget{100, true};
  // 2 left of 8: the reserve is a tenth of the limit (0), so both points may be spent...
  CHECK(std::holds_alternative<json::object>(f.run("query { a }")));
  CHECK(std::holds_alternative<json::object>(f.run("query { a }")));
  CHECK(f.budget.remaining() == 0);
  // ...and then nothing is sent until the reset.
  auto held = f.run("query { a }");
  REQUIRE(std::holds_alternative<api::api_failure>(held));
  CHECK(std::get<api::api_failure>(held).kind == api::failure_kind::throttled);
  auto seen = f.server.requests();
  REQUIRE(seen.size() == 3);  // the probe once, then two queries
  CHECK(seen[0].target == "/rate_limit");
  CHECK(seen[1].target == "/graphql");
  CHECK(seen[2].target == "/graphql");

  // A process that starts with the budget spent sends no GraphQL request at all.
  gh::graphql_points_budget fresh{100, true};
  gh::graphql_client gql(f.caller, fresh);
  bool throttled = false;
  try {
    run_coro(f.ioc, gql.run("query { a }", json::object{}, "test op", false));
  } catch (const api::api_exception& e) {
    throttled = e.failure().kind == api::failure_kind::throttled;
  }
  CHECK(throttled);
  seen = f.server.requests();
  REQUIRE(seen.size() == 4);
  CHECK(seen[3].target == "/rate_limit");
}

TEST_CASE("the project board parses fields, options and iterations and builds field inputs") {
  auto data = json::parse(R"({"organization": {"projectV2": {"id": "PVT_1", "title": "Roadmap",
    "fields": {"nodes": [
      {"id": "F_title", "name": "Title", "dataType": "TITLE"},
      {"id": "F_status", "name": "Status", "dataType": "SINGLE_SELECT",
       "options": [{"id": "o1", "name": "Todo"}, {"id": "o2", "name": "In Progress"}]},
      {"id": "F_pts", "name": "Points", "dataType": "NUMBER"},
      {"id": "F_due", "name": "Due", "dataType": "DATE"},
      {"id": "F_note", "name": "Note", "dataType": "TEXT"},
      {"id": "F_it", "name": "Sprint", "dataType": "ITERATION", "configuration": {
        "iterations": [{"id": "i2", "title": "Sprint 2", "startDate": "2026-12-01"}],
        "completedIterations": [{"id": "i1", "title": "Sprint 1", "startDate": "2026-11-17"}]}},
      {}]}}}})")
                  .as_object();
  std::string why;
  auto b = gh::parse_project_board(data, why);
  REQUIRE(b.has_value());
  CHECK(b->id == "PVT_1");
  CHECK(b->fields.size() == 6);
  REQUIRE(b->field("status") != nullptr);  // names compare case-insensitively

  auto sel = gh::field_input(*b->field("Status"), " in progress ");
  CHECK(sel.error.empty());
  CHECK(sel.value.at("singleSelectOptionId").as_string() == "o2");
  auto unknown = gh::field_input(*b->field("Status"), "Blocked");
  CHECK(unknown.error.find("no option 'Blocked'") != std::string::npos);
  CHECK(gh::field_input(*b->field("Points"), "3.5").value.at("number").as_double() == 3.5);
  CHECK_FALSE(gh::field_input(*b->field("Points"), "three").error.empty());
  CHECK(gh::field_input(*b->field("Due"), "2026-12-24T10:00:00.000Z").value.at("date") ==
        "2026-12-24");
  CHECK(gh::field_input(*b->field("Note"), "hello").value.at("text") == "hello");
  CHECK(gh::field_input(*b->field("Sprint"), "Sprint 1").value.at("iterationId") == "i1");
  CHECK_FALSE(gh::field_input(*b->field("Title"), "x").error.empty());

  auto missing = json::parse(R"({"organization": {"projectV2": null}})").as_object();
  CHECK_FALSE(gh::parse_project_board(missing, why).has_value());
  CHECK(why.find("not found") != std::string::npos);

  ngsync::notion::property_value p;
  p.type = ngsync::notion::property_type::status;
  p.text = "Todo";
  CHECK(gh::project_value_of(p) == std::optional<std::string>("Todo"));
  p.is_empty = true;
  CHECK_FALSE(gh::project_value_of(p).has_value());
}

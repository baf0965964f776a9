// The webhook routes over real HTTP on loopback with a real Postgres: signatures checked before
// anything else, nothing enqueued for a refused delivery (the jobs table says so), redeliveries
// acknowledged without work, the daemon's own events dropped, Notion's verification token stored
// as pending and later events verified only with the token the operator confirmed (issue 18).
#include <fstream>
#include <sstream>
#include <thread>

#include <doctest/doctest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include "core/http/server.hpp"
#include "core/webhooks/signature.hpp"
#include "daemon/webhooks/github_webhook.hpp"
#include "daemon/webhooks/notion_webhook.hpp"
#include "storage/link_store.hpp"
#include "storage/notion_webhook_tokens.hpp"
#include "storage/webhook_deliveries.hpp"
#include "tests/core/support/run_coro.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync;
namespace net = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

const std::string secret = "It's a Secret to Everybody";
const std::string page_id = "a1000000-0000-4000-8000-000000000001";
const std::string data_source = "4f93db51-4e1d-4015-b07f-876e34c3b0b1";

std::string read_reference(const std::string& rel) {
  std::ifstream in(std::string(NGSYNC_REFERENCE_DIR) + "/" + rel, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A real `issues` payload turned into an event on acme/roadmap#5 by `sender`.
std::string issues_event(const std::string& action, const std::string& sender,
                         std::int64_t number = 5) {
  auto v = json::parse(read_reference("github-webhooks/issues.edited.payload.json"));
  auto& o = v.as_object();
  o["action"] = action;
  o["repository"].as_object()["full_name"] = "acme/roadmap";
  o["issue"].as_object()["number"] = number;
  o["sender"].as_object()["login"] = sender;
  return json::serialize(v);
}

// The same change as a `pull_request` event on a draft PR: the PR object under `pull_request`,
// its number also at the top (GitHub's pull_request payload).
std::string pull_request_event(const std::string& action, const std::string& sender,
                               std::int64_t number = 5) {
  auto v = json::parse(issues_event(action, sender, number));
  auto& o = v.as_object();
  auto pr = o["issue"];
  o.erase("issue");
  pr.as_object()["draft"] = true;
  o["pull_request"] = pr;
  o["number"] = number;
  return json::serialize(v);
}

struct reply {
  unsigned status = 0;
  std::string body;
  std::string retry_after;
};

net::awaitable<reply> post(std::uint16_t port, std::string path,
                           std::vector<std::pair<std::string, std::string>> headers,
                           std::string body) {
  auto ex = co_await net::this_coro::executor;
  net::ip::tcp::socket sock(ex);
  net::ip::tcp::endpoint ep(net::ip::make_address("127.0.0.1"), port);
  co_await sock.async_connect(ep, net::use_awaitable);
  beast::http::request<beast::http::string_body> req{beast::http::verb::post, path, 11};
  req.set(beast::http::field::host, "127.0.0.1");
  req.set(beast::http::field::content_type, "application/json");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = std::move(body);
  req.prepare_payload();
  co_await beast::http::async_write(sock, req, net::use_awaitable);
  beast::flat_buffer buf;
  beast::http::response<beast::http::string_body> res;
  auto [ec, n] =
      co_await beast::http::async_read(sock, buf, res, net::as_tuple(net::use_awaitable));
  boost::system::error_code ignored;
  sock.shutdown(net::ip::tcp::socket::shutdown_both, ignored);
  if (ec) co_return reply{0, ec.message()};
  co_return reply{static_cast<unsigned>(res.result_int()), res.body(),
                  std::string(res[beast::http::field::retry_after])};
}

// Runs `task` on `io` until it finishes (the server's acceptor keeps `io` busy forever, so
// run-until-idle would never return).
template <class T>
T run_until_done(net::io_context& io, net::awaitable<T> task) {
  std::optional<T> value;
  std::exception_ptr error;
  net::co_spawn(io, std::move(task), [&](std::exception_ptr e, T v) {
    error = e;
    if (!e) value.emplace(std::move(v));
    io.stop();
  });
  io.restart();
  io.run();
  if (error) std::rethrow_exception(error);
  return std::move(*value);
}

std::int64_t count(storage::database& db, const std::string& sql) {
  return db.run_sync([sql](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    return t.exec1(sql)[0].as<std::int64_t>();
  });
}

struct github_fixture {
  storage::testing::scratch_database scratch;
  storage::database db{[this] {
    scratch.migrate();
    return scratch.settings();
  }()};
  storage::job_queue queue{db};
  webhooks::own_identity me{"ngsync-bot", "40673a87-d8ed-41e0-aa55-7f0e8ace24cd"};
  net::io_context io{1};
  webhooks::github_webhook_receiver receiver{db, queue, {secret, 5}, me};
  http::router routes;
  std::unique_ptr<http::server> server;

  github_fixture() {
    db.run_sync([](pqxx::connection& c) {
      pqxx::work t(c);
      storage::page_link l;
      l.notion_page_id = page_id;
      l.data_source_id = data_source;
      l.github_repo = "acme/roadmap";
      l.issue_number = 5;
      l.sync_status = ngsync::sync::link_status::in_sync;
      storage::link_store::upsert(t, l);
      t.commit();
    });
    routes.add(http::bhttp::verb::post, "/webhooks/github",
               [this](http::server_request r) { return receiver.handle(std::move(r)); });
    http::server_options so;
    so.body_limit = 64 * 1024;
    server = std::make_unique<http::server>(io.get_executor(), so, routes.as_handler());
    server->start();
  }
  ~github_fixture() { test::run_coro(io, server->stop()); }

  reply send(std::string body, std::vector<std::pair<std::string, std::string>> headers) {
    return run_until_done(
        io, post(server->port(), "/webhooks/github", std::move(headers), std::move(body)));
  }
  reply deliver(const std::string& body, const std::string& delivery,
                const std::string& event = "issues") {
    return send(body,
                {{"X-GitHub-Event", event},
                 {"X-GitHub-Delivery", delivery},
                 {"X-GitHub-Hook-ID", "555"},
                 {"X-Hub-Signature-256", "sha256=" + webhooks::hmac_sha256_hex(secret, body)}});
  }
  std::int64_t jobs() { return count(db, "SELECT count(*) FROM jobs"); }
};

}  // namespace

TEST_CASE("github webhook: bad, missing or stale signatures and oversized bodies enqueue nothing") {
  github_fixture f;
  const auto body = issues_event("closed", "ada-l");
  const auto good = "sha256=" + webhooks::hmac_sha256_hex(secret, body);
  auto r = f.send(body, {{"X-GitHub-Event", "issues"}, {"X-GitHub-Delivery", "d-1"}});
  CHECK(r.status == 401);  // missing header
  r = f.send(body, {{"X-GitHub-Event", "issues"},
                    {"X-GitHub-Delivery", "d-1"},
                    {"X-Hub-Signature-256", "sha256=" + webhooks::hmac_sha256_hex("wrong", body)}});
  CHECK(r.status == 401);  // wrong secret
  r = f.send(
      body.substr(0, body.size() / 2),
      {{"X-GitHub-Event", "issues"}, {"X-GitHub-Delivery", "d-1"}, {"X-Hub-Signature-256", good}});
  CHECK(r.status == 401);  // truncated body
  std::string big = body;
  big.insert(big.size() - 1, ",\"pad\":\"" + std::string(70 * 1024, 'x') + "\"");
  r = f.send(big, {{"X-GitHub-Event", "issues"},
                   {"X-GitHub-Delivery", "d-1"},
                   {"X-Hub-Signature-256", "sha256=" + webhooks::hmac_sha256_hex(secret, big)}});
  CHECK(r.status == 413);  // over the body limit, even correctly signed
  CHECK(f.jobs() == 0);
  CHECK(count(f.db, "SELECT count(*) FROM webhook_deliveries") == 0);
  CHECK(f.receiver.counters().refused == 3);
}

TEST_CASE("github webhook: ping, unknown events, a close, its redelivery, own events") {
  github_fixture f;
  CHECK(
      f.deliver(R"({"zen":"Keep it logically awesome.","hook_id":555})", "d-ping", "ping").status ==
      200);
  CHECK(f.deliver(R"({"ref":"main"})", "d-push", "push").status == 204);
  CHECK(f.jobs() == 0);

  const auto closed = issues_event("closed", "ada-l");
  auto r = f.deliver(closed, "d-close");
  CHECK(r.status == 202);
  CHECK(f.jobs() == 1);
  auto job = f.db.run_sync([](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    auto row = t.exec1("SELECT kind, page_key, payload::text FROM jobs");
    return std::vector<std::string>{row[0].c_str(), row[1].c_str(), row[2].c_str()};
  });
  CHECK(job[0] == "github_issue_event");
  CHECK(job[1] == page_id);  // serialised with the page's own sync jobs
  auto payload = json::parse(job[2]).as_object();
  CHECK(payload["repo"] == "acme/roadmap");
  CHECK(payload["number"].as_int64() == 5);

  // GitHub redelivers the same delivery: acknowledged, nothing new.
  r = f.deliver(closed, "d-close");
  CHECK(r.status == 200);
  CHECK(r.body.find("duplicate") != std::string::npos);
  CHECK(f.jobs() == 1);
  CHECK(f.receiver.counters().duplicates == 1);

  // The daemon's own change comes back as an event: dropped, nothing enqueued.
  r = f.deliver(issues_event("reopened", "NGSYNC-BOT"), "d-own");
  CHECK(r.status == 202);
  CHECK(f.receiver.counters().own == 1);
  // An issue nobody linked: accepted, nothing to do.
  r = f.deliver(issues_event("closed", "ada-l", 99), "d-unlinked");
  CHECK(r.status == 202);
  CHECK(f.jobs() == 1);
  // A second change to the same issue while the first job waits merges into it.
  r = f.deliver(issues_event("reopened", "ada-l"), "d-reopen");
  CHECK(r.status == 202);
  CHECK(count(f.db, "SELECT count(*) FROM jobs WHERE state IN ('available','retryable')") == 1);
}

TEST_CASE("github webhook: a linked draft PR's pull_request events are followed like an issue's") {
  github_fixture f;
  // A push to the PR's branch changes nothing the sync mirrors.
  CHECK(f.deliver(pull_request_event("synchronize", "ada-l"), "d-sync", "pull_request").status ==
        202);
  CHECK(f.jobs() == 0);
  auto r = f.deliver(pull_request_event("closed", "ada-l"), "d-pr-close", "pull_request");
  CHECK(r.status == 202);
  CHECK(r.body.find("enqueued") != std::string::npos);
  CHECK(f.jobs() == 1);
  auto payload = f.db.run_sync([](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    return std::string(t.exec1("SELECT payload::text FROM jobs")[0].c_str());
  });
  CHECK(json::parse(payload).at("number").as_int64() == 5);
  // The daemon's own edit of its PR comes back: dropped.
  r = f.deliver(pull_request_event("edited", "ngsync-bot"), "d-pr-own", "pull_request");
  CHECK(f.receiver.counters().own == 1);
  // A body that is neither an issue nor a PR event is refused.
  r = f.deliver(R"({"action":"closed","repository":{"full_name":"acme/roadmap"}})", "d-bad",
                "pull_request");
  CHECK(r.status == 400);
}

// A Notion webhook receiver (or two replicas of it) on one scratch database, over real HTTP.
struct notion_bed {
  storage::testing::scratch_database scratch;
  std::unique_ptr<storage::database> db;
  std::unique_ptr<storage::job_queue> queue;
  webhooks::own_identity me{"ngsync-bot", "40673a87-d8ed-41e0-aa55-7f0e8ace24cd"};
  std::map<std::string, sync::mapping_binding> mappings;
  std::vector<std::unique_ptr<webhooks::notion_webhook_receiver>> receivers;
  net::io_context io{1};
  std::vector<std::unique_ptr<http::router>> routes;
  std::vector<std::unique_ptr<http::server>> servers;

  explicit notion_bed(webhooks::notion_webhook_settings s = {}, int replicas = 1) {
    scratch.migrate();
    db = std::make_unique<storage::database>(scratch.settings());
    queue = std::make_unique<storage::job_queue>(*db);
    sync::mapping_binding b;
    b.name = "roadmap";
    b.data_source_ids = {data_source};
    mappings.emplace("roadmap", b);
    for (int i = 0; i < replicas; ++i) {
      receivers.push_back(
          std::make_unique<webhooks::notion_webhook_receiver>(*db, *queue, mappings, s, me));
      auto* r = receivers.back().get();
      // The server keeps a reference to its router.
      routes.push_back(std::make_unique<http::router>());
      routes.back()->add(http::bhttp::verb::post, "/webhooks/notion",
                         [r](http::server_request req) { return r->handle(std::move(req)); });
      servers.push_back(std::make_unique<http::server>(io.get_executor(), http::server_options{},
                                                       routes.back()->as_handler()));
      servers.back()->start();
    }
  }
  ~notion_bed() {
    // All at once: io runs until idle, which it is not while another server still listens.
    for (auto& s : servers) net::co_spawn(io, s->stop(), net::detached);
    io.restart();
    io.run();
  }

  reply send(std::string body, std::vector<std::pair<std::string, std::string>> h,
             int replica = 0) {
    return run_until_done(io, post(servers[static_cast<std::size_t>(replica)]->port(),
                                   "/webhooks/notion", std::move(h), std::move(body)));
  }
  reply verification(const std::string& token, int replica = 0) {
    return send(json::serialize(json::object{{"verification_token", token}}), {}, replica);
  }
  reply signed_event(const std::string& body, const std::string& key, int replica = 0) {
    return send(body, {{"X-Notion-Signature", "sha256=" + webhooks::hmac_sha256_hex(key, body)}},
                replica);
  }
  std::optional<std::string> active_key() {
    return db->run_sync([](pqxx::connection& c) {
      pqxx::read_transaction t(c);
      return storage::notion_webhook_tokens::active(t);
    });
  }
  // What `ngsync webhook confirm-notion-token` does.
  storage::notion_token_confirmation confirm(std::optional<std::int64_t> id = {}) {
    return db->run_sync([id](pqxx::connection& c) {
      pqxx::work t(c);
      auto r = storage::notion_webhook_tokens::confirm(t, id);
      t.commit();
      return r;
    });
  }
  std::int64_t jobs() { return count(*db, "SELECT count(*) FROM jobs"); }
};

// A page.properties_updated event on the mapped data source, by `author_id`.
std::string page_event(const std::string& author_id, const std::string& author_type,
                       const std::string& id_suffix = "") {
  return json::serialize(json::object{
      {"id", "ev-" + author_id + id_suffix},
      {"type", "page.properties_updated"},
      {"authors", json::array{json::object{{"id", author_id}, {"type", author_type}}}},
      {"entity", json::object{{"id", page_id}, {"type", "page"}}},
      {"data",
       json::object{{"parent", json::object{{"id", data_source}, {"type", "data_source"}}}}}});
}

const std::string person_id = "2200a911-6a96-44bb-bd38-6bfb1e01b9f6";

TEST_CASE("notion webhook: a received token is pending; only the confirmed one verifies events") {
  notion_bed f;
  const auto person = page_event(person_id, "person");

  // Before any token nothing can be verified.
  CHECK(f.signed_event(person, "x").status == 401);
  const std::string token = "secret_verification_for_tests";
  CHECK(f.verification(token).status == 200);
  // Stored, but pending: it is not the key, and an event signed with it is refused.
  CHECK_FALSE(f.active_key());
  CHECK(f.signed_event(person, token).status == 401);
  CHECK(f.jobs() == 0);

  auto done = f.confirm();
  REQUIRE(done.result == storage::notion_token_confirmation::outcome::confirmed);
  CHECK(f.active_key() == token);
  // The receiver read "no key" a moment ago; a failed signature re-reads it (at most once a
  // second), so the confirmation is in force without a restart.
  std::this_thread::sleep_for(1100ms);
  CHECK(f.send(person, {}).status == 401);
  CHECK(f.signed_event(person, "x").status == 401);
  CHECK(f.jobs() == 0);

  CHECK(f.signed_event(person, token).status == 202);
  auto row = f.db->run_sync([](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    auto r = t.exec1("SELECT kind, page_key, payload->>'source', priority FROM jobs");
    return std::vector<std::string>{r[0].c_str(), r[1].c_str(), r[2].c_str(), r[3].c_str()};
  });
  CHECK(row[0] == "sync_page");
  CHECK(row[1] == page_id);
  CHECK(row[2] == "webhook");
  // Notion retries the same event id: nothing twice.
  CHECK(f.signed_event(person, token).status == 200);
  CHECK(f.receivers[0]->counters().duplicates == 1);

  const auto own = page_event(f.me.notion_bot_id, "bot");
  CHECK(f.signed_event(own, token).status == 200);
  CHECK(f.receivers[0]->counters().own == 1);
  CHECK(f.jobs() == 1);
}

TEST_CASE("notion webhook: a forged verification does not take the signing key over") {
  notion_bed f;
  const std::string genuine = "secret_genuine_notion_token";
  const std::string attacker = "secret_attacker_token";
  CHECK(f.verification(genuine).status == 200);
  f.confirm();
  REQUIRE(f.active_key() == genuine);
  CHECK(f.signed_event(page_event(person_id, "person", "-1"), genuine).status == 202);

  // The attack of issue 18: an unsigned verification with the attacker's token, then an event
  // signed with it.
  CHECK(f.verification(attacker).status == 200);
  CHECK(f.active_key() == genuine);
  const auto forged = page_event(person_id, "person", "-forged");
  CHECK(f.signed_event(forged, attacker).status == 401);
  // Genuine events keep arriving.
  CHECK(f.signed_event(page_event(person_id, "person", "-2"), genuine).status == 202);
  CHECK(count(*f.db, "SELECT count(*) FROM webhook_deliveries WHERE delivery_id LIKE '%forged'") ==
        0);
  // The attacker's token waits, visible to the operator, and changes nothing until confirmed.
  auto pending = f.db->run_sync([](pqxx::connection& c) {
    pqxx::read_transaction t(c);
    return storage::notion_webhook_tokens::all(t);
  });
  REQUIRE(pending.size() == 2);
  CHECK(pending[1].token == attacker);
  CHECK_FALSE(pending[1].active);
}

TEST_CASE("notion webhook: a key given by the configuration is used, the database's is not") {
  webhooks::notion_webhook_settings s;
  s.configured_token = "secret_from_the_environment";
  notion_bed f(s);
  CHECK(f.verification("secret_offered").status == 200);
  REQUIRE(f.confirm().result == storage::notion_token_confirmation::outcome::confirmed);
  CHECK(f.signed_event(page_event(person_id, "person", "-a"), "secret_offered").status == 401);
  CHECK(f.signed_event(page_event(person_id, "person", "-b"), s.configured_token).status == 202);
}

TEST_CASE("notion webhook: unsigned requests are rate-limited and never echoed to the log") {
  webhooks::notion_webhook_settings s;
  s.unsigned_per_minute = 3;
  notion_bed f(s);
  const std::string noise(100'000, 'A');
  CHECK(f.verification("secret_one").status == 200);
  CHECK(f.send(json::serialize(json::object{{"hello", noise}}), {}).status == 401);
  CHECK(f.verification("secret_two").status == 200);
  // The fourth within the minute: refused before it reaches the database.
  auto r = f.verification("secret_three");
  CHECK(r.status == 429);
  CHECK(r.retry_after == "60");
  CHECK(f.send("{}", {}).status == 429);
  CHECK(f.receivers[0]->counters().throttled == 2);
  CHECK(count(*f.db, "SELECT count(*) FROM notion_webhook_tokens") == 2);
  // Signed requests are not counted against it.
  CHECK(f.signed_event(page_event(person_id, "person"), "x").status == 401);
}

TEST_CASE("notion webhook: replicas agree on the confirmed key without a restart") {
  webhooks::notion_webhook_settings s;
  s.key_refresh = 300ms;
  s.key_refresh_after_failure = 100ms;
  notion_bed f(s, 2);
  CHECK(f.verification("secret_first", 0).status == 200);
  // Both replicas look, and find no key.
  CHECK(f.signed_event(page_event(person_id, "person", "-0"), "secret_first", 0).status == 401);
  CHECK(f.signed_event(page_event(person_id, "person", "-1"), "secret_first", 1).status == 401);
  REQUIRE(f.confirm().result == storage::notion_token_confirmation::outcome::confirmed);
  std::this_thread::sleep_for(150ms);
  CHECK(f.signed_event(page_event(person_id, "person", "-2"), "secret_first", 1).status == 202);
  CHECK(f.signed_event(page_event(person_id, "person", "-3"), "secret_first", 0).status == 202);

  // The operator rotates the key (a new subscription) through replica 1's verification.
  CHECK(f.verification("secret_second", 1).status == 200);
  CHECK(f.signed_event(page_event(person_id, "person", "-4"), "secret_second", 0).status == 401);
  REQUIRE(f.confirm().result == storage::notion_token_confirmation::outcome::confirmed);
  // After the refresh period neither replica accepts the old key; both accept the new one.
  std::this_thread::sleep_for(350ms);
  for (int replica : {0, 1}) {
    CHECK(f.signed_event(page_event(person_id, "person", "-old" + std::to_string(replica)),
                         "secret_first", replica)
              .status == 401);
    CHECK(f.signed_event(page_event(person_id, "person", "-new" + std::to_string(replica)),
                         "secret_second", replica)
              .status == 202);
  }
}

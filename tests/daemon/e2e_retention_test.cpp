// Retention in a running daemon (issue 18): with retention of a few seconds, `ngsync run` deletes
// the completed jobs, audit rows and webhook delivery ids past it, keeps the recent ones and
// dead jobs, logs what it pruned and counts it in /metrics.
#include <doctest/doctest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/daemon/support/child_process.hpp"
#include "tests/daemon/support/sandbox_env.hpp"

using namespace ngsync::test;
using namespace std::chrono_literals;

namespace {

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

std::int64_t count(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::read_transaction t(c);
  return t.exec1(sql)[0].as<std::int64_t>();
}

void exec(const std::string& url, const std::string& sql) {
  pqxx::connection c(url);
  pqxx::work t(c);
  t.exec(sql);
  t.commit();
}

template <class F>
bool wait_until(F done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(200ms);
  }
  return done();
}

}  // namespace

TEST_CASE("ngsync run prunes completed jobs, audit rows and deliveries past their retention") {
  sandbox_env env;
  const int port = free_port();
  auto config = read_file(env.config_path());
  const std::string queue = "queue:\n";
  const auto at = config.find(queue);
  REQUIRE(at != std::string::npos);
  config.insert(at + queue.size(),
                "  keep_completed: 15s\n  keep_audit: 15s\n  prune_interval: 1s\n");
  config += "server:\n  listen: 127.0.0.1:" + std::to_string(port) + "\n";
  std::ofstream(env.config_path()) << config;
  REQUIRE(env.run_ngsync("migrate").exit_code == 0);
  const auto& url = env.database_url();

  // Rows of an hour ago (past retention), rows of now (inside it), and an old dead job.
  exec(url,
       "INSERT INTO jobs (kind, state, finished_at, unique_key) VALUES "
       "('old_done', 'completed', now() - interval '1 hour', NULL), "
       "('recent_done', 'completed', now(), NULL), "
       "('old_dead', 'dead', now() - interval '1 hour', NULL)");
  exec(url,
       "INSERT INTO api_audit (at, api, method, path) VALUES "
       "(now() - interval '1 hour', 'notion', 'GET', '/old'), (now(), 'notion', 'GET', '/recent')");
  exec(url,
       "INSERT INTO webhook_deliveries (source, hook_id, delivery_id, received_at) VALUES "
       "('github', 'h', 'old', now() - interval '1 hour'), ('github', 'h', 'recent', now())");
  const auto inserted = std::chrono::steady_clock::now();

  child_process daemon({ngsync_binary(), "--config", env.config_path().string(), "run"},
                       {{"NOTION_TOKEN", "secret_sandbox_notion_token"},
                        {"GITHUB_TOKEN", "ghp_sandboxtokenforngsync0001"},
                        {"DATABASE_URL", url}},
                       (env.dir() / "ngsync.log").string());

  auto old_gone = [&] {
    return count(url, "SELECT count(*) FROM jobs WHERE kind = 'old_done'") == 0 &&
           count(url, "SELECT count(*) FROM api_audit WHERE path = '/old'") == 0 &&
           count(url, "SELECT count(*) FROM webhook_deliveries WHERE delivery_id = 'old'") == 0;
  };
  REQUIRE_MESSAGE(wait_until(old_gone, 20s), daemon.log());
  const auto first_pass =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - inserted).count();
  MESSAGE("rows past retention gone " << first_pass << " s after insertion");
  // Inside retention: still there (15 s had not passed yet).
  if (first_pass < 12) {
    CHECK(count(url, "SELECT count(*) FROM jobs WHERE kind = 'recent_done'") == 1);
    CHECK(count(url, "SELECT count(*) FROM api_audit WHERE path = '/recent'") == 1);
    CHECK(count(url, "SELECT count(*) FROM webhook_deliveries WHERE delivery_id = 'recent'") == 1);
  }
  CHECK(count(url, "SELECT count(*) FROM jobs WHERE kind = 'old_dead'") == 1);
  // The daemon's own first audit row, pruned in its turn below.
  const std::string own_audit =
      "SELECT count(*) FROM api_audit WHERE path NOT IN ('/old', '/recent')";
  REQUIRE_MESSAGE(wait_until([&] { return count(url, own_audit) > 0; }, 20s), daemon.log());
  const auto first_own =
      count(url, "SELECT min(id) FROM api_audit WHERE path NOT IN ('/old', '/recent')");

  // Once 15 s have passed the recent rows go too, and so does everything the first sync wrote
  // before them.
  auto recent_gone = [&] {
    return count(url, "SELECT count(*) FROM jobs WHERE kind = 'recent_done'") == 0 &&
           count(url, "SELECT count(*) FROM api_audit WHERE path = '/recent'") == 0 &&
           count(url, "SELECT count(*) FROM webhook_deliveries WHERE delivery_id = 'recent'") == 0;
  };
  REQUIRE_MESSAGE(wait_until(recent_gone, 30s), daemon.log());
  CHECK(std::chrono::steady_clock::now() - inserted >= 15s);
  const auto first_own_row =
      "SELECT count(*) FROM api_audit WHERE id = " + std::to_string(first_own);
  CHECK_MESSAGE(wait_until([&] { return count(url, first_own_row) == 0; }, 20s), daemon.log());
  CHECK(count(url,
              "SELECT count(*) FROM jobs WHERE state = 'completed' AND finished_at < now() - "
              "interval '20 seconds'") == 0);
  CHECK(count(url, "SELECT count(*) FROM api_audit WHERE at < now() - interval '20 seconds'") == 0);
  CHECK(count(url, "SELECT count(*) FROM jobs WHERE kind = 'old_dead'") == 1);

  auto metrics = run_command("curl -fsS http://127.0.0.1:" + std::to_string(port) + "/metrics");
  REQUIRE(metrics.exit_code == 0);
  CHECK(metrics.output.find("ngsync_pruned_rows_total{table=\"jobs\"}") != std::string::npos);
  CHECK(metrics.output.find("ngsync_pruned_rows_total{table=\"jobs\"} 0\n") == std::string::npos);
  CHECK(metrics.output.find("ngsync_pruned_rows_total{table=\"webhook_deliveries\"} 2\n") !=
        std::string::npos);
  daemon.signal(SIGTERM);
  CHECK(daemon.wait_for_exit(15s) == 0);
  const auto log = daemon.log();
  CHECK(log.find("pruned completed_jobs=") != std::string::npos);
}

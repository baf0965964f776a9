// End to end with GitHub App authentication: the daemon signs an RS256 JWT, exchanges it for
// an installation token, and keeps syncing when that token expires in the middle of a run.
#include <doctest/doctest.h>

#include <csignal>
#include <thread>

#include "tests/daemon/support/child_process.hpp"
#include "tests/daemon/support/sandbox_env.hpp"

using namespace ngsync::test;
namespace json = boost::json;

namespace {

// A scenario file: the small workspace plus a GitHub App whose installation tokens live
// `lifetime` seconds, trusting the public half of a key generated for this test.
std::string app_scenario(const std::filesystem::path& dir, int lifetime) {
  std::filesystem::create_directories(dir);
  const auto key = dir / "app.pem";
  const auto pub = dir / "app.pub.pem";
  REQUIRE(run_command("openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " +
                      shell_quote(key) + " && openssl pkey -in " + shell_quote(key) +
                      " -pubout -out " + shell_quote(pub) + " && chmod 600 " + shell_quote(key))
              .exit_code == 0);
  auto scenario =
      json::parse(read_file(std::string(NGSYNC_SOURCE_DIR) + "/tests/daemon/scenarios/small.json"))
          .as_object();
  auto& gh = scenario["github"].as_object();
  gh["app"] = {{"id", 4242},
               {"client_id", "Iv23liNgsyncTest"},
               {"slug", "ngsync-test"},
               {"name", "ngsync test"},
               {"public_key_pem", read_file(pub)},
               {"bot_user_id", 40004242}};
  gh["installations"] = json::array{{{"id", 77},
                                     {"account", "acme"},
                                     {"repositories", json::array{"acme/roadmap"}},
                                     {"permissions", {{"issues", "write"}, {"metadata", "read"}}}}};
  gh["token_lifetime_seconds"] = lifetime;
  const auto file = dir / "scenario.json";
  std::ofstream(file) << json::serialize(scenario);
  return file.string();
}

}  // namespace

TEST_CASE("GitHub App: tokens are minted, refreshed when they expire mid-run, and sync goes on") {
  const auto keys =
      std::filesystem::temp_directory_path() / ("ngsync-app-" + std::to_string(::getpid()));
  sandbox_env env({.scenario_file = app_scenario(keys, 4), .poll_interval = "1s"});
  env.write_config(
      "  app:\n    client_id: Iv23liNgsyncTest\n    installation_id: 77\n"
      "    private_key_file: " +
      (keys / "app.pem").string() + "\n");
  const auto log = env.dir() / "run.log";
  // Killed and reaped when the test ends, also when a REQUIRE below fails.
  child_process daemon({ngsync_binary(), "--config", env.config_path().string(), "run"},
                       env.ngsync_environment(), log.string());
  auto wait_for = [&](auto done, int seconds) {
    for (int i = 0; i < seconds * 10 && !done(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return done();
  };
  const std::string page = "a1000000-0000-4000-8000-000000000001";
  // A deadline, not a speed check: under load the App's token exchange and the first poll take
  // longer, and the wait ends as soon as the number is there.
  REQUIRE_MESSAGE(
      wait_for([&] { return env.property(page, "GitHub Issue Number").is_number(); }, 60),
      read_file(log));
  const auto n = env.property(page, "GitHub Issue Number").to_number<std::int64_t>();
  // Issues created by the App belong to its bot.
  CHECK(env.issues().at(n).at("user").at("login").as_string() == "ngsync-test[bot]");

  // The probes answer on the port the daemon logged (the config asks for an ephemeral one).
  {
    const auto text = read_file(log);
    const auto at = text.find("listening on http://127.0.0.1:");
    REQUIRE(at != std::string::npos);
    const auto port = std::stoi(text.substr(at + 30));
    const auto base = "http://127.0.0.1:" + std::to_string(port);
    auto healthz = run_command("curl -s -w ' %{http_code}' " + base + "/healthz");
    CHECK(healthz.output.find("\"ok\"") != std::string::npos);
    CHECK(healthz.output.find(" 200") != std::string::npos);
    auto readyz = run_command("curl -s -w ' %{http_code}' " + base + "/readyz");
    CHECK(readyz.output.find("\"ready\"") != std::string::npos);
    CHECK(readyz.output.find(" 200") != std::string::npos);
    auto missing = run_command("curl -s -o /dev/null -w '%{http_code}' " + base + "/nope");
    CHECK(missing.output == "404");
  }

  // Outlive the first token, then edit: the daemon must refresh and keep syncing.
  std::this_thread::sleep_for(std::chrono::seconds(5));
  env.act("notion", "edit_page",
          {{"page_id", page}, {"properties", {{"Name", "Edited after expiry"}}}});
  CHECK_MESSAGE(
      wait_for([&] { return env.issues().at(n).at("title").as_string() == "Edited after expiry"; },
               20),
      read_file(log));
  daemon.signal(SIGTERM);
  CHECK(daemon.wait_for_exit(std::chrono::seconds(15)).has_value());
  const auto counts = env.call_counts("github");
  CHECK(counts.at("POST /app/installations/{id}/access_tokens") >= 2);
  CHECK(read_file(log).find("ghs_") == std::string::npos);  // tokens never reach the log
  std::filesystem::remove_all(keys);
}

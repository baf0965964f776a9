// `ngsync status` with a queued backlog (issue 21): per mapping the pages waiting, the jobs a
// rate limit holds, the budget that binds and the ETA, from jobs enqueued straight into a
// scratch database (no sandbox: status only reads Postgres).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <boost/json.hpp>
#include <pqxx/pqxx>

#include "core/config/config.hpp"
#include "daemon/services/backlog_report.hpp"
#include "storage/backlog.hpp"
#include "tests/daemon/support/process.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::test;
using ngsync::storage::testing::scratch_database;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

// Two mappings with the default GitHub budgets (80/min, 500/h, 1.25 requests/s, 1 s between
// mutations). The URLs are never called.
fs::path write_config(const fs::path& dir) {
  const auto path = dir / "ngsync.yaml";
  std::ofstream out(path);
  out << "notion:\n  base_url: https://127.0.0.1:9/v1\n  token_env: T_NOTION_TOKEN\n"
      << "github:\n  base_url: https://127.0.0.1:9\n  token_env: T_GITHUB_TOKEN\n"
      << "database:\n  url_env: T_DATABASE_URL\n"
      << "sync:\n  mappings:\n";
  for (const auto& [name, source, repo] :
       {std::tuple{"roadmap", "4f93db51-4e1d-4015-b07f-876e34c3b0b1", "acme/roadmap"},
        std::tuple{"docs", "5f93db51-4e1d-4015-b07f-876e34c3b0b2", "acme/docs"}}) {
    out << "    - name: " << name << "\n      notion: {data_source_id: " << source
        << "}\n      github: {repository: " << repo << "}\n"
        << "      properties:\n        issue_number: GitHub Issue Number\n";
  }
  return path;
}

}  // namespace

TEST_CASE("status shows each mapping's backlog, throttled jobs, binding budget and ETA") {
  scratch_database db;
  const auto dir = fs::temp_directory_path() / ("ngsync-backlog-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const auto config = write_config(dir);
  const std::string env =
      "T_NOTION_TOKEN=secret_x T_GITHUB_TOKEN=ghp_x T_DATABASE_URL='" + db.url() + "' ";
  const std::string ngsync = env + ngsync_binary() + " --config " + config.string();
  auto migrated = run_command(ngsync + " migrate");
  REQUIRE_MESSAGE(migrated.exit_code == 0, migrated.output);
  {
    pqxx::connection c(db.url());
    pqxx::work t(c);
    // roadmap: an initial import of 1,000 pages, none linked yet, so 1,000 creations.
    t.exec(
        "INSERT INTO jobs (kind, payload, unique_key, page_key) SELECT 'sync_page',"
        " jsonb_build_object('page_id', 'r' || g, 'data_source_id', 'x', 'mapping', 'roadmap'),"
        " 'page:r' || g, 'r' || g FROM generate_series(1, 1000) g");
    // docs: 10 linked pages (updates); 3 of them re-queued after a rate limit for 10 minutes,
    // worded as the job runner records a throttle, 1 after an ordinary transient failure.
    t.exec(
        "INSERT INTO page_links (notion_page_id, data_source_id, github_repo, issue_number)"
        " SELECT 'd' || g, 'y', 'acme/docs', g FROM generate_series(1, 10) g");
    t.exec(
        "INSERT INTO jobs (kind, payload, unique_key, page_key, state, run_at, last_error)"
        " SELECT 'sync_page',"
        " jsonb_build_object('page_id', 'd' || g, 'data_source_id', 'y', 'mapping', 'docs'),"
        " 'page:d' || g, 'd' || g,"
        " CASE WHEN g <= 4 THEN 'retryable' ELSE 'available' END,"
        " CASE WHEN g <= 3 THEN now() + interval '10 minutes' ELSE now() END,"
        " CASE WHEN g <= 3 THEN 'github create issue failed: HTTP 403: rate limited; paused "
        "until the API''s reset' WHEN g = 4 THEN 'github update issue failed: HTTP 502' END"
        " FROM generate_series(1, 10) g");
    t.commit();
  }

  const auto out_file = dir / "status.json";
  auto r = run_command(ngsync + " status --json > " + out_file.string());
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  std::ifstream in(out_file);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto status = json::parse(text).as_object();
  const auto& backlog = status.at("backlog").as_object();
  CHECK(std::string(backlog.at("budgets").as_string().c_str()).find("80/60s + 500/3600s") !=
        std::string::npos);
  const auto& mappings = backlog.at("mappings").as_array();
  REQUIRE(mappings.size() == 2);  // ordered by name
  const auto& docs = mappings[0].as_object();
  const auto& roadmap = mappings[1].as_object();
  CHECK(docs.at("mapping") == "docs");
  CHECK(docs.at("pages_waiting").as_int64() == 10);
  CHECK(docs.at("jobs_throttled").as_int64() == 3);
  CHECK(docs.at("pages_to_create").as_int64() == 0);
  CHECK(roadmap.at("mapping") == "roadmap");
  CHECK(roadmap.at("pages_waiting").as_int64() == 1000);
  CHECK(roadmap.at("jobs_throttled").as_int64() == 0);
  CHECK(roadmap.at("pages_to_create").as_int64() == 1000);
  CHECK(roadmap.at("budget") == "github content 500/3600s");
  // 1,000 creations from an empty hour window: 500 at the 1 s mutation pace, the other 500 an
  // hour after them, so 1 h 08 min 19 s (the core tests pin the arithmetic); a few seconds pass
  // between the insert and the status read.
  const auto eta = roadmap.at("eta_seconds").as_int64();
  CHECK(eta >= 3600 + 499 - 5);
  CHECK(eta <= 3600 + 499);
  CHECK(std::string(roadmap.at("eta_in").as_string().c_str()) == "1 h 08 min");
  CHECK(roadmap.at("eta").as_string().size() == 20);  // 2026-12-07T01:31:00Z
  // docs' last jobs wait behind the whole queue (its throttled jobs run after roadmap's), and
  // the shared GitHub budget decides when they finish too.
  CHECK(docs.at("eta_seconds").as_int64() >= eta);

  auto plain = run_command("{ " + ngsync + " status 2>/dev/null; }");
  REQUIRE(plain.exit_code == 0);
  CHECK_MESSAGE(
      plain.output.find("backlog (github: 80/60s + 500/3600s creations") != std::string::npos,
      plain.output);
  CHECK_MESSAGE(plain.output.find("roadmap          waiting=1000 throttled=0 to_create=1000 "
                                  "budget=github content 500/3600s eta=") != std::string::npos,
                plain.output);
  CHECK_MESSAGE(plain.output.find("(in 1 h 08 min)") != std::string::npos, plain.output);
  CHECK_MESSAGE(
      plain.output.find("docs             waiting=10 throttled=3 to_create=0") != std::string::npos,
      plain.output);

  // The metrics from the same figures: read with the storage query and priced as /metrics does.
  {
    pqxx::connection c(db.url());
    pqxx::read_transaction t(c);
    const auto now = std::chrono::system_clock::now();
    ngsync::config::config cfg;  // the defaults: 80/min, 500/h, 1.25/s, 1 s spacing, Notion 3/s
    const auto text = ngsync::engine::backlog_metrics(ngsync::engine::backlog_budgets_of(cfg),
                                                      ngsync::storage::read_backlog(t, now), now);
    CHECK_MESSAGE(
        text.find("\nngsync_backlog_jobs{mapping=\"roadmap\"} 1000\n") != std::string::npos, text);
    CHECK(text.find("\nngsync_backlog_throttled_jobs{mapping=\"docs\"} 3\n") != std::string::npos);
    CHECK(text.find("\nngsync_backlog_eta_seconds{mapping=\"roadmap\"} 4099\n") !=
          std::string::npos);
    CHECK(text.find("# TYPE ngsync_backlog_eta_seconds gauge\n") != std::string::npos);
    if (run_command("command -v promtool >/dev/null").exit_code == 0) {
      std::ofstream(dir / "metrics.txt") << text;
      auto lint = run_command("promtool check metrics < " + (dir / "metrics.txt").string());
      CHECK_MESSAGE(lint.exit_code == 0, lint.output);
    }
  }

  // An hour window the shared write schedule already filled (500 creations spread over the last
  // hour, the newest now): each new creation waits for one of those to leave it, so 1,000 take
  // the full 2 h.
  {
    pqxx::connection c(db.url());
    pqxx::work t(c);
    t.exec(
        "INSERT INTO rate_claims (api, at, seq) SELECT 'github',"
        " now() - interval '3600 seconds' + g * interval '7.2 seconds', g"
        " FROM generate_series(1, 500) g");
    t.commit();
  }
  auto spent = run_command(ngsync + " status --json > " + out_file.string());
  REQUIRE_MESSAGE(spent.exit_code == 0, spent.output);
  {
    std::ifstream again(out_file);
    const std::string t2((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>());
    const auto parsed = json::parse(t2);
    const auto& m = parsed.at("backlog").at("mappings").as_array();
    REQUIRE(m.size() == 2);
    const auto spent_eta = m[1].at("eta_seconds").as_int64();
    CHECK(spent_eta >= 7200 - 5);
    CHECK(spent_eta <= 7200);
    CHECK(m[1].at("budget") == "github content 500/3600s");
  }

  // An empty queue: the mappings disappear, no ETA.
  {
    pqxx::connection c(db.url());
    pqxx::work t(c);
    t.exec("DELETE FROM jobs");
    t.commit();
  }
  auto empty = run_command("{ " + ngsync + " status 2>/dev/null; }");
  CHECK_MESSAGE(empty.output.find("  nothing waiting") != std::string::npos, empty.output);
  fs::remove_all(dir);
}

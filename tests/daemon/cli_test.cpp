// The real ngsync binary: exit codes and messages of the command line, and `ngsync migrate`
// against the real private Postgres (fresh, repeated, concurrent, edited file refused).
#include <doctest/doctest.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "daemon/build_info.hpp"
#include "daemon/process_hardening.hpp"
#include "storage/migrator.hpp"
#include "tests/daemon/support/process.hpp"
#include "tests/storage/scratch_database.hpp"

using namespace ngsync::test;
using ngsync::storage::testing::scratch_database;

namespace {

// A config file in a temp dir whose secrets come from the environment the test sets.
std::string write_config(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / "ngsync-cli-test";
  std::filesystem::create_directories(dir);
  auto path = dir / name;
  std::ofstream(path) << R"(notion:
  token_env: T_NOTION_TOKEN
github:
  token_env: T_GITHUB_TOKEN
database:
  url_env: T_DATABASE_URL
sync:
  mappings:
    - name: eng
      notion: {data_source_id: 1c2b3a4d5e6f47a8b9c0d1e2f3a4b5c6}
      github: {repository: acme/roadmap}
)";
  return path.string();
}

std::string with_env(const std::string& db_url) {
  return "T_NOTION_TOKEN=secret_0123456789abcdef T_GITHUB_TOKEN=ghp_0123456789abcdefghij "
         "T_DATABASE_URL='" +
         db_url + "' ";
}

}  // namespace

TEST_CASE("--help and version succeed; no subcommand is a usage error") {
  auto help = run_command(ngsync_binary() + " --help");
  CHECK(help.exit_code == 0);
  for (const char* sub : {"run", "sync-once", "migrate", "check-config", "status", "version"}) {
    CHECK_MESSAGE(help.output.find(sub) != std::string::npos, sub);
  }
  auto version = run_command(ngsync_binary() + " version");
  CHECK(version.exit_code == 0);
  CHECK(version.output.find("ngsync ") == 0);
  auto none = run_command(ngsync_binary());
  CHECK(none.exit_code == 2);
  auto bad = run_command(ngsync_binary() + " frobnicate");
  CHECK(bad.exit_code == 2);
  auto bad_format = run_command(ngsync_binary() + " --log-format xml version");
  CHECK(bad_format.exit_code == 2);
}

TEST_CASE("version prints the version, the git revision and the build type") {
  auto version = run_command(ngsync_binary() + " version");
  REQUIRE(version.exit_code == 0);
  // "ngsync 0.1.0 (git 0f804965d2df, Debug)": the values of the build this test is part of.
  const std::string revision = ngsync::daemon::build_git_revision();
  const std::string build_type = ngsync::daemon::build_type();
  CHECK(version.output == "ngsync " NGSYNC_VERSION " (git " + revision + ", " + build_type + ")\n");
  CHECK((build_type == "Debug" || build_type == "Release" || build_type == "RelWithDebInfo" ||
         build_type == "MinSizeRel"));
  // Built from a git checkout (as tests are): a commit of this repository, not "unknown".
  auto in_git = run_command("git -C '" NGSYNC_SOURCE_DIR "' rev-parse --git-dir");
  if (in_git.exit_code == 0) {
    const auto commit = revision.substr(0, revision.find("-dirty"));
    CHECK(commit.size() == 12);
    auto known = run_command("git -C '" NGSYNC_SOURCE_DIR "' cat-file -e " + commit + "^{commit}");
    CHECK_MESSAGE(known.exit_code == 0, revision);
  }
}

TEST_CASE("global options are accepted before or after the subcommand") {
  auto path = write_config("cli-anywhere.yaml");
  const auto env = with_env("postgresql://x@h/db");
  for (const std::string& args :
       {" --config " + path + " check-config", " check-config --config " + path,
        " check-config --config=" + path + " --log-level warn",
        " --log-format json check-config --config " + path}) {
    CAPTURE(args);
    auto r = run_command(env + ngsync_binary() + args);
    CHECK_MESSAGE(r.exit_code == 0, r.output);
  }
  // `ngsync run --config F` reads F (here: a missing one, so it stops at once with exit 2).
  auto run = run_command(ngsync_binary() + " run --config /nonexistent/after-run.yaml");
  CHECK(run.exit_code == 2);
  CHECK(run.output.find("/nonexistent/after-run.yaml") != std::string::npos);
  CHECK(run.output.find("not expected") == std::string::npos);
  // Validation applies wherever the option is, and unknown options are still refused.
  CHECK(run_command(ngsync_binary() + " version --log-format xml").exit_code == 2);
  CHECK(run_command(ngsync_binary() + " run --frobnicate").exit_code == 2);
  // A subcommand's own option still belongs to it alone.
  CHECK(run_command(ngsync_binary() + " --json status").exit_code == 2);
}

TEST_CASE("every subcommand that needs a configuration refuses a missing one with exit 2") {
  // (No subcommand is "not available yet" any more; each one runs for real.)
  for (const char* sub : {"run", "sync-once", "plan", "migrate", "check-config", "status",
                          "reconcile", "setup-notion", "retry-dead --all"}) {
    CAPTURE(sub);
    auto r = run_command("NGSYNC_CONFIG=/nonexistent/ngsync.yaml " + ngsync_binary() + " " + sub);
    CHECK(r.exit_code == 2);
    CHECK(r.output.find("/nonexistent/ngsync.yaml") != std::string::npos);
  }
}

TEST_CASE("check-config reports every problem with file and line, exit 2, never a secret") {
  auto path = write_config("cli-check.yaml");
  auto ok = run_command(with_env("postgresql://u:hunter2pw@127.0.0.1:1/x") + ngsync_binary() +
                        " --config " + path + " check-config");
  CHECK(ok.exit_code == 0);
  CHECK(ok.output.find("OK") != std::string::npos);
  CHECK(ok.output.find("secret_0123456789abcdef") == std::string::npos);
  CHECK(ok.output.find("ghp_0123456789") == std::string::npos);
  CHECK(ok.output.find("hunter2pw") == std::string::npos);

  auto missing = run_command("env -u T_NOTION_TOKEN -u T_GITHUB_TOKEN " + ngsync_binary() +
                             " --config " + path + " check-config");
  CHECK(missing.exit_code == 2);
  CHECK(
      missing.output.find(path + ":2:14: notion.token_env: environment variable T_NOTION_TOKEN") !=
      std::string::npos);
  CHECK(missing.output.find("github.token_env") != std::string::npos);
  CHECK(missing.output.find("3 problems") != std::string::npos);

  // NGSYNC_CONFIG is the default when --config is absent.
  auto via_env = run_command(with_env("postgresql://x@h/db") + "NGSYNC_CONFIG=" + path + " " +
                             ngsync_binary() + " check-config");
  CHECK(via_env.exit_code == 0);
  auto no_file =
      run_command("NGSYNC_CONFIG=/nonexistent/ngsync.yaml " + ngsync_binary() + " check-config");
  CHECK(no_file.exit_code == 2);
  CHECK(no_file.output.find("/nonexistent/ngsync.yaml") != std::string::npos);
}

TEST_CASE("migrate: empty database, then a no-op, then concurrent runs agree") {
  scratch_database db;
  auto path = write_config("cli-migrate.yaml");
  // migrate needs only the database secret.
  const auto cmd =
      "T_DATABASE_URL='" + db.url() + "' " + ngsync_binary() + " --config " + path + " migrate";
  auto first = run_command(cmd);
  CHECK_MESSAGE(first.exit_code == 0, first.output);
  CHECK(first.output.find("applied") != std::string::npos);
  auto second = run_command(cmd);
  CHECK(second.exit_code == 0);
  CHECK(second.output.find("schema is current") != std::string::npos);

  scratch_database db2;
  const auto cmd2 =
      "T_DATABASE_URL='" + db2.url() + "' " + ngsync_binary() + " --config " + path + " migrate";
  process_result a;
  process_result b;
  std::thread ta([&] { a = run_command(cmd2); });
  std::thread tb([&] { b = run_command(cmd2); });
  ta.join();
  tb.join();
  CHECK_MESSAGE(a.exit_code == 0, a.output);
  CHECK_MESSAGE(b.exit_code == 0, b.output);
  pqxx::connection c(db2.url());
  pqxx::read_transaction t(c);
  const auto applied = t.exec1("SELECT count(*) FROM schema_migrations")[0].as<long>();
  CHECK(applied == static_cast<long>(ngsync::storage::embedded_migrations().size()));
  CHECK(t.exec1("SELECT count(DISTINCT version) FROM schema_migrations")[0].as<long>() == applied);
}

TEST_CASE("migrate refuses a database whose applied migration was edited") {
  scratch_database db;
  auto path = write_config("cli-drift.yaml");
  const auto cmd =
      "T_DATABASE_URL='" + db.url() + "' " + ngsync_binary() + " --config " + path + " migrate";
  REQUIRE(run_command(cmd).exit_code == 0);
  {
    pqxx::connection c(db.url());
    pqxx::work t(c);
    t.exec0("UPDATE schema_migrations SET checksum = 'edited' WHERE version = 1");
    t.commit();
  }
  auto r = run_command(cmd);
  CHECK(r.exit_code == 1);
  CHECK(r.output.find("0001") != std::string::npos);
}

TEST_CASE("status and retry-dead work against a migrated database") {
  scratch_database db;
  auto path = write_config("cli-status.yaml");
  const auto env = "T_DATABASE_URL='" + db.url() + "' ";
  REQUIRE(run_command(env + ngsync_binary() + " --config " + path + " migrate").exit_code == 0);
  {
    pqxx::connection c(db.url());
    pqxx::work t(c);
    t.exec0(
        "INSERT INTO jobs (kind, payload, state, last_error, attempts, max_attempts) "
        "VALUES ('sync_page', '{}', 'dead', 'GitHub said 422', 10, 10)");
    t.commit();
  }
  auto status = run_command(env + ngsync_binary() + " --config " + path + " status");
  CHECK(status.exit_code == 0);
  CHECK(status.output.find("dead jobs: 1") != std::string::npos);
  CHECK(status.output.find("GitHub said 422") != std::string::npos);
  auto json = run_command(env + ngsync_binary() + " --config " + path + " status --json");
  CHECK(json.exit_code == 0);
  CHECK(json.output.find("\"dead_jobs\":[{") != std::string::npos);

  auto none = run_command(env + ngsync_binary() + " --config " + path + " retry-dead");
  CHECK(none.exit_code == 2);
  auto retry = run_command(env + ngsync_binary() + " --config " + path + " retry-dead --all");
  CHECK(retry.exit_code == 0);
  CHECK(retry.output.find("requeued 1") != std::string::npos);
  auto after = run_command(env + ngsync_binary() + " --config " + path + " status");
  CHECK(after.output.find("dead jobs: 0") != std::string::npos);
}

TEST_CASE("every command starts with core dumps off and the process not dumpable") {
  // In a child, so the test process itself keeps its own settings.
  const pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    const bool ok = ngsync::daemon::forbid_core_dumps();
    rlimit core{};
    ::getrlimit(RLIMIT_CORE, &core);
    const bool no_core = core.rlim_cur == 0 && core.rlim_max == 0;
    const bool not_dumpable = ::prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0;
    ::_exit(ok && no_core && not_dumpable ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

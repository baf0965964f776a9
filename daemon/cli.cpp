#include "daemon/cli.hpp"

#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/config/config_loader.hpp"
#include "core/log/logging.hpp"
#include "daemon/build_info.hpp"
#include "daemon/commands.hpp"

namespace ngsync::daemon {
namespace {

struct global_options {
  std::optional<std::string> config_path;
  std::string log_level;
  std::string log_format;
};

// Loads the configuration, prints every problem, and registers the secrets for redaction.
std::optional<config::config> load_or_report(const global_options& g,
                                             config::secrets_needed needed) {
  const auto path = config::default_config_path(g.config_path);
  auto result = config::load_config_file(path, config::process_environment, needed);
  if (!result.value) {
    for (const auto& e : result.errors) std::cerr << e.to_string() << "\n";
    std::cerr << "ngsync: " << result.errors.size() << " problem"
              << (result.errors.size() == 1 ? "" : "s") << " in " << path << "\n";
    return std::nullopt;
  }
  // Printed by every command (check-config included), before logging is set up.
  for (const auto& w : result.warnings) std::cerr << "warning: " << w.to_string() << "\n";
  auto& c = *result.value;
  for (const auto* s : {&c.notion.token, &c.github.token, &c.database.url,
                        &c.server.github_webhook_secret, &c.server.notion_webhook_token}) {
    log::register_secret(s->reveal());
  }
  if (c.github.app) log::register_secret(c.github.app->private_key_pem.reveal());
  return std::move(result.value);
}

// Logging from the config, overridden by the command line flags.
bool setup_logging(const global_options& g, const config::config* c) {
  log::settings s;
  std::string level = c ? c->logging.level : "info";
  std::string format = c ? c->logging.format : "text";
  if (!g.log_level.empty()) level = g.log_level;
  if (!g.log_format.empty()) format = g.log_format;
  if (!log::parse_level(level, s.level)) {
    std::cerr << "ngsync: --log-level: unknown level '" << level << "'\n";
    return false;
  }
  s.format = format == "json" ? log::line_format::json : log::line_format::text;
  if (c) {
    for (const auto& [sub, lv] : c->logging.subsystem_levels) {
      spdlog::level::level_enum parsed{};
      if (log::parse_level(lv, parsed)) s.subsystem_levels[sub] = parsed;
    }
  }
  log::configure(s);
  return true;
}

// setup-notion needs only the Notion token: other secrets may be unset (a placeholder stands in
// for them while loading), the Notion one must be there.
int run_setup_notion(const global_options& g, bool apply) {
  const auto path = config::default_config_path(g.config_path);
  auto lenient = [](const std::string& name) -> std::optional<std::string> {
    auto v = config::process_environment(name);
    return v ? v : std::optional<std::string>("unset-not-needed-by-setup-notion");
  };
  auto result = config::load_config_file(path, lenient, config::secrets_needed::all);
  if (!result.value) {
    for (const auto& e : result.errors) std::cerr << e.to_string() << "\n";
    setup_logging(g, nullptr);
    return exit_bad_config;
  }
  if (!config::process_environment(result.value->notion.token_env)) {
    std::cerr << path << ": notion.token_env: environment variable "
              << result.value->notion.token_env << " is not set\n";
    return exit_bad_config;
  }
  log::register_secret(result.value->notion.token.reveal());
  if (!setup_logging(g, &*result.value)) return exit_bad_config;
  return command_setup_notion(*result.value, apply);
}

}  // namespace

int run_cli(int argc, char** argv) {
  CLI::App app{"ngsync: keeps Notion databases and GitHub issues in sync", "ngsync"};
  app.require_subcommand(1);
  // Global options go before or after the subcommand (`ngsync run --config F` as well as
  // `ngsync --config F run`): a subcommand hands options it does not know to the app. Set before
  // the subcommands are added, which inherit it.
  app.fallthrough();
  global_options g;
  app.add_option("--config", g.config_path,
                 "configuration file (default: $NGSYNC_CONFIG, else /etc/ngsync/ngsync.yaml)");
  app.add_option("--log-level", g.log_level, "trace|debug|info|warn|error|critical|off")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}));
  app.add_option("--log-format", g.log_format, "text|json")->check(CLI::IsMember({"text", "json"}));

  auto* run = app.add_subcommand("run", "run the daemon: poll, serve webhooks and probes, sync");
  auto* once = app.add_subcommand("sync-once", "poll every mapping once, drain the queue, exit");
  auto* plan = app.add_subcommand("plan", "print what the next sync would do; change nothing");
  auto* migrate = app.add_subcommand("migrate", "apply pending database migrations");
  auto* check =
      app.add_subcommand("check-config", "validate the configuration; report every problem");
  auto* status = app.add_subcommand("status", "show the queue, dead jobs, pages in error, polls");
  bool status_json = false;
  status->add_flag("--json", status_json, "machine-readable output");
  bool show_notion_verification = false;
  status->add_flag("--show-notion-verification", show_notion_verification,
                   "print the pending Notion webhook verification token(s) to paste into Notion");
  auto* webhook = app.add_subcommand("webhook", "manage webhook keys");
  webhook->require_subcommand(1);
  auto* confirm_notion = webhook->add_subcommand(
      "confirm-notion-token",
      "make the pending Notion verification token the key that checks X-Notion-Signature");
  std::optional<long long> confirm_id;
  confirm_notion->add_option("--id", confirm_id,
                             "which pending token (as `ngsync status` numbers them), when several");
  auto* retry = app.add_subcommand("retry-dead", "put dead jobs back in the queue");
  std::optional<long long> retry_id;
  std::string retry_kind;
  bool retry_all = false;
  retry->add_option("--id", retry_id, "one job by id");
  retry->add_option("--kind", retry_kind, "every dead job of this kind");
  retry->add_flag("--all", retry_all, "every dead job");
  auto* reconcile = app.add_subcommand("reconcile", "compare GitHub, Notion and the link table");
  bool reconcile_dry = false;
  reconcile->add_flag("--dry-run", reconcile_dry, "report only");
  auto* setup = app.add_subcommand("setup-notion", "check (and --apply) the Notion schema");
  bool setup_apply = false;
  setup->add_flag("--apply", setup_apply, "add missing write-back properties");
  auto* version = app.add_subcommand("version", "print the version, git revision and build type");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? exit_ok : exit_bad_config;
  }

  if (version->parsed()) {
    std::cout << "ngsync " << build_version() << " (git " << build_git_revision() << ", "
              << build_type() << ")\n";
    return exit_ok;
  }

  if (setup->parsed()) return run_setup_notion(g, setup_apply);

  const bool db_only =
      migrate->parsed() || status->parsed() || retry->parsed() || webhook->parsed();
  auto cfg = load_or_report(
      g, db_only ? config::secrets_needed::database_only : config::secrets_needed::all);
  if (!cfg) {
    setup_logging(g, nullptr);
    return exit_bad_config;
  }
  if (!setup_logging(g, &*cfg)) return exit_bad_config;

  try {
    if (check->parsed()) return command_check_config(*cfg);
    if (migrate->parsed()) return command_migrate(*cfg);
    if (status->parsed() && show_notion_verification) return command_show_notion_verification(*cfg);
    if (status->parsed()) return command_status(*cfg, status_json);
    if (confirm_notion->parsed()) return command_confirm_notion_token(*cfg, confirm_id);
    if (reconcile->parsed()) return command_reconcile(*cfg, reconcile_dry);
    if (retry->parsed()) return command_retry_dead(*cfg, retry_id, retry_kind, retry_all);
    if (run->parsed()) return command_run(*cfg);
    if (once->parsed()) return command_sync_once(*cfg);
    if (plan->parsed()) return command_plan(*cfg);
  } catch (const std::exception& e) {
    log::get("main")->critical("{}", e.what());
    return exit_failure;
  }
  return exit_bad_config;
}

}  // namespace ngsync::daemon

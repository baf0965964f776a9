#pragma once
// The typed model of ngsync's YAML configuration file. Every key, its type and its default is
// here; docs/configuration.md documents the same keys. Secrets are never stored in the file:
// the file names environment variables (or files) and the loader resolves them into `secret`.
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/sync/issue_kind.hpp"

namespace ngsync::config {

using seconds = std::chrono::seconds;
using millis = std::chrono::milliseconds;

// A secret value resolved from the environment or a file. It has no stream or fmt output on
// purpose: printing one needs an explicit `.reveal()`, which only API clients call.
class secret {
 public:
  secret() = default;
  explicit secret(std::string value) : value_(std::move(value)) {}
  const std::string& reveal() const { return value_; }
  bool empty() const { return value_.empty(); }

 private:
  std::string value_;
};

struct rate_limit {
  double requests_per_second = 0;
  double burst = 0;
  int max_concurrent = 0;
};

struct notion_settings {
  std::string base_url = "https://api.notion.com";
  std::string version = "2026-03-11";
  std::string token_env = "NOTION_TOKEN";
  secret token;
  rate_limit limits{3.0, 3.0, 3};
};

struct github_app {
  std::string client_id;  // or the numeric app id; becomes the JWT `iss`
  std::uint64_t installation_id = 0;
  std::string private_key_file;
  secret private_key_pem;
};

struct github_settings {
  std::string base_url = "https://api.github.com";
  std::string api_version = "2022-11-28";
  std::string token_env = "GITHUB_TOKEN";  // used when `app` is absent
  secret token;
  std::optional<github_app> app;
  rate_limit limits{1.25, 10.0, 10};  // 4,500/h: under the 5,000/h primary limit
  int content_creation_per_minute = 80;
  int content_creation_per_hour = 500;
  millis mutation_spacing{1000};
  // The login GitHub shows as `sender` for the daemon's own writes (echo suppression). Empty:
  // learned at start-up from GET /user (token) or set to "<slug>[bot]" for an App.
  std::string own_login;
};

struct http_settings {
  millis connect_timeout{10'000};
  millis tls_handshake_timeout{10'000};
  millis request_timeout{30'000};
  std::size_t max_response_bytes = 32u << 20;
  int pool_size_per_host = 8;
  std::string ca_file;  // extra trusted CA (PEM), added to the system store
};

struct database_settings {
  std::string url_env = "DATABASE_URL";
  secret url;
  int pool_size = 4;
  bool migrate_on_start = true;
};

struct server_settings {
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::size_t body_limit = 1u << 20;
  std::string github_webhook_secret_env;  // empty: GitHub webhooks disabled
  secret github_webhook_secret;
  bool notion_webhooks = false;
  // Names a variable holding the Notion webhook's verification token, confirmed by the operator
  // this way instead of `ngsync webhook confirm-notion-token`. Empty: the confirmed token in the
  // database is the key.
  std::string notion_webhook_token_env;
  secret notion_webhook_token;
};

struct queue_settings {
  int workers = 4;
  millis lease{60'000};
  int max_attempts = 10;
  millis backoff_base{2'000};
  millis backoff_max{600'000};
  seconds keep_completed{7 * 24 * 3600};
  seconds keep_audit{30 * 24 * 3600};
  // How often the leader prunes completed jobs, audit rows and webhook delivery ids.
  millis prune_interval{10 * 60'000};
};

// A GitHub Project (v2) the mapping's issues are put on (`sync.mappings[].project`).
struct project_settings {
  std::string owner;           // organization or user login
  bool owner_is_user = false;  // owner_type: organization (default) | user
  int number = 0;
  std::map<std::string, std::string> fields;  // Notion property -> project field name
  bool remove_when_closed = false;            // closing the issue removes its item
};

struct mapping {
  std::string name;
  // One of the two: a database (resolved to its data sources at start-up) or a data source.
  std::string database_id;
  std::string data_source_id;

  std::string repository;           // fixed `org/repo` (normalised to lower case) ...
  std::string repository_property;  // ... or read from this page property
  sync::issue_kind kind = sync::issue_kind::issue;
  std::string draft_pr_base = "main";

  // Notion properties the sync reads.
  std::string title_property = "Name";
  std::string status_property = "Status";
  std::string labels_property;     // multi_select; empty = labels not synced
  std::string assignees_property;  // people; empty = assignees not synced
  bool sync_body = true;
  // Notion properties the sync writes back; each optional (empty = not written).
  std::string issue_number_property;
  std::string issue_url_property;
  std::string sync_status_property;
  std::string last_sync_at_property;
  std::string sync_error_property;

  std::vector<std::string> create_statuses{"Ready for Dev"};
  // status name -> GitHub state_reason (completed | not_planned)
  std::map<std::string, std::string> close_statuses{{"Complete", "completed"},
                                                    {"Won't do", "not_planned"}};
  bool close_on_trash = true;
  std::string reopen_status = "In Progress";  // Notion status set when GitHub reopens

  // Notion user id or email -> GitHub login.
  std::map<std::string, std::string> users;

  // Who decides each field in the two-way sync: notion | github | newer_wins (sync-model §4).
  struct field_owners {
    std::string title = "notion";
    std::string body = "notion";
    std::string labels = "notion";
    std::string assignees = "notion";
    std::string status = "newer_wins";
  } ownership;
  std::optional<project_settings> project;
  std::string milestone_property;  // select or date -> milestone title; empty = not synced
  bool create_missing_milestones = false;
  bool mirror_comments = false;          // Notion page comments -> issue comments, one-way
  bool status_snapshot_comment = false;  // one issue comment with the synced fields' JSON
};

struct sync_settings {
  millis poll_interval{30'000};
  // Periodic reconciliation: a pass every interval (0 = off; `ngsync reconcile` runs a full one),
  // each verifying the slice of links that gets every link verified once per window.
  millis reconcile_interval{600'000};
  millis reconcile_window{86'400'000};
  millis watermark_overlap{120'000};
  // Several replicas on one database: the poll/reconcile leader lease, renewed every third of it.
  millis leader_lease{15'000};
  // Request budgets shared by all replicas through Postgres (table rate_budget).
  bool shared_rate_budget = true;
  // A page's job held by rate limits longer than this counts as stuck in `ngsync status` and
  // /metrics, and its page says how long it has waited.
  millis throttle_horizon{3'600'000};
  std::vector<mapping> mappings;
};

struct logging_settings {
  std::string level = "info";
  std::string format = "text";
  std::map<std::string, std::string> subsystem_levels;
};

struct config {
  std::string source_path;
  notion_settings notion;
  github_settings github;
  http_settings http;
  database_settings database;
  server_settings server;
  queue_settings queue;
  sync_settings sync;
  logging_settings logging;
};

}  // namespace ngsync::config

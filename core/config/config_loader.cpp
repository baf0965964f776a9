#include "core/config/config_loader.hpp"

#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>
#include <boost/url/parse.hpp>

#include "core/config/config_reader.hpp"
#include "core/config/values.hpp"

namespace ngsync::config {

std::string config_error::to_string() const {
  std::string where = file;
  if (line > 0) where += fmt::format(":{}:{}", line, column);
  return fmt::format("{}: {}: {}", where, key.empty() ? "(file)" : key, message);
}

std::optional<std::string> process_environment(const std::string& name) {
  if (const char* v = std::getenv(name.c_str())) return std::string(v);
  return std::nullopt;
}

std::string default_config_path(const std::optional<std::string>& from_flag) {
  if (from_flag && !from_flag->empty()) return *from_flag;
  if (auto env = process_environment("NGSYNC_CONFIG"); env && !env->empty()) return *env;
  return "/etc/ngsync/ngsync.yaml";
}

namespace {

using loading::reader;

// An API base URL carries the token to its host: https only, except on loopback (the sandbox,
// a local proxy), and a host other than the API's own is worth a warning (GitHub Enterprise
// Server and test setups are legitimate; a typo or a hostile config is not).
void check_base_url(reader& r, const YAML::Node& n, const std::string& path, const std::string& url,
                    std::string_view api_host) {
  if (!n["base_url"].IsDefined()) return;
  const auto key = path + ".base_url";
  auto parsed = boost::urls::parse_absolute_uri(url);
  if (!parsed || !parsed->has_authority() || parsed->host().empty()) {
    r.error(n["base_url"], key, "not an absolute URL (https://host[/prefix])");
    return;
  }
  const std::string scheme(parsed->scheme());
  const std::string host(parsed->host());
  const bool loopback = host == "localhost" || host.rfind("127.", 0) == 0 || host == "[::1]";
  if (scheme != "https" && !(scheme == "http" && loopback)) {
    r.error(n["base_url"], key,
            "must use https (http is accepted only on loopback, for the sandbox): the token "
            "would cross the network in clear text");
    return;
  }
  if (host != api_host && !loopback) {
    r.warning(n["base_url"], key,
              fmt::format("requests and the token go to {}, not {}", host, api_host));
  }
}

void read_rate_limit(reader& r, const YAML::Node& n, const std::string& path, rate_limit& out) {
  if (!n.IsDefined()) return;
  if (!r.section(n, path, {"requests_per_second", "burst", "max_concurrent"})) return;
  r.number(n, path, "requests_per_second", out.requests_per_second, 0.001);
  r.number(n, path, "burst", out.burst, 1);
  r.integer(n, path, "max_concurrent", out.max_concurrent, 1, 100);
}

void read_notion(reader& r, const YAML::Node& n, notion_settings& out) {
  const std::string p = "notion";
  if (!n.IsDefined()) {
    r.error(n, p, "required section is missing");
    return;
  }
  if (!r.section(n, p, {"base_url", "version", "token_env", "rate_limit"})) return;
  r.str(n, p, "base_url", out.base_url);
  check_base_url(r, n, p, out.base_url, "api.notion.com");
  r.str(n, p, "version", out.version);
  r.secret_from_env(n, p, "token_env", out.token_env, out.token, r.api_secrets());
  read_rate_limit(r, r.child(n, "rate_limit", p, false), p + ".rate_limit", out.limits);
}

void read_github(reader& r, const YAML::Node& n, github_settings& out) {
  const std::string p = "github";
  if (!n.IsDefined()) {
    r.error(n, p, "required section is missing");
    return;
  }
  if (!r.section(n, p,
                 {"base_url", "api_version", "token_env", "app", "rate_limit",
                  "content_creation_per_minute", "content_creation_per_hour", "mutation_spacing",
                  "own_login"})) {
    return;
  }
  r.str(n, p, "base_url", out.base_url);
  check_base_url(r, n, p, out.base_url, "api.github.com");
  r.str(n, p, "api_version", out.api_version);
  auto app = r.child(n, "app", p, false);
  if (app.IsDefined()) {
    if (n["token_env"].IsDefined()) {
      r.error(n["token_env"], p + ".token_env", "give either token_env or app, not both");
    }
    github_app a;
    const std::string ap = p + ".app";
    if (r.section(app, ap, {"client_id", "installation_id", "private_key_file"})) {
      r.str(app, ap, "client_id", a.client_id, true);
      r.integer(app, ap, "installation_id", a.installation_id, 1, (1LL << 62));
      if (!app["installation_id"].IsDefined()) {
        r.error(app, ap + ".installation_id", "required key is missing");
      }
      r.str(app, ap, "private_key_file", a.private_key_file, true);
      struct stat key_stat {};
      if (!a.private_key_file.empty() && ::stat(a.private_key_file.c_str(), &key_stat) == 0 &&
          (key_stat.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        // The App key mints tokens for every repository of the installation: a key others on
        // the machine can read is refused, like ssh refuses such a key.
        r.error(app["private_key_file"], ap + ".private_key_file",
                fmt::format("{} is readable by group or others (mode {:04o}); run chmod 600 {}",
                            a.private_key_file, key_stat.st_mode & 07777, a.private_key_file));
      } else if (!a.private_key_file.empty()) {
        std::ifstream in(a.private_key_file);
        if (!in) {
          r.error(app["private_key_file"], ap + ".private_key_file",
                  fmt::format("cannot read {}", a.private_key_file));
        } else {
          std::stringstream ss;
          ss << in.rdbuf();
          if (ss.str().find("PRIVATE KEY-----") == std::string::npos) {
            r.error(app["private_key_file"], ap + ".private_key_file",
                    fmt::format("{} is not a PEM private key", a.private_key_file));
          }
          a.private_key_pem = secret(ss.str());
        }
      }
    }
    out.app = std::move(a);
  } else {
    r.secret_from_env(n, p, "token_env", out.token_env, out.token, r.api_secrets());
  }
  read_rate_limit(r, r.child(n, "rate_limit", p, false), p + ".rate_limit", out.limits);
  r.integer(n, p, "content_creation_per_minute", out.content_creation_per_minute, 1, 10000000);
  r.integer(n, p, "content_creation_per_hour", out.content_creation_per_hour, 1, 10000000);
  r.duration(n, p, "mutation_spacing", out.mutation_spacing);
  r.str(n, p, "own_login", out.own_login);
}

void read_http(reader& r, const YAML::Node& n, http_settings& out) {
  const std::string p = "http";
  if (!n.IsDefined()) return;
  if (!r.section(n, p,
                 {"connect_timeout", "tls_handshake_timeout", "request_timeout",
                  "max_response_bytes", "pool_size_per_host", "ca_file"})) {
    return;
  }
  r.duration(n, p, "connect_timeout", out.connect_timeout);
  r.duration(n, p, "tls_handshake_timeout", out.tls_handshake_timeout);
  r.duration(n, p, "request_timeout", out.request_timeout);
  r.byte_size(n, p, "max_response_bytes", out.max_response_bytes);
  r.integer(n, p, "pool_size_per_host", out.pool_size_per_host, 1, 256);
  r.str(n, p, "ca_file", out.ca_file);
  if (!out.ca_file.empty() && !std::ifstream(out.ca_file)) {
    r.error(n["ca_file"], p + ".ca_file", fmt::format("cannot read {}", out.ca_file));
  }
}

void read_database(reader& r, const YAML::Node& n, database_settings& out) {
  const std::string p = "database";
  if (!n.IsDefined()) {
    r.error(n, p, "required section is missing");
    return;
  }
  if (!r.section(n, p, {"url_env", "pool_size", "migrate_on_start"})) return;
  r.secret_from_env(n, p, "url_env", out.url_env, out.url, true);
  r.integer(n, p, "pool_size", out.pool_size, 1, 64);
  r.boolean(n, p, "migrate_on_start", out.migrate_on_start);
}

void read_server(reader& r, const YAML::Node& n, server_settings& out) {
  const std::string p = "server";
  if (!n.IsDefined()) return;
  if (!r.section(n, p,
                 {"listen", "body_limit", "github_webhook_secret_env", "notion_webhooks",
                  "notion_webhook_token_env"})) {
    return;
  }
  std::string listen;
  r.str(n, p, "listen", listen);
  if (!listen.empty()) {
    // host:port, with IPv6 hosts in brackets: [::1]:8080
    auto colon = listen.rfind(':');
    bool ok = colon != std::string::npos && colon + 1 < listen.size();
    unsigned long port = 0;
    if (ok) {
      try {
        std::size_t used = 0;
        port = std::stoul(listen.substr(colon + 1), &used);
        ok = used == listen.size() - colon - 1 && port <= 65535;
      } catch (const std::exception&) {
        ok = false;
      }
    }
    if (!ok) {
      r.error(n["listen"], p + ".listen",
              fmt::format("'{}' is not host:port (e.g. 127.0.0.1:8080)", listen));
    } else {
      auto host = listen.substr(0, colon);
      if (host.size() > 1 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
      }
      out.listen_address = host.empty() ? "0.0.0.0" : host;
      out.listen_port = static_cast<std::uint16_t>(port);
    }
  }
  r.byte_size(n, p, "body_limit", out.body_limit);
  const bool wants_github = n["github_webhook_secret_env"].IsDefined();
  r.secret_from_env(n, p, "github_webhook_secret_env", out.github_webhook_secret_env,
                    out.github_webhook_secret, wants_github && r.api_secrets());
  r.boolean(n, p, "notion_webhooks", out.notion_webhooks);
  const bool names_notion_token = n["notion_webhook_token_env"].IsDefined();
  r.secret_from_env(n, p, "notion_webhook_token_env", out.notion_webhook_token_env,
                    out.notion_webhook_token, names_notion_token && r.api_secrets());
}

void read_queue(reader& r, const YAML::Node& n, queue_settings& out) {
  const std::string p = "queue";
  if (!n.IsDefined()) return;
  if (!r.section(n, p,
                 {"workers", "lease", "max_attempts", "backoff_base", "backoff_max",
                  "keep_completed", "keep_audit", "prune_interval"})) {
    return;
  }
  r.integer(n, p, "workers", out.workers, 1, 256);
  r.duration(n, p, "lease", out.lease);
  r.integer(n, p, "max_attempts", out.max_attempts, 1, 1000);
  r.duration(n, p, "backoff_base", out.backoff_base);
  r.duration(n, p, "backoff_max", out.backoff_max);
  r.duration(n, p, "keep_completed", out.keep_completed);
  r.duration(n, p, "keep_audit", out.keep_audit);
  r.duration(n, p, "prune_interval", out.prune_interval);
}

// Project board, milestone and comment options of one mapping (issue #8).
void read_project_extras(reader& r, const YAML::Node& n, const std::string& p, mapping& m) {
  auto proj = r.child(n, "project", p, false);
  if (proj.IsDefined() &&
      r.section(proj, p + ".project",
                {"owner", "owner_type", "number", "fields", "remove_when_closed"})) {
    const std::string pp = p + ".project";
    project_settings s;
    r.str(proj, pp, "owner", s.owner, true);
    std::string type = "organization";
    r.str(proj, pp, "owner_type", type);
    if (type == "user") {
      s.owner_is_user = true;
    } else if (type != "organization") {
      r.error(proj["owner_type"], pp + ".owner_type",
              fmt::format("must be organization or user, not '{}'", type));
    }
    if (!proj["number"].IsDefined()) r.error(proj, pp + ".number", "required key is missing");
    r.integer(proj, pp, "number", s.number, 1, 1'000'000'000);
    r.string_map(proj, pp, "fields", s.fields);
    for (const auto& [prop, field] : s.fields) {
      if (field.empty()) r.error(proj["fields"][prop], pp + ".fields." + prop, "must name a field");
    }
    r.boolean(proj, pp, "remove_when_closed", s.remove_when_closed);
    m.project = std::move(s);
  }
  r.str(n, p, "milestone_property", m.milestone_property);
  r.boolean(n, p, "create_missing_milestones", m.create_missing_milestones);
  if (m.create_missing_milestones && m.milestone_property.empty()) {
    r.error(n["create_missing_milestones"], p + ".create_missing_milestones",
            "needs milestone_property");
  }
  r.boolean(n, p, "mirror_comments", m.mirror_comments);
  r.boolean(n, p, "status_snapshot_comment", m.status_snapshot_comment);
}

// mappings[].notion: which database (or data source) the mapping reads; either id form
// normalised, exactly one of the two.
void read_mapping_notion(reader& r, const YAML::Node& n, const std::string& p, mapping& m) {
  auto notion = r.child(n, "notion", p, true);
  if (!notion.IsDefined() || !r.section(notion, p + ".notion", {"database_id", "data_source_id"}))
    return;
  const std::string np = p + ".notion";
  for (auto [key, target] :
       {std::pair{"database_id", &m.database_id}, std::pair{"data_source_id", &m.data_source_id}}) {
    std::string raw;
    r.str(notion, np, key, raw);
    if (raw.empty()) continue;
    if (auto id = normalize_notion_id(raw)) {
      *target = *id;
    } else {
      r.error(notion[key], np + "." + key,
              fmt::format("'{}' is not a Notion id (32 hex digits, or a Notion URL)", raw));
    }
  }
  if (!notion["database_id"].IsDefined() && !notion["data_source_id"].IsDefined()) {
    r.error(notion, np, "give database_id or data_source_id");
  } else if (notion["database_id"].IsDefined() && notion["data_source_id"].IsDefined()) {
    r.error(notion, np, "give database_id or data_source_id, not both");
  }
}

// mappings[].github: where the issues go (one fixed repository, or a page property naming it)
// and whether they are issues or draft pull requests.
void read_mapping_github(reader& r, const YAML::Node& n, const std::string& p, mapping& m) {
  auto gh = r.child(n, "github", p, true);
  if (!gh.IsDefined() ||
      !r.section(gh, p + ".github", {"repository", "repository_property", "kind", "draft_pr_base"}))
    return;
  const std::string gp = p + ".github";
  std::string repo;
  r.str(gh, gp, "repository", repo);
  r.str(gh, gp, "repository_property", m.repository_property);
  if (!repo.empty()) {
    if (auto norm = normalize_repository(repo)) {
      m.repository = *norm;
    } else {
      r.error(gh["repository"], gp + ".repository",
              fmt::format("'{}' is not a repository name of the form org/repo", repo));
    }
  }
  if (repo.empty() && m.repository_property.empty()) {
    r.error(gh, gp, "give repository (org/repo) or repository_property");
  } else if (!repo.empty() && !m.repository_property.empty()) {
    r.error(gh, gp, "give repository or repository_property, not both");
  }
  std::string kind;
  r.str(gh, gp, "kind", kind);
  if (auto k = sync::issue_kind_from(kind)) {
    m.kind = *k;
  } else if (!kind.empty()) {
    r.error(gh["kind"], gp + ".kind", fmt::format("must be issue or draft_pr, not '{}'", kind));
  }
  r.str(gh, gp, "draft_pr_base", m.draft_pr_base);
}

// mappings[].properties: the names of the Notion properties the sync reads and writes.
void read_mapping_properties(reader& r, const YAML::Node& n, const std::string& p, mapping& m) {
  auto props = r.child(n, "properties", p, false);
  if (!props.IsDefined() ||
      !r.section(props, p + ".properties",
                 {"title", "status", "labels", "assignees", "body", "issue_number", "issue_url",
                  "sync_status", "last_sync_at", "sync_error"}))
    return;
  const std::string pp = p + ".properties";
  r.str(props, pp, "title", m.title_property);
  r.str(props, pp, "status", m.status_property);
  r.str(props, pp, "labels", m.labels_property);
  r.str(props, pp, "assignees", m.assignees_property);
  r.boolean(props, pp, "body", m.sync_body);
  r.str(props, pp, "issue_number", m.issue_number_property);
  r.str(props, pp, "issue_url", m.issue_url_property);
  r.str(props, pp, "sync_status", m.sync_status_property);
  r.str(props, pp, "last_sync_at", m.last_sync_at_property);
  r.str(props, pp, "sync_error", m.sync_error_property);
}

// mappings[].status: which Notion statuses create, close (with GitHub's state reason) and
// reopen the issue. A mapping with no creating status could never create anything, so that is
// an error even when the section is missing.
void read_mapping_status_rules(reader& r, const YAML::Node& n, const std::string& p, mapping& m) {
  auto status = r.child(n, "status", p, false);
  if (status.IsDefined() &&
      r.section(status, p + ".status", {"create", "close", "close_on_trash", "reopen_to"})) {
    const std::string sp = p + ".status";
    r.string_list(status, sp, "create", m.create_statuses);
    r.string_map(status, sp, "close", m.close_statuses);
    for (const auto& [name, reason] : m.close_statuses) {
      if (reason != "completed" && reason != "not_planned") {
        r.error(status["close"][name], sp + ".close." + name,
                fmt::format("state reason must be completed or not_planned, not '{}'", reason));
      }
    }
    for (const auto& c : m.create_statuses) {
      if (m.close_statuses.count(c)) {
        r.error(status["create"], sp + ".create",
                fmt::format("status '{}' cannot both create and close", c));
      }
    }
    r.boolean(status, sp, "close_on_trash", m.close_on_trash);
    r.str(status, sp, "reopen_to", m.reopen_status);
  }
  if (m.create_statuses.empty()) {
    r.error(status.IsDefined() ? status : n, p + ".status.create",
            "at least one status must create the issue");
  }
}

// mappings[].ownership: per field, which side wins a disagreement.
void read_mapping_ownership(reader& r, const YAML::Node& n, const std::string& p, mapping& m) {
  auto own = r.child(n, "ownership", p, false);
  if (!own.IsDefined() ||
      !r.section(own, p + ".ownership", {"title", "body", "labels", "assignees", "status"}))
    return;
  const std::string op = p + ".ownership";
  auto& o = m.ownership;
  for (auto [key, target] :
       {std::pair{"title", &o.title}, std::pair{"body", &o.body}, std::pair{"labels", &o.labels},
        std::pair{"assignees", &o.assignees}, std::pair{"status", &o.status}}) {
    r.str(own, op, key, *target);
    if (*target != "notion" && *target != "github" && *target != "newer_wins") {
      r.error(own[key], op + "." + key,
              fmt::format("must be notion, github or newer_wins, not '{}'", *target));
    }
  }
}

// One entry of sync.mappings, section by section; the order is the order errors are reported in.
void read_mapping(reader& r, const YAML::Node& n, const std::string& p, mapping& m) {
  if (!r.section(n, p,
                 {"name", "notion", "github", "properties", "status", "users", "ownership",
                  "project", "milestone_property", "create_missing_milestones", "mirror_comments",
                  "status_snapshot_comment"}))
    return;
  r.str(n, p, "name", m.name, true);
  read_mapping_notion(r, n, p, m);
  read_mapping_github(r, n, p, m);
  read_mapping_properties(r, n, p, m);
  read_mapping_status_rules(r, n, p, m);
  r.string_map(n, p, "users", m.users);  // Notion user id or email -> GitHub login
  read_mapping_ownership(r, n, p, m);
  read_project_extras(r, n, p, m);
}

void read_sync(reader& r, const YAML::Node& n, sync_settings& out) {
  const std::string p = "sync";
  if (!n.IsDefined()) {
    r.error(n, p, "required section is missing");
    return;
  }
  if (!r.section(n, p,
                 {"poll_interval", "watermark_overlap", "mappings", "reconcile_interval",
                  "reconcile_window", "leader_lease", "shared_rate_budget", "throttle_horizon"}))
    return;
  r.duration(n, p, "poll_interval", out.poll_interval);
  r.duration(n, p, "reconcile_interval", out.reconcile_interval);
  r.duration(n, p, "reconcile_window", out.reconcile_window);
  r.duration(n, p, "watermark_overlap", out.watermark_overlap);
  r.duration(n, p, "leader_lease", out.leader_lease);
  r.boolean(n, p, "shared_rate_budget", out.shared_rate_budget);
  r.duration(n, p, "throttle_horizon", out.throttle_horizon);
  if (out.throttle_horizon < std::chrono::minutes(1)) {
    r.error(n["throttle_horizon"], p + ".throttle_horizon", "must be at least 1m");
  }
  if (out.leader_lease < std::chrono::seconds(1)) {
    r.error(n["leader_lease"], p + ".leader_lease", "must be at least 1s");
  }
  if (out.poll_interval < std::chrono::seconds(1)) {
    r.error(n["poll_interval"], p + ".poll_interval", "must be at least 1s");
  }
  if (out.reconcile_window < std::chrono::minutes(1)) {
    r.error(n["reconcile_window"], p + ".reconcile_window", "must be at least 1m");
  }
  auto maps = r.child(n, "mappings", p, true);
  if (!maps.IsDefined()) return;
  if (!maps.IsSequence() || maps.size() == 0) {
    r.error(maps, p + ".mappings", "must be a non-empty list of mappings");
    return;
  }
  std::map<std::string, std::string> seen_names;  // name -> path
  std::map<std::string, std::string> seen_sources;
  for (std::size_t i = 0; i < maps.size(); ++i) {
    const auto mp = fmt::format("{}.mappings[{}]", p, i);
    mapping m;
    read_mapping(r, maps[i], mp, m);
    if (!m.name.empty()) {
      auto [it, fresh] = seen_names.emplace(m.name, mp);
      if (!fresh) {
        r.error(maps[i]["name"], mp + ".name",
                fmt::format("duplicate mapping name '{}' (also at {})", m.name, it->second));
      }
    }
    const auto source = m.database_id.empty() ? m.data_source_id : m.database_id;
    if (!source.empty()) {
      auto [it, fresh] = seen_sources.emplace(source, mp);
      if (!fresh) {
        r.error(maps[i]["notion"], mp + ".notion",
                fmt::format("duplicate mapping: {} is already mapped at {}", source, it->second));
      }
    }
    out.mappings.push_back(std::move(m));
  }
}

void read_logging(reader& r, const YAML::Node& n, logging_settings& out) {
  const std::string p = "logging";
  if (!n.IsDefined()) return;
  if (!r.section(n, p, {"level", "format", "levels"})) return;
  static const std::set<std::string> levels{"trace", "debug",    "info", "warn",
                                            "error", "critical", "off"};
  r.str(n, p, "level", out.level);
  if (!levels.count(out.level)) {
    r.error(n["level"], p + ".level", fmt::format("unknown level '{}'", out.level));
  }
  r.str(n, p, "format", out.format);
  if (out.format != "text" && out.format != "json") {
    r.error(n["format"], p + ".format", fmt::format("must be text or json, not '{}'", out.format));
  }
  r.string_map(n, p, "levels", out.subsystem_levels);
  for (const auto& [sub, level] : out.subsystem_levels) {
    if (!levels.count(level)) {
      r.error(n["levels"][sub], p + ".levels." + sub, fmt::format("unknown level '{}'", level));
    }
  }
}

}  // namespace

load_result load_config_text(std::string_view yaml, const std::string& file_name,
                             const env_lookup& env, secrets_needed needed) {
  load_result result;
  YAML::Node root;
  try {
    root = YAML::Load(std::string(yaml));
  } catch (const YAML::ParserException& e) {
    result.errors.push_back(
        {file_name, e.mark.line + 1, e.mark.column + 1, "", "not valid YAML: " + e.msg});
    return result;
  }
  reader r(file_name, env, result.errors, result.warnings, needed);
  config c;
  c.source_path = file_name;
  if (!root.IsDefined() || root.IsNull()) {
    r.error(root, "", "the file is empty");
    return result;
  }
  if (r.section(root, "",
                {"notion", "github", "http", "database", "server", "queue", "sync", "logging"})) {
    read_notion(r, r.child(root, "notion", "", false), c.notion);
    read_github(r, r.child(root, "github", "", false), c.github);
    read_http(r, r.child(root, "http", "", false), c.http);
    read_database(r, r.child(root, "database", "", false), c.database);
    read_server(r, r.child(root, "server", "", false), c.server);
    read_queue(r, r.child(root, "queue", "", false), c.queue);
    read_sync(r, r.child(root, "sync", "", false), c.sync);
    read_logging(r, r.child(root, "logging", "", false), c.logging);
  }
  // Required top-level sections that are missing entirely have no node to point at.
  for (auto& e : result.errors) {
    if (e.line == 0 && root.IsMap()) e.line = 1, e.column = 1;
  }
  if (result.errors.empty()) result.value = std::move(c);
  return result;
}

load_result load_config_file(const std::string& path, const env_lookup& env,
                             secrets_needed needed) {
  std::ifstream in(path);
  if (!in) {
    load_result r;
    r.errors.push_back({path, 0, 0, "", "cannot open the configuration file"});
    return r;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return load_config_text(ss.str(), path, env, needed);
}

}  // namespace ngsync::config

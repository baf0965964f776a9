// `ngsync setup-notion [--apply]`: checks every mapping's Notion data source against the
// properties the config reads and writes back; with --apply adds the missing write-back
// properties (and missing sync-status options) through PATCH /v1/data_sources/{id}.
// Needs only the Notion token: no database, no GitHub.
#include <iostream>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/api/api_failure.hpp"
#include "core/http/client.hpp"
#include "core/log/logging.hpp"
#include "core/notion/notion_client.hpp"
#include "core/ratelimit/api_caller.hpp"
#include "daemon/cli.hpp"
#include "daemon/commands.hpp"
#include "daemon/notion_schema_check.hpp"

namespace ngsync::daemon {
namespace net = boost::asio;
namespace json = boost::json;

namespace {

struct setup_totals {
  std::size_t problems = 0;  // left after this run
  std::size_t applied = 0;   // properties patched
};

// Pointers, not references: coroutine parameters are copied into the frame (house rule).
net::awaitable<void> setup_mapping(notion::notion_client* client, const config::mapping* mp,
                                   bool apply, setup_totals* totals) {
  const auto& m = *mp;
  std::vector<std::string> sources;
  if (!m.database_id.empty()) {
    std::string database = m.database_id;
    sources = co_await client->data_sources_of(std::move(database));
  } else {
    sources.push_back(m.data_source_id);
  }
  for (const auto& id : sources) {
    std::string ds_id = id;
    auto schema = co_await client->get_data_source(std::move(ds_id));
    auto report = check_notion_schema(m, schema.as_object());
    std::cout << "mapping " << m.name << ", data source " << id << ": " << report.problems()
              << " problem(s)\n"
              << describe(report);
    if (apply && !report.patch.empty()) {
      std::cout << "  applying: " << report.patch.size() << " propert"
                << (report.patch.size() == 1 ? "y" : "ies") << " (" << json::serialize(report.patch)
                << ")\n";
      std::string target = id;
      json::object patch = report.patch;
      auto updated = co_await client->update_data_source(std::move(target), std::move(patch));
      totals->applied += report.patch.size();
      report = check_notion_schema(m, updated.as_object());
      std::cout << "  after --apply: " << report.problems() << " problem(s)\n" << describe(report);
    }
    totals->problems += report.problems();
  }
}

}  // namespace

int command_setup_notion(const config::config& c, bool apply) {
  net::io_context io{1};
  http::client_config hc;
  hc.tls.extra_ca_file = c.http.ca_file;
  hc.proxy = http::proxy_settings::from_environment();
  hc.connect_timeout = c.http.connect_timeout;
  hc.handshake_timeout = c.http.tls_handshake_timeout;
  hc.request_timeout = c.http.request_timeout;
  hc.body_limit = c.http.max_response_bytes;
  hc.user_agent = std::string("ngsync/") + NGSYNC_VERSION;
  http::client http(io.get_executor(), hc);

  ratelimit::api_caller_config nc;
  nc.name = "notion";
  nc.flavor = ratelimit::api_flavor::notion;
  nc.base_url = c.notion.base_url;
  nc.default_headers.set("Notion-Version", c.notion.version);
  nc.default_headers.set("User-Agent", hc.user_agent);
  nc.budget.rate_per_second = c.notion.limits.requests_per_second;
  nc.budget.burst = c.notion.limits.burst;
  nc.max_concurrent = static_cast<std::size_t>(c.notion.limits.max_concurrent);
  ratelimit::api_caller caller(http, nc);
  const std::string auth = "Bearer " + c.notion.token.reveal();
  caller.set_authorization_provider(
      [auth](bool) -> net::awaitable<std::string> { co_return auth; });
  notion::notion_client client(caller);

  setup_totals totals;
  std::exception_ptr failure;
  auto work = [&]() -> net::awaitable<void> {
    for (const auto& m : c.sync.mappings) co_await setup_mapping(&client, &m, apply, &totals);
    http.close_idle();
  };
  net::co_spawn(io, std::move(work), [&failure](std::exception_ptr e) { failure = e; });
  io.run();
  if (failure) {
    try {
      std::rethrow_exception(failure);
    } catch (const std::exception& e) {
      std::cerr << "ngsync setup-notion: " << log::redact(e.what()) << "\n";
      return exit_failure;
    }
  }
  if (totals.problems == 0) {
    std::cout << "setup-notion: the schema has everything the configuration needs"
              << (totals.applied ? " (after adding " + std::to_string(totals.applied) + ")" : "")
              << "\n";
    return exit_ok;
  }
  std::cout << "setup-notion: " << totals.problems << " problem(s) left"
            << (apply ? "; the rest need a change in Notion itself"
                      : "; run with --apply to add the missing write-back properties")
            << "\n";
  return exit_failure;
}

}  // namespace ngsync::daemon

// ngsync-sandbox: the Notion and GitHub API emulators over HTTPS on loopback, plus a plain-HTTP
// control API. Prints (and writes to --ready-file) its ports and CA file once listening.
#include <unistd.h>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>

#include <CLI/CLI.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/http/server.hpp"
#include "core/log/logging.hpp"
#include "tests/sandbox/src/github/github_emulator.hpp"
#include "tests/sandbox/src/notion/notion_emulator.hpp"
#include "tests/sandbox/src/sandbox_host.hpp"
#include "tests/sandbox/src/scenario_file.hpp"
#include "tests/support/tls_files.hpp"

namespace net = boost::asio;
namespace json = boost::json;
namespace nh = ngsync::http;
namespace sb = ngsync::sandbox;

namespace {

struct sandbox_options {
  std::string scenario_path, listen = "127.0.0.1", tls_dir, ready_file, github_prefix;
  std::optional<std::uint64_t> seed;
  std::uint16_t notion_port = 0, github_port = 0, control_port = 0;
};

void add_options(CLI::App& app, sandbox_options& o) {
  app.add_option("--scenario", o.scenario_path, "scenario file (JSON, or YAML by extension)")
      ->required();
  app.add_option("--seed", o.seed, "random seed (overrides the scenario's)");
  app.add_option("--listen", o.listen, "address to listen on (loopback by default)");
  app.add_option("--notion-port", o.notion_port, "Notion API port (0 = ephemeral)");
  app.add_option("--github-port", o.github_port, "GitHub API port (0 = ephemeral)");
  app.add_option("--control-port", o.control_port, "control API port (0 = ephemeral)");
  app.add_option("--tls-dir", o.tls_dir, "where ca.pem, server.pem, server.key live or are made");
  app.add_option("--ready-file", o.ready_file, "write the ready JSON here once listening");
  app.add_option("--github-prefix", o.github_prefix,
                 "serve GitHub like Enterprise Server: REST under this path (e.g. /api/v3), "
                 "GraphQL at /api/graphql")
      ->check([](const std::string& p) -> std::string {
        if (p.size() < 2 || p.front() != '/' || p.back() == '/' || p.find("//") != p.npos ||
            p.find_first_of("?#") != p.npos)
          return "must be a path such as /api/v3 (leading slash, no trailing slash)";
        return {};
      });
}

void announce_ready(const std::string& text, const std::string& ready_file) {
  if (!ready_file.empty()) {
    // Written whole then renamed, so a watcher never reads half a file.
    const auto tmp = ready_file + ".tmp";
    std::ofstream(tmp) << text << "\n";
    std::filesystem::rename(tmp, ready_file);
  }
  std::cout << "ngsync-sandbox ready " << text << std::endl;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"ngsync-sandbox: Notion and GitHub API emulators for tests"};
  sandbox_options opts;
  add_options(app, opts);
  CLI11_PARSE(app, argc, argv);

  auto log = ngsync::log::get("sandbox");
  try {
    const auto address = net::ip::make_address(opts.listen);
    if (!address.is_loopback())
      log->warn("listening on non-loopback address={}: the emulators accept any token-holder",
                opts.listen);
    if (opts.tls_dir.empty())
      opts.tls_dir = (std::filesystem::temp_directory_path() / "ngsync-sandbox-tls").string();
    std::vector<std::string> hosts{"127.0.0.1", "localhost"};
    if (opts.listen != "127.0.0.1") hosts.push_back(opts.listen);
    const auto files = ngsync::test::ensure_server_tls_files(opts.tls_dir, hosts);
    const auto ca_file = std::filesystem::absolute(files.ca_cert).string();

    net::io_context ioc;
    sb::sandbox_host host(ioc.get_executor(), opts.seed.value_or(1));
    if (opts.seed) host.pin_seed(*opts.seed);
    host.add(sb::make_notion_emulator(host.services()));
    host.add(sb::make_github_emulator(host.services(), opts.github_prefix));
    host.load_scenario(sb::read_scenario_file(opts.scenario_path));

    auto tls = ngsync::test::make_server_tls_context(files);
    auto make = [&](std::uint16_t port, std::shared_ptr<net::ssl::context> ctx, nh::handler h) {
      nh::server_options o;
      o.address = opts.listen;
      o.port = port;
      o.tls = std::move(ctx);
      o.body_limit = 8 * 1024 * 1024;
      o.server_header = "ngsync-sandbox";
      auto s = std::make_unique<nh::server>(ioc.get_executor(), o, std::move(h));
      s->start();
      return s;
    };
    auto notion = make(opts.notion_port, tls, host.api_handler("notion"));
    auto github = make(opts.github_port, tls, host.api_handler("github"));
    auto control = make(opts.control_port, nullptr, host.control_handler());

    const auto url = [&](const char* scheme, std::uint16_t port) {
      const bool v6 = address.is_v6();
      return std::string(scheme) + "://" + (v6 ? "[" + opts.listen + "]" : opts.listen) + ":" +
             std::to_string(port);
    };
    json::object ready{
        {"notion", json::object{{"port", notion->port()}, {"url", url("https", notion->port())}}},
        // The REST base URL a client configures (github.base_url), prefix included.
        {"github", json::object{{"port", github->port()},
                                {"url", url("https", github->port()) + opts.github_prefix}}},
        {"control", json::object{{"port", control->port()}, {"url", url("http", control->port())}}},
        {"ca_file", ca_file},
        {"pid", static_cast<std::int64_t>(::getpid())}};
    const auto text = json::serialize(ready);
    announce_ready(text, opts.ready_file);

    net::signal_set signals(ioc, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
      net::co_spawn(
          ioc,
          [&]() -> net::awaitable<void> {
            co_await notion->stop();
            co_await github->stop();
            co_await control->stop();
            ioc.stop();
          },
          net::detached);
    });
    ioc.run();
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "ngsync-sandbox: " << e.what() << "\n";
    return 2;
  }
}

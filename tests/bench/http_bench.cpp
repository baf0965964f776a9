// HTTP client benchmark: requests/s and client CPU per request against a local HTTPS server,
// with keep-alive pooling on and off. The server runs on its own thread; CPU is measured for
// the client thread only (getrusage RUSAGE_THREAD). Run through scripts/bench-http.sh.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "core/http/client.hpp"
#include "tests/core/support/test_https_server.hpp"
#include "tests/core/support/test_tls.hpp"

namespace net = boost::asio;
namespace http = ngsync::http;

namespace {

double thread_cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_THREAD, &ru);
  auto tv = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return tv(ru.ru_utime) + tv(ru.ru_stime);
}

struct figures {
  double requests_per_second;
  double cpu_us_per_request;
  int connections;
  int failures;
};

figures run(const ngsync::test::test_pki& pki, bool pooling, int requests, int concurrency) {
  ngsync::test::server_options so;
  so.cert_file = pki.valid.cert;
  so.key_file = pki.valid.key;
  so.handler = [](const ngsync::test::seen_request&) {
    ngsync::test::server_reply r;
    r.body = std::string(512, 'x');  // a small JSON-sized answer
    return r;
  };
  ngsync::test::test_https_server server(so);
  net::io_context ioc;
  http::client_config cfg;
  cfg.tls.use_system_store = false;
  cfg.tls.extra_ca_file = pki.ca_cert;
  cfg.pooling = pooling;
  cfg.max_connections_per_origin = static_cast<std::size_t>(concurrency);
  http::client client(ioc.get_executor(), cfg);
  int next = 0, failures = 0;
  const std::string url = server.url("/bench");
  const double cpu0 = thread_cpu_seconds();
  const auto t0 = std::chrono::steady_clock::now();
  for (int w = 0; w < concurrency; ++w) {
    net::co_spawn(
        ioc,
        [&]() -> net::awaitable<void> {
          while (next < requests) {
            ++next;
            http::request req;
            req.url = url;
            auto r = co_await client.send(req);
            if (!r || r->status != 200) ++failures;
          }
        },
        net::detached);
  }
  ioc.run();
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = thread_cpu_seconds() - cpu0;
  return {requests / wall, cpu * 1e6 / requests, server.connections(), failures};
}

}  // namespace

int main(int argc, char** argv) {
  const int requests = argc > 1 ? std::atoi(argv[1]) : 2000;
  const int concurrency = argc > 2 ? std::atoi(argv[2]) : 4;
  const auto& pki = ngsync::test::shared_pki();
  std::printf(
      "ngsync_http_bench: %d GETs over HTTPS (TLS 1.3, P-256) on loopback, concurrency %d\n",
      requests, concurrency);
  const auto on = run(pki, true, requests, concurrency);
  const auto off = run(pki, false, requests, concurrency);
  for (auto [name, f] : {std::pair{"pooling on ", on}, std::pair{"pooling off", off}}) {
    std::printf(
        "%s: %9.0f req/s  %8.1f us CPU/request (client thread)  connections=%d failures=%d\n", name,
        f.requests_per_second, f.cpu_us_per_request, f.connections, f.failures);
  }
  std::printf("ratio on/off: throughput x%.1f, CPU per request /%.1f\n",
              on.requests_per_second / off.requests_per_second,
              off.cpu_us_per_request / on.cpu_us_per_request);
  return on.failures + off.failures == 0 ? 0 : 1;
}

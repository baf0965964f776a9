// The GitHub App authenticator against a real TLS server on loopback: each installation token it
// mints is registered for log redaction once, and forgotten once it expired, however many
// requests it authorizes.
#include <doctest/doctest.h>

#include <atomic>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "core/github/app_auth.hpp"
#include "core/log/logging.hpp"
#include "tests/core/support/run_coro.hpp"
#include "tests/core/support/test_https_server.hpp"
#include "tests/core/support/test_tls.hpp"

namespace net = boost::asio;
namespace http = ngsync::http;
using namespace std::chrono_literals;

namespace {

std::string rsa_key_pem() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  REQUIRE(key != nullptr);
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
  REQUIRE(PEM_write_bio_PrivateKey(bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) ==
          1);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(n));
}

}  // namespace

TEST_CASE("app tokens: each minted token is registered once and forgotten after it expired") {
  std::atomic<int> minted{0};
  ngsync::test::server_options o;
  const auto& pki = ngsync::test::shared_pki();
  o.cert_file = pki.valid.cert;
  o.key_file = pki.valid.key;
  // Tokens that live two seconds, so the test sees one expire.
  o.handler = [&](const ngsync::test::seen_request& r) {
    ngsync::test::server_reply reply;
    if (r.method != "POST" || r.target != "/app/installations/7/access_tokens") {
      reply.status = 404;
      return reply;
    }
    const int n = ++minted;
    reply.status = 201;
    reply.body = fmt::format(
        R"({{"token":"ghs_testinstallationtoken{:04d}","expires_at":"{}"}})", n,
        fmt::format("{:%Y-%m-%dT%H:%M:%SZ}",
                    std::chrono::time_point_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now() + 2s)));
    return reply;
  };
  ngsync::test::test_https_server server(o);
  net::io_context ioc;
  http::client_config cc;
  cc.tls.use_system_store = false;
  cc.tls.extra_ca_file = pki.ca_cert;
  http::client client(ioc.get_executor(), cc);
  ngsync::github::app_authenticator auth(client, server.url(""), "2022-11-28", "Iv1.test", 7,
                                         rsa_key_pem());

  const auto before = ngsync::log::registered_secret_count();
  // 10,000 authorizations, as 10,000 API requests ask for them.
  std::string first;
  for (int i = 0; i < 10000; ++i) {
    auto value = ngsync::test::run_coro(ioc, auth.authorization(false));
    if (i == 0) first = value;
  }
  CHECK(first.rfind("Bearer ghs_testinstallationtoken", 0) == 0);
  const auto minted_during = minted.load();
  CHECK(ngsync::log::registered_secret_count() == before + static_cast<std::size_t>(minted_during));
  CHECK(minted_during <= 2);  // cached, refreshed ahead of its 2 s life at most once
  CHECK(ngsync::log::redact(first) == "Bearer [redacted]");

  // After expiry the next mint replaces it: the list does not grow with time.
  std::this_thread::sleep_for(2100ms);
  for (int i = 0; i < 1000; ++i) ngsync::test::run_coro(ioc, auth.authorization(false));
  CHECK(minted.load() > minted_during);
  CHECK(ngsync::log::registered_secret_count() == before + 1);
  // The same value registered again is not a second entry.
  ngsync::log::register_secret("a-lifetime-secret-value");
  ngsync::log::register_secret("a-lifetime-secret-value");
  CHECK(ngsync::log::registered_secret_count() == before + 2);
}

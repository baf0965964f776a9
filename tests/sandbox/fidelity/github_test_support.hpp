#pragma once
// Shared pieces of the GitHub emulator's fidelity tests: an in-process client that runs the
// emulator's handle() on an io_context, recorded violations and webhooks, and App JWT signing.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/json.hpp>

#include "tests/sandbox/src/emulator.hpp"
#include "tests/sandbox/src/github/github_emulator.hpp"

namespace ngsync::sandbox::fidelity {

namespace json = boost::json;

struct recorded_webhook {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  std::string header(const std::string& name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return {};
  }
};

struct recorded_violation {
  std::string api, endpoint, why;
};

// One emulator with its own clock, random source and recorders.
class github_harness {
 public:
  // `rest_prefix`: the GitHub Enterprise Server layout (make_github_emulator), e.g. "/api/v3".
  explicit github_harness(double limit_speed = 1.0, std::string rest_prefix = {})
      : speed_(limit_speed) {
    sandbox_services services;
    services.clock = &clock;
    services.random = [this] {
      seed_ = seed_ * 6364136223846793005ULL + 1442695040888963407ULL;
      return seed_ >> 11;
    };
    services.record_violation = [this](std::string api, std::string endpoint, std::string why) {
      violations.push_back({std::move(api), std::move(endpoint), std::move(why)});
    };
    services.limit_speed = [this] { return speed_; };
    services.post_webhook = [this](std::string url,
                                   std::vector<std::pair<std::string, std::string>> headers,
                                   std::string body) {
      webhooks.push_back({std::move(url), std::move(headers), std::move(body)});
    };
    emu = make_github_emulator(std::move(services), std::move(rest_prefix));
  }

  api_response send(api_request req) {
    std::optional<api_response> out;
    io_.restart();
    boost::asio::co_spawn(io_, emu->handle(std::move(req)),
                          [&](std::exception_ptr e, api_response res) {
                            if (e) std::rethrow_exception(e);
                            out = std::move(res);
                          });
    io_.run();
    return std::move(*out);
  }

  // A request as the daemon sends it; an empty token sends no Authorization header.
  static api_request make(http::verb method, const std::string& target, const std::string& token,
                          const std::string& body = {}) {
    api_request req{method, target, 11};
    req.set(http::field::host, "sandbox.test:8443");
    req.set(http::field::user_agent, "ngsync-test/1.0");
    req.set(http::field::accept, "application/vnd.github+json");
    req.set("X-GitHub-Api-Version", "2022-11-28");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    if (!body.empty()) {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    req.prepare_payload();
    return req;
  }

  api_response request(http::verb method, const std::string& target, const std::string& token,
                       const json::value& body = nullptr) {
    return send(make(method, target, token, body.is_null() ? "" : json::serialize(body)));
  }

  sandbox_clock clock;
  std::unique_ptr<emulator> emu;
  std::vector<recorded_webhook> webhooks;
  std::vector<recorded_violation> violations;

 private:
  double speed_;
  std::uint64_t seed_ = 42;
  boost::asio::io_context io_;
};

inline json::value body_of(const api_response& res) {
  return json::parse(res.body());
}

// A scenario with one owner, one collaborator, one token each, and one repository.
inline json::object basic_scenario() {
  return json::parse(R"({
    "web_base": "https://github.example",
    "users": [{"login": "octo", "id": 101}, {"login": "helper", "id": 102},
              {"login": "outsider", "id": 103}],
    "tokens": [{"token": "tok-octo", "login": "octo"}, {"token": "tok-outsider", "login": "outsider"}],
    "repos": [{"full_name": "octo/tracker", "id": 9001, "collaborators": ["helper"],
               "labels": ["bug", {"name": "sync", "color": "00ff00", "description": "synced"}],
               "milestones": [{"number": 1, "title": "v1"}]}]
  })")
      .as_object();
}

inline std::string base64url(const std::string& raw) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : raw) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(a[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(a[(buffer << (6 - bits)) & 0x3f]);
  return out;
}

// An RSA key pair, as a GitHub App's private key and the public half the scenario holds.
class rsa_key {
 public:
  rsa_key() : key_(EVP_RSA_gen(2048), EVP_PKEY_free) {}

  std::string public_pem() const {
    BIO* bio = BIO_new(BIO_s_mem());
    PEM_write_bio_PUBKEY(bio, key_.get());
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string pem(data, static_cast<std::size_t>(size));
    BIO_free(bio);
    return pem;
  }

  // An RS256 JWT over `claims`, as an App signs it.
  std::string sign_jwt(const json::object& claims) const {
    const std::string signing_input =
        base64url(R"({"alg":"RS256","typ":"JWT"})") + "." + base64url(json::serialize(claims));
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key_.get());
    std::size_t size = 0;
    EVP_DigestSign(ctx, nullptr, &size,
                   reinterpret_cast<const unsigned char*>(signing_input.data()),
                   signing_input.size());
    std::string signature(size, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &size,
                   reinterpret_cast<const unsigned char*>(signing_input.data()),
                   signing_input.size());
    EVP_MD_CTX_free(ctx);
    signature.resize(size);
    return signing_input + "." + base64url(signature);
  }

 private:
  std::unique_ptr<EVP_PKEY, void (*)(EVP_PKEY*)> key_;
};

inline std::int64_t epoch_seconds(const sandbox_clock& clock) {
  return std::chrono::duration_cast<std::chrono::seconds>(clock.now().time_since_epoch()).count();
}

}  // namespace ngsync::sandbox::fidelity

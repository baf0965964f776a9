#include "core/github/app_auth.hpp"

#include <memory>
#include <stdexcept>

#include <date/date.h>
#include <fmt/format.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "core/log/logging.hpp"

namespace ngsync::github {
namespace net = boost::asio;

std::string base64url(std::string_view bytes) {
  static constexpr char alphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const auto n = (static_cast<unsigned char>(bytes[i]) << 16) |
                   (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                   static_cast<unsigned char>(bytes[i + 2]);
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    out += alphabet[(n >> 6) & 63];
    out += alphabet[n & 63];
  }
  if (const auto rest = bytes.size() - i; rest > 0) {
    auto n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += alphabet[(n >> 18) & 63];
    out += alphabet[(n >> 12) & 63];
    if (rest == 2) out += alphabet[(n >> 6) & 63];
  }
  return out;
}

std::string make_app_jwt(const std::string& private_key_pem, const std::string& issuer,
                         std::chrono::system_clock::time_point now) {
  const auto epoch =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  const std::string header = base64url(R"({"alg":"RS256","typ":"JWT"})");
  const std::string claims = base64url(boost::json::serialize(
      boost::json::object{{"iat", epoch - 60}, {"exp", epoch + 540}, {"iss", issuer}}));
  const std::string signing_input = header + "." + claims;

  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(private_key_pem.data(), static_cast<int>(private_key_pem.size())), BIO_free);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!key) throw std::runtime_error("the GitHub App private key is not a readable PEM key");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  std::size_t sig_len = 0;
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &sig_len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    throw std::runtime_error("cannot sign the GitHub App JWT with the configured key");
  }
  std::string sig(sig_len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &sig_len,
                     reinterpret_cast<const unsigned char*>(signing_input.data()),
                     signing_input.size()) != 1) {
    throw std::runtime_error("cannot sign the GitHub App JWT with the configured key");
  }
  sig.resize(sig_len);
  return signing_input + "." + base64url(sig);
}

app_authenticator::app_authenticator(http::client& client, std::string api_base_url,
                                     std::string api_version, std::string issuer,
                                     std::uint64_t installation_id, std::string private_key_pem)
    : client_(client),
      base_url_(std::move(api_base_url)),
      api_version_(std::move(api_version)),
      issuer_(std::move(issuer)),
      installation_id_(installation_id),
      key_pem_(std::move(private_key_pem)) {
  while (!base_url_.empty() && base_url_.back() == '/') base_url_.pop_back();
}

net::awaitable<std::string> app_authenticator::authorization(bool force_refresh) {
  const auto now = std::chrono::system_clock::now();
  // Refresh ahead of expiry: `refresh_margin`, or a quarter of the token's life when that is
  // shorter (tests use tokens that live seconds).
  const auto margin = cached_ ? std::min<std::chrono::system_clock::duration>(
                                    refresh_margin, (cached_->expires_at - minted_at_) / 4)
                              : std::chrono::system_clock::duration::zero();
  if (force_refresh || !cached_ || cached_->expires_at - margin <= now) {
    cached_ = co_await mint();
    minted_at_ = std::chrono::system_clock::now();
    // Once per minted token, not per request: the redaction list is scanned for every log line.
    // It forgets the token after it expired (GitHub refuses it from then on).
    log::register_expiring_secret(cached_->token, cached_->expires_at);
  }
  co_return "Bearer " + cached_->token;
}

net::awaitable<installation_token> app_authenticator::mint() {
  const std::string operation = "create installation token";
  http::request req;
  req.method = http::verb::post;
  req.url = fmt::format("{}/app/installations/{}/access_tokens", base_url_, installation_id_);
  req.headers.set("Authorization",
                  "Bearer " + make_app_jwt(key_pem_, issuer_, std::chrono::system_clock::now()));
  req.headers.set("Accept", "application/vnd.github+json");
  req.headers.set("X-GitHub-Api-Version", api_version_);
  req.headers.set("User-Agent", "ngsync");
  req.idempotent = true;  // minting twice only leaves an unused token behind
  auto result = co_await client_.send(std::move(req));
  if (!result) {
    api::api_failure f;
    f.kind = api::failure_kind::transient;
    f.api = "github";
    f.operation = operation;
    f.message = result.error().message();
    throw api::api_exception(std::move(f));
  }
  if (result->status != 201) {
    api::api_failure f;
    f.kind = result->status >= 500 ? api::failure_kind::transient : api::failure_kind::permanent;
    f.api = "github";
    f.operation = operation;
    f.status = result->status;
    f.message = result->body.substr(0, 300);
    throw api::api_exception(std::move(f));
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(result->body, ec);
  const boost::json::value* token = nullptr;
  const boost::json::value* expires = nullptr;
  if (!ec && v.is_object()) {
    token = v.as_object().if_contains("token");
    expires = v.as_object().if_contains("expires_at");
  }
  if (!token || !token->is_string() || !expires || !expires->is_string()) {
    api::throw_malformed("github", operation, "no token/expires_at in the answer");
  }
  installation_token t;
  t.token = token->as_string().c_str();
  std::istringstream in(std::string(expires->as_string().c_str()));
  date::sys_seconds when;
  in >> date::parse("%FT%TZ", when);
  if (in.fail()) api::throw_malformed("github", operation, "expires_at is not an ISO 8601 time");
  t.expires_at = when;
  ++minted_;
  co_return t;
}

net::awaitable<std::string> app_authenticator::bot_login() {
  const std::string operation = "read the app";
  http::request req;
  req.method = http::verb::get;
  req.url = base_url_ + "/app";
  req.headers.set("Authorization",
                  "Bearer " + make_app_jwt(key_pem_, issuer_, std::chrono::system_clock::now()));
  req.headers.set("Accept", "application/vnd.github+json");
  req.headers.set("X-GitHub-Api-Version", api_version_);
  req.headers.set("User-Agent", "ngsync");
  req.idempotent = true;
  auto result = co_await client_.send(std::move(req));
  if (!result || result->status != 200) {
    api::api_failure f;
    f.kind = !result || result->status >= 500 ? api::failure_kind::transient
                                               : api::failure_kind::permanent;
    f.api = "github";
    f.operation = operation;
    f.status = result ? result->status : 0;
    f.message = result ? result->body.substr(0, 300) : result.error().message();
    throw api::api_exception(std::move(f));
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(result->body, ec);
  const boost::json::value* slug = nullptr;
  if (!ec && v.is_object()) slug = v.as_object().if_contains("slug");
  if (!slug || !slug->is_string() || slug->as_string().empty())
    api::throw_malformed("github", operation, "no slug in the answer");
  co_return std::string(slug->as_string().c_str()) + "[bot]";
}

}  // namespace ngsync::github

#pragma once
// GitHub App authentication: an RS256 JWT signed with the App's private key (OpenSSL), exchanged
// for an installation token that is cached and refreshed ahead of its expiry, or at once after
// a 401. Plugs into the GitHub api_caller as its authorization provider.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/http/client.hpp"

namespace ngsync::github {

// base64url without padding (RFC 7515 §2).
std::string base64url(std::string_view bytes);

// The App JWT: header {"alg":"RS256","typ":"JWT"}, claims iat = now - 60 s (clock drift),
// exp = now + 9 min (GitHub allows at most 10), iss = client id or app id.
// Throws std::runtime_error when the key cannot sign (bad PEM); the message holds no key bytes.
std::string make_app_jwt(const std::string& private_key_pem, const std::string& issuer,
                         std::chrono::system_clock::time_point now);

struct installation_token {
  std::string token;
  std::chrono::system_clock::time_point expires_at;
};

class app_authenticator {
 public:
  app_authenticator(http::client& client, std::string api_base_url, std::string api_version,
                    std::string issuer, std::uint64_t installation_id, std::string private_key_pem);

  // "Bearer <installation token>", minting a new one when none is cached, when it expires in
  // under `refresh_margin`, or when `force_refresh` (after a 401).
  boost::asio::awaitable<std::string> authorization(bool force_refresh);

  // The App's own login on GitHub, "<slug>[bot]": the author of every issue and comment it
  // writes. GET /app with the App JWT (an installation token cannot read it).
  boost::asio::awaitable<std::string> bot_login();

  std::uint64_t tokens_minted() const { return minted_; }
  std::chrono::seconds refresh_margin{300};

 private:
  boost::asio::awaitable<installation_token> mint();

  http::client& client_;
  std::string base_url_, api_version_, issuer_;
  std::uint64_t installation_id_;
  std::string key_pem_;
  std::optional<installation_token> cached_;
  std::uint64_t minted_ = 0;
  std::chrono::system_clock::time_point minted_at_{};
};

}  // namespace ngsync::github

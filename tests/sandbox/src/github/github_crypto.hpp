#pragma once
// The GitHub emulator's cryptography, all through OpenSSL: App JWT (RS256) verification, webhook
// signatures (HMAC-SHA256) and ETags.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "tests/sandbox/src/github/github_model.hpp"

namespace ngsync::sandbox::github {

std::optional<std::string> base64url_decode(std::string_view text);
std::string hex(const unsigned char* data, std::size_t size);
std::string sha256_hex(std::string_view data);
// "sha256=" + hex HMAC-SHA256 of body keyed by secret, as in X-Hub-Signature-256.
std::string hub_signature_256(std::string_view secret, std::string_view body);

// Whether text has the shape of a JWT (three base64url parts, the first a JSON header).
bool looks_like_jwt(std::string_view text);

struct jwt_verdict {
  bool ok = false;
  std::string message;  // GitHub's error message when refused
};

// Checks an App JWT as GitHub does: RS256 signature by the app's key, `iss` = client id or app id,
// `iat` not in the future (60 s of skew allowed), `exp` in the future and at most 10 min after iat.
jwt_verdict verify_app_jwt(std::string_view token, const gh_app& app, time_point now);

}  // namespace ngsync::sandbox::github

// OpenSSL-backed cryptography for the GitHub emulator.
#include "tests/sandbox/src/github/github_crypto.hpp"

#include <memory>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

namespace ngsync::sandbox::github {

namespace json = boost::json;

std::optional<std::string> base64url_decode(std::string_view text) {
  auto value = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '-' || c == '+') return 62;
    if (c == '_' || c == '/') return 63;
    return -1;
  };
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    const int v = value(c);
    if (v < 0) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if (bits >= 6) return std::nullopt;  // one dangling character cannot encode a byte
  return out;
}

std::string hex(const unsigned char* data, std::size_t size) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (std::size_t i = 0; i < size; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 0xf]);
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return hex(digest, sizeof digest);
}

std::string hub_signature_256(std::string_view secret, std::string_view body) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest, &size);
  return "sha256=" + hex(digest, size);
}

bool looks_like_jwt(std::string_view text) {
  const auto first = text.find('.');
  if (first == std::string_view::npos) return false;
  const auto second = text.find('.', first + 1);
  if (second == std::string_view::npos || text.find('.', second + 1) != std::string_view::npos)
    return false;
  auto header = base64url_decode(text.substr(0, first));
  return header && !header->empty() && header->front() == '{';
}

namespace {

struct pkey_free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct md_ctx_free {
  void operator()(EVP_MD_CTX* p) const { EVP_MD_CTX_free(p); }
};
struct bio_free {
  void operator()(BIO* p) const { BIO_free(p); }
};

bool rs256_signature_valid(std::string_view signed_part, const std::string& signature,
                           const std::string& public_key_pem) {
  std::unique_ptr<BIO, bio_free> bio(
      BIO_new_mem_buf(public_key_pem.data(), static_cast<int>(public_key_pem.size())));
  if (!bio) return false;
  std::unique_ptr<EVP_PKEY, pkey_free> key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return false;
  std::unique_ptr<EVP_MD_CTX, md_ctx_free> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1)
    return false;
  return EVP_DigestVerify(
             ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
             reinterpret_cast<const unsigned char*>(signed_part.data()), signed_part.size()) == 1;
}

std::optional<std::int64_t> numeric_claim(const json::object& claims, const char* name) {
  const json::value* v = claims.if_contains(name);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->as_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->as_double());
  return std::nullopt;
}

}  // namespace

jwt_verdict verify_app_jwt(std::string_view token, const gh_app& app, time_point now) {
  const jwt_verdict undecodable{false, "A JSON web token could not be decoded"};
  const auto first = token.find('.');
  const auto second = token.find('.', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return undecodable;
  auto header_text = base64url_decode(token.substr(0, first));
  auto claims_text = base64url_decode(token.substr(first + 1, second - first - 1));
  auto signature = base64url_decode(token.substr(second + 1));
  if (!header_text || !claims_text || !signature) return undecodable;
  boost::system::error_code ec;
  json::value header = json::parse(*header_text, ec);
  if (ec || !header.is_object()) return undecodable;
  json::value claims_value = json::parse(*claims_text, ec);
  if (ec || !claims_value.is_object()) return undecodable;
  const json::object& claims = claims_value.as_object();
  const json::value* alg = header.as_object().if_contains("alg");
  if (!alg || !alg->is_string() || alg->as_string() != "RS256")
    return {false, "'alg' must be RS256"};
  if (!rs256_signature_valid(token.substr(0, second), *signature, app.public_key_pem))
    return {false, "A JSON web token could not be decoded"};

  const json::value* iss = claims.if_contains("iss");
  bool issuer_ok = false;
  if (iss && iss->is_string())
    issuer_ok = iss->as_string() == app.client_id || iss->as_string() == std::to_string(app.id);
  else if (iss && (iss->is_int64() || iss->is_uint64()))
    issuer_ok = iss->to_number<std::int64_t>() == app.id;
  if (!issuer_ok)
    return {false,
            "'Issuer' claim ('iss') must be an Integer or a String of the App's id or "
            "client id"};

  const auto iat = numeric_claim(claims, "iat");
  const auto exp = numeric_claim(claims, "exp");
  const std::int64_t now_s =
      std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count();
  if (!iat || *iat > now_s + 60)
    return {false, "'Issued at' claim ('iat') must be an Integer representing a time in the past"};
  if (!exp || *exp <= now_s)
    return {false,
            "'Expiration time' claim ('exp') must be a numeric value representing the "
            "future time at which the assertion expires"};
  if (*exp - *iat > 600) return {false, "'Expiration time' claim ('exp') is too far in the future"};
  return {true, {}};
}

}  // namespace ngsync::sandbox::github

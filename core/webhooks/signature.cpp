#include "core/webhooks/signature.hpp"

#include <array>
#include <cctype>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/hash/sha256.hpp"

namespace ngsync::webhooks {
namespace {
constexpr std::string_view prefix = "sha256=";
constexpr std::size_t digest_size = 32;
}  // namespace

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &len);
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(len * 2);
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(digits[mac[i] >> 4]);
    out.push_back(digits[mac[i] & 0xf]);
  }
  return out;
}

bool verify_sha256_signature(std::string_view key, std::string_view body, std::string_view header) {
  if (key.empty()) return false;
  if (header.size() != prefix.size() + digest_size * 2 || header.substr(0, prefix.size()) != prefix)
    return false;
  std::string given(header.substr(prefix.size()));
  for (char& c : given) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) return false;
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  const auto expected = hmac_sha256_hex(key, body);
  return CRYPTO_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

std::string key_fingerprint(std::string_view key) {
  return "sha256:" + hash::sha256_hex(key).substr(0, 12);
}

}  // namespace ngsync::webhooks

#pragma once
// SHA-256 in lower-case hex: the synced-fields hash and content revision, sync run ids, the
// migration checksums and the webhook key fingerprint all use this one function.
#include <string>
#include <string_view>

namespace ngsync::hash {

// SHA-256 of `data` in lower-case hex (OpenSSL EVP).
std::string sha256_hex(std::string_view data);

}  // namespace ngsync::hash

#pragma once
// Test certificates made at test time with the OpenSSL API: a private CA, and leaf certificates
// that are valid, issued for the wrong host, expired, or self-signed (untrusted).
#include <string>

namespace ngsync::test {

struct cert_files {
  std::string cert;  // PEM path
  std::string key;   // PEM path
};

struct test_pki {
  std::string dir;
  std::string ca_cert;     // the CA clients trust (extra_ca_file)
  cert_files valid;        // SAN IP:127.0.0.1, DNS:localhost; signed by the CA
  cert_files wrong_host;   // SAN DNS:other.invalid; signed by the CA
  cert_files expired;      // SAN IP:127.0.0.1; expired yesterday; signed by the CA
  cert_files self_signed;  // SAN IP:127.0.0.1; its own issuer, not trusted
};

// Generated once per test process into a fresh temporary directory.
const test_pki& shared_pki();

}  // namespace ngsync::test

#pragma once
// Server-side TLS material: a private CA plus a server certificate signed by it, made with the
// OpenSSL API (the sandbox and tests serve HTTPS on loopback), and the server context built on it.
// Test-only: the sandbox and the test binaries link it (CMake target ngsync_test_tls); the daemon
// never generates certificates, it is given them.
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/ssl/context.hpp>

namespace ngsync::test {

struct tls_file_set {
  std::string ca_cert;      // PEM; what clients trust
  std::string server_cert;  // PEM; the leaf, signed by the CA
  std::string server_key;   // PEM; the leaf's private key
};

// Creates `dir` if needed and writes ca.pem, ca.key, server.pem, server.key there, unless ca.pem,
// server.pem and server.key all exist already, in which case they are reused. `hosts` become the
// leaf's SANs (IP literals as IP SANs, others as DNS names). Throws std::runtime_error on failure.
tls_file_set ensure_server_tls_files(const std::string& dir,
                                     const std::vector<std::string>& hosts = {"127.0.0.1",
                                                                              "localhost"});

// A TLS 1.2+ server context loaded from the leaf certificate and key.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const tls_file_set& files);

}  // namespace ngsync::test

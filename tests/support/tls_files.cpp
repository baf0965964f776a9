// Certificate generation with OpenSSL 3: P-256 keys, a CA valid ten years, a leaf valid two.
#include "tests/support/tls_files.hpp"

#include <filesystem>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <boost/asio/ip/address.hpp>

namespace ngsync::test {

namespace fs = std::filesystem;
namespace ssl = boost::asio::ssl;

namespace {

struct pkey_free {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct x509_free {
  void operator()(X509* x) const { X509_free(x); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("tls_files: ") + what + " failed");
}

pkey_ptr make_key() {
  pkey_ptr k(EVP_EC_gen("P-256"));
  check(k != nullptr, "key generation");
  return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "certificate extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

x509_ptr make_cert(EVP_PKEY* key, const std::string& common_name, long days) {
  x509_ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  check(RAND_bytes(serial, sizeof serial) == 1, "RAND_bytes");
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), days * 24 * 3600);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("ngsync sandbox"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  return cert;
}

void write_pem(const fs::path& path, auto writer) {
  FILE* f = std::fopen(path.c_str(), "wb");
  check(f != nullptr, "open for writing");
  const bool ok = writer(f);
  std::fclose(f);
  check(ok, "PEM write");
}

bool is_ip(const std::string& host) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

}  // namespace

tls_file_set ensure_server_tls_files(const std::string& dir,
                                     const std::vector<std::string>& hosts) {
  const fs::path d(dir);
  tls_file_set files{(d / "ca.pem").string(), (d / "server.pem").string(),
                     (d / "server.key").string()};
  if (fs::exists(files.ca_cert) && fs::exists(files.server_cert) && fs::exists(files.server_key)) {
    return files;
  }
  fs::create_directories(d);

  auto ca_key = make_key();
  auto ca = make_cert(ca_key.get(), "ngsync sandbox CA", 3650);
  X509_set_issuer_name(ca.get(), X509_get_subject_name(ca.get()));
  add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(ca.get(), ca_key.get(), EVP_sha256()) > 0, "CA signing");

  auto leaf_key = make_key();
  auto leaf = make_cert(leaf_key.get(), hosts.empty() ? "localhost" : hosts.front(), 730);
  X509_set_issuer_name(leaf.get(), X509_get_subject_name(ca.get()));
  std::string san;
  for (const auto& h : hosts) {
    san += san.empty() ? "" : ",";
    san += (is_ip(h) ? "IP:" : "DNS:") + h;
  }
  add_ext(leaf.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(leaf.get(), ca.get(), NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_ext(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth");
  add_ext(leaf.get(), ca.get(), NID_subject_key_identifier, "hash");
  add_ext(leaf.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
  if (!san.empty()) add_ext(leaf.get(), ca.get(), NID_subject_alt_name, san);
  check(X509_sign(leaf.get(), ca_key.get(), EVP_sha256()) > 0, "leaf signing");

  write_pem(d / "ca.key", [&](FILE* f) {
    return PEM_write_PrivateKey(f, ca_key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  });
  write_pem(d / "server.key", [&](FILE* f) {
    return PEM_write_PrivateKey(f, leaf_key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1;
  });
  fs::permissions(d / "ca.key", fs::perms::owner_read | fs::perms::owner_write);
  fs::permissions(d / "server.key", fs::perms::owner_read | fs::perms::owner_write);
  write_pem(d / "server.pem", [&](FILE* f) { return PEM_write_X509(f, leaf.get()) == 1; });
  write_pem(d / "ca.pem", [&](FILE* f) { return PEM_write_X509(f, ca.get()) == 1; });
  return files;
}

std::shared_ptr<ssl::context> make_server_tls_context(const tls_file_set& files) {
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx->use_certificate_chain_file(files.server_cert);
  ctx->use_private_key_file(files.server_key, ssl::context::pem);
  return ctx;
}

}  // namespace ngsync::test

#include "tests/core/support/test_tls.hpp"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace ngsync::test {
namespace {

struct key_deleter {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct x509_deleter {
  void operator()(X509* x) const { X509_free(x); }
};
using key_ptr = std::unique_ptr<EVP_PKEY, key_deleter>;
using x509_ptr = std::unique_ptr<X509, x509_deleter>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test pki: ") + what);
}

key_ptr new_key() {
  key_ptr k(EVP_EC_gen("P-256"));
  check(k != nullptr, "EVP_EC_gen");
  return k;
}

void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// issuer/issuer_key null = self-signed.
x509_ptr make_cert(EVP_PKEY* key, const char* cn, const char* san, bool is_ca, long not_before_s,
                   long not_after_s, X509* issuer, EVP_PKEY* issuer_key) {
  static long serial = 1;
  x509_ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial++);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), not_before_s);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), not_after_s);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn),
                             -1, -1, 0);
  X509* signer = issuer ? issuer : cert.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer));
  if (is_ca) {
    add_ext(cert.get(), signer, NID_basic_constraints, "critical,CA:TRUE");
    add_ext(cert.get(), signer, NID_key_usage, "critical,keyCertSign,cRLSign");
  } else {
    add_ext(cert.get(), signer, NID_basic_constraints, "CA:FALSE");
    add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth");
  }
  add_ext(cert.get(), signer, NID_subject_key_identifier, "hash");
  if (san) add_ext(cert.get(), signer, NID_subject_alt_name, san);
  check(X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) > 0, "X509_sign");
  return cert;
}

void write_pem(const std::string& path, X509* cert, EVP_PKEY* key) {
  FILE* f = std::fopen(path.c_str(), "w");
  check(f != nullptr, "fopen");
  bool ok = cert ? PEM_write_X509(f, cert) == 1
                 : PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1;
  std::fclose(f);
  check(ok, "PEM_write");
}

cert_files write_leaf(const std::string& dir, const std::string& name, X509* cert, EVP_PKEY* key) {
  cert_files out{dir + "/" + name + ".pem", dir + "/" + name + ".key"};
  write_pem(out.cert, cert, nullptr);
  write_pem(out.key, nullptr, key);
  return out;
}

test_pki generate() {
  char tmpl[] = "/tmp/ngsync-http-pki-XXXXXX";
  check(::mkdtemp(tmpl) != nullptr, "mkdtemp");
  test_pki pki;
  pki.dir = tmpl;
  const long day = 24 * 3600;

  auto ca_key = new_key();
  auto ca =
      make_cert(ca_key.get(), "ngsync test CA", nullptr, true, -day, 30 * day, nullptr, nullptr);
  pki.ca_cert = pki.dir + "/ca.pem";
  write_pem(pki.ca_cert, ca.get(), nullptr);

  auto leaf_key = new_key();
  auto valid = make_cert(leaf_key.get(), "127.0.0.1", "IP:127.0.0.1,DNS:localhost", false, -day,
                         30 * day, ca.get(), ca_key.get());
  pki.valid = write_leaf(pki.dir, "valid", valid.get(), leaf_key.get());

  auto wrong = make_cert(leaf_key.get(), "other.invalid", "DNS:other.invalid", false, -day,
                         30 * day, ca.get(), ca_key.get());
  pki.wrong_host = write_leaf(pki.dir, "wrong_host", wrong.get(), leaf_key.get());

  auto expired = make_cert(leaf_key.get(), "127.0.0.1", "IP:127.0.0.1,DNS:localhost", false,
                           -30 * day, -day, ca.get(), ca_key.get());
  pki.expired = write_leaf(pki.dir, "expired", expired.get(), leaf_key.get());

  auto self_key = new_key();
  auto self = make_cert(self_key.get(), "127.0.0.1", "IP:127.0.0.1,DNS:localhost", false, -day,
                        30 * day, nullptr, nullptr);
  pki.self_signed = write_leaf(pki.dir, "self_signed", self.get(), self_key.get());
  return pki;
}

}  // namespace

const test_pki& shared_pki() {
  // The directory goes away with the process (the static's destructor runs at exit).
  struct owned_pki {
    test_pki pki = generate();
    ~owned_pki() {
      std::error_code ignored;
      std::filesystem::remove_all(pki.dir, ignored);
    }
  };
  static const owned_pki owned;
  return owned.pki;
}

}  // namespace ngsync::test

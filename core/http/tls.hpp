#pragma once
// TLS settings for outbound connections: peer verification is always on, against the system
// CA store plus an optional extra CA file (the sandbox and tests use their own CA).
#include <string>

#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>

namespace ngsync::http {

using tls_stream = boost::asio::ssl::stream<boost::beast::tcp_stream>;

struct tls_settings {
  bool use_system_store = true;
  std::string extra_ca_file;  // PEM; empty = none
};

// Builds a TLS 1.2+ client context with verify_peer. Throws boost::system::system_error when
// the CA file cannot be loaded: that is a start-up configuration error, not a network outcome.
boost::asio::ssl::context make_client_tls_context(const tls_settings& settings);

// Per-connection setup before the handshake: SNI (omitted for IP literals, as RFC 6066 asks)
// and host-name verification (IP literals are checked against IP SANs).
boost::system::error_code prepare_tls_stream(tls_stream& stream, const std::string& host);

}  // namespace ngsync::http

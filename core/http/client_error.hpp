#pragma once
// Transport outcomes of the HTTP client as error codes, and the one rule that says which of them
// are worth retrying. Network failures are values here, never exceptions.
#include <boost/system/error_code.hpp>

namespace ngsync::http {

// Errors the client itself produces; everything else comes from Asio, Beast or OpenSSL.
enum class errc {
  bad_url = 1,         // not an absolute http/https URL
  too_many_redirects,  // redirect chain longer than the configured bound
  proxy_refused,       // the proxy answered CONNECT with a non-2xx status
  stale_connection,    // a reused keep-alive connection was closed by the server mid-request
  held_back,           // the request's write gate kept it unsent (nothing reached the server)
};

const boost::system::error_category& client_category() noexcept;

inline boost::system::error_code make_error_code(errc e) noexcept {
  return {static_cast<int>(e), client_category()};
}

// Retryable: the request may succeed if sent again on a new connection (refused, reset,
// timed out, EOF on a reused connection, DNS try-again, proxy refusal).
// Not retryable: TLS verification or protocol failures, body too large, bad URL, redirect loops.
// Whether a retry is *safe* is a separate question (idempotency); this only says it may help.
bool is_retryable(const boost::system::error_code& ec) noexcept;

}  // namespace ngsync::http

template <>
struct boost::system::is_error_code_enum<ngsync::http::errc> : std::true_type {};

#include "core/http/client_error.hpp"

#include <boost/asio/error.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>

namespace ngsync::http {
namespace {

class client_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "ngsync.http"; }
  std::string message(int ev) const override {
    switch (static_cast<errc>(ev)) {
      case errc::bad_url:
        return "bad URL";
      case errc::too_many_redirects:
        return "too many redirects";
      case errc::proxy_refused:
        return "proxy refused CONNECT";
      case errc::stale_connection:
        return "reused connection closed by server";
      case errc::held_back:
        return "held back unsent by the caller's rate limiter";
    }
    return "unknown http client error";
  }
};

}  // namespace

const boost::system::error_category& client_category() noexcept {
  static const client_category_impl instance;
  return instance;
}

bool is_retryable(const boost::system::error_code& ec) noexcept {
  namespace asio_error = boost::asio::error;
  namespace beast_http = boost::beast::http;
  if (!ec) return false;
  if (ec == errc::stale_connection || ec == errc::proxy_refused) return true;
  if (ec.category() == client_category()) return false;
  if (ec == boost::beast::error::timeout) return true;
  if (ec == asio_error::connection_refused || ec == asio_error::connection_reset ||
      ec == asio_error::connection_aborted || ec == asio_error::timed_out ||
      ec == asio_error::broken_pipe || ec == asio_error::eof ||
      ec == asio_error::host_not_found_try_again || ec == asio_error::network_unreachable ||
      ec == asio_error::host_unreachable || ec == asio_error::network_reset ||
      ec == asio_error::network_down)
    return true;
  // The peer vanished without a TLS close_notify: a transport cut, not a trust problem.
  if (ec == boost::asio::ssl::error::stream_truncated) return true;
  if (ec == beast_http::error::end_of_stream || ec == beast_http::error::partial_message)
    return true;
  // Everything else (TLS verification and handshake failures, body_limit, parse errors,
  // host_not_found, operation_aborted) would fail the same way again.
  return false;
}

}  // namespace ngsync::http

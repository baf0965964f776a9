#pragma once
// A request and its response as the API callers see them, whatever carries them
// (core/http/transport.hpp).
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/fields.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/system/result.hpp>

namespace ngsync::http {

using verb = boost::beast::http::verb;
using header_fields = boost::beast::http::fields;

// GET, HEAD, PUT, DELETE, OPTIONS and PATCH-free verbs are idempotent by RFC 9110; PATCH and POST
// are not (a caller may declare a PATCH idempotent when it sets absolute values).
bool is_idempotent_verb(verb v) noexcept;

// Asked once a connection is ready, right before the request is written (a new TLS handshake
// may have taken long). nullopt: write now. A time: the caller's API was paused meanwhile (another
// request saw a 429), so the connection goes back to the pool and the request waits until then
// and asks again; a time at or past the request's deadline drops it unsent (errc::held_back).
using write_gate = std::function<std::optional<std::chrono::steady_clock::time_point>()>;

struct request {
  verb method = verb::get;
  std::string url;  // absolute http:// or https:// URL
  header_fields headers;
  std::string body;
  std::optional<bool> idempotent;  // unset = decided by the verb
  write_gate gate;                 // optional

  bool is_idempotent() const { return idempotent.value_or(is_idempotent_verb(method)); }
};

struct response {
  unsigned status = 0;
  header_fields headers;
  std::string body;
  std::string final_url;  // after redirects

  // The header value, or "" when absent.
  std::string header(std::string_view name) const;
  // The header as a whole decimal integer; nullopt when absent or not one.
  std::optional<std::int64_t> header_int(std::string_view name) const;
};

using result = boost::system::result<response>;

}  // namespace ngsync::http

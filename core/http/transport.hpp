#pragma once
// Where an API caller sends its requests: the HTTPS client in the product, an emulator's request
// handler in the engine's in-process tests (tests/daemon/engine/support). One operation, the
// client's contract: never throws for network outcomes; a failure is an error code.
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>

#include "core/http/message.hpp"

namespace ngsync::http {

class transport {
 public:
  virtual ~transport() = default;
  virtual boost::asio::awaitable<result> send(request req) = 0;
  // Where its completions run (the caller's limiter waits there too).
  virtual const boost::asio::any_io_executor& executor() const = 0;
};

}  // namespace ngsync::http

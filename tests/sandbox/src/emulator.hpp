#pragma once
// The contract between the sandbox's framework (listeners, control API, faults, clock) and each
// API emulator (Notion, GitHub). An emulator is a state machine over JSON documents: it answers
// API requests, loads its part of a scenario, acts as a person, and reports its state.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

namespace ngsync::sandbox {

namespace http = boost::beast::http;
using api_request = http::request<http::string_body>;
using api_response = http::response<http::string_body>;

// The sandbox's time: the wall clock plus an offset that tests can advance through the control
// API. Every timestamp an emulator writes (last_edited_time, created_at, token expiry) and every
// rate-limit window uses it, never std::chrono::system_clock directly.
class sandbox_clock {
 public:
  std::chrono::system_clock::time_point now() const {
    return std::chrono::system_clock::now() + offset_;
  }
  void advance(std::chrono::milliseconds by) { offset_ += by; }

 private:
  std::chrono::milliseconds offset_{0};
};

// Things every emulator can reach: the clock, the seeded random source, the limit-violation log,
// the speed factor of rate limits, and an outbound webhook sender.
struct sandbox_services {
  sandbox_clock* clock = nullptr;
  // Deterministic with --seed.
  std::function<std::uint64_t()> random;
  // Records a request that arrived while the client should have waited (a rate-limit violation).
  std::function<void(std::string api, std::string endpoint, std::string why)> record_violation;
  // All emulated limits are multiplied by this factor (2.0 = twice the budget per window).
  std::function<double()> limit_speed;
  // Queues an HTTP POST of `body` with `headers` to `url` (webhook delivery); fire and forget.
  std::function<void(std::string url, std::vector<std::pair<std::string, std::string>> headers,
                     std::string body)>
      post_webhook;
  // The sandbox's single I/O executor, for emulators that run timers (webhook batching).
  boost::asio::any_io_executor executor;
};

class emulator {
 public:
  virtual ~emulator() = default;
  // "notion" or "github": the key of this emulator in scenario files and control calls.
  virtual std::string name() const = 0;
  // Answers one API request. Runs on the sandbox's single I/O thread: no locking needed.
  virtual boost::asio::awaitable<api_response> handle(api_request req) = 0;
  // Loads the emulator's part of a scenario (the value under its name), replacing its state.
  virtual void load(const boost::json::value& scenario) = 0;
  // Acts as a person (edit a page, close an issue, ...). Returns a JSON result or throws
  // std::invalid_argument with a message for a bad action.
  virtual boost::json::value act(const std::string& action, const boost::json::object& args) = 0;
  // The full state, for tests and the harness.
  virtual boost::json::value state() const = 0;
  // Per-endpoint call counts, e.g. {"POST /repos/{o}/{r}/issues": 3}.
  virtual boost::json::value call_counts() const = 0;
};

}  // namespace ngsync::sandbox

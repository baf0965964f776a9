#pragma once
// The sandbox framework: owns the clock, the seeded random source, the violation log, the limit
// speed factor and the webhook sender that emulators share; wraps each emulator's listener with
// fault injection and a call log; and answers the control API.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <boost/asio/any_io_executor.hpp>
#include <boost/json.hpp>

#include "core/http/server.hpp"
#include "tests/sandbox/src/emulator.hpp"
#include "tests/sandbox/src/faults.hpp"

namespace ngsync::http {
class client;
}  // namespace ngsync::http

namespace ngsync::sandbox {

namespace nh = ngsync::http;

class sandbox_host {
 public:
  sandbox_host(boost::asio::any_io_executor executor, std::uint64_t seed);
  ~sandbox_host();
  sandbox_host(const sandbox_host&) = delete;
  sandbox_host& operator=(const sandbox_host&) = delete;

  // What emulators get; it points back into this host, so the host must outlive them.
  sandbox_services services();
  void add(std::unique_ptr<emulator> e);
  emulator* find(const std::string& name) const;
  std::vector<std::string> names() const;

  // {"seed": N, "notion": {...}, "github": {...}}: reseeds the random source (unless the seed
  // was pinned on the command line), then hands each part to its emulator. An emulator whose
  // part is absent keeps its state. Throws std::invalid_argument on a bad scenario.
  void load_scenario(const boost::json::value& scenario);
  // A --seed given on the command line wins over the scenario's.
  void pin_seed(std::uint64_t seed);

  // The handler of one API's listener: faults first, then the emulator; every call is logged.
  nh::handler api_handler(const std::string& api);
  // The control API (see docs/sandbox.md).
  nh::handler control_handler();

  sandbox_clock& clock() { return clock_; }
  fault_injector& faults() { return faults_; }
  double limit_speed() const { return speed_; }
  boost::json::array violations() const;
  boost::json::array calls() const;
  boost::json::array webhook_deliveries() const;

 private:
  struct call_entry {
    std::uint64_t seq;
    std::string api, method, target, outcome;
    unsigned status;
    std::string at;
  };
  void record_violation(std::string api, std::string endpoint, std::string why);
  void post_webhook(std::string url, std::vector<std::pair<std::string, std::string>> headers,
                    std::string body);
  void log_call(const std::string& api, const nh::server_request& req, unsigned status,
                std::string outcome);
  boost::json::value handle_control(const nh::server_request& req, http::status& status);

  boost::asio::any_io_executor executor_;
  sandbox_clock clock_;
  std::mt19937_64 rng_;
  std::uint64_t seed_;
  bool seed_pinned_ = false;
  double speed_ = 1.0;
  fault_injector faults_;
  std::map<std::string, std::unique_ptr<emulator>> emulators_;
  std::deque<call_entry> calls_;
  std::uint64_t next_call_ = 0;
  boost::json::array violations_;
  boost::json::array deliveries_;
  // Per API: when an injected 429 / secondary-limit answer said the client may come back.
  std::map<std::string, std::chrono::system_clock::time_point> injected_retry_until_;
  std::unique_ptr<nh::client> webhook_client_;
};

// Builds the control API's JSON answer.
nh::server_response control_json(const nh::server_request& req, http::status status,
                                 const boost::json::value& body);

}  // namespace ngsync::sandbox

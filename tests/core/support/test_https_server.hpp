#pragma once
// A test-only HTTP(S) server on loopback with behaviour the client tests need: it counts
// connections, records every request, and per request can answer, stall, or drop the
// connection without answering. It runs on its own thread so the client under test has its
// io_context to itself. Also a tiny CONNECT proxy that counts tunnels.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ngsync::test {

struct seen_request {
  std::string method;
  std::string target;
  std::string body;
  std::string authorization;    // the Authorization header, if any
  int connection = 0;           // 1-based id of the connection it came on
  int index_on_connection = 0;  // 1 for the first request on that connection
  std::chrono::steady_clock::time_point at;
};

struct server_reply {
  unsigned status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body = "ok";
  bool drop = false;   // close the connection without answering
  bool stall = false;  // never answer (until the server stops)
};

using server_handler = std::function<server_reply(const seen_request&)>;

struct server_options {
  bool tls = true;
  std::string cert_file;  // PEM; required when tls
  std::string key_file;
  server_handler handler;  // called on the server thread; default answers 200 "ok"
};

class test_https_server {
 public:
  explicit test_https_server(server_options options);
  ~test_https_server();
  test_https_server(const test_https_server&) = delete;
  test_https_server& operator=(const test_https_server&) = delete;

  unsigned short port() const { return port_; }
  // "https://127.0.0.1:PORT" + path (or http:// when plain).
  std::string url(const std::string& path = "/") const;
  int connections() const { return connections_.load(); }
  std::vector<seen_request> requests() const;
  std::size_t request_count() const;

 private:
  struct impl;
  unsigned short port_ = 0;
  std::atomic<int> connections_{0};
  mutable std::mutex mutex_;
  std::vector<seen_request> requests_;
  std::unique_ptr<impl> impl_;  // last: its thread uses the members above
  friend struct impl;
};

// Accepts CONNECT host:port, dials it, answers 200 and relays bytes both ways.
class test_connect_proxy {
 public:
  test_connect_proxy();
  ~test_connect_proxy();
  unsigned short port() const { return port_; }
  int tunnels() const { return tunnels_.load(); }
  std::vector<std::string> targets() const;

 private:
  struct impl;
  unsigned short port_ = 0;
  std::atomic<int> tunnels_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> targets_;
  std::unique_ptr<impl> impl_;  // last: its thread uses the members above
  friend struct impl;
};

}  // namespace ngsync::test

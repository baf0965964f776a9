#pragma once
// A fresh database per test case on the private Postgres named by NGSYNC_TEST_DATABASE_URL,
// dropped at the end, so test cases never see each other's rows.
#include <atomic>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>

#include <doctest/doctest.h>
#include <pqxx/pqxx>

#include "storage/database.hpp"
#include "storage/migrator.hpp"

namespace ngsync::storage::testing {

inline std::string admin_url() {
  const char* url = std::getenv("NGSYNC_TEST_DATABASE_URL");
  REQUIRE_MESSAGE(url != nullptr,
                  "NGSYNC_TEST_DATABASE_URL is not set: start one with "
                  "scripts/pg-private.sh start /tmp/pg-storage and export the URL it prints");
  return url;
}

// The URL with its database name replaced.
inline std::string with_database(const std::string& url, const std::string& name) {
  const auto scheme = url.find("://");
  REQUIRE(scheme != std::string::npos);
  const auto slash = url.find('/', scheme + 3);
  const auto query = url.find('?', scheme + 3);
  std::string base = url.substr(0, slash == std::string::npos ? query : slash);
  std::string rest = query == std::string::npos ? "" : url.substr(query);
  return base + "/" + name + rest;
}

class scratch_database {
 public:
  scratch_database() {
    static std::atomic<int> counter{0};
    std::random_device rd;
    name_ = "ngsync_t_" + std::to_string(rd() % 100000000) + "_" + std::to_string(counter++);
    admin_ = admin_url();
    pqxx::connection admin(admin_);
    pqxx::nontransaction t(admin);
    t.exec("CREATE DATABASE " + name_);
    url_ = with_database(admin_, name_);
  }
  // May run after the test run (a process-wide scratch database): no doctest assertion here.
  ~scratch_database() {
    try {
      pqxx::connection admin(admin_);
      pqxx::nontransaction t(admin);
      t.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (const std::exception&) {
      // Left behind on a broken server; the cluster is thrown away after the run.
    }
  }
  scratch_database(const scratch_database&) = delete;
  scratch_database& operator=(const scratch_database&) = delete;

  const std::string& url() const { return url_; }
  database_settings settings(std::size_t threads = 2) const {
    database_settings s;
    s.url = url_;
    s.threads = threads;
    s.statement_timeout = std::chrono::milliseconds(10'000);
    return s;
  }
  std::unique_ptr<pqxx::connection> connect() const { return database::open(settings()); }
  void migrate() const {
    auto c = connect();
    storage::migrate(*c);
  }

 private:
  std::string admin_;
  std::string name_;
  std::string url_;
};

}  // namespace ngsync::storage::testing

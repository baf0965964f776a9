#pragma once
// GitHub's content-creation windows and mutation spacing kept in Postgres (migration 0004), so a
// process restarted after a crash, or a second replica, does not start from an empty record and
// create 80 more issues within the same minute.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "core/ratelimit/api_budget.hpp"
#include "core/ratelimit/write_schedule.hpp"

namespace ngsync::storage {

struct shared_write_settings {
  std::string database_url;
  std::string api;  // "github"
  std::chrono::milliseconds mutation_spacing{0};
  std::vector<ratelimit::content_window> content_windows;
  // After a failed round trip, only the process's own rules apply for this long.
  std::chrono::milliseconds retry_after_failure{2'000};
  std::chrono::milliseconds statement_timeout{2'000};
};

// Threading rule: like api_budget, one instance lives on the I/O thread. Each claim is one short
// blocking transaction on the schedule's own connection; GitHub's rules keep writes to about one
// a second, so this costs little.
class shared_write_schedule final : public ratelimit::write_schedule {
 public:
  explicit shared_write_schedule(shared_write_settings settings);
  ~shared_write_schedule() override;

  ratelimit::steady_time claim(ratelimit::steady_time earliest,
                               const ratelimit::request_traits& traits) override;

  std::uint64_t failures() const { return failures_; }

 private:
  static void prepare_statements(pqxx::connection& c);

  shared_write_settings settings_;
  std::unique_ptr<pqxx::connection> conn_;
  ratelimit::steady_time db_retry_at_{};
  std::uint64_t failures_ = 0;
};

}  // namespace ngsync::storage

#pragma once
// GitHub's content-creation windows and mutation spacing kept in Postgres (migration 0004), so a
// process restarted after a crash, or a second replica, does not start from an empty record and
// create 80 more issues within the same minute.
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/ratelimit/api_budget.hpp"
#include "core/ratelimit/write_schedule.hpp"
#include "storage/pqxx_forward.hpp"

namespace ngsync::storage {

struct shared_write_settings {
  std::string database_url;
  std::string api;  // "github"
  std::chrono::milliseconds mutation_spacing{0};
  std::vector<ratelimit::content_window> content_windows;
  // After a failed round trip, only the process's own rules apply for this long.
  std::chrono::milliseconds retry_after_failure{2'000};
  std::chrono::milliseconds statement_timeout{2'000};
  // A lease of several creation slots must be used within this span; they are recorded at its
  // end, the latest instant they can go out, so every window counts them conservatively.
  std::chrono::milliseconds lease_span{20};
  int max_lease = 64;
};

// Threading rule: like api_budget, one instance lives on the I/O thread. Each claim is one short
// blocking transaction on the schedule's own connection; GitHub's rules keep writes to about one
// a second, so this costs little. When the windows allow far more than that (a raised limit, the
// benchmark's "limits off"), one round trip leases a few creation slots at once (see lease_size).
class shared_write_schedule final : public ratelimit::write_schedule {
 public:
  explicit shared_write_schedule(shared_write_settings settings);
  ~shared_write_schedule() override;

  ratelimit::steady_time claim(ratelimit::steady_time earliest,
                               const ratelimit::request_traits& traits) override;

  std::uint64_t failures() const { return failures_; }

 private:
  static void prepare_statements(pqxx::connection& c);
  // The content-creation slots the tightest window allows in `lease_span`, at least 1
  // (GitHub's real 80/min and 500/h give 1: one claim per round trip, exactly as before).
  int window_slots() const;
  // How many slots the next lease claims (2..window_slots(), following the demand).
  int lease_size() const;
  // A slot of the current lease, or nullopt when none is usable at `earliest`.
  std::optional<ratelimit::steady_time> take_leased_slot(ratelimit::steady_time earliest);

  shared_write_settings settings_;
  std::unique_ptr<pqxx::connection> conn_;
  ratelimit::steady_time db_retry_at_{};
  // The current lease: `lease_left_` slots, each to be sent within [lease_from_, lease_until_].
  int lease_left_ = 0;
  ratelimit::steady_time lease_from_{}, lease_until_{};
  int lease_used_ = 0, last_lease_used_ = 0;  // slots sent from the current / previous lease
  std::uint64_t failures_ = 0;
};

}  // namespace ngsync::storage

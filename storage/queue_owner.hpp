#pragma once
// The live process behind job claims (migration 0012). A job claimed by a process that was
// SIGKILLed would otherwise stay leased until its lease ran out. Each process registers one owner
// row and holds the session advisory lock (queue_owner_lock_space, id) on a connection of its
// own, kept by a thread of its own; every claim names the owner. The lock lives exactly as long
// as the session, so when the process dies Postgres drops it at once, and any process's sweep
// (job_queue::reclaim_expired) frees the jobs after a short grace. The pool's connections play
// no part: a claim made on a pooled connection that is later re-opened stays held while the
// owner lives. If the owner's own connection breaks, the thread re-opens it and takes the lock
// again well within the grace.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "storage/pqxx_forward.hpp"

namespace ngsync::storage {

// First key of the owners' advisory locks ("ngqo"); the second is the owner's id. The
// migrator's lock uses the one-bigint form, so the two never collide.
inline constexpr int queue_owner_lock_space = 0x6e67716f;

struct queue_owner_settings {
  std::string url;
  std::string worker;  // host:pid, as the claims' locked_by
  std::chrono::milliseconds statement_timeout{10'000};
  std::string application_name = "ngsync-owner";
  // How often the session is checked (and re-opened when it broke).
  std::chrono::milliseconds check_interval{1'000};
};

class queue_owner {
 public:
  // Registers and takes the lock at once when Postgres is there; otherwise keeps trying in the
  // background (claims made meanwhile name no owner).
  explicit queue_owner(queue_owner_settings settings);
  // Closes the session: the lock goes, and the claims still held are freed after the grace.
  ~queue_owner();
  queue_owner(const queue_owner&) = delete;
  queue_owner& operator=(const queue_owner&) = delete;

  // The owner id claims record; nullopt until the first registration succeeded.
  std::optional<int> id() const;
  // Whether the lock was held at the last check.
  bool holding() const { return holding_.load(); }
  // How many sessions have taken the lock so far (1 + re-opened connections).
  std::uint64_t sessions() const { return sessions_.load(); }

 private:
  void keep();
  // Opens a session, registers (or re-registers) the owner row and takes the lock.
  void take();
  void check();

  queue_owner_settings settings_;
  std::atomic<int> id_{0};
  std::atomic<bool> holding_{false};
  std::atomic<std::uint64_t> sessions_{0};
  std::unique_ptr<pqxx::connection> session_;  // the keeper thread's alone once it runs
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread keeper_;
};

}  // namespace ngsync::storage

#include "storage/queue_owner.hpp"

#include <pqxx/pqxx>

#include "core/log/logging.hpp"
#include "storage/database.hpp"

namespace ngsync::storage {

queue_owner::queue_owner(queue_owner_settings settings) : settings_(std::move(settings)) {
  try {
    take();
  } catch (const std::exception& e) {
    session_.reset();
    log::get("queue")->warn("queue owner not registered yet (retrying): {}", e.what());
  }
  keeper_ = std::thread([this] { keep(); });
}

queue_owner::~queue_owner() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (keeper_.joinable()) keeper_.join();
  session_.reset();
}

std::optional<int> queue_owner::id() const {
  const int id = id_.load();
  if (id == 0) return std::nullopt;
  return id;
}

void queue_owner::take() {
  session_ = database::open(settings_.url, settings_.statement_timeout, settings_.application_name);
  pqxx::work t(*session_, "queue owner");
  // A process that vanished without closing its socket (a host lost, a cable pulled) is noticed
  // by the server's TCP keepalives rather than after hours (no effect on a Unix socket).
  t.exec(
      "SET tcp_keepalives_idle = 10; SET tcp_keepalives_interval = 5;"
      " SET tcp_keepalives_count = 3");
  int id = id_.load();
  if (id == 0) {
    id = t.exec_params1("INSERT INTO queue_owners (worker) VALUES ($1) RETURNING id",
                        settings_.worker)[0]
             .as<int>();
  } else {
    // The same process after its session broke: the row may have been forgotten meanwhile.
    t.exec_params(
        "INSERT INTO queue_owners (id, worker) VALUES ($1, $2)"
        " ON CONFLICT (id) DO UPDATE SET lock_lost_at = NULL",
        id, settings_.worker);
  }
  // Session level: it outlives this transaction and ends with the session.
  const bool locked =
      t.exec_params1("SELECT pg_try_advisory_lock($1, $2)", queue_owner_lock_space, id)[0]
          .as<bool>();
  if (!locked) throw std::runtime_error("owner lock " + std::to_string(id) + " is taken");
  t.commit();
  id_ = id;
  holding_ = true;
  ++sessions_;
  log::get("queue")->info("queue owner={} worker={} holds its lock (session {})", id,
                          settings_.worker, sessions_.load());
}

void queue_owner::check() {
  pqxx::nontransaction t(*session_, "queue owner check");
  t.exec("SELECT 1");
}

void queue_owner::keep() {
  auto logger = log::get("queue");
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, settings_.check_interval, [this] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    try {
      if (session_) {
        check();
      } else {
        take();
      }
    } catch (const std::exception& e) {
      if (holding_.exchange(false)) {
        logger->warn("queue owner={} lost its session, re-opening it: {}", id_.load(), e.what());
      }
      session_.reset();
    }
    lock.lock();
  }
}

}  // namespace ngsync::storage

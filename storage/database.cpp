#include "storage/database.hpp"

#include <algorithm>
#include <latch>
#include <memory>
#include <random>

#include <pqxx/pqxx>

#include "core/log/logging.hpp"

namespace ngsync::storage {

bool is_connection_loss(const std::exception& e) {
  if (dynamic_cast<const pqxx::broken_connection*>(&e)) return true;
  if (auto* sql = dynamic_cast<const pqxx::sql_error*>(&e)) {
    const std::string& state = sql->sqlstate();
    // 08xxx connection exceptions; 57P01 admin_shutdown, 57P02 crash_shutdown,
    // 57P03 cannot_connect_now (starting up or shutting down).
    return state.rfind("08", 0) == 0 || state == "57P01" || state == "57P02" || state == "57P03";
  }
  return false;
}

bool is_transaction_rollback(const std::exception& e) {
  // libpqxx 6 maps 40001/40P01 to transaction_rollback subclasses (not sql_error).
  return dynamic_cast<const pqxx::transaction_rollback*>(&e) != nullptr;
}

void prepare(pqxx::connection_base& c, const std::string& name, const std::string& sql) {
  c.prepare(name, sql);
}

void run_in_transaction(pqxx::connection& c, transaction_kind kind,
                        const std::function<void(transaction)>& work) {
  switch (kind) {
    case transaction_kind::read_only: {
      pqxx::read_transaction t(c);
      work(t);
      return;
    }
    case transaction_kind::read_write: {
      pqxx::work t(c);
      work(t);
      t.commit();
      return;
    }
    case transaction_kind::autocommit: {
      pqxx::nontransaction t(c);
      work(t);
      return;
    }
  }
}

session session_of(pqxx::connection& c) noexcept {
  return {c};
}

database::database(database_settings settings)
    : settings_(std::move(settings)), pool_(std::max<std::size_t>(1, settings_.threads)) {}

database::~database() {
  pool_.join();
}

std::unique_ptr<pqxx::connection> database::open(const std::string& url,
                                                 std::chrono::milliseconds statement_timeout,
                                                 const std::string& application_name) {
  database_settings s;
  s.url = url;
  s.statement_timeout = statement_timeout;
  s.application_name = application_name;
  return open(s);
}

std::unique_ptr<pqxx::connection> database::open(const database_settings& s) {
  auto c = std::make_unique<pqxx::connection>(s.url);
  pqxx::nontransaction setup(*c, "session setup");
  // One round trip.
  setup.exec("SET TIME ZONE 'UTC'; SET statement_timeout = " +
             std::to_string(s.statement_timeout.count()) +
             "; SET application_name = " + setup.quote(s.application_name));
  return c;
}

void database::execute_work(const std::function<void(pqxx::connection&)>& work,
                            retry_policy policy) {
  retry_state state(settings_);
  for (;;) {
    bool started = false;
    try {
      pqxx::connection& c = connection_of_this_thread();
      started = true;
      work(c);
      return;
    } catch (const pqxx::in_doubt_error&) {
      drop_connection_of_this_thread();
      throw;
    } catch (const std::exception& e) {
      // A deadlock or serialization failure rolled the transaction back: idempotent work
      // simply runs again (the connection itself is fine).
      if (is_transaction_rollback(e) && policy == retry_policy::idempotent) {
        if (!state.wait_before_retry(e)) throw;
        continue;
      }
      if (!is_connection_loss(e)) throw;
      drop_connection_of_this_thread();
      if (started && policy == retry_policy::once) throw;
      if (!state.wait_before_retry(e)) throw;
    }
  }
}

void database::open_connections_in_background() {
  // Each task holds its thread until every thread has taken one, so each thread opens its own.
  const auto threads = std::max<std::size_t>(1, settings_.threads);
  auto all_started = std::make_shared<std::latch>(static_cast<std::ptrdiff_t>(threads));
  for (std::size_t i = 0; i < threads; ++i) {
    net::post(pool_, [this, all_started] {
      all_started->arrive_and_wait();
      try {
        connection_of_this_thread();
      } catch (const std::exception&) {
        // Postgres is not there yet: the first work on this thread opens it (and retries).
      }
    });
  }
}

pqxx::connection& database::connection_of_this_thread() {
  const auto id = std::this_thread::get_id();
  {
    std::lock_guard lock(connections_mutex_);
    auto it = connections_.find(id);
    if (it != connections_.end() && it->second) return *it->second;
  }
  // Opened outside the lock: connecting may take a while when Postgres is slow.
  auto fresh = open(settings_);
  std::lock_guard lock(connections_mutex_);
  auto& slot = connections_[id];
  slot = std::move(fresh);
  return *slot;
}

void database::drop_connection_of_this_thread() {
  std::unique_ptr<pqxx::connection> dropped;
  {
    std::lock_guard lock(connections_mutex_);
    auto it = connections_.find(std::this_thread::get_id());
    if (it != connections_.end()) dropped = std::move(it->second);
  }
  // Destroyed outside the lock; closing a dead socket does not block.
}

database::retry_state::retry_state(const database_settings& s)
    : settings_(s),
      give_up_at_(std::chrono::steady_clock::now() + s.retry_for),
      backoff_(s.initial_backoff, s.max_backoff) {}

bool database::retry_state::wait_before_retry(const std::exception& cause) {
  ++attempt_;
  const auto now = std::chrono::steady_clock::now();
  if (now + backoff_.current() > give_up_at_) {
    log::get("db")->error("database unreachable, giving up attempts={} error=\"{}\"", attempt_,
                          log::redact(cause.what()));
    return false;
  }
  // Only the first few are worth a warning; a restart produces many.
  if (attempt_ <= 3 || attempt_ % 10 == 0) {
    log::get("db")->warn("connection lost, retrying attempt={} backoff_ms={} error=\"{}\"",
                         attempt_, backoff_.current().count(), log::redact(cause.what()));
  }
  std::this_thread::sleep_for(backoff_.next());
  return true;
}

}  // namespace ngsync::storage

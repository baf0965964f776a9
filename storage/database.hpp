#pragma once
// Blocking libpqxx work, run on a thread pool with one connection per thread so coroutines on
// the I/O thread never block; lost connections are re-opened and idempotent work is retried.
#include <chrono>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/time/backoff.hpp"
#include "storage/pqxx_forward.hpp"
#include "storage/transaction.hpp"

namespace ngsync::storage {

namespace net = boost::asio;

struct database_settings {
  std::string url;          // libpq URL or key=value string
  std::size_t threads = 4;  // pool size = number of connections
  std::chrono::milliseconds statement_timeout{30'000};
  // How long idempotent work keeps retrying while Postgres is unreachable (a restart of
  // 10-30 s must be survived) and the backoff between attempts.
  std::chrono::milliseconds retry_for{45'000};
  std::chrono::milliseconds initial_backoff{50};
  std::chrono::milliseconds max_backoff{2'000};
  std::string application_name = "ngsync";
};

// Whether a unit of work may run again after the connection broke while it ran.
//  idempotent: reads, or one transaction that either committed nothing (it failed before
//              commit) or whose replay is harmless. Retried.
//  once:       anything else; the connection error is surfaced. A failure to *open* the
//              connection (before the work started) is still retried.
// pqxx::in_doubt_error (commit outcome unknown) is never retried.
enum class retry_policy { idempotent, once };

// True for errors that mean "the server went away" rather than "the statement was wrong":
// broken_connection, SQLSTATE class 08 and the shutdown codes 57P01..57P03.
bool is_connection_loss(const std::exception& e);

// True for SQLSTATE 40001 (serialization_failure) and 40P01 (deadlock_detected): the server
// rolled the transaction back, so running the same work again is safe.
bool is_transaction_rollback(const std::exception& e);

// Registers `sql` under `name` on `c` (a no-op when already registered; pqxx prepares it on
// the server on first use and again after a reconnect). Call before exec_prepared.
void prepare(pqxx::connection_base& c, const std::string& name, const std::string& sql);

// The transaction a unit of work runs in (database::read, write, autocommit).
enum class transaction_kind {
  read_only,   // BEGIN READ ONLY, rolled back when the work returns
  read_write,  // committed when the work returns, rolled back when it throws
  autocommit,  // no BEGIN/COMMIT: each statement commits on its own
};

// Opens a `kind` transaction on `c`, runs `work` in it and commits a read_write one after `work`
// returned. Here rather than in the templates below, so that they need no libpqxx header.
void run_in_transaction(pqxx::connection& c, transaction_kind kind,
                        const std::function<void(transaction)>& work);
// The session handle of a pool connection (out of line: the conversion to
// pqxx::connection_base needs libpqxx's class definitions).
session session_of(pqxx::connection& c) noexcept;

class database {
 public:
  explicit database(database_settings settings);
  // Waits for running work, then closes every connection.
  ~database();
  database(const database&) = delete;
  database& operator=(const database&) = delete;

  // Runs f(pqxx::connection&) on a pool thread; the caller's coroutine resumes on its own
  // executor with the result, or with f's exception rethrown.
  // R must be void or default-constructible.
  template <class F>
  auto run(F f, retry_policy policy = retry_policy::idempotent)
      -> net::awaitable<std::invoke_result_t<F&, pqxx::connection&>> {
    using result_type = std::invoke_result_t<F&, pqxx::connection&>;
    // Not a coroutine itself (g++ 12 mis-handles by-value class parameters of coroutine
    // templates): the work and the handler travel to the pool and the result comes back
    // through the handler, which resumes the caller on its own executor.
    if constexpr (std::is_void_v<result_type>) {
      return net::async_initiate<const net::use_awaitable_t<>, void(std::exception_ptr)>(
          [this, policy](auto handler, F work) {
            net::post(pool_, [this, policy, work = std::move(work),
                              handler = std::move(handler)]() mutable {
              std::exception_ptr error;
              try {
                execute<void>(work, policy);
              } catch (...) {
                error = std::current_exception();
              }
              auto ex = net::get_associated_executor(handler);
              net::post(ex, [handler = std::move(handler), error]() mutable {
                std::move(handler)(error);
              });
            });
          },
          net::use_awaitable, std::move(f));
    } else {
      static_assert(std::is_default_constructible_v<result_type>);
      return net::async_initiate<const net::use_awaitable_t<>,
                                 void(std::exception_ptr, result_type)>(
          [this, policy](auto handler, F work) {
            net::post(pool_, [this, policy, work = std::move(work),
                              handler = std::move(handler)]() mutable {
              std::exception_ptr error;
              result_type result{};
              try {
                result = execute<result_type>(work, policy);
              } catch (...) {
                error = std::current_exception();
              }
              auto ex = net::get_associated_executor(handler);
              net::post(
                  ex, [handler = std::move(handler), error, result = std::move(result)]() mutable {
                    std::move(handler)(error, std::move(result));
                  });
            });
          },
          net::use_awaitable, std::move(f));
    }
  }

  // The same, blocking the calling thread (CLI commands, tests). Must not be called from a
  // pool thread.
  template <class F>
  auto run_sync(F f, retry_policy policy = retry_policy::idempotent)
      -> std::invoke_result_t<F&, pqxx::connection&> {
    using result_type = std::invoke_result_t<F&, pqxx::connection&>;
    std::packaged_task<result_type()> task(
        [this, &f, policy]() { return execute<result_type>(f, policy); });
    auto done = task.get_future();
    net::post(pool_, [&task]() { task(); });
    return done.get();
  }

  // --- The forms code outside storage/ uses: the work receives a storage::transaction (or a
  // storage::session) and calls storage functions with it, never naming libpqxx. Each opens
  // its transaction on the pool thread's connection and runs like `run` (same retries).

  // A read-only transaction (BEGIN READ ONLY), rolled back when the work returns.
  template <class F>
  auto read(F f, retry_policy policy = retry_policy::idempotent) {
    return run(in<transaction_kind::read_only>(std::move(f)), policy);
  }
  // A read-write transaction, committed when the work returns (rolled back when it throws).
  template <class F>
  auto write(F f, retry_policy policy = retry_policy::idempotent) {
    return run(in<transaction_kind::read_write>(std::move(f)), policy);
  }
  // Autocommit: each statement commits on its own, with no BEGIN/COMMIT round trips around it.
  // For a single statement, whose failure changes nothing by itself (the batched link writes
  // of group commit, which then retry row by row; the one-row touch of an unchanged page).
  template <class F>
  auto autocommit(F f, retry_policy policy = retry_policy::idempotent) {
    return run(in<transaction_kind::autocommit>(std::move(f)), policy);
  }
  // The connection itself, for work that opens its own transactions: migrations, the leader
  // leases, pruning in committed steps.
  template <class F>
  auto on_session(F f, retry_policy policy = retry_policy::idempotent) {
    return run([f = std::move(f)](pqxx::connection& c) mutable { return f(session_of(c)); },
               policy);
  }
  // The same, blocking the calling thread (CLI commands, start-up, tests).
  template <class F>
  auto read_sync(F f, retry_policy policy = retry_policy::idempotent) {
    return run_sync(in<transaction_kind::read_only>(std::move(f)), policy);
  }
  template <class F>
  auto write_sync(F f, retry_policy policy = retry_policy::idempotent) {
    return run_sync(in<transaction_kind::read_write>(std::move(f)), policy);
  }
  template <class F>
  auto autocommit_sync(F f, retry_policy policy = retry_policy::idempotent) {
    return run_sync(in<transaction_kind::autocommit>(std::move(f)), policy);
  }
  template <class F>
  auto on_session_sync(F f, retry_policy policy = retry_policy::idempotent) {
    return run_sync([f = std::move(f)](pqxx::connection& c) mutable { return f(session_of(c)); },
                    policy);
  }

  const database_settings& settings() const { return settings_; }
  net::thread_pool& pool() { return pool_; }

  // Opens every pool thread's connection now, all at once, without waiting for them: a busy
  // start (a first poll, a backlog) would otherwise open them one by one on its critical path.
  // A connection that fails to open is opened on first use, as without this.
  void open_connections_in_background();

  // Opens a connection with the session settings every ngsync connection has (UTC, the
  // statement timeout). Used by the pool, the LISTEN connection and tests.
  static std::unique_ptr<pqxx::connection> open(const database_settings& s);
  // The same for a side connection of its own (the shared rate budget, the write schedule):
  // `application_name` names it in pg_stat_activity.
  static std::unique_ptr<pqxx::connection> open(const std::string& url,
                                                std::chrono::milliseconds statement_timeout,
                                                const std::string& application_name);

 private:
  // Wraps `f(transaction)` into work on a connection: opens a `kind` transaction and commits a
  // read_write one after `f` returned.
  template <transaction_kind kind, class F>
  static auto in(F f) {
    return [f = std::move(f)](pqxx::connection& c) mutable {
      using result_type = std::decay_t<std::invoke_result_t<F&, transaction>>;
      if constexpr (std::is_void_v<result_type>) {
        run_in_transaction(c, kind, [&f](transaction t) { f(t); });
      } else {
        std::optional<result_type> result;
        run_in_transaction(c, kind, [&f, &result](transaction t) { result.emplace(f(t)); });
        return std::move(*result);
      }
    };
  }

  // Runs `f` on this pool thread's connection with the retries of `policy` (execute_work).
  template <class R, class F>
  R execute(F& f, retry_policy policy) {
    if constexpr (std::is_void_v<R>) {
      execute_work([&f](pqxx::connection& c) { f(c); }, policy);
    } else {
      std::optional<R> result;
      execute_work([&f, &result](pqxx::connection& c) { result.emplace(f(c)); }, policy);
      return std::move(*result);
    }
  }
  // Runs `work`, opening the connection and retrying it after a lost connection (while the
  // policy allows and the retry window lasts) or a rolled-back transaction (idempotent only).
  void execute_work(const std::function<void(pqxx::connection&)>& work, retry_policy policy);

  // Backoff bookkeeping for one unit of work.
  class retry_state {
   public:
    explicit retry_state(const database_settings& s);
    // Sleeps and returns true when another attempt fits in the retry window.
    bool wait_before_retry(const std::exception& cause);

   private:
    const database_settings& settings_;
    std::chrono::steady_clock::time_point give_up_at_;
    time::doubling_backoff backoff_;
    int attempt_ = 0;
  };

  pqxx::connection& connection_of_this_thread();
  void drop_connection_of_this_thread();

  database_settings settings_;
  std::mutex connections_mutex_;
  std::map<std::thread::id, std::unique_ptr<pqxx::connection>> connections_;
  net::thread_pool pool_;  // last: joined before the connections are destroyed
};

}  // namespace ngsync::storage

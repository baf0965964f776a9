#pragma once
// Many rows written by one statement (group commit, storage/group_commit.hpp), with the fallback
// that keeps one bad row from failing its neighbours.
#include <exception>
#include <type_traits>
#include <utility>
#include <vector>

#include "storage/database.hpp"

namespace ngsync::storage {

template <class Result>
struct row_outcome {
  Result result{};
  std::exception_ptr error;
};

// Runs `batched(transaction, items)` (one statement for every item, returning one result per item)
// on a pool connection; the awaitable yields one outcome per item. The statement runs in
// autocommit, so an error changes nothing: the items are then tried one by one and only an item
// that fails again carries the error. A lost connection fails the whole attempt and the database
// retries it, so `batched` must be idempotent. Not a coroutine: g++ 12 mis-handles by-value class
// parameters of coroutine templates.
template <class Item, class Batched>
auto write_rows(database& db, std::vector<Item> items, Batched batched) {
  using batch_result = std::invoke_result_t<Batched&, transaction, const std::vector<Item>&>;
  using result_type = typename batch_result::value_type;
  auto work = [items = std::move(items), batched](pqxx::connection& c) mutable {
    std::vector<row_outcome<result_type>> out(items.size());
    auto run = [&](const std::vector<Item>& rows) {
      batch_result results;
      run_in_transaction(c, transaction_kind::autocommit,  // one statement: autocommit
                         [&](transaction t) { results = batched(t, rows); });
      return results;
    };
    try {
      auto results = run(items);
      for (std::size_t i = 0; i < items.size(); ++i) out[i].result = results[i];
      return out;
    } catch (const std::exception& e) {
      if (is_connection_loss(e)) throw;
      if (items.size() == 1) {
        out[0].error = std::current_exception();
        return out;
      }
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      try {
        out[i].result = run({items[i]}).front();
      } catch (const std::exception& e) {
        if (is_connection_loss(e)) throw;
        out[i].error = std::current_exception();
      }
    }
    return out;
  };
  return db.run(std::move(work));
}

}  // namespace ngsync::storage

#pragma once
// The handles storage functions take, so that code outside storage/ holds a transaction or a
// connection without naming libpqxx: `database::read`/`write`/`autocommit` open a transaction and
// hand a `transaction` to the work; `database::on_session` hands a `session` to work that opens its
// own transactions (migrations, leases, pruning in steps). Both are made implicitly from the
// libpqxx object, so storage tests pass a pqxx::work or a connection as they are; only storage/
// opens them again (`sql()`).
#include "storage/pqxx_forward.hpp"

namespace ngsync::storage {

class transaction {
 public:
  transaction(pqxx::transaction_base& t) noexcept : t_(&t) {}  // NOLINT: implicit by design
  pqxx::transaction_base& sql() const noexcept { return *t_; }

 private:
  pqxx::transaction_base* t_;
};

class session {
 public:
  session(pqxx::connection_base& c) noexcept : c_(&c) {}  // NOLINT: implicit by design
  pqxx::connection_base& sql() const noexcept { return *c_; }

 private:
  pqxx::connection_base* c_;
};

}  // namespace ngsync::storage

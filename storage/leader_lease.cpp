#include "storage/leader_lease.hpp"

#include <pqxx/pqxx>

#include "storage/database.hpp"

namespace ngsync::storage {

bool try_hold_lease(session s, const std::string& name, const std::string& holder,
                    std::chrono::milliseconds length) {
  pqxx::connection_base& c = s.sql();
  // The row lock taken by ON CONFLICT DO UPDATE serialises competing replicas: the second one
  // re-reads the winner's row and its WHERE no longer matches, so it gets no row back.
  prepare(c, "lease_hold",
          "INSERT INTO leader_leases (name, holder, expires_at) "
          "VALUES ($1, $2, now() + $3 * interval '1 millisecond') "
          "ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, "
          "expires_at = EXCLUDED.expires_at "
          "WHERE leader_leases.holder = EXCLUDED.holder OR leader_leases.expires_at < now() "
          "RETURNING holder");
  pqxx::work t(c);
  auto r = t.exec_prepared("lease_hold", name, holder, static_cast<long long>(length.count()));
  t.commit();
  return !r.empty();
}

void release_lease(session s, const std::string& name, const std::string& holder) {
  pqxx::connection_base& c = s.sql();
  prepare(c, "lease_release", "DELETE FROM leader_leases WHERE name = $1 AND holder = $2");
  pqxx::work t(c);
  t.exec_prepared("lease_release", name, holder);
  t.commit();
}

std::string lease_holder(session s, const std::string& name) {
  pqxx::connection_base& c = s.sql();
  prepare(c, "lease_holder",
          "SELECT holder FROM leader_leases WHERE name = $1 AND expires_at >= now()");
  pqxx::read_transaction t(c);
  auto r = t.exec_prepared("lease_holder", name);
  return r.empty() ? std::string() : r[0][0].as<std::string>();
}

}  // namespace ngsync::storage

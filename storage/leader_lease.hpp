#pragma once
// Leader leases for several replicas on one database (table leader_leases): one statement
// acquires, renews or takes over an expired lease, so at most one holder owns a name at a time.
// Expiry is judged by the database clock alone, never by the replicas' clocks.
#include <chrono>
#include <string>

#include "storage/transaction.hpp"

namespace ngsync::storage {

// Takes the lease `name` for `holder` until now() + `length` when it is free, expired or already
// held by `holder` (a renewal). Returns whether `holder` owns it afterwards.
bool try_hold_lease(session s, const std::string& name, const std::string& holder,
                    std::chrono::milliseconds length);

// Gives the lease up at once (a clean stop), so another replica need not wait for the expiry.
void release_lease(session s, const std::string& name, const std::string& holder);

// The current holder of `name` whose lease has not expired, or "" when none.
std::string lease_holder(session s, const std::string& name);

}  // namespace ngsync::storage

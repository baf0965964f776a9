#pragma once
// Retention: deletes what the daemon no longer needs (completed jobs, old audit rows, webhook
// delivery ids) in bounded batches. Each call is one short transaction that deletes at most
// `limit` rows, takes no lock a worker waits for (rows locked by others are skipped) and gives
// up quickly instead of queueing behind a long lock, so pruning a large backlog never stalls the
// queue; the caller repeats it until a batch comes back short.
#include <cstdint>

#include "storage/sql_time.hpp"
#include "storage/transaction.hpp"

namespace ngsync::storage {

// Completed jobs that finished before `before` (dead jobs stay until retried or removed by hand).
std::int64_t prune_completed_jobs(session s, sys_time before, int limit);
// api_audit rows written before `before` (the append-only trigger lets this transaction delete).
std::int64_t prune_audit_rows(session s, sys_time before, int limit);
// Webhook delivery ids received before `before`: a redelivery older than that is handled again,
// which the level-triggered sync makes harmless.
std::int64_t prune_webhook_deliveries(session s, sys_time before, int limit);

}  // namespace ngsync::storage

#pragma once
// Carries out the action of one reconcile finding (core/sync/reconcile_findings.hpp) inside one
// write: the link row and the job it queues commit together, so a crash leaves neither or both.
#include "core/sync/reconcile_findings.hpp"
#include "storage/database.hpp"
#include "storage/job_queue.hpp"
#include "storage/link_store.hpp"

namespace ngsync::engine {

// `link`: the link the finding is about as the pass read it (a moved link keeps its other
// columns); needed for move_link only. `max_attempts`: of the jobs it queues.
void carry_out_reconcile_action(storage::transaction t, storage::job_queue& queue,
                                const sync::reconcile_action& action,
                                const storage::page_link* link, int max_attempts);

}  // namespace ngsync::engine

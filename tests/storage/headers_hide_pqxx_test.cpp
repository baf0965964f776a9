// Code outside storage/ must be able to include any public storage header, and use its templates,
// without compiling libpqxx (docs/architecture.md). This file is that check, at compile time: it
// includes every storage/*.hpp, and nothing else before them, then fails to build when any of
// them brought in a libpqxx header. A new public storage header belongs in the list below.
#include "storage/audit_log.hpp"
#include "storage/backlog.hpp"
#include "storage/batched_rows.hpp"
#include "storage/blocking.hpp"
#include "storage/cursor_store.hpp"
#include "storage/database.hpp"
#include "storage/embedded_migrations.hpp"
#include "storage/group_commit.hpp"
#include "storage/issue_extras_store.hpp"
#include "storage/job_channel.hpp"
#include "storage/job_queue.hpp"
#include "storage/job_waker.hpp"
#include "storage/leader_lease.hpp"
#include "storage/link_store.hpp"
#include "storage/migrator.hpp"
#include "storage/notion_webhook_tokens.hpp"
#include "storage/ops_report.hpp"
#include "storage/page_notices.hpp"
#include "storage/pqxx_forward.hpp"
#include "storage/queue_owner.hpp"
#include "storage/recovery_scan.hpp"
#include "storage/retention.hpp"
#include "storage/shared_rate_budget.hpp"
#include "storage/shared_write_schedule.hpp"
#include "storage/sql_time.hpp"
#include "storage/transaction.hpp"
#include "storage/webhook_deliveries.hpp"

// Every libpqxx header includes compiler-public.hxx (version.hxx and types.hxx for good measure).
#if defined(PQXX_H_COMPILER_PUBLIC) || defined(PQXX_H_VERSION) || defined(PQXX_H_TYPES)
#error "a public storage header includes libpqxx; include it in storage/*.cpp instead"
#endif

#include <string>
#include <vector>

namespace ngsync::storage::testing {

// Never called: instantiates the templates code outside storage/ uses, so that one needing a
// complete libpqxx type fails here too.
void instantiate_storage_templates_without_pqxx(database& db) {
  (void)db.read_sync([](transaction) { return 1; });
  db.write_sync([](transaction) {});
  (void)db.autocommit_sync([](transaction) { return std::string(); });
  db.on_session_sync([](session) {});
  (void)db.read([](transaction) { return 1; });
  (void)db.write([](transaction) {});
  (void)db.on_session([](session) { return 1; });
  (void)write_rows(db, std::vector<int>{},
                   [](transaction, const std::vector<int>& rows) { return rows; });
}

}  // namespace ngsync::storage::testing

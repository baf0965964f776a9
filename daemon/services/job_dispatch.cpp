#include "daemon/services/job_dispatch.hpp"

#include "core/api/api_failure.hpp"
#include "storage/sync_jobs.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

job_handler dispatch_jobs(page_syncer& pages, github_event_syncer& events) {
  return [&pages, &events](storage::claimed_job job) -> net::awaitable<void> {
    // Two-way sync (issue 7): GitHub issue events mirrored into Notion.
    if (job.kind == sync::github_issue_event_kind) {
      co_await events.sync(std::move(job));
      co_return;
    }
    if (job.kind != sync::sync_page_kind) {
      throw api::api_exception({api::failure_kind::permanent,
                                "ngsync",
                                "run job",
                                0,
                                "unknown_kind",
                                "no handler for job kind " + job.kind,
                                {}});
    }
    co_await pages.sync(std::move(job));
  };
}

void report_outcomes_on_pages(job_runner& runner, page_syncer& pages) {
  runner.on_dead([&pages](storage::claimed_job job, std::string error) -> net::awaitable<void> {
    co_await pages.report_failure(std::move(job), std::move(error), true);
  });
  runner.on_retry([&pages](storage::claimed_job job,
                           std::optional<api::api_failure> failure) -> net::awaitable<void> {
    co_await pages.report_trouble(std::move(job), std::move(failure));
  });
}

}  // namespace ngsync::engine

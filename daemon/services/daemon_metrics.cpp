#include "daemon/services/daemon_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace ngsync::engine {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildHistogram;

// Buckets in seconds. API calls sit between 50 ms and a few seconds; a sync (seen -> written)
// includes queue wait and mutation spacing, so it reaches further; polls paginate.
const prometheus::Histogram::BucketBoundaries api_buckets{0.025, 0.05, 0.1, 0.25, 0.5,
                                                          1,     2.5,  5,   10,   30};
const prometheus::Histogram::BucketBoundaries sync_buckets{0.25, 0.5, 1,   2,   5,  10,
                                                           30,   60,  120, 300, 900};
const prometheus::Histogram::BucketBoundaries poll_buckets{0.05, 0.1, 0.25, 0.5, 1,
                                                           2.5,  5,   10,   30,  60};
const prometheus::Histogram::BucketBoundaries page_count_buckets{0,   1,   5,    10,  25,
                                                                 100, 500, 1000, 5000};

std::string status_label(const ratelimit::attempt_record& a) {
  if (a.status == 0) return "transport_error";
  return std::to_string(a.status);
}

}  // namespace

struct daemon_metrics::families {
  prometheus::Registry registry;
  prometheus::Family<prometheus::Counter>& api_requests =
      BuildCounter()
          .Name("ngsync_api_requests_total")
          .Help("API request attempts by api, method class (read|write) and HTTP status.")
          .Register(registry);
  prometheus::Family<prometheus::Histogram>& api_duration =
      BuildHistogram()
          .Name("ngsync_api_request_duration_seconds")
          .Help("Time from sending a request to its full answer, by api.")
          .Register(registry);
  prometheus::Family<prometheus::Histogram>& poll_duration =
      BuildHistogram()
          .Name("ngsync_poll_duration_seconds")
          .Help("Duration of one poll of a data source, all pages of the query.")
          .Register(registry);
  prometheus::Family<prometheus::Histogram>& poll_pages =
      BuildHistogram()
          .Name("ngsync_poll_pages")
          .Help("Pages a poll's query returned (edited since the watermark).")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& poll_failures =
      BuildCounter()
          .Name("ngsync_poll_failures_total")
          .Help("Polls that failed, by data source.")
          .Register(registry);
  prometheus::Family<prometheus::Histogram>& sync_latency =
      BuildHistogram()
          .Name("ngsync_sync_latency_seconds")
          .Help("From a change being seen (poll or webhook) to both sides written.")
          .Register(registry);
  prometheus::Histogram& sync_latency_all = sync_latency.Add({}, sync_buckets);
};

daemon_metrics::daemon_metrics() : f_(new families) {}
daemon_metrics::~daemon_metrics() {
  delete f_;
}

std::string_view method_class(boost::beast::http::verb method) {
  using boost::beast::http::verb;
  return method == verb::get || method == verb::head ? "read" : "write";
}

void daemon_metrics::api_attempt(const ratelimit::attempt_record& a) {
  f_->api_requests
      .Add({{"api", a.api},
            {"method_class", std::string(method_class(a.method))},
            {"status", status_label(a)}})
      .Increment();
  f_->api_duration.Add({{"api", a.api}}, api_buckets)
      .Observe(std::chrono::duration<double>(a.latency).count());
}

void daemon_metrics::poll_finished(const std::string& data_source,
                                   std::chrono::duration<double> duration,
                                   std::int64_t pages_seen) {
  f_->poll_duration.Add({{"data_source", data_source}}, poll_buckets).Observe(duration.count());
  f_->poll_pages.Add({{"data_source", data_source}}, page_count_buckets)
      .Observe(static_cast<double>(pages_seen));
}

void daemon_metrics::poll_failed(const std::string& data_source) {
  f_->poll_failures.Add({{"data_source", data_source}}).Increment();
}

void daemon_metrics::page_synced(std::chrono::system_clock::time_point seen_at) {
  const auto latency = std::chrono::system_clock::now() - seen_at;
  f_->sync_latency_all.Observe(std::max(0.0, std::chrono::duration<double>(latency).count()));
}

std::string daemon_metrics::render() const {
  return prometheus::TextSerializer().Serialize(f_->registry.Collect());
}

daemon_metrics& metrics() {
  static daemon_metrics instance;
  return instance;
}

}  // namespace ngsync::engine

#pragma once
// What one reconcile pass reads (sync-model.md §1, issue 19): which issues the marker scan lists,
// how many links a slice verifies, and, per repository, which marked issues are judged from the
// scan, which links get their issue read one by one and whose page is read. Pure: the engine
// reads what this names and asks reconcile_findings.hpp about each answer.
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ngsync::sync {

// full: the marker scan lists every issue, and every link's issue and page are read (the cost
// grows with the database; `ngsync reconcile`). slice: the marker scan lists the issues updated
// since the previous pass, and only the links due soonest are read (reconcile_budget.hpp): the
// periodic passes of `ngsync run` and the pass at the end of `sync-once`.
enum class reconcile_mode { full, slice };

// The repositories a pass scans: each mapping's fixed one (none: pages name their own) and every
// one a link lives in, each once.
std::set<std::string> repositories_to_scan(const std::vector<std::optional<std::string>>& fixed,
                                           const std::vector<std::string>& linked);

// How many of the `verifiable` links (those with an issue) a pass reads one by one: none in a
// full pass (it reads them all by repository), the budget's share in a slice.
int slice_size(reconcile_mode mode, std::int64_t verifiable, std::chrono::milliseconds interval,
               std::chrono::milliseconds window);

// The marker scan's `since` (ISO 8601): none in a full pass (every issue); in a slice, the
// previous pass's start less the poll overlap (clocks differ), or one window back for the first.
std::optional<std::string> marker_scan_since(
    reconcile_mode mode, std::optional<std::chrono::system_clock::time_point> last_pass,
    std::chrono::system_clock::time_point started, std::chrono::milliseconds overlap,
    std::chrono::milliseconds window);

// The issues a slice reads one by one; the marker scan leaves them to that. Repositories compare
// without case, as GitHub names them.
class slice_issues {
 public:
  void add(std::string_view repo, std::int64_t number);
  bool contains(std::string_view repo, std::int64_t number) const;

 private:
  std::set<std::pair<std::string, std::int64_t>> refs_;
};

// One repository's share of a pass, as indices into the marked issues and the links it was
// planned from.
struct repository_plan {
  struct marked_step {
    std::size_t issue = 0;            // a marked issue of the scan
    std::optional<std::size_t> link;  // its link (by issue number), none: a candidate to adopt
  };
  std::vector<marked_step> marked;       // in the scan's order
  std::vector<std::size_t> issue_reads;  // links whose issue the scan did not see (full pass)
  std::vector<std::size_t> page_reads;   // links whose page is read (full pass: all of them)
};

// `marked`: the issue numbers the marker scan found in `repo`; `links`: the issue numbers of the
// repository's links. A marked issue in the slice is left to the slice's own reads. Two links to
// one issue number: the later one is compared (as the link table lists them).
repository_plan plan_repository(reconcile_mode mode, std::string_view repo,
                                const std::vector<std::int64_t>& marked,
                                const std::vector<std::int64_t>& links, const slice_issues& slice);

}  // namespace ngsync::sync

#include "core/sync/reconcile_scope.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/sync/reconcile_budget.hpp"
#include "core/text/ascii.hpp"
#include "core/time/iso8601.hpp"

namespace ngsync::sync {

namespace {}  // namespace

std::set<std::string> repositories_to_scan(const std::vector<std::optional<std::string>>& fixed,
                                           const std::vector<std::string>& linked) {
  std::set<std::string> repos(linked.begin(), linked.end());
  for (const auto& r : fixed) {
    if (r) repos.insert(*r);
  }
  return repos;
}

int slice_size(reconcile_mode mode, std::int64_t verifiable, std::chrono::milliseconds interval,
               std::chrono::milliseconds window) {
  if (mode == reconcile_mode::full) return 0;
  const auto budget = budget_reconcile(verifiable, 1, interval, window);
  return static_cast<int>(std::min<std::int64_t>(budget.links_per_pass, 1'000'000));
}

std::optional<std::string> marker_scan_since(
    reconcile_mode mode, std::optional<std::chrono::system_clock::time_point> last_pass,
    std::chrono::system_clock::time_point started, std::chrono::milliseconds overlap,
    std::chrono::milliseconds window) {
  if (mode == reconcile_mode::full) return std::nullopt;
  return iso8601::format(last_pass ? *last_pass - overlap : started - window);
}

void slice_issues::add(std::string_view repo, std::int64_t number) {
  refs_.emplace(text::ascii_lower(repo), number);
}

bool slice_issues::contains(std::string_view repo, std::int64_t number) const {
  return refs_.contains({text::ascii_lower(repo), number});
}

repository_plan plan_repository(reconcile_mode mode, std::string_view repo,
                                const std::vector<std::int64_t>& marked,
                                const std::vector<std::int64_t>& links, const slice_issues& slice) {
  repository_plan plan;
  std::map<std::int64_t, std::size_t> by_number;
  for (std::size_t i = 0; i < links.size(); ++i) by_number[links[i]] = i;
  std::set<std::int64_t> seen;
  for (std::size_t i = 0; i < marked.size(); ++i) {
    seen.insert(marked[i]);
    if (slice.contains(repo, marked[i])) continue;
    repository_plan::marked_step step{i, std::nullopt};
    if (auto it = by_number.find(marked[i]); it != by_number.end()) step.link = it->second;
    plan.marked.push_back(step);
  }
  if (mode != reconcile_mode::full) return plan;
  // A full pass: the links the marker scan did not see get their issue read, then every page.
  for (std::size_t i = 0; i < links.size(); ++i) {
    if (!seen.contains(links[i])) plan.issue_reads.push_back(i);
    plan.page_reads.push_back(i);
  }
  return plan;
}

}  // namespace ngsync::sync

#include "core/sync/poll_rules.hpp"

#include <algorithm>

#include "core/sync/planner.hpp"

namespace ngsync::sync {

poll_verdict judge_polled_page(const notion::notion_page& page, std::optional<poll_time> edited,
                               const std::optional<polled_link>& link, bool enqueued_this_poll,
                               const mapping_rules& rules) {
  if (!link) {
    return wants_sync_without_link(page, rules) ? poll_verdict::enqueue
                                                : poll_verdict::not_for_github;
  }
  if (!edited) return poll_verdict::enqueue;
  const bool shows_this_edit =
      link->status == link_status::in_sync && link->notion_last_edited == *edited;
  if (shows_this_edit && link->last_synced_at &&
      *link->last_synced_at >= *edited + std::chrono::minutes(1)) {
    return poll_verdict::settled;
  }
  if (shows_this_edit && enqueued_this_poll) return poll_verdict::own_write_back;
  return poll_verdict::enqueue;
}

std::optional<poll_time> watermark_after(std::optional<poll_time> newest,
                                         std::optional<poll_time> held,
                                         std::chrono::microseconds overlap) {
  if (!newest) return std::nullopt;
  const auto from = held ? std::min(*newest, *held) : *newest;
  return from - overlap;
}

void poll_marks::saw(std::optional<poll_time> edited, poll_verdict verdict) {
  if (!edited) return;
  if (!newest || *edited > *newest) newest = edited;
  if (verdict == poll_verdict::own_write_back && (!held || *edited < *held)) held = edited;
}

poll_time watermark_kept(std::optional<poll_time> stored, poll_time now,
                         std::chrono::microseconds overlap) {
  return stored ? *stored : now - overlap;
}

bool batch_waits(const pages_in_flight& writing, const batch_pages& batch, bool last_batch,
                 int limit) {
  if (writing.empty()) return false;
  if (last_batch) return true;
  if (writing.size() >= static_cast<std::size_t>(std::max(1, limit))) return true;
  return std::ranges::any_of(writing, [&batch](const batch_pages& pages) {
    return std::ranges::any_of(batch, [&pages](const auto& id) { return pages.contains(id); });
  });
}

}  // namespace ngsync::sync

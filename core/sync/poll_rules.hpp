#pragma once
// What a poll does with each page its query returned (sync-model.md §2), and where its next
// watermark lies. Pure; daemon/engine/poller.cpp reads the pages and links and writes the jobs.
#include <chrono>
#include <deque>
#include <optional>
#include <set>
#include <string>

#include "core/notion/page_model.hpp"
#include "core/sync/link_state.hpp"
#include "core/sync/mapping_rules.hpp"

namespace ngsync::sync {

using poll_time = std::chrono::system_clock::time_point;

// The page's link as the poll reads it (one query for a whole page of results).
struct polled_link {
  link_status status = link_status::pending;
  std::optional<poll_time> notion_last_edited;  // the edit the last sync saw
  std::optional<poll_time> last_synced_at;
};

enum class poll_verdict {
  enqueue,         // may need work: one merged sync_page job
  settled,         // in sync with exactly this edit, and verified after its minute closed
  own_write_back,  // enqueued by this poll already, read again after its own write-back
  not_for_github,  // no link, and not meant for GitHub (yet): nothing to do or undo
};

// `edited` is the page's last_edited_time (unset when it does not parse: always enqueued).
// Notion's minute granularity means an edit made later in the same minute as our own write-back
// shares its timestamp, so a link verified before that minute closed still owes one more look.
// A page this poll already enqueued and read again shows exactly the edit its link records: that
// look is left to the next poll, whose watermark is held at the edit (see watermark_after).
poll_verdict judge_polled_page(const notion::notion_page& page, std::optional<poll_time> edited,
                               const std::optional<polled_link>& link, bool enqueued_this_poll,
                               const mapping_rules& rules);

// The watermark a finished poll stores: the newest edit seen, or the oldest one left to the next
// poll if that is older, less the overlap (clocks and Notion's minutes differ). Unset when the
// poll saw no page.
std::optional<poll_time> watermark_after(std::optional<poll_time> newest,
                                         std::optional<poll_time> held,
                                         std::chrono::microseconds overlap);

// What a poll has seen so far that places its watermark, page by page.
struct poll_marks {
  std::optional<poll_time> newest;  // the newest edit seen
  std::optional<poll_time> held;    // the oldest edit left to the next poll (own_write_back)
  // One judged page; `edited` unset (unparsable) moves neither.
  void saw(std::optional<poll_time> edited, poll_verdict verdict);
  std::optional<poll_time> watermark(std::chrono::microseconds overlap) const {
    return watermark_after(newest, held, overlap);
  }
};

// The watermark a poll that saw no page stores: the one it had. A first poll of an empty data
// source saw everything there is, so it may start from now, less the overlap.
poll_time watermark_kept(std::optional<poll_time> stored, poll_time now,
                         std::chrono::microseconds overlap);

// The pages of each batch a poll is writing to the queue, oldest first.
using batch_pages = std::set<std::string>;
using pages_in_flight = std::deque<batch_pages>;

// Whether the next batch must wait for the oldest batch in flight before it is written. The last
// batch carries the watermark, so it waits for all of them (a crash before the watermark then
// re-polls from the old one, and nothing is lost). Any other batch waits while `limit` batches
// are in flight (each holds a pooled connection), or while one in flight holds one of its pages:
// two writers would contend for that page's waiting job. Asked again after each wait.
bool batch_waits(const pages_in_flight& writing, const batch_pages& batch, bool last_batch,
                 int limit);

}  // namespace ngsync::sync

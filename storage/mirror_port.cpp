#include "storage/mirror_port.hpp"

#include "storage/link_store.hpp"

namespace ngsync::storage {
namespace net = boost::asio;

net::awaitable<void> mirror_port::record(mirror_record r) {
  auto write = [&queue = queue_, r = std::move(r)](transaction t) {
    const auto& pid = r.page_id;
    if (!r.to_github.empty() || !r.to_notion.empty())
      link_store::merge_provenance(t, pid, r.to_github, r.to_notion);
    if (r.notion_written) link_store::invalidate_hash(t, pid);
    for (const auto& entry : r.conflicts) link_store::append_conflict(t, pid, entry.as_object());
    if (r.restore_job) {
      link_store::invalidate_hash(t, pid);
      queue.enqueue(t, *r.restore_job);
    }
  };
  co_await db_.write(std::move(write));
}

}  // namespace ngsync::storage

#include "storage/poll_port.hpp"

#include "core/sync/poll_rules.hpp"
#include "storage/cursor_store.hpp"

namespace ngsync::storage {
namespace net = boost::asio;

namespace {

std::int64_t enqueue_and_advance(transaction t, job_queue& queue,
                                 const std::vector<job_spec>& specs,
                                 const std::optional<watermark_move>& last, const std::string& ds) {
  std::int64_t n = 0;
  if (!specs.empty()) {
    auto r = queue.enqueue_batch(t, specs);
    n = r.inserted + r.merged;
  }
  if (!last) return n;
  const auto now = std::chrono::system_clock::now();
  if (last->to) {
    cursor_store::advance(t, ds, *last->to, last->pages, now);
  } else {
    const auto current = cursor_store::get(t, ds);
    const auto stored = current ? current->watermark : std::nullopt;
    cursor_store::advance(t, ds, sync::watermark_kept(stored, now, last->overlap), 0, now);
  }
  return n;
}

}  // namespace

net::awaitable<std::optional<sys_time>> poll_port::watermark() {
  auto read = [ds = data_source_id_](transaction t) {
    const auto cursor = cursor_store::get(t, ds);
    return cursor ? cursor->watermark : std::nullopt;
  };
  co_return co_await db_.read(std::move(read));
}

net::awaitable<std::map<std::string, link_sync_state>> poll_port::link_states(
    std::vector<std::string> page_ids) {
  auto read = [ids = std::move(page_ids)](transaction t) {
    return link_store::sync_states(t, ids);
  };
  co_return co_await db_.read(std::move(read));
}

net::awaitable<void> poll_port::record_error(std::string error) {
  auto write = [ds = data_source_id_, error](transaction t) {
    cursor_store::record_error(t, ds, error, std::chrono::system_clock::now());
  };
  co_await db_.write(std::move(write));
}

net::awaitable<std::int64_t> poll_port::enqueue(std::vector<job_spec> specs,
                                                std::optional<watermark_move> last) {
  auto write = [&queue = queue_, specs = std::move(specs), last, ds = data_source_id_](
                   transaction t) { return enqueue_and_advance(t, queue, specs, last, ds); };
  co_return co_await db_.write(std::move(write), retry_policy::idempotent);
}

}  // namespace ngsync::storage

#include "storage/reconcile_port.hpp"

#include <stdexcept>
#include <variant>

namespace ngsync::storage {
namespace net = boost::asio;

namespace {

// The link write of each action kind; the transaction is the same for all.
class action_writer {
 public:
  action_writer(transaction t, const std::optional<page_link>& link) : t_(t), link_(link) {}

  void operator()(const sync::no_action& /*nothing*/) const {}

  void operator()(const sync::adopt_issue& a) const {
    const auto existing = link_store::get(t_, a.page_id, true);
    switch (sync::adoption_write_for(existing.has_value(),
                                     existing && existing->issue_number.has_value())) {
      case sync::adoption_write::sync_only:
        break;
      case sync::adoption_write::record_number:
        link_store::record_created(t_, a.page_id, static_cast<int>(a.number), a.node_id, a.html_url,
                                   sync::to_string(a.kind));
        break;
      case sync::adoption_write::new_link: {
        page_link adopted;
        adopted.notion_page_id = a.page_id;
        adopted.data_source_id = a.data_source_id;
        adopted.github_repo = a.repo;
        adopted.issue_number = static_cast<int>(a.number);
        adopted.issue_node_id = a.node_id;
        adopted.issue_html_url = a.html_url;
        adopted.kind = a.kind;
        link_store::upsert(t_, adopted);
        break;
      }
    }
  }

  void operator()(const sync::enqueue_github_event& /*only its job*/) const {}

  void operator()(const sync::enqueue_page_sync& s) const {
    if (s.forget_hash) link_store::invalidate_hash(t_, s.page_id);
  }

  void operator()(const sync::mark_link_error& m) const {
    link_store::mark_error(t_, m.page_id, m.message, "reconcile");
  }

  void operator()(const sync::move_link& m) const {
    if (!link_) throw std::logic_error("reconcile: a link move without the link it moves");
    auto moved = *link_;
    moved.github_repo = m.repo;
    moved.issue_number = static_cast<int>(m.number);
    moved.issue_html_url = m.html_url;
    link_store::upsert(t_, moved);
  }

 private:
  transaction t_;
  const std::optional<page_link>& link_;
};

}  // namespace

net::awaitable<reconcile_start> reconcile_port::start(std::function<int(std::int64_t)> slice_size) {
  auto read = [slice_size = std::move(slice_size)](transaction t) {
    reconcile_start s;
    s.slice = link_store::due_for_verification(t, slice_size(link_store::count_verifiable(t)));
    s.last_pass = link_store::last_reconcile_pass(t);
    return s;
  };
  co_return co_await db_.read(std::move(read));
}

net::awaitable<std::vector<page_link>> reconcile_port::links_in(std::string repo) {
  auto read = [repo](transaction t) { return link_store::list_by_repo(t, repo); };
  co_return co_await db_.read(std::move(read));
}

net::awaitable<std::vector<std::string>> reconcile_port::linked_repositories() {
  auto read = [](transaction t) { return link_store::linked_repositories(t); };
  co_return co_await db_.read(std::move(read));
}

net::awaitable<void> reconcile_port::record_pass(sys_time started) {
  auto write = [started](transaction t) { link_store::record_reconcile_pass(t, started); };
  co_await db_.write(std::move(write));
}

net::awaitable<void> reconcile_port::mark_verified(std::vector<std::string> page_ids, sys_time at) {
  auto write = [ids = std::move(page_ids), at](transaction t) {
    link_store::mark_verified(t, ids, at);
  };
  co_await db_.write(std::move(write));
}

net::awaitable<void> reconcile_port::carry_out(sync::reconcile_action action,
                                               std::optional<page_link> link,
                                               std::optional<job_spec> job) {
  auto write = [&queue = queue_, action = std::move(action), link = std::move(link),
                job = std::move(job)](transaction t) {
    std::visit(action_writer{t, link}, action);
    if (job) queue.enqueue(t, *job);
  };
  co_await db_.write(std::move(write));
}

}  // namespace ngsync::storage

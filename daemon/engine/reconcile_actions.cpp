#include "daemon/engine/reconcile_actions.hpp"

#include <stdexcept>
#include <variant>

#include "daemon/engine/sync_job.hpp"

namespace ngsync::engine {

namespace {

// One write per action kind; the transaction and the queue are the same for all.
class action_writer {
 public:
  action_writer(storage::transaction t, storage::job_queue& queue, const storage::page_link* link,
                int max_attempts)
      : t_(t), queue_(queue), link_(link), max_attempts_(max_attempts) {}

  void operator()(const sync::no_action& /*nothing*/) const {}

  void operator()(const sync::adopt_issue& a) const {
    const auto existing = storage::link_store::get(t_, a.page_id, true);
    switch (sync::adoption_write_for(existing.has_value(),
                                     existing && existing->issue_number.has_value())) {
      case sync::adoption_write::sync_only:
        break;
      case sync::adoption_write::record_number:
        storage::link_store::record_created(t_, a.page_id, static_cast<int>(a.number), a.node_id,
                                            a.html_url, sync::to_string(a.kind));
        break;
      case sync::adoption_write::new_link: {
        storage::page_link adopted;
        adopted.notion_page_id = a.page_id;
        adopted.data_source_id = a.data_source_id;
        adopted.github_repo = a.repo;
        adopted.issue_number = static_cast<int>(a.number);
        adopted.issue_node_id = a.node_id;
        adopted.issue_html_url = a.html_url;
        adopted.kind = a.kind;
        storage::link_store::upsert(t_, adopted);
        break;
      }
    }
    enqueue_sync(a.page_id, a.data_source_id, a.mapping);
  }

  void operator()(const sync::enqueue_github_event& e) const {
    const github_event_job event{e.repo, e.number, e.page_id, "reconcile", "", ""};
    queue_.enqueue(t_, to_job_spec(event, max_attempts_));
  }

  void operator()(const sync::enqueue_page_sync& s) const {
    if (s.forget_hash) storage::link_store::invalidate_hash(t_, s.page_id);
    enqueue_sync(s.page_id, s.data_source_id, s.mapping);
  }

  void operator()(const sync::mark_link_error& m) const {
    storage::link_store::mark_error(t_, m.page_id, m.message, "reconcile");
  }

  void operator()(const sync::move_link& m) const {
    if (!link_) throw std::logic_error("reconcile: a link move without the link it moves");
    auto moved = *link_;
    moved.github_repo = m.repo;
    moved.issue_number = static_cast<int>(m.number);
    moved.issue_html_url = m.html_url;
    storage::link_store::upsert(t_, moved);
  }

 private:
  void enqueue_sync(const std::string& page_id, const std::string& data_source_id,
                    const std::string& mapping) const {
    sync_page_hint hint;
    hint.page_id = page_id;
    hint.data_source_id = data_source_id;
    hint.mapping = mapping;
    hint.source = "reconcile";
    queue_.enqueue(t_, to_job_spec(hint, max_attempts_));
  }

  storage::transaction t_;
  storage::job_queue& queue_;
  const storage::page_link* link_;
  int max_attempts_;
};

}  // namespace

void carry_out_reconcile_action(storage::transaction t, storage::job_queue& queue,
                                const sync::reconcile_action& action,
                                const storage::page_link* link, int max_attempts) {
  std::visit(action_writer{t, queue, link, max_attempts}, action);
}

}  // namespace ngsync::engine

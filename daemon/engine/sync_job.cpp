#include "daemon/engine/sync_job.hpp"

#include <stdexcept>

namespace ngsync::engine {
namespace json = boost::json;

storage::job_spec to_job_spec(const sync_page_hint& hint, int max_attempts) {
  storage::job_spec spec;
  spec.kind = sync_page_kind;
  json::object payload{{"page_id", hint.page_id},
                       {"data_source_id", hint.data_source_id},
                       {"mapping", hint.mapping},
                       {"source", hint.source}};
  if (hint.page) payload["page"] = *hint.page;
  const auto seen = hint.seen_at.value_or(std::chrono::system_clock::now());
  payload["seen_at_ms"] =
      std::chrono::duration_cast<std::chrono::milliseconds>(seen.time_since_epoch()).count();
  spec.payload = std::move(payload);
  spec.unique_key = "page:" + hint.page_id;
  spec.page_key = hint.page_id;
  spec.max_attempts = max_attempts;
  if (!hint.sync_run_id.empty()) spec.sync_run_id = hint.sync_run_id;
  return spec;
}

storage::job_spec to_job_spec(const github_event_job& event, int max_attempts) {
  storage::job_spec spec;
  spec.kind = github_issue_event_kind;
  spec.payload = json::object{{"repo", event.repo},         {"number", event.number},
                              {"page_id", event.page_id},   {"action", event.action},
                              {"delivery", event.delivery}, {"sender", event.sender}};
  spec.unique_key = "github-issue:" + event.repo + "#" + std::to_string(event.number);
  spec.page_key = event.page_id;
  spec.max_attempts = max_attempts;
  return spec;
}

sync_page_hint hint_from_payload(const json::value& payload) {
  const auto* o = payload.if_object();
  auto text = [&](const char* key) -> std::string {
    const json::value* v = o ? o->if_contains(key) : nullptr;
    if (!v || !v->is_string()) {
      throw std::invalid_argument(std::string("sync_page payload without '") + key + "'");
    }
    return std::string(v->as_string().c_str());
  };
  sync_page_hint h;
  h.page_id = text("page_id");
  h.data_source_id = text("data_source_id");
  h.mapping = text("mapping");
  if (auto* s = o->if_contains("source"); s && s->is_string()) h.source = s->as_string().c_str();
  if (auto* p = o->if_contains("page"); p && p->is_object()) h.page = *p;
  if (auto* t = o->if_contains("seen_at_ms"); t && t->is_int64()) {
    h.seen_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(t->as_int64()));
  }
  return h;
}

}  // namespace ngsync::engine

#include "core/sync/sync_hint.hpp"

#include <stdexcept>

namespace ngsync::sync {
namespace json = boost::json;

namespace {

const json::object& object_of(const json::value& payload, const char* kind) {
  const auto* o = payload.if_object();
  if (!o) throw std::invalid_argument(std::string(kind) + " payload is not an object");
  return *o;
}

std::string required_text(const json::object& o, const char* kind, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) {
    throw std::invalid_argument(std::string(kind) + " payload without '" + key + "'");
  }
  return {v->as_string().c_str()};
}

std::string optional_text(const json::object& o, const char* key, const char* fallback = "") {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? v->as_string().c_str() : fallback;
}

}  // namespace

json::object to_payload(const sync_page_hint& hint, std::chrono::system_clock::time_point now) {
  json::object payload{{"page_id", hint.page_id},
                       {"data_source_id", hint.data_source_id},
                       {"mapping", hint.mapping},
                       {"source", hint.source}};
  if (hint.page) payload["page"] = *hint.page;
  const auto seen = hint.seen_at.value_or(now);
  payload["seen_at_ms"] =
      std::chrono::duration_cast<std::chrono::milliseconds>(seen.time_since_epoch()).count();
  return payload;
}

sync_page_hint hint_from_payload(const json::value& payload) {
  const auto& o = object_of(payload, sync_page_kind);
  sync_page_hint h;
  h.page_id = required_text(o, sync_page_kind, "page_id");
  h.data_source_id = required_text(o, sync_page_kind, "data_source_id");
  h.mapping = required_text(o, sync_page_kind, "mapping");
  h.source = optional_text(o, "source", h.source.c_str());
  if (const auto* p = o.if_contains("page"); p && p->is_object()) h.page = *p;
  if (const auto* t = o.if_contains("seen_at_ms"); t && t->is_int64()) {
    h.seen_at = std::chrono::system_clock::time_point(std::chrono::milliseconds(t->as_int64()));
  }
  return h;
}

std::string unique_key(const sync_page_hint& hint) {
  return "page:" + hint.page_id;
}

std::string page_key(const sync_page_hint& hint) {
  return hint.page_id;
}

json::object to_payload(const github_event_job& event) {
  return json::object{{"repo", event.repo},         {"number", event.number},
                      {"page_id", event.page_id},   {"action", event.action},
                      {"delivery", event.delivery}, {"sender", event.sender}};
}

github_event_job github_event_from_payload(const json::value& payload) {
  const auto& o = object_of(payload, github_issue_event_kind);
  github_event_job e;
  e.repo = optional_text(o, "repo");
  const auto* n = o.if_contains("number");
  if (e.repo.empty() || !n || !n->is_int64()) {
    throw std::invalid_argument(std::string(github_issue_event_kind) +
                                " payload without repo or number");
  }
  e.number = n->as_int64();
  e.page_id = optional_text(o, "page_id");
  e.action = optional_text(o, "action");
  e.delivery = optional_text(o, "delivery");
  e.sender = optional_text(o, "sender");
  return e;
}

std::string unique_key(const github_event_job& event) {
  return "github-issue:" + event.repo + "#" + std::to_string(event.number);
}

std::string page_key(const github_event_job& event) {
  return event.page_id;
}

}  // namespace ngsync::sync

#include "core/sync/provenance.hpp"

#include <boost/json.hpp>

namespace ngsync::sync {
namespace json = boost::json;
namespace {

std::string text_of(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string().c_str()) : std::string();
}

std::vector<std::string> names_of(const json::object& o, const char* key) {
  std::vector<std::string> out;
  if (const auto* a = o.if_contains(key); a && a->is_array()) {
    for (const auto& x : a->as_array()) {
      if (x.is_string()) out.emplace_back(x.as_string().c_str());
    }
  }
  return out;
}

}  // namespace

json::object provenance_json(const last_written_values& written) {
  json::array labels;
  json::array assignees;
  for (const auto& l : written.labels) labels.emplace_back(l);
  for (const auto& a : written.assignees) assignees.emplace_back(a);
  // The record is merged key by key (jsonb ||): an absent "applied" list is written as null, so
  // a write GitHub applied in full clears the previous write's.
  auto applied = [](const std::optional<std::vector<std::string>>& names) -> json::value {
    if (!names) return nullptr;
    json::array a;
    for (const auto& n : *names) a.emplace_back(n);
    return a;
  };
  return {{"title", written.title},
          {"body_revision", written.body_revision},
          {"labels", labels},
          {"assignees", assignees},
          {"labels_applied", applied(written.labels_applied)},
          {"assignees_applied", applied(written.assignees_applied)},
          {"state", to_string(written.state)},
          {"written_at", written.written_at}};
}

std::optional<last_written_values> last_written_from(const json::object& stored) {
  if (!stored.contains("title")) return std::nullopt;
  last_written_values w;
  w.title = text_of(stored, "title");
  w.body_revision = text_of(stored, "body_revision");
  w.labels = names_of(stored, "labels");
  w.assignees = names_of(stored, "assignees");
  if (const auto* a = stored.if_contains("labels_applied"); a && a->is_array()) {
    w.labels_applied = names_of(stored, "labels_applied");
  }
  if (const auto* a = stored.if_contains("assignees_applied"); a && a->is_array()) {
    w.assignees_applied = names_of(stored, "assignees_applied");
  }
  w.state = desired_state_from(text_of(stored, "state")).value_or(desired_state::open);
  w.written_at = text_of(stored, "written_at");
  return w;
}

}  // namespace ngsync::sync

#include "daemon/notion_schema_check.hpp"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "core/sync/sync_action.hpp"

namespace ngsync::daemon {
namespace json = boost::json;

namespace {

// Colors Notion shows for the sync-status options; cosmetic only.
const char* option_color(const std::string& name) {
  const auto status = sync::sync_status_value_from(name);
  if (!status) return "default";
  switch (*status) {
    case sync::sync_status_value::pending:
      return "yellow";
    case sync::sync_status_value::success:
      return "green";
    case sync::sync_status_value::error:
      return "red";
  }
  return "default";
}

std::string join(const std::vector<std::string>& items, const char* sep = ", ") {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : sep) + i;
  return out;
}

struct expectation {
  std::string property;
  std::string role;
  std::vector<std::string> types;    // accepted types, the first is the one --apply creates
  std::vector<std::string> options;  // for select/status: names that must exist
  bool write_back = false;           // --apply may create it
};

std::vector<std::string> option_names(const json::object& prop, const std::string& type) {
  std::vector<std::string> names;
  const auto* cfg = prop.if_contains(type);
  if (!cfg || !cfg->is_object()) return names;
  const auto* opts = cfg->as_object().if_contains("options");
  if (!opts || !opts->is_array()) return names;
  for (const auto& o : opts->as_array())
    if (o.is_object())
      if (const auto* n = o.as_object().if_contains("name"); n && n->is_string())
        names.emplace_back(n->as_string().c_str());
  return names;
}

json::array option_specs(const std::vector<std::string>& names) {
  json::array out;
  for (const auto& n : names) out.push_back(json::object{{"name", n}, {"color", option_color(n)}});
  return out;
}

std::vector<expectation> expectations_of(const config::mapping& m) {
  std::vector<expectation> out;
  out.push_back({m.title_property, "title", {"title"}, {}, false});
  if (!m.status_property.empty()) {
    std::vector<std::string> statuses = m.create_statuses;
    for (const auto& [s, reason] : m.close_statuses) statuses.push_back(s);
    if (!m.reopen_status.empty()) statuses.push_back(m.reopen_status);
    std::vector<std::string> unique;
    for (const auto& s : statuses)
      if (std::find(unique.begin(), unique.end(), s) == unique.end()) unique.push_back(s);
    out.push_back({m.status_property, "status", {"status", "select"}, unique, false});
  }
  if (!m.labels_property.empty())
    out.push_back({m.labels_property, "labels", {"multi_select"}, {}, false});
  if (!m.assignees_property.empty())
    out.push_back({m.assignees_property, "assignees", {"people"}, {}, false});
  if (!m.repository_property.empty())
    out.push_back({m.repository_property, "repository", {"rich_text", "select", "url"}, {}, false});
  if (!m.issue_number_property.empty())
    out.push_back({m.issue_number_property, "write-back: issue number", {"number"}, {}, true});
  if (!m.issue_url_property.empty())
    out.push_back({m.issue_url_property, "write-back: issue URL", {"url"}, {}, true});
  if (!m.sync_status_property.empty())
    out.push_back({m.sync_status_property,
                   "write-back: sync status",
                   {"select", "status"},
                   {sync::to_string(sync::sync_status_value::pending),
                    sync::to_string(sync::sync_status_value::success),
                    sync::to_string(sync::sync_status_value::error)},
                   true});
  if (!m.last_sync_at_property.empty())
    out.push_back({m.last_sync_at_property, "write-back: last sync time", {"date"}, {}, true});
  if (!m.sync_error_property.empty())
    out.push_back({m.sync_error_property, "write-back: sync error", {"rich_text"}, {}, true});
  return out;
}

}  // namespace

std::size_t schema_report::problems() const {
  return static_cast<std::size_t>(std::count_if(
      findings.begin(), findings.end(), [](auto& f) { return f.kind != schema_finding_kind::ok; }));
}

std::size_t schema_report::fixable() const {
  return static_cast<std::size_t>(
      std::count_if(findings.begin(), findings.end(), [](auto& f) { return f.fixable; }));
}

schema_report check_notion_schema(const config::mapping& m, const json::object& data_source) {
  schema_report report;
  json::object props;
  if (const auto* p = data_source.if_contains("properties"); p && p->is_object())
    props = p->as_object();
  for (const auto& e : expectations_of(m)) {
    schema_finding f;
    f.property = e.property;
    f.role = e.role;
    f.expected = join(e.types, " or ");
    if (!e.options.empty()) f.expected += " (" + join(e.options) + ")";
    const auto* prop = props.if_contains(e.property);
    if (!prop || !prop->is_object()) {
      f.kind = schema_finding_kind::missing;
      f.fixable = e.write_back;
      f.detail = e.write_back ? "missing; --apply adds it" : "missing; add it in Notion";
      if (e.write_back) {
        const auto& type = e.types.front();
        json::object config;
        if (!e.options.empty()) config["options"] = option_specs(e.options);
        report.patch[e.property] = json::object{{type, std::move(config)}};
      }
      report.findings.push_back(std::move(f));
      continue;
    }
    const auto& po = prop->as_object();
    std::string type;
    if (const auto* t = po.if_contains("type"); t && t->is_string()) type = t->as_string().c_str();
    if (std::find(e.types.begin(), e.types.end(), type) == e.types.end()) {
      f.kind = schema_finding_kind::wrong_type;
      f.detail = "is " + type + "; change its type in Notion (ngsync never retypes a property)";
      report.findings.push_back(std::move(f));
      continue;
    }
    const auto have = option_names(po, type);
    std::vector<std::string> lacking;
    for (const auto& want : e.options)
      if (std::find(have.begin(), have.end(), want) == have.end()) lacking.push_back(want);
    if (!lacking.empty()) {
      f.kind = schema_finding_kind::missing_options;
      // Notion's API cannot change a status property's options; a select's it can.
      f.fixable = type == "select";
      f.detail = "lacks option" + std::string(lacking.size() == 1 ? " " : "s ") + join(lacking) +
                 (f.fixable ? "; --apply adds them and keeps the existing ones"
                            : "; add them in Notion (the API cannot edit status options)");
      if (f.fixable) {
        // The union, existing options first and by id, so none is dropped or renamed.
        json::array options;
        const auto& existing = po.at(type).as_object().at("options").as_array();
        for (const auto& o : existing) {
          const auto& oo = o.as_object();
          json::object keep{{"name", oo.at("name")}};
          if (const auto* id = oo.if_contains("id")) keep["id"] = *id;
          options.push_back(std::move(keep));
        }
        for (auto& spec : option_specs(lacking)) options.push_back(std::move(spec));
        report.patch[e.property] =
            json::object{{type, json::object{{"options", std::move(options)}}}};
      }
      report.findings.push_back(std::move(f));
      continue;
    }
    f.expected = type + (e.options.empty() ? "" : " (" + join(e.options) + ")");
    report.findings.push_back(std::move(f));
  }
  return report;
}

std::string describe(const schema_report& report) {
  std::string out;
  for (const auto& f : report.findings) {
    const char* tag = "ok";
    switch (f.kind) {
      case schema_finding_kind::ok:
        tag = "ok";
        break;
      case schema_finding_kind::missing:
        tag = "missing";
        break;
      case schema_finding_kind::missing_options:
        tag = "options";
        break;
      case schema_finding_kind::wrong_type:
        tag = "type";
        break;
    }
    out += fmt::format("  {:<8} {:<28} {} [{}]", tag, f.property, f.expected, f.role);
    if (!f.detail.empty()) out += ": " + f.detail;
    out += "\n";
  }
  return out;
}

}  // namespace ngsync::daemon

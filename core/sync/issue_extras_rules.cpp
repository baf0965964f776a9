#include "core/sync/issue_extras_rules.hpp"

#include <fmt/format.h>

#include "core/hash/sha256.hpp"
#include "core/sync/adoption.hpp"
#include "core/sync/issue_body.hpp"

namespace ngsync::sync {
namespace json = boost::json;

bool extras_wanted(const config::mapping& m) {
  return m.project.has_value() || !m.milestone_property.empty() || m.mirror_comments ||
         m.status_snapshot_comment;
}

std::string notion_comment_marker(const std::string& notion_comment_id) {
  return "<!-- ngsync:notion-comment:" + notion_comment_id + " -->";
}

json::value property_json(const notion::property_value& p) {
  using notion::property_type;
  if (p.is_empty) return nullptr;
  switch (p.type) {
    case property_type::number:
      return p.number ? json::value(*p.number) : json::value(nullptr);
    case property_type::checkbox:
      return p.checkbox;
    case property_type::date:
      return p.date ? json::value(p.date->start) : json::value(nullptr);
    case property_type::multi_select: {
      json::array a;
      for (const auto& n : p.names) a.emplace_back(n);
      return a;
    }
    case property_type::people: {
      json::array a;
      for (const auto& u : p.people) a.emplace_back(u.name.empty() ? u.id : u.name);
      return a;
    }
    default:
      return json::string(p.text);
  }
}

json::object status_snapshot(const notion::notion_page& page, const config::mapping& m) {
  json::object fields;
  auto add = [&](const std::string& name) {
    if (name.empty() || fields.contains(name)) return;
    if (const auto* p = page.find(name)) fields[name] = property_json(*p);
  };
  add(m.title_property);
  add(m.status_property);
  add(m.labels_property);
  add(m.assignees_property);
  add(m.milestone_property);
  if (m.project) {
    for (const auto& [prop, field] : m.project->fields) add(prop);
  }
  return {{"notion_page_id", page.id}, {"fields", std::move(fields)}};
}

snapshot_comment snapshot_comment_of(const notion::notion_page& page, const config::mapping& m) {
  snapshot_comment c;
  c.body = fmt::format("{}\n**Notion Status Snapshot**\n\n```json\n{}\n```\n", snapshot_marker,
                       json::serialize(status_snapshot(page, m)));
  c.hash = hash::sha256_hex(c.body);
  return c;
}

std::string mirrored_comment_body(const std::string& text, const std::string& notion_comment_id) {
  return fmt::format("{}\n\n_Comment mirrored from Notion_\n{}", neutralise_markers(text),
                     notion_comment_marker(notion_comment_id));
}

std::optional<std::int64_t> own_comment_with(const std::vector<github::comment>& comments,
                                             const std::string& marker,
                                             const std::string& own_login) {
  for (const auto& c : comments) {
    if (c.body.find(marker) != std::string::npos && written_by_daemon(c.user_login, own_login)) {
      return c.id;
    }
  }
  return std::nullopt;
}

bool is_not_found(const api::api_failure& f) {
  return f.kind == api::failure_kind::permanent &&
         (f.code == "NOT_FOUND" || f.status == 404 ||
          f.message.find("does not belong to the field") != std::string::npos);
}

project_field_plan plan_project_fields(const notion::notion_page& page,
                                       const config::project_settings& s,
                                       const json::object& written) {
  project_field_plan plan;
  plan.written = written;
  for (const auto& [prop, field] : s.fields) {
    const auto* p = page.find(prop);
    if (!p) {
      plan.steps.push_back(
          {field, std::nullopt,
           fmt::format("property '{}' (project field '{}') is not on the page", prop, field)});
      continue;
    }
    auto value = github::project_value_of(*p);
    const json::value want = value ? json::value(*value) : json::value(nullptr);
    if (const auto* had = written.if_contains(field); had && *had == want) {
      plan.skipped.push_back(field);
      continue;
    }
    if (!written.contains(field) && !value) {
      plan.written[field] = nullptr;  // a new item has the field empty already
      plan.skipped.push_back(field);
      continue;
    }
    plan.steps.push_back({field, std::move(value), ""});
  }
  return plan;
}

json::object written_after(const project_field_plan& plan,
                           const std::vector<std::string>& succeeded_fields) {
  auto written = plan.written;
  for (const auto& step : plan.steps) {
    if (!step.error.empty()) continue;
    bool ok = false;
    for (const auto& f : succeeded_fields) ok = ok || f == step.field;
    if (ok) written[step.field] = step.value ? json::value(*step.value) : json::value(nullptr);
  }
  return written;
}

project_field_write field_write_on(const github::project_board& board, const std::string& field,
                                   const std::optional<std::string>& value) {
  project_field_write w;
  w.field = board.field(field);
  if (!w.field) {
    w.error = fmt::format("the project has no field '{}'", field);
    return w;
  }
  if (value) {
    w.input = github::field_input(*w.field, *value);
    w.error = w.input->error;
  }
  return w;
}

std::string unset_project_field_error(const std::string& field) {
  return fmt::format("project field '{}' could not be set", field);
}

milestone_wish milestone_of(const notion::notion_page& page, const config::mapping& m) {
  const auto* p = page.find(m.milestone_property);
  if (!p) {
    return {"", fmt::format("milestone property '{}' is not on the page", m.milestone_property)};
  }
  return {github::project_value_of(*p).value_or(""), ""};
}

std::string missing_milestone_error(const std::string& title, const std::string& repo) {
  return fmt::format("milestone '{}' does not exist in {}", title, repo);
}

std::string join_errors(const std::vector<std::string>& errors) {
  std::string out;
  for (const auto& e : errors) {
    if (!out.empty()) out += "; ";
    out += e;
  }
  return out;
}

}  // namespace ngsync::sync

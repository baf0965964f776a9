#include "core/github/project_board.hpp"

#include "core/text/ascii.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace ngsync::github {
namespace net = boost::asio;
namespace json = boost::json;

namespace {

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

std::string text_of(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string().c_str()) : std::string();
}

const json::object* object_at(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

// Option and iteration names match trimmed and case-insensitively, as Notion users type them.
const std::string* find_named(const std::map<std::string, std::string>& m,
                              const std::string& name) {
  const auto want = text::ascii_lower(trim(name));
  for (const auto& [k, v] : m) {
    if (text::ascii_lower(trim(k)) == want) return &v;
  }
  return nullptr;
}

const char* project_query_org =
    "query($owner: String!, $number: Int!) { organization(login: $owner) { projectV2(number: "
    "$number) { id title fields(first: 100) { nodes { ... on ProjectV2FieldCommon { id name "
    "dataType } ... on ProjectV2SingleSelectField { options { id name } } ... on "
    "ProjectV2IterationField { configuration { iterations { id title } completedIterations { id "
    "title } } } } } } } rateLimit { cost remaining resetAt } }";
const char* project_query_user =
    "query($owner: String!, $number: Int!) { user(login: $owner) { projectV2(number: $number) { "
    "id title fields(first: 100) { nodes { ... on ProjectV2FieldCommon { id name dataType } ... "
    "on ProjectV2SingleSelectField { options { id name } } ... on ProjectV2IterationField { "
    "configuration { iterations { id title } completedIterations { id title } } } } } } } "
    "rateLimit { cost remaining resetAt } }";

}  // namespace

const project_field* project_board::field(const std::string& name) const {
  const auto want = text::ascii_lower(trim(name));
  for (const auto& f : fields) {
    if (text::ascii_lower(trim(f.name)) == want) return &f;
  }
  return nullptr;
}

std::optional<project_board> parse_project_board(const json::object& data, std::string& why) {
  const json::object* owner = object_at(data, "organization");
  if (!owner) owner = object_at(data, "user");
  const json::object* project = owner ? object_at(*owner, "projectV2") : nullptr;
  if (!project) {
    why = "the project was not found";
    return std::nullopt;
  }
  project_board b;
  b.id = text_of(*project, "id");
  b.title = text_of(*project, "title");
  if (b.id.empty()) {
    why = "the project has no id";
    return std::nullopt;
  }
  const auto* fields = object_at(*project, "fields");
  const auto* nodes = fields ? fields->if_contains("nodes") : nullptr;
  if (nodes && nodes->is_array()) {
    for (const auto& n : nodes->as_array()) {
      const auto* o = n.if_object();
      if (!o) continue;
      project_field f;
      f.id = text_of(*o, "id");
      f.name = text_of(*o, "name");
      f.data_type = text_of(*o, "dataType");
      if (f.id.empty() || f.name.empty()) continue;
      if (auto* opts = o->if_contains("options"); opts && opts->is_array()) {
        for (const auto& opt : opts->as_array()) {
          if (const auto* oo = opt.if_object())
            f.options[text_of(*oo, "name")] = text_of(*oo, "id");
        }
      }
      if (const auto* conf = object_at(*o, "configuration")) {
        for (const char* k : {"iterations", "completedIterations"}) {
          if (auto* its = conf->if_contains(k); its && its->is_array()) {
            for (const auto& it : its->as_array()) {
              if (const auto* io = it.if_object())
                f.iterations[text_of(*io, "title")] = text_of(*io, "id");
            }
          }
        }
      }
      b.fields.push_back(std::move(f));
    }
  }
  return b;
}

std::optional<std::string> project_value_of(const notion::property_value& p) {
  if (p.is_empty) return std::nullopt;
  using notion::property_type;
  switch (p.type) {
    case property_type::select:
    case property_type::status:
    case property_type::title:
    case property_type::rich_text:
    case property_type::url:
      if (trim(p.text).empty()) return std::nullopt;
      return p.text;
    case property_type::number:
      if (!p.number) return std::nullopt;
      return fmt::format("{}", *p.number);
    case property_type::date:
      if (!p.date || p.date->start.empty()) return std::nullopt;
      return p.date->start.substr(0, 10);  // GraphQL Date: YYYY-MM-DD
    case property_type::checkbox:
      return p.checkbox ? "true" : "false";
    default:
      return std::nullopt;
  }
}

field_value_input field_input(const project_field& field, const std::string& text) {
  field_value_input in;
  const auto& t = field.data_type;
  if (t == "SINGLE_SELECT") {
    if (const auto* id = find_named(field.options, text)) {
      in.value["singleSelectOptionId"] = *id;
    } else {
      in.error = fmt::format("project field '{}' has no option '{}'", field.name, text);
    }
  } else if (t == "ITERATION") {
    if (const auto* id = find_named(field.iterations, text)) {
      in.value["iterationId"] = *id;
    } else {
      in.error = fmt::format("project field '{}' has no iteration '{}'", field.name, text);
    }
  } else if (t == "NUMBER") {
    double d = 0;
    const auto s = trim(text);
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), d);
    if (s.empty() || ec != std::errc() || p != s.data() + s.size() || !std::isfinite(d)) {
      in.error = fmt::format("project field '{}' needs a number, not '{}'", field.name, text);
    } else {
      in.value["number"] = d;
    }
  } else if (t == "DATE") {
    in.value["date"] = text.substr(0, 10);
  } else if (t == "TEXT") {
    in.value["text"] = text;
  } else {
    in.error = fmt::format("project field '{}' has type {}, which the sync cannot set", field.name,
                           t.empty() ? "unknown" : t);
  }
  return in;
}

net::awaitable<project_board> load_project_board(graphql_client& gql, project_ref ref) {
  json::object vars{{"owner", ref.owner}, {"number", ref.number}};
  std::string doc = ref.owner_is_user ? project_query_user : project_query_org;
  auto data = co_await gql.run(std::move(doc), std::move(vars), "read project", false);
  std::string why;
  auto board = parse_project_board(data, why);
  if (!board) {
    api::throw_malformed("github", "read project",
                         fmt::format("project {}/{}: {}", ref.owner, ref.number, why));
  }
  co_return std::move(*board);
}

net::awaitable<std::string> add_project_item(graphql_client& gql, std::string project_id,
                                             std::string content_id) {
  std::string doc =
      "mutation($project: ID!, $content: ID!) { addProjectV2ItemById(input: {projectId: "
      "$project, contentId: $content}) { item { id } } }";
  json::object vars{{"project", project_id}, {"content", content_id}};
  auto data = co_await gql.run(std::move(doc), std::move(vars), "add project item", true);
  const auto* add = object_at(data, "addProjectV2ItemById");
  const auto* item = add ? object_at(*add, "item") : nullptr;
  auto id = item ? text_of(*item, "id") : std::string();
  if (id.empty()) api::throw_malformed("github", "add project item", "no item id in the answer");
  co_return id;
}

net::awaitable<void> set_project_field(graphql_client& gql, std::string project_id,
                                       std::string item_id, std::string field_id,
                                       json::object value) {
  std::string doc =
      "mutation($project: ID!, $item: ID!, $field: ID!, $value: ProjectV2FieldValue!) { "
      "updateProjectV2ItemFieldValue(input: {projectId: $project, itemId: $item, fieldId: $field, "
      "value: $value}) { projectV2Item { id } } }";
  json::object vars{
      {"project", project_id}, {"item", item_id}, {"field", field_id}, {"value", value}};
  co_await gql.run(std::move(doc), std::move(vars), "set project field", true);
}

net::awaitable<void> clear_project_field(graphql_client& gql, std::string project_id,
                                         std::string item_id, std::string field_id) {
  std::string doc =
      "mutation($project: ID!, $item: ID!, $field: ID!) { clearProjectV2ItemFieldValue(input: "
      "{projectId: $project, itemId: $item, fieldId: $field}) { projectV2Item { id } } }";
  json::object vars{{"project", project_id}, {"item", item_id}, {"field", field_id}};
  co_await gql.run(std::move(doc), std::move(vars), "clear project field", true);
}

net::awaitable<void> delete_project_item(graphql_client& gql, std::string project_id,
                                         std::string item_id) {
  std::string doc =
      "mutation($project: ID!, $item: ID!) { deleteProjectV2Item(input: {projectId: $project, "
      "itemId: $item}) { deletedItemId } }";
  json::object vars{{"project", project_id}, {"item", item_id}};
  co_await gql.run(std::move(doc), std::move(vars), "delete project item", true);
}

}  // namespace ngsync::github

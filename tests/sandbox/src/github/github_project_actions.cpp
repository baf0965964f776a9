// Projects (v2) in the GitHub emulator outside GraphQL: the scenario's `projects`, the person
// actions that change a project's options (to make a client's cached ids stale), and the state
// the control API shows (items with their field values by field name).
#include <stdexcept>

#include "tests/sandbox/src/github/github_emulator_impl.hpp"

namespace ngsync::sandbox::github {

namespace {

[[noreturn]] void bad(const std::string& what) {
  throw std::invalid_argument("github: " + what);
}

std::string need_string(const json::object& o, const char* key, const std::string& where) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_string()) bad(where + ": " + key + " (a string) is required");
  return std::string(v->as_string());
}

}  // namespace

gh_issue* github_emulator::issue_by_node_id(const std::string& id, gh_repo** repo_out) {
  for (auto& repo : repos_)
    for (auto& [n, issue] : repo.issues)
      if (!issue.deleted && !issue.pull && node_id("I", issue.id) == id) {
        if (repo_out) *repo_out = &repo;
        return &issue;
      }
  return nullptr;
}

void github_emulator::load_projects(const json::value& list) {
  projects_.clear();
  if (list.is_null()) return;
  if (!list.is_array()) bad("projects must be a list");
  for (const auto& e : list.as_array()) {
    if (!e.is_object()) bad("projects[] must be objects");
    const json::object& spec = e.as_object();
    // Items are read here, where issues can be found; parse_project skips them.
    gh_project p = parse_project(spec, [this] { return next_id(); });
    for (const auto& other : projects_)
      if (other.owner == p.owner && other.number == p.number)
        bad("projects: " + p.owner + " has two projects numbered " + std::to_string(p.number));
    if (const json::value* items = spec.if_contains("items"); items && items->is_array())
      for (const auto& iv : items->as_array()) {
        if (!iv.is_object()) bad("projects[].items[] must be objects");
        const json::object& io = iv.as_object();
        const std::string ref = need_string(io, "issue", "projects[].items[]");
        const auto hash = ref.find('#');
        gh_repo* repo = hash == std::string::npos ? nullptr : find_repo(ref.substr(0, hash));
        auto it = repo ? repo->issues.find(std::atoi(ref.c_str() + hash + 1))
                       : std::map<int, gh_issue>::iterator();
        if (!repo || it == repo->issues.end())
          bad("projects[].items[].issue: no issue " + ref + " (want owner/repo#number)");
        gh_project_item item;
        item.id = next_id();
        item.node_id = node_id("PVTI", item.id);
        item.content_node_id = node_id("I", it->second.id);
        item.created_at = item.updated_at = now();
        if (const json::value* vs = io.if_contains("values"); vs && vs->is_object())
          for (const auto& [name, v] : vs->as_object()) {
            gh_project_field* field = p.field_by_name(std::string(name));
            if (!field) bad("projects[].items[].values: no field " + std::string(name));
            json::object value;
            if (field->data_type == "SINGLE_SELECT" || field->data_type == "ITERATION") {
              // Shorthand by option name or iteration title.
              const std::string wanted = v.is_string() ? std::string(v.as_string()) : "";
              for (const auto& o : field->options)
                if (o.name == wanted) value["singleSelectOptionId"] = o.id;
              for (const auto& i : field->iterations)
                if (i.title == wanted) value["iterationId"] = i.id;
              if (value.empty()) bad("projects[].items[].values: no option " + wanted);
            } else {
              value[field->data_type == "NUMBER" ? "number"
                    : field->data_type == "DATE" ? "date"
                                                 : "text"] = v;
            }
            if (auto error = set_project_value(item, *field, value))
              bad("projects[].items[].values." + std::string(name) + ": " + *error);
          }
        p.items.push_back(std::move(item));
      }
    projects_.push_back(std::move(p));
  }
}

json::value github_emulator::project_act(const std::string& action, const json::object& args) {
  const std::string owner = need_string(args, "owner", action);
  const json::value* number = args.if_contains("number");
  gh_project* project = nullptr;
  for (auto& p : projects_)
    if (p.owner == owner && number && number->is_int64() && p.number == number->as_int64())
      project = &p;
  if (!project)
    bad(action + ": no project " + owner + "#" + (number ? json::serialize(*number) : ""));
  const std::string field_name = need_string(args, "field", action);
  gh_project_field* field = project->field_by_name(field_name);
  if (!field || field->data_type != "SINGLE_SELECT")
    bad(action + ": no single-select field " + field_name);
  if (action == "add_project_option") {
    gh_project_option o;
    o.id = short_hex_id(next_id());
    o.name = need_string(args, "name", action);
    field->options.push_back(o);
    return json::object{{"id", o.id}, {"name", o.name}};
  }
  const std::string option_name = need_string(args, "option", action);
  auto option = std::find_if(field->options.begin(), field->options.end(),
                             [&](const gh_project_option& o) { return o.name == option_name; });
  if (option == field->options.end()) bad(action + ": no option " + option_name);
  if (action == "rename_project_option") {
    // GitHub gives an edited option a new id: ids cached before the edit go stale.
    option->name = need_string(args, "new_name", action);
    const std::string old_id = option->id;
    option->id = short_hex_id(next_id());
    for (auto& item : project->items)
      if (auto v = item.values.find(field->node_id);
          v != item.values.end() && v->second.option_id == old_id)
        v->second.option_id = option->id;
    return json::object{{"id", option->id}, {"name", option->name}, {"old_id", old_id}};
  }
  if (action == "delete_project_option") {
    // Items that had the option lose their value, as on GitHub.
    const std::string old_id = option->id;
    field->options.erase(option);
    for (auto& item : project->items)
      if (auto v = item.values.find(field->node_id);
          v != item.values.end() && v->second.option_id == old_id)
        item.values.erase(v);
    return json::object{{"deleted_id", old_id}};
  }
  bad("unknown action " + action);
}

json::array github_emulator::projects_state() const {
  json::array out;
  for (const auto& p : projects_) {
    json::array fields, items;
    for (const auto& f : p.fields) {
      json::object fo{{"id", f.node_id}, {"name", f.name}, {"data_type", f.data_type}};
      if (f.data_type == "SINGLE_SELECT") {
        json::array options;
        for (const auto& o : f.options)
          options.push_back(json::object{{"id", o.id}, {"name", o.name}});
        fo["options"] = std::move(options);
      }
      if (f.data_type == "ITERATION") {
        json::array iterations;
        for (const auto& i : f.iterations)
          iterations.push_back(json::object{{"id", i.id},
                                            {"title", i.title},
                                            {"start_date", i.start_date},
                                            {"duration", i.duration}});
        fo["iterations"] = std::move(iterations);
      }
      fields.push_back(std::move(fo));
    }
    for (const auto& item : p.items) {
      json::object values;
      for (const auto& f : p.fields)
        if (auto v = item.values.find(f.node_id); v != item.values.end())
          values[f.name] = describe_value(f, v->second);
      json::value issue = nullptr;
      for (const auto& repo : repos_)
        for (const auto& [n, i] : repo.issues)
          if (node_id("I", i.id) == item.content_node_id)
            issue = json::string(repo.full_name() + "#" + std::to_string(n));
      items.push_back(json::object{{"id", item.node_id},
                                   {"content_id", item.content_node_id},
                                   {"issue", issue},
                                   {"values", std::move(values)},
                                   {"updated_at", iso8601(item.updated_at)}});
    }
    out.push_back(json::object{{"id", p.node_id},
                               {"owner", p.owner},
                               {"owner_type", p.owner_is_org ? "Organization" : "User"},
                               {"number", p.number},
                               {"title", p.title},
                               {"fields", std::move(fields)},
                               {"items", std::move(items)}});
  }
  return out;
}

}  // namespace ngsync::sandbox::github

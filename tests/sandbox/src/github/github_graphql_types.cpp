// The GraphQL types the emulator answers: Query, Mutation, Organization/User, ProjectV2, its
// fields, items and field values, Issue, Repository, RateLimit, connections and payloads.
#include "tests/sandbox/src/github/github_graphql_run.hpp"

namespace ngsync::sandbox::github {

namespace {

bool is_field_type(const std::string& t) {
  return t == "ProjectV2Field" || t == "ProjectV2SingleSelectField" ||
         t == "ProjectV2IterationField";
}

std::string printable(const json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
}

}  // namespace

gql_result graphql_run::resolve(const gql_ref& obj, const gql_selection& f,
                                const json::array& path) {
  const std::string& t = obj.type;
  const std::string& n = f.name;
  if (t == "Query") return resolve_query(f, path);
  if (t == "Mutation") return resolve_mutation(f, path);
  if (t == "ProjectV2") return resolve_project(obj, f, path);
  if (is_field_type(t)) return resolve_field(obj, f);
  if (t == "ProjectV2Item") return resolve_item(obj, f, path);
  if (t.rfind("ProjectV2ItemField", 0) == 0) return resolve_value_field(obj, f);
  if (t == "Organization" || t == "User") return resolve_owner(obj, f, path);
  if (t == "ProjectV2SingleSelectFieldOption") return resolve_select_option(obj, f);
  if (t == "ProjectV2IterationFieldConfiguration") return resolve_iteration_configuration(obj, f);
  if (t == "ProjectV2IterationFieldIteration") return resolve_iteration(obj, f);
  if (t == "Issue") return resolve_issue(obj, f, path);
  if (t == "Repository") return resolve_repository(obj, f, path);
  if (t == "RateLimit") return resolve_rate_limit(f);
  if (t == "Connection") return resolve_connection(obj, f);
  if (t == "Edge") return resolve_edge(obj, f);
  if (t == "PageInfo") return resolve_page_info(obj, f);
  if (t.size() > 7 && t.compare(t.size() - 7, 7, "Payload") == 0) {
    if (const json::value* v = obj.scalars.if_contains(n)) return gql_scalar(*v);
    if (n == obj.payload_key && obj.payload) return gql_object(*obj.payload);
    return gql_unknown();
  }
  return gql_unknown();
}

// An organization or a user: its login and ids, and the projects it owns.
gql_result graphql_run::resolve_owner(const gql_ref& obj, const gql_selection& f,
                                      const json::array& path) {
  const std::string& t = obj.type;
  const std::string& n = f.name;
  const bool org = t == "Organization";
  if (n == "login") return gql_scalar(json::string(obj.login));
  if (n == "id") return gql_scalar(json::string(node_id(org ? "O" : "U", gh_.user(obj.login).id)));
  if (n == "databaseId") return gql_scalar(gh_.user(obj.login).id);
  std::vector<gql_ref> owned;
  for (auto& p : gh_.projects_)
    if (p.owner == obj.login && p.owner_is_org == org) {
      gql_ref r;
      r.type = "ProjectV2";
      r.project = &p;
      owned.push_back(r);
    }
  if (n == "projectsV2") return paginate(std::move(owned), f, path);
  if (n == "projectV2") {
    const json::value number = arg(f, "number");
    for (auto& r : owned)
      if (number.is_int64() && r.project->number == number.as_int64()) return gql_object(r);
    fail("NOT_FOUND", "Could not resolve to a ProjectV2 with the number " + printable(number) + ".",
         f.at, path);
    return gql_scalar(nullptr);
  }
  return gql_unknown();
}

gql_result graphql_run::resolve_select_option(const gql_ref& obj, const gql_selection& f) {
  const std::string& n = f.name;
  if (n == "id") return gql_scalar(json::string(obj.option->id));
  if (n == "name" || n == "nameHTML") return gql_scalar(json::string(obj.option->name));
  if (n == "color") return gql_scalar(json::string(obj.option->color));
  if (n == "description" || n == "descriptionHTML")
    return gql_scalar(json::string(obj.option->description));
  return gql_unknown();
}

gql_result graphql_run::resolve_iteration_configuration(const gql_ref& obj,
                                                        const gql_selection& f) {
  const std::string& n = f.name;
  if (n == "iterations" || n == "completedIterations") {
    gql_result r;
    r.what = gql_result::kind::list;
    if (n == "iterations")
      for (const auto& it : obj.field->iterations) {
        gql_ref i;
        i.type = "ProjectV2IterationFieldIteration";
        i.iteration = &it;
        r.list.push_back(i);
      }
    return r;
  }
  if (n == "duration")
    return gql_scalar(obj.field->iterations.empty() ? 14 : obj.field->iterations.front().duration);
  if (n == "startDay") return gql_scalar(1);
  return gql_unknown();
}

gql_result graphql_run::resolve_iteration(const gql_ref& obj, const gql_selection& f) {
  const std::string& n = f.name;
  if (n == "id") return gql_scalar(json::string(obj.iteration->id));
  if (n == "title" || n == "titleHTML") return gql_scalar(json::string(obj.iteration->title));
  if (n == "startDate") return gql_scalar(json::string(obj.iteration->start_date));
  if (n == "duration") return gql_scalar(obj.iteration->duration);
  return gql_unknown();
}

gql_result graphql_run::resolve_issue(const gql_ref& obj, const gql_selection& f,
                                      const json::array& path) {
  const std::string& n = f.name;
  const gh_issue& i = *obj.issue;
  if (n == "id") return gql_scalar(json::string(node_id("I", i.id)));
  if (n == "databaseId") return gql_scalar(i.id);
  if (n == "number") return gql_scalar(i.number);
  if (n == "title") return gql_scalar(json::string(i.title));
  if (n == "body") return gql_scalar(json::string(i.body.value_or("")));
  if (n == "state") return gql_scalar(json::string(i.state == "open" ? "OPEN" : "CLOSED"));
  if (n == "url")
    return gql_scalar(json::string(gh_.web_base_ + "/" + obj.repo->full_name() + "/issues/" +
                                   std::to_string(i.number)));
  if (n == "repository") {
    gql_ref r;
    r.type = "Repository";
    r.repo = obj.repo;
    return gql_object(r);
  }
  if (n == "projectItems") {
    std::vector<gql_ref> items;
    const std::string id = node_id("I", i.id);
    for (auto& p : gh_.projects_)
      if (gh_project_item* item = p.item_by_content(id)) items.push_back(item_ref(p, *item));
    return paginate(std::move(items), f, path);
  }
  return gql_unknown();
}

gql_result graphql_run::resolve_repository(const gql_ref& obj, const gql_selection& f,
                                           const json::array& path) {
  const std::string& n = f.name;
  if (n == "id") return gql_scalar(json::string(node_id("R", obj.repo->id)));
  if (n == "databaseId") return gql_scalar(obj.repo->id);
  if (n == "name") return gql_scalar(json::string(obj.repo->name));
  if (n == "nameWithOwner") return gql_scalar(json::string(obj.repo->full_name()));
  if (n == "issue") {
    const json::value number = arg(f, "number");
    auto it = number.is_int64() ? obj.repo->issues.find(static_cast<int>(number.as_int64()))
                                : obj.repo->issues.end();
    if (it == obj.repo->issues.end() || it->second.deleted || it->second.pull) {
      fail("NOT_FOUND",
           "Could not resolve to an Issue with the number of " + printable(number) + ".", f.at,
           path);
      return gql_scalar(nullptr);
    }
    gql_ref r;
    r.type = "Issue";
    r.repo = obj.repo;
    r.issue = &it->second;
    return gql_object(r);
  }
  return gql_unknown();
}

gql_result graphql_run::resolve_rate_limit(const gql_selection& f) {
  const std::string& n = f.name;
  if (n == "cost") return gql_scalar(1);
  if (n == "limit") return gql_scalar(limit_.limit);
  if (n == "remaining") return gql_scalar(limit_.remaining());
  if (n == "used") return gql_scalar(limit_.used);
  if (n == "nodeCount") return gql_scalar(1);
  if (n == "resetAt")
    return gql_scalar(json::string(iso8601(time_point(std::chrono::seconds(limit_.reset_epoch)))));
  return gql_unknown();
}

gql_result graphql_run::resolve_connection(const gql_ref& obj, const gql_selection& f) {
  const std::string& n = f.name;
  const gql_connection& c = *obj.connection;
  if (n == "totalCount") return gql_scalar(c.total);
  if (n == "nodes") {
    gql_result r;
    r.what = gql_result::kind::list;
    r.list = c.nodes;
    return r;
  }
  if (n == "edges") {
    gql_result r;
    r.what = gql_result::kind::list;
    for (std::size_t i = 0; i < c.nodes.size(); ++i) {
      gql_ref e;
      e.type = "Edge";
      e.connection = obj.connection;
      e.index = static_cast<int>(i);
      r.list.push_back(e);
    }
    return r;
  }
  if (n == "pageInfo") {
    gql_ref p;
    p.type = "PageInfo";
    p.connection = obj.connection;
    return gql_object(p);
  }
  return gql_unknown();
}

gql_result graphql_run::resolve_edge(const gql_ref& obj, const gql_selection& f) {
  const std::string& n = f.name;
  if (n == "node") return gql_object(obj.connection->nodes[obj.index]);
  if (n == "cursor")
    return gql_scalar(json::string(cursor_of(obj.connection->offset + obj.index + 1)));
  return gql_unknown();
}

gql_result graphql_run::resolve_page_info(const gql_ref& obj, const gql_selection& f) {
  const std::string& n = f.name;
  const gql_connection& c = *obj.connection;
  const bool empty = c.nodes.empty();
  if (n == "hasNextPage") return gql_scalar(c.has_next);
  if (n == "hasPreviousPage") return gql_scalar(c.offset > 0);
  if (n == "startCursor")
    return gql_scalar(empty ? json::value(nullptr) : json::value(cursor_of(c.offset + 1)));
  if (n == "endCursor")
    return gql_scalar(empty ? json::value(nullptr)
                            : json::value(cursor_of(c.offset + c.nodes.size())));
  return gql_unknown();
}

gql_result graphql_run::resolve_query(const gql_selection& f, const json::array& path) {
  const std::string& n = f.name;
  if (n == "organization" || n == "user") {
    const std::string login = string_arg(f, "login");
    const bool org = n == "organization";
    if (org ? is_org(login) : is_user(login)) {
      gql_ref r;
      r.type = org ? "Organization" : "User";
      r.login = login;
      return gql_object(r);
    }
    fail("NOT_FOUND",
         std::string("Could not resolve to ") + (org ? "an Organization" : "a User") +
             " with the login of '" + login + "'.",
         f.at, path);
    return gql_scalar(nullptr);
  }
  if (n == "viewer") {
    gql_ref r;
    r.type = "User";
    r.login = viewer_;
    return gql_object(r);
  }
  if (n == "node") {
    const std::string id = string_arg(f, "id");
    if (auto r = node(id)) return gql_object(*r);
    fail("NOT_FOUND", "Could not resolve to a node with the global id of '" + id + "'", f.at, path);
    return gql_scalar(nullptr);
  }
  if (n == "rateLimit") {
    gql_ref r;
    r.type = "RateLimit";
    return gql_object(r);
  }
  if (n == "repository") {
    const std::string full = string_arg(f, "owner") + "/" + string_arg(f, "name");
    if (gh_repo* repo = gh_.find_repo(full)) {
      gql_ref r;
      r.type = "Repository";
      r.repo = repo;
      return gql_object(r);
    }
    fail("NOT_FOUND", "Could not resolve to a Repository with the name '" + full + "'.", f.at,
         path);
    return gql_scalar(nullptr);
  }
  return gql_unknown();
}

gql_result graphql_run::resolve_project(const gql_ref& obj, const gql_selection& f,
                                        const json::array& path) {
  gh_project& p = *obj.project;
  const std::string& n = f.name;
  if (n == "id") return gql_scalar(json::string(p.node_id));
  if (n == "databaseId") return gql_scalar(p.id);
  if (n == "number") return gql_scalar(p.number);
  if (n == "title") return gql_scalar(json::string(p.title));
  if (n == "closed") return gql_scalar(p.closed);
  if (n == "public") return gql_scalar(false);
  if (n == "shortDescription") return gql_scalar(nullptr);
  if (n == "url")
    return gql_scalar(json::string(gh_.web_base_ + (p.owner_is_org ? "/orgs/" : "/users/") +
                                   p.owner + "/projects/" + std::to_string(p.number)));
  if (n == "owner") {
    gql_ref r;
    r.type = p.owner_is_org ? "Organization" : "User";
    r.login = p.owner;
    return gql_object(r);
  }
  if (n == "fields") {
    std::vector<gql_ref> all;
    for (auto& field : p.fields) all.push_back(field_ref(p, field));
    return paginate(std::move(all), f, path);
  }
  if (n == "field") {
    if (gh_project_field* field = p.field_by_name(string_arg(f, "name")))
      return gql_object(field_ref(p, *field));
    return gql_scalar(nullptr);
  }
  if (n == "items") {
    std::vector<gql_ref> all;
    for (auto& item : p.items) all.push_back(item_ref(p, item));
    return paginate(std::move(all), f, path);
  }
  return gql_unknown();
}

gql_result graphql_run::resolve_field(const gql_ref& obj, const gql_selection& f) {
  const gh_project_field& field = *obj.field;
  const std::string& n = f.name;
  if (n == "id") return gql_scalar(json::string(field.node_id));
  if (n == "databaseId") return gql_scalar(field.id);
  if (n == "name") return gql_scalar(json::string(field.name));
  if (n == "dataType") return gql_scalar(json::string(field.data_type));
  if (n == "project") {
    gql_ref r;
    r.type = "ProjectV2";
    r.project = obj.project;
    return gql_object(r);
  }
  if (n == "options" && field.data_type == "SINGLE_SELECT") {
    gql_result r;
    r.what = gql_result::kind::list;
    for (const auto& o : field.options) {
      gql_ref ref;
      ref.type = "ProjectV2SingleSelectFieldOption";
      ref.option = &o;
      r.list.push_back(ref);
    }
    return r;
  }
  if (n == "configuration" && field.data_type == "ITERATION") {
    gql_ref r = obj;
    r.type = "ProjectV2IterationFieldConfiguration";
    return gql_object(r);
  }
  return gql_unknown();
}

gql_result graphql_run::resolve_item(const gql_ref& obj, const gql_selection& f,
                                     const json::array& path) {
  gh_project& p = *obj.project;
  gh_project_item& item = *obj.item;
  const std::string& n = f.name;
  if (n == "id") return gql_scalar(json::string(item.node_id));
  if (n == "databaseId") return gql_scalar(item.id);
  if (n == "type") return gql_scalar(json::string("ISSUE"));
  if (n == "isArchived") return gql_scalar(false);
  if (n == "createdAt") return gql_scalar(json::string(iso8601(item.created_at)));
  if (n == "updatedAt") return gql_scalar(json::string(iso8601(item.updated_at)));
  if (n == "project") {
    gql_ref r;
    r.type = "ProjectV2";
    r.project = &p;
    return gql_object(r);
  }
  if (n == "content") {
    gh_repo* repo = nullptr;
    gh_issue* issue = gh_.issue_by_node_id(item.content_node_id, &repo);
    if (!issue) return gql_scalar(nullptr);
    gql_ref r;
    r.type = "Issue";
    r.issue = issue;
    r.repo = repo;
    return gql_object(r);
  }
  if (n == "fieldValues") {
    std::vector<gql_ref> values;
    for (auto& field : p.fields)
      if (auto v = value_ref(p, item, field)) values.push_back(*v);
    return paginate(std::move(values), f, path);
  }
  if (n == "fieldValueByName") {
    gh_project_field* field = p.field_by_name(string_arg(f, "name"));
    if (!field) return gql_scalar(nullptr);
    if (auto v = value_ref(p, item, *field)) return gql_object(*v);
    return gql_scalar(nullptr);
  }
  return gql_unknown();
}

gql_result graphql_run::resolve_value_field(const gql_ref& obj, const gql_selection& f) {
  const std::string& t = obj.type;
  const std::string& n = f.name;
  const gh_project_field& field = *obj.field;
  const gh_project_item& item = *obj.item;
  if (n == "id")
    return gql_scalar(json::string(node_id("PVTFSV", item.id * 1000 + field.id % 1000)));
  if (n == "field") return gql_object(field_ref(*obj.project, *obj.field));
  if (n == "item") return gql_object(item_ref(*obj.project, *obj.item));
  if (n == "createdAt") return gql_scalar(json::string(iso8601(item.created_at)));
  if (n == "updatedAt") return gql_scalar(json::string(iso8601(item.updated_at)));
  auto stored = item.values.find(field.node_id);
  const gh_project_value* v = stored == item.values.end() ? nullptr : &stored->second;
  if (t == "ProjectV2ItemFieldTextValue" && n == "text") {
    if (field.data_type == "TITLE") {
      const gh_issue* issue = gh_.issue_by_node_id(item.content_node_id);
      return gql_scalar(issue ? json::value(issue->title) : json::value(nullptr));
    }
    return gql_scalar(v && v->text ? json::value(*v->text) : json::value(nullptr));
  }
  if (t == "ProjectV2ItemFieldNumberValue" && n == "number")
    return gql_scalar(v && v->number ? json::value(*v->number) : json::value(nullptr));
  if (t == "ProjectV2ItemFieldDateValue" && n == "date")
    return gql_scalar(v && v->date ? json::value(*v->date) : json::value(nullptr));
  if (t == "ProjectV2ItemFieldSingleSelectValue" && v && v->option_id) {
    const gh_project_option* option = nullptr;
    for (const auto& o : field.options)
      if (o.id == *v->option_id) option = &o;
    if (n == "optionId") return gql_scalar(json::string(*v->option_id));
    if (n == "name" || n == "nameHTML")
      return gql_scalar(option ? json::value(option->name) : json::value(nullptr));
    if (n == "color") return gql_scalar(json::string(option ? option->color : "GRAY"));
    if (n == "description")
      return gql_scalar(option ? json::value(option->description) : json::value(nullptr));
  }
  if (t == "ProjectV2ItemFieldIterationValue" && v && v->iteration_id) {
    const gh_project_iteration* it = nullptr;
    for (const auto& i : field.iterations)
      if (i.id == *v->iteration_id) it = &i;
    if (n == "iterationId") return gql_scalar(json::string(*v->iteration_id));
    if (n == "title" || n == "titleHTML")
      return gql_scalar(it ? json::value(it->title) : json::value(nullptr));
    if (n == "startDate")
      return gql_scalar(it ? json::value(it->start_date) : json::value(nullptr));
    if (n == "duration") return gql_scalar(it ? json::value(it->duration) : json::value(nullptr));
  }
  return gql_unknown();
}

gql_result graphql_run::resolve_mutation(const gql_selection& f, const json::array& path) {
  static const std::map<std::string, std::pair<std::string, std::vector<std::string>>> inputs{
      {"addProjectV2ItemById", {"AddProjectV2ItemById", {"projectId", "contentId"}}},
      {"updateProjectV2ItemFieldValue",
       {"UpdateProjectV2ItemFieldValue", {"projectId", "itemId", "fieldId", "value"}}},
      {"clearProjectV2ItemFieldValue",
       {"ClearProjectV2ItemFieldValue", {"projectId", "itemId", "fieldId"}}},
      {"deleteProjectV2Item", {"DeleteProjectV2Item", {"projectId", "itemId"}}}};
  auto spec = inputs.find(f.name);
  if (spec == inputs.end()) return gql_unknown();
  const std::string& type = spec->second.first;
  const json::value input = arg(f, "input");
  bool complete_input = input.is_object();
  for (const auto& key : spec->second.second)
    complete_input = complete_input && input.as_object().if_contains(key) &&
                     !input.as_object().at(key).is_null();
  if (complete_input && f.name == "updateProjectV2ItemFieldValue")
    complete_input = input.as_object().at("value").is_object();
  if (!complete_input) {
    invalid("Argument 'input' on Field '" + f.name + "' has an invalid value (" +
                json::serialize(input) + "). Expected type '" + type + "Input!'.",
            f.at, path,
            json::object{{"code", "argumentLiteralsIncompatible"},
                         {"typeName", "Field"},
                         {"argumentName", "input"}});
    return gql_scalar(nullptr);
  }
  const json::object& in = input.as_object();
  auto text = [&](const char* key) {
    const json::value& v = in.at(key);
    return v.is_string() ? std::string(v.as_string()) : json::serialize(v);
  };
  auto missing = [&](const std::string& id) {
    fail("NOT_FOUND", "Could not resolve to a node with the global id of '" + id + "'", f.at, path);
    return gql_scalar(nullptr);
  };
  gh_project* project = nullptr;
  for (auto& p : gh_.projects_)
    if (p.node_id == text("projectId")) project = &p;
  if (!project) return missing(text("projectId"));

  gql_ref payload;
  payload.type = type + "Payload";
  const json::value* client_id = in.if_contains("clientMutationId");
  payload.scalars["clientMutationId"] = client_id ? *client_id : json::value(nullptr);
  const time_point t = gh_.now();

  if (f.name == "addProjectV2ItemById") {
    const std::string content = text("contentId");
    if (!gh_.issue_by_node_id(content)) return missing(content);
    // Adding an issue that is already on the board answers the existing item.
    gh_project_item* item = project->item_by_content(content);
    if (!item) {
      gh_project_item fresh;
      fresh.id = gh_.next_id();
      fresh.node_id = node_id("PVTI", fresh.id);
      fresh.content_node_id = content;
      fresh.created_at = fresh.updated_at = t;
      project->items.push_back(std::move(fresh));
      item = &project->items.back();
    }
    payload.payload_key = "item";
    payload.payload = std::make_shared<gql_ref>(item_ref(*project, *item));
    return gql_object(payload);
  }

  const std::string item_id = text("itemId");
  gh_project_item* item = project->item_by_node_id(item_id);
  if (!item) return missing(item_id);
  if (f.name == "deleteProjectV2Item") {
    project->items.erase(project->items.begin() + (item - project->items.data()));
    payload.scalars["deletedItemId"] = item_id;
    return gql_object(payload);
  }
  gh_project_field* field = project->field_by_node_id(text("fieldId"));
  if (!field) return missing(text("fieldId"));
  if (f.name == "updateProjectV2ItemFieldValue") {
    if (auto error = set_project_value(*item, *field, in.at("value").as_object())) {
      fail("", *error, f.at, path);
      return gql_scalar(nullptr);
    }
  } else {
    item->values.erase(field->node_id);
  }
  item->updated_at = t;
  payload.payload_key = "projectV2Item";
  payload.payload = std::make_shared<gql_ref>(item_ref(*project, *item));
  return gql_object(payload);
}

}  // namespace ngsync::sandbox::github

#pragma once
// The GraphQL executor of the GitHub emulator (internal to github_graphql*.cpp): references to
// model objects by GraphQL type, field resolution results, and one operation's run.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "tests/sandbox/src/github/github_emulator_impl.hpp"
#include "tests/sandbox/src/github/github_graphql_parser.hpp"

namespace ngsync::sandbox::github {

struct gql_connection;

// A GraphQL object being answered: its type and what it stands for in the model.
struct gql_ref {
  std::string type;
  gh_project* project = nullptr;
  gh_project_field* field = nullptr;
  gh_project_item* item = nullptr;
  const gh_project_option* option = nullptr;
  const gh_project_iteration* iteration = nullptr;
  gh_repo* repo = nullptr;
  gh_issue* issue = nullptr;
  std::string login;
  std::shared_ptr<gql_connection> connection;
  int index = 0;                     // an edge's position
  std::shared_ptr<gql_ref> payload;  // a mutation payload's object
  json::object scalars;              // a payload's scalar fields
  std::string payload_key;           // the field that leads to `payload`
};

struct gql_connection {
  std::vector<gql_ref> nodes;
  std::size_t offset = 0;
  std::size_t total = 0;
  bool has_next = false;
};

// What a field resolved to.
struct gql_result {
  enum class kind { scalar, object, list, unknown_field } what = kind::scalar;
  json::value scalar;
  gql_ref object;
  std::vector<gql_ref> list;
};

gql_result gql_scalar(json::value v);
gql_result gql_object(gql_ref ref);
gql_result gql_unknown();
// Connection cursors: the base64 of the 1-based position, as GitHub's project cursors are.
std::string cursor_of(std::size_t position);
std::optional<std::size_t> position_of(const std::string& cursor);
// Whether an object of `type` matches a fragment on `cond` (itself, an interface or a union).
bool implements(const std::string& cond, const std::string& type);
bool known_type(const std::string& name);
json::object location(const gql_location& at);

// Runs one operation of a parsed document; collects GitHub-shaped errors as it goes.
class graphql_run {
 public:
  using group = std::vector<const gql_selection*>;

  graphql_run(github_emulator& gh, const gql_document& doc, json::object variables,
              primary_status limit, std::string viewer)
      : gh_(gh),
        doc_(doc),
        vars_(std::move(variables)),
        limit_(std::move(limit)),
        viewer_(std::move(viewer)) {}

  // The `data` of the answer (null when validation failed: GitHub then sends errors only).
  json::value run(const gql_operation& op) {
    op_label_ = op.type + (op.name.empty() ? "" : " " + op.name);
    for (const auto& def : op.variables) {
      const json::value* given = vars_.if_contains(def.name);
      if ((!given || given->is_null()) && def.default_value)
        vars_[def.name] = resolve_value(*def.default_value, {});
      given = vars_.if_contains(def.name);
      if ((!given || given->is_null()) && !def.type.empty() && def.type.back() == '!')
        invalid("Variable $" + def.name + " of type " + def.type + " was provided invalid value",
                op.at, json::array{},
                json::object{{"value", nullptr},
                             {"problems", json::array{json::object{
                                              {"path", json::array{}},
                                              {"explanation", "Expected value to not be null"}}}}});
    }
    if (invalid_) return nullptr;
    gql_selection root;
    root.selections = op.selections;
    gql_ref query;
    query.type = op.type == "mutation" ? "Mutation" : "Query";
    json::object data = select(query, group{&root}, json::array{});
    if (invalid_) return nullptr;
    return data;
  }

  json::array errors;

 private:
  void invalid(std::string message, const gql_location& at, json::array path,
               json::object extensions = {}) {
    invalid_ = true;
    json::array full{json::value(op_label_)};
    for (auto& p : path) full.push_back(p);
    json::object e{{"path", std::move(full)}};
    if (!extensions.empty()) e["extensions"] = std::move(extensions);
    e["locations"] = json::array{location(at)};
    e["message"] = std::move(message);
    errors.push_back(std::move(e));
  }

  void fail(const std::string& type, std::string message, const gql_location& at,
            const json::array& path) {
    json::object e;
    if (!type.empty()) e["type"] = type;
    e["path"] = path;
    e["locations"] = json::array{location(at)};
    e["message"] = std::move(message);
    errors.push_back(std::move(e));
  }

  void collect(const std::string& type, const std::vector<gql_selection>& sels,
               std::vector<std::pair<std::string, group>>& groups, const json::array& path) {
    for (const auto& s : sels) {
      if (s.what == gql_selection::kind::field) {
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const auto& g) { return g.first == s.alias; });
        if (it == groups.end())
          groups.emplace_back(s.alias, group{&s});
        else
          it->second.push_back(&s);
        continue;
      }
      const std::vector<gql_selection>* inner = &s.selections;
      std::string cond = s.type_condition;
      if (s.what == gql_selection::kind::fragment_spread) {
        auto f = doc_.fragments.find(s.name);
        if (f == doc_.fragments.end()) {
          invalid("Fragment " + s.name + " was used, but not defined", s.at, path);
          continue;
        }
        inner = &f->second.selections;
        cond = f->second.type_condition;
      }
      if (!cond.empty() && !known_type(cond)) {
        invalid("No such type " + cond + ", so it can't be a fragment condition", s.at, path,
                json::object{{"code", "undefinedType"}, {"typeName", cond}});
        continue;
      }
      if (cond.empty() || implements(cond, type)) collect(type, *inner, groups, path);
    }
  }

  json::object select(const gql_ref& obj, const group& parents, const json::array& path) {
    std::vector<std::pair<std::string, group>> groups;
    for (const gql_selection* p : parents) collect(obj.type, p->selections, groups, path);
    json::object out;
    for (const auto& [key, g] : groups) {
      json::array here = path;
      here.push_back(json::value(key));
      const gql_selection& f = *g.front();
      if (f.name == "__typename") {
        out[key] = obj.type;
        continue;
      }
      gql_result r = resolve(obj, f, here);
      out[key] = complete(std::move(r), obj.type, g, here);
    }
    return out;
  }

  json::value complete(gql_result r, const std::string& parent_type, const group& g,
                       const json::array& path) {
    const gql_selection& f = *g.front();
    switch (r.what) {
      case gql_result::kind::unknown_field:
        invalid("Field '" + f.name + "' doesn't exist on type '" + parent_type + "'", f.at, path,
                json::object{
                    {"code", "undefinedField"}, {"typeName", parent_type}, {"fieldName", f.name}});
        return nullptr;
      case gql_result::kind::scalar:
        if (!f.selections.empty() && !r.scalar.is_null())
          invalid("Selections can't be made on scalars (field '" + f.name + "')", f.at, path);
        return std::move(r.scalar);
      case gql_result::kind::object:
        if (f.selections.empty()) {
          invalid("Field must have selections (field '" + f.name + "' returns " + r.object.type +
                      " but has no selections. Did you mean '" + f.name + " { ... }'?)",
                  f.at, path);
          return nullptr;
        }
        return select(r.object, g, path);
      case gql_result::kind::list: {
        json::array a;
        for (std::size_t i = 0; i < r.list.size(); ++i) {
          json::array here = path;
          here.push_back(i);
          if (f.selections.empty()) {
            invalid("Field must have selections (field '" + f.name + "')", f.at, path);
            return nullptr;
          }
          a.push_back(select(r.list[i], g, here));
        }
        return a;
      }
    }
    return nullptr;
  }

  json::value arg(const gql_selection& f, const char* name) const {
    for (const auto& [k, v] : f.arguments)
      if (k == name) return resolve_value(v, vars_);
    return nullptr;
  }

  std::string string_arg(const gql_selection& f, const char* name) const {
    const json::value v = arg(f, name);
    return v.is_string() ? std::string(v.as_string()) : std::string();
  }

  // A page of `all`, for a connection field with first/after.
  gql_result paginate(std::vector<gql_ref> all, const gql_selection& f, const json::array& path) {
    const json::value first = arg(f, "first"), last = arg(f, "last");
    if (!first.is_int64() && !last.is_int64()) {
      fail("MISSING_PAGINATION_BOUNDARIES",
           "You must provide a `first` or `last` value to properly paginate the `" + f.name +
               "` connection.",
           f.at, path);
      return gql_scalar(nullptr);
    }
    const std::int64_t n = first.is_int64() ? first.as_int64() : last.as_int64();
    if (n > 100 || n < 0) {
      fail("EXCESSIVE_PAGINATION",
           "Requesting " + std::to_string(n) + " records on the `" + f.name +
               "` connection exceeds the `" + (first.is_int64() ? "first" : "last") +
               "` limit of 100 records.",
           f.at, path);
      return gql_scalar(nullptr);
    }
    std::size_t start = 0;
    if (const json::value after = arg(f, "after"); after.is_string()) {
      auto pos = position_of(std::string(after.as_string()));
      if (!pos) {
        fail("", "`" + std::string(after.as_string()) + "` does not appear to be a valid cursor.",
             f.at, path);
        return gql_scalar(nullptr);
      }
      start = *pos;
    }
    if (!first.is_int64()) start = all.size() > static_cast<std::size_t>(n) ? all.size() - n : 0;
    auto c = std::make_shared<gql_connection>();
    c->offset = start;
    c->total = all.size();
    for (std::size_t i = start; i < all.size() && i < start + n; ++i) c->nodes.push_back(all[i]);
    c->has_next = start + n < all.size();
    gql_ref ref;
    ref.type = "Connection";
    ref.connection = std::move(c);
    return gql_object(std::move(ref));
  }

  gql_ref field_ref(gh_project& p, gh_project_field& f) const {
    gql_ref r;
    r.type = f.type_name();
    r.project = &p;
    r.field = &f;
    return r;
  }

  gql_ref item_ref(gh_project& p, gh_project_item& i) const {
    gql_ref r;
    r.type = "ProjectV2Item";
    r.project = &p;
    r.item = &i;
    return r;
  }

  std::optional<gql_ref> value_ref(gh_project& p, gh_project_item& i, gh_project_field& f) const {
    gql_ref r;
    r.project = &p;
    r.item = &i;
    r.field = &f;
    if (f.data_type == "TITLE") {
      r.type = "ProjectV2ItemFieldTextValue";
      return r;
    }
    auto v = i.values.find(f.node_id);
    if (v == i.values.end()) return std::nullopt;
    if (v->second.option_id) r.type = "ProjectV2ItemFieldSingleSelectValue";
    if (v->second.iteration_id) r.type = "ProjectV2ItemFieldIterationValue";
    if (v->second.number) r.type = "ProjectV2ItemFieldNumberValue";
    if (v->second.date) r.type = "ProjectV2ItemFieldDateValue";
    if (v->second.text) r.type = "ProjectV2ItemFieldTextValue";
    return r;
  }

  std::optional<gql_ref> node(const std::string& id) {
    gql_ref r;
    for (auto& p : gh_.projects_) {
      if (p.node_id == id) {
        r.type = "ProjectV2";
        r.project = &p;
        return r;
      }
      for (auto& f : p.fields)
        if (f.node_id == id) return field_ref(p, f);
      for (auto& i : p.items)
        if (i.node_id == id) return item_ref(p, i);
    }
    gh_repo* repo = nullptr;
    if (gh_issue* issue = gh_.issue_by_node_id(id, &repo)) {
      r.type = "Issue";
      r.issue = issue;
      r.repo = repo;
      return r;
    }
    return std::nullopt;
  }

  bool is_org(const std::string& login) const {
    if (auto it = gh_.users_.find(login); it != gh_.users_.end())
      return it->second.type == "Organization";
    for (const auto& p : gh_.projects_)
      if (p.owner_is_org && p.owner == login) return true;
    return false;
  }

  bool is_user(const std::string& login) const {
    if (auto it = gh_.users_.find(login); it != gh_.users_.end()) return it->second.type == "User";
    for (const auto& p : gh_.projects_)
      if (!p.owner_is_org && p.owner == login) return true;
    for (const auto& [token, l] : gh_.tokens_)
      if (l == login) return true;
    return false;
  }

  gql_result resolve(const gql_ref& obj, const gql_selection& f, const json::array& path);
  gql_result resolve_query(const gql_selection& f, const json::array& path);
  gql_result resolve_mutation(const gql_selection& f, const json::array& path);
  gql_result resolve_project(const gql_ref& obj, const gql_selection& f, const json::array& path);
  gql_result resolve_field(const gql_ref& obj, const gql_selection& f);
  gql_result resolve_item(const gql_ref& obj, const gql_selection& f, const json::array& path);
  gql_result resolve_value_field(const gql_ref& obj, const gql_selection& f);
  gql_result resolve_owner(const gql_ref& obj, const gql_selection& f, const json::array& path);
  gql_result resolve_select_option(const gql_ref& obj, const gql_selection& f);
  gql_result resolve_iteration_configuration(const gql_ref& obj, const gql_selection& f);
  gql_result resolve_iteration(const gql_ref& obj, const gql_selection& f);
  gql_result resolve_issue(const gql_ref& obj, const gql_selection& f, const json::array& path);
  gql_result resolve_repository(const gql_ref& obj, const gql_selection& f,
                                const json::array& path);
  gql_result resolve_rate_limit(const gql_selection& f);
  gql_result resolve_connection(const gql_ref& obj, const gql_selection& f);
  gql_result resolve_edge(const gql_ref& obj, const gql_selection& f);
  gql_result resolve_page_info(const gql_ref& obj, const gql_selection& f);

  github_emulator& gh_;
  const gql_document& doc_;
  json::object vars_;
  primary_status limit_;
  std::string viewer_;
  std::string op_label_;
  bool invalid_ = false;
};

}  // namespace ngsync::sandbox::github

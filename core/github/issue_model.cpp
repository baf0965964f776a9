#include "core/github/issue_model.hpp"

#include <boost/json.hpp>

namespace ngsync::github {
namespace json = boost::json;
namespace {

std::string string_or_empty(const json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->get_string());
  return {};
}

}  // namespace

const char* to_string(issue_state s) noexcept {
  return s == issue_state::open ? "open" : "closed";
}

api::parse_result<github_issue> parse_issue(const json::value& value) {
  const auto* o = value.if_object();
  if (!o) return api::parse_error{"issue: not a JSON object"};
  github_issue issue;
  const auto* number = o->if_contains("number");
  if (!number || !(number->is_int64() || number->is_uint64())) {
    return api::parse_error{"issue: missing integer \"number\""};
  }
  issue.number = number->to_number<std::int64_t>();
  if (issue.number <= 0) return api::parse_error{"issue: \"number\" must be positive"};
  const auto state = string_or_empty(*o, "state");
  if (state == "open")
    issue.state = issue_state::open;
  else if (state == "closed")
    issue.state = issue_state::closed;
  else
    return api::parse_error{"issue #" + std::to_string(issue.number) + ": bad \"state\" \"" +
                            state + "\""};

  issue.node_id = string_or_empty(*o, "node_id");
  issue.html_url = string_or_empty(*o, "html_url");
  if (auto r = string_or_empty(*o, "state_reason"); !r.empty()) issue.state_reason = std::move(r);
  issue.title = string_or_empty(*o, "title");
  issue.body = string_or_empty(*o, "body");
  issue.updated_at = string_or_empty(*o, "updated_at");
  if (auto* u = o->if_contains("user"); u && u->is_object()) {
    issue.user_login = string_or_empty(u->get_object(), "login");
  }
  // Labels come as objects ({name, ...}) in responses; as plain strings in some payloads.
  if (auto* labels = o->if_contains("labels"); labels && labels->is_array()) {
    for (const auto& l : labels->get_array()) {
      if (l.is_string())
        issue.labels.emplace_back(l.get_string());
      else if (l.is_object()) {
        if (auto n = string_or_empty(l.get_object(), "name"); !n.empty()) issue.labels.push_back(n);
      }
    }
  }
  if (auto* as = o->if_contains("assignees"); as && as->is_array()) {
    for (const auto& a : as->get_array()) {
      if (a.is_object()) {
        if (auto login = string_or_empty(a.get_object(), "login"); !login.empty()) {
          issue.assignees.push_back(login);
        }
      }
    }
  }
  if (auto* pr = o->if_contains("pull_request"); pr && !pr->is_null()) issue.is_pull_request = true;
  return issue;
}

api::parse_result<issue_list> parse_issue_list(const json::value& value) {
  const auto* a = value.if_array();
  if (!a) return api::parse_error{"issue list: not a JSON array"};
  issue_list list;
  for (const auto& item : *a) {
    auto issue = parse_issue(item);
    if (issue)
      list.issues.push_back(std::move(*issue));
    else
      list.errors.push_back(issue.error());
  }
  return list;
}

}  // namespace ngsync::github

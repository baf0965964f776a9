// The GitHub emulator's issue endpoints: create (with labels, assignees and milestone), get,
// update (state, state_reason, title, body, labels, assignees, milestone) and list (filters,
// sort, pages).
#include <algorithm>

#include "tests/sandbox/src/github/github_emulator_impl.hpp"
#include "tests/sandbox/src/github/github_responses.hpp"
#include "tests/sandbox/src/github/github_route_helpers.hpp"

namespace ngsync::sandbox::github {

api_response github_emulator::create_issue_route(api_call& call) {
  gh_repo& repo = *call.repo;
  api_response error;
  auto body = json_body(call, error);
  if (!body) return error;
  const json::value* title = body->if_contains("title");
  if (!title || title->is_null())
    return github_error(http::status::unprocessable_entity,
                        "Invalid request.\n\n\"title\" wasn't supplied.",
                        std::string(docs_issues) + "#create-an-issue");
  std::string title_text =
      title->is_string() ? std::string(title->as_string()) : json::serialize(*title);
  json::array errors;
  // An empty title is a missing one: 422 {resource: Issue, code: missing_field, field: title}.
  if (title_text.find_first_not_of(" \t\r\n") == std::string::npos)
    errors.push_back(validation_entry("Issue", "missing_field", "title"));
  if (char_count(title_text) > max_title_chars)
    errors.push_back(validation_entry("Issue", "custom", "title",
                                      "title is too long (maximum is 256 characters)"));
  std::optional<std::string> text;
  if (const json::value* b = body->if_contains("body"); b && b->is_string())
    text = std::string(b->as_string());
  if (text && char_count(*text) > max_body_chars)
    errors.push_back(validation_entry("Issue", "custom", "body",
                                      "body is too long (maximum is 65536 characters)"));
  if (!errors.empty())
    return validation_failed(std::move(errors), std::string(docs_issues) + "#create-an-issue");

  issue_edit extras;
  extras.labels = string_list(body->if_contains("labels"));
  extras.assignees = string_list(body->if_contains("assignees"), "login");
  if (const json::value* a = body->if_contains("assignee"); a && a->is_string()) {
    if (!extras.assignees) extras.assignees.emplace();
    extras.assignees->emplace_back(a->as_string());
  }
  if (const json::value* ms = body->if_contains("milestone"); ms && !ms->is_null()) {
    const auto number = ms->is_int64() ? ms->as_int64() : -1;
    bool known = false;
    for (const auto& mi : repo.milestones) known = known || mi.number == number;
    if (!known)
      return validation_failed(json::array{json::object{
          {"value", *ms}, {"resource", "Issue"}, {"field", "milestone"}, {"code", "invalid"}}});
    extras.milestone = static_cast<int>(number);
  }
  if (!has_push_access(repo, call.who)) {
    // GitHub drops these silently for callers without push access.
    extras.labels.reset();
    extras.assignees.reset();
    extras.milestone.reset();
  } else if (extras.assignees) {
    // A caller who may assign gets 422 for a login that cannot be assigned here (no access to
    // the repository, or no such user): {value, resource: Issue, field: assignees, code:
    // invalid}, nothing created. Seen in GitHub's answers quoted by octokit users.
    for (const auto& login : *extras.assignees)
      if (login != repo.owner && !repo.collaborators.count(login))
        return validation_failed(json::array{json::object{{"value", login},
                                                          {"resource", "Issue"},
                                                          {"field", "assignees"},
                                                          {"code", "invalid"}}},
                                 std::string(docs_issues) + "#create-an-issue");
  }
  gh_issue& issue =
      create_issue(repo, call.who.login, title_text, std::move(text), extras, std::nullopt);
  api_response res = json_response(http::status::created, render_issue(repo, issue, call.ctx));
  res.set(http::field::location, call.ctx.api_base + "/repos/" + repo.full_name() + "/issues/" +
                                     std::to_string(issue.number));
  return res;
}

api_response github_emulator::get_issue_route(api_call& call, gh_issue& issue) {
  return json_response(http::status::ok, render_issue(*call.repo, issue, call.ctx));
}

api_response github_emulator::update_issue_route(api_call& call, gh_issue& issue) {
  gh_repo& repo = *call.repo;
  api_response error;
  auto body = json_body(call, error);
  if (!body) return error;
  issue_edit edit;
  json::array errors;
  if (const json::value* t = body->if_contains("title"); t && !t->is_null()) {
    edit.title = t->is_string() ? std::string(t->as_string()) : json::serialize(*t);
    if (char_count(*edit.title) > max_title_chars)
      errors.push_back(validation_entry("Issue", "custom", "title",
                                        "title is too long (maximum is 256 characters)"));
  }
  if (const json::value* b = body->if_contains("body")) {
    if (b->is_null())
      edit.body = std::optional<std::string>();
    else if (b->is_string()) {
      edit.body = std::optional<std::string>(std::string(b->as_string()));
      if (char_count(**edit.body) > max_body_chars)
        errors.push_back(validation_entry("Issue", "custom", "body",
                                          "body is too long (maximum is 65536 characters)"));
    }
  }
  if (!errors.empty())
    return validation_failed(std::move(errors), std::string(docs_issues) + "#update-an-issue");
  if (const json::value* s = body->if_contains("state"); s && !s->is_null()) {
    const std::string state = s->is_string() ? std::string(s->as_string()) : "";
    if (state != "open" && state != "closed") return invalid_field("state", state, docs_issues);
    edit.state = state;
  }
  if (const json::value* r = body->if_contains("state_reason"); r && !r->is_null()) {
    const std::string reason = r->is_string() ? std::string(r->as_string()) : "";
    if (reason != "completed" && reason != "not_planned" && reason != "duplicate" &&
        reason != "reopened")
      return invalid_field("state_reason", reason, docs_issues);
    edit.state_reason = reason;
  }
  const bool push = has_push_access(repo, call.who);
  if (push) {
    edit.labels = string_list(body->if_contains("labels"));
    edit.assignees = string_list(body->if_contains("assignees"), "login");
    if (const json::value* a = body->if_contains("assignee")) {
      if (a->is_null())
        edit.assignees = std::vector<std::string>();
      else if (a->is_string())
        edit.assignees = std::vector<std::string>{std::string(a->as_string())};
    }
    if (const json::value* ms = body->if_contains("milestone")) {
      if (ms->is_null()) {
        edit.milestone = std::optional<int>();
      } else {
        const auto number = ms->is_int64() ? ms->as_int64() : -1;
        bool known = false;
        for (const auto& mi : repo.milestones) known = known || mi.number == number;
        if (!known)
          return validation_failed(json::array{json::object{
              {"value", *ms}, {"resource", "Issue"}, {"field", "milestone"}, {"code", "invalid"}}});
        edit.milestone = std::optional<int>(static_cast<int>(number));
      }
    }
  }
  apply_edit(repo, issue, edit, call.who.login);
  return json_response(http::status::ok, render_issue(repo, issue, call.ctx));
}

api_response github_emulator::list_issues_route(api_call& call) {
  gh_repo& repo = *call.repo;
  const std::string state = call.param("state", "open");
  const std::string sort = call.param("sort", "created");
  const std::string direction = call.param("direction", "desc");
  if (state != "open" && state != "closed" && state != "all")
    return invalid_field("state", state, docs_issues);
  if (sort != "created" && sort != "updated" && sort != "comments")
    return invalid_field("sort", sort, docs_issues);
  if (direction != "asc" && direction != "desc")
    return invalid_field("direction", direction, docs_issues);
  std::optional<time_point> since;
  if (!call.param("since").empty()) {
    since = parse_iso8601(call.param("since"));
    if (!since) return invalid_field("since", call.param("since"), docs_issues);
  }
  std::vector<std::string> wanted_labels;
  if (!call.param("labels").empty()) {
    std::string list = call.param("labels");
    for (std::size_t start = 0; start <= list.size();) {
      auto comma = list.find(',', start);
      if (comma == std::string::npos) comma = list.size();
      if (comma > start) wanted_labels.push_back(list.substr(start, comma - start));
      start = comma + 1;
    }
  }
  // creator: issues that login opened; GitHub compares logins case-insensitively.
  auto lower = [](std::string t) {
    std::transform(t.begin(), t.end(), t.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    return t;
  };
  const std::string creator = lower(call.param("creator"));
  std::vector<const gh_issue*> found;
  for (const auto& [n, issue] : repo.issues) {
    if (issue.deleted) continue;
    if (state != "all" && issue.state != state) continue;
    if (!creator.empty() && lower(issue.author) != creator) continue;
    if (since && issue.updated_at < *since) continue;
    bool labels_ok = true;
    for (const auto& l : wanted_labels)
      labels_ok = labels_ok && std::count(issue.labels.begin(), issue.labels.end(), l) > 0;
    if (labels_ok) found.push_back(&issue);
  }
  std::stable_sort(found.begin(), found.end(), [&](const gh_issue* a, const gh_issue* b) {
    auto key = [&](const gh_issue* i) -> std::pair<long long, int> {
      if (sort == "updated")
        return std::make_pair(i->updated_at.time_since_epoch().count(), i->number);
      if (sort == "comments") return std::make_pair(i->comments, i->number);
      return std::make_pair(i->created_at.time_since_epoch().count(), i->number);
    };
    return direction == "asc" ? key(a) < key(b) : key(b) < key(a);
  });
  const int per_page = int_param(call, "per_page", 30, 1, 100);
  const int page = int_param(call, "page", 1, 1, 1000000);
  const int last = std::max(1, static_cast<int>((found.size() + per_page - 1) / per_page));
  json::array items;
  for (std::size_t i = static_cast<std::size_t>(page - 1) * per_page;
       i < found.size() && i < static_cast<std::size_t>(page) * per_page; ++i)
    items.push_back(render_issue(repo, *found[i], call.ctx));
  api_response res = json_response(http::status::ok, items);
  // GitHub's pages point at the repository's id-based URL, which survives renames.
  set_link_header(res, call, "/repositories/" + std::to_string(repo.id) + "/issues", page, last);
  return res;
}

}  // namespace ngsync::sandbox::github

// The GitHub emulator's REST endpoints: issues, comments, labels, pull requests, search, and the
// GitHub App's installation endpoints.
#include <algorithm>

#include <boost/url.hpp>

#include "tests/sandbox/src/github/github_crypto.hpp"
#include "tests/sandbox/src/github/github_emulator_impl.hpp"
#include "tests/sandbox/src/github/github_responses.hpp"
#include "tests/sandbox/src/github/github_route_helpers.hpp"
#include "tests/sandbox/src/github/github_search.hpp"

namespace ngsync::sandbox::github {

namespace {

constexpr std::size_t max_title_chars = 256;
constexpr std::size_t max_body_chars = 65536;
const char* const docs_issues = "https://docs.github.com/rest/issues/issues";
const char* const docs_comments = "https://docs.github.com/rest/issues/comments";
const char* const docs_pulls = "https://docs.github.com/rest/pulls/pulls";
const char* const docs_pulls_create =
    "https://docs.github.com/rest/pulls/pulls#create-a-pull-request";
const char* const docs_search =
    "https://docs.github.com/rest/search/search#search-issues-and-pull-requests";

// GitHub measures lengths in characters, not bytes.
std::size_t char_count(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

bool is_number(const std::string& s) {
  return !s.empty() && s.size() < 19 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::optional<std::vector<std::string>> string_list(const json::value* v,
                                                    const char* key = "name") {
  if (!v || !v->is_array()) return std::nullopt;
  std::vector<std::string> out;
  for (const auto& e : v->as_array()) {
    if (e.is_string())
      out.emplace_back(e.as_string());
    else if (e.is_object() && e.as_object().if_contains(key) && e.as_object().at(key).is_string())
      out.emplace_back(e.as_object().at(key).as_string());
  }
  return out;
}

api_response invalid_field(const std::string& field, const std::string& value,
                           const std::string& docs) {
  return github_error(
      http::status::unprocessable_entity,
      "Invalid request.\n\nFor 'properties/" + field + "', \"" + value + "\" is not a valid value.",
      docs);
}

}  // namespace

int int_param(const api_call& call, const std::string& key, int fallback, int lo, int hi) {
  const std::string v = call.param(key);
  if (!is_number(v)) return fallback;
  return std::clamp(static_cast<int>(std::min<long long>(std::stoll(v), hi)), lo, hi);
}

// Parses a JSON object body; nullopt (with `error` set) when GitHub would answer 400.
std::optional<json::object> json_body(const api_call& call, api_response& error) {
  if (call.req->body().empty()) return json::object();
  boost::system::error_code ec;
  json::value v = json::parse(call.req->body(), ec);
  if (ec || !v.is_object()) {
    error = github_error(http::status::bad_request, "Problems parsing JSON", docs_rest);
    return std::nullopt;
  }
  return std::move(v.as_object());
}

// RFC 5988 links to the other pages of a list, keeping the request's query parameters.
void set_link_header(api_response& res, const api_call& call, const std::string& path, int page,
                     int last_page) {
  if (last_page <= 1) return;
  auto link = [&](int p, const char* rel) {
    boost::urls::url u(call.ctx.api_base + path);
    for (const auto& [k, v] : call.query)
      if (k != "page") u.params().append({k, v});
    u.params().append({"page", std::to_string(p)});
    return "<" + std::string(u.buffer()) + ">; rel=\"" + rel + "\"";
  };
  std::vector<std::string> parts;
  if (page > 1) parts.push_back(link(std::min(page - 1, last_page), "prev"));
  if (page < last_page) parts.push_back(link(page + 1, "next"));
  if (page < last_page) parts.push_back(link(last_page, "last"));
  if (page > 1) parts.push_back(link(1, "first"));
  std::string header;
  for (const auto& p : parts) header += (header.empty() ? "" : ", ") + p;
  if (!header.empty()) res.set(http::field::link, header);
}

api_response github_emulator::repo_route(api_call& call) {
  gh_repo& repo = *call.repo;
  const auto& rest = call.rest;
  const std::string& m = call.method;
  if (rest.empty() && m == "GET")
    return json_response(http::status::ok, render_repository(repo, call.ctx));
  if (rest.size() == 1 && rest[0] == "installation" && m == "GET")
    return repo_installation_route(call);
  if (rest.size() == 1 && rest[0] == "labels" && m == "POST") return create_label_route(call);
  if (rest.size() == 1 && rest[0] == "milestones") {
    if (m == "GET") return list_milestones_route(call);
    if (m == "POST") return create_milestone_route(call);
  }
  if (!rest.empty() && rest[0] == "git") return git_route(call);
  if (!rest.empty() && rest[0] == "pulls") {
    // An App installation writes pull requests only with `pull_requests: write`.
    if (m != "GET" && !can_write_pulls(call.who))
      return github_error(http::status::forbidden, "Resource not accessible by integration",
                          docs_pulls);
    if (rest.size() == 1 && m == "POST") return create_pull_route(call);
    if (rest.size() == 2 && is_number(rest[1])) {
      auto it = repo.issues.find(std::stoi(rest[1]));
      if (it == repo.issues.end() || !it->second.pull || it->second.deleted)
        return github_error(http::status::not_found, "Not Found", docs_pulls);
      if (m == "GET")
        return json_response(http::status::ok, render_pull(repo, it->second, call.ctx));
      if (m == "PATCH") return update_pull_route(call, it->second);
    }
    return github_error(http::status::not_found, "Not Found", docs_rest);
  }
  if (rest.empty() || rest[0] != "issues")
    return github_error(http::status::not_found, "Not Found", docs_rest);
  if (!repo.issues_enabled)
    return github_error(http::status::gone, "Issues are disabled for this repo", docs_issues);
  if (rest.size() == 1) {
    if (m == "GET") return list_issues_route(call);
    if (m == "POST") return create_issue_route(call);
    return github_error(http::status::not_found, "Not Found", docs_rest);
  }
  if (rest.size() == 3 && rest[1] == "comments" && is_number(rest[2])) {
    if (m == "PATCH" || m == "GET") return update_comment_route(call, std::stoll(rest[2]));
    return github_error(http::status::not_found, "Not Found", docs_rest);
  }
  if (!is_number(rest[1])) return github_error(http::status::not_found, "Not Found", docs_rest);
  auto it = repo.issues.find(std::stoi(rest[1]));
  if (it == repo.issues.end())
    return github_error(http::status::not_found, "Not Found", docs_issues);
  gh_issue& issue = it->second;
  if (issue.transferred_to) {
    // A transferred issue answers its old address with a redirect to its new one.
    std::string location = api_base_ + "/repositories/" +
                           std::to_string(issue.transferred_to->first) + "/issues/" +
                           std::to_string(issue.transferred_to->second);
    for (std::size_t i = 2; i < rest.size(); ++i) location += "/" + rest[i];
    const bool get = m == "GET" || m == "HEAD";
    api_response res =
        json_response(get ? http::status::moved_permanently : http::status::temporary_redirect,
                      json::object{{"message", "Moved Permanently"}, {"url", location}});
    res.set(http::field::location, location);
    return res;
  }
  if (issue.deleted) return github_error(http::status::gone, "This issue was deleted", docs_issues);
  if (rest.size() == 2) {
    if (m == "GET") return get_issue_route(call, issue);
    if (m == "PATCH") return update_issue_route(call, issue);
  } else if (rest[2] == "comments" && rest.size() == 3) {
    if (m == "GET") return list_comments_route(call, issue);
    if (m == "POST") return create_comment_route(call, issue);
  } else if (rest[2] == "labels") {
    return issue_labels_route(call, issue);
  }
  return github_error(http::status::not_found, "Not Found", docs_rest);
}

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

api_response github_emulator::list_comments_route(api_call& call, gh_issue& issue) {
  gh_repo& repo = *call.repo;
  std::optional<time_point> since;
  if (!call.param("since").empty()) {
    since = parse_iso8601(call.param("since"));
    if (!since) return invalid_field("since", call.param("since"), docs_comments);
  }
  std::vector<const gh_comment*> found;
  for (const auto& c : repo.comments)
    if (c.issue_number == issue.number && (!since || c.updated_at >= *since)) found.push_back(&c);
  const int per_page = int_param(call, "per_page", 30, 1, 100);
  const int page = int_param(call, "page", 1, 1, 1000000);
  const int last = std::max(1, static_cast<int>((found.size() + per_page - 1) / per_page));
  json::array items;
  for (std::size_t i = static_cast<std::size_t>(page - 1) * per_page;
       i < found.size() && i < static_cast<std::size_t>(page) * per_page; ++i)
    items.push_back(render_comment(repo, *found[i], call.ctx));
  api_response res = json_response(http::status::ok, items);
  set_link_header(res, call,
                  "/repositories/" + std::to_string(repo.id) + "/issues/" +
                      std::to_string(issue.number) + "/comments",
                  page, last);
  return res;
}

api_response github_emulator::create_comment_route(api_call& call, gh_issue& issue) {
  gh_repo& repo = *call.repo;
  api_response error;
  auto body = json_body(call, error);
  if (!body) return error;
  const json::value* text = body->if_contains("body");
  if (!text || !text->is_string())
    return validation_failed(json::array{validation_entry("IssueComment", "missing_field", "body")},
                             std::string(docs_comments) + "#create-an-issue-comment");
  if (char_count(std::string(text->as_string())) > max_body_chars)
    return validation_failed(
        json::array{validation_entry("IssueComment", "custom", "body",
                                     "body is too long (maximum is 65536 characters)")},
        std::string(docs_comments) + "#create-an-issue-comment");
  const time_point t = now();
  gh_comment comment{next_id(), issue.number, std::string(text->as_string()), call.who.login, t, t};
  repo.comments.push_back(comment);
  ++issue.comments;
  issue.updated_at = t;
  api_response res = json_response(http::status::created, render_comment(repo, comment, call.ctx));
  res.set(http::field::location, call.ctx.api_base + "/repos/" + repo.full_name() +
                                     "/issues/comments/" + std::to_string(comment.id));
  return res;
}

api_response github_emulator::update_comment_route(api_call& call, std::int64_t comment_id) {
  gh_repo& repo = *call.repo;
  auto it = std::find_if(repo.comments.begin(), repo.comments.end(),
                         [&](const gh_comment& c) { return c.id == comment_id; });
  if (it == repo.comments.end())
    return github_error(http::status::not_found, "Not Found", docs_comments);
  if (call.method == "GET")
    return json_response(http::status::ok, render_comment(repo, *it, call.ctx));
  api_response error;
  auto body = json_body(call, error);
  if (!body) return error;
  const json::value* text = body->if_contains("body");
  if (!text || !text->is_string())
    return validation_failed(
        json::array{validation_entry("IssueComment", "missing_field", "body")});
  if (char_count(std::string(text->as_string())) > max_body_chars)
    return validation_failed(json::array{validation_entry(
        "IssueComment", "custom", "body", "body is too long (maximum is 65536 characters)")});
  it->body = std::string(text->as_string());
  it->updated_at = now();
  return json_response(http::status::ok, render_comment(repo, *it, call.ctx));
}

// GET, POST (add), PUT (replace) and DELETE /repos/{o}/{r}/issues/{n}/labels[/{name}]. Adding
// and replacing answer every label now on the issue (label objects); names match existing
// labels regardless of case, and unknown names become new labels (docs.github.com/rest/issues/
// labels#add-labels-to-an-issue).
api_response github_emulator::issue_labels_route(api_call& call, gh_issue& issue) {
  gh_repo& repo = *call.repo;
  const auto& rest = call.rest;
  const char* const docs_labels = "https://docs.github.com/rest/issues/labels";
  std::vector<std::string> labels = issue.labels;
  const bool push = has_push_access(repo, call.who);
  if (rest.size() == 4 && call.method == "DELETE") {
    auto it = std::find_if(labels.begin(), labels.end(),
                           [&](const std::string& l) { return same_label_name(l, rest[3]); });
    if (it == labels.end())
      return github_error(http::status::not_found, "Label does not exist",
                          std::string(docs_labels) + "#remove-a-label-from-an-issue");
    labels.erase(it);
  } else if (rest.size() == 3 && (call.method == "POST" || call.method == "PUT")) {
    boost::system::error_code ec;
    json::value v = json::parse(call.req->body().empty() ? "{}" : call.req->body(), ec);
    if (ec) return github_error(http::status::bad_request, "Problems parsing JSON", docs_rest);
    // The body is {"labels": [...]} (names or {"name"} objects), or a bare array of names.
    const json::value* list = v.is_array() ? &v
                              : v.is_object() ? v.as_object().if_contains("labels")
                                              : nullptr;
    auto given = string_list(list);
    if (!given) return invalid_field("labels", "", docs_labels);
    if (call.method == "PUT") labels.clear();
    for (const auto& l : *given) {
      if (l.empty() || l.size() > 50)
        return validation_failed(json::array{validation_entry("Label", "invalid", "name")},
                                 std::string(docs_labels) + "#add-labels-to-an-issue");
      const std::string name = push ? ensure_label(repo, l).name : l;
      if (std::find(labels.begin(), labels.end(), name) == labels.end()) labels.push_back(name);
    }
  } else if (rest.size() == 3 && call.method == "GET") {
  } else {
    return github_error(http::status::not_found, "Not Found", docs_rest);
  }
  if (call.method != "GET" && push) {
    issue_edit edit;
    edit.labels = labels;
    apply_edit(repo, issue, edit, call.who.login);
  }
  json::array out;
  for (const auto& name : issue.labels)
    for (const auto& label : repo.labels)
      if (label.name == name) out.push_back(render_label(repo, label, call.ctx));
  return json_response(http::status::ok, out);
}

// POST /repos/{o}/{r}/labels {name, color?, description?}: `color` is six hexadecimal digits
// without the leading '#', `description` at most 100 characters, and the name unique regardless
// of case; anything else is 422 Validation Failed with a Label error entry
// (docs.github.com/rest/issues/labels#create-a-label).
api_response github_emulator::create_label_route(api_call& call) {
  gh_repo& repo = *call.repo;
  const std::string docs = "https://docs.github.com/rest/issues/labels#create-a-label";
  api_response error;
  auto body = json_body(call, error);
  if (!body) return error;
  const json::value* name = body->if_contains("name");
  if (!name) return github_error(http::status::unprocessable_entity,
                                 "Invalid request.\n\n\"name\" wasn't supplied.", docs);
  if (!name->is_string() || name->as_string().empty())
    return validation_failed(json::array{validation_entry("Label", "missing_field", "name")}, docs);
  json::array errors;
  std::optional<std::string> color;
  if (const json::value* c = body->if_contains("color"); c && !c->is_null()) {
    color = c->is_string() ? std::string(c->as_string()) : json::serialize(*c);
    const bool hex6 = color->size() == 6 && std::all_of(color->begin(), color->end(), [](char ch) {
                        return std::isxdigit(static_cast<unsigned char>(ch)) != 0;
                      });
    if (!hex6) errors.push_back(validation_entry("Label", "invalid", "color"));
  }
  std::optional<std::string> description;
  if (const json::value* d = body->if_contains("description"); d && d->is_string()) {
    description = std::string(d->as_string());
    if (char_count(*description) > 100)
      errors.push_back(validation_entry("Label", "custom", "description",
                                        "description is too long (maximum is 100 characters)"));
  }
  for (const auto& l : repo.labels)
    if (same_label_name(l.name, std::string(name->as_string())))
      errors.push_back(validation_entry("Label", "already_exists", "name"));
  if (!errors.empty()) return validation_failed(std::move(errors), docs);
  gh_label& label = ensure_label(repo, std::string(name->as_string()));
  if (color) {
    label.color = *color;
    std::transform(label.color.begin(), label.color.end(), label.color.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
  }
  if (description) label.description = *description;
  return json_response(http::status::created, render_label(repo, label, call.ctx));
}

api_response github_emulator::create_pull_route(api_call& call) {
  gh_repo& repo = *call.repo;
  api_response error;
  auto body = json_body(call, error);
  if (!body) return error;
  json::array errors;
  auto text = [&](const char* key) -> std::optional<std::string> {
    const json::value* v = body->if_contains(key);
    if (v && v->is_string()) return std::string(v->as_string());
    return std::nullopt;
  };
  const auto title = text("title"), head = text("head"), base = text("base");
  for (auto [key, value] : {std::pair{"title", &title}, {"head", &head}, {"base", &base}})
    if (!*value) errors.push_back(validation_entry("PullRequest", "missing_field", key));
  if (!errors.empty()) return validation_failed(std::move(errors), docs_pulls_create);
  auto body_text = text("body");
  if (body_text && char_count(*body_text) > max_body_chars)
    return validation_failed(
        json::array{validation_entry("PullRequest", "custom", "body",
                                     "body is too long (maximum is 65536 characters)")},
        docs_pulls_create);
  if (char_count(*title) > max_title_chars)
    return validation_failed(
        json::array{validation_entry("PullRequest", "custom", "title",
                                     "title is too long (maximum is 256 characters)")},
        docs_pulls_create);
  // `head` is "branch" or "owner:branch" for a branch of this repository (forks are not
  // modelled); both branches must exist, as GitHub answers 422 `invalid` for each that does not.
  std::string head_branch = *head;
  if (auto colon = head_branch.find(':'); colon != std::string::npos) {
    if (head_branch.substr(0, colon) != repo.owner) head_branch.clear();
    else head_branch = head_branch.substr(colon + 1);
  }
  const auto head_sha = head_branch.empty() ? std::nullopt : branch_sha(repo, head_branch);
  const auto base_sha = branch_sha(repo, *base);
  if (!head_sha) errors.push_back(validation_entry("PullRequest", "invalid", "head"));
  if (!base_sha) errors.push_back(validation_entry("PullRequest", "invalid", "base"));
  if (!errors.empty()) return validation_failed(std::move(errors), docs_pulls_create);
  // A head with nothing its base lacks: "No commits between <base> and <head>".
  if (is_ancestor(repo, *head_sha, *base_sha))
    return validation_failed(
        json::array{json::object{{"resource", "PullRequest"},
                                 {"code", "custom"},
                                 {"message", "No commits between " + *base + " and " + *head}}},
        docs_pulls_create);
  for (const auto& [n, other] : repo.issues)
    if (other.pull && other.state == "open" && !other.deleted && other.pull->head == head_branch &&
        other.pull->base == *base)
      return validation_failed(
          json::array{json::object{
              {"resource", "PullRequest"},
              {"code", "custom"},
              {"message", "A pull request already exists for " + repo.owner + ":" + head_branch +
                              "."}}},
          docs_pulls_create);
  gh_pull_details details;
  details.head = head_branch;
  details.base = *base;
  const json::value* draft = body->if_contains("draft");
  details.draft = draft && draft->is_bool() && draft->as_bool();
  // Private repositories on GitHub Free or Pro have no draft PRs: a 422 without an errors array.
  if (details.draft && !repo.draft_pull_requests)
    return github_error(http::status::unprocessable_entity,
                        "Draft pull requests are not supported in this repository.",
                        docs_pulls_create);
  details.head_sha = *head_sha;
  details.base_sha = *base_sha;
  gh_issue& pull = create_issue(repo, call.who.login, *title, body_text, issue_edit{}, details);
  api_response res = json_response(http::status::created, render_pull(repo, pull, call.ctx));
  res.set(http::field::location, call.ctx.api_base + "/repos/" + repo.full_name() + "/pulls/" +
                                     std::to_string(pull.number));
  return res;
}

api_response github_emulator::update_pull_route(api_call& call, gh_issue& pull) {
  gh_repo& repo = *call.repo;
  api_response error;
  auto body = json_body(call, error);
  if (!body) return error;
  issue_edit edit;
  if (const json::value* s = body->if_contains("state"); s && !s->is_null()) {
    const std::string state = s->is_string() ? std::string(s->as_string()) : "";
    if (state != "open" && state != "closed") return invalid_field("state", state, docs_pulls);
    edit.state = state;
  }
  if (const json::value* t = body->if_contains("title"); t && t->is_string())
    edit.title = std::string(t->as_string());
  if (const json::value* b = body->if_contains("body"); b && b->is_string())
    edit.body = std::optional<std::string>(std::string(b->as_string()));
  json::array errors;
  if (edit.title && char_count(*edit.title) > max_title_chars)
    errors.push_back(validation_entry("PullRequest", "custom", "title",
                                      "title is too long (maximum is 256 characters)"));
  if (edit.body && char_count(**edit.body) > max_body_chars)
    errors.push_back(validation_entry("PullRequest", "custom", "body",
                                      "body is too long (maximum is 65536 characters)"));
  if (!errors.empty())
    return validation_failed(std::move(errors), std::string(docs_pulls) + "#update-a-pull-request");
  if (const json::value* b = body->if_contains("base"); b && b->is_string())
    pull.pull->base = std::string(b->as_string());
  apply_edit(repo, pull, edit, call.who.login);
  return json_response(http::status::ok, render_pull(repo, pull, call.ctx));
}

api_response github_emulator::search_issues_route(api_call& call) {
  const std::string q = call.param("q");
  if (q.empty())
    return validation_failed(json::array{validation_entry("Search", "missing", "q")}, docs_search);
  const issue_query query = parse_issue_query(q);
  const time_point t = now();
  const gh_installation* inst = nullptr;
  for (const auto& i : installations_)
    if (call.who.what == caller::kind::installation && i.id == call.who.installation_id) inst = &i;
  struct hit {
    const gh_repo* repo;
    const gh_issue* issue;
  };
  std::vector<hit> hits;
  for (const auto& repo : repos_) {
    if (inst && !installation_covers(*inst, repo)) continue;
    for (const auto& [n, issue] : repo.issues) {
      if (issue.deleted) continue;
      // The index only knows what was true `search_lag_` ago.
      const gh_index_version* seen = nullptr;
      for (const auto& v : issue.index_versions)
        if (v.at + search_lag_ <= t) seen = &v;
      if (!seen) continue;
      if (query_matches(query, {repo.full_name(), seen->title, seen->body, seen->state,
                                issue.pull.has_value()}))
        hits.push_back({&repo, &issue});
    }
  }
  const std::string sort = call.param("sort");
  const bool asc = call.param("order", "desc") == "asc";
  std::stable_sort(hits.begin(), hits.end(), [&](const hit& a, const hit& b) {
    auto key = [&](const hit& h) {
      if (sort == "updated") return h.issue->updated_at;
      return h.issue->created_at;
    };
    return asc ? key(a) < key(b) : key(b) < key(a);
  });
  const int per_page = int_param(call, "per_page", 30, 1, 100);
  const int page = int_param(call, "page", 1, 1, 1000000);
  // Search gives access to the first 1,000 results only.
  const std::size_t reachable = std::min<std::size_t>(hits.size(), 1000);
  const int last = std::max(1, static_cast<int>((reachable + per_page - 1) / per_page));
  if (static_cast<std::size_t>(page - 1) * per_page >= reachable && page > 1 && reachable > 0)
    return validation_failed(json::array{}, docs_search);
  json::array items;
  for (std::size_t i = static_cast<std::size_t>(page - 1) * per_page;
       i < reachable && i < static_cast<std::size_t>(page) * per_page; ++i) {
    json::object item = render_issue(*hits[i].repo, *hits[i].issue, call.ctx);
    item.erase("closed_by");
    item["score"] = 1.0;
    items.push_back(std::move(item));
  }
  json::object result;
  result["total_count"] = hits.size();
  result["incomplete_results"] = false;
  result["items"] = std::move(items);
  result["search_type"] = "lexical";
  api_response res = json_response(http::status::ok, result);
  set_link_header(res, call, "/search/issues", page, last);
  return res;
}

api_response github_emulator::access_token_route(api_call& call, std::int64_t installation_id) {
  const gh_installation* inst = nullptr;
  for (const auto& i : installations_)
    if (i.id == installation_id) inst = &i;
  if (!inst) return github_error(http::status::not_found, "Not Found", docs_rest);
  static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string token = "ghs_";
  for (int i = 0; i < 36; ++i)
    token.push_back(alphabet[(services_.random ? services_.random() : next_id()) % 62]);
  const time_point expires = now() + token_lifetime_;
  issued_tokens_[token] = gh_issued_token{token, inst->id, expires};
  json::object o;
  o["token"] = token;
  o["expires_at"] = iso8601(expires);
  json::object permissions;
  for (const auto& [k, v] : inst->permissions) permissions[k] = v;
  o["permissions"] = std::move(permissions);
  o["repository_selection"] = inst->repository_selection;
  if (inst->repository_selection == "selected") {
    json::array repos;
    for (const auto& r : repos_)
      if (installation_covers(*inst, r)) repos.push_back(render_repository(r, call.ctx));
    o["repositories"] = std::move(repos);
  }
  return json_response(http::status::created, o);
}

api_response github_emulator::repo_installation_route(api_call& call) {
  const gh_installation* inst = installation_for(*call.repo);
  if (!inst || !app_) return github_error(http::status::not_found, "Not Found", docs_rest);
  return json_response(http::status::ok, render_installation(*app_, *inst, call.ctx));
}

api_response github_emulator::rate_limit_route(api_call& call) {
  const time_point t = now();
  auto doc = [&](const std::string& resource, int budget, std::chrono::seconds window) {
    const primary_status s =
        rate_.take_primary(call.who.rate_key, resource, budget, window, t, false);
    return json::object{{"limit", s.limit},
                        {"remaining", s.remaining()},
                        {"reset", s.reset_epoch},
                        {"used", s.used},
                        {"resource", resource}};
  };
  json::object core = doc("core", scaled(limits_.primary_per_hour), std::chrono::hours(1));
  json::object o;
  o["resources"] = json::object{
      {"core", core},
      {"search", doc("search", scaled(limits_.search_per_minute), std::chrono::minutes(1))},
      {"graphql", doc("graphql", scaled(limits_.graphql_points_per_hour), std::chrono::hours(1))}};
  if (!call.ctx.omits_singular_assignee()) o["rate"] = core;
  return json_response(http::status::ok, o);
}

}  // namespace ngsync::sandbox::github

// The GitHub emulator's REST routing: a repository path to its endpoint (issues in
// github_issue_routes.cpp, comments, labels and pull requests in their own files, milestones and
// git data too), the request helpers those files share, issue search, and the GitHub App's
// installation and rate-limit endpoints.
#include <algorithm>

#include <boost/url.hpp>

#include "tests/sandbox/src/github/github_crypto.hpp"
#include "tests/sandbox/src/github/github_emulator_impl.hpp"
#include "tests/sandbox/src/github/github_responses.hpp"
#include "tests/sandbox/src/github/github_route_helpers.hpp"
#include "tests/sandbox/src/github/github_search.hpp"

namespace ngsync::sandbox::github {

namespace {

const char* const docs_search =
    "https://docs.github.com/rest/search/search#search-issues-and-pull-requests";

bool is_number(const std::string& s) {
  return !s.empty() && s.size() < 19 &&
         std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

}  // namespace

std::size_t char_count(const std::string& s) {
  return static_cast<std::size_t>(
      std::count_if(s.begin(), s.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

std::optional<std::vector<std::string>> string_list(const json::value* v, const char* key) {
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

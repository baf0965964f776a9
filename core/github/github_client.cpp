#include "core/github/github_client.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "core/config/values.hpp"
#include "core/github/milestones.hpp"
#include "core/http/url.hpp"

namespace ngsync::github {
namespace net = boost::asio;
namespace json = boost::json;

namespace {
const std::string api = "github";

json::value parse_object(const std::string& body, const std::string& operation) {
  json::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !(v.is_object() || v.is_array())) {
    api::throw_malformed(api, operation, "the answer is not JSON");
  }
  return v;
}

github_issue to_issue(const std::string& body, const std::string& operation) {
  auto parsed = parse_issue(parse_object(body, operation));
  if (!parsed) api::throw_malformed(api, operation, parsed.error().message);
  return std::move(*parsed);
}

comment to_comment(const std::string& body, const std::string& operation) {
  auto v = parse_object(body, operation);
  comment c;
  const auto* o = v.if_object();
  const json::value* id = o ? o->if_contains("id") : nullptr;
  if (!id || !id->is_int64()) api::throw_malformed(api, operation, "comment without an id");
  c.id = id->as_int64();
  if (auto* b = o->if_contains("body"); b && b->is_string()) c.body = b->as_string().c_str();
  if (auto* u = o->if_contains("user"); u && u->is_object()) {
    if (auto* l = u->as_object().if_contains("login"); l && l->is_string()) {
      c.user_login = l->as_string().c_str();
    }
  }
  return c;
}

json::array strings(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}
}  // namespace

// Repository names go into paths: only validated `owner/name` values may.
std::string repo_path(const std::string& repo) {
  auto norm = config::normalize_repository(repo);
  if (!norm)
    api::throw_malformed(api, "build request", "not a repository name: " + repo.substr(0, 100));
  return "/repos/" + *norm;
}

json::object issue_update::to_json() const {
  json::object o;
  if (title) o["title"] = *title;
  if (body) o["body"] = *body;
  if (labels) o["labels"] = strings(*labels);
  if (assignees) o["assignees"] = strings(*assignees);
  if (state) o["state"] = *state;
  if (state_reason) o["state_reason"] = *state_reason;
  return o;
}

std::string next_link(std::string_view header) {
  // <https://api.github.com/repositories/1/issues?page=2>; rel="next", <...>; rel="last"
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto open = header.find('<', pos);
    if (open == std::string_view::npos) break;
    auto close = header.find('>', open);
    if (close == std::string_view::npos) break;
    auto end = header.find(',', close);
    auto params =
        header.substr(close + 1, end == std::string_view::npos ? header.npos : end - close - 1);
    if (params.find("rel=\"next\"") != std::string_view::npos) {
      return std::string(header.substr(open + 1, close - open - 1));
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return {};
}

net::awaitable<ratelimit::api_result> github_client::call(ratelimit::api_request req,
                                                          const std::string& operation) {
  if (!req.body.empty()) req.headers.set("Content-Type", "application/json");
  req.sync_run_id = sync_run_id_;
  auto result = co_await caller_.call(std::move(req));
  api::ensure_ok(api, operation, result);
  co_return result;
}

net::awaitable<github_issue> github_client::create_issue(std::string repo, new_issue issue) {
  json::object body{{"title", issue.title}, {"body", issue.body}};
  if (!issue.labels.empty()) body["labels"] = strings(issue.labels);
  if (!issue.assignees.empty()) body["assignees"] = strings(issue.assignees);
  ratelimit::api_request req;
  req.method = http::verb::post;
  req.path = repo_path(repo) + "/issues";
  req.body = json::serialize(body);
  req.creates_content = true;
  req.idempotent = false;  // a replayed POST makes a duplicate: the executor decides
  auto r = co_await call(std::move(req), "create issue");
  co_return to_issue(r.response->body, "create issue");
}

net::awaitable<github_issue> github_client::get_issue(std::string repo, std::int64_t number) {
  ratelimit::api_request req;
  req.path = repo_path(repo) + "/issues/" + std::to_string(number);
  auto r = co_await call(std::move(req), "get issue");
  co_return to_issue(r.response->body, "get issue");
}

net::awaitable<github_issue> github_client::update_issue(std::string repo, std::int64_t number,
                                                         issue_update update) {
  ratelimit::api_request req;
  req.method = http::verb::patch;
  req.path = repo_path(repo) + "/issues/" + std::to_string(number);
  req.body = json::serialize(update.to_json());
  req.idempotent = true;  // absolute values
  auto r = co_await call(std::move(req), "update issue");
  co_return to_issue(r.response->body, "update issue");
}

net::awaitable<void> github_client::list_issues_since(
    std::string repo, std::optional<std::string> since_iso,
    std::function<bool(const github_issue&)> visit) {
  std::string path = repo_path(repo) + "/issues?state=all&sort=updated&direction=asc&per_page=100";
  if (since_iso) path += "&since=" + boost::urls::encode(*since_iso, boost::urls::unreserved_chars);
  co_await list_issue_pages(std::move(path), std::move(visit));
}

net::awaitable<void> github_client::list_issues_by_creator(
    std::string repo, std::string creator, std::function<bool(const github_issue&)> visit) {
  std::string path = repo_path(repo) + "/issues?state=all&per_page=100&creator=" +
                     boost::urls::encode(creator, boost::urls::unreserved_chars);
  co_await list_issue_pages(std::move(path), std::move(visit));
}

net::awaitable<void> github_client::list_issue_pages(
    std::string path, std::function<bool(const github_issue&)> visit) {
  const auto& base = caller_.config().base_url;
  for (int guard = 0; guard < 10000 && !path.empty(); ++guard) {
    ratelimit::api_request req;
    req.path = path;
    auto r = co_await call(std::move(req), "list issues");
    auto list = parse_issue_list(parse_object(r.response->body, "list issues"));
    if (!list) api::throw_malformed(api, "list issues", list.error().message);
    for (const auto& issue : list->issues) {
      if (!visit(issue)) co_return;
    }
    // Follow the next URL exactly as given; it is on the API's own origin.
    auto next = next_link(r.response->header("Link"));
    if (next.empty()) break;
    auto target = http::target_under_base(base, next);
    if (!target)
      api::throw_malformed(api, "list issues", "next page link points off the API origin");
    path = std::move(*target);
  }
}

net::awaitable<std::vector<comment>> github_client::list_comments(std::string repo,
                                                                  std::int64_t number) {
  std::vector<comment> out;
  std::string path =
      repo_path(repo) + "/issues/" + std::to_string(number) + "/comments?per_page=100";
  const auto& base = caller_.config().base_url;
  for (int guard = 0; guard < 1000 && !path.empty(); ++guard) {
    ratelimit::api_request req;
    req.path = path;
    auto r = co_await call(std::move(req), "list comments");
    auto v = parse_object(r.response->body, "list comments");
    if (!v.is_array()) api::throw_malformed(api, "list comments", "not a list");
    for (const auto& c : v.as_array())
      out.push_back(to_comment(json::serialize(c), "list comments"));
    auto next = next_link(r.response->header("Link"));
    if (next.empty()) break;
    auto target = http::target_under_base(base, next);
    if (!target)
      api::throw_malformed(api, "list comments", "next page link points off the API origin");
    path = std::move(*target);
  }
  co_return out;
}

net::awaitable<comment> github_client::create_comment(std::string repo, std::int64_t number,
                                                      std::string body) {
  ratelimit::api_request req;
  req.method = http::verb::post;
  req.path = repo_path(repo) + "/issues/" + std::to_string(number) + "/comments";
  req.body = json::serialize(json::object{{"body", body}});
  req.creates_content = true;
  req.idempotent = false;
  auto r = co_await call(std::move(req), "create comment");
  co_return to_comment(r.response->body, "create comment");
}

net::awaitable<comment> github_client::update_comment(std::string repo, std::int64_t comment_id,
                                                      std::string body) {
  ratelimit::api_request req;
  req.method = http::verb::patch;
  req.path = repo_path(repo) + "/issues/comments/" + std::to_string(comment_id);
  req.body = json::serialize(json::object{{"body", body}});
  req.idempotent = true;
  auto r = co_await call(std::move(req), "update comment");
  co_return to_comment(r.response->body, "update comment");
}

net::awaitable<github_issue> github_client::create_draft_pr(std::string repo, std::string title,
                                                            std::string body, std::string head,
                                                            std::string base) {
  ratelimit::api_request req;
  req.method = http::verb::post;
  req.path = repo_path(repo) + "/pulls";
  req.body = json::serialize(json::object{
      {"title", title}, {"body", body}, {"head", head}, {"base", base}, {"draft", true}});
  req.creates_content = true;
  req.idempotent = false;
  auto r = co_await call(std::move(req), "create draft pull request");
  co_return to_issue(r.response->body, "create draft pull request");
}

net::awaitable<github_issue> github_client::set_pr_state(std::string repo, std::int64_t number,
                                                         std::string state) {
  ratelimit::api_request req;
  req.method = http::verb::patch;
  req.path = repo_path(repo) + "/pulls/" + std::to_string(number);
  req.body = json::serialize(json::object{{"state", state}});
  req.idempotent = true;
  auto r = co_await call(std::move(req), "update pull request");
  co_return to_issue(r.response->body, "update pull request");
}

net::awaitable<std::optional<std::int64_t>> github_client::find_milestone(std::string repo,
                                                                          std::string title,
                                                                          bool create_missing) {
  auto number = co_await github::find_milestone(caller_, std::move(repo), std::move(title),
                                                create_missing, sync_run_id_);
  co_return number;
}

net::awaitable<void> github_client::set_milestone(std::string repo, std::int64_t number,
                                                  std::optional<std::int64_t> milestone) {
  co_await github::set_issue_milestone(caller_, std::move(repo), number, milestone, sync_run_id_);
}

net::awaitable<std::string> github_client::own_login() {
  ratelimit::api_request req;
  req.path = "/user";
  auto result = co_await caller_.call(std::move(req));
  if (result.ok()) {
    auto v = parse_object(result.response->body, "get user");
    if (auto* l = v.as_object().if_contains("login"); l && l->is_string()) {
      co_return std::string(l->as_string().c_str());
    }
  }
  co_return std::string();
}

}  // namespace ngsync::github

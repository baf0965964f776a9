// The Git database calls of github_client: what opening a draft pull request's head branch needs
// (GET /git/ref/heads/{branch}, GET and POST /git/commits, POST /git/refs). They need the
// Contents permission (write), unlike everything else the sync does.
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "core/github/github_client.hpp"

namespace ngsync::github {
namespace net = boost::asio;
namespace json = boost::json;

namespace {
const std::string api = "github";

// A branch name in a path: each '/'-separated part percent-encoded, the slashes kept (GitHub
// reads heads/ngsync/abc as the branch ngsync/abc).
std::string branch_path(const std::string& branch) {
  std::string out;
  std::size_t start = 0;
  while (true) {
    auto slash = branch.find('/', start);
    out += boost::urls::encode(branch.substr(start, slash - start), boost::urls::unreserved_chars);
    if (slash == std::string::npos) break;
    out += '/';
    start = slash + 1;
  }
  return out;
}

const json::object& object_of(const json::value& v, const std::string& operation) {
  if (!v.is_object()) api::throw_malformed(api, operation, "the answer is not an object");
  return v.as_object();
}

std::string string_at(const json::object& o, const char* key, const std::string& operation) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_string()) api::throw_malformed(api, operation, std::string("no ") + key);
  return std::string(v->as_string());
}

json::value parse_body(const std::string& body, const std::string& operation) {
  json::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) api::throw_malformed(api, operation, "the answer is not JSON");
  return v;
}

git_commit to_commit(const std::string& body, const std::string& operation) {
  const auto v = parse_body(body, operation);
  const auto& o = object_of(v, operation);
  git_commit c;
  c.sha = string_at(o, "sha", operation);
  const auto* tree = o.if_contains("tree");
  if (!tree || !tree->is_object()) api::throw_malformed(api, operation, "commit without a tree");
  c.tree_sha = string_at(tree->as_object(), "sha", operation);
  if (const auto* parents = o.if_contains("parents"); parents && parents->is_array()) {
    for (const auto& p : parents->as_array())
      if (p.is_object()) c.parents.push_back(string_at(p.as_object(), "sha", operation));
  }
  return c;
}
}  // namespace

net::awaitable<std::optional<std::string>> github_client::branch_head(std::string repo,
                                                                      std::string branch) {
  const std::string operation = "read branch";
  ratelimit::api_request req;
  req.path = repo_path(repo) + "/git/ref/heads/" + branch_path(branch);
  req.sync_run_id = sync_run_id_;
  auto result = co_await caller_.call(std::move(req));
  if (!result.throttled() && result.status() == 404) co_return std::nullopt;
  api::ensure_ok(api, operation, result);
  const auto v = parse_body(result.response->body, operation);
  const auto* object = object_of(v, operation).if_contains("object");
  if (!object || !object->is_object()) api::throw_malformed(api, operation, "ref without object");
  co_return string_at(object->as_object(), "sha", operation);
}

net::awaitable<git_commit> github_client::get_commit(std::string repo, std::string sha) {
  ratelimit::api_request req;
  req.path = repo_path(repo) + "/git/commits/" +
             boost::urls::encode(sha, boost::urls::unreserved_chars);
  auto r = co_await call(std::move(req), "read commit");
  co_return to_commit(r.response->body, "read commit");
}

net::awaitable<git_commit> github_client::create_commit(std::string repo, std::string message,
                                                        std::string tree_sha,
                                                        std::vector<std::string> parents) {
  json::array parent_list;
  for (const auto& p : parents) parent_list.emplace_back(p);
  ratelimit::api_request req;
  req.method = http::verb::post;
  req.path = repo_path(repo) + "/git/commits";
  req.body = json::serialize(
      json::object{{"message", message}, {"tree", tree_sha}, {"parents", std::move(parent_list)}});
  // A replay makes one more commit no ref points at: nothing anyone sees.
  req.idempotent = true;
  auto r = co_await call(std::move(req), "create commit");
  co_return to_commit(r.response->body, "create commit");
}

net::awaitable<bool> github_client::create_branch(std::string repo, std::string branch,
                                                  std::string sha) {
  const std::string operation = "create branch";
  ratelimit::api_request req;
  req.method = http::verb::post;
  req.path = repo_path(repo) + "/git/refs";
  req.body = json::serialize(json::object{{"ref", "refs/heads/" + branch}, {"sha", sha}});
  req.headers.set("Content-Type", "application/json");
  req.sync_run_id = sync_run_id_;
  req.idempotent = true;  // a replay meets "Reference already exists", handled below
  auto result = co_await caller_.call(std::move(req));
  if (!result.ok() && !result.throttled() && result.status() == 422) {
    auto f = api::classify(api, operation, result);
    if (f.message.find("Reference already exists") != std::string::npos) co_return false;
    throw api::api_exception(std::move(f));
  }
  api::ensure_ok(api, operation, result);
  co_return true;
}

}  // namespace ngsync::github

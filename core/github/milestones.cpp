#include "core/github/milestones.hpp"

#include <cctype>

#include <boost/json.hpp>

#include "core/api/api_failure.hpp"
#include "core/config/values.hpp"
#include "core/github/github_client.hpp"
#include "core/http/url.hpp"
#include "core/text/ascii.hpp"

namespace ngsync::github {
namespace net = boost::asio;
namespace json = boost::json;

namespace {
const std::string api = "github";

json::value parse(const ratelimit::api_result& r, const std::string& operation) {
  json::error_code ec;
  auto v = json::parse(r.response->body, ec);
  if (ec) api::throw_malformed(api, operation, "the answer is not JSON");
  return v;
}
}  // namespace

net::awaitable<std::optional<std::int64_t>> find_milestone(ratelimit::api_caller& github,
                                                           std::string repo, std::string title,
                                                           bool create_missing,
                                                           std::string sync_run_id) {
  const auto base = github.config().base_url;
  std::string path = repo_path(repo) + "/milestones?state=all&per_page=100";
  const auto want = text::ascii_lower(title);
  for (int guard = 0; guard < 100 && !path.empty(); ++guard) {
    ratelimit::api_request req;
    req.path = path;
    req.sync_run_id = sync_run_id;
    auto r = co_await github.call(std::move(req));
    api::ensure_ok(api, "list milestones", r);
    auto v = parse(r, "list milestones");
    if (!v.is_array()) api::throw_malformed(api, "list milestones", "not a list");
    for (const auto& m : v.as_array()) {
      const auto* o = m.if_object();
      if (!o) continue;
      auto* t = o->if_contains("title");
      auto* n = o->if_contains("number");
      if (t && t->is_string() && n && n->is_int64() &&
          text::ascii_lower(t->as_string().c_str()) == want)
        co_return n->as_int64();
    }
    auto next = next_link(r.response->header("Link"));
    if (next.empty()) break;
    auto target = http::target_under_base(base, next);
    if (!target)
      api::throw_malformed(api, "list milestones", "next page link points off the API origin");
    path = std::move(*target);
  }
  if (!create_missing) co_return std::nullopt;
  ratelimit::api_request req;
  req.method = http::verb::post;
  req.path = repo_path(repo) + "/milestones";
  req.headers.set("Content-Type", "application/json");
  req.body = json::serialize(json::object{{"title", title}});
  req.creates_content = true;
  req.idempotent = false;
  req.sync_run_id = sync_run_id;
  auto r = co_await github.call(std::move(req));
  api::ensure_ok(api, "create milestone", r);
  auto v = parse(r, "create milestone");
  const auto* o = v.if_object();
  auto* n = o ? o->if_contains("number") : nullptr;
  if (!n || !n->is_int64()) api::throw_malformed(api, "create milestone", "no number");
  co_return n->as_int64();
}

net::awaitable<void> set_issue_milestone(ratelimit::api_caller& github, std::string repo,
                                         std::int64_t issue_number,
                                         std::optional<std::int64_t> milestone,
                                         std::string sync_run_id) {
  json::object body;
  if (milestone) {
    body["milestone"] = *milestone;
  } else {
    body["milestone"] = nullptr;
  }
  ratelimit::api_request req;
  req.method = http::verb::patch;
  req.path = repo_path(repo) + "/issues/" + std::to_string(issue_number);
  req.headers.set("Content-Type", "application/json");
  req.body = json::serialize(body);
  req.idempotent = true;
  req.sync_run_id = sync_run_id;
  auto r = co_await github.call(std::move(req));
  api::ensure_ok(api, "set milestone", r);
}

}  // namespace ngsync::github

// The GitHub emulator's issue comment endpoints: list (since, pages), create and update.
#include <algorithm>

#include "tests/sandbox/src/github/github_emulator_impl.hpp"
#include "tests/sandbox/src/github/github_responses.hpp"
#include "tests/sandbox/src/github/github_route_helpers.hpp"

namespace ngsync::sandbox::github {

namespace {

const char* const docs_comments = "https://docs.github.com/rest/issues/comments";

}  // namespace

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

}  // namespace ngsync::sandbox::github

// The GitHub emulator's pull request endpoints: create (head and base branches, drafts) and
// update.
#include <algorithm>

#include "tests/sandbox/src/github/github_emulator_impl.hpp"
#include "tests/sandbox/src/github/github_responses.hpp"
#include "tests/sandbox/src/github/github_route_helpers.hpp"

namespace ngsync::sandbox::github {

namespace {

const char* const docs_pulls_create =
    "https://docs.github.com/rest/pulls/pulls#create-a-pull-request";

}  // namespace

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
    if (head_branch.substr(0, colon) != repo.owner)
      head_branch.clear();
    else
      head_branch = head_branch.substr(colon + 1);
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
          json::array{json::object{{"resource", "PullRequest"},
                                   {"code", "custom"},
                                   {"message", "A pull request already exists for " + repo.owner +
                                                   ":" + head_branch + "."}}},
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

}  // namespace ngsync::sandbox::github

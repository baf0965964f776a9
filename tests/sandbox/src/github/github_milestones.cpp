// The GitHub emulator's milestone endpoints: list (state, sort, direction, pages) and create
// (422 already_exists on a duplicate title, as GitHub answers).
#include <algorithm>

#include "tests/sandbox/src/github/github_emulator_impl.hpp"
#include "tests/sandbox/src/github/github_responses.hpp"
#include "tests/sandbox/src/github/github_route_helpers.hpp"

namespace ngsync::sandbox::github {

namespace {

const char* const docs_milestones = "https://docs.github.com/rest/issues/milestones";

api_response invalid_value(const std::string& field, const std::string& value) {
  return github_error(
      http::status::unprocessable_entity,
      "Invalid request.\n\nFor 'properties/" + field + "', \"" + value + "\" is not a valid value.",
      docs_milestones);
}

}  // namespace

api_response github_emulator::list_milestones_route(api_call& call) {
  gh_repo& repo = *call.repo;
  const std::string state = call.param("state", "open");
  const std::string sort = call.param("sort", "due_on");
  const std::string direction = call.param("direction", "asc");
  if (state != "open" && state != "closed" && state != "all") return invalid_value("state", state);
  if (sort != "due_on" && sort != "completeness") return invalid_value("sort", sort);
  if (direction != "asc" && direction != "desc") return invalid_value("direction", direction);
  std::vector<const gh_milestone*> found;
  for (const auto& m : repo.milestones)
    if (state == "all" || m.state == state) found.push_back(&m);
  auto completeness = [&](const gh_milestone* m) {
    int open = 0, closed = 0;
    for (const auto& [n, issue] : repo.issues)
      if (!issue.deleted && issue.milestone == m->number) (issue.state == "open" ? open : closed)++;
    return open + closed == 0 ? 0.0 : static_cast<double>(closed) / (open + closed);
  };
  std::stable_sort(found.begin(), found.end(), [&](const gh_milestone* a, const gh_milestone* b) {
    if (sort == "completeness") {
      const double ca = completeness(a), cb = completeness(b);
      return direction == "asc" ? ca < cb : cb < ca;
    }
    // Milestones without a due date come last, then by number.
    auto key = [](const gh_milestone* m) {
      return std::make_tuple(!m->due_on.has_value(), m->due_on.value_or(""), m->number);
    };
    return direction == "asc" ? key(a) < key(b) : key(b) < key(a);
  });
  const int per_page = int_param(call, "per_page", 30, 1, 100);
  const int page = int_param(call, "page", 1, 1, 1000000);
  const int last = std::max(1, static_cast<int>((found.size() + per_page - 1) / per_page));
  json::array items;
  for (std::size_t i = static_cast<std::size_t>(page - 1) * per_page;
       i < found.size() && i < static_cast<std::size_t>(page) * per_page; ++i)
    items.push_back(render_milestone(repo, found[i]->number, call.ctx));
  api_response res = json_response(http::status::ok, items);
  set_link_header(res, call, "/repositories/" + std::to_string(repo.id) + "/milestones", page,
                  last);
  return res;
}

api_response github_emulator::create_milestone_route(api_call& call) {
  gh_repo& repo = *call.repo;
  api_response error;
  auto body = json_body(call, error);
  if (!body) return error;
  if (!has_push_access(repo, call.who))
    return github_error(http::status::not_found, "Not Found", docs_milestones);
  const json::value* title = body->if_contains("title");
  if (!title || !title->is_string())
    return validation_failed(json::array{validation_entry("Milestone", "missing_field", "title")},
                             std::string(docs_milestones) + "#create-a-milestone");
  for (const auto& m : repo.milestones)
    if (m.title == title->as_string())
      return validation_failed(
          json::array{validation_entry("Milestone", "already_exists", "title")},
          std::string(docs_milestones) + "#create-a-milestone");
  gh_milestone m;
  m.id = next_id();
  for (const auto& other : repo.milestones) m.number = std::max(m.number, other.number);
  ++m.number;
  m.title = std::string(title->as_string());
  if (const json::value* s = body->if_contains("state"); s && s->is_string()) {
    if (s->as_string() != "open" && s->as_string() != "closed")
      return invalid_value("state", std::string(s->as_string()));
    m.state = std::string(s->as_string());
  }
  if (const json::value* d = body->if_contains("description"); d && d->is_string())
    m.description = std::string(d->as_string());
  if (const json::value* d = body->if_contains("due_on"); d && d->is_string()) {
    auto due = parse_iso8601(std::string(d->as_string()));
    if (!due) return invalid_value("due_on", std::string(d->as_string()));
    m.due_on = iso8601(*due);
  }
  m.created_at = now();
  if (m.state == "closed") m.closed_at = m.created_at;
  repo.milestones.push_back(m);
  api_response res =
      json_response(http::status::created, render_milestone(repo, m.number, call.ctx));
  res.set(http::field::location, call.ctx.api_base + "/repos/" + repo.full_name() + "/milestones/" +
                                     std::to_string(m.number));
  return res;
}

}  // namespace ngsync::sandbox::github

// The GitHub emulator's label endpoints: an issue's labels (list, add, replace, remove) and
// creating a repository label.
#include <algorithm>

#include "tests/sandbox/src/github/github_emulator_impl.hpp"
#include "tests/sandbox/src/github/github_responses.hpp"
#include "tests/sandbox/src/github/github_route_helpers.hpp"

namespace ngsync::sandbox::github {

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
    const json::value* list = v.is_array()    ? &v
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
  if (!name)
    return github_error(http::status::unprocessable_entity,
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

}  // namespace ngsync::sandbox::github

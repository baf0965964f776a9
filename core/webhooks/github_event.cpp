#include "core/webhooks/github_event.hpp"

#include "core/text/ascii.hpp"

#include <array>
#include <cctype>

#include <boost/json.hpp>

namespace ngsync::webhooks {
namespace json = boost::json;

namespace {
const json::string* string_at(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? &v->as_string() : nullptr;
}
}  // namespace

api::parse_result<github_issue_event> parse_github_issue_event(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec) return api::parse_error{"webhook body is not JSON: " + ec.message()};
  const auto* o = v.if_object();
  if (!o) return api::parse_error{"webhook body is not an object"};
  github_issue_event e;
  const auto* action = string_at(*o, "action");
  if (!action) return api::parse_error{"webhook without 'action'"};
  e.action = action->c_str();
  const auto* repo = o->if_contains("repository");
  const auto* full =
      repo && repo->is_object() ? string_at(repo->as_object(), "full_name") : nullptr;
  if (!full) return api::parse_error{"webhook without 'repository.full_name'"};
  e.repo = text::ascii_lower(full->c_str());
  const auto* issue = o->if_contains("issue");
  const auto* pull = issue ? nullptr : o->if_contains("pull_request");
  if (pull && pull->is_object()) {
    const auto* number = pull->as_object().if_contains("number");
    if (!number || !number->is_int64())
      return api::parse_error{"webhook without 'pull_request.number'"};
    e.number = number->as_int64();
    e.is_pull_request = true;
  } else {
    if (!issue || !issue->is_object()) return api::parse_error{"webhook without 'issue'"};
    const auto* number = issue->as_object().if_contains("number");
    if (!number || !number->is_int64()) return api::parse_error{"webhook without 'issue.number'"};
    e.number = number->as_int64();
    e.is_pull_request = issue->as_object().contains("pull_request");
  }
  if (const auto* sender = o->if_contains("sender"); sender && sender->is_object()) {
    if (const auto* login = string_at(sender->as_object(), "login"))
      e.sender_login = login->c_str();
  }
  return e;
}

bool is_synced_issue_action(std::string_view action) {
  static constexpr std::array<std::string_view, 9> synced{"edited",     "closed",    "reopened",
                                                          "labeled",    "unlabeled", "assigned",
                                                          "unassigned", "deleted",   "transferred"};
  for (auto a : synced) {
    if (a == action) return true;
  }
  return false;
}

bool is_own_sender(std::string_view sender, std::string_view own_login) {
  return !own_login.empty() && text::ascii_lower(sender) == text::ascii_lower(own_login);
}

}  // namespace ngsync::webhooks

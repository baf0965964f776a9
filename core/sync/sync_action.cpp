#include "core/sync/sync_action.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <boost/json.hpp>

#include "core/sync/notion_text.hpp"
#include "core/sync/utf8_text.hpp"

namespace ngsync::sync {
namespace json = boost::json;
namespace {

std::string quoted(std::string_view s, std::size_t cap = 80) {
  auto cut = cut_to_code_points(s, cap);
  std::string out = "\"";
  for (char c : cut) {
    if (c == '\n')
      out.append("\\n");
    else if (c == '"')
      out.append("\\\"");
    else
      out.push_back(c);
  }
  if (cut.size() < s.size()) out.append("...");
  return out + "\"";
}

std::string describe_create(const create_issue_action& a) {
  auto s = fmt::format("create {} in {} title={} labels=[{}] assignees=[{}] body={} chars",
                       to_string(a.kind), a.repo, quoted(a.title), fmt::join(a.labels, ","),
                       fmt::join(a.assignees, ","), count_code_points(a.body));
  if (a.close_after_create) s += fmt::format(" then close:{}", to_string(*a.close_after_create));
  return s;
}

struct describer {
  std::string operator()(const create_issue_action& a) const { return describe_create(a); }
  std::string operator()(const find_issue_by_marker_action& a) const {
    return fmt::format(
        "find issue with marker Notion-Page-ID {} in {} created since {}; if none: {}", a.page_id,
        a.repo, a.since,
        a.create_if_missing ? describe_create(*a.create_if_missing)
                            : std::string("clear the intent"));
  }
  std::string operator()(const fetch_issue_action& a) const {
    return fmt::format("fetch {}#{} and plan again", a.repo, a.number);
  }
  std::string operator()(const update_issue_action& a) const {
    auto s = fmt::format("update {}#{}", a.repo, a.number);
    if (a.title) s += " title=" + quoted(*a.title);
    if (a.body) s += fmt::format(" body={} chars", count_code_points(*a.body));
    if (a.labels) s += fmt::format(" labels=[{}]", fmt::join(*a.labels, ","));
    if (a.assignees) s += fmt::format(" assignees=[{}]", fmt::join(*a.assignees, ","));
    if (a.state) {
      s += a.state->state == github::issue_state::closed ? " close:" : " reopen:";
      s += a.state->state_reason;
    }
    return s;
  }
  std::string operator()(const write_back_action& a) const {
    std::string s = "write back to Notion:";
    if (a.use_created_issue) s += " number+url of the created issue";
    if (a.issue_number) s += fmt::format(" number={}", *a.issue_number);
    if (a.issue_url) s += " url=" + *a.issue_url;
    if (a.status) s += fmt::format(" status={}", to_string(*a.status));
    if (a.last_sync_at) s += " last_sync_at=" + *a.last_sync_at;
    if (a.error_text) s += " error=" + quoted(*a.error_text);
    return s;
  }
  std::string operator()(const mark_error_action& a) const { return "error: " + a.message; }
};

}  // namespace

const char* to_string(sync_status_value v) noexcept {
  switch (v) {
    case sync_status_value::pending:
      return "Pending";
    case sync_status_value::success:
      return "Success";
    case sync_status_value::error:
      return "Error";
  }
  return "?";
}

std::optional<sync_status_value> sync_status_value_from(std::string_view text) noexcept {
  for (auto v :
       {sync_status_value::pending, sync_status_value::success, sync_status_value::error}) {
    if (text == to_string(v)) return v;
  }
  return std::nullopt;
}

std::string describe(const sync_action& action) {
  return std::visit(describer{}, action);
}

std::string describe(const sync_plan& plan) {
  std::string out = "run " + plan.sync_run_id + "\n";
  if (plan.actions.empty()) out += "  nothing to do\n";
  for (const auto& a : plan.actions) out += "  " + describe(a) + "\n";
  for (const auto& w : plan.warnings) out += "  warning: " + w + "\n";
  return out;
}

json::object notion_write_back_properties(const write_back_action& a,
                                          const write_back_properties& names,
                                          std::optional<std::int64_t> created_number,
                                          std::optional<std::string> created_url) {
  json::object props;
  auto number = a.use_created_issue ? created_number : a.issue_number;
  auto url = a.use_created_issue ? created_url : a.issue_url;
  if (names.issue_number && number) props[*names.issue_number] = {{"number", *number}};
  if (names.issue_url && url) props[*names.issue_url] = {{"url", *url}};
  if (names.sync_status && a.status) {
    const char* key =
        names.sync_status_type == sync_status_property_type::status ? "status" : "select";
    props[*names.sync_status] = {{key, {{"name", to_string(*a.status)}}}};
  }
  if (names.last_sync_at && a.last_sync_at) {
    props[*names.last_sync_at] = {{"date", {{"start", *a.last_sync_at}}}};
  }
  if (names.sync_error && a.error_text) {
    json::array runs;
    if (!a.error_text->empty()) {
      runs.push_back({{"type", "text"},
                      {"text", {{"content", cut_to_code_points(*a.error_text, notion_text_cap)}}}});
    }
    props[*names.sync_error] = {{"rich_text", std::move(runs)}};
  }
  return props;
}

}  // namespace ngsync::sync

#include "core/sync/github_event_record.hpp"

#include "core/sync/drift.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/provenance.hpp"

namespace ngsync::sync {
namespace json = boost::json;

namespace {

json::object provenance_entry(json::value value, const std::string& now,
                              const std::string& action) {
  return json::object{{"value", std::move(value)}, {"at", now}, {"from", "github:" + action}};
}

}  // namespace

mirror_write mirror_write_of(const notion_mirror_plan& plan, const notion::notion_page& page,
                             const mapping_rules& rules, const std::string& now,
                             const std::string& action) {
  mirror_write w;
  if (plan.set_status && rules.status_property) {
    const auto* p = page.find(*rules.status_property);
    const std::string type = p && p->type_name == "select" ? "select" : "status";
    w.properties[*rules.status_property] =
        json::object{{type, json::object{{"name", *plan.set_status}}}};
    w.written_to_notion["status"] = provenance_entry(json::value(*plan.set_status), now, action);
  }
  if (plan.set_title) {
    w.properties[rules.title_property] = json::object{
        {"title", json::array{json::object{{"type", "text"},
                                           {"text", json::object{{"content", *plan.set_title}}}}}}};
    w.written_to_notion["title"] = provenance_entry(json::value(*plan.set_title), now, action);
  }
  if (plan.set_labels && rules.labels_property) {
    json::array options;
    for (const auto& name : *plan.set_labels) options.push_back(json::object{{"name", name}});
    w.properties[*rules.labels_property] = json::object{{"multi_select", options}};
    w.written_to_notion["labels"] =
        provenance_entry(json::value_from(*plan.set_labels), now, action);
  }
  if (plan.set_assignees && rules.assignees_property) {
    json::array people;
    for (const auto& id : *plan.set_assignees) {
      people.push_back(json::object{{"object", "user"}, {"id", id}});
    }
    w.properties[*rules.assignees_property] = json::object{{"people", people}};
    w.written_to_notion["assignees"] =
        provenance_entry(json::value_from(*plan.set_assignees), now, action);
  }
  return w;
}

json::object github_record_of(const notion_mirror_plan& plan) {
  json::object to_github;
  if (plan.new_last_written_state) {
    to_github["state"] = to_string(*plan.new_last_written_state);
  }
  if (plan.new_last_written_title) to_github["title"] = *plan.new_last_written_title;
  if (plan.new_last_written_labels) {
    to_github["labels"] = json::value_from(*plan.new_last_written_labels);
    to_github["labels_applied"] = nullptr;
  }
  if (plan.new_last_written_assignees) {
    to_github["assignees"] = json::value_from(*plan.new_last_written_assignees);
    to_github["assignees_applied"] = nullptr;
  }
  return to_github;
}

json::array conflict_entries(const notion_mirror_plan& plan, const std::string& now,
                             const std::string& issue_ref) {
  json::array out;
  for (const auto& cf : plan.conflicts) {
    out.push_back(json::object{{"at", now},
                               {"field", cf.field},
                               {"winner", cf.winner},
                               {"rule", cf.rule},
                               {"notion", cf.notion_value},
                               {"github", cf.github_value},
                               {"issue", issue_ref}});
  }
  return out;
}

json::object trashed_issue_record(const github::github_issue& issue) {
  json::object seen{{"title", issue.title},
                    {"labels", json::value_from(issue.labels)},
                    {"assignees", json::value_from(issue.assignees)}};
  if (auto rev = parse_markers(issue.body).revision) seen["body_revision"] = *rev;
  if (issue.state != github::issue_state::open) seen["state"] = to_string(state_on_github(issue));
  return seen;
}

trash_hold hold_of_trashed(const github::github_issue& issue, bool trash_reopened,
                           const std::string& issue_ref) {
  trash_hold h;
  h.open = issue.state == github::issue_state::open;
  h.flip = h.open != trash_reopened;
  h.message = "page in the trash, issue open: " + issue_ref +
              " was reopened on GitHub after its page went to the Notion trash; "
              "restore the page or close the issue";
  return h;
}

restore_need restore_after_mirror(const notion_mirror_plan& plan, const github::github_issue& issue,
                                  const boost::json::object& written_to_github,
                                  const mapping_rules& rules) {
  restore_need need;
  need.fields =
      notion_fields_to_restore(drift_of(issue, last_written_from(written_to_github)), rules);
  if (plan.new_last_written_title) std::erase(need.fields, std::string("title"));
  for (const auto& cf : plan.conflicts) need.notion_won = need.notion_won || cf.winner == "notion";
  return need;
}

}  // namespace ngsync::sync

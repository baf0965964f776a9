#pragma once
// The pure heart of the sync: from a Notion page, what the link table knows and (when needed) the
// current GitHub issue, decide which actions bring GitHub and the page's write-back properties to
// the desired state. No I/O: every input is a value, so every rule is unit-tested.
//
// Two phases, so an unchanged page costs no GitHub call:
//   if (needs_issue(page, content, link, rules)) issue = GET the linked issue;
//   auto plan = plan_page(page, content, link, issue, rules, now);
#include <optional>
#include <string>
#include <string_view>

#include "core/github/issue_model.hpp"
#include "core/notion/page_model.hpp"
#include "core/sync/link_state.hpp"
#include "core/sync/mapping_rules.hpp"
#include "core/sync/sync_action.hpp"

namespace ngsync::sync {

// How the page's status (or trash state) reads under the rules.
enum class status_class {
  before_create,  // not a create/close status and no issue yet: stays off GitHub
  create,         // a create status
  active,         // any other status: keep the issue open
  closing,        // a close status (see reason)
  trashed,        // the page is in the trash
};

struct page_status {
  status_class cls = status_class::before_create;
  close_reason reason = close_reason::completed;  // for closing (trashed: not_planned)
  std::string name;                               // the status text as read
};

// Reads the status property. `has_issue` decides between before_create and active.
page_status classify_status(const notion::notion_page& page, const mapping_rules& rules,
                            bool has_issue);

// True when a page the link table does not know needs a sync job at all. A poll sees the newest
// pages again on every pass (its watermark rests a minute behind the newest edit), so a page
// whose sync would do nothing must not be enqueued: it would cost a content read on every poll
// for as long as it stays the newest. Needed when the page asks for an issue (a create status,
// or a close status when create_when_first_seen_closed), or carries an issue number or URL in
// its write-back properties (a link to restore, e.g. after the database was lost).
bool wants_sync_without_link(const notion::notion_page& page, const mapping_rules& rules);

// True when plan_page needs the current GitHub issue: the page is linked to an issue and its
// synced fields changed (to merge the body around people's text and to compare with what GitHub
// has now). False for unchanged pages: those cost 0 GitHub calls.
// `content_markdown` is the rendered page content (ignored when rules.sync_body is false).
bool needs_issue(const notion::notion_page& page, std::string_view content_markdown,
                 const std::optional<link_state>& link, const mapping_rules& rules);

// The plan for one page. `issue` is the current issue when needs_issue() said so (else it may be
// absent; the plan then asks to fetch it). `now` is an ISO 8601 UTC time for "last sync at".
sync_plan plan_page(const notion::notion_page& page, std::string_view content_markdown,
                    const std::optional<link_state>& link,
                    const std::optional<github::github_issue>& issue, const mapping_rules& rules,
                    std::string_view now);

}  // namespace ngsync::sync

#pragma once
// Rules of one page's sync that the planner does not own, because they judge what the engine read
// or was answered along the way: whether a poll's snapshot predates the GitHub event mirror's own
// write, whether the content was skipped, whether the page already shows a message, and what
// GitHub dropped. Pure; the engine (daemon/engine/page_sync*.cpp) carries out what they say.
#include <chrono>
#include <optional>
#include <string>

#include <boost/json.hpp>

#include "core/notion/page_model.hpp"
#include "core/sync/link_state.hpp"
#include "core/sync/mapping_rules.hpp"
#include "core/sync/sync_action.hpp"

namespace ngsync::sync {

// True when the GitHub event mirror wrote a field into the page (the link's written_to_notion
// provenance) at or after `last_edited`, compared to the minute: Notion rounds
// last_edited_time down to it. A poll snapshot that old must be read again before planning.
bool mirrored_since(const boost::json::object& written_to_notion, const std::string& last_edited);

// True when a poll's snapshot of a linked page must be read again before planning: it is older
// than the page read behind the link's last sync (the queue held this job while a later one
// synced the page, say closed the issue for the trash), or the GitHub event mirror wrote into the
// page since. Planning from it would push values that were true before.
bool snapshot_outdated(std::optional<std::chrono::system_clock::time_point> seen_at,
                       std::optional<std::chrono::system_clock::time_point> last_synced_at,
                       const boost::json::object& written_to_notion,
                       const std::string& last_edited);

// True when no content is read for this page: it has no link and is before its create status,
// so nothing of it reaches GitHub. A page re-linked afterwards needs the content read.
bool content_skipped_unlinked(const notion::notion_page& page, const mapping_rules& rules);

// True when the page's content is read for its sync: the mapping syncs bodies, the page is not
// in the trash, and it is linked or past the content skip above.
bool content_needed(const notion::notion_page& page, bool linked, const mapping_rules& rules);

// True when the page already shows everything `shown` would write, so the write is skipped:
// writing it again would only bump last_edited_time and make the next poll sync the page again.
bool page_already_shows(const notion::notion_page& page, const write_back_properties& wb,
                        const write_back_action& shown);

// What GitHub dropped of this round's write (or of the last write, when this round wrote none),
// said on the page in place of Success while GitHub holds fewer names than the page asks for.
std::optional<std::string> dropped_names_notice(const sync_plan& plan,
                                                const std::optional<link_state>& state,
                                                const github_applied_names& applied);

}  // namespace ngsync::sync

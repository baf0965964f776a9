#pragma once
// The parts of a Notion webhook the sync reads: the one-time verification request, and events
// (`page.*`) with the page, its parent data source and who made the change.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/api/parse_error.hpp"

namespace ngsync::webhooks {

struct notion_event_author {
  std::string id;
  std::string type;  // person | bot | agent
};

struct notion_event {
  std::string id;           // the event id (stable across Notion's delivery attempts)
  std::string type;         // page.properties_updated, page.created, ...
  std::string entity_id;    // the page id
  std::string entity_type;  // page | database | data_source | comment
  std::string parent_id;    // data.parent.id
  std::string parent_type;  // data.parent.type: data_source | database | page | space
  std::vector<notion_event_author> authors;
};

// The body of Notion's verification POST ({"verification_token": "..."}), or nothing when the
// body is anything else.
std::optional<std::string> verification_token_of(std::string_view body);

api::parse_result<notion_event> parse_notion_event(std::string_view body);

// A page event the sync turns into a page hint.
bool is_page_event(const notion_event& e);

// True when every author is the daemon's own bot: the event echoes the daemon's write-back.
bool authored_only_by(const notion_event& e, std::string_view bot_id);

}  // namespace ngsync::webhooks

#pragma once
// What follows a linked issue besides its own fields (issue #8), applied after the issue exists:
// its item on a GitHub Project board with the configured fields, its milestone, the status
// snapshot comment (edited in place) and the mirrored Notion comments (each once, by marker).
// Values the page gets wrong (unknown option, missing milestone) come back as a page error;
// API failures throw api::api_exception like the rest of the page sync.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/config/config.hpp"
#include "core/github/graphql_client.hpp"
#include "core/github/project_board.hpp"
#include "core/notion/page_model.hpp"
#include "storage/database.hpp"

namespace ngsync::engine {

struct linked_issue {
  std::string repo;
  std::int64_t number = 0;
  bool closed = false;
};

struct issue_extras_counters {
  std::uint64_t project_items_added = 0;
  std::uint64_t project_items_removed = 0;
  std::uint64_t project_fields_set = 0;
  std::uint64_t project_refreshes = 0;
  std::uint64_t milestones_set = 0;
  std::uint64_t snapshots_written = 0;
  std::uint64_t comments_mirrored = 0;
};

// The marker of a mirrored Notion comment, and the snapshot comment's marker.
std::string notion_comment_marker(const std::string& notion_comment_id);
inline constexpr const char* snapshot_marker = "<!-- ngsync:status-snapshot -->";

// The snapshot comment's JSON: the page id and the text of every property the sync reads.
boost::json::object status_snapshot(const notion::notion_page& page, const config::mapping& m);

class issue_extras_syncer {
 public:
  issue_extras_syncer(storage::database& db, ratelimit::api_caller& notion,
                      ratelimit::api_caller& github, std::int64_t graphql_reserve = 100);

  // True when the mapping asks for anything this syncer does.
  static bool wanted(const config::mapping& m);

  // Returns a page error (shown on the page) or nullopt when everything is in place.
  boost::asio::awaitable<std::optional<std::string>> sync(config::mapping m,
                                                          notion::notion_page page,
                                                          linked_issue issue, std::string run);

  const issue_extras_counters& counters() const { return counters_; }
  github::graphql_points_budget& graphql_budget() { return graphql_budget_; }
  // Comments are recognised as the daemon's by their marker only when it wrote them.
  void set_own_github_login(std::string login) { own_github_login_ = std::move(login); }

 private:
  std::string own_github_login_;
  boost::asio::awaitable<std::optional<std::string>> sync_project(config::mapping m,
                                                                  notion::notion_page page,
                                                                  linked_issue issue,
                                                                  std::string run);
  boost::asio::awaitable<std::optional<std::string>> sync_milestone(config::mapping m,
                                                                    notion::notion_page page,
                                                                    linked_issue issue,
                                                                    std::string run);
  boost::asio::awaitable<void> sync_snapshot(config::mapping m, notion::notion_page page,
                                             linked_issue issue, std::string run);
  boost::asio::awaitable<void> mirror_comments(notion::notion_page page, linked_issue issue,
                                               std::string run);
  // One sync_project's board, read again at most once when an id turned out stale.
  struct project_pass {
    github::graphql_client& gql;
    github::project_board board;
    const config::project_settings& settings;
    std::string run;
    std::string page_id;
    bool refreshed = false;
  };
  // A closed issue leaves the board (remove_when_closed); the item is forgotten.
  boost::asio::awaitable<void> remove_project_item(github::graphql_client& gql,
                                                   std::string board_id, std::string item_id,
                                                   std::string page_id);
  // Sets (or clears, for no value) one field of the page's project item; an error for the page
  // when the board has no such field or option.
  boost::asio::awaitable<std::optional<std::string>> set_project_field(
      project_pass& pass, const std::string& item_id, const std::string& field_name,
      const std::optional<std::string>& value);
  // The board, read once and cached; `refresh` reads it again (a stale id was reported).
  boost::asio::awaitable<github::project_board> board(config::project_settings s, std::string run,
                                                      bool refresh);

  storage::database& db_;
  ratelimit::api_caller& notion_caller_;
  ratelimit::api_caller& github_caller_;
  github::graphql_points_budget graphql_budget_;
  std::map<std::string, github::project_board> boards_;  // by "owner/number"
  issue_extras_counters counters_;
};

}  // namespace ngsync::engine

#pragma once
// What follows a linked issue besides its own fields (issue #8), applied after the issue exists:
// its item on a GitHub Project board with the configured fields, its milestone, the status
// snapshot comment (edited in place) and the mirrored Notion comments (each once, by marker).
// The rules are core/sync/issue_extras_rules; this carries them out through the engine's ports.
// Values the page gets wrong (unknown option, missing milestone) come back as a page error;
// API failures throw api::api_exception like the rest of the page sync.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/config/config.hpp"
#include "core/github/project_port.hpp"
#include "core/notion/page_model.hpp"
#include "core/sync/issue_extras_rules.hpp"
#include "daemon/engine/engine_ports.hpp"
#include "storage/extras_port.hpp"

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

class issue_extras_syncer {
 public:
  issue_extras_syncer(storage::database& db, engine_ports& ports) : extras_(db), ports_(ports) {}

  // True when the mapping asks for anything this syncer does.
  static bool wanted(const config::mapping& m) { return sync::extras_wanted(m); }

  // Returns a page error (shown on the page) or nullopt when everything is in place.
  boost::asio::awaitable<std::optional<std::string>> sync(config::mapping m,
                                                          notion::notion_page page,
                                                          linked_issue issue, std::string run);

  const issue_extras_counters& counters() const { return counters_; }
  // Comments are recognised as the daemon's by their marker only when it wrote them.
  void set_own_github_login(std::string login) { own_github_login_ = std::move(login); }

 private:
  // One sync_project's board, read again at most once when an id turned out stale.
  struct project_pass {
    github::project_port& projects;
    github::project_board board;
    const config::project_settings& settings;
    std::string run;
    std::string page_id;
    bool refreshed = false;
  };
  boost::asio::awaitable<std::optional<std::string>> sync_project(config::mapping m,
                                                                  notion::notion_page page,
                                                                  linked_issue issue,
                                                                  std::string run);
  // Sets (or clears, for no value) one field of the page's project item; an error for the page
  // when the board has no such field or option.
  boost::asio::awaitable<std::optional<std::string>> set_project_field(
      project_pass& pass, const std::string& item_id, const std::string& field_name,
      const std::optional<std::string>& value);
  // The board, read once and cached; `refresh` reads it again (a stale id was reported).
  boost::asio::awaitable<github::project_board> board(github::project_port& projects,
                                                      config::project_settings s, bool refresh);
  boost::asio::awaitable<std::optional<std::string>> sync_milestone(config::mapping m,
                                                                    notion::notion_page page,
                                                                    linked_issue issue,
                                                                    std::string run);
  boost::asio::awaitable<void> sync_snapshot(config::mapping m, notion::notion_page page,
                                             linked_issue issue, std::string run);
  boost::asio::awaitable<void> mirror_comments(notion::notion_page page, linked_issue issue,
                                               std::string run);

  storage::extras_port extras_;
  engine_ports& ports_;
  std::string own_github_login_;
  std::map<std::string, github::project_board> boards_;  // by "org:owner/number" (or "user:")
  issue_extras_counters counters_;
};

}  // namespace ngsync::engine

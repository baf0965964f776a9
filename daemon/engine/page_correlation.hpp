#pragma once
// Carries out the correlation rules of core/sync/correlation.hpp for one page the link table
// does not know: read the issue the page names (one GitHub read), let the rules judge it, and
// record the link when it is the daemon's own. The refusal, when there is one, is returned for
// the page's error property; nothing is created either way.
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/github/github_client.hpp"
#include "core/notion/page_model.hpp"
#include "daemon/engine/mapping_binding.hpp"
#include "storage/database.hpp"
#include "storage/link_store.hpp"

namespace ngsync::engine {

struct correlation_outcome {
  bool claimed = false;                     // the page names an issue
  std::optional<storage::page_link> link;   // adopted: the link now recorded
  std::optional<github::github_issue> issue;  // the issue as read (when adopted)
  std::optional<std::string> refusal;       // not adopted: why, in the page's words
};

boost::asio::awaitable<correlation_outcome> correlate_page(storage::database& db,
                                                           github::github_client& github,
                                                           const notion::notion_page& page,
                                                           const mapping_binding& mapping,
                                                           std::string data_source_id,
                                                           std::string own_login);

}  // namespace ngsync::engine

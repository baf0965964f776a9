#pragma once
// Carries out the correlation rules of core/sync/correlation.hpp for one page the link table
// does not know: read the issue the page names (one GitHub read), let the rules judge it, and
// record the link when it is the daemon's own. The refusal, when there is one, is returned for
// the page's error property; nothing is created either way.
#include <optional>
#include <string>

#include <boost/asio/awaitable.hpp>

#include "core/github/github_port.hpp"
#include "core/notion/page_model.hpp"
#include "core/sync/mapping_binding.hpp"
#include "storage/link_port.hpp"

namespace ngsync::engine {

struct correlation_outcome {
  bool claimed = false;                       // the page names an issue
  std::optional<storage::page_link> link;     // adopted: the link now recorded
  std::optional<github::github_issue> issue;  // the issue as read (when adopted)
  std::optional<std::string> refusal;         // not adopted: why, in the page's words
};

// A refused claim leaves an error row for the page (so status and the poller see it); an
// adopted one the link. Both only when the page had no row yet.
boost::asio::awaitable<correlation_outcome> correlate_page(
    storage::link_port& links, github::github_port& github, const notion::notion_page& page,
    const sync::mapping_binding& mapping, std::string data_source_id, std::string own_login);

}  // namespace ngsync::engine

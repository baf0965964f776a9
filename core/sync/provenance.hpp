#pragma once
// The record of what the daemon last wrote to GitHub, as the link row keeps it
// (page_links.written_to_github, a JSON object merged key by key). Read and written here only,
// so the page sync, the GitHub event mirror and reconcile read one record the same way.
#include <optional>

#include <boost/json/object.hpp>

#include "core/sync/link_state.hpp"

namespace ngsync::sync {

// {"title", "body_revision", "labels", "assignees", "labels_applied", "assignees_applied",
// "state", "written_at"}; an "applied" list is null when GitHub applied all that was sent.
boost::json::object provenance_json(const last_written_values& written);

// The record in `stored`; nullopt when it holds none (no "title": nothing written yet). Keys
// missing from a partial record read as empty, and a missing or unknown state as open.
std::optional<last_written_values> last_written_from(const boost::json::object& stored);

}  // namespace ngsync::sync

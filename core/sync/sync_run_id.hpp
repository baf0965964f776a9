#pragma once
// The id that ties one sync of a page to its audit-log rows: deterministic from the page id and
// its last_edited_time minute, so every retry of the same edit carries the same id.
#include <string>
#include <string_view>

namespace ngsync::sync {

// "<32 hex page id>-<yyyymmddThhmm>", e.g. "dcdc805c85fa4155a55c20fc28771af7-20220901T0435".
// A last_edited_time that is not ISO 8601 is replaced by the first 12 hex digits of its SHA-256,
// and a page id that is not 32 hex digits by the first 32 of its own: still deterministic.
std::string make_sync_run_id(std::string_view page_id, std::string_view last_edited_time);

}  // namespace ngsync::sync

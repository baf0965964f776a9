#pragma once
// Notion ids (pages, data sources, databases, users) come with and without dashes, in either
// case, depending on where they were read: the API, a URL, a webhook, the config. Every
// comparison goes through this one form.
#include <string>
#include <string_view>

namespace ngsync::notion {

// The 32 lowercase hex digits of an id, dashes dropped; empty when `id` is not a Notion id.
std::string compact_id(std::string_view id);

// The API's dashed form (8-4-4-4-12, lowercase) of an id; empty when `id` is not a Notion id.
std::string dashed_id(std::string_view id);

// True when both are the same Notion id (never for two texts that are not ids).
bool same_id(std::string_view a, std::string_view b);

}  // namespace ngsync::notion

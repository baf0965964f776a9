#pragma once
// Data source queries: the filter and sort rules of POST /v1/data_sources/{id}/query.
#include <functional>
#include <vector>

#include "tests/sandbox/src/notion/notion_model.hpp"

namespace ngsync::sandbox::notion {

// Whether `page` passes `filter` (a timestamp, property or and/or compound filter). Throws
// validation_error for unknown properties, conditions or malformed filters, as Notion does.
bool page_matches(const json::value& filter, const notion_page& page, const notion_data_source& ds);

// Sorts `pages` by `sorts` ([{timestamp|property, direction}]); ties keep creation order.
void sort_pages(std::vector<const notion_page*>& pages, const json::value& sorts,
                const notion_data_source& ds);

// Finds a schema property by name or id (raw or percent-decoded); null when absent.
const json::object* find_property(const notion_data_source& ds, const std::string& key,
                                  std::string* name_out = nullptr);

std::string percent_decode(const std::string& text);

}  // namespace ngsync::sandbox::notion

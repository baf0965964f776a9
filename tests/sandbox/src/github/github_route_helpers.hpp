#pragma once
// Request helpers shared by the GitHub emulator's REST route files: integer query parameters,
// JSON bodies, and the Link header of paged lists.
#include <optional>
#include <string>

#include "tests/sandbox/src/github/github_emulator_impl.hpp"

namespace ngsync::sandbox::github {

// A query parameter as an integer clamped to [lo, hi]; `fallback` when absent or not a number.
int int_param(const api_call& call, const std::string& key, int fallback, int lo, int hi);

// Parses a JSON object body; nullopt (with `error` set) when GitHub would answer 400.
std::optional<json::object> json_body(const api_call& call, api_response& error);

// RFC 5988 links to the other pages of a list, keeping the request's query parameters.
void set_link_header(api_response& res, const api_call& call, const std::string& path, int page,
                     int last_page);

}  // namespace ngsync::sandbox::github

#pragma once
// Request helpers shared by the GitHub emulator's REST route files: integer query parameters,
// JSON bodies, the Link header of paged lists, GitHub's text limits and its 422 for a bad value.
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "tests/sandbox/src/github/github_emulator_impl.hpp"

namespace ngsync::sandbox::github {

// The documentation GitHub's error answers link to.
inline constexpr const char* docs_issues = "https://docs.github.com/rest/issues/issues";
inline constexpr const char* docs_pulls = "https://docs.github.com/rest/pulls/pulls";

// GitHub's limits on an issue's or pull request's title and body, in characters.
inline constexpr std::size_t max_title_chars = 256;
inline constexpr std::size_t max_body_chars = 65536;

// GitHub measures lengths in characters, not bytes.
std::size_t char_count(const std::string& s);

// A JSON array of strings, or of objects whose `key` is a string (labels by name, assignees by
// login); nullopt when `v` is not an array.
std::optional<std::vector<std::string>> string_list(const json::value* v, const char* key = "name");

// 422 "Invalid request ... is not a valid value" for one field, linking to `docs`.
api_response invalid_field(const std::string& field, const std::string& value,
                           const std::string& docs);

// A query parameter as an integer clamped to [lo, hi]; `fallback` when absent or not a number.
int int_param(const api_call& call, const std::string& key, int fallback, int lo, int hi);

// Parses a JSON object body; nullopt (with `error` set) when GitHub would answer 400.
std::optional<json::object> json_body(const api_call& call, api_response& error);

// RFC 5988 links to the other pages of a list, keeping the request's query parameters.
void set_link_header(api_response& res, const api_call& call, const std::string& path, int page,
                     int last_page);

}  // namespace ngsync::sandbox::github

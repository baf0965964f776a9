#pragma once
// Parsers for the scalar value formats the configuration uses: durations ("30s", "1h30m",
// "250ms"), byte sizes ("1MiB", "512KiB", "4096"), GitHub repository names ("org/repo") and
// Notion ids (bare, dashed, or at the end of a Notion URL).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ngsync::config {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);
std::optional<std::uint64_t> parse_byte_size(std::string_view text);

// Validates `owner/name` as GitHub allows and returns it lower-cased and trimmed.
std::optional<std::string> normalize_repository(std::string_view text);

// Accepts a 32-hex-digit id with or without dashes, or a Notion URL ending in one; returns the
// dashed lower-case UUID form the API answers with.
std::optional<std::string> normalize_notion_id(std::string_view text);

}  // namespace ngsync::config

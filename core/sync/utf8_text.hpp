#pragma once
// Character counting and cutting in GitHub's units. GitHub's limits (title 256, body 65,536
// "characters") are counted in Unicode code points, so every cut here is on a code point boundary.
#include <cstddef>
#include <string>
#include <string_view>

namespace ngsync::sync {

// Code points in `text`. Invalid UTF-8 bytes count one each (each becomes one U+FFFD on GitHub's
// side at worst), so the count never undercounts what GitHub sees.
std::size_t count_code_points(std::string_view text) noexcept;

// Byte length of the longest prefix of `text` holding at most `max_code_points` code points.
// Never ends inside a multi-byte sequence.
std::size_t prefix_bytes_for(std::string_view text, std::size_t max_code_points) noexcept;

// `text` cut to at most `max_code_points` code points (a whole-code-point prefix).
std::string_view cut_to_code_points(std::string_view text, std::size_t max_code_points) noexcept;

// Leading and trailing ASCII whitespace removed (Notion titles often end in a stray space).
std::string_view trim_ascii(std::string_view text) noexcept;

}  // namespace ngsync::sync

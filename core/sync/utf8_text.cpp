#include "core/sync/utf8_text.hpp"

namespace ngsync::sync {
namespace {

// Length of the well-formed UTF-8 sequence starting at text[i], or 1 for an invalid byte (which
// then counts as one code point on its own).
std::size_t sequence_length(std::string_view text, std::size_t i) noexcept {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t len = 0;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0 && lead >= 0xC2)
    len = 2;
  else if ((lead & 0xF0) == 0xE0)
    len = 3;
  else if ((lead & 0xF8) == 0xF0 && lead <= 0xF4)
    len = 4;
  else
    return 1;
  if (i + len > text.size()) return 1;
  for (std::size_t k = 1; k < len; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 1;
  }
  return len;
}

}  // namespace

std::size_t count_code_points(std::string_view text) noexcept {
  std::size_t n = 0;
  for (std::size_t i = 0; i < text.size(); i += sequence_length(text, i)) ++n;
  return n;
}

std::size_t prefix_bytes_for(std::string_view text, std::size_t max_code_points) noexcept {
  std::size_t i = 0;
  for (std::size_t n = 0; i < text.size() && n < max_code_points; ++n) {
    i += sequence_length(text, i);
  }
  return i;
}

std::string_view cut_to_code_points(std::string_view text, std::size_t max_code_points) noexcept {
  return text.substr(0, prefix_bytes_for(text, max_code_points));
}

std::string_view trim_ascii(std::string_view text) noexcept {
  constexpr std::string_view ws = " \t\r\n\f\v";
  const auto first = text.find_first_not_of(ws);
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(ws);
  return text.substr(first, last - first + 1);
}

}  // namespace ngsync::sync

#include "core/http/message.hpp"

#include <charconv>

namespace ngsync::http {

bool is_idempotent_verb(verb v) noexcept {
  switch (v) {
    case verb::get:
    case verb::head:
    case verb::put:
    case verb::delete_:
    case verb::options:
    case verb::trace:
      return true;
    default:
      return false;
  }
}

std::string response::header(std::string_view name) const {
  auto it = headers.find(boost::beast::string_view(name.data(), name.size()));
  return it == headers.end() ? std::string() : std::string(it->value());
}

std::optional<std::int64_t> response::header_int(std::string_view name) const {
  const auto v = header(name);
  std::int64_t n = 0;
  const char* const end = v.data() + v.size();  // NOLINT(*-pointer-arithmetic): from_chars' range
  auto [p, ec] = std::from_chars(v.data(), end, n);
  if (v.empty() || ec != std::errc() || p != end) return std::nullopt;
  return n;
}

}  // namespace ngsync::http

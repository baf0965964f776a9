#include "core/sync/synced_fields.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <memory>
#include <stdexcept>

#include "core/hash/sha256.hpp"
#include "core/sync/utf8_text.hpp"
#include "core/text/ascii.hpp"

namespace ngsync::sync {
namespace {

// Length-prefixed so no two different field sets serialize alike ("a","bc" vs "ab","c").
void put(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append("=").append(std::to_string(value.size())).append(":").append(value);
  out.push_back('\n');
}

// Names are hashed case-folded: GitHub treats labels and logins case-insensitively, so a change
// of case alone must not cost a GitHub call.
void put_list(std::string& out, std::string_view name, const std::vector<std::string>& values) {
  put(out, name, std::to_string(values.size()));
  for (const auto& v : values) put(out, "-", text::ascii_lower(v));
}

}  // namespace

std::string content_revision(std::string_view content_markdown) {
  return hash::sha256_hex(content_markdown).substr(0, 16);
}

std::vector<std::string> canonical_name_set(std::vector<std::string> names) {
  std::vector<std::string> out;
  for (auto& n : names) {
    auto t = std::string(trim_ascii(n));
    if (t.empty()) continue;
    const auto key = text::ascii_lower(t);
    if (std::none_of(out.begin(), out.end(),
                     [&](const std::string& o) { return text::ascii_lower(o) == key; })) {
      out.push_back(std::move(t));
    }
  }
  std::sort(out.begin(), out.end(), [](const std::string& a, const std::string& b) {
    const auto la = text::ascii_lower(a), lb = text::ascii_lower(b);
    return la != lb ? la < lb : a < b;
  });
  return out;
}

bool same_name_set(std::vector<std::string> a, std::vector<std::string> b) {
  auto ca = canonical_name_set(std::move(a));
  auto cb = canonical_name_set(std::move(b));
  if (ca.size() != cb.size()) return false;
  for (std::size_t i = 0; i < ca.size(); ++i) {
    if (text::ascii_lower(ca[i]) != text::ascii_lower(cb[i])) return false;
  }
  return true;
}

std::string hash_synced_fields(const synced_fields& f) {
  std::string canon = "ngsync-synced-fields-v1\n";
  put(canon, "repo", f.repo);
  put(canon, "kind", to_string(f.kind));
  put(canon, "title", f.title);
  put(canon, "page_id", f.page_id);
  put(canon, "page_url", f.page_url);
  put(canon, "sync_body", f.sync_body ? "1" : "0");
  put(canon, "body", f.sync_body ? std::string_view(f.body_markdown) : std::string_view());
  put_list(canon, "labels", canonical_name_set(f.labels));
  put_list(canon, "assignees", canonical_name_set(f.assignees));
  put(canon, "state", to_string(f.state));
  return hash::sha256_hex(canon);
}

const char* to_string(desired_state s) noexcept {
  switch (s) {
    case desired_state::open:
      return "open";
    case desired_state::closed_completed:
      return "closed:completed";
    case desired_state::closed_not_planned:
      return "closed:not_planned";
  }
  return "?";
}

std::optional<desired_state> desired_state_from(std::string_view text) noexcept {
  for (auto s :
       {desired_state::open, desired_state::closed_completed, desired_state::closed_not_planned}) {
    if (text == to_string(s)) return s;
  }
  return std::nullopt;
}

const char* to_string(close_reason r) noexcept {
  return r == close_reason::completed ? "completed" : "not_planned";
}

}  // namespace ngsync::sync

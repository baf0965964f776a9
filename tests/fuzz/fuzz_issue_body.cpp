// Fuzzes the issue-body marker parser and the managed-section merge: parse_markers must accept
// any body, and a merged body must always carry our markers, read back exactly, within the
// length limit, and merge again to itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include <fuzzer/FuzzedDataProvider.h>

#include "core/sync/issue_body.hpp"
#include "core/sync/utf8_text.hpp"
#include "tests/fuzz/fuzz_support.hpp"
#include "core/notion/notion_id.hpp"

using namespace ngsync;

namespace {
// What make_parts writes for a marker value (the safe alphabet only).
std::string safe_marker(const std::string& v) {
  std::string out;
  for (unsigned char c : v) {
    if (std::isalnum(c) || c == '-' || c == ':' || c == '.' || c == '+' || c == '_') {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider in(data, size);
  const auto max_points = in.ConsumeIntegralInRange<std::size_t>(0, 4096);
  sync::managed_section section;
  section.page_id = in.ConsumeRandomLengthString(64);
  section.page_url = in.ConsumeRandomLengthString(64);
  section.revision = in.ConsumeRandomLengthString(64);
  section.include_content = in.ConsumeBool();
  section.content_markdown = in.ConsumeRandomLengthString(2048);
  const std::string existing = in.ConsumeRemainingBytesAsString();

  // The parser alone, on arbitrary text.
  (void)sync::parse_markers(existing);
  (void)sync::find_section(existing);
  (void)notion::compact_id(existing);

  const auto merged = sync::merge_body(existing, section, max_points);
  fuzz::require(sync::find_section(merged).has_value(), "merged body has a managed section");
  const auto markers = sync::parse_markers(merged);
  const auto id = safe_marker(section.page_id);
  const auto revision = safe_marker(section.revision);
  if (!id.empty() && id.size() <= 128) {
    fuzz::require(markers.page_id == id, "page id marker reads back");
  }
  if (!revision.empty() && revision.size() <= 128) {
    fuzz::require(markers.revision == revision, "revision marker reads back");
  }

  // Within the limit whenever our own section (without content) fits.
  auto bare = section;
  bare.include_content = false;
  const auto own = sync::count_code_points(sync::render_section(bare));
  if (own + 200 <= max_points) {
    fuzz::require(sync::count_code_points(merged) <= max_points, "merged body within the limit");
  }

  // Merging the same section again changes nothing (no churn on every sync), when the person's
  // text holds no marker of ours and nothing had to be cut.
  const bool plain = existing.find("<!-- ngsync:") == std::string::npos;
  const auto untruncated = sync::merge_body(existing, section, SIZE_MAX);
  if (plain && merged == untruncated) {
    fuzz::require(sync::merge_body(merged, section, max_points) == merged, "merge is idempotent");
  }
  return 0;
}

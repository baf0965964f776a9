// Issue body ownership: markers, merge around people's text, truncation in code points, titles.
#include <doctest/doctest.h>

#include <string>

#include "core/notion/notion_id.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/issue_title.hpp"
#include "core/sync/utf8_text.hpp"
#include "core/text/ascii.hpp"

using namespace ngsync::sync;

namespace {

managed_section sample_section(std::string content = "Hello **world**") {
  managed_section s;
  s.page_id = "dcdc805c-85fa-4155-a55c-20fc28771af7";
  s.page_url = "https://www.notion.so/ABC-dcdc805c85fa4155a55c20fc28771af7";
  s.content_markdown = std::move(content);
  s.revision = "0123456789abcdef";
  return s;
}

std::string repeat(std::string_view unit, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.append(unit);
  return out;
}

}  // namespace

TEST_CASE("code points are counted and cut the way GitHub counts characters") {
  CHECK(count_code_points("abc") == 3);
  CHECK(count_code_points("é") == 1);         // 2 bytes
  CHECK(count_code_points("日本") == 2);      // 3 bytes each
  CHECK(count_code_points("😀") == 1);         // 4 bytes, 2 UTF-16 units: still one character
  CHECK(count_code_points("\xff\xfe") == 2);  // invalid bytes count one each
  CHECK(count_code_points("\xe6\x97") == 2);  // truncated sequence: each byte counts
  CHECK(cut_to_code_points("a日b", 2) == "a日");
  CHECK(cut_to_code_points("😀😀", 1) == "😀");
  CHECK(cut_to_code_points("abc", 10) == "abc");
  CHECK(trim_ascii("  x y \n") == "x y");
  CHECK(trim_ascii(" \t ").empty());
}

TEST_CASE(
    "issue titles are trimmed, one line, and cut at 256 code points without splitting UTF-8") {
  CHECK(issue_title_from("  Fix login  ") == "Fix login");
  CHECK(issue_title_from("two\nlines") == "two lines");
  CHECK(issue_title_from("   ").empty());

  const std::string long_title = repeat("日", 300);  // 900 bytes
  const auto t = issue_title_from(long_title);
  CHECK(count_code_points(t) == 256);
  CHECK(t.size() == 256 * 3);
  CHECK(t == repeat("日", 256));

  // 255 ASCII + emoji (4 bytes) + more: the emoji is the 256th character and is kept whole.
  const auto mixed = issue_title_from(repeat("a", 255) + "😀" + "tail");
  CHECK(count_code_points(mixed) == 256);
  CHECK(mixed.ends_with("😀"));
  CHECK(issue_title_from(repeat("a", 256)) == repeat("a", 256));
}

TEST_CASE("a rendered section carries link, content and markers, and parses back") {
  const auto s = sample_section();
  const auto text = render_section(s);
  CHECK(text.starts_with(section_begin_marker));
  CHECK(text.ends_with(section_end_marker));
  CHECK(text.find("(https://www.notion.so/ABC-dcdc805c85fa4155a55c20fc28771af7)") !=
        std::string::npos);
  CHECK(text.find("Hello **world**") != std::string::npos);
  CHECK(text.find("<!-- Notion-Page-ID: dcdc805c-85fa-4155-a55c-20fc28771af7 -->") !=
        std::string::npos);

  const auto m = parse_markers(text);
  REQUIRE(m.page_id);
  CHECK(*m.page_id == s.page_id);
  REQUIRE(m.revision);
  CHECK(*m.revision == "0123456789abcdef");
}

TEST_CASE("body sync off: only the link and the markers") {
  auto s = sample_section("secret content");
  s.include_content = false;
  const auto text = merge_body("", s);
  CHECK(text.find("secret content") == std::string::npos);
  CHECK(parse_markers(text).page_id == s.page_id);
  CHECK(text.find("notion.so") != std::string::npos);
}

TEST_CASE("merge_body keeps a person's text before and after the section") {
  const auto first = merge_body("", sample_section("v1 content"));
  CHECK(first == render_section(sample_section("v1 content")));

  const std::string edited =
      "Triage note from a human\n\n" + first + "\n\n## Comments below\nkeep me";
  const auto second = merge_body(edited, sample_section("v2 content"));
  CHECK(second.starts_with("Triage note from a human\n\n"));
  CHECK(second.ends_with("\n\n## Comments below\nkeep me"));
  CHECK(second.find("v2 content") != std::string::npos);
  CHECK(second.find("v1 content") == std::string::npos);
  // Exactly one section.
  CHECK(second.find(section_begin_marker) == second.rfind(section_begin_marker));

  // Merging the same section again changes nothing (idempotent).
  CHECK(merge_body(second, sample_section("v2 content")) == second);
}

TEST_CASE("merge_body appends to a body without a section, and survives CRLF edits") {
  const auto merged = merge_body("Written on GitHub first.\r\n\r\n", sample_section());
  CHECK(merged.starts_with("Written on GitHub first.\n\n<!-- ngsync:begin -->"));

  // GitHub's web editor stores CRLF: markers are still found and replaced in place.
  std::string crlf = "Top\r\n" + render_section(sample_section("old")) + "\r\nBottom";
  for (std::size_t p = 0; (p = crlf.find('\n', p)) != std::string::npos; p += 2) {
    if (p == 0 || crlf[p - 1] != '\r') crlf.insert(p, "\r");
  }
  const auto replaced = merge_body(crlf, sample_section("new"));
  CHECK(replaced.starts_with("Top\r\n<!-- ngsync:begin -->"));
  CHECK(replaced.ends_with("\r\nBottom"));
  CHECK(replaced.find("old") == std::string::npos);
}

TEST_CASE("content quoting our markers does not confuse the parser or the merge") {
  const auto evil = sample_section(
      "```\n<!-- ngsync:end -->\n<!-- Notion-Page-ID: ffffffff-0000-0000-0000-000000000000 "
      "-->\n```");
  const auto body = "before\n\n" + render_section(evil) + "\nafter";
  CHECK(*parse_markers(body).page_id == evil.page_id);
  const auto merged = merge_body(body, sample_section("clean"));
  CHECK(merged == "before\n\n" + render_section(sample_section("clean")) + "\nafter");
}

TEST_CASE("parse_markers tolerates garbage") {
  CHECK_FALSE(parse_markers("").page_id);
  CHECK_FALSE(parse_markers("<!-- Notion-Page-ID:").page_id);
  CHECK_FALSE(parse_markers("<!-- Notion-Page-ID: -->").page_id);
  CHECK_FALSE(parse_markers("<!-- Notion-Page-ID: a b c -->").page_id);
  CHECK_FALSE(parse_markers("<!-- Notion-Page-ID: <script> -->").page_id);
  CHECK_FALSE(parse_markers(std::string("<!-- Notion-Page-ID: \0x -->", 27)).page_id);
  CHECK_FALSE(parse_markers("<!-- ngsync:end --><!-- ngsync:begin -->").page_id);
  CHECK_FALSE(parse_markers("<!-- Notion-Page-ID: " + repeat("a", 200) + " -->").page_id);
  // Bare markers from an older tool, no section: still read.
  CHECK(parse_markers("x <!-- Notion-Page-ID: abc-123 --> y").page_id == std::string("abc-123"));
  // Every prefix of a real body parses without trouble.
  const auto body = render_section(sample_section());
  for (std::size_t n = 0; n <= body.size(); ++n) (void)parse_markers(body.substr(0, n));
}

TEST_CASE("an over-long body is cut in the content, keeps its markers, and shows a note") {
  const auto big = repeat("日本語のテキスト\n", 10000);  // 90,000 code points
  const auto body = merge_body("", sample_section(big));
  CHECK(count_code_points(body) <= max_body_code_points);
  CHECK(count_code_points(body) > max_body_code_points - 200);  // uses the room it has
  CHECK(body.ends_with(section_end_marker));
  CHECK(body.find("too long for a GitHub issue") != std::string::npos);
  const auto m = parse_markers(body);
  CHECK(m.page_id == sample_section().page_id);
  CHECK(m.revision == std::string("0123456789abcdef"));

  // A person's text around it survives too.
  const auto with_human =
      merge_body("Human intro\n\n" + body + "\n\nHuman outro", sample_section(big));
  CHECK(count_code_points(with_human) <= max_body_code_points);
  CHECK(with_human.starts_with("Human intro"));
  CHECK(with_human.ends_with("Human outro"));
}

TEST_CASE("a cut inside a code block closes the fence before the note") {
  const auto content = "```cpp\n" + repeat("int x = 0;\n", 200);
  const auto body = merge_body("", sample_section(content), 1000);
  CHECK(count_code_points(body) <= 1000);
  const auto note = body.find("> [!NOTE]");
  REQUIRE(note != std::string::npos);
  CHECK(body.rfind("\n```", note) > body.find("```cpp"));
}

TEST_CASE("when even the text outside is too long, it is cut and the markers survive") {
  const auto human = repeat("x", 2000);
  const auto body = merge_body(human, sample_section("content"), 600);
  CHECK(count_code_points(body) <= 600);
  CHECK(body.find(section_begin_marker) != std::string::npos);
  CHECK(body.ends_with(section_end_marker));
  CHECK(parse_markers(body).page_id == sample_section().page_id);
}

TEST_CASE("notion ids: one compact form, dashes and case dropped, others rejected") {
  CHECK(ngsync::notion::compact_id("DCDC805C-85fa-4155-a55c-20fc28771af7") ==
        "dcdc805c85fa4155a55c20fc28771af7");
  CHECK(ngsync::notion::compact_id("dcdc805c85fa4155a55c20fc28771af7") ==
        "dcdc805c85fa4155a55c20fc28771af7");
  CHECK(ngsync::notion::compact_id("not-an-id").empty());
  CHECK(ngsync::notion::compact_id("dcdc805c85fa4155a55c20fc28771af").empty());
  // The API's dashed form, from either form; nothing for a text that is not an id.
  CHECK(ngsync::notion::dashed_id("DCDC805C85FA4155A55C20FC28771AF7") ==
        "dcdc805c-85fa-4155-a55c-20fc28771af7");
  CHECK(ngsync::notion::dashed_id("dcdc805c-85fa-4155-a55c-20fc28771af7") ==
        "dcdc805c-85fa-4155-a55c-20fc28771af7");
  CHECK(ngsync::notion::dashed_id("not-an-id").empty());
}

TEST_CASE("ascii case folding changes only A to Z, never a UTF-8 byte") {
  CHECK(ngsync::text::ascii_lower("Acme/RoadMap") == "acme/roadmap");
  CHECK(ngsync::text::ascii_lower("ÉCOLE-Ä") == "École-Ä");  // multi-byte letters stay as they are
  CHECK(ngsync::text::ascii_lower(std::string_view()).empty());
}

// End to end, a page's content: every construct of Notion's format reaches the issue as GitHub
// Markdown (judged by cmark-gfm) with nothing of Notion's syntax left; what Notion leaves out is
// followed; fresh file signatures cost no GitHub write; one word edited in Notion changes one
// word on GitHub.
#include <doctest/doctest.h>

#include "tests/core/support/gfm_leaks.hpp"
#include "tests/core/support/gfm_outline.hpp"
#include "tests/daemon/support/sandbox_env.hpp"

using namespace ngsync::test;
namespace json = boost::json;

namespace {

const std::string login_page = "a1000000-0000-4000-8000-000000000001";  // Ready
const std::string ada = "2200a911-6a96-44bb-bd38-6bfb1e01b9f6";          // ada@example.com -> ada-l

json::object text(const std::string& content, json::object annotations = {}) {
  json::object a{{"bold", false},      {"italic", false}, {"strikethrough", false},
                 {"underline", false}, {"code", false},   {"color", "default"}};
  for (auto& [k, v] : annotations) a[k] = v;
  return {{"type", "text"},
          {"text", {{"content", content}, {"link", nullptr}}},
          {"annotations", a},
          {"plain_text", content},
          {"href", nullptr}};
}

json::object block(const std::string& type, json::array rich_text, json::object extra = {},
                   json::array children = {}) {
  json::object payload{{"rich_text", std::move(rich_text)}, {"color", "default"}};
  for (auto& [k, v] : extra) payload[k] = v;
  json::object b{{"type", type}, {type, payload}};
  if (!children.empty()) b["children"] = std::move(children);
  return b;
}

json::object media(const std::string& type, const std::string& url, const std::string& caption) {
  return {{"type", type},
          {type, {{"type", "file"}, {"file", {{"url", url}}}, {"caption", json::array{text(caption)}}}}};
}

std::string hosted(const std::string& name, const std::string& signature) {
  return "https://prod-files-secure.s3.us-west-2.amazonaws.com/ws/" + name +
         "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA&X-Amz-Signature=" + signature;
}

// One page using every construct the emulator renders (and a synced block it leaves out).
json::array every_construct(const std::string& signature, const std::string& word = "Urgent") {
  json::object mention{{"type", "mention"},
                       {"mention", {{"type", "user"}, {"user", {{"object", "user"}, {"id", ada}}}}},
                       {"plain_text", "@Ada"},
                       {"href", nullptr}};
  json::object date{{"type", "mention"},
                    {"mention", {{"type", "date"}, {"date", {{"start", "2026-12-24"}, {"end", nullptr}}}}},
                    {"plain_text", "2026-12-24"},
                    {"href", nullptr}};
  json::object page_mention{
      {"type", "mention"},
      {"mention", {{"type", "page"}, {"page", {{"id", "a1000000-0000-4000-8000-000000000002"}}}}},
      {"plain_text", "Dark mode"},
      {"href", nullptr}};
  json::object row1{{"type", "table_row"},
                    {"table_row", {{"cells", json::array{json::array{text("Key")}, json::array{text("Value")}}}}}};
  json::object row2{{"type", "table_row"},
                    {"table_row", {{"cells", json::array{json::array{text("a | b")}, json::array{text("1")}}}}}};
  return json::array{
      {{"type", "table_of_contents"}, {"table_of_contents", {{"color", "default"}}}},
      block("heading_1", {text("Why")}, {{"color", "blue"}}),
      block("paragraph", {text("Very "), text(word, {{"color", "red"}, {"bold", true}}), text(" and "),
                          text("underlined", {{"underline", true}}), text(", by "), mention, text(" before "),
                          date, text(", see "), page_mention, text(".")}),
      block("callout", {text("Remember to rotate the keys.")},
            {{"color", "yellow_bg"}, {"icon", {{"type", "emoji"}, {"emoji", "💡"}}}}),
      block("toggle", {text("Stack trace")}, {{"color", "gray"}}, {block("paragraph", {text("Error at line 42")})}),
      block("bulleted_list_item", {text("Stream rows")}, {},
            {block("bulleted_list_item", {text("keep memory under 64 MiB")},
                   {}, {block("to_do", {text("measure it")}, {{"checked", true}})})}),
      block("numbered_list_item", {text("First")}),
      block("numbered_list_item", {text("Second")}),
      block("quote", {text("Quoted\nover two lines")}),
      {{"type", "code"},
       {"code", {{"rich_text", json::array{text("graph TD\n\tA-->B")}}, {"language", "mermaid"}, {"caption", json::array{}}}}},
      {{"type", "equation"}, {"equation", {{"expression", "E = mc^2"}}}},
      {{"type", "divider"}, {"divider", json::object{}}},
      {{"type", "table"},
       {"table", {{"table_width", 2}, {"has_column_header", true}, {"has_row_header", false}}},
       {"children", json::array{row1, row2}}},
      {{"type", "column_list"},
       {"column_list", json::object{}},
       {"children", json::array{{{"type", "column"}, {"column", json::object{}},
                                 {"children", json::array{block("paragraph", {text("Left column")})}}},
                                {{"type", "column"}, {"column", json::object{}},
                                 {"children", json::array{block("paragraph", {text("Right column")})}}}}}},
      media("image", hosted("shot.png", signature), "Screenshot"),
      media("file", hosted("report.pdf", signature), "Report"),
      {{"type", "bookmark"}, {"bookmark", {{"url", "https://example.com/a"}, {"caption", json::array{}}}}},
      {{"type", "synced_block"},
       {"synced_block", {{"synced_from", nullptr}}},
       {"children", json::array{block("paragraph", {text("Shared across pages")})}}},
  };
}

std::string managed_body(const sandbox_env& env) {
  for (const auto& [n, issue] : env.issues()) {
    std::string body(issue.at("body").as_string().c_str());
    if (body.find("Notion-Page-ID: " + login_page) != std::string::npos) return body;
  }
  FAIL("no issue for the page");
  return {};
}

}  // namespace

TEST_CASE("a page with every construct reaches its issue as GitHub Markdown, nothing lost") {
  sandbox_env env;
  env.act("notion", "set_content", {{"page_id", login_page}, {"blocks", every_construct("sig-one")}});
  auto r = env.run_ngsync("sync-once");
  REQUIRE_MESSAGE(r.exit_code == 0, r.output);
  const std::string body = managed_body(env);
  MESSAGE("issue body:\n" << body);

  CHECK(notion_syntax_leak(body) == "");
  CHECK(body.find("@ada-l") != std::string::npos);            // the users map, through the email
  CHECK(body.find("Shared across pages") != std::string::npos);  // the synced block, followed
  CHECK(body.find("X-Amz") == std::string::npos);              // hosted files link via the page
  CHECK(body.find("2026-12-24") != std::string::npos);
  CHECK(body.find("[Dark mode](https://www.notion.so/a1000000000040008000000000000002)") !=
        std::string::npos);  // a page mention, titled through one page lookup
  CHECK(body.find("- [Why](#why)") != std::string::npos);

  const gfm_document doc(body);
  const std::string outline = doc.outline();
  CAPTURE(outline);
  CHECK(outline.find("list(item(paragraph list(item(paragraph list(tasklist(paragraph))))))") !=
        std::string::npos);
  CHECK(doc.literals("html_block").find("<details>\n<summary>Stack trace</summary>") != std::string::npos);
  CHECK(outline.find("table(table_header(table_cell table_cell) table_row(table_cell table_cell))") !=
        std::string::npos);
  CHECK(doc.literals("code_block").find("graph TD\n\tA-->B") != std::string::npos);
  CHECK(doc.visible_text().find("a | b") != std::string::npos);

  // One markdown call per page Notion sends whole, one more for the synced block it left out,
  // one user lookup for the mentioned person.
  const auto calls = env.call_counts("notion");
  int pages_with_issue = 0;
  for (const auto& [n, issue] : env.issues())
    if (std::string(issue.at("body").as_string().c_str()).find("Notion-Page-ID: ") != std::string::npos)
      ++pages_with_issue;
  CHECK(calls.at("GET /v1/pages/{id}/markdown") == pages_with_issue + 1);
  CHECK(calls.at("GET /v1/users/{id}") == 1);
}

TEST_CASE("fresh file signatures cost no GitHub write; one word edited changes one word") {
  sandbox_env env;
  env.act("notion", "set_content", {{"page_id", login_page}, {"blocks", every_construct("sig-one")}});
  REQUIRE(env.run_ngsync("sync-once").exit_code == 0);
  const std::string before = managed_body(env);
  const auto writes = env.writes("github");

  // Notion signs its file URLs afresh on every read; the content is the same.
  env.act("notion", "set_content", {{"page_id", login_page}, {"blocks", every_construct("sig-two")}});
  REQUIRE(env.run_ngsync("sync-once").exit_code == 0);
  CHECK(env.writes("github") == writes);
  CHECK(managed_body(env) == before);

  env.act("notion", "set_content",
          {{"page_id", login_page}, {"blocks", every_construct("sig-three", "Pressing")}});
  REQUIRE(env.run_ngsync("sync-once").exit_code == 0);
  std::string expected = before;
  expected.replace(expected.find("Urgent"), 6, "Pressing");
  const std::string after = managed_body(env);
  // The managed section's revision marker moves with the edit; everything else is the one word.
  auto without_revision = [](std::string s) {
    const auto at = s.find("<!-- Last-Notion-Revision:");
    if (at != std::string::npos) s.erase(at, s.find("-->", at) - at);
    return s;
  };
  CHECK(without_revision(after) == without_revision(expected));
}

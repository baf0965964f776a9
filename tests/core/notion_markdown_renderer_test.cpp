// Notion blocks -> GitHub Markdown: the recorded sample page, hand-built blocks, and odd JSON.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include <boost/json.hpp>

#include "core/notion/markdown_renderer.hpp"

using namespace ngsync::notion;
namespace json = boost::json;

namespace {

json::value fixture(const char* name) {
  std::ifstream in(std::string(NGSYNC_REFERENCE_DIR) + "/notion-fixtures/" + name);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

json::object text(std::string s, json::object annotations = {}, std::string href = {}) {
  json::object run{
      {"type", "text"}, {"text", {{"content", s}, {"link", nullptr}}}, {"plain_text", s}};
  run["annotations"] = annotations;
  if (!href.empty())
    run["href"] = href;
  else
    run["href"] = nullptr;
  return run;
}

json::object block(std::string type, json::array rich, json::object extra = {}) {
  json::object data = extra;
  data["rich_text"] = std::move(rich);
  return json::object{{"object", "block"}, {"type", type}, {type, std::move(data)}};
}

}  // namespace

TEST_CASE("the recorded block test page renders") {
  const auto md = render_markdown(fixture("retrieve_block_children_block_test_page.json"));
  CHECK(md.starts_with("Text\n\n"));
  CHECK(md.find("\n# Heading 1\n") != std::string::npos);
  CHECK(md.find("\n## Heading 2\n") != std::string::npos);
  CHECK(md.find("\n### Heading 3\n") != std::string::npos);
  CHECK(md.find("- Bulleted list") != std::string::npos);
  CHECK(md.find("1. Numbered list") != std::string::npos);
  CHECK(md.find("- [ ] ") != std::string::npos);
  CHECK(md.find("<details>\n<summary>Toggle</summary>") != std::string::npos);
  CHECK(md.find("> Quote") != std::string::npos);
  CHECK(md.find("\n---\n") != std::string::npos);
  CHECK(md.find("> ✅ Callout") != std::string::npos);
  CHECK(md.find("```shell\n% ls -l\n```") != std::string::npos);
  CHECK(md.find("![https://cdn.worldvectorlogo.com/logos/notion-logo-1.svg](https://"
                "cdn.worldvectorlogo.com/logos/notion-logo-1.svg)") != std::string::npos);
  CHECK(md.find("[https://hkob.notion.site/](https://hkob.notion.site/)") != std::string::npos);
  CHECK(md.find("$$\nx = \\frac{-b\\pm\\sqrt{b^2-4ac}}{2a}\n$$") != std::string::npos);
  CHECK(md.find("<!-- Notion block not rendered: unsupported -->") != std::string::npos);
  // Notion-hosted files are signed, expiring URLs: never copied into GitHub.
  CHECK(md.find("X-Amz-") == std::string::npos);
  CHECK(md.find("*(image stored in Notion)*") != std::string::npos);
  // Rendering is deterministic (the body hash depends on it).
  CHECK(md == render_markdown(fixture("retrieve_block_children_block_test_page.json")));
}

TEST_CASE("rich text annotations and links") {
  json::array runs{text("plain "), text("bold", {{"bold", true}}),
                   text(" "),      text("it", {{"italic", true}}),
                   text(" "),      text("gone", {{"strikethrough", true}}),
                   text(" "),      text("x()", {{"code", true}}),
                   text(" "),      text("site", {}, "https://example.com/a b")};
  CHECK(render_rich_text(runs) ==
        "plain **bold** *it* ~~gone~~ `x()` [site](https://example.com/a%20b)");
  // Whitespace moves outside emphasis; same-style neighbours merge; markup in text is escaped.
  CHECK(render_rich_text(json::array{text("bold ", {{"bold", true}}),
                                     text("more", {{"bold", true}})}) == "**bold more**");
  CHECK(render_rich_text(json::array{text(" b ", {{"bold", true}})}) == " **b** ");
  CHECK(render_rich_text(json::array{text("a*b_c [x] <!-- y -->")}) ==
        "a\\*b\\_c \\[x\\] \\<!-- y --\\>");
  CHECK(render_rich_text(json::array{text("a`b", {{"code", true}})}) == "``a`b``");
  CHECK(render_rich_text(json::array{text("line1\nline2")}) == "line1\\\nline2");
}

TEST_CASE("nested lists, to-dos, numbering and code fences") {
  auto child = block("bulleted_list_item", {text("child")});
  auto parent = block("bulleted_list_item", {text("parent")});
  parent["children"] = json::array{child};
  json::array blocks{parent,
                     block("numbered_list_item", {text("one")}),
                     block("numbered_list_item", {text("two")}),
                     block("to_do", {text("done")}, {{"checked", true}}),
                     block("paragraph", {text("after")}),
                     block("numbered_list_item", {text("again")}),
                     block("code", {text("a ``` b")}, {{"language", "plain text"}})};
  CHECK(render_markdown(blocks) ==
        "- parent\n  - child\n1. one\n2. two\n- [x] done\n\nafter\n\n1. again\n\n````\na ``` "
        "b\n````");
}

TEST_CASE("tables, with and without a header row") {
  auto row = [](std::string a, std::string b) {
    return json::object{
        {"type", "table_row"},
        {"table_row", {{"cells", json::array{json::array{text(a)}, json::array{text(b)}}}}}};
  };
  json::object table{{"type", "table"},
                     {"table", {{"table_width", 2}, {"has_column_header", true}}},
                     {"children", json::array{row("h1", "h2"), row("a|b", "c")}}};
  CHECK(render_markdown(json::array{table}) == "| h1 | h2 |\n| --- | --- |\n| a\\|b | c |");
  table["table"].as_object()["has_column_header"] = false;
  CHECK(render_markdown(json::array{table}) ==
        "|  |  |\n| --- | --- |\n| h1 | h2 |\n| a\\|b | c |");
}

TEST_CASE("paragraph text that looks like Markdown structure stays text") {
  CHECK(render_markdown(json::array{block("paragraph", {text("# not a heading")})}) ==
        "\\# not a heading");
  CHECK(render_markdown(json::array{block("paragraph", {text("- not a list")})}) ==
        "\\- not a list");
  CHECK(render_markdown(json::array{block("quote", {text("q1\nq2")})}) == "> q1\\\n> q2");
}

TEST_CASE("odd JSON never crashes and renders what it can") {
  CHECK(render_markdown(json::value(nullptr)).empty());
  CHECK(render_markdown(json::value("text")).empty());
  CHECK(render_markdown(json::parse(R"({"results": 5})")).empty());
  CHECK(render_markdown(json::parse(R"([1, null, "x", {}, {"type": 5}, {"type":"paragraph"},
      {"type":"paragraph","paragraph":{"rich_text":[1,{"plain_text":7},{"type":"text"}]}},
      {"type":"heading_1","heading_1":null},
      {"type":"table","table":{"table_width":-3},"children":[{"table_row":{"cells":[[],5]}}]},
      {"type":"image","image":{"type":"external"}},
      {"type":"mystery --> <b>","mystery --> <b>":{}}])")) ==
        "|  |  |\n| --- | --- |\n|  |  |\n\n<!-- Notion block not rendered: mysteryb -->");

  // Deep nesting is cut, not recursed without bound.
  json::object deep = block("bulleted_list_item", {text("leaf")});
  for (int i = 0; i < 200; ++i) {
    auto outer = block("bulleted_list_item", {text("level")});
    outer["children"] = json::array{deep};
    deep = std::move(outer);
  }
  const auto md = render_markdown(json::array{deep});
  CHECK(md.find("deeper Notion blocks not rendered") != std::string::npos);
  CHECK(md.find("leaf") == std::string::npos);
}

// GET /v1/pages/{id}/markdown speaks Notion's format: the expected text is written from the
// examples of Notion's "Enhanced markdown format" reference (v1) and the v2 migration guide,
// not from what ngsync's converter accepts.
#include <doctest/doctest.h>

#include "core/notion/gfm_converter.hpp"
#include "core/notion/page_markdown.hpp"
#include "tests/sandbox/fidelity/notion_test_support.hpp"

using namespace ngsync::sandbox;
using namespace ngsync::sandbox::fidelity;
using boost::beast::http::verb;

namespace {

const std::string md_page = "cccccccc-0000-4000-8000-000000000001";
const std::string md_person = "2200a911-4c0e-4a1b-9d3e-5f6a7b8c9d0e";
const std::string synced_id = "5c1d2e3f-4a5b-4c7d-8e9f-0a1b2c3d4e5f";

json::object scenario(json::object extra = {}) {
  json::object s{
      {"tokens", json::array{notion_harness::token}},
      {"bot", json::object{{"id", "b0b0b0b0-0000-4000-8000-000000000001"}, {"name", "ngsync"}}},
      {"users", json::array{json::object{{"id", md_person}, {"name", "Ada"}}}},
      {"rate_limit", json::object{{"enabled", false}}},
      {"databases",
       json::array{json::object{
           {"id", "dddddddd-0000-4000-8000-000000000001"},
           {"title", "Tasks"},
           {"data_sources", json::array{json::object{{"id", "eeeeeeee-0000-4000-8000-000000000001"},
                                                     {"name", "Tasks"},
                                                     {"properties", json::object{{"Name", "title"}}}}}}}}},
      {"pages", json::array{json::object{{"id", md_page},
                                         {"data_source_id", "eeeeeeee-0000-4000-8000-000000000001"},
                                         {"properties", json::object{{"Name", "Markdown page"}}}}}}};
  for (auto& [k, v] : extra) s[k] = v;
  return s;
}

json::object text(const std::string& content, json::object annotations = {}) {
  json::object a{{"bold", false},          {"italic", false}, {"strikethrough", false},
                 {"underline", false},     {"code", false},   {"color", "default"}};
  for (auto& [k, v] : annotations) a[k] = v;
  return json::object{{"type", "text"},
                      {"text", json::object{{"content", content}, {"link", nullptr}}},
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

// The example page, as typed blocks (plus a table, an underline and escapes).
json::array example_blocks() {
  json::object mention{{"type", "mention"},
                       {"mention", json::object{{"type", "user"},
                                                {"user", json::object{{"object", "user"}, {"id", md_person}}}}},
                       {"plain_text", "@Ada"},
                       {"href", nullptr}};
  json::object callout = block("callout", {text("Remember to "), text("rotate", {{"bold", true}}), text(" the keys.")},
                               {{"color", "yellow_bg"}, {"icon", json::object{{"type", "emoji"}, {"emoji", "💡"}}}});
  json::object synced{{"id", synced_id},
                      {"type", "synced_block"},
                      {"synced_block", json::object{{"synced_from", nullptr}}},
                      {"children", json::array{block("paragraph", {text("Shared text")})}}};
  json::object table{{"type", "table"},
                     {"table", json::object{{"table_width", 2}, {"has_column_header", true}, {"has_row_header", false}}},
                     {"children",
                      json::array{json::object{{"type", "table_row"},
                                               {"table_row", json::object{{"cells", json::array{json::array{text("Name")},
                                                                                                 json::array{text("Value")}}}}}},
                                  json::object{{"type", "table_row"},
                                               {"table_row", json::object{{"cells", json::array{json::array{text("a | b")},
                                                                                                 json::array{text("1")}}}}}}}}};
  return json::array{
      block("heading_2", {text("Why")}, {{"color", "blue"}}),
      block("paragraph", {text("… "), text("Urgent", {{"color", "red"}}), text(" …")}),
      block("paragraph", {text("Reported by "), mention, text(".")}),
      callout,
      block("toggle", {text("Stack trace")}, {{"color", "gray"}}, {block("paragraph", {text("Error at line 42")})}),
      block("bulleted_list_item", {text("Stream rows")}, {},
            {block("bulleted_list_item", {text("keep memory under 64 MiB")})}),
      synced,
      table,
      block("paragraph", {text("under", {{"underline", true}}), text(" and 2 * 3 {x}")}),
  };
}

}  // namespace

TEST_CASE("markdown v1: blocks as the format reference writes them") {
  notion_harness h;
  h.notion->load(scenario());
  h.notion->act("set_content", json::object{{"page_id", md_page}, {"blocks", example_blocks()}});
  const auto body = h.call_json(verb::get, "/v1/pages/" + md_page + "/markdown");
  CHECK(body.at("object") == "page_markdown");
  CHECK(body.at("truncated") == false);
  const std::string page_url = "https://www.notion.so/cccccccc000040008000000000000001";
  CHECK(std::string(body.at("markdown").as_string()) ==
        "## Why {color=\"blue\"}\n"
        "… <span color=\"red\">Urgent</span> …\n"
        "Reported by <mention-user url=\"user://" + md_person + "\"/>.\n"
        "::: callout {icon=\"💡\" color=\"yellow_bg\"}\n"
        "Remember to **rotate** the keys.\n"
        ":::\n"
        "<details color=\"gray\">\n"
        "<summary>Stack trace</summary>\n"
        "\tError at line 42\n"
        "</details>\n"
        "- Stream rows\n"
        "\t- keep memory under 64 MiB\n"
        "<unknown url=\"" + page_url + "#5c1d2e3f4a5b4c7d8e9f0a1b2c3d4e5f\" alt=\"synced_block\"/>\n"
        "<table header-row=\"true\" header-column=\"false\">\n"
        "\t<tr>\n\t\t<td>Name</td>\n\t\t<td>Value</td>\n\t</tr>\n"
        "\t<tr>\n\t\t<td>a \\| b</td>\n\t\t<td>1</td>\n\t</tr>\n"
        "</table>\n"
        "<span underline=\"true\">under</span> and 2 \\* 3 \\{x\\}");
  REQUIRE(body.at("unknown_block_ids").as_array().size() == 1);
  CHECK(body.at("unknown_block_ids").at(0) == json::value(synced_id));

  // An id from unknown_block_ids is accepted in place of the page id: that subtree.
  const auto sub = h.call_json(verb::get, "/v1/pages/" + synced_id + "/markdown");
  CHECK(sub.at("object") == "page_markdown");
  CHECK(sub.at("markdown").as_string().find("Shared text") != json::string::npos);

  // The blocks endpoint returns the same content as typed blocks.
  const auto kids = h.call_json(verb::get, "/v1/blocks/" + md_page + "/children?page_size=100");
  CHECK(kids.at("results").as_array().size() == 9);
  CHECK(kids.at("results").at(3).at("type") == "callout");
}

TEST_CASE("markdown v2: blank lines between blocks, tag forms with a color attribute") {
  notion_harness h;
  h.notion->load(scenario());
  h.notion->act("set_content", json::object{{"page_id", md_page}, {"blocks", example_blocks()}});
  const auto body = h.call_json(verb::get, "/v1/pages/" + md_page + "/markdown?markdown_version=v2");
  const std::string md(body.at("markdown").as_string());
  CHECK(md.find("{color=") == std::string::npos);  // v2 has no attribute lists
  CHECK(md.find("## Why\n\n… <span color=\"red\">Urgent</span> …\n\n") == 0);
  CHECK(md.find("<callout icon=\"💡\" color=\"yellow_bg\">\nRemember to **rotate** the keys.\n</callout>") !=
        std::string::npos);
  CHECK(md.find("<toggle color=\"gray\">\nStack trace\n\nError at line 42\n</toggle>") != std::string::npos);
  CHECK(md.find("- Stream rows\n\t- keep memory under 64 MiB") != std::string::npos);  // tabs in lists

  const auto bad = h.call(verb::get, "/v1/pages/" + md_page + "/markdown?markdown_version=v3");
  CHECK(bad.result_int() == 400);
  CHECK(json::parse(bad.body()).at("code") == "validation_error");
}

TEST_CASE("markdown: a page past the record limit is truncated and lists what was left out") {
  notion_harness h;
  h.notion->load(scenario({{"markdown_record_limit", 3}}));
  json::array blocks;
  for (int i = 1; i <= 5; ++i) {
    auto b = block("paragraph", {text("Paragraph " + std::to_string(i))});
    b["id"] = "f0000000-0000-4000-8000-00000000000" + std::to_string(i);
    blocks.push_back(b);
  }
  h.notion->act("set_content", json::object{{"page_id", md_page}, {"blocks", blocks}});
  const auto body = h.call_json(verb::get, "/v1/pages/" + md_page + "/markdown");
  CHECK(body.at("truncated") == true);
  CHECK(body.at("markdown") == "Paragraph 1\nParagraph 2\nParagraph 3");
  const auto& ids = body.at("unknown_block_ids").as_array();
  REQUIRE(ids.size() == 2);
  CHECK(ids.at(0) == "f0000000-0000-4000-8000-000000000004");
  const auto rest = h.call_json(verb::get, "/v1/pages/" + std::string(ids.at(1).as_string()) + "/markdown");
  CHECK(rest.at("markdown") == "Paragraph 5");
  CHECK(rest.at("truncated") == false);
}

TEST_CASE("markdown: the emulator's answer, through ngsync's converter, reaches GitHub clean") {
  // Not the emulator's expectation (that is above): the converter against the emulator's format.
  notion_harness h;
  h.notion->load(scenario());
  h.notion->act("set_content", json::object{{"page_id", md_page}, {"blocks", example_blocks()}});
  for (const char* version : {"v1", "v2"}) {
    CAPTURE(version);
    const auto body = h.call(verb::get, "/v1/pages/" + md_page + "/markdown?markdown_version=" + version);
    auto part = ngsync::notion::parse_page_markdown_answer(body.body());
    REQUIRE(part);
    ngsync::notion::page_markdown page{*part, {}};
    const auto sub = h.call(verb::get, "/v1/pages/" + synced_id + "/markdown?markdown_version=" + version);
    page.followed[ngsync::notion::normalized_block_id(synced_id)] = *ngsync::notion::parse_page_markdown_answer(sub.body());
    ngsync::notion::gfm_options o;
    o.version = std::string(version) == "v2" ? ngsync::notion::markdown_version::v2
                                            : ngsync::notion::markdown_version::v1;
    o.github_login = [](std::string_view id) -> std::optional<std::string> {
      if (id == md_person) return "ada-gh";
      return std::nullopt;
    };
    const auto gfm = ngsync::notion::page_markdown_to_github(page, o);
    CHECK(gfm.markdown.find("Reported by @ada-gh.") != std::string::npos);
    CHECK(gfm.markdown.find("Shared text") != std::string::npos);
    CHECK(gfm.markdown.find("> [!WARNING]\n> 💡 Remember to **rotate** the keys.") != std::string::npos);
    CHECK(gfm.markdown.find("<details>\n<summary>Stack trace</summary>\n\nError at line 42\n\n</details>") !=
          std::string::npos);
    CHECK(gfm.markdown.find("| a \\| b | 1 |") != std::string::npos);
    CHECK(gfm.markdown.find("- Stream rows\n  - keep memory under 64 MiB") != std::string::npos);
    CHECK(gfm.markdown.find("{color=") == std::string::npos);
    CHECK(gfm.markdown.find('\t') == std::string::npos);
    CHECK_FALSE(gfm.cut_short);
  }
}

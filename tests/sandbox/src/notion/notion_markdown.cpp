// A small Markdown subset both ways: headings, paragraphs, bulleted, numbered and to-do lists,
// quotes, code fences and dividers: what issue bodies are made of.
#include "tests/sandbox/src/notion/notion_markdown.hpp"

#include <sstream>

#include "tests/sandbox/src/notion/notion_model.hpp"

namespace ngsync::sandbox::notion {

namespace {

json::object block_of(const std::string& type, json::object payload) {
  if (!payload.contains("color") && type != "code" && type != "divider")
    payload["color"] = "default";
  return json::object{{"type", type}, {type, std::move(payload)}};
}

json::object text_block(const std::string& type, const std::string& text) {
  return block_of(type, json::object{{"rich_text", json::array{rich_text_item(text)}}});
}

}  // namespace

markdown_rendering blocks_to_markdown(const std::vector<json::object>& blocks) {
  markdown_rendering out;
  std::vector<std::string> lines;
  for (const auto& b : blocks) {
    const std::string type(b.at("type").as_string());
    const json::object* payload =
        b.contains(type) && b.at(type).is_object() ? &b.at(type).as_object() : nullptr;
    const std::string text = payload && payload->contains("rich_text")
                                 ? plain_text(payload->at("rich_text"))
                                 : std::string();
    if (type == "paragraph")
      lines.push_back(text);
    else if (type == "heading_1")
      lines.push_back("# " + text);
    else if (type == "heading_2")
      lines.push_back("## " + text);
    else if (type == "heading_3")
      lines.push_back("### " + text);
    else if (type == "bulleted_list_item")
      lines.push_back("- " + text);
    else if (type == "numbered_list_item")
      lines.push_back("1. " + text);
    else if (type == "quote")
      lines.push_back("> " + text);
    else if (type == "divider")
      lines.push_back("---");
    else if (type == "to_do") {
      const bool checked = payload && payload->contains("checked") &&
                           payload->at("checked").is_bool() && payload->at("checked").as_bool();
      lines.push_back(std::string(checked ? "- [x] " : "- [ ] ") + text);
    } else if (type == "code") {
      std::string lang;
      if (payload && payload->contains("language") && payload->at("language").is_string())
        lang = std::string(payload->at("language").as_string());
      lines.push_back("```" + (lang == "plain text" ? std::string() : lang) + "\n" + text +
                      "\n```");
    } else {
      if (b.contains("id") && b.at("id").is_string())
        out.unknown_block_ids.emplace_back(b.at("id").as_string());
      lines.push_back("<unknown url=\"" + type + "\"/>");
    }
  }
  for (std::size_t i = 0; i < lines.size(); ++i) out.markdown += (i ? "\n" : "") + lines[i];
  return out;
}

std::vector<json::object> markdown_to_blocks(const std::string& markdown) {
  std::vector<json::object> out;
  std::istringstream in(markdown);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    auto starts = [&](const char* p) { return line.rfind(p, 0) == 0; };
    if (starts("```")) {
      std::string lang = line.substr(3), code, l;
      bool first = true;
      while (std::getline(in, l) && l.rfind("```", 0) != 0) {
        code += (first ? "" : "\n") + l;
        first = false;
      }
      out.push_back(
          block_of("code", json::object{{"caption", json::array{}},
                                        {"rich_text", json::array{rich_text_item(code)}},
                                        {"language", lang.empty() ? "plain text" : lang}}));
    } else if (starts("### "))
      out.push_back(text_block("heading_3", line.substr(4)));
    else if (starts("## "))
      out.push_back(text_block("heading_2", line.substr(3)));
    else if (starts("# "))
      out.push_back(text_block("heading_1", line.substr(2)));
    else if (starts("- [ ] ") || starts("- [x] ")) {
      auto b = text_block("to_do", line.substr(6));
      b["to_do"].as_object()["checked"] = line[3] == 'x';
      out.push_back(std::move(b));
    } else if (starts("- ") || starts("* "))
      out.push_back(text_block("bulleted_list_item", line.substr(2)));
    else if (line.size() > 2 && std::isdigit(static_cast<unsigned char>(line[0])) &&
             line.find(". ") != std::string::npos &&
             line.find_first_not_of("0123456789") == line.find(". "))
      out.push_back(text_block("numbered_list_item", line.substr(line.find(". ") + 2)));
    else if (starts("> "))
      out.push_back(text_block("quote", line.substr(2)));
    else if (line == "---")
      out.push_back(block_of("divider", json::object{}));
    else
      out.push_back(text_block("paragraph", line));
  }
  return out;
}

}  // namespace ngsync::sandbox::notion

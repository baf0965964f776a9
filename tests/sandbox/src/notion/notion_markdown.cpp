// A small Markdown subset -> blocks: headings, paragraphs, bulleted, numbered and to-do lists,
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

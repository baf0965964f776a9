#pragma once
// GitHub's own Markdown parser (cmark-gfm, with GitHub's extensions) as the judge of what the GFM
// converter writes: the document's node tree as a compact outline, e.g.
// "document(list(item(paragraph list(item(paragraph)))) html_block table(...))".
// Linked into the test binary only.
#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm.h>

#include <string>
#include <string_view>

namespace ngsync::test {

inline std::string node_outline(cmark_node* node) {
  std::string out = cmark_node_get_type_string(node);
  cmark_node* child = cmark_node_first_child(node);
  // Inline nodes are left out: the structure is the point, the words are compared elsewhere.
  std::string inner;
  for (; child; child = cmark_node_next(child)) {
    const auto type = cmark_node_get_type(child);
    if ((type & CMARK_NODE_TYPE_MASK) == CMARK_NODE_TYPE_INLINE) continue;
    if (!inner.empty()) inner += ' ';
    inner += node_outline(child);
  }
  if (!inner.empty()) out += "(" + inner + ")";
  return out;
}

struct gfm_document {
  cmark_node* root = nullptr;
  explicit gfm_document(std::string_view markdown) {
    cmark_gfm_core_extensions_ensure_registered();
    cmark_parser* parser = cmark_parser_new(CMARK_OPT_DEFAULT);
    for (const char* name : {"table", "strikethrough", "autolink", "tagfilter", "tasklist"}) {
      if (auto* ext = cmark_find_syntax_extension(name)) cmark_parser_attach_syntax_extension(parser, ext);
    }
    cmark_parser_feed(parser, markdown.data(), markdown.size());
    root = cmark_parser_finish(parser);
    cmark_parser_free(parser);
  }
  ~gfm_document() { cmark_node_free(root); }
  gfm_document(const gfm_document&) = delete;
  gfm_document& operator=(const gfm_document&) = delete;

  std::string outline() const { return node_outline(root); }

  // The literal text of every node of a type (html_block, code_block, …), joined by '\n'.
  std::string literals(std::string_view type) const {
    std::string out;
    cmark_iter* it = cmark_iter_new(root);
    for (auto ev = cmark_iter_next(it); ev != CMARK_EVENT_DONE; ev = cmark_iter_next(it)) {
      cmark_node* n = cmark_iter_get_node(it);
      if (ev != CMARK_EVENT_ENTER || type != cmark_node_get_type_string(n)) continue;
      if (const char* lit = cmark_node_get_literal(n)) out += std::string(lit) + "\n";
    }
    cmark_iter_free(it);
    return out;
  }

  // The text a reader sees (text, code and html_inline literals), for "nothing lost" checks.
  std::string visible_text() const {
    std::string out;
    cmark_iter* it = cmark_iter_new(root);
    for (auto ev = cmark_iter_next(it); ev != CMARK_EVENT_DONE; ev = cmark_iter_next(it)) {
      if (ev != CMARK_EVENT_ENTER) continue;
      cmark_node* n = cmark_iter_get_node(it);
      const auto type = cmark_node_get_type(n);
      if (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE || type == CMARK_NODE_CODE_BLOCK)
        out += std::string(cmark_node_get_literal(n)) + " ";
      if (type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK) out += " ";
    }
    cmark_iter_free(it);
    return out;
  }
};

}  // namespace ngsync::test

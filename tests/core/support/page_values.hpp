#pragma once
// A Notion property as the page parser leaves it, for the tests of the sync's rules: a type and
// its plain text (empty text: an empty property).
#include <string>

#include "core/notion/page_model.hpp"

namespace ngsync::test {

inline notion::property_value text_property(notion::property_type type, std::string text) {
  notion::property_value p;
  p.type = type;
  p.is_empty = text.empty();
  p.text = std::move(text);
  return p;
}

}  // namespace ngsync::test

// A recursive-descent GraphQL parser; its error messages follow graphql-ruby's, as GitHub's do.
#include "tests/sandbox/src/github/github_graphql_parser.hpp"

#include <cctype>
#include <stdexcept>

namespace ngsync::sandbox::github {

namespace json = boost::json;

namespace {

struct token {
  enum class kind { end, punct, name, string, int_value, float_value } what = kind::end;
  std::string text;
  gql_location at;
};

struct parse_failure {
  gql_parse_error error;
};

// GraphQL-Ruby's token names, used in "Parse error on ..." messages.
std::string token_name(const token& t) {
  switch (t.what) {
    case token::kind::name: {
      if (t.text == "query") return "QUERY";
      if (t.text == "mutation") return "MUTATION";
      if (t.text == "fragment") return "FRAGMENT";
      if (t.text == "on") return "ON";
      if (t.text == "true") return "TRUE";
      if (t.text == "false") return "FALSE";
      if (t.text == "null") return "NULL";
      return "IDENTIFIER";
    }
    case token::kind::string:
      return "STRING";
    case token::kind::int_value:
      return "INT";
    case token::kind::float_value:
      return "FLOAT";
    case token::kind::end:
      return "END";
    case token::kind::punct:
      break;
  }
  static const std::map<std::string, std::string> names{
      {"{", "LCURLY"},   {"}", "RCURLY"}, {"(", "LPAREN"},   {")", "RPAREN"},   {"[", "LBRACKET"},
      {"]", "RBRACKET"}, {":", "COLON"},  {"$", "VAR_SIGN"}, {"@", "DIR_SIGN"}, {"...", "ELLIPSIS"},
      {"!", "BANG"},     {"=", "EQUALS"}, {"|", "PIPE"},     {"&", "AMP"}};
  auto it = names.find(t.text);
  return it == names.end() ? "UNKNOWN_CHAR" : it->second;
}

class lexer {
 public:
  explicit lexer(const std::string& text) : s_(text) {}

  std::vector<token> run() {
    std::vector<token> out;
    for (;;) {
      skip_ignored();
      token t;
      t.at = {line_, col()};
      if (i_ >= s_.size()) {
        out.push_back(t);
        return out;
      }
      const char c = s_[i_];
      if (s_.compare(i_, 3, "...") == 0) {
        t.what = token::kind::punct;
        t.text = "...";
        i_ += 3;
      } else if (std::string("{}()[]:$@!=|&").find(c) != std::string::npos) {
        t.what = token::kind::punct;
        t.text = std::string(1, c);
        ++i_;
      } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
        t.what = token::kind::name;
        while (i_ < s_.size() &&
               (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_'))
          t.text.push_back(s_[i_++]);
      } else if (c == '-' || std::isdigit(static_cast<unsigned char>(c))) {
        lex_number(t);
      } else if (c == '"') {
        lex_string(t);
      } else {
        t.what = token::kind::punct;
        t.text = std::string(1, c);
        throw parse_failure{{"Parse error on \"" + t.text + "\" (UNKNOWN_CHAR) at [" +
                                 std::to_string(t.at.line) + ", " + std::to_string(t.at.column) +
                                 "]",
                             t.at}};
      }
      out.push_back(std::move(t));
    }
  }

 private:
  int col() const { return static_cast<int>(i_ - line_start_) + 1; }

  void skip_ignored() {
    while (i_ < s_.size()) {
      const char c = s_[i_];
      if (c == '\n') {
        ++i_;
        ++line_;
        line_start_ = i_;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == ',') {
        ++i_;
      } else if (c == '#') {
        while (i_ < s_.size() && s_[i_] != '\n') ++i_;
      } else {
        return;
      }
    }
  }

  void lex_number(token& t) {
    t.what = token::kind::int_value;
    if (s_[i_] == '-') t.text.push_back(s_[i_++]);
    while (i_ < s_.size() && std::isdigit(static_cast<unsigned char>(s_[i_])))
      t.text.push_back(s_[i_++]);
    if (i_ < s_.size() && (s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E')) {
      t.what = token::kind::float_value;
      while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) || s_[i_] == '.' ||
                                s_[i_] == 'e' || s_[i_] == 'E' || s_[i_] == '+' || s_[i_] == '-'))
        t.text.push_back(s_[i_++]);
    }
  }

  void lex_string(token& t) {
    t.what = token::kind::string;
    ++i_;
    while (i_ < s_.size() && s_[i_] != '"' && s_[i_] != '\n') {
      if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
        const char e = s_[++i_];
        switch (e) {
          case 'n':
            t.text.push_back('\n');
            break;
          case 't':
            t.text.push_back('\t');
            break;
          case 'r':
            t.text.push_back('\r');
            break;
          case 'b':
            t.text.push_back('\b');
            break;
          case 'f':
            t.text.push_back('\f');
            break;
          case 'u': {
            // \uXXXX as UTF-8 (surrogate pairs are not combined; ids and names do not need them).
            const unsigned cp =
                static_cast<unsigned>(std::stoul(s_.substr(i_ + 1, 4), nullptr, 16));
            i_ += 4;
            if (cp < 0x80) {
              t.text.push_back(static_cast<char>(cp));
            } else if (cp < 0x800) {
              t.text.push_back(static_cast<char>(0xC0 | (cp >> 6)));
              t.text.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            } else {
              t.text.push_back(static_cast<char>(0xE0 | (cp >> 12)));
              t.text.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
              t.text.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
            }
            break;
          }
          default:
            t.text.push_back(e);
        }
        ++i_;
      } else {
        t.text.push_back(s_[i_++]);
      }
    }
    if (i_ >= s_.size() || s_[i_] != '"') throw parse_failure{{"Unterminated string", t.at}};
    ++i_;
  }

  const std::string& s_;
  std::size_t i_ = 0;
  std::size_t line_start_ = 0;
  int line_ = 1;
};

class parser {
 public:
  explicit parser(std::vector<token> tokens) : t_(std::move(tokens)) {}

  gql_document document() {
    gql_document doc;
    if (peek().what == token::kind::end) fail();
    while (peek().what != token::kind::end) {
      if (is_name("fragment")) {
        next();
        gql_fragment f;
        f.name = name();
        expect_name("on");
        f.type_condition = name();
        f.selections = selection_set();
        doc.fragments[f.name] = std::move(f);
      } else {
        doc.operations.push_back(operation());
      }
    }
    return doc;
  }

 private:
  const token& peek() const { return t_[pos_]; }
  const token& next() { return t_[pos_ < t_.size() - 1 ? pos_++ : pos_]; }
  bool is_punct(const char* p) const {
    return peek().what == token::kind::punct && peek().text == p;
  }
  bool is_name(const char* n) const { return peek().what == token::kind::name && peek().text == n; }

  [[noreturn]] void fail() const {
    const token& t = peek();
    if (t.what == token::kind::end) throw parse_failure{{"Unexpected end of document", t.at}};
    throw parse_failure{{"Parse error on \"" + t.text + "\" (" + token_name(t) + ") at [" +
                             std::to_string(t.at.line) + ", " + std::to_string(t.at.column) + "]",
                         t.at}};
  }
  void expect(const char* p) {
    if (!is_punct(p)) fail();
    next();
  }
  void expect_name(const char* n) {
    if (!is_name(n)) fail();
    next();
  }
  std::string name() {
    if (peek().what != token::kind::name) fail();
    return next().text;
  }

  gql_operation operation() {
    gql_operation op;
    op.at = peek().at;
    if (is_punct("{")) {
      op.selections = selection_set();
      return op;
    }
    if (!is_name("query") && !is_name("mutation")) fail();
    op.type = next().text;
    if (peek().what == token::kind::name) op.name = next().text;
    if (is_punct("(")) {
      next();
      while (!is_punct(")")) {
        gql_variable_definition def;
        expect("$");
        def.name = name();
        expect(":");
        def.type = type_ref();
        if (is_punct("=")) {
          next();
          def.default_value = value(true);
        }
        op.variables.push_back(std::move(def));
      }
      next();
    }
    op.selections = selection_set();
    return op;
  }

  std::string type_ref() {
    std::string out;
    if (is_punct("[")) {
      next();
      out = "[" + type_ref() + "]";
      expect("]");
    } else {
      out = name();
    }
    if (is_punct("!")) {
      next();
      out += "!";
    }
    return out;
  }

  std::vector<gql_selection> selection_set() {
    expect("{");
    std::vector<gql_selection> out;
    if (is_punct("}")) fail();  // an empty selection set is not valid GraphQL
    while (!is_punct("}")) out.push_back(selection());
    next();
    return out;
  }

  gql_selection selection() {
    gql_selection s;
    s.at = peek().at;
    if (is_punct("...")) {
      next();
      if (is_name("on")) {
        next();
        s.what = gql_selection::kind::inline_fragment;
        s.type_condition = name();
        s.selections = selection_set();
      } else if (is_punct("{")) {
        s.what = gql_selection::kind::inline_fragment;
        s.selections = selection_set();
      } else {
        s.what = gql_selection::kind::fragment_spread;
        s.name = name();
      }
      return s;
    }
    s.alias = s.name = name();
    if (is_punct(":")) {
      next();
      s.name = name();
    }
    if (is_punct("(")) {
      next();
      if (is_punct(")")) fail();
      while (!is_punct(")")) {
        std::string arg = name();
        expect(":");
        s.arguments.emplace_back(std::move(arg), value(false));
      }
      next();
    }
    if (is_punct("@")) fail();  // directives are not supported by the sandbox
    if (is_punct("{")) s.selections = selection_set();
    return s;
  }

  gql_value value(bool constant) {
    gql_value v;
    const token& t = peek();
    if (t.what == token::kind::punct && t.text == "$" && !constant) {
      next();
      v.what = gql_value::kind::variable;
      v.variable = name();
      return v;
    }
    if (is_punct("[")) {
      next();
      v.what = gql_value::kind::list;
      while (!is_punct("]")) v.items.push_back(value(constant));
      next();
      return v;
    }
    if (is_punct("{")) {
      next();
      v.what = gql_value::kind::object;
      while (!is_punct("}")) {
        std::string key = name();
        expect(":");
        v.fields.emplace_back(std::move(key), value(constant));
      }
      next();
      return v;
    }
    switch (t.what) {
      case token::kind::string:
        v.literal = t.text;
        break;
      case token::kind::int_value:
        v.literal = std::stoll(t.text);
        break;
      case token::kind::float_value:
        v.literal = std::stod(t.text);
        break;
      case token::kind::name:
        if (t.text == "true" || t.text == "false")
          v.literal = t.text == "true";
        else if (t.text == "null")
          v.literal = nullptr;
        else
          v.literal = t.text;  // an enum value
        break;
      default:
        fail();
    }
    next();
    return v;
  }

  std::vector<token> t_;
  std::size_t pos_ = 0;
};

}  // namespace

std::variant<gql_document, gql_parse_error> parse_graphql(const std::string& text) {
  try {
    lexer lex(text);
    parser p(lex.run());
    return p.document();
  } catch (const parse_failure& f) {
    return f.error;
  } catch (const std::exception&) {
    // Numbers out of range and malformed \u escapes.
    return gql_parse_error{"Parse error: malformed literal", {}};
  }
}

json::value resolve_value(const gql_value& v, const json::object& variables) {
  switch (v.what) {
    case gql_value::kind::literal:
      return v.literal;
    case gql_value::kind::variable: {
      const json::value* found = variables.if_contains(v.variable);
      return found ? *found : json::value(nullptr);
    }
    case gql_value::kind::list: {
      json::array a;
      for (const auto& item : v.items) a.push_back(resolve_value(item, variables));
      return a;
    }
    case gql_value::kind::object: {
      json::object o;
      for (const auto& [k, item] : v.fields) o[k] = resolve_value(item, variables);
      return o;
    }
  }
  return nullptr;
}

}  // namespace ngsync::sandbox::github

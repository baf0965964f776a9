// GitHub's GraphQL endpoint in the emulator: POST /graphql runs one operation over the projects
// model (organization/user → projectV2 → fields/items, node(id), the four item mutations,
// rateLimit) and answers only the selected fields, with GitHub's error shapes.
#include <algorithm>
#include <memory>

#include "tests/sandbox/src/github/github_graphql_run.hpp"
#include "tests/sandbox/src/github/github_responses.hpp"

namespace ngsync::sandbox::github {

namespace {

const char* const docs_graphql = "https://docs.github.com/graphql";

}  // namespace

gql_result gql_scalar(json::value v) {
  gql_result r;
  r.scalar = std::move(v);
  return r;
}
gql_result gql_object(gql_ref ref) {
  gql_result r;
  r.what = gql_result::kind::object;
  r.object = std::move(ref);
  return r;
}
gql_result gql_unknown() {
  gql_result r;
  r.what = gql_result::kind::unknown_field;
  return r;
}

// Connection cursors are the base64 of the item's position, as GitHub's project cursors are.
std::string cursor_of(std::size_t position) {
  static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const std::string raw = std::to_string(position);
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned char c : raw) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(a[(buffer >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(a[(buffer << (6 - bits)) & 0x3f]);
  while (out.size() % 4 != 0) out.push_back('=');
  return out;
}

std::optional<std::size_t> position_of(const std::string& cursor) {
  static const std::string a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string raw;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : cursor) {
    if (c == '=') break;
    const auto v = a.find(c);
    if (v == std::string::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      raw.push_back(static_cast<char>((buffer >> bits) & 0xff));
    }
  }
  if (raw.empty() || raw.size() > 9 ||
      !std::all_of(raw.begin(), raw.end(), [](unsigned char c) { return std::isdigit(c); }))
    return std::nullopt;
  return static_cast<std::size_t>(std::stoull(raw));
}

bool implements(const std::string& cond, const std::string& type) {
  if (cond == type) return true;
  static const std::map<std::string, std::vector<std::string>> abstract{
      {"ProjectV2FieldCommon",
       {"ProjectV2Field", "ProjectV2SingleSelectField", "ProjectV2IterationField"}},
      {"ProjectV2FieldConfiguration",
       {"ProjectV2Field", "ProjectV2SingleSelectField", "ProjectV2IterationField"}},
      {"ProjectV2ItemFieldValueCommon",
       {"ProjectV2ItemFieldTextValue", "ProjectV2ItemFieldNumberValue",
        "ProjectV2ItemFieldDateValue", "ProjectV2ItemFieldSingleSelectValue",
        "ProjectV2ItemFieldIterationValue"}},
      {"ProjectV2ItemFieldValue",
       {"ProjectV2ItemFieldTextValue", "ProjectV2ItemFieldNumberValue",
        "ProjectV2ItemFieldDateValue", "ProjectV2ItemFieldSingleSelectValue",
        "ProjectV2ItemFieldIterationValue"}},
      {"ProjectV2Owner", {"Organization", "User"}},
      {"RepositoryOwner", {"Organization", "User"}},
      {"ProjectV2ItemContent", {"Issue", "PullRequest", "DraftIssue"}},
      {"Node",
       {"Organization", "User", "ProjectV2", "ProjectV2Field", "ProjectV2SingleSelectField",
        "ProjectV2IterationField", "ProjectV2Item", "Issue", "Repository",
        "ProjectV2ItemFieldTextValue", "ProjectV2ItemFieldNumberValue",
        "ProjectV2ItemFieldDateValue", "ProjectV2ItemFieldSingleSelectValue",
        "ProjectV2ItemFieldIterationValue"}}};
  auto it = abstract.find(cond);
  return it != abstract.end() &&
         std::find(it->second.begin(), it->second.end(), type) != it->second.end();
}

bool known_type(const std::string& name) {
  static const std::vector<std::string> concrete{"Query",
                                                 "Mutation",
                                                 "Organization",
                                                 "User",
                                                 "ProjectV2",
                                                 "ProjectV2Field",
                                                 "ProjectV2SingleSelectField",
                                                 "ProjectV2IterationField",
                                                 "ProjectV2Item",
                                                 "Issue",
                                                 "PullRequest",
                                                 "DraftIssue",
                                                 "Repository",
                                                 "RateLimit",
                                                 "PageInfo",
                                                 "ProjectV2SingleSelectFieldOption",
                                                 "ProjectV2IterationFieldIteration",
                                                 "ProjectV2IterationFieldConfiguration"};
  if (std::find(concrete.begin(), concrete.end(), name) != concrete.end()) return true;
  return implements("Node", name) || name == "Node" || name == "ProjectV2FieldCommon" ||
         name == "ProjectV2FieldConfiguration" || name == "ProjectV2ItemFieldValueCommon" ||
         name == "ProjectV2ItemFieldValue" || name == "ProjectV2Owner" ||
         name == "RepositoryOwner" || name == "ProjectV2ItemContent";
}

json::object location(const gql_location& at) {
  return json::object{{"line", at.line}, {"column", at.column}};
}

api_response github_emulator::graphql_route(api_call& call) {
  if (call.method != "POST") return github_error(http::status::not_found, "Not Found", docs_rest);
  boost::system::error_code ec;
  json::value body = json::parse(call.req->body(), ec);
  if (ec || !body.is_object())
    return github_error(http::status::bad_request, "Problems parsing JSON", docs_graphql);
  const json::object& b = body.as_object();
  const json::value* query = b.if_contains("query");
  if (!query || !query->is_string())
    return json_response(
        http::status::ok,
        json::object{
            {"errors",
             json::array{json::object{
                 {"message", "A query attribute must be specified and must be a string."}}}}});
  json::object variables;
  if (const json::value* v = b.if_contains("variables"); v && v->is_object())
    variables = v->as_object();

  auto parsed = parse_graphql(std::string(query->as_string()));
  if (auto* err = std::get_if<gql_parse_error>(&parsed)) {
    return json_response(
        http::status::ok,
        json::object{
            {"errors", json::array{json::object{{"message", err->message},
                                                {"locations", json::array{location(err->at)}}}}}});
  }
  const gql_document& doc = std::get<gql_document>(parsed);
  const gql_operation* op = nullptr;
  const std::string wanted = b.contains("operationName") && b.at("operationName").is_string()
                                 ? std::string(b.at("operationName").as_string())
                                 : std::string();
  for (const auto& o : doc.operations)
    if (wanted.empty() ? doc.operations.size() == 1 : o.name == wanted) op = &o;
  if (!op) {
    const std::string message = doc.operations.empty() ? "No operations in query document"
                                : wanted.empty()       ? "An operation name is required"
                                                       : "No operation named \"" + wanted + "\"";
    return json_response(http::status::ok,
                         json::object{{"errors", json::array{json::object{{"message", message}}}}});
  }

  // GraphQL has its own points budget; each operation costs one point here.
  const primary_status status =
      rate_.take_primary(call.who.rate_key, "graphql", scaled(limits_.graphql_points_per_hour),
                         std::chrono::hours(1), now());
  if (status.exhausted) {
    services_.record_violation("github", call.endpoint, "graphql rate limit exhausted");
    api_response res = json_response(
        http::status::ok,
        json::object{
            {"errors", json::array{json::object{{"type", "RATE_LIMITED"},
                                                {"code", "graphql_rate_limit"},
                                                {"message", "API rate limit already exceeded for " +
                                                                call.who.rate_subject + "."}}}}});
    add_rate_headers(res, status);
    return res;
  }
  graphql_run run(*this, doc, std::move(variables), status, call.who.login);
  json::value data = run.run(*op);
  json::object answer;
  if (!data.is_null() || run.errors.empty()) answer["data"] = std::move(data);
  if (!run.errors.empty()) answer["errors"] = std::move(run.errors);
  api_response res = json_response(http::status::ok, answer);
  add_rate_headers(res, status);
  return res;
}

}  // namespace ngsync::sandbox::github

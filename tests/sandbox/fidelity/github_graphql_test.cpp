// GitHub's GraphQL API in the emulator: ProjectsV2 lookups with fragments, node ids, the item
// mutations, stale option ids, GitHub's error shapes, pagination and the points budget.
#include <map>

#include <doctest/doctest.h>

#include "tests/sandbox/fidelity/github_test_support.hpp"

namespace ngsync::sandbox::fidelity {
namespace {

json::object projects_scenario(int graphql_points = 5000) {
  json::object s = basic_scenario();
  s["users"].as_array().push_back(json::object{{"login", "octo-org"}, {"type", "Organization"}});
  s["limits"] = json::object{{"graphql_points_per_hour", graphql_points}};
  s["projects"] = json::parse(R"([
    {"org": "octo-org", "number": 1, "title": "Roadmap",
     "fields": [{"name": "Status", "type": "single_select", "options": ["Todo", "In Progress", "Done"]},
                {"name": "Estimate", "type": "number"},
                {"name": "Due", "type": "date"},
                {"name": "Notes", "type": "text"},
                {"name": "Sprint", "type": "iteration",
                 "iterations": [{"title": "Sprint 1", "start_date": "2026-11-02"},
                                {"title": "Sprint 2", "start_date": "2026-11-16", "duration": 7}]}]},
    {"user": "octo", "number": 2, "title": "Personal",
     "fields": [{"name": "Status", "type": "single_select", "options": ["Open"]}]}])");
  return s;
}

json::object gql(github_harness& gh, const std::string& query, json::object variables = {},
                 const std::string& token = "tok-octo") {
  auto res = gh.request(http::verb::post, "/graphql", token,
                        json::object{{"query", query}, {"variables", std::move(variables)}});
  INFO(res.body());
  REQUIRE(res.result_int() == 200);
  return body_of(res).as_object();
}

const char* const fields_query = R"(
query Fields($org: String!, $number: Int!) {
  organization(login: $org) {
    projectV2(number: $number) {
      id title
      fields(first: 20) {
        nodes {
          __typename
          ... on ProjectV2FieldCommon { id name dataType }
          ... on ProjectV2SingleSelectField { id name options { id name } }
          ... on ProjectV2IterationField { id name configuration { iterations { id title startDate } } }
        }
      }
    }
  }
  budget: rateLimit { cost remaining resetAt limit used }
})";

// The project's fields by name, from the GraphQL answer.
std::map<std::string, json::object> fields_by_name(const json::object& answer) {
  std::map<std::string, json::object> out;
  for (const auto& f :
       answer.at("data").at("organization").at("projectV2").at("fields").at("nodes").as_array())
    out[std::string(f.at("name").as_string())] = f.as_object();
  return out;
}

std::string option_id(const json::object& field, const std::string& name) {
  for (const auto& o : field.at("options").as_array())
    if (o.at("name").as_string() == name) return std::string(o.at("id").as_string());
  return {};
}

std::string new_issue_node_id(github_harness& gh, const std::string& title) {
  auto res = gh.request(http::verb::post, "/repos/octo/tracker/issues", "tok-octo",
                        json::object{{"title", title}});
  REQUIRE(res.result_int() == 201);
  return std::string(body_of(res).at("node_id").as_string());
}

const json::object& state_project(github_harness& gh, int index) {
  static json::value state;
  state = gh.emu->state();
  return state.at("projects").at(index).as_object();
}

}  // namespace

TEST_CASE("graphql: an org project's fields come back with only the selected keys") {
  github_harness gh;
  gh.emu->load(projects_scenario());
  auto res =
      gh.request(http::verb::post, "/graphql", "tok-octo",
                 json::object{{"query", fields_query},
                              {"variables", json::object{{"org", "octo-org"}, {"number", 1}}}});
  REQUIRE(res.result_int() == 200);
  CHECK(res["x-ratelimit-resource"] == "graphql");
  const json::object answer = body_of(res).as_object();
  CHECK_FALSE(answer.contains("errors"));
  const auto& project = answer.at("data").at("organization").at("projectV2").as_object();
  CHECK(project.at("title") == "Roadmap");
  CHECK(project.at("id").as_string().subview().substr(0, 4) == "PVT_");
  CHECK(project.size() == 3);  // id, title, fields: nothing unselected

  auto fields = fields_by_name(answer);
  REQUIRE(fields.size() == 6);  // Title plus the five declared
  CHECK(fields["Title"].at("dataType") == "TITLE");
  CHECK(fields["Estimate"].at("__typename") == "ProjectV2Field");
  CHECK(fields["Estimate"].at("dataType") == "NUMBER");
  CHECK_FALSE(fields["Estimate"].contains("options"));
  CHECK(fields["Status"].at("__typename") == "ProjectV2SingleSelectField");
  CHECK(fields["Status"].at("dataType") == "SINGLE_SELECT");
  CHECK(fields["Status"].at("id").as_string().subview().substr(0, 7) == "PVTSSF_");
  REQUIRE(fields["Status"].at("options").as_array().size() == 3);
  CHECK(fields["Status"].at("options").at(1).at("name") == "In Progress");
  CHECK(fields["Status"].at("options").at(1).as_object().size() == 2);
  const auto& iterations = fields["Sprint"].at("configuration").at("iterations").as_array();
  REQUIRE(iterations.size() == 2);
  CHECK(iterations[1].at("title") == "Sprint 2");
  CHECK(iterations[1].at("startDate") == "2026-11-16");

  const auto& budget = answer.at("data").at("budget").as_object();
  CHECK(budget.at("cost") == 1);
  CHECK(budget.at("limit") == 5000);
  CHECK(budget.at("remaining") == 4999);
  CHECK(budget.at("used") == 1);
  CHECK(budget.at("resetAt").is_string());
  auto again = gql(gh, "{ rateLimit { remaining } }");
  CHECK(again.at("data").at("rateLimit").at("remaining") == 4998);

  // The same under user(login:) for a user's project.
  auto user = gql(gh, R"({ user(login: "octo") { projectV2(number: 2) { title
                          fields(first: 5) { totalCount } } } })");
  CHECK(user.at("data").at("user").at("projectV2").at("title") == "Personal");
  CHECK(user.at("data").at("user").at("projectV2").at("fields").at("totalCount") == 2);
}

TEST_CASE("graphql: unknown owners, projects and nodes are NOT_FOUND errors beside the data") {
  github_harness gh;
  gh.emu->load(projects_scenario());
  auto org = gql(gh, R"({ organization(login: "octo") { projectV2(number: 1) { id } } })");
  CHECK(org.at("data").at("organization").is_null());
  const auto& e = org.at("errors").at(0).as_object();
  CHECK(e.at("type") == "NOT_FOUND");
  CHECK(e.at("path") == json::array{"organization"});
  CHECK(e.at("locations").at(0).at("line") == 1);
  CHECK(e.at("locations").at(0).at("column") == 3);
  CHECK(e.at("message") == "Could not resolve to an Organization with the login of 'octo'.");

  auto project =
      gql(gh, R"({ organization(login: "octo-org") { login projectV2(number: 99) { id } } })");
  CHECK(project.at("data").at("organization").at("login") == "octo-org");
  CHECK(project.at("data").at("organization").at("projectV2").is_null());
  CHECK(project.at("errors").at(0).at("path") == json::array{"organization", "projectV2"});
  CHECK(project.at("errors").at(0).at("message") ==
        "Could not resolve to a ProjectV2 with the number 99.");

  auto node = gql(gh, R"({ node(id: "PVTI_nope") { id } })");
  CHECK(node.at("data").at("node").is_null());
  CHECK(node.at("errors").at(0).at("type") == "NOT_FOUND");
}

TEST_CASE("graphql: items are added, set, cleared and deleted, and node(id:) reads them") {
  github_harness gh;
  gh.emu->load(projects_scenario());
  auto fields = fields_by_name(gql(gh, fields_query, {{"org", "octo-org"}, {"number", 1}}));
  const std::string project_id(state_project(gh, 0).at("id").as_string());
  const std::string issue = new_issue_node_id(gh, "Ship it");
  CHECK(issue.substr(0, 2) == "I_");

  const char* add = R"(mutation Add($p: ID!, $c: ID!) {
      addProjectV2ItemById(input: {projectId: $p, contentId: $c}) { item { id } } })";
  auto added = gql(gh, add, {{"p", project_id}, {"c", issue}});
  const std::string item(
      added.at("data").at("addProjectV2ItemById").at("item").at("id").as_string());
  CHECK(item.substr(0, 5) == "PVTI_");
  // Adding the same issue again answers the same item.
  auto twice = gql(gh, add, {{"p", project_id}, {"c", issue}});
  CHECK(twice.at("data").at("addProjectV2ItemById").at("item").at("id") == json::value(item));
  CHECK(state_project(gh, 0).at("items").as_array().size() == 1);

  const char* update = R"(mutation Set($p: ID!, $i: ID!, $f: ID!, $v: ProjectV2FieldValue!) {
      updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f, value: $v}) {
        projectV2Item { id } } })";
  auto set = [&](const std::string& field, json::object value) {
    return gql(
        gh, update,
        {{"p", project_id}, {"i", item}, {"f", fields[field].at("id")}, {"v", std::move(value)}});
  };
  auto status =
      set("Status", {{"singleSelectOptionId", option_id(fields["Status"], "In Progress")}});
  CHECK(status.at("data").at("updateProjectV2ItemFieldValue").at("projectV2Item").at("id") ==
        json::value(item));
  CHECK_FALSE(set("Estimate", {{"number", 3.5}}).contains("errors"));
  CHECK_FALSE(set("Due", {{"date", "2026-12-01"}}).contains("errors"));
  CHECK_FALSE(set("Notes", {{"text", "from Notion"}}).contains("errors"));
  const std::string sprint2(
      fields["Sprint"].at("configuration").at("iterations").at(1).at("id").as_string());
  CHECK_FALSE(set("Sprint", {{"iterationId", sprint2}}).contains("errors"));

  const auto& values = state_project(gh, 0).at("items").at(0).at("values").as_object();
  CHECK(values.at("Status").at("name") == "In Progress");
  CHECK(values.at("Estimate") == 3.5);
  CHECK(values.at("Due") == "2026-12-01");
  CHECK(values.at("Notes") == "from Notion");
  CHECK(values.at("Sprint").at("title") == "Sprint 2");
  CHECK(state_project(gh, 0).at("items").at(0).at("issue") == "octo/tracker#1");

  // A wrong value type for the field is an error, and changes nothing.
  auto wrong = set("Estimate", {{"text", "three"}});
  CHECK(wrong.at("data").at("updateProjectV2ItemFieldValue").is_null());
  CHECK(wrong.at("errors").at(0).at("path") == json::array{"updateProjectV2ItemFieldValue"});
  CHECK(state_project(gh, 0).at("items").at(0).at("values").at("Estimate") == 3.5);

  auto read = gql(gh, R"(query($id: ID!) { node(id: $id) { __typename ... on ProjectV2Item {
        content { ... on Issue { title number } }
        status: fieldValueByName(name: "Status") {
          ... on ProjectV2ItemFieldSingleSelectValue { name optionId } }
        fieldValues(first: 10) { nodes {
          ... on ProjectV2ItemFieldTextValue { text field { ... on ProjectV2FieldCommon { name } } }
          ... on ProjectV2ItemFieldNumberValue { number } } } } } })",
                  {{"id", item}});
  const auto& node = read.at("data").at("node").as_object();
  CHECK(node.at("__typename") == "ProjectV2Item");
  CHECK(node.at("content").at("title") == "Ship it");
  CHECK(node.at("status").at("name") == "In Progress");
  const auto& nodes = node.at("fieldValues").at("nodes").as_array();
  REQUIRE(nodes.size() == 6);  // Title and the five set values
  CHECK(nodes[0].at("text") == "Ship it");
  CHECK(nodes[0].at("field").at("name") == "Title");
  CHECK(nodes[2].at("number") == 3.5);
  CHECK(nodes[1].as_object().empty());  // the single-select value: no fragment selected it

  auto cleared = gql(gh, R"(mutation($p: ID!, $i: ID!, $f: ID!) {
      clearProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f}) {
        projectV2Item { id } } })",
                     {{"p", project_id}, {"i", item}, {"f", fields["Status"].at("id")}});
  CHECK_FALSE(cleared.contains("errors"));
  CHECK_FALSE(state_project(gh, 0).at("items").at(0).at("values").as_object().contains("Status"));

  auto deleted = gql(gh, R"(mutation($p: ID!, $i: ID!) {
      deleteProjectV2Item(input: {projectId: $p, itemId: $i}) { deletedItemId } })",
                     {{"p", project_id}, {"i", item}});
  CHECK(deleted.at("data").at("deleteProjectV2Item").at("deletedItemId") == json::value(item));
  CHECK(state_project(gh, 0).at("items").as_array().empty());
  auto again = gql(gh, R"(mutation($p: ID!, $i: ID!) {
      deleteProjectV2Item(input: {projectId: $p, itemId: $i}) { deletedItemId } })",
                   {{"p", project_id}, {"i", item}});
  CHECK(again.at("errors").at(0).at("type") == "NOT_FOUND");
}

TEST_CASE("graphql: a renamed or deleted option leaves the client's cached id stale") {
  github_harness gh;
  gh.emu->load(projects_scenario());
  auto fields = fields_by_name(gql(gh, fields_query, {{"org", "octo-org"}, {"number", 1}}));
  const std::string project_id(state_project(gh, 0).at("id").as_string());
  const std::string issue = new_issue_node_id(gh, "Stale");
  auto added = gql(gh, R"(mutation($p: ID!, $c: ID!) {
      addProjectV2ItemById(input: {projectId: $p, contentId: $c}) { item { id } } })",
                   {{"p", project_id}, {"c", issue}});
  const json::value item = added.at("data").at("addProjectV2ItemById").at("item").at("id");
  const std::string todo = option_id(fields["Status"], "Todo");
  const std::string done = option_id(fields["Status"], "Done");
  const char* update = R"(mutation($p: ID!, $i: ID!, $f: ID!, $o: String!) {
      updateProjectV2ItemFieldValue(input: {projectId: $p, itemId: $i, fieldId: $f,
                                            value: {singleSelectOptionId: $o}}) {
        projectV2Item { id } } })";
  auto set = [&](const std::string& option) {
    return gql(gh, update,
               {{"p", project_id}, {"i", item}, {"f", fields["Status"].at("id")}, {"o", option}});
  };
  CHECK_FALSE(set(todo).contains("errors"));

  gh.emu->act("rename_project_option", json::object{{"owner", "octo-org"},
                                                    {"number", 1},
                                                    {"field", "Status"},
                                                    {"option", "Todo"},
                                                    {"new_name", "Backlog"}});
  auto stale = set(todo);
  CHECK(stale.at("data").at("updateProjectV2ItemFieldValue").is_null());
  CHECK(stale.at("errors").at(0).at("message") ==
        "The single select option Id does not belong to the field");
  // The item keeps its option, under the new name and id.
  CHECK(state_project(gh, 0).at("items").at(0).at("values").at("Status").at("name") == "Backlog");

  CHECK_FALSE(set(done).contains("errors"));
  gh.emu->act(
      "delete_project_option",
      json::object{{"owner", "octo-org"}, {"number", 1}, {"field", "Status"}, {"option", "Done"}});
  CHECK_FALSE(state_project(gh, 0).at("items").at(0).at("values").as_object().contains("Status"));
  CHECK(set(done).contains("errors"));
  auto refreshed = fields_by_name(gql(gh, fields_query, {{"org", "octo-org"}, {"number", 1}}));
  CHECK(refreshed["Status"].at("options").as_array().size() == 2);
  CHECK_FALSE(option_id(refreshed["Status"], "Backlog").empty());
}

TEST_CASE("graphql: parse errors, unknown fields and bad input are shaped as GitHub's") {
  github_harness gh;
  gh.emu->load(projects_scenario());
  auto eof = gql(gh, R"({ organization(login: "octo-org") { login })");
  CHECK_FALSE(eof.contains("data"));
  CHECK(eof.at("errors").at(0).at("message") == "Unexpected end of document");

  auto bad = gql(gh, "query {\n  rateLimit(x: ) { cost }\n}");
  CHECK_FALSE(bad.contains("data"));
  CHECK(bad.at("errors").at(0).at("message") == "Parse error on \")\" (RPAREN) at [2, 16]");
  CHECK(bad.at("errors").at(0).at("locations").at(0).at("line") == 2);

  auto unknown = gql(gh, "query Q { rateLimit { cost bogus } }");
  CHECK_FALSE(unknown.contains("data"));
  const auto& e = unknown.at("errors").at(0).as_object();
  CHECK(e.at("message") == "Field 'bogus' doesn't exist on type 'RateLimit'");
  CHECK(e.at("extensions").at("code") == "undefinedField");
  CHECK(e.at("path") == json::array{"query Q", "rateLimit", "bogus"});

  auto no_input =
      gql(gh, R"(mutation { deleteProjectV2Item(input: {projectId: "x"}) { deletedItemId } })");
  CHECK_FALSE(no_input.contains("data"));
  CHECK(no_input.at("errors").at(0).at("extensions").at("code") == "argumentLiteralsIncompatible");

  auto missing_var = gql(
      gh,
      R"(query($n: Int!) { organization(login: "octo-org") { projectV2(number: $n) { id } } })");
  CHECK_FALSE(missing_var.contains("data"));
  CHECK(missing_var.at("errors").at(0).at("message") ==
        "Variable $n of type Int! was provided invalid value");

  auto no_query = gh.request(http::verb::post, "/graphql", "tok-octo", json::object{{"q", 1}});
  CHECK(body_of(no_query).at("errors").at(0).at("message") ==
        "A query attribute must be specified and must be a string.");
  CHECK(
      gh.request(http::verb::post, "/graphql", "", json::object{{"query", "{ viewer { login } }"}})
          .result_int() == 401);
  auto viewer = gql(gh, "{ viewer { login } }");
  CHECK(viewer.at("data").at("viewer").at("login") == "octo");
}

TEST_CASE("graphql: connections page with first/after and demand a boundary") {
  github_harness gh;
  gh.emu->load(projects_scenario());
  const char* q =
      R"(query($after: String) { organization(login: "octo-org") { projectV2(number: 1) {
      fields(first: 4, after: $after) { totalCount pageInfo { hasNextPage endCursor }
        nodes { ... on ProjectV2FieldCommon { name } } } } } })";
  auto first = gql(gh, q);
  const auto& page1 = first.at("data").at("organization").at("projectV2").at("fields").as_object();
  CHECK(page1.at("totalCount") == 6);
  CHECK(page1.at("nodes").as_array().size() == 4);
  CHECK(page1.at("pageInfo").at("hasNextPage") == true);
  auto second = gql(gh, q, {{"after", page1.at("pageInfo").at("endCursor")}});
  const auto& page2 = second.at("data").at("organization").at("projectV2").at("fields").as_object();
  REQUIRE(page2.at("nodes").as_array().size() == 2);
  CHECK(page2.at("nodes").at(0).at("name") == "Notes");
  CHECK(page2.at("pageInfo").at("hasNextPage") == false);

  auto unbounded = gql(
      gh,
      R"({ organization(login: "octo-org") { projectV2(number: 1) { items { totalCount } } } })");
  CHECK(unbounded.at("errors").at(0).at("type") == "MISSING_PAGINATION_BOUNDARIES");
  CHECK(unbounded.at("data").at("organization").at("projectV2").at("items").is_null());
}

TEST_CASE("graphql: the points budget is GraphQL's own, and overruns are violations") {
  github_harness gh;
  gh.emu->load(projects_scenario(3));
  for (int i = 0; i < 3; ++i) {
    auto ok = gql(gh, "{ rateLimit { remaining } }");
    CHECK(ok.at("data").at("rateLimit").at("remaining") == 2 - i);
  }
  CHECK(gh.violations.empty());
  auto res = gh.request(http::verb::post, "/graphql", "tok-octo",
                        json::object{{"query", "{ rateLimit { remaining } }"}});
  CHECK(res.result_int() == 200);
  CHECK(res["x-ratelimit-remaining"] == "0");
  const auto refused = body_of(res).as_object();
  CHECK_FALSE(refused.contains("data"));
  CHECK(refused.at("errors").at(0).at("type") == "RATE_LIMITED");
  CHECK(refused.at("errors").at(0).at("message") ==
        "API rate limit already exceeded for user ID 101.");
  REQUIRE(gh.violations.size() == 1);
  CHECK(gh.violations[0].endpoint == "POST /graphql");

  // REST keeps its own budget, and /rate_limit reports the graphql one.
  CHECK(gh.request(http::verb::get, "/repos/octo/tracker", "tok-octo").result_int() == 200);
  auto limits = body_of(gh.request(http::verb::get, "/rate_limit", "tok-octo"));
  CHECK(limits.at("resources").at("graphql").at("remaining") == 0);
  CHECK(limits.at("resources").at("graphql").at("limit") == 3);

  gh.clock.advance(std::chrono::hours(1));
  CHECK(gql(gh, "{ rateLimit { remaining } }").at("data").at("rateLimit").at("remaining") == 2);
}

}  // namespace ngsync::sandbox::fidelity

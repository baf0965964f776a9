// Correlation from the page: a page the link table does not know re-links the issue it names,
// only when that issue is provably the daemon's own for this page.
#include <doctest/doctest.h>

#include "core/sync/correlation.hpp"

using namespace ngsync;
using namespace ngsync::sync;

namespace {

const std::string page_id = "dcdc805c-85fa-4155-a55c-20fc28771af7";

mapping_rules rules() {
  mapping_rules r;
  r.fixed_repository = "Acme/Widgets";
  r.repository_property = "GitHub Repository";
  r.write_back.issue_number = "Issue";
  r.write_back.issue_url = "Issue URL";
  return r;
}

notion::notion_page page(std::optional<double> number, std::string url = "",
                         std::string repo_prop = "") {
  notion::notion_page p;
  p.id = page_id;
  notion::property_value n;
  n.type = notion::property_type::number;
  n.number = number;
  n.is_empty = !number;
  p.properties["Issue"] = n;
  notion::property_value u;
  u.type = notion::property_type::url;
  u.text = url;
  u.is_empty = url.empty();
  p.properties["Issue URL"] = u;
  notion::property_value r;
  r.type = notion::property_type::rich_text;
  r.text = repo_prop;
  r.is_empty = repo_prop.empty();
  p.properties["GitHub Repository"] = r;
  return p;
}

github::github_issue issue_by(std::string login, std::string marked_page = page_id) {
  github::github_issue i;
  i.number = 12;
  i.user_login = std::move(login);
  i.body = "text\n<!-- ngsync:begin -->\n<!-- Notion-Page-ID: " + marked_page +
           " -->\n<!-- ngsync:end -->";
  return i;
}

}  // namespace

TEST_CASE("the issue a page claims: its URL first, else its number in the mapped repository") {
  CHECK_FALSE(issue_claimed_by(page(std::nullopt), rules()));
  auto by_number = issue_claimed_by(page(12), rules());
  REQUIRE(by_number);
  REQUIRE(by_number->has_value());
  CHECK(by_number->value() == claimed_issue{"acme/widgets", 12});
  auto by_url = issue_claimed_by(page(12, "https://github.com/Acme/Other/issues/7"), rules());
  REQUIRE(by_url);
  CHECK(by_url->value() == claimed_issue{"acme/other", 7});
  auto from_property = issue_claimed_by(page(3, "", "acme/gadgets"), rules());
  CHECK(from_property->value() == claimed_issue{"acme/gadgets", 3});
  // Unreadable claims are errors for the page, never silently ignored (ignoring would create).
  CHECK(issue_claimed_by(page(12.5), rules())->has_error());
  CHECK(issue_claimed_by(page(-1), rules())->has_error());
  CHECK(issue_claimed_by(page(std::nullopt, "https://example.com/not-an-issue"), rules())
            ->has_error());
  auto no_repo = rules();
  no_repo.fixed_repository.reset();
  CHECK(issue_claimed_by(page(4), no_repo)->has_error());
  CHECK(mapped_repository(page(1), rules()) == "acme/widgets");
  CHECK(mapped_repository(page(1, "", "acme/gadgets"), rules()) == "acme/gadgets");
}

TEST_CASE("a claimed issue is adopted only when it is provably the daemon's own for this page") {
  const claimed_issue claim{"acme/widgets", 12};
  CHECK(judge_claim(page_id, claim, issue_by("ngsync-bot"), "acme/widgets", "ngsync-bot").verdict ==
        claim_verdict::adopt);
  CHECK(judge_claim(page_id, claim, issue_by("NGSync-Bot"), "acme/widgets", "ngsync-bot").verdict ==
        claim_verdict::adopt);
  const auto gone = judge_claim(page_id, claim, std::nullopt, "acme/widgets", "ngsync-bot");
  CHECK(gone.verdict == claim_verdict::not_found);
  CHECK(gone.message.find("acme/widgets#12") != std::string::npos);
  CHECK(judge_claim(page_id, claim, issue_by("ada-l"), "acme/widgets", "ngsync-bot").verdict ==
        claim_verdict::foreign_author);
  CHECK(judge_claim(page_id, claim, issue_by("ngsync-bot"), "acme/widgets", "").verdict ==
        claim_verdict::foreign_author);  // unknown identity: never adopted on trust
  auto plain = issue_by("ngsync-bot");
  plain.body = "someone's own issue";
  CHECK(judge_claim(page_id, claim, plain, "acme/widgets", "ngsync-bot").verdict ==
        claim_verdict::no_marker);
  const auto other = judge_claim(page_id, claim,
                                 issue_by("ngsync-bot", "11111111-2222-4333-8444-555555555555"),
                                 "acme/widgets", "ngsync-bot");
  CHECK(other.verdict == claim_verdict::other_page);
  CHECK(other.message.find("another page") != std::string::npos);
  CHECK(judge_claim(page_id, {"acme/other", 12}, issue_by("ngsync-bot"), "acme/widgets",
                    "ngsync-bot")
            .verdict == claim_verdict::other_repo);
}

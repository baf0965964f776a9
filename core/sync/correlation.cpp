#include "core/sync/correlation.hpp"

#include <cmath>

#include <fmt/format.h>

#include "core/notion/notion_id.hpp"
#include "core/sync/adoption.hpp"
#include "core/sync/issue_body.hpp"
#include "core/sync/issue_location.hpp"
#include "core/sync/repo_name.hpp"

namespace ngsync::sync {

namespace {
std::string ref(const claimed_issue& c) { return fmt::format("{}#{}", c.repo, c.number); }
}  // namespace

std::optional<std::string> mapped_repository(const notion::notion_page& page,
                                             const mapping_rules& rules) {
  std::optional<std::string> text = rules.fixed_repository;
  if (rules.repository_property) {
    if (const auto* r = page.find(*rules.repository_property); r && !r->text.empty()) text = r->text;
  }
  if (!text) return std::nullopt;
  auto repo = parse_repo_name(*text, rules.github_web_host);
  if (!repo) return std::nullopt;
  return repo->full();
}

std::optional<input_result<claimed_issue>> issue_claimed_by(const notion::notion_page& page,
                                                            const mapping_rules& rules) {
  const auto& wb = rules.write_back;
  if (wb.issue_url) {
    if (const auto* p = page.find(*wb.issue_url); p && !p->is_empty && !p->text.empty()) {
      auto at = location_of(p->text);
      if (!at) {
        return input_result<claimed_issue>(input_error{
            fmt::format("{} \"{}\" is not a GitHub issue URL", *wb.issue_url, p->text.substr(0, 200))});
      }
      return input_result<claimed_issue>(claimed_issue{at->repo, at->number});
    }
  }
  if (!wb.issue_number) return std::nullopt;
  const auto* n = page.find(*wb.issue_number);
  if (!n || n->is_empty || !n->number) return std::nullopt;
  const double v = *n->number;
  if (!(v >= 1) || v != std::floor(v) || v > 1e15) {
    return input_result<claimed_issue>(
        input_error{fmt::format("{} {} is not an issue number", *wb.issue_number, v)});
  }
  std::optional<std::string> repo_text = rules.fixed_repository;
  if (rules.repository_property) {
    if (const auto* r = page.find(*rules.repository_property); r && !r->text.empty())
      repo_text = r->text;
  }
  if (!repo_text) {
    return input_result<claimed_issue>(input_error{fmt::format(
        "{} is set but the page names no GitHub repository", *wb.issue_number)});
  }
  auto repo = parse_repo_name(*repo_text, rules.github_web_host);
  if (!repo) return input_result<claimed_issue>(repo.error());
  return input_result<claimed_issue>(claimed_issue{repo->full(), static_cast<std::int64_t>(v)});
}

claim_judgement judge_claim(std::string_view page_id, const claimed_issue& claim,
                            const std::optional<github::github_issue>& found,
                            std::string_view mapped_repo, std::string_view own_login) {
  const auto where = ref(claim);
  if (!mapped_repo.empty() && claim.repo != mapped_repo) {
    return {claim_verdict::other_repo,
            fmt::format("the page names {}, outside this mapping's repository {}; not linked",
                        where, mapped_repo)};
  }
  if (!found) {
    return {claim_verdict::not_found,
            fmt::format("the page names {}, which does not exist (or was deleted); nothing is "
                        "created while the page names it: clear the issue number and URL to "
                        "create a new one",
                        where)};
  }
  const auto markers = parse_markers(found->body);
  if (!markers.page_id) {
    return {claim_verdict::no_marker,
            fmt::format("the page names {}, which ngsync did not create (it has no page "
                        "marker); not linked",
                        where)};
  }
  if (notion::compact_id(*markers.page_id) != notion::compact_id(page_id)) {
    return {claim_verdict::other_page,
            fmt::format("the page names {}, which belongs to another page ({}); not linked",
                        where, *markers.page_id)};
  }
  if (!written_by_daemon(found->user_login, own_login)) {
    return {claim_verdict::foreign_author,
            own_login.empty()
                ? fmt::format("the page names {}, but ngsync's own GitHub identity is unknown "
                              "(set github.own_login), so it cannot tell its issue from a copy",
                              where)
                : fmt::format("the page names {}, which @{} opened, not ngsync (@{}); not linked",
                              where, found->user_login, own_login)};
  }
  return {claim_verdict::adopt, {}};
}

}  // namespace ngsync::sync

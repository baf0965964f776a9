#include "daemon/engine/page_correlation.hpp"

#include "core/api/api_failure.hpp"
#include "core/log/logging.hpp"
#include "core/sync/correlation.hpp"
#include "core/sync/issue_location.hpp"

namespace ngsync::engine {
namespace net = boost::asio;

net::awaitable<correlation_outcome> correlate_page(
    storage::link_port& links, github::github_port& github, const notion::notion_page& page,
    const sync::mapping_binding& mapping, std::string data_source_id, std::string own_login) {
  correlation_outcome out;
  const auto& rules = mapping.rules;
  auto claim = sync::issue_claimed_by(page, rules);
  if (!claim) co_return out;
  out.claimed = true;
  if (claim->has_error()) {
    out.refusal = claim->error().message;
    co_await links.ensure_error_row(page.id, data_source_id);  // the mark_error follows
    co_return out;
  }
  const auto wanted = claim->value();
  std::optional<github::github_issue> found;
  try {
    found = co_await github.get_issue(wanted.repo, wanted.number);
  } catch (const api::api_exception& e) {
    if (!sync::issue_gone(e.failure())) throw;
  }
  const auto mapped = sync::mapped_repository(page, rules).value_or("");
  const auto verdict = sync::judge_claim(page.id, wanted, found, mapped, own_login);
  if (verdict.verdict != sync::claim_verdict::adopt) {
    out.refusal = verdict.message;
    log::get("sync")->warn("page={} names {}#{}, not adopted: {}", page.id, wanted.repo,
                           wanted.number, verdict.message);
    co_await links.ensure_error_row(page.id, data_source_id);  // the mark_error follows
    co_return out;
  }
  storage::page_link link;
  link.notion_page_id = page.id;
  link.data_source_id = std::move(data_source_id);
  link.github_repo = wanted.repo;
  link.issue_number = static_cast<int>(found->number);
  link.issue_node_id = found->node_id;
  link.issue_html_url = found->html_url;
  link.kind = found->is_pull_request ? sync::issue_kind::draft_pr : sync::issue_kind::issue;
  // No hash: the next plan compares everything with the issue.
  link.sync_status = sync::link_status::pending;
  co_await links.adopt_if_unlinked(link);
  log::get("sync")->info(
      "page={} re-linked to {}#{} (named by the page, marker and author checked)", page.id,
      wanted.repo, wanted.number);
  out.link = std::move(link);
  out.issue = std::move(found);
  co_return out;
}

}  // namespace ngsync::engine

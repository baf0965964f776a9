#include "core/sync/reconcile_findings.hpp"

#include <fmt/format.h>

#include "core/sync/adoption.hpp"
#include "core/sync/drift.hpp"
#include "core/sync/issue_body.hpp"

namespace ngsync::sync {

namespace {

std::string ref_of(std::string_view repo, std::int64_t number) {
  return fmt::format("{}#{}", repo, number);
}

// What was done, or in a dry run what would be.
std::string verb(const reconcile_context& ctx) {
  return ctx.dry_run ? "would " : "";
}

// The action, unless the pass is a dry run.
reconcile_action unless_dry(const reconcile_context& ctx, reconcile_action action) {
  if (ctx.dry_run) return no_action{};
  return action;
}

}  // namespace

std::optional<reconcile_finding> foreign_marker_finding(std::string_view repo,
                                                        const github::github_issue& issue,
                                                        const reconcile_context& ctx) {
  if (written_by_daemon(issue.user_login, ctx.own_github_login)) return std::nullopt;
  const auto& own = ctx.own_github_login;
  return reconcile_finding{
      finding_kind::foreign_marker,
      fmt::format(
          "{}: carries the marker of page {} but was opened by {}{}; never linked",
          ref_of(repo, issue.number), parse_markers(issue.body).page_id.value_or(""),
          issue.user_login.empty() ? "an unknown author" : "@" + issue.user_login,
          own.empty() ? " (the daemon's own GitHub identity is unknown)" : ", not by @" + own),
      no_action{}};
}

reconcile_finding adoption_finding(std::string_view repo, const github::github_issue& issue,
                                   const page_answer& page,
                                   const std::optional<page_mapping>& mapping,
                                   const reconcile_context& ctx) {
  const auto ref = ref_of(repo, issue.number);
  const auto marker_page = parse_markers(issue.body).page_id.value_or("");
  switch (page.presence) {
    case page_presence::missing:
      return {finding_kind::marker_page_missing,
              fmt::format("{}: names page {} which does not exist; left alone", ref, marker_page),
              no_action{}};
    case page_presence::unreadable:
      return {
          finding_kind::marker_page_unreadable,
          fmt::format("{}: names page {} whose answer is not a page; left alone", ref, marker_page),
          no_action{}};
    case page_presence::present:
    case page_presence::trashed:
      break;
  }
  if (!mapping) {
    return {finding_kind::outside_mappings,
            fmt::format("{}: page {} is outside every mapping", ref, page.id), no_action{}};
  }
  adopt_issue adopt{
      page.id,        page.data_source_id,
      mapping->name,  std::string(repo),
      issue.number,   issue.node_id,
      issue.html_url, issue.is_pull_request ? issue_kind::draft_pr : issue_kind::issue};
  return {finding_kind::adopted,
          fmt::format("{}: marker for page {} but no link; {}adopt it and sync the page", ref,
                      page.id, verb(ctx)),
          unless_dry(ctx, std::move(adopt))};
}

reconcile_finding drift_finding(std::string_view repo, const github::github_issue& issue,
                                const reconciled_link& link, const reconcile_context& ctx) {
  if (!reconcile_finds_drift(issue, link.written, link.trash_reopened)) {
    return {finding_kind::in_order, "", no_action{}};
  }
  // Not a bare sync_page job: from Notion's side nothing changed, so it would never mirror
  // the status. The event job mirrors what GitHub owns (a close or reopen, under newer-wins)
  // and hands Notion-owned fields to a sync_page job that restores them.
  return {finding_kind::drifted,
          fmt::format("{}: differs from what the daemon last wrote; {}handle it as a GitHub "
                      "change to page {}",
                      ref_of(repo, issue.number), verb(ctx), link.page_id),
          unless_dry(ctx, enqueue_github_event{std::string(repo), issue.number, link.page_id})};
}

reconcile_finding linked_issue_finding(const reconciled_link& link,
                                       const github::github_issue& issue,
                                       const std::optional<page_mapping>& mapping,
                                       const reconcile_context& ctx) {
  const auto ref = ref_of(link.repo, link.number);
  if (auto moved = moved_location(issue.html_url, link.repo, link.number)) {
    // Transferred (the 301 was followed): the link moves with the issue.
    return {finding_kind::transferred,
            fmt::format("{} was transferred to {}; {}move the link of page {}", ref,
                        ref_of(moved->repo, moved->number), verb(ctx), link.page_id),
            unless_dry(ctx, move_link{link.page_id, moved->repo, moved->number, issue.html_url})};
  }
  if (parse_markers(issue.body).page_id) return drift_finding(link.repo, issue, link, ctx);
  reconcile_action sync = no_action{};  // a data source in no mapping: no sync can run
  if (mapping) sync = enqueue_page_sync{link.page_id, link.data_source_id, mapping->name, true};
  return {finding_kind::marker_lost,
          fmt::format("{} carries no marker for page {}; {}sync the page", ref, link.page_id,
                      verb(ctx)),
          unless_dry(ctx, std::move(sync))};
}

reconcile_finding issue_gone_finding(const reconciled_link& link, issue_gone_reason reason,
                                     unsigned status, const reconcile_context& ctx) {
  auto gone = gone_message(link.repo, link.number, reason, status);
  auto sentence =
      fmt::format("{}; {}mark the link of page {} in error", gone, verb(ctx), link.page_id);
  return {finding_kind::issue_gone, std::move(sentence),
          unless_dry(ctx, mark_link_error{link.page_id, std::move(gone)})};
}

reconcile_finding page_finding(const reconciled_link& link, page_presence presence,
                               const std::optional<page_mapping>& mapping,
                               const reconcile_context& ctx) {
  // A page whose answer is not a page object is not known to be gone: left to the page's sync.
  const bool missing = presence == page_presence::missing;
  if (!missing && presence != page_presence::trashed) {
    return {finding_kind::page_present, "", no_action{}};
  }
  const bool close = !missing && mapping && mapping->close_on_trash;
  auto sentence =
      fmt::format("page {} of {} is {}; {}{}", link.page_id, ref_of(link.repo, link.number),
                  missing ? "gone" : "in the trash", verb(ctx),
                  close ? "sync it (closes the issue)" : "mark the link in error");
  if (close) {  // a hint: the planner closes the issue, or finds it closed already
    return {finding_kind::page_gone, std::move(sentence),
            unless_dry(ctx,
                       enqueue_page_sync{link.page_id, link.data_source_id, mapping->name, false})};
  }
  return {
      finding_kind::page_gone, std::move(sentence),
      unless_dry(ctx, mark_link_error{link.page_id, missing ? "the Notion page no longer exists"
                                                            : "the Notion page is in the trash"})};
}

adoption_write adoption_write_for(bool page_linked, bool link_has_issue) {
  if (page_linked && link_has_issue) return adoption_write::sync_only;
  return page_linked ? adoption_write::record_number : adoption_write::new_link;
}

std::string reconcile_report::summary() const {
  return fmt::format(
      "repositories={} marked_issues={} in_order={} adopted={} issues_gone={} transferred={} "
      "pages_gone={} drift={} foreign_marked={} links_verified={}",
      repositories, marked_issues, in_order, adopted, issues_gone, transferred, pages_gone, drift,
      foreign_marked, links_verified);
}

void count_finding(reconcile_report& report, const reconcile_finding& finding) {
  switch (finding.kind) {
    case finding_kind::in_order:
      ++report.in_order;
      break;
    case finding_kind::drifted:
    case finding_kind::marker_lost:
      ++report.drift;
      break;
    case finding_kind::adopted:
      ++report.adopted;
      break;
    case finding_kind::foreign_marker:
      ++report.foreign_marked;
      break;
    case finding_kind::issue_gone:
      ++report.issues_gone;
      break;
    case finding_kind::transferred:
      ++report.transferred;
      break;
    case finding_kind::page_present:
      ++report.links_verified;
      break;
    case finding_kind::page_gone:
      ++report.links_verified;
      ++report.pages_gone;
      break;
    case finding_kind::marker_page_missing:
    case finding_kind::marker_page_unreadable:
    case finding_kind::outside_mappings:
      break;  // reported, not counted
  }
  if (!finding.sentence.empty()) report.findings.push_back(finding.sentence);
}

void count_repository(reconcile_report& report, std::size_t marked_issues) {
  ++report.repositories;
  report.marked_issues += static_cast<int>(marked_issues);
}

std::vector<std::string> verified_to_record(std::vector<std::string> page_ids,
                                            const reconcile_context& ctx) {
  if (ctx.dry_run) return {};
  return page_ids;
}

std::optional<std::chrono::system_clock::time_point> pass_to_record(
    std::chrono::system_clock::time_point started, const reconcile_context& ctx) {
  if (ctx.dry_run) return std::nullopt;
  return started;
}

}  // namespace ngsync::sync

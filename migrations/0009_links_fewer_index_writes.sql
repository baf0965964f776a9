-- A page sync rewrote its link row twice after the creation intent: once for the new issue's
-- number, once for the in-sync state. Each rewrite added an entry to all five indexes, because
-- two of them covered columns every sync changes (sync_status, last_synced_at), so no update
-- could be HOT. The number is now written with the in-sync state (one rewrite, see the new
-- ngsync_links_mark_in_sync), and those two indexes go: the operator views that filter on them
-- (ops_pages_in_error, ops_links_not_synced_since) read the table whole, which takes
-- milliseconds at tens of thousands of links. A later sync of a linked page then rewrites the
-- row in place (HOT), with room kept free on each page for it.
DROP INDEX page_links_status;
DROP INDEX page_links_last_synced;
ALTER TABLE page_links SET (fillfactor = 85);

-- Rows: page, edited_us, hash, run, synced_us, wg, wn (times in epoch microseconds), and for a
-- sync that created the issue: number, node_id, url, kind. Returns the pages that have a link.
DROP FUNCTION ngsync_links_mark_in_sync(jsonb);
CREATE FUNCTION ngsync_links_mark_in_sync(rows jsonb) RETURNS SETOF text
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
  RETURN QUERY
  UPDATE page_links l SET sync_status = 'in_sync', last_error = NULL,
         notion_last_edited = coalesce(timestamptz 'epoch' + v.edited_us * interval '1 microsecond',
                                       l.notion_last_edited),
         synced_fields_hash = v.hash, last_sync_run_id = v.run,
         last_synced_at = timestamptz 'epoch' + v.synced_us * interval '1 microsecond',
         written_to_github = l.written_to_github || v.wg,
         written_to_notion = l.written_to_notion || v.wn,
         issue_number = coalesce(v.number, l.issue_number),
         issue_node_id = coalesce(v.node_id, l.issue_node_id),
         issue_html_url = coalesce(v.url, l.issue_html_url),
         kind = coalesce(v.kind, l.kind), updated_at = now()
    FROM jsonb_to_recordset(rows) AS v(page text, edited_us bigint, hash text, run text,
                                       synced_us bigint, wg jsonb, wn jsonb, number int,
                                       node_id text, url text, kind text)
   WHERE l.notion_page_id = v.page
     AND l.notion_page_id = ANY(ARRAY(SELECT r->>'page' FROM jsonb_array_elements(rows) r))
  RETURNING l.notion_page_id;
END
$$;

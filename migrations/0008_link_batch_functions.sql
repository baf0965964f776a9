-- The batched link statements of concurrent page syncs (link_store's *_many) each touch a few
-- rows found by primary key. As plain prepared statements they got a generic plan on each
-- connection's first calls; during a first sync that is while page_links is nearly empty, and
-- the plan chosen then, a sequential scan, was kept while the table grew to thousands of rows
-- (nothing analyzes the table within the run). A 2,000-page initial sync read 2 million rows
-- that way. Planned inside these functions with sequential scans off, they always probe the key,
-- whatever the table's size or statistics were when the plan was made.

CREATE FUNCTION ngsync_links_get_many(pages jsonb) RETURNS SETOF page_links
LANGUAGE plpgsql STABLE SET enable_seqscan = off AS $$
BEGIN
  RETURN QUERY SELECT * FROM page_links
    WHERE notion_page_id = ANY(ARRAY(SELECT jsonb_array_elements_text(pages)));
END
$$;

-- Rows: page, number, node_id, url, kind. Returns the pages that have a link row.
CREATE FUNCTION ngsync_links_record_created(rows jsonb) RETURNS SETOF text
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
  RETURN QUERY
  UPDATE page_links l SET issue_number = v.number, issue_node_id = v.node_id,
         issue_html_url = v.url, kind = v.kind, updated_at = now()
    FROM jsonb_to_recordset(rows) AS v(page text, number int, node_id text, url text, kind text)
   WHERE l.notion_page_id = v.page
     AND l.notion_page_id = ANY(ARRAY(SELECT r->>'page' FROM jsonb_array_elements(rows) r))
  RETURNING l.notion_page_id;
END
$$;

-- Rows: page, edited_us, hash, run, synced_us, wg, wn (times in epoch microseconds).
CREATE FUNCTION ngsync_links_mark_in_sync(rows jsonb) RETURNS void
LANGUAGE plpgsql SET enable_seqscan = off AS $$
BEGIN
  UPDATE page_links l SET sync_status = 'in_sync', last_error = NULL,
         notion_last_edited = coalesce(timestamptz 'epoch' + v.edited_us * interval '1 microsecond',
                                       l.notion_last_edited),
         synced_fields_hash = v.hash, last_sync_run_id = v.run,
         last_synced_at = timestamptz 'epoch' + v.synced_us * interval '1 microsecond',
         written_to_github = l.written_to_github || v.wg,
         written_to_notion = l.written_to_notion || v.wn, updated_at = now()
    FROM jsonb_to_recordset(rows) AS v(page text, edited_us bigint, hash text, run text,
                                       synced_us bigint, wg jsonb, wn jsonb)
   WHERE l.notion_page_id = v.page
     AND l.notion_page_id = ANY(ARRAY(SELECT r->>'page' FROM jsonb_array_elements(rows) r));
END
$$;

-- Typed state for "the page is in the Notion trash, and a person reopened its issue on GitHub"
-- (issue 22 item 6). The link shows it as an error, so operators see it; the engine used to
-- recognise it by the text its message starts with. It holds only while sync_status = 'error':
-- the trigger clears it whenever a link leaves the error state (any of the sync paths), and
-- link_store::mark_error clears it when another error is written over it.
ALTER TABLE page_links ADD COLUMN trash_reopened boolean NOT NULL DEFAULT false;
UPDATE page_links SET trash_reopened = true
  WHERE sync_status = 'error' AND last_error LIKE 'page in the trash, issue open%';

CREATE FUNCTION page_links_trash_reopened_only_in_error() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.trash_reopened := false;
  RETURN NEW;
END
$$;
CREATE TRIGGER page_links_trash_reopened_cleared BEFORE UPDATE ON page_links
  FOR EACH ROW WHEN (NEW.trash_reopened AND NEW.sync_status <> 'error')
  EXECUTE FUNCTION page_links_trash_reopened_only_in_error();
ALTER TABLE page_links ADD CONSTRAINT page_links_trash_reopened_in_error
  CHECK (NOT trash_reopened OR sync_status = 'error');

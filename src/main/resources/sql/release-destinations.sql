/* hookline:give-back */
-- Owner $1 gives back the destinations $2 (all of its destinations when $2 is null): another instance may take them
-- at once, and is told so.
WITH gone AS (
  DELETE FROM destination_owners WHERE owner = $1 AND ($2::text[] IS NULL OR template = ANY($2::text[]))
  RETURNING template)
SELECT template, pg_notify('hookline_' || current_schema(), 'released:' || template) FROM gone

/* hookline:record-notice */
-- One notice's attempt ($1 id, $2 template, $3 epoch the owner sent it under, $4 status, $5 status code, $6 error,
-- $7 next attempt): written only while the writer still owns the destination with that epoch, and only if the
-- notice is still unfinished, so a notice is never counted, or sent, twice for one outcome.
UPDATE notices n SET status = $4, attempts = n.attempts + 1, last_status_code = $5, last_error = $6,
  next_attempt_at = COALESCE($7, n.next_attempt_at), delivered_at = CASE WHEN $4 = 'DELIVERED' THEN now() END
FROM (SELECT template FROM destination_owners WHERE template = $2 AND epoch = $3 FOR SHARE) o
WHERE n.id = $1 AND n.template = o.template AND n.status IN ('PENDING', 'RETRYING')

/* hookline:claim-notice */
-- The next due notice of one destination for its owner ($1 template, $2 owner, $3 epoch): its body, where it goes
-- now (the destination's notifyUrl at this moment), and the auth value of the import an import.* notice is about.
-- The owner sends one notice at a time. No row: not the owner, no notifyUrl, or nothing due.
SELECT n.id, n.webhook_key, n.body, n.attempts, n.type, d.notify_url, i.auth_value
FROM destination_owners o
  JOIN destinations d ON d.template = o.template
  JOIN notices n ON n.template = o.template
  LEFT JOIN imports i ON i.id = n.import_id
WHERE o.template = $1 AND o.owner = $2 AND o.epoch = $3 AND o.expires_at > now() AND d.notify_url IS NOT NULL
  AND n.status IN ('PENDING', 'RETRYING') AND n.next_attempt_at <= now()
ORDER BY n.next_attempt_at, n.id
LIMIT 1

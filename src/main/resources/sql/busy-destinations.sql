/* hookline:busy */
-- What an instance weighs when it looks for destinations to own: every destination that has work (an unfinished
-- import or a notice to send, and not paused) with its current owner, plus those the asking instance ($1) owns
-- whether busy or not (to give back the idle ones), and how many instances are alive.
SELECT s.*, (SELECT count(*) FROM instances WHERE expires_at > now()) AS instances
FROM (
  SELECT d.template, o.owner, o.epoch, COALESCE(o.expires_at > now(), false) AS owner_alive,
    d.paused_at IS NULL AND (
      EXISTS (SELECT 1 FROM imports i WHERE i.template = d.template AND i.status IN ('QUEUED', 'SENDING'))
      OR (d.notify_url IS NOT NULL
        AND EXISTS (SELECT 1 FROM notices n WHERE n.template = d.template AND n.status IN ('PENDING', 'RETRYING'))))
      AS busy
  FROM destinations d LEFT JOIN destination_owners o ON o.template = d.template) s
WHERE s.owner = $1 OR s.busy

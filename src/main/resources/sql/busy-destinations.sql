/* hookline:busy */
-- What an instance weighs when it looks for destinations to own: every destination that has work (an unfinished
-- import, and not paused) with its current owner, plus those the asking instance ($1) owns whether busy or not (to
-- give back the idle ones), and how many instances are alive.
SELECT d.template, o.owner, o.epoch, COALESCE(o.expires_at > now(), false) AS owner_alive,
  (d.paused_at IS NULL AND EXISTS (
    SELECT 1 FROM imports i WHERE i.template = d.template AND i.status IN ('QUEUED', 'SENDING'))) AS busy,
  (SELECT count(*) FROM instances WHERE expires_at > now()) AS instances
FROM destinations d LEFT JOIN destination_owners o ON o.template = d.template
WHERE o.owner = $1
   OR (d.paused_at IS NULL AND EXISTS (
    SELECT 1 FROM imports i WHERE i.template = d.template AND i.status IN ('QUEUED', 'SENDING')))

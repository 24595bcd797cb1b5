-- ELBv2 listeners keep the trust store they verify clients with followed by
-- a space and their load balancer (the listener's parent) in attr, so that
-- a page of a trust store's associations lists each load balancer once from
-- the attr index alone, reading no listener. Rows written before kept the
-- trust store alone (0021); an ARN holds no space.
UPDATE resources SET attr = attr || ' ' || parent
WHERE kind = 'elbv2/listener' AND attr != '' AND instr(attr, ' ') = 0 AND parent != '';

-- FilterLogEvents reads a group's events in arrival order: without this
-- index a page either sorts every event of the group or walks the events of
-- every group from the token's position.
CREATE INDEX IF NOT EXISTS log_events_group_seq ON log_events (account, region, grp, seq);
-- ECS services keep the Service Connect namespace of their PRIMARY
-- deployment (its last path segment, ecscore.NamespaceKey) in attr, so that
-- a page of ListServicesByNamespace reads only that namespace's services.
UPDATE resources SET attr = coalesce((
    SELECT substr(ns, length(rtrim(ns, replace(ns, '/', ''))) + 1)
    FROM (SELECT json_extract(d.value, '$.serviceConnectConfiguration.namespace') AS ns
          FROM json_each(resources.doc, '$.deployments') AS d
          WHERE json_extract(d.value, '$.status') = 'PRIMARY' LIMIT 1)), '')
WHERE kind = 'ecs/service' AND attr = '';
-- ELBv2 listeners keep the trust store they verify clients with in attr, so
-- that a trust store's associations are found without reading every listener.
UPDATE resources SET attr = coalesce(json_extract(doc, '$.L.MutualAuthentication.TrustStoreArn'), '')
WHERE kind = 'elbv2/listener' AND attr = '';

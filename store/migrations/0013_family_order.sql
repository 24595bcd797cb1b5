-- ECS task definition families keep their name in attr, so that a page of
-- ListTaskDefinitionFamilies reads only itself through resources_attr.
UPDATE resources SET attr = name WHERE kind = 'ecs/family' AND attr = '';
-- Daemon task definitions keep their listing order (family, a space, the
-- revision in ten digits) in attr, as task definitions do (0012).
UPDATE resources SET attr = name || ' ' || printf('%010d', json_extract(doc, '$.revision'))
WHERE kind = 'ecs/daemon-task-definition' AND attr = '';

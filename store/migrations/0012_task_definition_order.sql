-- ECS task definitions keep their listing order (family, a space, the
-- revision in ten digits) in attr, so that a page of ListTaskDefinitions
-- reads only itself through resources_attr. Rows written before carried the
-- bare family there.
UPDATE resources SET attr = name || ' ' || printf('%010d', json_extract(doc, '$.revision'))
WHERE kind = 'ecs/task-definition' AND instr(attr, ' ') = 0;

-- A task definition keeps its tags in its own row, after its members, as
-- "tags" in the wire form ListTagsForResource answers ({"key", "value"}):
-- registering a tagged revision then writes one row. Tags stored before in
-- their own ecs/tags row (encoding/json of the SDK's Tag: "Key", "Value")
-- move into the definition's row.
UPDATE resources AS td
SET doc = CAST(
    substr(CAST(td.doc AS TEXT), 1, length(CAST(td.doc AS TEXT)) - 1)
    || CASE WHEN length(CAST(td.doc AS TEXT)) > 2 THEN ',' ELSE '' END
    || '"tags":'
    || (SELECT json_group_array(json_object('key', json_extract(e.value, '$.Key'), 'value', json_extract(e.value, '$.Value')))
        FROM resources AS t, json_each(CAST(t.doc AS TEXT)) AS e
        WHERE t.kind = 'ecs/tags' AND t.account = td.account AND t.region = td.region AND t.id = td.id)
    || '}' AS BLOB)
WHERE td.kind = 'ecs/task-definition'
  AND EXISTS (SELECT 1 FROM resources AS t
              WHERE t.kind = 'ecs/tags' AND t.account = td.account AND t.region = td.region AND t.id = td.id
                AND json_type(CAST(t.doc AS TEXT)) = 'array' AND json_array_length(CAST(t.doc AS TEXT)) > 0);
DELETE FROM resources WHERE kind = 'ecs/tags' AND instr(id, ':task-definition/') > 0;

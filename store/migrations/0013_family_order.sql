-- ECS task definition families keep their name in attr, so that a page of
-- ListTaskDefinitionFamilies reads only itself through resources_attr.
UPDATE resources SET attr = name WHERE kind = 'ecs/family' AND attr = '';

package ecscore

import (
	"bytes"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// TaskDefinitionRecord is a task definition revision as it is stored: the
// definition and its tags in one row, so that registering a tagged revision
// writes one row, not a second one (and its index entries) for the tags.
type TaskDefinitionRecord struct {
	Def  *types.TaskDefinition
	Tags []types.Tag
}

// recordCodec stores a TaskDefinitionRecord as one JSON object: the
// definition's members (the model's TaskDefinition) followed by "tags" as
// ListTagsForResource answers it. The definition's own codec skips a member
// its shape lacks, so TaskDefinitions reads the same rows as definitions.
type recordCodec struct{ def, tags store.Codec }

func newRecordCodec() recordCodec {
	return recordCodec{def: api.ModelCodec("ecs", "TaskDefinition"), tags: api.ModelCodec("ecs", "ListTagsForResourceResponse")}
}

func (c recordCodec) Marshal(v any) ([]byte, error) {
	r := v.(*TaskDefinitionRecord)
	def := r.Def
	if def == nil {
		def = &types.TaskDefinition{}
	}
	doc, err := c.def.Marshal(def)
	if err != nil || len(r.Tags) == 0 {
		return doc, err
	}
	tags, err := c.tags.Marshal(&ecs.ListTagsForResourceOutput{Tags: r.Tags})
	if err != nil {
		return nil, err
	}
	// {members} and {"tags":[...]} become {members,"tags":[...]}.
	doc = bytes.TrimSuffix(doc, []byte("}"))
	if len(doc) > 1 {
		doc = append(doc, ',')
	}
	return append(doc, tags[1:]...), nil
}

func (c recordCodec) Unmarshal(data []byte, v any) error {
	r := v.(*TaskDefinitionRecord)
	r.Def = new(types.TaskDefinition)
	if err := c.def.Unmarshal(data, r.Def); err != nil {
		return err
	}
	var tags ecs.ListTagsForResourceOutput
	if err := c.tags.Unmarshal(data, &tags); err != nil {
		return err
	}
	r.Tags = tags.Tags
	return nil
}

package ecscore

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/model"
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
type recordCodec struct {
	// def is the definition's shape; tags the tags' list, which tagsDoc
	// (ListTagsForResource's answer) reads as "tags" from the whole record.
	def, tags, tagsDoc *model.Shape
}

func newRecordCodec() recordCodec {
	ecsModel := model.MustLoad("ecs")
	return recordCodec{def: ecsModel.Shapes["TaskDefinition"], tags: ecsModel.Shapes["Tags"],
		tagsDoc: ecsModel.Shapes["ListTagsForResourceResponse"]}
}

func (c recordCodec) Marshal(v any) ([]byte, error) {
	doc, _, _ := c.encode(make([]byte, 0, 4096), v.(*TaskDefinitionRecord))
	return doc, nil
}

// encode writes the record and says where its parts are: doc[:defEnd] is
// the definition's document without its closing brace, and the tags' list
// starts at tagsAt (0 when there are none) and ends before the last brace.
func (c recordCodec) encode(dst []byte, r *TaskDefinitionRecord) (doc []byte, defEnd, tagsAt int) {
	def := r.Def
	if def == nil {
		def = &types.TaskDefinition{}
	}
	doc = protocol.AppendJSON(dst, c.def, def)
	defEnd = len(doc) - 1
	if len(r.Tags) == 0 {
		return doc, defEnd, 0
	}
	// {members} becomes {members,"tags":[...]}.
	doc = doc[:defEnd]
	if defEnd > 1 {
		doc = append(doc, ',')
	}
	doc = append(doc, `"tags":`...)
	tagsAt = len(doc)
	doc = protocol.AppendJSON(doc, c.tags, r.Tags)
	return append(doc, '}'), defEnd, tagsAt
}

// PutNewTaskDefinition stores a new revision and returns the JSON wire form
// of RegisterTaskDefinition's answer, {"taskDefinition":...,"tags":[...]},
// cut from the stored document: it holds the same members, so the answer
// is not encoded a second time. Both are built in scratch memory: the
// database keeps a copy of the document, and the answer is recycled once
// written.
func PutNewTaskDefinition(tx *store.Tx, sc store.Scope, rec *TaskDefinitionRecord) ([]byte, error) {
	doc, defEnd, tagsAt := TaskDefinitionRecords.Codec.(recordCodec).encode(protocol.Scratch(), rec)
	defer protocol.Recycle(doc)
	if err := TaskDefinitionRecords.PutDoc(tx, sc, aws.ToString(rec.Def.TaskDefinitionArn), TaskDefinitionIndex(rec.Def), doc); err != nil {
		return nil, err
	}
	tags := []byte("[]")
	if tagsAt > 0 {
		tags = doc[tagsAt : len(doc)-1]
	}
	answer := append(protocol.Scratch(), `{"taskDefinition":`...)
	answer = append(answer, doc[:defEnd]...)
	answer = append(answer, `},"tags":`...)
	answer = append(answer, tags...)
	return append(answer, '}'), nil
}

func (c recordCodec) Unmarshal(data []byte, v any) error {
	r := v.(*TaskDefinitionRecord)
	r.Def = new(types.TaskDefinition)
	if err := protocol.DecodeJSON(c.def, data, r.Def); err != nil {
		return err
	}
	var tags ecs.ListTagsForResourceOutput
	if err := protocol.DecodeJSON(c.tagsDoc, data, &tags); err != nil {
		return err
	}
	r.Tags = tags.Tags
	return nil
}

package ecscore

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A record is the definition's members with "tags" after them; the
// definition's own codec reads the same bytes and skips the tags.
func TestTaskDefinitionRecordCodec(t *testing.T) {
	def := &types.TaskDefinition{Family: aws.String("web"), Revision: 3, Status: types.TaskDefinitionStatusActive}
	tags := []types.Tag{{Key: aws.String("team"), Value: aws.String("web")}, {Key: aws.String("empty")}}
	codec := TaskDefinitionRecords.Codec
	for name, c := range map[string]struct {
		rec  *TaskDefinitionRecord
		want string
	}{
		"tagged":   {&TaskDefinitionRecord{Def: def, Tags: tags}, `{"family":"web","revision":3,"status":"ACTIVE","tags":[{"key":"team","value":"web"},{"key":"empty"}]}`},
		"untagged": {&TaskDefinitionRecord{Def: def}, `{"family":"web","revision":3,"status":"ACTIVE"}`},
		"empty":    {&TaskDefinitionRecord{Def: &types.TaskDefinition{}, Tags: tags[:1]}, `{"revision":0,"tags":[{"key":"team","value":"web"}]}`},
	} {
		doc, err := codec.Marshal(c.rec)
		if err != nil || string(doc) != c.want {
			t.Errorf("%s: stored %s (%v), want %s", name, doc, err, c.want)
			continue
		}
		var back TaskDefinitionRecord
		if err := codec.Unmarshal(doc, &back); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if aws.ToString(back.Def.Family) != aws.ToString(c.rec.Def.Family) || len(back.Tags) != len(c.rec.Tags) {
			t.Errorf("%s: read back %+v", name, back)
		}
		for i := range back.Tags {
			if aws.ToString(back.Tags[i].Key) != aws.ToString(c.rec.Tags[i].Key) || aws.ToString(back.Tags[i].Value) != aws.ToString(c.rec.Tags[i].Value) {
				t.Errorf("%s: tag %d read back as %+v", name, i, back.Tags[i])
			}
		}
		var only types.TaskDefinition
		if err := TaskDefinitions.Codec.Unmarshal(doc, &only); err != nil || aws.ToString(only.Family) != aws.ToString(c.rec.Def.Family) || only.Revision != c.rec.Def.Revision {
			t.Errorf("%s: the definition alone read as %+v (%v)", name, only, err)
		}
	}
	// The form migration 0024 writes (a null value) reads as a tag without one.
	var migrated TaskDefinitionRecord
	if err := codec.Unmarshal([]byte(`{"family":"web","tags":[{"key":"env","value":null}]}`), &migrated); err != nil ||
		len(migrated.Tags) != 1 || aws.ToString(migrated.Tags[0].Key) != "env" || migrated.Tags[0].Value != nil {
		t.Errorf("migrated record read as %+v (%v)", migrated, err)
	}
}

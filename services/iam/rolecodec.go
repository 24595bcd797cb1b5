package iam

import (
	"bytes"
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol"
	"github.com/longshore/longshore/protocol/model"
)

// roleCodec stores a Role as encoding/json writes it (the form stored roles
// have always had) and reads it back with the model's JSON reader, which
// reads the same keys (the SDK's field names are IAM's member names) at
// less than half encoding/json's cost (BenchmarkRoleDecode). A role is read
// on every GetRole, AssumeRole and task launch that names it.
type roleCodec struct {
	role *model.Shape
	// extras is the shape of what Role holds beside types.Role.
	extras *model.Shape
}

// roleExtras is what a stored Role holds beside types.Role.
type roleExtras struct {
	InlinePolicies   []InlinePolicy
	AttachedPolicies []types.AttachedPolicy
	ServiceName      string
}

func newRoleCodec() roleCodec {
	iamModel := model.MustLoad("iam")
	str := &model.Shape{Name: "String", Type: "string"}
	inline := &model.Shape{Name: "InlinePolicy", Type: "structure",
		Members: []*model.Member{{Name: "Name", Shape: str}, {Name: "Document", Shape: str}}}
	return roleCodec{role: iamModel.Shapes["Role"], extras: &model.Shape{Name: "StoredRole", Type: "structure", Members: []*model.Member{
		{Name: "InlinePolicies", Shape: &model.Shape{Name: "InlinePolicies", Type: "list", Member: &model.Member{Shape: inline}}},
		{Name: "AttachedPolicies", Shape: iamModel.Shapes["attachedPoliciesListType"]},
		{Name: "ServiceName", Shape: str},
	}}}
}

func (roleCodec) Marshal(v any) ([]byte, error) { return json.Marshal(v) }

func (c roleCodec) Unmarshal(data []byte, v any) error {
	r := v.(*Role)
	*r = Role{}
	if err := protocol.DecodeJSON(c.role, data, &r.Role); err != nil {
		return err
	}
	// encoding/json writes the extras' keys only when they are set, and a
	// key inside a string value has its quotes escaped: a document with
	// none of them ("InlinePolicies":, "AttachedPolicies":, "ServiceName":)
	// is a role with none, read once.
	if !bytes.Contains(data, []byte(`Policies":`)) && !bytes.Contains(data, []byte(`"ServiceName":`)) {
		return nil
	}
	var extra roleExtras
	if err := protocol.DecodeJSON(c.extras, data, &extra); err != nil {
		return err
	}
	r.InlinePolicies, r.AttachedPolicies, r.ServiceName = extra.InlinePolicies, extra.AttachedPolicies, extra.ServiceName
	return nil
}

package iam

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// The role codec reads what encoding/json reads from the stored form of
// every kind of role, set members, null ones and the extras alike.
func TestRoleCodecReadsWhatEncodingJSONReads(t *testing.T) {
	created := time.Date(2026, 12, 5, 11, 6, 39, 123456789, time.UTC)
	used := time.Date(2026, 12, 6, 1, 2, 3, 0, time.UTC)
	base := types.Role{Path: aws.String("/app/"), RoleName: aws.String("web"), RoleId: aws.String("AROAJ7JILFPZMGQSSWYM4"),
		Arn: aws.String("arn:aws:iam::123456789012:role/app/web"), CreateDate: &created,
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
		MaxSessionDuration:       aws.Int32(3600)}
	full := base
	full.Description = aws.String(`quotes " and "ServiceName": and \ and é`)
	full.PermissionsBoundary = &types.AttachedPermissionsBoundary{PermissionsBoundaryArn: aws.String("arn:aws:iam::aws:policy/PowerUserAccess"),
		PermissionsBoundaryType: types.PermissionsBoundaryAttachmentTypePolicy}
	full.RoleLastUsed = &types.RoleLastUsed{LastUsedDate: &used, Region: aws.String("us-east-1")}
	full.Tags = []types.Tag{{Key: aws.String("ServiceName"), Value: aws.String("x")}, {Key: aws.String("empty"), Value: aws.String("")}}
	codec := newRoleCodec()
	for name, r := range map[string]Role{
		"bare":   {Role: base},
		"full":   {Role: full},
		"empty":  {},
		"inline": {Role: base, InlinePolicies: []InlinePolicy{{Name: "p", Document: `{"Statement":[]}`}, {Name: "q"}}},
		"attached": {Role: base, AttachedPolicies: []types.AttachedPolicy{{PolicyName: aws.String("AmazonECSTaskExecutionRolePolicy"),
			PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")}}},
		"service-linked": {Role: full, ServiceName: "ecs.amazonaws.com", AttachedPolicies: []types.AttachedPolicy{{PolicyName: aws.String("x")}}},
	} {
		doc, err := codec.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		var want Role
		if err := json.Unmarshal(doc, &want); err != nil {
			t.Fatal(err)
		}
		got := Role{InlinePolicies: []InlinePolicy{{Name: "stale"}}} // what was there before is replaced
		if err := codec.Unmarshal(doc, &got); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: read\n%+v\nencoding/json reads\n%+v", name, got, want)
		}
	}
}

// BenchmarkRoleDecode compares the role codec with encoding/json on a
// role as CreateRole stores it.
func BenchmarkRoleDecode(b *testing.B) {
	created := time.Date(2026, 12, 5, 11, 6, 39, 0, time.UTC)
	doc, _ := json.Marshal(&Role{Role: types.Role{Path: aws.String("/"), RoleName: aws.String("bench"), RoleId: aws.String("AROAJ7JILFPZMGQSSWYM4"),
		Arn: aws.String("arn:aws:iam::000000000000:role/bench"), CreateDate: &created, MaxSessionDuration: aws.Int32(3600),
		AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}})
	codec := newRoleCodec()
	b.Run("encoding-json", func(b *testing.B) {
		for range b.N {
			var r Role
			if err := json.Unmarshal(doc, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("role-codec", func(b *testing.B) {
		for range b.N {
			var r Role
			if err := codec.Unmarshal(doc, &r); err != nil {
				b.Fatal(err)
			}
		}
	})
}

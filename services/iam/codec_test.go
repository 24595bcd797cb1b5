package iam

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// codecRoles are roles of every shape the store holds: timestamps with and
// without fractions and zones, nil against empty, tags, unicode and escapes.
func codecRoles() []Role {
	created := time.Date(2024, 2, 29, 23, 59, 58, 123456789, time.UTC)
	zoned := time.Date(1999, 12, 31, 1, 2, 3, 0, time.FixedZone("", 5*3600+30*60))
	return []Role{
		{},
		{Role: types.Role{Arn: aws.String("arn:aws:iam::000000000000:role/bench"), CreateDate: &created,
			Path: aws.String("/"), RoleId: aws.String("AROAEXAMPLE"), RoleName: aws.String("bench"),
			AssumeRolePolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`),
			MaxSessionDuration:       aws.Int32(3600)}},
		{Role: types.Role{RoleName: aws.String("empty"), Description: aws.String(""), Tags: []types.Tag{},
			MaxSessionDuration: aws.Int32(0)}, InlinePolicies: []InlinePolicy{}, AttachedPolicies: []types.AttachedPolicy{}},
		{Role: types.Role{RoleName: aws.String("ünïcødé-ロール"), Description: aws.String("tab\tnewline\nquote\" back\\slash <&> \u2028 \U0001F600 \x01"),
			CreateDate: &zoned, MaxSessionDuration: aws.Int32(43200),
			PermissionsBoundary: &types.AttachedPermissionsBoundary{PermissionsBoundaryArn: aws.String("arn:aws:iam::aws:policy/PowerUserAccess"),
				PermissionsBoundaryType: types.PermissionsBoundaryAttachmentTypePolicy},
			RoleLastUsed: &types.RoleLastUsed{LastUsedDate: &created, Region: aws.String("eu-west-1")},
			Tags:         []types.Tag{{Key: aws.String("team"), Value: aws.String("")}, {Key: aws.String("k"), Value: nil}, {Key: aws.String("é\"\\"), Value: aws.String("v\u00e9")}}},
			InlinePolicies:   []InlinePolicy{{Name: "p", Document: `{"Statement":[]}`}, {}},
			AttachedPolicies: []types.AttachedPolicy{{PolicyArn: aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess"), PolicyName: aws.String("ReadOnlyAccess")}, {}},
			ServiceName:      "ecs.amazonaws.com"},
		{Role: types.Role{RoleLastUsed: &types.RoleLastUsed{}, PermissionsBoundary: &types.AttachedPermissionsBoundary{}}},
	}
}

func TestRoleCodecRoundTrip(t *testing.T) {
	for i, r := range codecRoles() {
		data, err := roleCodec{}.Marshal(&r)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := json.Marshal(&r); string(want) != string(data) {
			t.Fatalf("%d: stored bytes differ from encoding/json:\n%s\n%s", i, data, want)
		}
		checkRoleDecode(t, data)
	}
}

// checkRoleDecode decodes data with the codec and with encoding/json and
// wants the same role, or both to fail.
func checkRoleDecode(t *testing.T, data []byte) {
	t.Helper()
	var want, got Role
	werr := json.Unmarshal(data, &want)
	gerr := roleCodec{}.Unmarshal(data, &got)
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%s: encoding/json %v, codec %v", data, werr, gerr)
	}
	if werr == nil && !reflect.DeepEqual(want, got) {
		t.Fatalf("%s:\nencoding/json %#v\ncodec         %#v", data, want, got)
	}
}

// Documents the codec's reader leaves to encoding/json decode as it does.
func TestRoleCodecOddDocuments(t *testing.T) {
	for _, doc := range []string{
		`{"rolename":"lower"}`, `{"RoleName":"a","RoleName":"b"}`, `{"Unknown":1,"RoleName":"x"}`,
		`{"RoleName":"a\u0041\ud83d\ude00"}`, `{"RoleName":"\ud83d x\ud83d\u0041\ude00\u00e9\/\b\f\r"}`, `{"RoleName":"\x"}`, `{"RoleName":"\u12"}`, "{\"RoleName\":\"bad\xff\"}", `{"MaxSessionDuration":1.0}`,
		`{"MaxSessionDuration":01}`, `{"MaxSessionDuration":99999999999}`, `{"MaxSessionDuration":-5}`,
		`{"CreateDate":"2024-01-01"}`, `{"CreateDate":null,"Tags":null,"ServiceName":null}`,
		` { "RoleName" : "spaced" , "Tags" : [ { "Key" : "k" } ] } `, `{"RoleName":"x"} trailing`,
		`{"RoleName":"x",}`, `{"Tags":[{"Key":"a"},]}`, `{"SourceRoleTemplate":{}}`, `[]`, `null`, ``,
		`{"PermissionsBoundary":{"PermissionsBoundaryType":null}}`, `{"InlinePolicies":[{"Name":null}]}`,
	} {
		checkRoleDecode(t, []byte(doc))
	}
}

func FuzzRoleCodec(f *testing.F) {
	for _, r := range codecRoles() {
		data, _ := json.Marshal(&r)
		f.Add(data)
	}
	f.Add([]byte(`{"RoleName":"a","RoleName":"b"}`))
	f.Fuzz(func(t *testing.T, data []byte) { checkRoleDecode(t, data) })
}

func BenchmarkRoleDecode(b *testing.B) {
	data, _ := json.Marshal(&codecRoles()[1])
	b.Run("codec", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var r Role
			roleCodec{}.Unmarshal(data, &r)
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for range b.N {
			var r Role
			json.Unmarshal(data, &r)
		}
	})
}

package policy

import (
	"testing"

	"github.com/longshore/longshore/protocol/apierror"
)

func TestValidate(t *testing.T) {
	const ok = ""
	cases := []struct {
		name string
		kind Kind
		doc  string
		want string
	}{
		{"valid identity", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, ok},
		{"valid list", Managed, `{"Version":"2012-10-17","Statement":[{"Sid":"A1","Effect":"Deny","NotAction":["iam:*"],"NotResource":"arn:aws:iam::123456789012:role/x"}]}`, ok},
		{"not json", Identity, `This is not a json document`, msgSyntax},
		{"trailing comma", Identity, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*",}]}`, msgSyntax},
		{"duplicate key", Identity, `{"Version":"2012-10-17","Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, msgSyntax},
		{"array root", Identity, `[]`, msgSyntax},
		{"no statement", Identity, `{"Version":"2012-10-17"}`, msgSyntax},
		{"empty statement list", Identity, `{"Version":"2012-10-17","Statement":[]}`, msgSyntax},
		{"statement string", Identity, `{"Version":"2012-10-17","Statement":"x"}`, msgSyntax},
		{"extra top field", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"},"Extra":1}`, msgSyntax},
		{"extra statement field", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Resources":"*"}}`, msgSyntax},
		{"id list", Identity, `{"Version":"2012-10-17","Id":["x"],"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, msgSyntax},
		{"unknown version", Identity, `{"Version":"2013-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, msgSyntax},
		{"bad effect", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Permit","Action":"s3:*","Resource":"*"}}`, msgSyntax},
		{"no effect", Identity, `{"Version":"2012-10-17","Statement":{"Action":"s3:*","Resource":"*"}}`, msgSyntax},
		{"action and notaction", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","NotAction":"s3:*","Resource":"*"}}`, msgSyntax},
		{"resource object", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":{"a":"b"}}}`, msgSyntax},
		{"action number", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[1],"Resource":"*"}}`, msgSyntax},
		{"condition list", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":[]}}`, msgSyntax},
		{"condition unknown operator", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"a":{"b":"c"}}}}`, msgSyntax},
		{"condition unknown empty operator", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"a":{}}}}`, ok},
		{"condition value object", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"a":{}}}}}`, msgSyntax},
		{"condition bool literal", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}}}`, ok},
		{"sid number", Identity, `{"Version":"2012-10-17","Statement":{"Sid":1,"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, msgSyntax},
		{"managed old version", Managed, `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, msgVersion},
		{"managed no version", Managed, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, msgVersion},
		{"inline old version", Identity, `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, ok},
		{"lower-case effect", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"allow","Action":"s3:*","Resource":"*"}}`, msgLegacy},
		{"bad date", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"tomorrow"}}}}`, msgLegacy},
		{"resource missing service", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3::example_bucket"}}`, msgLegacy},
		{"duplicate sid", Identity, `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"},{"Sid":"A","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`, msgSidUnique},
		{"sid with dash", Identity, `{"Version":"2012-10-17","Statement":{"Sid":"a-b","Effect":"Allow","Action":"s3:*","Resource":"*"}}`, msgSidAlnum},
		{"trust sid with dash", Trust, `{"Version":"2012-10-17","Statement":{"Sid":"a-b","Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}}`, ok},
		{"no action", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Resource":"*"}}`, msgNoActions},
		{"empty action list", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":[],"Resource":"*"}}`, msgNoActions},
		{"no resource", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*"}}`, msgNoResources},
		{"empty resource list", Managed, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":[]}}`, msgNoResources},
		{"resource not arn", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"invalid resource"}}`, `Resource invalid resource must be in ARN format or "*".`},
		{"resource vendor", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws"}}`, msgResourceVendor},
		{"resource partition", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:foo:s3:::b"}}`, `Partition "foo" is not valid for resource "arn:foo:s3:::b".`},
		{"iam region", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:iam:us-east-1::user/x"}}`, "IAM resource arn:aws:iam:us-east-1::user/x cannot contain region information."},
		{"s3 region", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:us-east-1::b"}}`, "Resource arn:aws:s3:us-east-1::b can not contain region information."},
		{"iam path", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:iam::123456789012:bucket"}}`, msgIAMResourcePath},
		{"no vendor", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"invalid","Resource":"*"}}`, msgVendor},
		{"two colons", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:a:b","Resource":"*"}}`, msgOneColon},
		{"bad vendor", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s_3:Get","Resource":"*"}}`, "Vendor s_3 is not valid"},
		{"trust policy as permissions policy", Managed, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}}`, msgNoPrincipal},
		{"identity principal", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}}`, msgNoPrincipal},
		{"trust valid", Trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ecs-tasks.amazonaws.com"],"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}`, ok},
		{"trust 2008", Trust, `{"Version":"2008-10-17","Statement":[{"Sid":"","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, ok},
		{"trust web identity", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"},"Action":["sts:AssumeRoleWithWebIdentity","sts:TagSession"]}}`, ok},
		{"trust resource", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}`, msgProhibitedRes},
		{"trust no principal", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`, msgMissingPrinc},
		{"trust bad action", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"s3:GetObject"}}`, msgTrustActions},
		{"trust bad service", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com.cn "},"Action":"sts:AssumeRole"}}`, `Invalid principal in policy: "SERVICE":"ec2.amazonaws.com.cn "`},
		{"trust wildcard arn", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/*"},"Action":"sts:AssumeRole"}}`, `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/*"`},
		{"trust principal string", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}`, msgTrustPrincipalObj},
		{"trust unknown principal type", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Foo":"x"},"Action":"sts:AssumeRole"}}`, `Invalid principal in policy: "Foo"`},
		{"trust invalid json", Trust, `{not json`, msgTrustJSON},
		{"trust bad version", Trust, `{"Version":"2013-01-01","Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}}`, msgTrustVersion},
		{"trust empty statement", Trust, `{"Version":"2012-10-17","Statement":[]}`, msgTrustEmpty},
		{"trust no statement", Trust, `{"Version":"2012-10-17"}`, msgTrustEmpty},
		{"trust no effect", Trust, `{"Version":"2012-10-17","Statement":[{"Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`, msgTrustNoEffect},
		{"trust bad effect", Trust, `{"Version":"2012-10-17","Statement":[{"Effect":"allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`, "Invalid effect: allow"},
		{"trust allow not principal", Trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`, msgTrustAllowNotPrinc},
		{"trust deny not principal", Trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`, msgTrustNotPrincipal},
		{"trust empty principal", Trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{},"Action":"sts:AssumeRole"}]}`, msgTrustEmptyPrincipal},
		{"trust no action", Trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"}}]}`, msgTrustNoAction},
		{"trust star action", Trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*"}]}`, msgTrustActions},
		{"trust not resource", Trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","NotResource":"*"}]}`, msgTrustNotResource},
		{"trust duplicate sid", Trust, `{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"},{"Sid":"A","Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`, msgTrustSidUnique},
		{"trust condition", Trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"x"}}}]}`, ok},
		{"trust unknown field", Trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Foo":1}]}`, msgSyntax},
		{"resource policy", Resource, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}}`, ok},
		{"url encoded", Identity, `%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%7D`, ok},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := Validate(tc.doc, tc.kind)
			if tc.want == ok {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			e, isAPI := err.(*apierror.Error)
			if !isAPI || e.Code != "MalformedPolicyDocument" || e.Message != tc.want {
				t.Fatalf("got %v, want MalformedPolicyDocument: %s", err, tc.want)
			}
		})
	}
}

func TestValidateWithPrincipalExists(t *testing.T) {
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::123456789012:root","arn:aws:iam::123456789012:role/gone"]},"Action":"sts:AssumeRole"}}`
	err := ValidateWith(doc, Trust, func(arn string) bool { return arn != "arn:aws:iam::123456789012:role/gone" })
	if err == nil || err.(*apierror.Error).Message != `Invalid principal in policy: "AWS":"arn:aws:iam::123456789012:role/gone"` {
		t.Fatalf("got %v", err)
	}
	if err := ValidateWith(doc, Trust, func(string) bool { return true }); err != nil {
		t.Fatal(err)
	}
}

func TestStatementPositions(t *testing.T) {
	// The example of `aws iam simulate-custom-policy` in AWS's CLI documentation.
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`
	d, err := Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	st := d.Statements[0]
	if st.Start != (Position{1, 38}) || st.End != (Position{1, 167}) {
		t.Fatalf("positions %v %v", st.Start, st.End)
	}
	doc = "{\n    \"Version\": \"2012-10-17\",\n    \"Statement\": {\n        \"Sid\": \"A\",\n        \"Effect\": \"Allow\",\n        \"Action\": \"codecommit:ListRepositories\",\n        \"Resource\": \"*\"\n    }\n}"
	d, err = Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	if st := d.Statements[0]; st.Start != (Position{3, 19}) || st.End != (Position{8, 6}) {
		t.Fatalf("positions %v %v", st.Start, st.End)
	}
}

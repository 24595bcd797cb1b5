package policy

import (
	"reflect"
	"testing"
)

func mustParse(t testing.TB, doc string) *Document {
	t.Helper()
	d, err := Parse(doc)
	if err != nil {
		t.Fatalf("parse %s: %v", doc, err)
	}
	return d
}

// stmt wraps statements into a 2012-10-17 policy.
func stmt(statements string) string {
	return `{"Version":"2012-10-17","Statement":[` + statements + `]}`
}

func TestEvaluateDecisions(t *testing.T) {
	user := &Principal{ARN: "arn:aws:iam::123456789012:user/alice", Account: "123456789012"}
	cases := []struct {
		name     string
		identity []string
		resource []string
		boundary []string
		session  []string
		req      Request
		want     Decision
	}{
		{"no policies", nil, nil, nil, nil, Request{Action: "s3:GetObject", Resource: "*"}, ImplicitDeny},
		{"allow all", []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}, Allowed},
		{"action wildcard", []string{stmt(`{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}`)}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "*"}, Allowed},
		{"action wildcard no match", []string{stmt(`{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}`)}, nil, nil, nil,
			Request{Action: "s3:PutObject", Resource: "*"}, ImplicitDeny},
		{"action case-insensitive", []string{stmt(`{"Effect":"Allow","Action":"S3:getobject","Resource":"*"}`)}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "*"}, Allowed},
		{"action question mark", []string{stmt(`{"Effect":"Allow","Action":"ec2:Describe?nstances","Resource":"*"}`)}, nil, nil, nil,
			Request{Action: "ec2:DescribeInstances", Resource: "*"}, Allowed},
		{"resource case-sensitive", []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::Bucket/*"}`)}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/k"}, ImplicitDeny},
		{"resource wildcard", []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::bucket/*"}`)}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket/a/b"}, Allowed},
		{"resource question mark", []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::log-?"}`)}, nil, nil, nil,
			Request{Action: "s3:ListBucket", Resource: "arn:aws:s3:::log-12"}, ImplicitDeny},
		{"explicit deny wins", []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"iam:*","Resource":"*"}`)}, nil, nil, nil,
			Request{Action: "iam:CreateUser", Resource: "*"}, ExplicitDeny},
		{"deny in another policy wins", []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`), stmt(`{"Effect":"Deny","Action":"s3:*","Resource":"*"}`)}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "*"}, ExplicitDeny},
		{"not action allow", []string{stmt(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`)}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "*"}, Allowed},
		{"not action excluded", []string{stmt(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`)}, nil, nil, nil,
			Request{Action: "iam:ListUsers", Resource: "*"}, ImplicitDeny},
		{"not resource deny", []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::safe/*"}`)}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::other/k"}, ExplicitDeny},
		{"not resource spared", []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::safe/*"}`)}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::safe/k"}, Allowed},
		{"boundary limits", []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}, nil, []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)}, nil,
			Request{Action: "ec2:RunInstances", Resource: "*"}, ImplicitDeny},
		{"boundary permits", []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}, nil, []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)}, nil,
			Request{Action: "s3:PutObject", Resource: "*"}, Allowed},
		{"boundary does not grant", nil, nil, []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)}, nil,
			Request{Action: "s3:PutObject", Resource: "*"}, ImplicitDeny},
		{"boundary deny", []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}, nil, []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}`)}, nil,
			Request{Action: "s3:DeleteBucket", Resource: "*"}, ExplicitDeny},
		{"session limits", []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}, nil, nil, []string{stmt(`{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}`)},
			Request{Action: "ec2:RunInstances", Resource: "*"}, ImplicitDeny},
		{"session permits", []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}, nil, nil, []string{stmt(`{"Effect":"Allow","Action":"ec2:Describe*","Resource":"*"}`)},
			Request{Action: "ec2:DescribeVpcs", Resource: "*"}, Allowed},
		{"resource policy grants same account", nil, []string{stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`)}, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Principal: user}, Allowed},
		{"resource policy other principal", nil, []string{stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:user/bob"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`)}, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Principal: user}, ImplicitDeny},
		{"resource policy account principal", nil, []string{stmt(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}`)}, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Principal: user}, Allowed},
		{"resource policy root principal", nil, []string{stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"s3:GetObject","Resource":"*"}`)}, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k", Principal: user}, Allowed},
		{"resource policy star principal", nil, []string{stmt(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`)}, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}, Allowed},
		{"resource policy deny", []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}, []string{stmt(`{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}`)}, nil, nil,
			Request{Action: "s3:GetObject", Resource: "*", Principal: user}, ExplicitDeny},
		{"not principal deny spares", []string{stmt(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}, []string{stmt(`{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::123456789012:user/alice"},"Action":"s3:*","Resource":"*"}`)}, nil, nil,
			Request{Action: "s3:GetObject", Resource: "*", Principal: user}, Allowed},
		{"cross account needs both", nil, []string{stmt(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}`)}, nil, nil,
			Request{Action: "s3:GetObject", Resource: "*", Principal: user, ResourceAccount: "999999999999"}, ImplicitDeny},
		{"cross account with both", []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)}, []string{stmt(`{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"s3:GetObject","Resource":"*"}`)}, nil, nil,
			Request{Action: "s3:GetObject", Resource: "*", Principal: user, ResourceAccount: "999999999999"}, Allowed},
		{"trust service principal", nil, []string{stmt(`{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}`)}, nil, nil,
			Request{Action: "sts:AssumeRole", Principal: &Principal{Service: "ecs-tasks.amazonaws.com"}}, Allowed},
		{"trust wrong service", nil, []string{stmt(`{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}`)}, nil, nil,
			Request{Action: "sts:AssumeRole", Principal: &Principal{Service: "ec2.amazonaws.com"}}, ImplicitDeny},
		{"trust role session", nil, []string{stmt(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:role/ci/deployer"},"Action":"sts:AssumeRole"}`)}, nil, nil,
			Request{Action: "sts:AssumeRole", Principal: &Principal{ARN: "arn:aws:sts::123456789012:assumed-role/deployer/s", Account: "123456789012", RoleARN: "arn:aws:iam::123456789012:role/ci/deployer"}}, Allowed},
		{"trust federated", nil, []string{stmt(`{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::123456789012:oidc-provider/example.com"},"Action":"sts:AssumeRoleWithWebIdentity"}`)}, nil, nil,
			Request{Action: "sts:AssumeRoleWithWebIdentity", Principal: &Principal{Federated: "arn:aws:iam::123456789012:oidc-provider/example.com"}}, Allowed},
		{"variable in resource", []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}`)}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/alice/x", Context: Context{"aws:username": {"alice"}}}, Allowed},
		{"variable other user", []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}`)}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/bob/x", Context: Context{"aws:username": {"alice"}}}, ImplicitDeny},
		{"variable missing", []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}`)}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/alice/x"}, ImplicitDeny},
		{"variable default", []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username, 'guest'}/*"}`)}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/guest/x"}, Allowed},
		{"variable in 2008 policy is literal", []string{`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}"}}`}, nil, nil, nil,
			Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::home/${aws:username}", Context: Context{"aws:username": {"alice"}}}, Allowed},
		{"principal tag variable in condition", []string{stmt(`{"Effect":"Allow","Action":"ec2:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/team":"${aws:PrincipalTag/team}"}}}`)}, nil, nil, nil,
			Request{Action: "ec2:StopInstances", Resource: "*", Context: Context{"aws:resourcetag/team": {"blue"}, "aws:principaltag/team": {"blue"}}}, Allowed},
		{"escape variables", []string{stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"a${*}b${?}c${$}"}}}`)}, nil, nil, nil,
			Request{Action: "s3:ListBucket", Resource: "*", Context: Context{"s3:prefix": {"a*b?c$"}}}, Allowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			load := func(docs []string, typ string) []Policy {
				if docs == nil {
					return nil
				}
				out := make([]Policy, len(docs))
				for i, d := range docs {
					out[i] = Policy{ID: typ, Type: typ, Doc: mustParse(t, d)}
				}
				return out
			}
			sets := PolicySets{Identity: load(tc.identity, "user"), Resource: load(tc.resource, "resource"),
				Boundary: load(tc.boundary, "user-managed"), Session: load(tc.session, "none")}
			if got := Evaluate(tc.req, sets).Decision; got != tc.want {
				t.Fatalf("Evaluate = %s, want %s", got, tc.want)
			}
			if got := Decide(tc.req, sets); got != tc.want {
				t.Fatalf("Decide = %s, want %s", got, tc.want)
			}
		})
	}
}

func TestConditionOperators(t *testing.T) {
	cases := []struct {
		name string
		cond string
		ctx  Context
		want bool
	}{
		{"StringEquals", `{"StringEquals":{"aws:username":"alice"}}`, Context{"aws:username": {"alice"}}, true},
		{"StringEquals case", `{"StringEquals":{"aws:username":"alice"}}`, Context{"aws:username": {"Alice"}}, false},
		{"StringEquals key case-insensitive", `{"StringEquals":{"AWS:UserName":"alice"}}`, Context{"aws:username": {"alice"}}, true},
		{"StringEquals any of list", `{"StringEquals":{"aws:RequestedRegion":["us-east-1","eu-west-1"]}}`, Context{"aws:requestedregion": {"eu-west-1"}}, true},
		{"StringEquals missing", `{"StringEquals":{"aws:username":"alice"}}`, Context{}, false},
		{"StringNotEquals", `{"StringNotEquals":{"aws:username":"alice"}}`, Context{"aws:username": {"bob"}}, true},
		{"StringNotEquals same", `{"StringNotEquals":{"aws:username":["bob","alice"]}}`, Context{"aws:username": {"alice"}}, false},
		{"StringNotEquals missing", `{"StringNotEquals":{"aws:username":"alice"}}`, Context{}, true},
		{"StringEqualsIgnoreCase", `{"StringEqualsIgnoreCase":{"aws:username":"ALICE"}}`, Context{"aws:username": {"alice"}}, true},
		{"StringNotEqualsIgnoreCase", `{"StringNotEqualsIgnoreCase":{"aws:username":"ALICE"}}`, Context{"aws:username": {"alice"}}, false},
		{"StringLike", `{"StringLike":{"s3:prefix":"home/*"}}`, Context{"s3:prefix": {"home/alice"}}, true},
		{"StringLike question", `{"StringLike":{"s3:prefix":"h?me"}}`, Context{"s3:prefix": {"home"}}, true},
		{"StringLike no match", `{"StringLike":{"s3:prefix":"home/*"}}`, Context{"s3:prefix": {"work/alice"}}, false},
		{"StringNotLike", `{"StringNotLike":{"s3:prefix":"home/*"}}`, Context{"s3:prefix": {"work/alice"}}, true},
		{"StringLike variable", `{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}`, Context{"s3:prefix": {"home/alice/x"}, "aws:username": {"alice"}}, true},
		{"NumericEquals", `{"NumericEquals":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"10.0"}}, true},
		{"NumericNotEquals", `{"NumericNotEquals":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"11"}}, true},
		{"NumericLessThan", `{"NumericLessThan":{"s3:max-keys":10}}`, Context{"s3:max-keys": {"9"}}, true},
		{"NumericLessThan equal", `{"NumericLessThan":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"10"}}, false},
		{"NumericLessThanEquals", `{"NumericLessThanEquals":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"10"}}, true},
		{"NumericGreaterThan", `{"NumericGreaterThan":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"10.5"}}, true},
		{"NumericGreaterThanEquals", `{"NumericGreaterThanEquals":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"9"}}, false},
		{"Numeric not a number", `{"NumericEquals":{"s3:max-keys":"10"}}`, Context{"s3:max-keys": {"ten"}}, false},
		{"DateGreaterThan", `{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}`, Context{"aws:currenttime": {"2019-04-25T11:00:00Z"}}, true},
		{"DateGreaterThan earlier", `{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}`, Context{"aws:currenttime": {"2018-04-25T11:00:00Z"}}, false},
		{"DateLessThan epoch", `{"DateLessThan":{"aws:EpochTime":"1700000000"}}`, Context{"aws:epochtime": {"1600000000"}}, true},
		{"DateLessThanEquals", `{"DateLessThanEquals":{"aws:CurrentTime":"2020-01-01"}}`, Context{"aws:currenttime": {"2020-01-01T00:00:00Z"}}, true},
		{"DateEquals", `{"DateEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`, Context{"aws:currenttime": {"1577836800"}}, true},
		{"DateNotEquals", `{"DateNotEquals":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}`, Context{"aws:currenttime": {"2020-01-02T00:00:00Z"}}, true},
		{"DateGreaterThanEquals", `{"DateGreaterThanEquals":{"aws:CurrentTime":"2020-01-01T00:00:00+01:00"}}`, Context{"aws:currenttime": {"2019-12-31T23:00:00Z"}}, true},
		{"Bool true", `{"Bool":{"aws:SecureTransport":"true"}}`, Context{"aws:securetransport": {"TRUE"}}, true},
		{"Bool literal false", `{"Bool":{"aws:SecureTransport":false}}`, Context{"aws:securetransport": {"false"}}, true},
		{"Bool mismatch", `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`, Context{"aws:multifactorauthpresent": {"false"}}, false},
		{"Bool missing", `{"Bool":{"aws:MultiFactorAuthPresent":"true"}}`, Context{}, false},
		{"BoolIfExists missing", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"}}`, Context{}, true},
		{"BinaryEquals", `{"BinaryEquals":{"key":"QmluYXJ5VmFsdWU="}}`, Context{"key": {"QmluYXJ5VmFsdWU="}}, true},
		{"BinaryEquals differs", `{"BinaryEquals":{"key":"QmluYXJ5VmFsdWU="}}`, Context{"key": {"AAAA"}}, false},
		{"IpAddress cidr", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, Context{"aws:sourceip": {"203.0.113.7"}}, true},
		{"IpAddress outside", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`, Context{"aws:sourceip": {"198.51.100.7"}}, false},
		{"IpAddress single", `{"IpAddress":{"aws:SourceIp":"203.0.113.7"}}`, Context{"aws:sourceip": {"203.0.113.7"}}, true},
		{"IpAddress v6", `{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}`, Context{"aws:sourceip": {"2001:db8::1"}}, true},
		{"NotIpAddress", `{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}`, Context{"aws:sourceip": {"203.0.113.7"}}, true},
		{"NotIpAddress inside", `{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8"]}}`, Context{"aws:sourceip": {"10.1.2.3"}}, false},
		{"ArnEquals", `{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic"}}`, Context{"aws:sourcearn": {"arn:aws:sns:us-east-1:123456789012:topic"}}, true},
		{"ArnLike wildcard region", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:123456789012:*"}}`, Context{"aws:sourcearn": {"arn:aws:sns:eu-west-1:123456789012:topic"}}, true},
		{"ArnLike wildcard does not cross fields", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*"}}`, Context{"aws:sourcearn": {"arn:aws:sns:eu-west-1:123456789012:topic"}}, false},
		{"ArnLike account differs", `{"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:111111111111:*"}}`, Context{"aws:sourcearn": {"arn:aws:sns:eu-west-1:123456789012:topic"}}, false},
		{"ArnNotLike", `{"ArnNotLike":{"aws:SourceArn":"arn:aws:sns:*:111111111111:*"}}`, Context{"aws:sourcearn": {"arn:aws:sns:eu-west-1:123456789012:topic"}}, true},
		{"ArnNotEquals", `{"ArnNotEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:123456789012:topic"}}`, Context{"aws:sourcearn": {"arn:aws:sns:us-east-1:123456789012:topic"}}, false},
		{"Null true absent", `{"Null":{"aws:TokenIssueTime":"true"}}`, Context{}, true},
		{"Null true present", `{"Null":{"aws:TokenIssueTime":"true"}}`, Context{"aws:tokenissuetime": {"x"}}, false},
		{"Null false present", `{"Null":{"aws:TokenIssueTime":"false"}}`, Context{"aws:tokenissuetime": {"x"}}, true},
		{"StringEqualsIfExists present", `{"StringEqualsIfExists":{"ec2:InstanceType":"t3.micro"}}`, Context{"ec2:instancetype": {"m5.large"}}, false},
		{"StringEqualsIfExists absent", `{"StringEqualsIfExists":{"ec2:InstanceType":"t3.micro"}}`, Context{}, true},
		{"NumericLessThanIfExists", `{"NumericLessThanIfExists":{"k":"5"}}`, Context{"k": {"4"}}, true},
		{"ForAnyValue one matches", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}`, Context{"aws:tagkeys": {"cost", "team"}}, true},
		{"ForAnyValue none", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["env","team"]}}`, Context{"aws:tagkeys": {"cost"}}, false},
		{"ForAnyValue absent", `{"ForAnyValue:StringEquals":{"aws:TagKeys":["env"]}}`, Context{}, false},
		{"ForAllValues all match", `{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}`, Context{"aws:tagkeys": {"env", "team"}}, true},
		{"ForAllValues one outside", `{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}`, Context{"aws:tagkeys": {"env", "cost"}}, false},
		{"ForAllValues absent", `{"ForAllValues:StringEquals":{"aws:TagKeys":["env"]}}`, Context{}, true},
		{"ForAllValues StringLike", `{"ForAllValues:StringLike":{"aws:TagKeys":["team-*"]}}`, Context{"aws:tagkeys": {"team-a", "team-b"}}, true},
		{"ForAnyValue StringNotEquals", `{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["env"]}}`, Context{"aws:tagkeys": {"env", "x"}}, true},
		{"ForAllValues StringNotEquals", `{"ForAllValues:StringNotEquals":{"aws:TagKeys":["env"]}}`, Context{"aws:tagkeys": {"env", "x"}}, false},
		{"single operator multivalued key", `{"StringEquals":{"aws:TagKeys":"env"}}`, Context{"aws:tagkeys": {"x", "env"}}, true},
		{"two keys both needed", `{"StringEquals":{"a":"1","b":"2"}}`, Context{"a": {"1"}, "b": {"3"}}, false},
		{"two operators both needed", `{"StringEquals":{"a":"1"},"Bool":{"b":"true"}}`, Context{"a": {"1"}, "b": {"true"}}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			doc := mustParse(t, stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":`+tc.cond+`}`))
			got := Decide(Request{Action: "s3:GetObject", Resource: "*", Context: tc.ctx}, PolicySets{Identity: []Policy{{Doc: doc}}})
			if (got == Allowed) != tc.want {
				t.Fatalf("decision %s, want condition %v", got, tc.want)
			}
		})
	}
}

func TestEvaluateResultDetails(t *testing.T) {
	doc := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\"Effect\": \"Allow\", \"Action\": \"s3:*\", \"Resource\": \"*\", \"Condition\": {\"StringEquals\": {\"aws:username\": \"alice\"}, \"Bool\": {\"aws:SecureTransport\": \"true\"}}},\n    {\"Effect\": \"Allow\", \"Action\": \"s3:Get*\", \"Resource\": \"*\"},\n    {\"Effect\": \"Deny\", \"Action\": \"s3:Delete*\", \"Resource\": \"*\"}\n  ]\n}"
	sets := PolicySets{Identity: []Policy{{ID: "p1", Type: "user", Doc: mustParse(t, doc)}}}

	r := Evaluate(Request{Action: "s3:GetObject", Resource: "*"}, sets)
	if r.Decision != Allowed || len(r.Matched) != 1 || r.Matched[0] != (Match{"p1", "user", Position{5, 6}, Position{5, 62}}) {
		t.Fatalf("allowed result %+v", r)
	}
	if !reflect.DeepEqual(r.Missing, []string{"aws:username", "aws:SecureTransport"}) {
		t.Fatalf("missing %v", r.Missing)
	}
	r = Evaluate(Request{Action: "s3:DeleteObject", Resource: "*", Context: Context{"aws:username": {"alice"}, "aws:securetransport": {"true"}}}, sets)
	if r.Decision != ExplicitDeny || len(r.Matched) != 1 || r.Matched[0].Start.Line != 6 || len(r.Missing) != 0 {
		t.Fatalf("deny result %+v", r)
	}
	r = Evaluate(Request{Action: "ec2:RunInstances", Resource: "*"}, sets)
	if r.Decision != ImplicitDeny || len(r.Matched) != 0 || len(r.Missing) != 0 {
		t.Fatalf("implicit result %+v", r)
	}
	bd := PolicySets{Identity: sets.Identity, Boundary: []Policy{{Doc: mustParse(t, stmt(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`))}}}
	if r := Evaluate(Request{Action: "s3:GetObject", Resource: "*"}, bd); r.Decision != ImplicitDeny || r.AllowedByBoundary {
		t.Fatalf("boundary result %+v", r)
	}
}

func TestContextKeys(t *testing.T) {
	d := mustParse(t, stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"StringEquals":{"aws:PrincipalTag/team":"${aws:ResourceTag/team}","AWS:USERNAME":"x"},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`))
	want := []string{"aws:username", "aws:PrincipalTag/team", "aws:ResourceTag/team", "aws:SourceIp"}
	if got := d.ContextKeys(); !reflect.DeepEqual(got, want) {
		t.Fatalf("ContextKeys = %v, want %v", got, want)
	}
}

func TestParseCached(t *testing.T) {
	doc := stmt(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)
	a, err := ParseCached(doc)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := ParseCached(doc)
	if a != b {
		t.Error("second parse did not come from the cache")
	}
	if _, err := ParseCached("{"); err == nil {
		t.Error("bad document parsed")
	}
}

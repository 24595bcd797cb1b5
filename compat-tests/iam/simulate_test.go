package iam_test

import (
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func simPolicyDoc(statements string) string {
	return `{"Version":"2012-10-17","Statement":[` + statements + `]}`
}

func TestSimulateCustomPolicyDecisions(t *testing.T) {
	ls := harness.Start(t)
	client := iam.NewFromConfig(ls.Config)
	cases := []struct {
		name      string
		policies  []string
		boundary  []string
		action    string
		resources []string
		context   []types.ContextEntry
		want      types.PolicyEvaluationDecisionType
	}{
		{"allow all", []string{simPolicyDoc(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}, nil, "ecs:RunTask", nil, nil, types.PolicyEvaluationDecisionTypeAllowed},
		{"no statement applies", []string{simPolicyDoc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)}, nil, "ecs:RunTask", nil, nil, types.PolicyEvaluationDecisionTypeImplicitDeny},
		{"deny wins over allow", []string{simPolicyDoc(`{"Effect":"Allow","Action":"*","Resource":"*"}`), simPolicyDoc(`{"Effect":"Deny","Action":"iam:*","Resource":"*"}`)}, nil, "iam:CreateUser", nil, nil, types.PolicyEvaluationDecisionTypeExplicitDeny},
		{"wildcard action", []string{simPolicyDoc(`{"Effect":"Allow","Action":"ecs:Describe*","Resource":"*"}`)}, nil, "ecs:DescribeServices", nil, nil, types.PolicyEvaluationDecisionTypeAllowed},
		{"not action", []string{simPolicyDoc(`{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}`)}, nil, "iam:ListRoles", nil, nil, types.PolicyEvaluationDecisionTypeImplicitDeny},
		{"resource match", []string{simPolicyDoc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}`)}, nil, "s3:GetObject", []string{"arn:aws:s3:::bucket/key"}, nil, types.PolicyEvaluationDecisionTypeAllowed},
		{"resource mismatch", []string{simPolicyDoc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket/*"}`)}, nil, "s3:GetObject", []string{"arn:aws:s3:::other/key"}, nil, types.PolicyEvaluationDecisionTypeImplicitDeny},
		{"not resource deny", []string{simPolicyDoc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"},{"Effect":"Deny","Action":"s3:*","NotResource":"arn:aws:s3:::safe/*"}`)}, nil, "s3:PutObject", []string{"arn:aws:s3:::other/key"}, nil, types.PolicyEvaluationDecisionTypeExplicitDeny},
		{"condition met", []string{simPolicyDoc(`{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}`)}, nil, "dynamodb:CreateBackup", nil,
			[]types.ContextEntry{{ContextKeyName: aws.String("aws:CurrentTime"), ContextKeyValues: []string{"2019-04-25T11:00:00Z"}, ContextKeyType: types.ContextKeyTypeEnumDate}}, types.PolicyEvaluationDecisionTypeAllowed},
		{"condition not met", []string{simPolicyDoc(`{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}`)}, nil, "dynamodb:CreateBackup", nil,
			[]types.ContextEntry{{ContextKeyName: aws.String("aws:CurrentTime"), ContextKeyValues: []string{"2014-04-25T11:00:00Z"}, ContextKeyType: types.ContextKeyTypeEnumDate}}, types.PolicyEvaluationDecisionTypeImplicitDeny},
		{"ip condition deny", []string{simPolicyDoc(`{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`)}, nil, "ecs:ListClusters", nil,
			[]types.ContextEntry{{ContextKeyName: aws.String("aws:SourceIp"), ContextKeyValues: []string{"203.0.113.9"}, ContextKeyType: types.ContextKeyTypeEnumIp}}, types.PolicyEvaluationDecisionTypeExplicitDeny},
		{"variable in resource", []string{simPolicyDoc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*"}`)}, nil, "s3:GetObject", []string{"arn:aws:s3:::home/alice/notes"},
			[]types.ContextEntry{{ContextKeyName: aws.String("aws:username"), ContextKeyValues: []string{"alice"}, ContextKeyType: types.ContextKeyTypeEnumString}}, types.PolicyEvaluationDecisionTypeAllowed},
		{"tag set condition", []string{simPolicyDoc(`{"Effect":"Allow","Action":"ecs:TagResource","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["env","team"]}}}`)}, nil, "ecs:TagResource", nil,
			[]types.ContextEntry{{ContextKeyName: aws.String("aws:TagKeys"), ContextKeyValues: []string{"env", "owner"}, ContextKeyType: types.ContextKeyTypeEnumStringList}}, types.PolicyEvaluationDecisionTypeImplicitDeny},
		{"boundary limits", []string{simPolicyDoc(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}, []string{simPolicyDoc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)}, "ecs:RunTask", nil, nil, types.PolicyEvaluationDecisionTypeImplicitDeny},
		{"boundary permits", []string{simPolicyDoc(`{"Effect":"Allow","Action":"*","Resource":"*"}`)}, []string{simPolicyDoc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)}, "s3:ListBucket", nil, nil, types.PolicyEvaluationDecisionTypeAllowed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := client.SimulateCustomPolicy(harness.Ctx, &iam.SimulateCustomPolicyInput{
				PolicyInputList: tc.policies, PermissionsBoundaryPolicyInputList: tc.boundary,
				ActionNames: []string{tc.action}, ResourceArns: tc.resources, ContextEntries: tc.context,
			})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.EvaluationResults) != 1 {
				t.Fatalf("%d results", len(out.EvaluationResults))
			}
			r := out.EvaluationResults[0]
			if r.EvalDecision != tc.want || aws.ToString(r.EvalActionName) != tc.action {
				t.Fatalf("decision %s for %s, want %s", r.EvalDecision, aws.ToString(r.EvalActionName), tc.want)
			}
			if tc.boundary != nil && (r.PermissionsBoundaryDecisionDetail == nil ||
				r.PermissionsBoundaryDecisionDetail.AllowedByPermissionsBoundary != (tc.want == types.PolicyEvaluationDecisionTypeAllowed)) {
				t.Errorf("boundary detail %+v", r.PermissionsBoundaryDecisionDetail)
			}
		})
	}
}

func TestSimulateCustomPolicyResultShape(t *testing.T) {
	ls := harness.Start(t)
	client := iam.NewFromConfig(ls.Config)
	// The example of AWS's CLI documentation, with its statement positions.
	doc := `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}`
	out, err := client.SimulateCustomPolicy(harness.Ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{doc}, ActionNames: []string{"dynamodb:CreateBackup"},
		ContextEntries: []types.ContextEntry{{ContextKeyName: aws.String("aws:CurrentTime"), ContextKeyValues: []string{"2019-04-25T11:00:00Z"}, ContextKeyType: types.ContextKeyTypeEnumDate}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r := out.EvaluationResults[0]
	if aws.ToString(r.EvalResourceName) != "*" || r.EvalDecision != types.PolicyEvaluationDecisionTypeAllowed || len(r.MatchedStatements) != 1 {
		t.Fatalf("result %+v", r)
	}
	m := r.MatchedStatements[0]
	if aws.ToString(m.SourcePolicyId) != "PolicyInputList.1" || *m.StartPosition != (types.Position{Line: 1, Column: 38}) || *m.EndPosition != (types.Position{Line: 1, Column: 167}) {
		t.Errorf("matched statement %s %+v %+v", aws.ToString(m.SourcePolicyId), *m.StartPosition, *m.EndPosition)
	}
	if len(r.MissingContextValues) != 0 || r.ResourceSpecificResults != nil || r.EvalDecisionDetails != nil {
		t.Errorf("missing %v, resource results %v, details %v", r.MissingContextValues, r.ResourceSpecificResults, r.EvalDecisionDetails)
	}

	// Without the context value the key is reported missing; with resources, each has its result.
	out, err = client.SimulateCustomPolicy(harness.Ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{doc, simPolicyDoc(`{"Effect":"Deny","Action":"dynamodb:DeleteTable","Resource":"arn:aws:dynamodb:*:*:table/prod-*"}`)},
		ActionNames:     []string{"dynamodb:CreateBackup", "dynamodb:DeleteTable"},
		ResourceArns:    []string{"arn:aws:dynamodb:us-east-1:000000000000:table/prod-a", "arn:aws:dynamodb:us-east-1:000000000000:table/dev-a"},
	})
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		action, resource string
		decision         types.PolicyEvaluationDecisionType
	}
	var got []row
	for _, r := range out.EvaluationResults {
		got = append(got, row{aws.ToString(r.EvalActionName), aws.ToString(r.EvalResourceName), r.EvalDecision})
		// With resource ARNs, missing keys are reported per resource.
		if len(r.MissingContextValues) != 0 || r.EvalDecisionDetails == nil || len(r.EvalDecisionDetails) != 0 {
			t.Errorf("missing context values %v, details %v", r.MissingContextValues, r.EvalDecisionDetails)
		}
		if len(r.ResourceSpecificResults) != 1 || aws.ToString(r.ResourceSpecificResults[0].EvalResourceName) != aws.ToString(r.EvalResourceName) ||
			r.ResourceSpecificResults[0].EvalResourceDecision != r.EvalDecision ||
			!reflect.DeepEqual(r.ResourceSpecificResults[0].MissingContextValues, []string{"aws:CurrentTime"}) {
			t.Errorf("resource specific results %+v", r.ResourceSpecificResults)
		}
	}
	want := []row{
		{"dynamodb:CreateBackup", "arn:aws:dynamodb:us-east-1:000000000000:table/prod-a", types.PolicyEvaluationDecisionTypeImplicitDeny},
		{"dynamodb:CreateBackup", "arn:aws:dynamodb:us-east-1:000000000000:table/dev-a", types.PolicyEvaluationDecisionTypeImplicitDeny},
		{"dynamodb:DeleteTable", "arn:aws:dynamodb:us-east-1:000000000000:table/prod-a", types.PolicyEvaluationDecisionTypeExplicitDeny},
		{"dynamodb:DeleteTable", "arn:aws:dynamodb:us-east-1:000000000000:table/dev-a", types.PolicyEvaluationDecisionTypeImplicitDeny},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("results\n got %v\nwant %v", got, want)
	}
	if m := out.EvaluationResults[2].MatchedStatements; len(m) != 1 || aws.ToString(m[0].SourcePolicyId) != "PolicyInputList.2" {
		t.Errorf("deny statements %+v", m)
	}
}

func TestSimulateCustomPolicyPagination(t *testing.T) {
	ls := harness.Start(t)
	client := iam.NewFromConfig(ls.Config)
	actions := []string{"ecs:RunTask", "ecs:StopTask", "ecs:ListTasks", "ecs:DescribeTasks", "ecs:StartTask"}
	p := iam.NewSimulateCustomPolicyPaginator(client, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{simPolicyDoc(`{"Effect":"Allow","Action":"ecs:*Task*","Resource":"*"}`)},
		ActionNames:     actions, MaxItems: aws.Int32(2),
	})
	var got []string
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.EvaluationResults) > 2 {
			t.Fatalf("page of %d", len(page.EvaluationResults))
		}
		for _, r := range page.EvaluationResults {
			got = append(got, aws.ToString(r.EvalActionName))
		}
	}
	if pages != 3 || !reflect.DeepEqual(got, actions) {
		t.Fatalf("%d pages: %v", pages, got)
	}
}

func TestSimulateCustomPolicyResourcePolicy(t *testing.T) {
	ls := harness.Start(t)
	client := iam.NewFromConfig(ls.Config)
	bucketPolicy := simPolicyDoc(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}`)
	in := &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{simPolicyDoc(`{"Effect":"Allow","Action":"ec2:*","Resource":"*"}`)},
		ActionNames:     []string{"s3:GetObject"}, ResourceArns: []string{"arn:aws:s3:::shared/k"},
		ResourcePolicy: aws.String(bucketPolicy), CallerArn: aws.String("arn:aws:iam::000000000000:user/alice"),
	}
	out, err := client.SimulateCustomPolicy(harness.Ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	if r := out.EvaluationResults[0]; r.EvalDecision != types.PolicyEvaluationDecisionTypeAllowed || aws.ToString(r.MatchedStatements[0].SourcePolicyId) != "ResourcePolicy" {
		t.Fatalf("resource policy result %+v", r)
	}
	in.CallerArn = aws.String("arn:aws:iam::000000000000:user/bob")
	if out, err = client.SimulateCustomPolicy(harness.Ctx, in); err != nil || out.EvaluationResults[0].EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Fatalf("other caller: %v %+v", err, out)
	}
	// Across accounts both the identity and the resource policy must allow.
	in.CallerArn = aws.String("arn:aws:iam::000000000000:user/alice")
	in.ResourceOwner = aws.String("arn:aws:iam::111122223333:root")
	in.ResourcePolicy = aws.String(simPolicyDoc(`{"Effect":"Allow","Principal":{"AWS":"000000000000"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::shared/*"}`))
	out, err = client.SimulateCustomPolicy(harness.Ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	r := out.EvaluationResults[0]
	wantDetails := map[string]types.PolicyEvaluationDecisionType{"IAM Policy": types.PolicyEvaluationDecisionTypeImplicitDeny, "Resource Policy": types.PolicyEvaluationDecisionTypeAllowed}
	if r.EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny || !reflect.DeepEqual(r.EvalDecisionDetails, wantDetails) {
		t.Errorf("cross-account: %s %v", r.EvalDecision, r.EvalDecisionDetails)
	}
	in.PolicyInputList = []string{simPolicyDoc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}`)}
	if out, err = client.SimulateCustomPolicy(harness.Ctx, in); err != nil || out.EvaluationResults[0].EvalDecision != types.PolicyEvaluationDecisionTypeAllowed {
		t.Fatalf("cross-account with both: %v %+v", err, out)
	}
	in.ResourceOwner = nil

	// A resource policy needs a caller.
	in.CallerArn = nil
	_, err = client.SimulateCustomPolicy(harness.Ctx, in)
	harness.AssertAPIError(t, err, "InvalidInput")
	in.CallerArn = aws.String("arn:aws:iam::000000000000:role/r")
	_, err = client.SimulateCustomPolicy(harness.Ctx, in)
	harness.AssertAPIError(t, err, "InvalidInput")
}

func TestSimulateCustomPolicyErrors(t *testing.T) {
	ls := harness.Start(t)
	client := iam.NewFromConfig(ls.Config)
	for _, doc := range []string{`not json`, simPolicyDoc(`{"Effect":"Allow","Action":"s3:*"}`), simPolicyDoc(`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}`)} {
		_, err := client.SimulateCustomPolicy(harness.Ctx, &iam.SimulateCustomPolicyInput{PolicyInputList: []string{doc}, ActionNames: []string{"s3:GetObject"}})
		harness.AssertAPIError(t, err, "InvalidInput")
	}
	_, err := client.SimulateCustomPolicy(harness.Ctx, &iam.SimulateCustomPolicyInput{
		PolicyInputList: []string{simPolicyDoc(`{"Effect":"Allow","Action":"s3:*","Resource":"*"}`)}, ActionNames: []string{"s3:GetObject"}, Marker: aws.String("forged"),
	})
	harness.AssertAPIError(t, err, "ValidationError")
	// Required members come from the model.
	r := harness.Query(t, ls, "iam", "Action=SimulateCustomPolicy&Version=2010-05-08&ActionNames.member.1=s3:GetObject")
	if r.Status != 400 {
		t.Errorf("status %d: %s", r.Status, r.Body)
	}
	harness.Contains(t, r.Body, "policyInputList")
}

func TestGetContextKeysForCustomPolicy(t *testing.T) {
	ls := harness.Start(t)
	client := iam.NewFromConfig(ls.Config)
	out, err := client.GetContextKeysForCustomPolicy(harness.Ctx, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{
		simPolicyDoc(`{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::home/${aws:username}/*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`),
		simPolicyDoc(`{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:MultiFactorAuthPresent":"false"},"StringEquals":{"AWS:USERNAME":"root"}}}`),
	}})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"aws:username", "aws:SourceIp", "aws:MultiFactorAuthPresent"}; !reflect.DeepEqual(out.ContextKeyNames, want) {
		t.Fatalf("keys %v, want %v", out.ContextKeyNames, want)
	}
	_, err = client.GetContextKeysForCustomPolicy(harness.Ctx, &iam.GetContextKeysForCustomPolicyInput{PolicyInputList: []string{"{"}})
	harness.AssertAPIError(t, err, "InvalidInput")
}

func TestSimulatePrincipalPolicyUser(t *testing.T) {
	ls := harness.Start(t)
	client := iam.NewFromConfig(ls.Config)
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(client.CreateUser(harness.Ctx, &iam.CreateUserInput{UserName: aws.String("alice")}))
	must(client.CreateGroup(harness.Ctx, &iam.CreateGroupInput{GroupName: aws.String("ops")}))
	must(client.AddUserToGroup(harness.Ctx, &iam.AddUserToGroupInput{GroupName: aws.String("ops"), UserName: aws.String("alice")}))
	must(client.PutGroupPolicy(harness.Ctx, &iam.PutGroupPolicyInput{GroupName: aws.String("ops"), PolicyName: aws.String("ops-ecs"),
		PolicyDocument: aws.String(simPolicyDoc(`{"Effect":"Allow","Action":"ecs:*","Resource":"*"}`))}))
	pol, err := client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("logs-read"),
		PolicyDocument: aws.String(simPolicyDoc(`{"Effect":"Allow","Action":["logs:Get*","logs:Describe*"],"Resource":"*"}`))})
	must(pol, err)
	must(client.AttachUserPolicy(harness.Ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: pol.Policy.Arn}))
	must(client.PutUserPolicy(harness.Ctx, &iam.PutUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("no-delete"),
		PolicyDocument: aws.String(simPolicyDoc(`{"Effect":"Deny","Action":"ecs:Delete*","Resource":"*"}`))}))

	user := "arn:aws:iam::000000000000:user/alice"
	simulate := func(boundary []string, actions ...string) map[string]types.EvaluationResult {
		t.Helper()
		out, err := client.SimulatePrincipalPolicy(harness.Ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(user),
			ActionNames: actions, PermissionsBoundaryPolicyInputList: boundary})
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]types.EvaluationResult{}
		for _, r := range out.EvaluationResults {
			got[aws.ToString(r.EvalActionName)] = r
		}
		return got
	}
	got := simulate(nil, "ecs:RunTask", "logs:GetLogEvents", "ecs:DeleteCluster", "s3:GetObject")
	want := map[string]types.PolicyEvaluationDecisionType{
		"ecs:RunTask":       types.PolicyEvaluationDecisionTypeAllowed,      // group inline policy
		"logs:GetLogEvents": types.PolicyEvaluationDecisionTypeAllowed,      // attached managed policy
		"ecs:DeleteCluster": types.PolicyEvaluationDecisionTypeExplicitDeny, // user inline deny
		"s3:GetObject":      types.PolicyEvaluationDecisionTypeImplicitDeny,
	}
	for action, d := range want {
		if got[action].EvalDecision != d {
			t.Errorf("%s: %s, want %s", action, got[action].EvalDecision, d)
		}
	}
	source := func(action string) string {
		m := got[action].MatchedStatements
		if len(m) != 1 {
			return ""
		}
		return aws.ToString(m[0].SourcePolicyId)
	}
	if source("ecs:RunTask") != "ops-ecs" || source("logs:GetLogEvents") != "logs-read" || source("ecs:DeleteCluster") != "no-delete" {
		t.Errorf("sources %q %q %q", source("ecs:RunTask"), source("logs:GetLogEvents"), source("ecs:DeleteCluster"))
	}

	// A permissions boundary (here given in the request) caps what the policies allow.
	got = simulate([]string{simPolicyDoc(`{"Effect":"Allow","Action":"logs:*","Resource":"*"}`)}, "ecs:RunTask", "logs:GetLogEvents")
	if got["ecs:RunTask"].EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny || got["logs:GetLogEvents"].EvalDecision != types.PolicyEvaluationDecisionTypeAllowed {
		t.Errorf("with boundary: %s %s", got["ecs:RunTask"].EvalDecision, got["logs:GetLogEvents"].EvalDecision)
	}
	if d := got["ecs:RunTask"].PermissionsBoundaryDecisionDetail; d == nil || d.AllowedByPermissionsBoundary {
		t.Errorf("boundary detail %+v", d)
	}

	// The user's own permissions boundary applies too.
	bpol, err := client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("boundary"),
		PolicyDocument: aws.String(simPolicyDoc(`{"Effect":"Allow","Action":"ecs:*","Resource":"*"}`))})
	must(bpol, err)
	must(client.PutUserPermissionsBoundary(harness.Ctx, &iam.PutUserPermissionsBoundaryInput{UserName: aws.String("alice"), PermissionsBoundary: bpol.Policy.Arn}))
	got = simulate(nil, "ecs:RunTask", "logs:GetLogEvents")
	if got["ecs:RunTask"].EvalDecision != types.PolicyEvaluationDecisionTypeAllowed || got["logs:GetLogEvents"].EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Errorf("with the user's boundary: %s %s", got["ecs:RunTask"].EvalDecision, got["logs:GetLogEvents"].EvalDecision)
	}

	// The group alone.
	out, err := client.SimulatePrincipalPolicy(harness.Ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::000000000000:group/ops"),
		ActionNames: []string{"ecs:RunTask", "logs:GetLogEvents"}})
	if err != nil {
		t.Fatal(err)
	}
	if out.EvaluationResults[0].EvalDecision != types.PolicyEvaluationDecisionTypeAllowed || out.EvaluationResults[1].EvalDecision != types.PolicyEvaluationDecisionTypeImplicitDeny {
		t.Errorf("group: %+v", out.EvaluationResults)
	}

	keys, err := client.GetContextKeysForPrincipalPolicy(harness.Ctx, &iam.GetContextKeysForPrincipalPolicyInput{PolicySourceArn: aws.String(user),
		PolicyInputList: []string{simPolicyDoc(`{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}`)}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(keys.ContextKeyNames, []string{"aws:SecureTransport"}) {
		t.Errorf("context keys %v", keys.ContextKeyNames)
	}

	for _, arn := range []string{"arn:aws:iam::000000000000:user/nobody", "arn:aws:iam::000000000000:role/nobody", "arn:aws:iam::000000000000:group/nobody"} {
		_, err = client.SimulatePrincipalPolicy(harness.Ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: aws.String(arn), ActionNames: []string{"s3:GetObject"}})
		harness.AssertAPIError(t, err, "NoSuchEntity")
	}
	_, err = client.GetContextKeysForPrincipalPolicy(harness.Ctx, &iam.GetContextKeysForPrincipalPolicyInput{PolicySourceArn: aws.String("arn:aws:iam::000000000000:user/nobody")})
	harness.AssertAPIError(t, err, "NoSuchEntity")
}

func TestSimulatePrincipalPolicyRole(t *testing.T) {
	ls := harness.Start(t)
	client := iam.NewFromConfig(ls.Config)
	trust := simPolicyDoc(`{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}`)
	role, err := client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("task"), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.AttachRolePolicy(harness.Ctx, &iam.AttachRolePolicyInput{RoleName: aws.String("task"),
		PolicyArn: aws.String("arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")}); err != nil {
		t.Fatal(err)
	}
	out, err := client.SimulatePrincipalPolicy(harness.Ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: role.Role.Arn,
		ActionNames: []string{"ecr:GetAuthorizationToken", "logs:PutLogEvents", "ecs:RunTask"}})
	if err != nil {
		t.Fatal(err)
	}
	want := []types.PolicyEvaluationDecisionType{types.PolicyEvaluationDecisionTypeAllowed, types.PolicyEvaluationDecisionTypeAllowed, types.PolicyEvaluationDecisionTypeImplicitDeny}
	for i, r := range out.EvaluationResults {
		if r.EvalDecision != want[i] {
			t.Errorf("%s: %s, want %s", aws.ToString(r.EvalActionName), r.EvalDecision, want[i])
		}
	}
	if m := out.EvaluationResults[0].MatchedStatements; len(m) != 1 || aws.ToString(m[0].SourcePolicyId) != "AmazonECSTaskExecutionRolePolicy" {
		t.Errorf("matched %+v", m)
	}
	// A resource policy with a role as the policy source needs a CallerArn.
	_, err = client.SimulatePrincipalPolicy(harness.Ctx, &iam.SimulatePrincipalPolicyInput{PolicySourceArn: role.Role.Arn, ActionNames: []string{"s3:GetObject"},
		ResourcePolicy: aws.String(simPolicyDoc(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"}`))})
	harness.AssertAPIError(t, err, "InvalidInput")
}

// The simulator's policy grammar is IAM's: documents that CreatePolicy,
// PutRolePolicy and CreateRole refuse carry the same messages.
func TestPolicyGrammarMessages(t *testing.T) {
	ls := harness.Start(t)
	client := iam.NewFromConfig(ls.Config)
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	if _, err := client.CreateRole(harness.Ctx, &iam.CreateRoleInput{RoleName: aws.String("r"), AssumeRolePolicyDocument: aws.String(trust)}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		call func(doc string) error
		doc  string
		want string
	}{
		{"managed policy without resource", func(d string) error {
			_, err := client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(d)})
			return err
		}, simPolicyDoc(`{"Effect":"Allow","Action":"s3:*"}`), "Policy statement must contain resources."},
		{"trust policy as managed policy", func(d string) error {
			_, err := client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(d)})
			return err
		}, trust, "Policy document should not specify a principal."},
		{"managed policy of 2008", func(d string) error {
			_, err := client.CreatePolicy(harness.Ctx, &iam.CreatePolicyInput{PolicyName: aws.String("p"), PolicyDocument: aws.String(d)})
			return err
		}, `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`, "Policy document must be version 2012-10-17 or greater."},
		{"inline policy with bad action", func(d string) error {
			_, err := client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(d)})
			return err
		}, simPolicyDoc(`{"Effect":"Allow","Action":"GetObject","Resource":"*"}`), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"inline policy with bad resource", func(d string) error {
			_, err := client.PutRolePolicy(harness.Ctx, &iam.PutRolePolicyInput{RoleName: aws.String("r"), PolicyName: aws.String("p"), PolicyDocument: aws.String(d)})
			return err
		}, simPolicyDoc(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"my-bucket"}`), `Resource my-bucket must be in ARN format or "*".`},
		{"trust policy with resource", func(d string) error {
			_, err := client.UpdateAssumeRolePolicy(harness.Ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: aws.String(d)})
			return err
		}, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}]}`, "Has prohibited field Resource"},
		{"trust policy without principal", func(d string) error {
			_, err := client.UpdateAssumeRolePolicy(harness.Ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: aws.String(d)})
			return err
		}, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}`, "Missing required field Principal"},
		{"trust policy with a bad service", func(d string) error {
			_, err := client.UpdateAssumeRolePolicy(harness.Ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("r"), PolicyDocument: aws.String(d)})
			return err
		}, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs tasks"},"Action":"sts:AssumeRole"}]}`, `Invalid principal in policy: "SERVICE":"ecs tasks"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ae := harness.AssertAPIError(t, tc.call(tc.doc), "MalformedPolicyDocument")
			if ae.ErrorMessage() != tc.want {
				t.Errorf("message %q, want %q", ae.ErrorMessage(), tc.want)
			}
		})
	}
}

package policy

import "testing"

// benchPolicy is a 10-statement policy of the kinds ECS workloads use.
const benchPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "Logs", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "arn:aws:logs:*:123456789012:log-group:/ecs/*"},
    {"Sid": "Ecr", "Effect": "Allow", "Action": ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"], "Resource": "*"},
    {"Sid": "Bucket", "Effect": "Allow", "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::app-data", "Condition": {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}},
    {"Sid": "Objects", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::app-data/home/${aws:username}/*"},
    {"Sid": "Tags", "Effect": "Allow", "Action": "ec2:*", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}},
    {"Sid": "Network", "Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.0.0/16"]}, "Bool": {"aws:ViaAWSService": "false"}}},
    {"Sid": "Mfa", "Effect": "Deny", "Action": "iam:*", "Resource": "*", "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}},
    {"Sid": "Regions", "Effect": "Deny", "NotAction": ["iam:*", "sts:*", "organizations:*"], "Resource": "*", "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-west-1"]}}},
    {"Sid": "Time", "Effect": "Allow", "Action": "dynamodb:*", "Resource": "arn:aws:dynamodb:*:123456789012:table/app-*", "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}},
    {"Sid": "Ecs", "Effect": "Allow", "Action": ["ecs:RunTask", "ecs:StartTask", "ecs:Describe*"], "Resource": "*", "Condition": {"ArnLike": {"ecs:cluster": "arn:aws:ecs:*:123456789012:cluster/prod-*"}}}
  ]
}`

func benchSets(b *testing.B) (PolicySets, Request) {
	d, err := Parse(benchPolicy)
	if err != nil {
		b.Fatal(err)
	}
	ctx := Context{}
	ctx.Set("aws:username", "alice")
	ctx.Set("aws:SourceIp", "10.1.2.3")
	ctx.Set("aws:ViaAWSService", "false")
	ctx.Set("aws:MultiFactorAuthPresent", "true")
	ctx.Set("aws:RequestedRegion", "us-east-1")
	ctx.Set("aws:CurrentTime", "2024-06-01T12:00:00Z")
	ctx.Set("ecs:cluster", "arn:aws:ecs:us-east-1:123456789012:cluster/prod-web")
	return PolicySets{Identity: []Policy{{ID: "bench", Type: "user", Doc: d}}},
		Request{Action: "ecs:RunTask", Resource: "arn:aws:ecs:us-east-1:123456789012:task-definition/web:3", Context: ctx}
}

func BenchmarkDecide10Statements(b *testing.B) {
	sets, req := benchSets(b)
	if Decide(req, sets) != Allowed {
		b.Fatal("benchmark request is not allowed")
	}
	b.ReportAllocs()
	for b.Loop() {
		Decide(req, sets)
	}
}

func BenchmarkEvaluate10Statements(b *testing.B) {
	sets, req := benchSets(b)
	if Evaluate(req, sets).Decision != Allowed {
		b.Fatal("benchmark request is not allowed")
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(req, sets)
	}
}

func BenchmarkParse10Statements(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(benchPolicy); err != nil {
			b.Fatal(err)
		}
	}
}

// A parsed document is shared by concurrent evaluations (run with -race).
func TestEvaluateConcurrent(t *testing.T) {
	d, err := ParseCached(benchPolicy)
	if err != nil {
		t.Fatal(err)
	}
	old, err := ParseCached(`{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"s3:prefix":"${aws:username}"}}}}`)
	if err != nil {
		t.Fatal(err)
	}
	sets := PolicySets{Identity: []Policy{{Doc: d}, {Doc: old}}}
	done := make(chan Decision, 8)
	for i := 0; i < 8; i++ {
		go func() {
			var last Decision
			for j := 0; j < 200; j++ {
				ctx := Context{"aws:username": {"alice"}, "s3:prefix": {"${aws:username}"}, "aws:sourceip": {"10.0.0.1"}, "aws:requestedregion": {"us-east-1"}}
				last = Evaluate(Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::app-data/home/alice/x", Context: ctx}, sets).Decision
			}
			done <- last
		}()
	}
	for i := 0; i < 8; i++ {
		if d := <-done; d != Allowed {
			t.Fatalf("decision %s", d)
		}
	}
}

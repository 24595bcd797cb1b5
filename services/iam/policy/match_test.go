package policy

import "testing"

func TestWildMatch(t *testing.T) {
	cases := []struct {
		pattern, s string
		fold, want bool
	}{
		{"*", "", false, true},
		{"*", "anything", false, true},
		{"a*c", "abbbc", false, true},
		{"a*c", "abbbd", false, false},
		{"a?c", "abc", false, true},
		{"a?c", "ac", false, false},
		{"a?c", "aéc", false, true},
		{"*/*", "bucket/key", false, true},
		{"*/*", "bucket", false, false},
		{"a**b", "ab", false, true},
		{"*a*a*a", "aaaa", false, true},
		{"*a*a*b", "aaaa", false, false},
		{"Abc", "abc", false, false},
		{"Abc", "abc", true, true},
		{"s3:get*", "S3:GetObject", true, true},
		{"", "", false, true},
		{"", "x", false, false},
	}
	for _, tc := range cases {
		if got := wildMatch(tc.pattern, tc.s, tc.fold); got != tc.want {
			t.Errorf("wildMatch(%q, %q, %v) = %v", tc.pattern, tc.s, tc.fold, got)
		}
	}
}

func TestArnMatch(t *testing.T) {
	cases := []struct {
		pattern, arn string
		want         bool
	}{
		{"arn:aws:s3:::bucket", "arn:aws:s3:::bucket", true},
		{"arn:aws:s3:::bucket/*", "arn:aws:s3:::bucket/a/b", true},
		{"arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:role/x", true},
		{"arn:aws:iam::*:role/*", "arn:aws:iam::123456789012:user/x", false},
		{"arn:*:iam::123456789012:root", "arn:aws-cn:iam::123456789012:root", true},
		{"arn:aws:sns:*:*:topic", "arn:aws:sns:us-east-1:123456789012:topic:sub", false},
		{"arn:aws:sns:*:*:topic:*", "arn:aws:sns:us-east-1:123456789012:topic:sub", true},
		{"*", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b", "not-an-arn", false},
	}
	for _, tc := range cases {
		if got := arnMatch(tc.pattern, tc.arn); got != tc.want {
			t.Errorf("arnMatch(%q, %q) = %v", tc.pattern, tc.arn, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}`)
	f.Add(benchPolicy)
	f.Add(`{"Statement":[{"Effect":"Deny","Principal":{"AWS":["1"]},"NotAction":"a:b","Condition":{"ForAnyValue:StringLikeIfExists":{"k":["${x, 'y'}"]}}}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		d, err := Parse(doc)
		if err != nil {
			return
		}
		for _, k := range []Kind{Identity, Managed, Resource, Trust} {
			_ = Validate(doc, k)
		}
		ctx := Context{"k": {"v"}, "x": {"1"}}
		Evaluate(Request{Action: "a:b", Resource: "arn:aws:s3:::b", Principal: &Principal{ARN: "arn:aws:iam::123456789012:root", Account: "123456789012"}, Context: ctx},
			PolicySets{Identity: []Policy{{Doc: d}}, Resource: []Policy{{Doc: d}}})
		d.ContextKeys()
	})
}

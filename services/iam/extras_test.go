package iam

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
)

func extrasErrCode(err error) string {
	if err == nil {
		return ""
	}
	return apierror.As(err).Code
}

func TestPageByMarker(t *testing.T) {
	items := []int{1, 2, 3, 4, 5}
	var got []int
	var marker *string
	pages := 0
	for {
		page, next, truncated, err := pageByMarker("test", items, marker, aws.Int32(2))
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page...)
		pages++
		if truncated != (next != nil) {
			t.Fatalf("truncated %v with marker %v", truncated, next)
		}
		if !truncated {
			break
		}
		marker = next
	}
	if pages != 3 || len(got) != 5 || got[4] != 5 {
		t.Fatalf("%d pages: %v", pages, got)
	}
	all, next, truncated, _ := pageByMarker("test", items, nil, nil)
	if len(all) != 5 || next != nil || truncated {
		t.Errorf("default page size: %v %v", all, truncated)
	}
	_, next, _, _ = pageByMarker("test", items, nil, aws.Int32(1))
	for _, tc := range []struct {
		name    string
		listing string
		marker  string
	}{
		{"forged", "test", "not-a-marker"},
		{"other listing", "other", aws.ToString(next)},
	} {
		if _, _, _, err := pageByMarker(tc.listing, items, aws.String(tc.marker), nil); extrasErrCode(err) != "InvalidInput" {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}

func extrasTag(k, v string) types.Tag { return types.Tag{Key: aws.String(k), Value: aws.String(v)} }

func TestWithTags(t *testing.T) {
	many := make([]types.Tag, 50)
	for i := range many {
		many[i] = extrasTag(strings.Repeat("k", i+1), "v")
	}
	cases := []struct {
		name     string
		existing []types.Tag
		add      []types.Tag
		want     string // keys=values joined, or an error code
	}{
		{"add", nil, []types.Tag{extrasTag("a", "1")}, "a=1"},
		{"replace case-insensitively", []types.Tag{extrasTag("Team", "x"), extrasTag("b", "2")}, []types.Tag{extrasTag("team", "y")}, "b=2,team=y"},
		{"duplicate keys in request", nil, []types.Tag{extrasTag("a", "1"), extrasTag("A", "2")}, "InvalidInput"},
		{"fifty is the limit", many[:49], []types.Tag{extrasTag("z", "1")}, ""},
		{"over fifty", many, []types.Tag{extrasTag("z", "1")}, "LimitExceeded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, err := withTags(tc.existing, tc.add, "TagsPerThing")
			if err != nil {
				if extrasErrCode(err) != tc.want {
					t.Fatalf("error %v, want %s", err, tc.want)
				}
				return
			}
			if tc.want == "" {
				if len(out) != 50 {
					t.Fatalf("%d tags", len(out))
				}
				return
			}
			var parts []string
			for _, tg := range out {
				parts = append(parts, aws.ToString(tg.Key)+"="+aws.ToString(tg.Value))
			}
			if strings.Join(parts, ",") != tc.want {
				t.Fatalf("got %s, want %s", strings.Join(parts, ","), tc.want)
			}
		})
	}
	if out := withoutTags([]types.Tag{extrasTag("A", "1"), extrasTag("b", "2")}, []string{"a", "missing"}); len(out) != 1 || aws.ToString(out[0].Key) != "b" {
		t.Errorf("withoutTags %v", out)
	}
}

func TestValidAccountAlias(t *testing.T) {
	for alias, want := range map[string]bool{
		"my-team": true, "abc": true, "a1-b2-c3": true, strings.Repeat("a", 63): true,
		"ab": false, strings.Repeat("a", 64): false, "-abc": false, "abc-": false, "a--b": false, "MyTeam": false, "my_team": false,
	} {
		if got := validAccountAlias(alias); got != want {
			t.Errorf("%q: %v, want %v", alias, got, want)
		}
	}
}

func TestOIDCProviderURL(t *testing.T) {
	for raw, key := range map[string]string{
		"https://token.actions.githubusercontent.com":      "token.actions.githubusercontent.com",
		"https://oidc.eks.us-east-1.amazonaws.com/id/ABC/": "oidc.eks.us-east-1.amazonaws.com/id/ABC",
		"token.actions.githubusercontent.com":              "token.actions.githubusercontent.com",
	} {
		if got := oidcProviderKey(raw); got != key {
			t.Errorf("%s: key %s, want %s", raw, got, key)
		}
	}
	for raw, ok := range map[string]bool{
		"https://example.com": true, "https://example.com/path": true,
		"http://example.com": false, "https://": false, "https://example.com?x=1": false, "https://example.com#f": false,
		"https://user@example.com": false,
	} {
		if err := validOIDCURL(raw); (err == nil) != ok {
			t.Errorf("%s: %v", raw, err)
		}
	}
}

package iam

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
)

func TestEncodeDocument(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"a":"b c"}`, "%7B%22a%22%3A%22b%20c%22%7D"},
		{`{"Action":"s3:*"}`, "%7B%22Action%22%3A%22s3%3A%2A%22%7D"},
		{"line\nbreak", "line%0Abreak"},
		{"a+b", "a%2Bb"},
	}
	for _, c := range cases {
		got := encodeDocument(c.in)
		if got != c.want {
			t.Errorf("encodeDocument(%q) = %q, want %q", c.in, got, c.want)
		}
		if back, err := url.QueryUnescape(got); err != nil || back != c.in {
			t.Errorf("round trip of %q gave %q (%v)", c.in, back, err)
		}
	}
}

func TestDecodeDocument(t *testing.T) {
	cases := []struct{ in, want string }{
		{`{"a":1}`, `{"a":1}`},
		{"%7B%22a%22%3A1%7D", `{"a":1}`},
		{"%7Bbroken%", "%7Bbroken%"},
	}
	for _, c := range cases {
		if got := decodeDocument(c.in); got != c.want {
			t.Errorf("decodeDocument(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestPolicyPathOf(t *testing.T) {
	cases := []struct{ arn, want string }{
		{"arn:aws:iam::aws:policy/AdministratorAccess", "/"},
		{"arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy", "/service-role/"},
		{"arn:aws:iam::123456789012:policy/a/b/p", "/a/b/"},
		{"not-an-arn", "/"},
	}
	for _, c := range cases {
		if got := policyPathOf(c.arn); got != c.want {
			t.Errorf("policyPathOf(%q) = %q, want %q", c.arn, got, c.want)
		}
	}
}

func coreTags(kv ...string) []types.Tag {
	var out []types.Tag
	for i := 0; i+1 < len(kv); i += 2 {
		out = append(out, types.Tag{Key: aws.String(kv[i]), Value: aws.String(kv[i+1])})
	}
	return out
}

func coreTagString(ts []types.Tag) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, aws.ToString(t.Key)+"="+aws.ToString(t.Value))
	}
	return strings.Join(parts, ",")
}

func TestMergeTags(t *testing.T) {
	cases := []struct {
		name      string
		have, add []types.Tag
		want      string
		code      string
	}{
		{"add", coreTags("a", "1"), coreTags("b", "2"), "a=1,b=2", ""},
		{"replace ignoring case", coreTags("Team", "x"), coreTags("TEAM", "y"), "TEAM=y", ""},
		{"reserved prefix", nil, coreTags("aws:x", "1"), "", "InvalidInput"},
		{"reserved prefix upper case", nil, coreTags("AWS:x", "1"), "", "InvalidInput"},
		{"duplicate keys", nil, coreTags("k", "1", "K", "2"), "", "InvalidInput"},
	}
	for _, c := range cases {
		got, err := mergeTags(c.have, c.add)
		if c.code != "" {
			if apierror.As(err).Code != c.code {
				t.Errorf("%s: error %v, want %s", c.name, err, c.code)
			}
			continue
		}
		if err != nil || coreTagString(got) != c.want {
			t.Errorf("%s: %s %v, want %s", c.name, coreTagString(got), err, c.want)
		}
	}
	var fifty []types.Tag
	for i := 0; i < 50; i++ {
		fifty = append(fifty, types.Tag{Key: aws.String(string(rune('A'+i%26)) + strings.Repeat("k", i/26+1)), Value: aws.String("")})
	}
	if _, err := mergeTags(fifty, coreTags("one", "more")); apierror.As(err).Code != "LimitExceeded" {
		t.Errorf("51st tag: %v", err)
	}
	if _, err := mergeTags(fifty, coreTags("AK", "replaced")); err != nil {
		t.Errorf("replacing at the limit: %v", err)
	}
}

func TestRemoveTags(t *testing.T) {
	got, err := removeTags(coreTags("a", "1", "B", "2", "c", "3"), []string{"b", "missing"})
	if err != nil || coreTagString(got) != "a=1,c=3" {
		t.Errorf("removeTags = %s %v", coreTagString(got), err)
	}
	if _, err := removeTags(nil, []string{"aws:k"}); apierror.As(err).Code != "InvalidInput" {
		t.Errorf("removing a reserved key: %v", err)
	}
}

func TestPaginate(t *testing.T) {
	c := &api.Context{Caller: api.Principal{Account: "123456789012"}}
	items := []string{"a", "b", "c", "d", "e"}
	pos := func(i int, _ string) int64 { return int64(i*10 + 10) }
	cases := []struct {
		max   int32
		pages string
	}{
		{0, "abcde"},
		{1, "a|b|c|d|e"},
		{2, "ab|cd|e"},
		{5, "abcde"},
		{6, "abcde"},
	}
	for _, tc := range cases {
		var pages []string
		var marker *string
		for {
			var max *int32
			if tc.max > 0 {
				max = aws.Int32(tc.max)
			}
			page, pg, err := paginate(c, "test", items, pos, marker, max)
			if err != nil {
				t.Fatal(err)
			}
			pages = append(pages, strings.Join(page, ""))
			if pg.Truncated != (pg.Marker != nil) {
				t.Errorf("max %d: truncated %v with marker %v", tc.max, pg.Truncated, pg.Marker)
			}
			if !pg.Truncated {
				break
			}
			marker = pg.Marker
		}
		if got := strings.Join(pages, "|"); got != tc.pages {
			t.Errorf("max %d: pages %s, want %s", tc.max, got, tc.pages)
		}
	}
	_, pg, _ := paginate(c, "test", items, pos, nil, aws.Int32(2))
	// A marker belongs to its listing and its account.
	if _, _, err := paginate(c, "other", items, pos, pg.Marker, nil); apierror.As(err).Message != "Invalid Marker." {
		t.Errorf("marker of another listing: %v", err)
	}
	other := &api.Context{Caller: api.Principal{Account: "210987654321"}}
	if _, _, err := paginate(other, "test", items, pos, pg.Marker, nil); err == nil {
		t.Errorf("marker of another account accepted")
	}
	if _, _, err := paginate(c, "test", items, pos, aws.String("garbage"), nil); apierror.As(err).Code != "ValidationError" {
		t.Errorf("garbage marker: %v", err)
	}
}

func TestAWSManagedCatalogue(t *testing.T) {
	idRE := regexp.MustCompile(`^ANPA[A-Z2-7]{17}$`)
	seen := map[string]bool{}
	for _, a := range awsCatalogue {
		arn := a.arn()
		if seen[arn] || seen[a.ID] {
			t.Errorf("%s: duplicate arn or id", a.Name)
		}
		seen[arn], seen[a.ID] = true, true
		if !idRE.MatchString(a.ID) {
			t.Errorf("%s: id %s", a.Name, a.ID)
		}
		if !strings.HasPrefix(a.Path, "/") || !strings.HasSuffix(a.Path, "/") {
			t.Errorf("%s: path %s", a.Name, a.Path)
		}
		if !regexp.MustCompile(`^v[1-9][0-9]*$`).MatchString(a.Version) || parseTime(a.Created) == nil || parseTime(a.Updated) == nil {
			t.Errorf("%s: version %s dates %s %s", a.Name, a.Version, a.Created, a.Updated)
		}
		var doc struct {
			Version   string
			Statement []json.RawMessage
		}
		if err := json.Unmarshal([]byte(a.Document), &doc); err != nil || doc.Version != "2012-10-17" || len(doc.Statement) == 0 {
			t.Errorf("%s: document %v", a.Name, err)
		}
		p := awsManagedPolicy(arn)
		if p == nil || p.defaultDocument() != a.Document || aws.ToString(p.DefaultVersionId) != a.Version {
			t.Errorf("%s: lookup by arn", a.Name)
		}
	}
	for want, path := range map[string]string{
		"AmazonECSTaskExecutionRolePolicy": "/service-role/", "AmazonECSServiceRolePolicy": "/aws-service-role/",
		"AdministratorAccess": "/", "AmazonEC2ContainerServiceforEC2Role": "/service-role/",
	} {
		if awsManagedPolicy(awsPolicyARNPrefix+path[1:]+want) == nil {
			t.Errorf("%s missing under %s", want, path)
		}
	}
	if awsManagedPolicy(awsPolicyARNPrefix+"NoSuchPolicy") != nil {
		t.Errorf("unknown policy found")
	}
}

func TestLinkedServicesHaveTheirPolicies(t *testing.T) {
	for service, ls := range linkedServices {
		if awsManagedPolicy(awsPolicyARNPrefix+"aws-service-role/"+ls.Policy) == nil {
			t.Errorf("%s: policy %s is not in the catalogue under /aws-service-role/", service, ls.Policy)
		}
		if !strings.HasPrefix(ls.RoleName, "AWSServiceRoleFor") {
			t.Errorf("%s: role name %s", service, ls.RoleName)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(slrTrustPolicy(service)), &doc); err != nil {
			t.Errorf("%s: trust policy %v", service, err)
		}
	}
}

func TestStableID(t *testing.T) {
	a, b := stableID("ANPA", "X"), stableID("ANPA", "X")
	if a != b || len(a) != 21 || stableID("ANPA", "Y") == a {
		t.Errorf("stableID: %s %s", a, b)
	}
}

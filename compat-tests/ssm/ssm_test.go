package ssm_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2sdk "github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func put(t *testing.T, c *ssm.Client, name, value string, typ types.ParameterType) int64 {
	t.Helper()
	out := harness.Must(c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value), Type: typ}))(t)
	return out.Version
}

func TestParametersVersionsAndErrors(t *testing.T) {
	c := ssm.NewFromConfig(harness.Start(t).Config)
	if v := put(t, c, "/app/db/host", "db.local", types.ParameterTypeString); v != 1 {
		t.Fatalf("version %d", v)
	}
	_, err := c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("/app/db/host"), Value: aws.String("x"), Type: types.ParameterTypeString})
	if ae := harness.AssertAPIError(t, err, "ParameterAlreadyExists"); !strings.Contains(ae.ErrorMessage(), "set the overwrite option") {
		t.Errorf("message %q", ae.ErrorMessage())
	}
	out := harness.Must(c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("/app/db/host"), Value: aws.String("db2.local"), Overwrite: aws.Bool(true)}))(t)
	if out.Version != 2 || out.Tier != types.ParameterTierStandard {
		t.Fatalf("overwrite %+v", out)
	}
	got := harness.Must(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/app/db/host")}))(t)
	p := got.Parameter
	if aws.ToString(p.Value) != "db2.local" || p.Version != 2 || p.Type != types.ParameterTypeString ||
		aws.ToString(p.ARN) != "arn:aws:ssm:us-east-1:000000000000:parameter/app/db/host" || aws.ToString(p.DataType) != "text" {
		t.Fatalf("parameter %+v", p)
	}
	old := harness.Must(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/app/db/host:1")}))(t)
	if aws.ToString(old.Parameter.Value) != "db.local" || aws.ToString(old.Parameter.Selector) != ":1" {
		t.Errorf("version selector %+v", old.Parameter)
	}
	byArn := harness.Must(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: p.ARN}))(t)
	if aws.ToString(byArn.Parameter.Value) != "db2.local" {
		t.Errorf("by arn %+v", byArn.Parameter)
	}
	_, err = c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/app/db/host:7")})
	harness.AssertAPIError(t, err, "ParameterVersionNotFound")
	_, err = c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/app/nope")})
	harness.AssertAPIError(t, err, "ParameterNotFound")

	// SecureString values are opaque without decryption.
	put(t, c, "/app/db/password", "s3cret", types.ParameterTypeSecureString)
	enc := harness.Must(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/app/db/password")}))(t)
	dec := harness.Must(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/app/db/password"), WithDecryption: aws.Bool(true)}))(t)
	if aws.ToString(enc.Parameter.Value) == "s3cret" || aws.ToString(dec.Parameter.Value) != "s3cret" {
		t.Errorf("secure string %q / %q", aws.ToString(enc.Parameter.Value), aws.ToString(dec.Parameter.Value))
	}
	put(t, c, "/app/hosts", "a,b,c", types.ParameterTypeStringList)
	put(t, c, "/app/db/replica/host", "r.local", types.ParameterTypeString)

	many := harness.Must(c.GetParameters(harness.Ctx, &ssm.GetParametersInput{Names: []string{"/app/hosts", "/app/missing", "/app/db/password"}, WithDecryption: aws.Bool(true)}))(t)
	if len(many.Parameters) != 2 || len(many.InvalidParameters) != 1 || many.InvalidParameters[0] != "/app/missing" {
		t.Fatalf("get parameters %+v", many)
	}

	// By path: one level, recursive, with filters and paging.
	level := harness.Must(c.GetParametersByPath(harness.Ctx, &ssm.GetParametersByPathInput{Path: aws.String("/app/db")}))(t)
	if len(level.Parameters) != 2 {
		t.Errorf("one level %d", len(level.Parameters))
	}
	var names []string
	p2 := ssm.NewGetParametersByPathPaginator(c, &ssm.GetParametersByPathInput{Path: aws.String("/app"), Recursive: aws.Bool(true), MaxResults: aws.Int32(2), WithDecryption: aws.Bool(true)})
	for p2.HasMorePages() {
		page := harness.Must(p2.NextPage(harness.Ctx))(t)
		for _, p := range page.Parameters {
			names = append(names, aws.ToString(p.Name))
			if aws.ToString(p.Name) == "/app/db/password" && aws.ToString(p.Value) != "s3cret" {
				t.Errorf("decryption by path")
			}
		}
	}
	if strings.Join(names, ",") != "/app/db/host,/app/db/password,/app/db/replica/host,/app/hosts" {
		t.Errorf("recursive %v", names)
	}
	secure := harness.Must(c.GetParametersByPath(harness.Ctx, &ssm.GetParametersByPathInput{Path: aws.String("/app"), Recursive: aws.Bool(true),
		ParameterFilters: []types.ParameterStringFilter{{Key: aws.String("Type"), Values: []string{"SecureString"}}}}))(t)
	if len(secure.Parameters) != 1 {
		t.Errorf("type filter %d", len(secure.Parameters))
	}
	_, err = c.GetParametersByPath(harness.Ctx, &ssm.GetParametersByPathInput{Path: aws.String("app")})
	harness.AssertAPIError(t, err, "ValidationException")

	desc := harness.Must(c.DescribeParameters(harness.Ctx, &ssm.DescribeParametersInput{ParameterFilters: []types.ParameterStringFilter{
		{Key: aws.String("Name"), Option: aws.String("BeginsWith"), Values: []string{"/app/db"}}}}))(t)
	if len(desc.Parameters) != 3 || aws.ToString(desc.Parameters[1].KeyId) != "alias/aws/ssm" {
		t.Errorf("describe %+v", desc.Parameters)
	}
	pd := ssm.NewDescribeParametersPaginator(c, &ssm.DescribeParametersInput{MaxResults: aws.Int32(1)})
	n := 0
	for pd.HasMorePages() {
		n += len(harness.Must(pd.NextPage(harness.Ctx))(t).Parameters)
	}
	if n != 4 {
		t.Errorf("described %d", n)
	}
	_, err = c.DescribeParameters(harness.Ctx, &ssm.DescribeParametersInput{ParameterFilters: []types.ParameterStringFilter{{Key: aws.String("Colour"), Values: []string{"x"}}}})
	harness.AssertAPIError(t, err, "ValidationException")
	_, err = c.GetParametersByPath(harness.Ctx, &ssm.GetParametersByPathInput{Path: aws.String("/app"), ParameterFilters: []types.ParameterStringFilter{{Key: aws.String("Name"), Values: []string{"x"}}}})
	harness.AssertAPIError(t, err, "InvalidFilterKey")

	// Reserved names and a missing type.
	_, err = c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("/aws/mine"), Value: aws.String("x"), Type: types.ParameterTypeString})
	harness.AssertAPIError(t, err, "ValidationException")
	_, err = c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("/new"), Value: aws.String("x")})
	harness.AssertAPIError(t, err, "ValidationException")
	_, err = c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("/pat"), Value: aws.String("abc"), Type: types.ParameterTypeString, AllowedPattern: aws.String("^[0-9]+$")})
	harness.AssertAPIError(t, err, "ParameterPatternMismatchException")

	harness.Must(c.DeleteParameter(harness.Ctx, &ssm.DeleteParameterInput{Name: aws.String("/app/hosts")}))(t)
	_, err = c.DeleteParameter(harness.Ctx, &ssm.DeleteParameterInput{Name: aws.String("/app/hosts")})
	harness.AssertAPIError(t, err, "ParameterNotFound")
	del := harness.Must(c.DeleteParameters(harness.Ctx, &ssm.DeleteParametersInput{Names: []string{"/app/db/password", "/app/gone"}}))(t)
	if len(del.DeletedParameters) != 1 || len(del.InvalidParameters) != 1 {
		t.Errorf("delete parameters %+v", del)
	}
}

func TestParameterHistoryLabelsAndTags(t *testing.T) {
	c := ssm.NewFromConfig(harness.Start(t).Config)
	harness.Must(c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("feature"), Value: aws.String("v1"), Type: types.ParameterTypeString,
		Description: aws.String("flag"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}}}))(t)
	for i := 2; i <= 3; i++ {
		harness.Must(c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("feature"), Value: aws.String(fmt.Sprintf("v%d", i)), Overwrite: aws.Bool(true)}))(t)
	}
	_, err := c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("feature"), Value: aws.String("v4"), Overwrite: aws.Bool(true), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	harness.AssertAPIError(t, err, "ValidationException")
	lab := harness.Must(c.LabelParameterVersion(harness.Ctx, &ssm.LabelParameterVersionInput{Name: aws.String("feature"), ParameterVersion: aws.Int64(2), Labels: []string{"prod", "1bad"}}))(t)
	if lab.ParameterVersion != 2 || len(lab.InvalidLabels) != 1 || lab.InvalidLabels[0] != "1bad" {
		t.Fatalf("label %+v", lab)
	}
	byLabel := harness.Must(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("feature:prod")}))(t)
	if aws.ToString(byLabel.Parameter.Value) != "v2" || aws.ToString(byLabel.Parameter.Selector) != ":prod" {
		t.Fatalf("by label %+v", byLabel.Parameter)
	}
	// Labelling the latest moves the label.
	harness.Must(c.LabelParameterVersion(harness.Ctx, &ssm.LabelParameterVersionInput{Name: aws.String("feature"), Labels: []string{"prod"}}))(t)
	byLabel = harness.Must(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("feature:prod")}))(t)
	if aws.ToString(byLabel.Parameter.Value) != "v3" {
		t.Fatalf("moved label %+v", byLabel.Parameter)
	}
	_, err = c.LabelParameterVersion(harness.Ctx, &ssm.LabelParameterVersionInput{Name: aws.String("feature"), ParameterVersion: aws.Int64(9), Labels: []string{"x"}})
	harness.AssertAPIError(t, err, "ParameterVersionNotFound")
	var hist []types.ParameterHistory
	ph := ssm.NewGetParameterHistoryPaginator(c, &ssm.GetParameterHistoryInput{Name: aws.String("feature"), MaxResults: aws.Int32(2)})
	for ph.HasMorePages() {
		hist = append(hist, harness.Must(ph.NextPage(harness.Ctx))(t).Parameters...)
	}
	if len(hist) != 3 || aws.ToString(hist[0].Value) != "v1" || len(hist[2].Labels) != 1 || len(hist[1].Labels) != 0 || aws.ToString(hist[2].Description) != "flag" {
		t.Fatalf("history %+v", hist)
	}
	un := harness.Must(c.UnlabelParameterVersion(harness.Ctx, &ssm.UnlabelParameterVersionInput{Name: aws.String("feature"), ParameterVersion: aws.Int64(3), Labels: []string{"prod", "qa"}}))(t)
	if len(un.RemovedLabels) != 1 || len(un.InvalidLabels) != 1 {
		t.Errorf("unlabel %+v", un)
	}
	_, err = c.GetParameterHistory(harness.Ctx, &ssm.GetParameterHistoryInput{Name: aws.String("nope")})
	harness.AssertAPIError(t, err, "ParameterNotFound")

	harness.Must(c.AddTagsToResource(harness.Ctx, &ssm.AddTagsToResourceInput{ResourceType: types.ResourceTypeForTaggingParameter, ResourceId: aws.String("feature"),
		Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}, {Key: aws.String("team"), Value: aws.String("platform")}}}))(t)
	tags := harness.Must(c.ListTagsForResource(harness.Ctx, &ssm.ListTagsForResourceInput{ResourceType: types.ResourceTypeForTaggingParameter, ResourceId: aws.String("feature")}))(t)
	if len(tags.TagList) != 2 || aws.ToString(tags.TagList[0].Value) != "platform" {
		t.Fatalf("tags %+v", tags.TagList)
	}
	harness.Must(c.RemoveTagsFromResource(harness.Ctx, &ssm.RemoveTagsFromResourceInput{ResourceType: types.ResourceTypeForTaggingParameter, ResourceId: aws.String("feature"), TagKeys: []string{"team"}}))(t)
	tags = harness.Must(c.ListTagsForResource(harness.Ctx, &ssm.ListTagsForResourceInput{ResourceType: types.ResourceTypeForTaggingParameter, ResourceId: aws.String("feature")}))(t)
	if len(tags.TagList) != 1 || aws.ToString(tags.TagList[0].Key) != "env" {
		t.Fatalf("tags after remove %+v", tags.TagList)
	}
	desc := harness.Must(c.DescribeParameters(harness.Ctx, &ssm.DescribeParametersInput{ParameterFilters: []types.ParameterStringFilter{{Key: aws.String("tag:env"), Values: []string{"dev"}}}}))(t)
	if len(desc.Parameters) != 1 {
		t.Errorf("tag filter %d", len(desc.Parameters))
	}
	_, err = c.ListTagsForResource(harness.Ctx, &ssm.ListTagsForResourceInput{ResourceType: types.ResourceTypeForTaggingParameter, ResourceId: aws.String("nope")})
	harness.AssertAPIError(t, err, "InvalidResourceId")
}

// The public ECS-optimized AMI parameters name the images EC2 describes.
func TestECSOptimizedAMIParameters(t *testing.T) {
	ls := harness.Start(t)
	c := ssm.NewFromConfig(ls.Config)
	e := ec2sdk.NewFromConfig(ls.Config)
	for _, path := range []string{"amazon-linux-2/recommended", "amazon-linux-2023/recommended", "amazon-linux-2/arm64/recommended", "amazon-linux-2023/arm64/recommended"} {
		base := "/aws/service/ecs/optimized-ami/" + path
		id := harness.Must(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String(base + "/image_id")}))(t)
		doc := harness.Must(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String(base)}))(t)
		var rec struct {
			ImageID   string `json:"image_id"`
			ImageName string `json:"image_name"`
			OS        string `json:"os"`
			Schema    int    `json:"schema_version"`
		}
		if err := json.Unmarshal([]byte(aws.ToString(doc.Parameter.Value)), &rec); err != nil {
			t.Fatal(err)
		}
		if rec.ImageID != aws.ToString(id.Parameter.Value) || rec.Schema != 1 || !strings.HasPrefix(rec.OS, "Amazon Linux 2") {
			t.Errorf("%s: %+v vs %s", path, rec, aws.ToString(id.Parameter.Value))
		}
		if aws.ToString(id.Parameter.ARN) != "arn:aws:ssm:us-east-1::parameter"+base+"/image_id" {
			t.Errorf("arn %s", aws.ToString(id.Parameter.ARN))
		}
		imgs := harness.Must(e.DescribeImages(harness.Ctx, &ec2sdk.DescribeImagesInput{ImageIds: []string{rec.ImageID}}))(t)
		if len(imgs.Images) != 1 || aws.ToString(imgs.Images[0].Name) != rec.ImageName {
			t.Errorf("%s: image %+v", path, imgs.Images)
		}
		wantArch := "x86_64"
		if strings.Contains(path, "arm64") {
			wantArch = "arm64"
		}
		if string(imgs.Images[0].Architecture) != wantArch {
			t.Errorf("%s: arch %s", path, imgs.Images[0].Architecture)
		}
	}
	byPath := harness.Must(c.GetParametersByPath(harness.Ctx, &ssm.GetParametersByPathInput{Path: aws.String("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended"), MaxResults: aws.Int32(10)}))(t)
	if len(byPath.Parameters) != 8 {
		t.Errorf("recommended sub-parameters %d", len(byPath.Parameters))
	}
	_, err := c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/aws/service/ecs/optimized-ami/amazon-linux-3/recommended")})
	harness.AssertAPIError(t, err, "ParameterNotFound")
}

// DescribeParameters pages in name order whatever its filters read by:
// types, name prefixes (with or without the leading slash), whole names,
// and a path, alone or together.
func TestDescribeParametersFiltersPage(t *testing.T) {
	c := ssm.NewFromConfig(harness.Start(t).Config)
	for _, p := range []struct {
		name string
		typ  types.ParameterType
	}{
		{"/app/e", types.ParameterTypeStringList}, {"/app/b", types.ParameterTypeSecureString}, {"/app/a", types.ParameterTypeString},
		{"plain", types.ParameterTypeString}, {"/app/c/d", types.ParameterTypeSecureString}, {"/plainer", types.ParameterTypeSecureString},
		{"/other/x", types.ParameterTypeSecureString}, {"/app2", types.ParameterTypeString},
	} {
		put(t, c, p.name, "v", p.typ)
	}
	str := func(values ...string) []string { return values }
	filter := func(key, option string, values ...string) types.ParameterStringFilter {
		f := types.ParameterStringFilter{Key: aws.String(key), Values: values}
		if option != "" {
			f.Option = aws.String(option)
		}
		return f
	}
	cases := []struct {
		filters []types.ParameterStringFilter
		legacy  []types.ParametersFilter
		want    []string
	}{
		{filters: []types.ParameterStringFilter{filter("Type", "", "SecureString")}, want: str("/app/b", "/app/c/d", "/other/x", "/plainer")},
		{filters: []types.ParameterStringFilter{filter("Type", "Equals", "StringList", "String")}, want: str("/app/a", "/app/e", "/app2", "plain")},
		{legacy: []types.ParametersFilter{{Key: types.ParametersFilterKeyType, Values: str("SecureString")}}, want: str("/app/b", "/app/c/d", "/other/x", "/plainer")},
		{filters: []types.ParameterStringFilter{filter("Name", "BeginsWith", "app/")}, want: str("/app/a", "/app/b", "/app/c/d", "/app/e")},
		{filters: []types.ParameterStringFilter{filter("Name", "BeginsWith", "/app", "pla")}, want: str("/app/a", "/app/b", "/app/c/d", "/app/e", "/app2", "/plainer", "plain")},
		{filters: []types.ParameterStringFilter{filter("Name", "BeginsWith", "/app/"), filter("Type", "", "SecureString")}, want: str("/app/b", "/app/c/d")},
		{filters: []types.ParameterStringFilter{filter("Name", "", "plain", "/app/b", "nope")}, want: str("/app/b", "plain")},
		{legacy: []types.ParametersFilter{{Key: types.ParametersFilterKeyName, Values: str("/app/e", "app/a")}}, want: str("/app/a", "/app/e")},
		{filters: []types.ParameterStringFilter{filter("Path", "OneLevel", "/app"), filter("Type", "", "SecureString")}, want: str("/app/b")},
		{filters: []types.ParameterStringFilter{filter("Path", "Recursive", "/app"), filter("Name", "BeginsWith", "/app/c")}, want: str("/app/c/d")},
		{filters: []types.ParameterStringFilter{filter("Type", "", "Bogus")}, want: nil},
		{filters: []types.ParameterStringFilter{filter("KeyId", "", "alias/aws/ssm")}, want: str("/app/b", "/app/c/d", "/other/x", "/plainer")},
		{legacy: []types.ParametersFilter{{Key: types.ParametersFilterKeyKeyId, Values: str("alias/aws/ssm")}, {Key: types.ParametersFilterKeyType, Values: str("String", "SecureString")}},
			want: str("/app/b", "/app/c/d", "/other/x", "/plainer")},
		{filters: []types.ParameterStringFilter{filter("Type", "", "String"), filter("KeyId", "", "alias/aws/ssm")}, want: nil},
		{filters: []types.ParameterStringFilter{filter("Name", "Contains", "lain")}, want: str("/plainer", "plain")},
	}
	// A bad filter beside a Type is refused once the path holds any parameter.
	_, err := c.GetParametersByPath(harness.Ctx, &ssm.GetParametersByPathInput{Path: aws.String("/other"), ParameterFilters: []types.ParameterStringFilter{
		filter("Type", "", "String"), filter("KeyId", "BeginsWith", "alias/")}})
	harness.AssertAPIError(t, err, "InvalidFilterOption")
	byPath := harness.Must(c.GetParametersByPath(harness.Ctx, &ssm.GetParametersByPathInput{Path: aws.String("/app"), Recursive: aws.Bool(true),
		ParameterFilters: []types.ParameterStringFilter{filter("Type", "", "SecureString")}}))(t)
	if len(byPath.Parameters) != 2 || aws.ToString(byPath.Parameters[0].Name) != "/app/b" || aws.ToString(byPath.Parameters[1].Name) != "/app/c/d" {
		t.Errorf("by path and type: %+v", byPath.Parameters)
	}
	for _, tc := range cases {
		for _, size := range []int32{1, 50} {
			var got []string
			pages := ssm.NewDescribeParametersPaginator(c, &ssm.DescribeParametersInput{ParameterFilters: tc.filters, Filters: tc.legacy, MaxResults: aws.Int32(size)})
			for pages.HasMorePages() {
				for _, p := range harness.Must(pages.NextPage(harness.Ctx))(t).Parameters {
					got = append(got, aws.ToString(p.Name))
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("filters %s %s, pages of %d: %v, want %v", awsJSON(tc.filters), awsJSON(tc.legacy), size, got, tc.want)
			}
		}
	}
}

func awsJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

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

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func put(t *testing.T, c *ssm.Client, name, value string, typ types.ParameterType) int64 {
	t.Helper()
	out := must[*ssm.PutParameterOutput](t)(c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String(name), Value: aws.String(value), Type: typ}))
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
	out := must[*ssm.PutParameterOutput](t)(c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("/app/db/host"), Value: aws.String("db2.local"), Overwrite: aws.Bool(true)}))
	if out.Version != 2 || out.Tier != types.ParameterTierStandard {
		t.Fatalf("overwrite %+v", out)
	}
	got := must[*ssm.GetParameterOutput](t)(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/app/db/host")}))
	p := got.Parameter
	if aws.ToString(p.Value) != "db2.local" || p.Version != 2 || p.Type != types.ParameterTypeString ||
		aws.ToString(p.ARN) != "arn:aws:ssm:us-east-1:000000000000:parameter/app/db/host" || aws.ToString(p.DataType) != "text" {
		t.Fatalf("parameter %+v", p)
	}
	old := must[*ssm.GetParameterOutput](t)(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/app/db/host:1")}))
	if aws.ToString(old.Parameter.Value) != "db.local" || aws.ToString(old.Parameter.Selector) != ":1" {
		t.Errorf("version selector %+v", old.Parameter)
	}
	byArn := must[*ssm.GetParameterOutput](t)(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: p.ARN}))
	if aws.ToString(byArn.Parameter.Value) != "db2.local" {
		t.Errorf("by arn %+v", byArn.Parameter)
	}
	_, err = c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/app/db/host:7")})
	harness.AssertAPIError(t, err, "ParameterVersionNotFound")
	_, err = c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/app/nope")})
	harness.AssertAPIError(t, err, "ParameterNotFound")

	// SecureString values are opaque without decryption.
	put(t, c, "/app/db/password", "s3cret", types.ParameterTypeSecureString)
	enc := must[*ssm.GetParameterOutput](t)(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/app/db/password")}))
	dec := must[*ssm.GetParameterOutput](t)(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/app/db/password"), WithDecryption: aws.Bool(true)}))
	if aws.ToString(enc.Parameter.Value) == "s3cret" || aws.ToString(dec.Parameter.Value) != "s3cret" {
		t.Errorf("secure string %q / %q", aws.ToString(enc.Parameter.Value), aws.ToString(dec.Parameter.Value))
	}
	put(t, c, "/app/hosts", "a,b,c", types.ParameterTypeStringList)
	put(t, c, "/app/db/replica/host", "r.local", types.ParameterTypeString)

	many := must[*ssm.GetParametersOutput](t)(c.GetParameters(harness.Ctx, &ssm.GetParametersInput{Names: []string{"/app/hosts", "/app/missing", "/app/db/password"}, WithDecryption: aws.Bool(true)}))
	if len(many.Parameters) != 2 || len(many.InvalidParameters) != 1 || many.InvalidParameters[0] != "/app/missing" {
		t.Fatalf("get parameters %+v", many)
	}

	// By path: one level, recursive, with filters and paging.
	level := must[*ssm.GetParametersByPathOutput](t)(c.GetParametersByPath(harness.Ctx, &ssm.GetParametersByPathInput{Path: aws.String("/app/db")}))
	if len(level.Parameters) != 2 {
		t.Errorf("one level %d", len(level.Parameters))
	}
	var names []string
	p2 := ssm.NewGetParametersByPathPaginator(c, &ssm.GetParametersByPathInput{Path: aws.String("/app"), Recursive: aws.Bool(true), MaxResults: aws.Int32(2), WithDecryption: aws.Bool(true)})
	for p2.HasMorePages() {
		page := must[*ssm.GetParametersByPathOutput](t)(p2.NextPage(harness.Ctx))
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
	secure := must[*ssm.GetParametersByPathOutput](t)(c.GetParametersByPath(harness.Ctx, &ssm.GetParametersByPathInput{Path: aws.String("/app"), Recursive: aws.Bool(true),
		ParameterFilters: []types.ParameterStringFilter{{Key: aws.String("Type"), Values: []string{"SecureString"}}}}))
	if len(secure.Parameters) != 1 {
		t.Errorf("type filter %d", len(secure.Parameters))
	}
	_, err = c.GetParametersByPath(harness.Ctx, &ssm.GetParametersByPathInput{Path: aws.String("app")})
	harness.AssertAPIError(t, err, "ValidationException")

	desc := must[*ssm.DescribeParametersOutput](t)(c.DescribeParameters(harness.Ctx, &ssm.DescribeParametersInput{ParameterFilters: []types.ParameterStringFilter{
		{Key: aws.String("Name"), Option: aws.String("BeginsWith"), Values: []string{"/app/db"}}}}))
	if len(desc.Parameters) != 3 || aws.ToString(desc.Parameters[1].KeyId) != "alias/aws/ssm" {
		t.Errorf("describe %+v", desc.Parameters)
	}
	pd := ssm.NewDescribeParametersPaginator(c, &ssm.DescribeParametersInput{MaxResults: aws.Int32(1)})
	n := 0
	for pd.HasMorePages() {
		n += len(must[*ssm.DescribeParametersOutput](t)(pd.NextPage(harness.Ctx)).Parameters)
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

	must[*ssm.DeleteParameterOutput](t)(c.DeleteParameter(harness.Ctx, &ssm.DeleteParameterInput{Name: aws.String("/app/hosts")}))
	_, err = c.DeleteParameter(harness.Ctx, &ssm.DeleteParameterInput{Name: aws.String("/app/hosts")})
	harness.AssertAPIError(t, err, "ParameterNotFound")
	del := must[*ssm.DeleteParametersOutput](t)(c.DeleteParameters(harness.Ctx, &ssm.DeleteParametersInput{Names: []string{"/app/db/password", "/app/gone"}}))
	if len(del.DeletedParameters) != 1 || len(del.InvalidParameters) != 1 {
		t.Errorf("delete parameters %+v", del)
	}
}

func TestParameterHistoryLabelsAndTags(t *testing.T) {
	c := ssm.NewFromConfig(harness.Start(t).Config)
	must[*ssm.PutParameterOutput](t)(c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("feature"), Value: aws.String("v1"), Type: types.ParameterTypeString,
		Description: aws.String("flag"), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("core")}}}))
	for i := 2; i <= 3; i++ {
		must[*ssm.PutParameterOutput](t)(c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("feature"), Value: aws.String(fmt.Sprintf("v%d", i)), Overwrite: aws.Bool(true)}))
	}
	_, err := c.PutParameter(harness.Ctx, &ssm.PutParameterInput{Name: aws.String("feature"), Value: aws.String("v4"), Overwrite: aws.Bool(true), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("b")}}})
	harness.AssertAPIError(t, err, "ValidationException")
	lab := must[*ssm.LabelParameterVersionOutput](t)(c.LabelParameterVersion(harness.Ctx, &ssm.LabelParameterVersionInput{Name: aws.String("feature"), ParameterVersion: aws.Int64(2), Labels: []string{"prod", "1bad"}}))
	if lab.ParameterVersion != 2 || len(lab.InvalidLabels) != 1 || lab.InvalidLabels[0] != "1bad" {
		t.Fatalf("label %+v", lab)
	}
	byLabel := must[*ssm.GetParameterOutput](t)(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("feature:prod")}))
	if aws.ToString(byLabel.Parameter.Value) != "v2" || aws.ToString(byLabel.Parameter.Selector) != ":prod" {
		t.Fatalf("by label %+v", byLabel.Parameter)
	}
	// Labelling the latest moves the label.
	must[*ssm.LabelParameterVersionOutput](t)(c.LabelParameterVersion(harness.Ctx, &ssm.LabelParameterVersionInput{Name: aws.String("feature"), Labels: []string{"prod"}}))
	byLabel = must[*ssm.GetParameterOutput](t)(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("feature:prod")}))
	if aws.ToString(byLabel.Parameter.Value) != "v3" {
		t.Fatalf("moved label %+v", byLabel.Parameter)
	}
	_, err = c.LabelParameterVersion(harness.Ctx, &ssm.LabelParameterVersionInput{Name: aws.String("feature"), ParameterVersion: aws.Int64(9), Labels: []string{"x"}})
	harness.AssertAPIError(t, err, "ParameterVersionNotFound")
	var hist []types.ParameterHistory
	ph := ssm.NewGetParameterHistoryPaginator(c, &ssm.GetParameterHistoryInput{Name: aws.String("feature"), MaxResults: aws.Int32(2)})
	for ph.HasMorePages() {
		hist = append(hist, must[*ssm.GetParameterHistoryOutput](t)(ph.NextPage(harness.Ctx)).Parameters...)
	}
	if len(hist) != 3 || aws.ToString(hist[0].Value) != "v1" || len(hist[2].Labels) != 1 || len(hist[1].Labels) != 0 || aws.ToString(hist[2].Description) != "flag" {
		t.Fatalf("history %+v", hist)
	}
	un := must[*ssm.UnlabelParameterVersionOutput](t)(c.UnlabelParameterVersion(harness.Ctx, &ssm.UnlabelParameterVersionInput{Name: aws.String("feature"), ParameterVersion: aws.Int64(3), Labels: []string{"prod", "qa"}}))
	if len(un.RemovedLabels) != 1 || len(un.InvalidLabels) != 1 {
		t.Errorf("unlabel %+v", un)
	}
	_, err = c.GetParameterHistory(harness.Ctx, &ssm.GetParameterHistoryInput{Name: aws.String("nope")})
	harness.AssertAPIError(t, err, "ParameterNotFound")

	must[*ssm.AddTagsToResourceOutput](t)(c.AddTagsToResource(harness.Ctx, &ssm.AddTagsToResourceInput{ResourceType: types.ResourceTypeForTaggingParameter, ResourceId: aws.String("feature"),
		Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("dev")}, {Key: aws.String("team"), Value: aws.String("platform")}}}))
	tags := must[*ssm.ListTagsForResourceOutput](t)(c.ListTagsForResource(harness.Ctx, &ssm.ListTagsForResourceInput{ResourceType: types.ResourceTypeForTaggingParameter, ResourceId: aws.String("feature")}))
	if len(tags.TagList) != 2 || aws.ToString(tags.TagList[0].Value) != "platform" {
		t.Fatalf("tags %+v", tags.TagList)
	}
	must[*ssm.RemoveTagsFromResourceOutput](t)(c.RemoveTagsFromResource(harness.Ctx, &ssm.RemoveTagsFromResourceInput{ResourceType: types.ResourceTypeForTaggingParameter, ResourceId: aws.String("feature"), TagKeys: []string{"team"}}))
	tags = must[*ssm.ListTagsForResourceOutput](t)(c.ListTagsForResource(harness.Ctx, &ssm.ListTagsForResourceInput{ResourceType: types.ResourceTypeForTaggingParameter, ResourceId: aws.String("feature")}))
	if len(tags.TagList) != 1 || aws.ToString(tags.TagList[0].Key) != "env" {
		t.Fatalf("tags after remove %+v", tags.TagList)
	}
	desc := must[*ssm.DescribeParametersOutput](t)(c.DescribeParameters(harness.Ctx, &ssm.DescribeParametersInput{ParameterFilters: []types.ParameterStringFilter{{Key: aws.String("tag:env"), Values: []string{"dev"}}}}))
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
		id := must[*ssm.GetParameterOutput](t)(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String(base + "/image_id")}))
		doc := must[*ssm.GetParameterOutput](t)(c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String(base)}))
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
		imgs := must[*ec2sdk.DescribeImagesOutput](t)(e.DescribeImages(harness.Ctx, &ec2sdk.DescribeImagesInput{ImageIds: []string{rec.ImageID}}))
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
	byPath := must[*ssm.GetParametersByPathOutput](t)(c.GetParametersByPath(harness.Ctx, &ssm.GetParametersByPathInput{Path: aws.String("/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended"), MaxResults: aws.Int32(10)}))
	if len(byPath.Parameters) != 8 {
		t.Errorf("recommended sub-parameters %d", len(byPath.Parameters))
	}
	_, err := c.GetParameter(harness.Ctx, &ssm.GetParameterInput{Name: aws.String("/aws/service/ecs/optimized-ami/amazon-linux-3/recommended")})
	harness.AssertAPIError(t, err, "ParameterNotFound")
}

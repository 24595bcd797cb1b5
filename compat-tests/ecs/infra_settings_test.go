package ecs_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func infraSettingValue(t *testing.T, client *ecs.Client, name types.SettingName, principal *string, effective bool) (string, bool) {
	t.Helper()
	out, err := client.ListAccountSettings(harness.Ctx, &ecs.ListAccountSettingsInput{Name: name, PrincipalArn: principal, EffectiveSettings: effective})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Settings) == 0 {
		return "", false
	}
	return aws.ToString(out.Settings[0].Value), true
}

func TestInfraAccountSettings(t *testing.T) {
	client := infraClient(t)
	// AWS's defaults are effective until something is set.
	if v, _ := infraSettingValue(t, client, types.SettingNameContainerInsights, nil, true); v != "disabled" {
		t.Errorf("default containerInsights %q", v)
	}
	if v, _ := infraSettingValue(t, client, types.SettingNameTaskLongArnFormat, nil, true); v != "enabled" {
		t.Errorf("default taskLongArnFormat %q", v)
	}
	if _, ok := infraSettingValue(t, client, types.SettingNameContainerInsights, nil, false); ok {
		t.Errorf("an unset setting was listed without effectiveSettings")
	}
	all, err := client.ListAccountSettings(harness.Ctx, &ecs.ListAccountSettingsInput{EffectiveSettings: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.Settings) != 10 || all.NextToken == nil {
		t.Errorf("first page of effective settings: %d, token %v", len(all.Settings), all.NextToken)
	}
	var n int
	p := ecs.NewListAccountSettingsPaginator(client, &ecs.ListAccountSettingsInput{EffectiveSettings: true, MaxResults: 4})
	for p.HasMorePages() {
		page, err := p.NextPage(harness.Ctx)
		if err != nil {
			t.Fatal(err)
		}
		n += len(page.Settings)
	}
	if n != 11 {
		t.Errorf("paginated effective settings %d", n)
	}

	// The account default applies to every principal; a principal's own setting wins.
	def, err := client.PutAccountSettingDefault(harness.Ctx, &ecs.PutAccountSettingDefaultInput{Name: types.SettingNameContainerInsights, Value: aws.String("enabled")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(def.Setting.PrincipalArn) != "arn:aws:iam::000000000000:root" {
		t.Errorf("default principal %s", aws.ToString(def.Setting.PrincipalArn))
	}
	user := aws.String("arn:aws:iam::000000000000:user/alice")
	if v, _ := infraSettingValue(t, client, types.SettingNameContainerInsights, user, true); v != "enabled" {
		t.Errorf("alice inherits %q", v)
	}
	if _, err := client.PutAccountSetting(harness.Ctx, &ecs.PutAccountSettingInput{Name: types.SettingNameContainerInsights,
		Value: aws.String("disabled"), PrincipalArn: user}); err != nil {
		t.Fatal(err)
	}
	if v, _ := infraSettingValue(t, client, types.SettingNameContainerInsights, user, true); v != "disabled" {
		t.Errorf("alice's own %q", v)
	}
	// New clusters take containerInsights from the account.
	cl := harness.CreateCluster(t, client, "insights")
	if len(cl.Settings) != 1 || aws.ToString(cl.Settings[0].Value) != "enabled" {
		t.Errorf("cluster settings %+v", cl.Settings)
	}
	del, err := client.DeleteAccountSetting(harness.Ctx, &ecs.DeleteAccountSettingInput{Name: types.SettingNameContainerInsights, PrincipalArn: user})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(del.Setting.Value) != "disabled" {
		t.Errorf("deleted %+v", del.Setting)
	}
	if v, _ := infraSettingValue(t, client, types.SettingNameContainerInsights, user, true); v != "enabled" {
		t.Errorf("after delete %q", v)
	}
	_, err = client.DeleteAccountSetting(harness.Ctx, &ecs.DeleteAccountSettingInput{Name: types.SettingNameContainerInsights, PrincipalArn: user})
	harness.AssertAPIError(t, err, "InvalidParameterException")

	for _, bad := range []*ecs.PutAccountSettingInput{
		{Name: types.SettingNameContainerInsights, Value: aws.String("sometimes")},
		{Name: types.SettingNameFargateTaskRetirementWaitPeriod, Value: aws.String("3")},
		{Name: types.SettingNameGuardDutyActivate, Value: aws.String("on")},
		{Name: types.SettingNameAwsvpcTrunking, Value: aws.String("enabled"), PrincipalArn: aws.String("not-an-arn")},
	} {
		_, err := client.PutAccountSetting(harness.Ctx, bad)
		harness.AssertAPIError(t, err, "InvalidParameterException")
	}
	if _, err := client.PutAccountSetting(harness.Ctx, &ecs.PutAccountSettingInput{Name: types.SettingNameFargateTaskRetirementWaitPeriod, Value: aws.String("14")}); err != nil {
		t.Fatal(err)
	}
	out, err := client.ListAccountSettings(harness.Ctx, &ecs.ListAccountSettingsInput{Name: types.SettingNameFargateTaskRetirementWaitPeriod, Value: aws.String("14")})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Settings) != 1 {
		t.Errorf("by value %+v", out.Settings)
	}
	_, err = client.ListAccountSettings(harness.Ctx, &ecs.ListAccountSettingsInput{NextToken: aws.String("bogus")})
	harness.AssertAPIError(t, err, "InvalidParameterException")
}

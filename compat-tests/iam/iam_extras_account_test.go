package iam_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/compat-tests/harness"
)

func TestExtrasAccountAlias(t *testing.T) {
	ls, client := coreStart(t)
	out := harness.Must(client.ListAccountAliases(harness.Ctx, &iam.ListAccountAliasesInput{}))(t)
	if len(out.AccountAliases) != 0 || out.IsTruncated {
		t.Fatalf("aliases of a new account: %v", out.AccountAliases)
	}
	harness.Must(client.CreateAccountAlias(harness.Ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("my-team")}))(t)
	// An account has one alias: a second replaces the first.
	harness.Must(client.CreateAccountAlias(harness.Ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("my-team-2")}))(t)
	var got []string
	p := iam.NewListAccountAliasesPaginator(client, &iam.ListAccountAliasesInput{})
	for p.HasMorePages() {
		got = append(got, harness.Must(p.NextPage(harness.Ctx))(t).AccountAliases...)
	}
	if len(got) != 1 || got[0] != "my-team-2" {
		t.Fatalf("aliases %v", got)
	}

	// Aliases are unique across accounts.
	other := ls.Config.Copy()
	other.Credentials = credentials.NewStaticCredentialsProvider("111122223333", "x", "")
	_, err := iam.NewFromConfig(other).CreateAccountAlias(harness.Ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("my-team-2")})
	harness.AssertError(t, err, "EntityAlreadyExists", 409, "The account alias my-team-2 already exists.")
	_, err = iam.NewFromConfig(other).DeleteAccountAlias(harness.Ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String("my-team-2")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The account alias my-team-2 cannot be found.")

	// The old alias is free again.
	harness.Must(iam.NewFromConfig(other).CreateAccountAlias(harness.Ctx, &iam.CreateAccountAliasInput{AccountAlias: aws.String("my-team")}))(t)

	harness.Must(client.DeleteAccountAlias(harness.Ctx, &iam.DeleteAccountAliasInput{AccountAlias: aws.String("my-team-2")}))(t)
	if out := harness.Must(client.ListAccountAliases(harness.Ctx, &iam.ListAccountAliasesInput{}))(t); len(out.AccountAliases) != 0 {
		t.Errorf("after delete: %v", out.AccountAliases)
	}

	// The model's pattern refuses consecutive hyphens and upper case.
	r := harness.Query(t, ls, "iam", "Action=CreateAccountAlias&Version=2010-05-08&AccountAlias=Bad--Alias")
	if r.Status != 400 || !strings.Contains(r.Body, "<Code>ValidationError</Code>") {
		t.Errorf("bad alias: %d %s", r.Status, r.Body)
	}
}

func TestExtrasPasswordPolicy(t *testing.T) {
	_, client := coreStart(t)
	_, err := client.GetAccountPasswordPolicy(harness.Ctx, &iam.GetAccountPasswordPolicyInput{})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The Password Policy with domain name 000000000000 cannot be found.")
	// DeleteAccountPasswordPolicy has its own text (AWS Tools for PowerShell,
	// Remove-IAMAccountPasswordPolicy: "The account policy with name
	// PasswordPolicy cannot be found.").
	_, err = client.DeleteAccountPasswordPolicy(harness.Ctx, &iam.DeleteAccountPasswordPolicyInput{})
	harness.AssertError(t, err, "NoSuchEntity", 404, "The account policy with name PasswordPolicy cannot be found.")

	// With no members the policy takes AWS's defaults.
	harness.Must(client.UpdateAccountPasswordPolicy(harness.Ctx, &iam.UpdateAccountPasswordPolicyInput{}))(t)
	p := harness.Must(client.GetAccountPasswordPolicy(harness.Ctx, &iam.GetAccountPasswordPolicyInput{}))(t).PasswordPolicy
	if aws.ToInt32(p.MinimumPasswordLength) != 6 || p.RequireSymbols || p.RequireNumbers || p.RequireUppercaseCharacters ||
		p.RequireLowercaseCharacters || p.AllowUsersToChangePassword || p.ExpirePasswords || p.MaxPasswordAge != nil ||
		p.PasswordReusePrevention != nil || p.HardExpiry != nil {
		t.Fatalf("default policy %+v", p)
	}

	harness.Must(client.UpdateAccountPasswordPolicy(harness.Ctx, &iam.UpdateAccountPasswordPolicyInput{
		MinimumPasswordLength: aws.Int32(14), RequireSymbols: true, RequireNumbers: true, RequireUppercaseCharacters: true,
		RequireLowercaseCharacters: true, AllowUsersToChangePassword: true, MaxPasswordAge: aws.Int32(90),
		PasswordReusePrevention: aws.Int32(24), HardExpiry: aws.Bool(true)}))(t)
	p = harness.Must(client.GetAccountPasswordPolicy(harness.Ctx, &iam.GetAccountPasswordPolicyInput{}))(t).PasswordPolicy
	if aws.ToInt32(p.MinimumPasswordLength) != 14 || !p.RequireSymbols || !p.RequireNumbers || !p.RequireUppercaseCharacters ||
		!p.RequireLowercaseCharacters || !p.AllowUsersToChangePassword || !p.ExpirePasswords || aws.ToInt32(p.MaxPasswordAge) != 90 ||
		aws.ToInt32(p.PasswordReusePrevention) != 24 || !aws.ToBool(p.HardExpiry) {
		t.Fatalf("policy %+v", p)
	}

	// An update replaces the whole policy.
	harness.Must(client.UpdateAccountPasswordPolicy(harness.Ctx, &iam.UpdateAccountPasswordPolicyInput{RequireNumbers: true}))(t)
	p = harness.Must(client.GetAccountPasswordPolicy(harness.Ctx, &iam.GetAccountPasswordPolicyInput{}))(t).PasswordPolicy
	if aws.ToInt32(p.MinimumPasswordLength) != 6 || !p.RequireNumbers || p.RequireSymbols || p.ExpirePasswords {
		t.Fatalf("replaced policy %+v", p)
	}

	// Out-of-range values fail the model's constraints.
	_, err = client.UpdateAccountPasswordPolicy(harness.Ctx, &iam.UpdateAccountPasswordPolicyInput{MinimumPasswordLength: aws.Int32(200)})
	harness.AssertAPIError(t, err, "ValidationError")

	harness.Must(client.DeleteAccountPasswordPolicy(harness.Ctx, &iam.DeleteAccountPasswordPolicyInput{}))(t)
	_, err = client.GetAccountPasswordPolicy(harness.Ctx, &iam.GetAccountPasswordPolicyInput{})
	harness.AssertAPIError(t, err, "NoSuchEntity")
}

func TestExtrasSecurityTokenServicePreferences(t *testing.T) {
	_, client := coreStart(t)
	summary := func() map[string]int32 {
		return harness.Must(client.GetAccountSummary(harness.Ctx, &iam.GetAccountSummaryInput{}))(t).SummaryMap
	}
	if v := summary()["GlobalEndpointTokenVersion"]; v != 1 {
		t.Errorf("default token version %d", v)
	}
	harness.Must(client.SetSecurityTokenServicePreferences(harness.Ctx, &iam.SetSecurityTokenServicePreferencesInput{
		GlobalEndpointTokenVersion: types.GlobalEndpointTokenVersionV2Token}))(t)
	if v := summary()["GlobalEndpointTokenVersion"]; v != 2 {
		t.Errorf("token version after v2Token: %d", v)
	}
	_, err := client.SetSecurityTokenServicePreferences(harness.Ctx, &iam.SetSecurityTokenServicePreferencesInput{GlobalEndpointTokenVersion: "v3Token"})
	harness.AssertAPIError(t, err, "ValidationError")
}

func TestExtrasOrganizationsFeaturesStandaloneAccount(t *testing.T) {
	_, client := coreStart(t)
	const msg = "The request was rejected because no organization is associated with your account."
	calls := map[string]func() error{
		"ListOrganizationsFeatures": func() error {
			_, err := client.ListOrganizationsFeatures(harness.Ctx, &iam.ListOrganizationsFeaturesInput{})
			return err
		},
		"EnableOrganizationsRootCredentialsManagement": func() error {
			_, err := client.EnableOrganizationsRootCredentialsManagement(harness.Ctx, &iam.EnableOrganizationsRootCredentialsManagementInput{})
			return err
		},
		"DisableOrganizationsRootCredentialsManagement": func() error {
			_, err := client.DisableOrganizationsRootCredentialsManagement(harness.Ctx, &iam.DisableOrganizationsRootCredentialsManagementInput{})
			return err
		},
		"EnableOrganizationsRootSessions": func() error {
			_, err := client.EnableOrganizationsRootSessions(harness.Ctx, &iam.EnableOrganizationsRootSessionsInput{})
			return err
		},
		"DisableOrganizationsRootSessions": func() error {
			_, err := client.DisableOrganizationsRootSessions(harness.Ctx, &iam.DisableOrganizationsRootSessionsInput{})
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			err := call()
			harness.AssertError(t, err, "OrganizationNotFoundException", 400, msg)
			var typed *types.OrganizationNotFoundException
			if !errors.As(err, &typed) {
				t.Errorf("SDK did not type the error: %T", err)
			}
		})
	}

	// The organizations access report job fails for the same reason.
	job := harness.Must(client.GenerateOrganizationsAccessReport(harness.Ctx, &iam.GenerateOrganizationsAccessReportInput{
		EntityPath: aws.String("o-a1b2c3d4e5/r-f6g7h8i9j0example")}))(t)
	if len(aws.ToString(job.JobId)) != 36 {
		t.Fatalf("job id %q", aws.ToString(job.JobId))
	}
	rep := harness.Must(client.GetOrganizationsAccessReport(harness.Ctx, &iam.GetOrganizationsAccessReportInput{JobId: job.JobId}))(t)
	if rep.JobStatus != types.JobStatusTypeFailed || rep.ErrorDetails == nil || aws.ToString(rep.ErrorDetails.Message) != msg ||
		rep.JobCreationDate == nil || rep.JobCompletionDate == nil {
		t.Fatalf("report %+v", rep)
	}
	_, err := client.GetOrganizationsAccessReport(harness.Ctx, &iam.GetOrganizationsAccessReportInput{JobId: aws.String("00000000-0000-0000-0000-000000000000")})
	harness.AssertError(t, err, "NoSuchEntity", 404, "")
	_, err = client.GenerateOrganizationsAccessReport(harness.Ctx, &iam.GenerateOrganizationsAccessReportInput{EntityPath: aws.String("not-an-entity-path-at-all")})
	harness.AssertAPIError(t, err, "ValidationError")
}

func TestExtrasOutboundWebIdentityFederation(t *testing.T) {
	_, client := coreStart(t)
	_, err := client.GetOutboundWebIdentityFederationInfo(harness.Ctx, &iam.GetOutboundWebIdentityFederationInfoInput{})
	harness.AssertError(t, err, "FeatureDisabled", 404, "")
	_, err = client.DisableOutboundWebIdentityFederation(harness.Ctx, &iam.DisableOutboundWebIdentityFederationInput{})
	harness.AssertError(t, err, "FeatureDisabled", 404, "")

	on := harness.Must(client.EnableOutboundWebIdentityFederation(harness.Ctx, &iam.EnableOutboundWebIdentityFederationInput{}))(t)
	issuer := aws.ToString(on.IssuerIdentifier)
	if !strings.HasPrefix(issuer, "https://") || !strings.HasSuffix(issuer, ".tokens.sts.global.api.aws") {
		t.Fatalf("issuer %q", issuer)
	}
	_, err = client.EnableOutboundWebIdentityFederation(harness.Ctx, &iam.EnableOutboundWebIdentityFederationInput{})
	harness.AssertError(t, err, "FeatureEnabled", 409, "")
	info := harness.Must(client.GetOutboundWebIdentityFederationInfo(harness.Ctx, &iam.GetOutboundWebIdentityFederationInfoInput{}))(t)
	if aws.ToString(info.IssuerIdentifier) != issuer || !info.JwtVendingEnabled {
		t.Fatalf("info %+v", info)
	}
	harness.Must(client.DisableOutboundWebIdentityFederation(harness.Ctx, &iam.DisableOutboundWebIdentityFederationInput{}))(t)
	_, err = client.GetOutboundWebIdentityFederationInfo(harness.Ctx, &iam.GetOutboundWebIdentityFederationInfoInput{})
	harness.AssertAPIError(t, err, "FeatureDisabled")
}

package ecs

import (
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// AccountSettings: id = principal ARN + "|" + setting name, Parent = principal ARN, Name = setting name.
// The root user's settings are the account's defaults.
var AccountSettings = store.Collection[types.Setting]{Kind: "ecs/account-setting"}

// accountSettingRule is one setting: AWS's default and the values it accepts.
type accountSettingRule struct {
	name   types.SettingName
	def    string
	values []string
}

// accountSettingRules lists every setting in the order ECS lists them.
var accountSettingRules = []accountSettingRule{
	{types.SettingNameServiceLongArnFormat, "enabled", []string{"enabled"}},
	{types.SettingNameTaskLongArnFormat, "enabled", []string{"enabled"}},
	{types.SettingNameContainerInstanceLongArnFormat, "enabled", []string{"enabled"}},
	{types.SettingNameAwsvpcTrunking, "disabled", []string{"enabled", "disabled"}},
	{types.SettingNameContainerInsights, "disabled", []string{"enabled", "disabled", "enhanced"}},
	{types.SettingNameFargateFipsMode, "disabled", []string{"enabled", "disabled"}},
	{types.SettingNameTagResourceAuthorization, "on", []string{"on", "off"}},
	{types.SettingNameFargateTaskRetirementWaitPeriod, "7", []string{"0", "7", "14"}},
	{types.SettingNameGuardDutyActivate, "off", nil},
	{types.SettingName("defaultLogDriverMode"), "non-blocking", []string{"blocking", "non-blocking"}},
	{types.SettingName("fargateEventWindows"), "disabled", []string{"enabled", "disabled"}},
}

func settingRule(name types.SettingName) *accountSettingRule {
	for i := range accountSettingRules {
		if accountSettingRules[i].name == name {
			return &accountSettingRules[i]
		}
	}
	return nil
}

var (
	principalARNRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:(root|user/.+|role/.+)$`)
	assumedRoleRE  = regexp.MustCompile(`^arn:aws[a-z-]*:sts::(\d{12}):assumed-role/([^/]+)/.+$`)
)

func rootARN(c *api.Context) string { return c.ARNPrefix() + "iam::" + c.Account() + ":root" }

// settingPrincipal is the principal a call is about: the given ARN or the caller.
func settingPrincipal(c *api.Context, ref *string) (string, error) {
	p := aws.ToString(ref)
	if p == "" {
		p = c.Caller.Arn
		if p == "" {
			p = rootARN(c)
		}
		// A role session's settings are its role's.
		if m := assumedRoleRE.FindStringSubmatch(p); m != nil {
			p = c.ARNPrefix() + "iam::" + m[1] + ":role/" + m[2]
		}
		return p, nil
	}
	if !principalARNRE.MatchString(p) {
		return "", errInvalidParameter("principalArn must be a valid IAM user, IAM role, or root user ARN.")
	}
	return p, nil
}

func checkSettingValue(name types.SettingName, value string) (*accountSettingRule, error) {
	r := settingRule(name)
	if r == nil {
		return nil, errInvalidParameter("Setting name is invalid.")
	}
	if r.values == nil {
		return nil, errInvalidParameter("The %s account setting is managed by AWS and cannot be changed.", name)
	}
	if !slices.Contains(r.values, value) {
		if r.def == "enabled" && len(r.values) == 1 {
			return nil, errInvalidParameter("The %s setting can no longer be disabled.", name)
		}
		return nil, errInvalidParameter("Invalid value %s for setting %s.", value, name)
	}
	return r, nil
}

func storeSetting(c *api.Context, s *types.Setting) error {
	p := aws.ToString(s.PrincipalArn)
	return AccountSettings.Put(c.Tx, c.Scope(), p+"|"+string(s.Name), store.Index{Parent: p, Name: string(s.Name)}, s)
}

// effectiveSetting resolves a setting for a principal: its own, else the account
// default (the root user's), else AWS's default.
func effectiveSetting(c *api.Context, name types.SettingName, principal string) (*types.Setting, error) {
	for _, p := range []string{principal, rootARN(c)} {
		s, err := AccountSettings.Get(c.Tx, c.Scope(), p+"|"+string(name))
		if err != nil {
			return nil, err
		}
		if s != nil {
			out := *s
			out.PrincipalArn = aws.String(principal)
			return &out, nil
		}
	}
	r := settingRule(name)
	typ := types.SettingTypeUser
	if name == types.SettingNameGuardDutyActivate {
		typ = types.SettingTypeAwsManaged
	}
	return &types.Setting{Name: name, Value: aws.String(r.def), PrincipalArn: aws.String(principal), Type: typ}, nil
}

func putAccountSetting(c *api.Context, in *ecs.PutAccountSettingInput) (*ecs.PutAccountSettingOutput, error) {
	if _, err := checkSettingValue(in.Name, aws.ToString(in.Value)); err != nil {
		return nil, err
	}
	p, err := settingPrincipal(c, in.PrincipalArn)
	if err != nil {
		return nil, err
	}
	s := &types.Setting{Name: in.Name, Value: in.Value, PrincipalArn: aws.String(p), Type: types.SettingTypeUser}
	if err := storeSetting(c, s); err != nil {
		return nil, err
	}
	return &ecs.PutAccountSettingOutput{Setting: s}, nil
}

func putAccountSettingDefault(c *api.Context, in *ecs.PutAccountSettingDefaultInput) (*ecs.PutAccountSettingDefaultOutput, error) {
	if _, err := checkSettingValue(in.Name, aws.ToString(in.Value)); err != nil {
		return nil, err
	}
	s := &types.Setting{Name: in.Name, Value: in.Value, PrincipalArn: aws.String(rootARN(c)), Type: types.SettingTypeUser}
	if err := storeSetting(c, s); err != nil {
		return nil, err
	}
	return &ecs.PutAccountSettingDefaultOutput{Setting: s}, nil
}

func deleteAccountSetting(c *api.Context, in *ecs.DeleteAccountSettingInput) (*ecs.DeleteAccountSettingOutput, error) {
	if settingRule(in.Name) == nil {
		return nil, errInvalidParameter("Setting name is invalid.")
	}
	p, err := settingPrincipal(c, in.PrincipalArn)
	if err != nil {
		return nil, err
	}
	id := p + "|" + string(in.Name)
	s, err := AccountSettings.Get(c.Tx, c.Scope(), id)
	if err != nil {
		return nil, err
	}
	if s == nil {
		return nil, errInvalidParameter("The specified setting %s is not set for principal %s.", in.Name, p)
	}
	if _, err := AccountSettings.Delete(c.Tx, c.Scope(), id); err != nil {
		return nil, err
	}
	return &ecs.DeleteAccountSettingOutput{Setting: s}, nil
}

func listAccountSettings(c *api.Context, in *ecs.ListAccountSettingsInput) (*ecs.ListAccountSettingsOutput, error) {
	if in.Value != nil && in.Name == "" {
		return nil, errInvalidParameter("The value parameter can only be used with the name parameter.")
	}
	if in.Name != "" && settingRule(in.Name) == nil {
		return nil, errInvalidParameter("Setting name is invalid.")
	}
	p, err := settingPrincipal(c, in.PrincipalArn)
	if err != nil {
		return nil, err
	}
	size := 10
	if in.MaxResults != 0 {
		if in.MaxResults < 1 || in.MaxResults > 10 {
			return nil, errInvalidParameter("maxResults must be between 1 and 10.")
		}
		size = int(in.MaxResults)
	}
	var matched []types.Setting
	for _, r := range accountSettingRules {
		if in.Name != "" && r.name != in.Name {
			continue
		}
		var s *types.Setting
		if in.EffectiveSettings {
			if s, err = effectiveSetting(c, r.name, p); err != nil {
				return nil, err
			}
		} else if s, err = AccountSettings.Get(c.Tx, c.Scope(), p+"|"+string(r.name)); err != nil {
			return nil, err
		}
		if s == nil || (in.Value != nil && aws.ToString(s.Value) != aws.ToString(in.Value)) {
			continue
		}
		matched = append(matched, *s)
	}
	// The settings are a fixed list, so a position in it is a stable token.
	scope := "ecs:ListAccountSettings:" + p
	page, next, err := api.PaginateSlice(matched, ecsPaging(scope, in.NextToken, size), nil)
	if err != nil {
		return nil, err
	}
	out := &ecs.ListAccountSettingsOutput{Settings: page, NextToken: next}
	if out.Settings == nil {
		out.Settings = []types.Setting{}
	}
	return out, nil
}

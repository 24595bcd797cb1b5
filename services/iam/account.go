package iam

import (
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// AccountSettings holds the account-wide IAM settings: the password policy,
// the STS token version, outbound federation and the credential report.
type AccountSettings struct {
	PasswordPolicy             *types.PasswordPolicy `json:",omitempty"`
	GlobalEndpointTokenVersion types.GlobalEndpointTokenVersion
	Outbound                   *OutboundFederation `json:",omitempty"`
	CredentialReport           *CredentialReport   `json:",omitempty"`
}

// accountAlias records which account owns an alias. Aliases are unique across
// all accounts, so they are stored outside any account (store.Scope{}).
type accountAlias struct {
	Alias   string
	Account string
}

var (
	accountSettings = store.Collection[AccountSettings]{Kind: "iam/account-settings"}
	accountAliases  = store.Collection[accountAlias]{Kind: "iam/account-alias"}
)

const settingsID = "settings"

// loadSettings returns the account's settings (zero settings when none were saved).
func loadSettings(tx *store.Tx, account string) (*AccountSettings, error) {
	s, err := accountSettings.Get(tx, store.Scope{Account: account}, settingsID)
	if err != nil || s != nil {
		return s, err
	}
	return &AccountSettings{}, nil
}

func saveSettings(tx *store.Tx, account string, s *AccountSettings) error {
	return accountSettings.Put(tx, store.Scope{Account: account}, settingsID, store.Index{}, s)
}

// AccountPasswordPolicy returns the account's password policy, or nil when the
// account has none (AWS's default then applies).
func AccountPasswordPolicy(c *api.Context) (*types.PasswordPolicy, error) {
	s, err := loadSettings(c.Tx, c.Account())
	if err != nil {
		return nil, err
	}
	return s.PasswordPolicy, nil
}

func registerAccountSettings(s *api.Service) {
	api.Handle(s, "CreateAccountAlias", createAccountAlias)
	api.Handle(s, "DeleteAccountAlias", deleteAccountAlias)
	api.Handle(s, "ListAccountAliases", listAccountAliases)
	api.Handle(s, "UpdateAccountPasswordPolicy", updateAccountPasswordPolicy)
	api.Handle(s, "GetAccountPasswordPolicy", getAccountPasswordPolicy)
	api.Handle(s, "DeleteAccountPasswordPolicy", deleteAccountPasswordPolicy)
	api.Handle(s, "SetSecurityTokenServicePreferences", setSecurityTokenServicePreferences)
}

// aliasesOf lists the aliases the account owns (at most one).
func aliasesOf(tx *store.Tx, account string) ([]store.Item[accountAlias], error) {
	return accountAliases.List(tx, store.Scope{}, store.Query{Parent: account})
}

// accountAliasPattern is the model's pattern, which uses a lookahead that Go's
// regexp (and so the model validator) cannot express.
const accountAliasPattern = `^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`

// validAccountAlias checks accountAliasPattern: lower-case letters, digits and
// single hyphens, neither first nor last, 3 to 63 characters.
func validAccountAlias(alias string) bool {
	if len(alias) < 3 || len(alias) > 63 || alias[0] == '-' || alias[len(alias)-1] == '-' || strings.Contains(alias, "--") {
		return false
	}
	for _, r := range alias {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

func createAccountAlias(c *api.Context, in *iam.CreateAccountAliasInput) (*iam.CreateAccountAliasOutput, error) {
	alias := aws.ToString(in.AccountAlias)
	if !validAccountAlias(alias) {
		return nil, apierror.New("ValidationError", "1 validation error detected: Value '%s' at 'accountAlias' failed to satisfy constraint: Member must satisfy regular expression pattern: %s", alias, accountAliasPattern)
	}
	owner, err := accountAliases.Get(c.Tx, store.Scope{}, alias)
	if err != nil {
		return nil, err
	}
	if owner != nil {
		if owner.Account == c.Account() {
			return &iam.CreateAccountAliasOutput{}, nil
		}
		return nil, apierror.New("EntityAlreadyExists", "The account alias %s already exists.", alias)
	}
	// An account has one alias: a new one replaces the old.
	old, err := aliasesOf(c.Tx, c.Account())
	if err != nil {
		return nil, err
	}
	for _, it := range old {
		if _, err := accountAliases.Delete(c.Tx, store.Scope{}, it.ID); err != nil {
			return nil, err
		}
	}
	err = accountAliases.Put(c.Tx, store.Scope{}, alias, store.Index{Parent: c.Account()}, &accountAlias{Alias: alias, Account: c.Account()})
	return &iam.CreateAccountAliasOutput{}, err
}

func deleteAccountAlias(c *api.Context, in *iam.DeleteAccountAliasInput) (*iam.DeleteAccountAliasOutput, error) {
	alias := aws.ToString(in.AccountAlias)
	owner, err := accountAliases.Get(c.Tx, store.Scope{}, alias)
	if err != nil {
		return nil, err
	}
	if owner == nil || owner.Account != c.Account() {
		return nil, apierror.New("NoSuchEntity", "The account alias %s cannot be found.", alias)
	}
	_, err = accountAliases.Delete(c.Tx, store.Scope{}, alias)
	return &iam.DeleteAccountAliasOutput{}, err
}

func listAccountAliases(c *api.Context, in *iam.ListAccountAliasesInput) (*iam.ListAccountAliasesOutput, error) {
	items, err := aliasesOf(c.Tx, c.Account())
	if err != nil {
		return nil, err
	}
	names := []string{}
	for _, it := range items {
		names = append(names, it.Doc.Alias)
	}
	page, next, truncated, err := pageByMarker("iam:ListAccountAliases", names, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return &iam.ListAccountAliasesOutput{AccountAliases: page, Marker: next, IsTruncated: truncated}, nil
}

func noPasswordPolicy(account string) error {
	return apierror.New("NoSuchEntity", "The Password Policy with domain name %s cannot be found.", account)
}

// updateAccountPasswordPolicy replaces the policy: members left out take AWS's
// defaults (length 6, no requirements, no expiry), as the API documents.
func updateAccountPasswordPolicy(c *api.Context, in *iam.UpdateAccountPasswordPolicyInput) (*iam.UpdateAccountPasswordPolicyOutput, error) {
	s, err := loadSettings(c.Tx, c.Account())
	if err != nil {
		return nil, err
	}
	p := &types.PasswordPolicy{
		MinimumPasswordLength:      aws.Int32(6),
		RequireSymbols:             in.RequireSymbols,
		RequireNumbers:             in.RequireNumbers,
		RequireUppercaseCharacters: in.RequireUppercaseCharacters,
		RequireLowercaseCharacters: in.RequireLowercaseCharacters,
		AllowUsersToChangePassword: in.AllowUsersToChangePassword,
	}
	if in.MinimumPasswordLength != nil {
		p.MinimumPasswordLength = in.MinimumPasswordLength
	}
	if n := aws.ToInt32(in.MaxPasswordAge); n > 0 {
		p.MaxPasswordAge, p.ExpirePasswords = aws.Int32(n), true
	}
	if n := aws.ToInt32(in.PasswordReusePrevention); n > 0 {
		p.PasswordReusePrevention = aws.Int32(n)
	}
	if aws.ToBool(in.HardExpiry) {
		p.HardExpiry = aws.Bool(true)
	}
	s.PasswordPolicy = p
	return &iam.UpdateAccountPasswordPolicyOutput{}, saveSettings(c.Tx, c.Account(), s)
}

func getAccountPasswordPolicy(c *api.Context, _ *iam.GetAccountPasswordPolicyInput) (*iam.GetAccountPasswordPolicyOutput, error) {
	p, err := AccountPasswordPolicy(c)
	if err != nil {
		return nil, err
	}
	if p == nil {
		return nil, noPasswordPolicy(c.Account())
	}
	return &iam.GetAccountPasswordPolicyOutput{PasswordPolicy: p}, nil
}

func deleteAccountPasswordPolicy(c *api.Context, _ *iam.DeleteAccountPasswordPolicyInput) (*iam.DeleteAccountPasswordPolicyOutput, error) {
	s, err := loadSettings(c.Tx, c.Account())
	if err != nil {
		return nil, err
	}
	if s.PasswordPolicy == nil {
		// DeleteAccountPasswordPolicy's own text (AWS Tools for PowerShell's
		// Remove-IAMAccountPasswordPolicy example), unlike GetAccountPasswordPolicy's.
		return nil, apierror.New("NoSuchEntity", "The account policy with name PasswordPolicy cannot be found.")
	}
	s.PasswordPolicy = nil
	return &iam.DeleteAccountPasswordPolicyOutput{}, saveSettings(c.Tx, c.Account(), s)
}

func setSecurityTokenServicePreferences(c *api.Context, in *iam.SetSecurityTokenServicePreferencesInput) (*iam.SetSecurityTokenServicePreferencesOutput, error) {
	s, err := loadSettings(c.Tx, c.Account())
	if err != nil {
		return nil, err
	}
	s.GlobalEndpointTokenVersion = in.GlobalEndpointTokenVersion
	return &iam.SetSecurityTokenServicePreferencesOutput{}, saveSettings(c.Tx, c.Account(), s)
}

// tokenVersionSummary reports GlobalEndpointTokenVersion in GetAccountSummary:
// 1 for v1 tokens (the default), 2 for v2.
func tokenVersionSummary(c *api.Context) (map[string]int32, error) {
	s, err := loadSettings(c.Tx, c.Account())
	if err != nil {
		return nil, err
	}
	v := int32(1)
	if s.GlobalEndpointTokenVersion == types.GlobalEndpointTokenVersionV2Token {
		v = 2
	}
	return map[string]int32{"GlobalEndpointTokenVersion": v}, nil
}

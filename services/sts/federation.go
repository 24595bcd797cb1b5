package sts

import (
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam"
	"github.com/longshore/longshore/services/iam/policy"
)

// registerFederation registers web identity, SAML, federation-token and the
// remaining STS operations.
func registerFederation(s *api.Service) {
	api.Handle(s, "AssumeRoleWithWebIdentity", assumeRoleWithWebIdentity)
	api.Handle(s, "AssumeRoleWithSAML", assumeRoleWithSAML)
	api.Handle(s, "GetFederationToken", getFederationToken).Writes()
	api.Handle(s, "DecodeAuthorizationMessage", decodeAuthorizationMessage)
	api.Handle(s, "AssumeRoot", assumeRoot)
	api.Handle(s, "GetDelegatedAccessToken", getDelegatedAccessToken).Writes()
	api.Handle(s, "GetWebIdentityToken", getWebIdentityToken)
}

// defaultRoleSession is the session length when a request names none.
const defaultRoleSession = time.Hour

func accessDenied(format string, args ...any) error {
	return apierror.WithStatus(http.StatusForbidden, "AccessDenied", format, args...)
}

// federatedAssumption is a request to assume a role as a federated principal,
// after the identity provider's token has been checked.
type federatedAssumption struct {
	Action      string // sts:AssumeRoleWithWebIdentity or sts:AssumeRoleWithSAML
	RoleArn     string
	SessionName string
	Duration    *int32
	// Until, when set, is the latest the session may last (the IdP session's end).
	Until      *time.Time
	Provider   string // the IAM identity provider's ARN
	Context    policy.Context
	Policy     *string
	PolicyArns int
}

// assumedRole is the session a federated assumption produced.
type assumedRole struct {
	Credentials *types.Credentials
	User        *types.AssumedRoleUser
	PackedSize  *int32
}

// assumeFederated checks that the role exists and trusts the provider under the
// request's context, then issues the role session.
func assumeFederated(c *api.Context, fa federatedAssumption) (*assumedRole, error) {
	m := roleArnRE.FindStringSubmatch(fa.RoleArn)
	if m == nil {
		return nil, apierror.New("ValidationError", "%s is invalid", fa.RoleArn)
	}
	account, roleName := m[1], m[2]
	role, err := iam.GetRoleByARN(c.Tx, account, fa.RoleArn)
	if err != nil {
		return nil, accessDenied("Not authorized to perform %s", fa.Action)
	}
	trust, err := policy.Parse(aws.ToString(role.AssumeRolePolicyDocument))
	if err != nil {
		return nil, accessDenied("Not authorized to perform %s", fa.Action)
	}
	req := policy.Request{Action: fa.Action, Resource: fa.RoleArn, ResourceAccount: account,
		Principal: &policy.Principal{Federated: fa.Provider, Account: account}, Context: fa.Context}
	if policy.Decide(req, policy.PolicySets{Resource: []policy.Policy{{ID: "trust", Type: "resource", Doc: trust}}}) != policy.Allowed {
		return nil, accessDenied("Not authorized to perform %s", fa.Action)
	}
	d := defaultRoleSession
	if fa.Duration != nil {
		d = time.Duration(*fa.Duration) * time.Second
	}
	if maxD := time.Duration(aws.ToInt32(role.MaxSessionDuration)) * time.Second; maxD > 0 && d > maxD {
		return nil, apierror.New("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.")
	}
	if fa.Until != nil && c.Now().Add(d).After(*fa.Until) {
		d = fa.Until.Sub(c.Now())
	}
	roleID := aws.ToString(role.RoleId)
	arn := c.ARNPrefix() + "sts::" + account + ":assumed-role/" + aws.ToString(role.RoleName) + "/" + fa.SessionName
	creds, err := issue(c, account, arn, roleID+":"+fa.SessionName, d, func(s *Session) {
		s.SourceArn, s.Policy = aws.ToString(role.Arn), aws.ToString(fa.Policy)
	})
	if err != nil {
		return nil, err
	}
	if err := iam.RecordRoleUsed(c.Tx, account, roleName, c.Region, c.Now()); err != nil {
		return nil, err
	}
	out := &assumedRole{Credentials: creds, User: &types.AssumedRoleUser{Arn: aws.String(arn), AssumedRoleId: aws.String(roleID + ":" + fa.SessionName)}}
	if fa.Policy != nil || fa.PolicyArns > 0 {
		out.PackedSize = aws.Int32(packedPolicySize(aws.ToString(fa.Policy), fa.PolicyArns, 0))
	}
	return out, nil
}

// federatedUserArn is the ARN GetFederationToken gives a federated user.
func federatedUserArn(partition, account, name string) string {
	return "arn:" + partition + ":sts::" + account + ":federated-user/" + name
}

// Federation tokens last 12 hours by default, 36 at most, one for the root user.
const (
	defaultFederationSession = 12 * time.Hour
	rootFederationSession    = time.Hour
)

func getFederationToken(c *api.Context, in *sts.GetFederationTokenInput) (*sts.GetFederationTokenOutput, error) {
	if c.Caller.Arn != "" && !isLongTermIdentity(c.Caller.Arn) {
		return nil, accessDenied("Cannot call GetFederationToken with session credentials")
	}
	name := aws.ToString(in.Name)
	d := defaultFederationSession
	if in.DurationSeconds != nil {
		d = time.Duration(*in.DurationSeconds) * time.Second
	}
	if isRootArn(c.Caller.Arn) && d > rootFederationSession {
		d = rootFederationSession
	}
	account := c.Caller.Account
	arn, userID := federatedUserArn(c.Partition(), account, name), account+":"+name
	creds, err := issue(c, account, arn, userID, d, func(s *Session) {
		s.SourceArn, s.Policy = c.Caller.Arn, aws.ToString(in.Policy)
		for _, p := range in.PolicyArns {
			s.PolicyArns = append(s.PolicyArns, aws.ToString(p.Arn))
		}
	})
	if err != nil {
		return nil, err
	}
	out := &sts.GetFederationTokenOutput{Credentials: creds, FederatedUser: &types.FederatedUser{Arn: aws.String(arn), FederatedUserId: aws.String(userID)}}
	if in.Policy != nil || len(in.PolicyArns) > 0 || len(in.Tags) > 0 {
		out.PackedPolicySize = aws.Int32(packedPolicySize(aws.ToString(in.Policy), len(in.PolicyArns), len(in.Tags)))
	}
	return out, nil
}

// isLongTermIdentity reports whether an ARN is an IAM user or an account root,
// the identities whose long-term keys may call GetFederationToken.
func isLongTermIdentity(arn string) bool {
	return isRootArn(arn) || iamUserArnRE.MatchString(arn)
}

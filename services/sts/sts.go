// Package sts implements AWS Security Token Service: caller identity and
// temporary credentials that Longshore accepts on later requests.
package sts

import (
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam"
	"github.com/longshore/longshore/store"
)

// Session is a set of temporary credentials and the identity they carry.
type Session struct {
	AccessKeyID     string
	SecretAccessKey string
	SessionToken    string
	Expiration      time.Time
	Account         string
	Arn             string
	UserID          string
	// SourceArn is the role (or user) whose policies the session carries;
	// Policy and PolicyArns are its session policies and Tags its session tags.
	SourceArn  string            `json:",omitempty"`
	Policy     string            `json:",omitempty"`
	PolicyArns []string          `json:",omitempty"`
	Tags       map[string]string `json:",omitempty"`
}

// LookupSession returns the temporary credentials with the given access key
// id, or nil.
func LookupSession(tx *store.Tx, accessKeyID string) (*Session, error) {
	return sessions.Get(tx, store.Scope{}, accessKeyID)
}

var sessions = store.Collection[Session]{Kind: "sts/session"}

// Service is STS with its credential resolver.
type Service struct {
	*api.Service
}

// New builds the STS service.
func New() *Service {
	s := &Service{Service: api.NewService("sts")}
	api.Handle(s.Service, "GetCallerIdentity", getCallerIdentity)
	api.Handle(s.Service, "GetSessionToken", getSessionToken).Writes()
	api.Handle(s.Service, "AssumeRole", assumeRole)
	api.Handle(s.Service, "GetAccessKeyInfo", getAccessKeyInfo)
	registerFederation(s.Service)
	return s
}

// Resolve finds the identity behind temporary credentials that STS issued.
func (s *Service) Resolve(tx *store.Tx, accessKeyID string) (*api.Principal, error) {
	if !strings.HasPrefix(accessKeyID, "ASIA") {
		return nil, nil
	}
	sess, err := sessions.Get(tx, store.Scope{}, accessKeyID)
	if err != nil || sess == nil {
		return nil, err
	}
	return &api.Principal{Account: sess.Account, Arn: sess.Arn, UserID: sess.UserID}, nil
}

func getCallerIdentity(c *api.Context, _ *sts.GetCallerIdentityInput) (*sts.GetCallerIdentityOutput, error) {
	return &sts.GetCallerIdentityOutput{
		Account: aws.String(c.Caller.Account),
		Arn:     aws.String(api.InPartition(c.Caller.Arn, c.Partition())),
		UserId:  aws.String(c.Caller.UserID),
	}, nil
}

func getAccessKeyInfo(c *api.Context, in *sts.GetAccessKeyInfoInput) (*sts.GetAccessKeyInfoOutput, error) {
	key := aws.ToString(in.AccessKeyId)
	account := api.DefaultAccount
	if sess, err := sessions.Get(c.Tx, store.Scope{}, key); err != nil {
		return nil, err
	} else if sess != nil {
		account = sess.Account
	} else if k, err := iam.AccessKeys.Get(c.Tx, store.Scope{}, key); err != nil {
		return nil, err
	} else if k != nil {
		// An IAM user's access key belongs to the user's account.
		account = k.Account
	} else if key == c.Caller.AccessKeyID {
		account = c.Caller.Account
	}
	return &sts.GetAccessKeyInfoOutput{Account: aws.String(account)}, nil
}

// issue stores and returns new temporary credentials for an identity.
func issue(c *api.Context, account, arn, userID string, d time.Duration, with ...func(*Session)) (*types.Credentials, error) {
	sess := &Session{
		AccessKeyID:     api.UniqueID("ASIA"),
		SecretAccessKey: api.Secret(),
		SessionToken:    "FQoGZXIvYXdzE" + api.RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 300),
		Expiration:      c.Now().Add(d).Truncate(time.Second),
		Account:         account,
		Arn:             arn,
		UserID:          userID,
	}
	for _, f := range with {
		f(sess)
	}
	if err := sessions.Put(c.Tx, store.Scope{}, sess.AccessKeyID, store.Index{Name: account}, sess); err != nil {
		return nil, err
	}
	return &types.Credentials{
		AccessKeyId:     aws.String(sess.AccessKeyID),
		SecretAccessKey: aws.String(sess.SecretAccessKey),
		SessionToken:    aws.String(sess.SessionToken),
		Expiration:      aws.Time(sess.Expiration),
	}, nil
}

func getSessionToken(c *api.Context, in *sts.GetSessionTokenInput) (*sts.GetSessionTokenOutput, error) {
	d := time.Duration(aws.ToInt32(in.DurationSeconds)) * time.Second
	if in.DurationSeconds == nil {
		d = 12 * time.Hour
	}
	if strings.Contains(c.Caller.Arn, ":assumed-role/") {
		return nil, apierror.New("AccessDenied", "Cannot call GetSessionToken with session credentials")
	}
	creds, err := issue(c, c.Caller.Account, c.Caller.Arn, c.Caller.UserID, d, func(s *Session) { s.SourceArn = c.Caller.Arn })
	if err != nil {
		return nil, err
	}
	return &sts.GetSessionTokenOutput{Credentials: creds}, nil
}

var roleArnRE = regexp.MustCompile(`^arn:aws[a-z-]*:iam::(\d{12}):role/(?:[\x21-\x7e]*/)?([\w+=,.@-]+)$`)

func assumeRole(c *api.Context, in *sts.AssumeRoleInput) (*sts.AssumeRoleOutput, error) {
	m := roleArnRE.FindStringSubmatch(aws.ToString(in.RoleArn))
	if m == nil {
		return nil, apierror.New("ValidationError", "%s is invalid", aws.ToString(in.RoleArn))
	}
	account := m[1]
	session := aws.ToString(in.RoleSessionName)
	d := time.Hour
	if in.DurationSeconds != nil {
		d = time.Duration(*in.DurationSeconds) * time.Second
	}
	if d > time.Hour && strings.Contains(c.Caller.Arn, ":assumed-role/") {
		// Role chaining limits a session to one hour.
		return nil, apierror.New("ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	}
	role, err := trustedRole(c, in, account)
	if err != nil {
		return nil, err
	}
	if err := checkMaxSession(role, d); err != nil {
		return nil, err
	}
	roleName, roleID := aws.ToString(role.RoleName), aws.ToString(role.RoleId)
	arn := c.ARNPrefix() + "sts::" + account + ":assumed-role/" + roleName + "/" + session
	creds, err := issue(c, account, arn, roleID+":"+session, d, func(s *Session) {
		s.SourceArn, s.Policy = aws.ToString(role.Arn), aws.ToString(in.Policy)
		for _, p := range in.PolicyArns {
			s.PolicyArns = append(s.PolicyArns, aws.ToString(p.Arn))
		}
		for _, t := range in.Tags {
			if s.Tags == nil {
				s.Tags = map[string]string{}
			}
			s.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	})
	if err != nil {
		return nil, err
	}
	if err := iam.RecordRoleUsed(c.Tx, account, roleName, c.Region, c.Now()); err != nil {
		return nil, err
	}
	out := &sts.AssumeRoleOutput{
		Credentials:     creds,
		AssumedRoleUser: &types.AssumedRoleUser{Arn: aws.String(arn), AssumedRoleId: aws.String(roleID + ":" + session)},
		SourceIdentity:  in.SourceIdentity,
	}
	if in.Policy != nil || len(in.PolicyArns) > 0 || len(in.Tags) > 0 {
		out.PackedPolicySize = aws.Int32(packedPolicySize(aws.ToString(in.Policy), len(in.PolicyArns), len(in.Tags)))
	}
	return out, nil
}

// packedPolicySize approximates AWS's percentage of the packed session-policy limit.
func packedPolicySize(policy string, arns, tags int) int32 {
	n := (len(policy)*100)/2048 + arns*6 + tags*4
	if n < 1 {
		n = 1
	}
	return int32(n)
}

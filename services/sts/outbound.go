package sts

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/services/iam"
)

// Web identity tokens last five minutes unless the request says otherwise.
const defaultWebIdentityTokenLife = 300 * time.Second

// getWebIdentityToken vends a JWT for the caller, signed with the account's
// outbound federation key.
func getWebIdentityToken(c *api.Context, in *sts.GetWebIdentityTokenInput) (*sts.GetWebIdentityTokenOutput, error) {
	alg := aws.ToString(in.SigningAlgorithm)
	if alg != "RS256" && alg != "ES384" {
		return nil, apierror.New("ValidationError", "1 validation error detected: Value '%s' at 'signingAlgorithm' failed to satisfy constraint: Member must satisfy enum value set: [RS256, ES384]", alg)
	}
	fed, err := iam.OutboundFederationOf(c.Tx, c.Caller.Account)
	if err != nil {
		return nil, err
	}
	if fed == nil {
		return nil, apierror.New("OutboundWebIdentityFederationDisabledException", "Outbound web identity federation is disabled for account %s. Enable it with iam:EnableOutboundWebIdentityFederation.", c.Caller.Account)
	}
	life := defaultWebIdentityTokenLife
	if in.DurationSeconds != nil {
		life = time.Duration(*in.DurationSeconds) * time.Second
	}
	now := c.Now().UTC().Truncate(time.Second)
	exp := now.Add(life)
	claims := map[string]any{"iss": fed.IssuerIdentifier, "sub": c.Caller.Arn, "iat": now.Unix(), "nbf": now.Unix(),
		"exp": exp.Unix(), "jti": api.UUID()}
	if len(in.Audience) == 1 {
		claims["aud"] = in.Audience[0]
	} else {
		claims["aud"] = in.Audience
	}
	awsClaims := map[string]any{"aws_account": c.Caller.Account}
	if len(in.Tags) > 0 {
		tags := map[string]string{}
		for _, t := range in.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
		awsClaims["request_tags"] = tags
	}
	claims["https://sts.amazonaws.com/"] = awsClaims
	token, err := signJWT(fed, alg, claims)
	if err != nil {
		return nil, err
	}
	return &sts.GetWebIdentityTokenOutput{WebIdentityToken: aws.String(token), Expiration: aws.Time(exp)}, nil
}

// signJWT signs claims with the federation's RS256 or ES384 key.
func signJWT(fed *iam.OutboundFederation, alg string, claims map[string]any) (string, error) {
	rk, ek, err := fed.SigningKeys()
	if err != nil {
		return "", err
	}
	header, _ := json.Marshal(map[string]string{"alg": alg, "typ": "JWT", "kid": fed.KeyID})
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", err
	}
	signing := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(payload)
	var sig []byte
	if alg == "RS256" {
		sum := sha256.Sum256([]byte(signing))
		sig, err = rsa.SignPKCS1v15(rand.Reader, rk, crypto.SHA256, sum[:])
	} else {
		sum := sha512.Sum384([]byte(signing))
		var r, s *big.Int
		if r, s, err = ecdsa.Sign(rand.Reader, ek, sum[:]); err == nil {
			// JWS ES384 signatures are r and s, 48 bytes each.
			sig = make([]byte, 96)
			r.FillBytes(sig[:48])
			s.FillBytes(sig[48:])
		}
	}
	if err != nil {
		return "", err
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// verifyJWT checks an RS256 or ES384 signature made with the federation's keys.
func verifyJWT(fed *iam.OutboundFederation, alg, signingInput string, sig []byte) (bool, error) {
	rk, ek, err := fed.SigningKeys()
	if err != nil {
		return false, err
	}
	switch alg {
	case "RS256":
		sum := sha256.Sum256([]byte(signingInput))
		return rsa.VerifyPKCS1v15(&rk.PublicKey, crypto.SHA256, sum[:], sig) == nil, nil
	case "ES384":
		if len(sig) != 96 {
			return false, nil
		}
		sum := sha512.Sum384([]byte(signingInput))
		return ecdsa.Verify(&ek.PublicKey, sum[:], new(big.Int).SetBytes(sig[:48]), new(big.Int).SetBytes(sig[48:])), nil
	}
	return false, nil
}

// getDelegatedAccessToken exchanges a delegation request's trade-in token for
// credentials of the identity that accepted the request, valid for the rest
// of the delegated session.
func getDelegatedAccessToken(c *api.Context, in *sts.GetDelegatedAccessTokenInput) (*sts.GetDelegatedAccessTokenOutput, error) {
	d, err := iam.RedeemDelegationToken(c.Tx, aws.ToString(in.TradeInToken), c.Now())
	if err != nil {
		return nil, err
	}
	if d == nil {
		return nil, apierror.New("ExpiredTradeInTokenException", "The trade-in token has expired, has already been used or is not valid.")
	}
	account, principal := aws.ToString(d.OwnerAccountId), aws.ToString(d.ApproverId)
	creds, err := issue(c, account, principal, iam.PrincipalUserID(c.Tx, account, principal), d.ExpirationTime.Sub(c.Now()))
	if err != nil {
		return nil, err
	}
	return &sts.GetDelegatedAccessTokenOutput{Credentials: creds, AssumedPrincipal: aws.String(principal)}, nil
}

// rootTaskPolicies are the AWS managed policies that may scope an AssumeRoot session.
var rootTaskPolicies = map[string]bool{
	"arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials":  true,
	"arn:aws:iam::aws:policy/root-task/IAMCreateRootUserPassword":    true,
	"arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials": true,
	"arn:aws:iam::aws:policy/root-task/S3UnlockBucketPolicy":         true,
	"arn:aws:iam::aws:policy/root-task/SQSUnlockQueuePolicy":         true,
}

// assumeRoot answers as AWS does for an account outside an organization:
// privileged root sessions need centralized root access, which needs one.
func assumeRoot(c *api.Context, in *sts.AssumeRootInput) (*sts.AssumeRootOutput, error) {
	arn := ""
	if in.TaskPolicyArn != nil {
		arn = aws.ToString(in.TaskPolicyArn.Arn)
	}
	if !rootTaskPolicies[api.InPartition(arn, "aws")] { // AWS managed: any partition's ARN
		return nil, apierror.New("ValidationError", "TaskPolicyArn %s is not one of the root task policies (arn:aws:iam::aws:policy/root-task/...).", arn)
	}
	if isRootArn(c.Caller.Arn) {
		return nil, accessDenied("You cannot use root user credentials to call AssumeRoot.")
	}
	return nil, accessDenied("User: %s is not authorized to perform: sts:AssumeRoot on resource: %s: centralized root access is not enabled because account %s is not a member of an organization.",
		c.Caller.Arn, aws.ToString(in.TargetPrincipal), c.Caller.Account)
}

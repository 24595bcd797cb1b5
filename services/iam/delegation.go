package iam

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/protocol/apierror"
	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// Delegation is a temporary-delegation request: a partner (the requestor) asks
// an owner account for time-limited access. Requests cross accounts, so they
// are stored outside any account (store.Scope{}).
type Delegation struct {
	types.DelegationRequest
	NotificationChannel string
	RequestorWorkflowID string
	// TradeInToken is sent to the partner on SendDelegationToken; STS exchanges it once.
	TradeInToken string `json:",omitempty"`
	TokenUsed    bool   `json:",omitempty"`
}

// Delegations is keyed by request id. Index.Parent is the requestor
// account and Index.Status "/" and its workflow id (a requestor's workflow
// ids are unique); Index.Name is the owner account once an identity of it
// has associated the request (which then lists it), else empty;
// Index.Attr is the trade-in token's hash. ListDelegationRequests reads an
// account's requests as requestor (parent) and as owner (name), each in
// creation order through its index. Requests stored before 0026 kept the
// owner account in Parent and requestor/workflow in Name.
var Delegations = store.Collection[Delegation]{Kind: "iam/delegation-request"}

// rejectedDelegationLifetime is how long a rejected request lives on.
const rejectedDelegationLifetime = 7 * 24 * time.Hour

func registerDelegation(s *api.Service) {
	api.Handle(s, "CreateDelegationRequest", createDelegationRequest)
	api.Handle(s, "GetDelegationRequest", getDelegationRequest)
	api.Handle(s, "ListDelegationRequests", listDelegationRequests)
	api.Handle(s, "AssociateDelegationRequest", associateDelegationRequest)
	api.Handle(s, "AcceptDelegationRequest", acceptDelegationRequest)
	api.Handle(s, "RejectDelegationRequest", rejectDelegationRequest)
	api.Handle(s, "UpdateDelegationRequest", updateDelegationRequest)
	api.Handle(s, "SendDelegationToken", sendDelegationToken)
}

func putDelegation(tx *store.Tx, d *Delegation) error {
	ix := store.Index{Parent: aws.ToString(d.RequestorId), Status: "/" + d.RequestorWorkflowID}
	if d.OwnerId != nil {
		ix.Name = aws.ToString(d.OwnerAccountId)
	}
	if d.TradeInToken != "" {
		ix.Attr = tokenHash(d.TradeInToken)
	}
	return Delegations.Put(tx, store.Scope{}, aws.ToString(d.DelegationRequestId), ix, d)
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// visibleTo reports whether the caller may see a request: its requestor, anyone
// while it has no owner account, else identities of the owner account.
func (d *Delegation) visibleTo(c *api.Context) bool {
	owner := aws.ToString(d.OwnerAccountId)
	return aws.ToString(d.RequestorId) == c.Account() || owner == "" || owner == c.Account()
}

func noSuchDelegation(id string) error {
	return apierror.New("NoSuchEntity", "Delegation request %s cannot be found.", id)
}

func loadDelegation(c *api.Context, id string) (*Delegation, error) {
	d, err := Delegations.Get(c.Tx, store.Scope{}, id)
	if err != nil {
		return nil, err
	}
	if d == nil || !d.visibleTo(c) {
		return nil, noSuchDelegation(id)
	}
	return d, nil
}

// loadOwnedDelegation loads a request for an owner-side call: the caller's
// account must own it.
func loadOwnedDelegation(c *api.Context, id string) (*Delegation, error) {
	d, err := loadDelegation(c, id)
	if err != nil {
		return nil, err
	}
	if aws.ToString(d.OwnerAccountId) != c.Account() || d.OwnerId == nil {
		return nil, noSuchDelegation(id)
	}
	return d, nil
}

func wrongDelegationState(d *Delegation, action string) error {
	return apierror.New("InvalidInput", "Delegation request %s in state %s cannot be %s.", aws.ToString(d.DelegationRequestId), d.State, action)
}

func (d *Delegation) touch(c *api.Context) {
	d.UpdatedTime = aws.Time(c.Now().UTC().Truncate(time.Second))
}

func createDelegationRequest(c *api.Context, in *iam.CreateDelegationRequestInput) (*iam.CreateDelegationRequestOutput, error) {
	workflow := aws.ToString(in.RequestorWorkflowId)
	dups, err := Delegations.Count(c.Tx, store.Scope{}, store.Query{Parent: c.Account(), Status: "/" + workflow})
	if err != nil {
		return nil, err
	}
	if dups > 0 {
		return nil, apierror.New("EntityAlreadyExists", "A delegation request with workflow id %s already exists.", workflow)
	}
	now := c.Now().UTC().Truncate(time.Second)
	d := &Delegation{NotificationChannel: aws.ToString(in.NotificationChannel), RequestorWorkflowID: workflow}
	d.DelegationRequestId = aws.String("dr-" + api.HexID(32))
	d.OwnerAccountId, d.Description, d.RequestMessage = in.OwnerAccountId, in.Description, in.RequestMessage
	d.Permissions, d.SessionDuration, d.RedirectUrl, d.OnlySendByOwner = in.Permissions, in.SessionDuration, in.RedirectUrl, in.OnlySendByOwner
	d.RequestorId, d.State, d.CreateDate, d.UpdatedTime = aws.String(c.Account()), types.StateTypeUnassigned, aws.Time(now), aws.Time(now)
	if err := putDelegation(c.Tx, d); err != nil {
		return nil, err
	}
	return &iam.CreateDelegationRequestOutput{DelegationRequestId: d.DelegationRequestId,
		ConsoleDeepLink: aws.String("https://console.aws.amazon.com/iam/home#/delegation-requests/" + aws.ToString(d.DelegationRequestId))}, nil
}

func getDelegationRequest(c *api.Context, in *iam.GetDelegationRequestInput) (*iam.GetDelegationRequestOutput, error) {
	d, err := loadDelegation(c, aws.ToString(in.DelegationRequestId))
	if err != nil {
		return nil, err
	}
	out := &iam.GetDelegationRequestOutput{DelegationRequest: &d.DelegationRequest}
	if in.DelegationPermissionCheck {
		// Permission templates are not evaluated, so the check cannot tell.
		out.PermissionCheckStatus, out.PermissionCheckResult = types.PermissionCheckStatusTypeComplete, types.PermissionCheckResultTypeUnsure
	}
	return out, nil
}

func listDelegationRequests(c *api.Context, in *iam.ListDelegationRequestsInput) (*iam.ListDelegationRequestsOutput, error) {
	owner := aws.ToString(in.OwnerId)
	size := defaultMaxItems
	if in.MaxItems != nil {
		size = int(*in.MaxItems)
	}
	// The caller's requests as requestor and as the owner that associated
	// them (requests without an owner are not listed, even for their target
	// account), in creation order.
	qs := []store.Query{{Parent: c.Account()}, {Name: c.Account()}}
	page, next, err := api.PaginateAny(c.Tx, store.Scope{}, Delegations, qs,
		api.Paging{Listing: "iam:ListDelegationRequests:" + c.Account() + ":" + owner, Token: in.Marker, Size: size,
			BadToken: apierror.New("InvalidInput", "Invalid Marker.")}, func(d *Delegation) bool {
			owned := aws.ToString(d.OwnerAccountId) == c.Account() && d.OwnerId != nil
			return (owned || aws.ToString(d.RequestorId) == c.Account()) && (owner == "" || aws.ToString(d.OwnerId) == owner)
		})
	if err != nil {
		return nil, err
	}
	list := make([]types.DelegationRequest, 0, len(page))
	for _, d := range page {
		list = append(list, d.DelegationRequest)
	}
	return &iam.ListDelegationRequestsOutput{DelegationRequests: list, Marker: next, IsTruncated: next != nil}, nil
}

func associateDelegationRequest(c *api.Context, in *iam.AssociateDelegationRequestInput) (*iam.AssociateDelegationRequestOutput, error) {
	d, err := loadDelegation(c, aws.ToString(in.DelegationRequestId))
	if err != nil {
		return nil, err
	}
	if owner := aws.ToString(d.OwnerAccountId); owner != "" && owner != c.Account() {
		return nil, noSuchDelegation(aws.ToString(d.DelegationRequestId))
	}
	if d.State != types.StateTypeUnassigned {
		return nil, wrongDelegationState(d, "associated")
	}
	d.OwnerAccountId, d.OwnerId, d.State = aws.String(c.Account()), aws.String(c.Caller.Arn), types.StateTypeAssigned
	d.touch(c)
	return &iam.AssociateDelegationRequestOutput{}, putDelegation(c.Tx, d)
}

func updateDelegationRequest(c *api.Context, in *iam.UpdateDelegationRequestInput) (*iam.UpdateDelegationRequestOutput, error) {
	d, err := loadOwnedDelegation(c, aws.ToString(in.DelegationRequestId))
	if err != nil {
		return nil, err
	}
	if d.State != types.StateTypeAssigned && d.State != types.StateTypePendingApproval {
		return nil, wrongDelegationState(d, "updated")
	}
	d.Notes, d.State = in.Notes, types.StateTypePendingApproval
	d.touch(c)
	return &iam.UpdateDelegationRequestOutput{}, putDelegation(c.Tx, d)
}

func acceptDelegationRequest(c *api.Context, in *iam.AcceptDelegationRequestInput) (*iam.AcceptDelegationRequestOutput, error) {
	d, err := loadOwnedDelegation(c, aws.ToString(in.DelegationRequestId))
	if err != nil {
		return nil, err
	}
	if d.State != types.StateTypeAssigned && d.State != types.StateTypePendingApproval {
		return nil, wrongDelegationState(d, "accepted")
	}
	// The accepting identity is the one the delegated credentials act as.
	d.ApproverId, d.State = aws.String(c.Caller.Arn), types.StateTypeAccepted
	d.touch(c)
	return &iam.AcceptDelegationRequestOutput{}, putDelegation(c.Tx, d)
}

func rejectDelegationRequest(c *api.Context, in *iam.RejectDelegationRequestInput) (*iam.RejectDelegationRequestOutput, error) {
	d, err := loadOwnedDelegation(c, aws.ToString(in.DelegationRequestId))
	if err != nil {
		return nil, err
	}
	switch d.State {
	case types.StateTypeAssigned, types.StateTypePendingApproval, types.StateTypeAccepted:
	default:
		return nil, wrongDelegationState(d, "rejected")
	}
	d.RejectionReason, d.State = in.Notes, types.StateTypeRejected
	d.touch(c)
	d.ExpirationTime = aws.Time(d.UpdatedTime.Add(rejectedDelegationLifetime))
	return &iam.RejectDelegationRequestOutput{}, putDelegation(c.Tx, d)
}

func sendDelegationToken(c *api.Context, in *iam.SendDelegationTokenInput) (*iam.SendDelegationTokenOutput, error) {
	d, err := loadOwnedDelegation(c, aws.ToString(in.DelegationRequestId))
	if err != nil {
		return nil, err
	}
	if d.State != types.StateTypeAccepted {
		return nil, wrongDelegationState(d, "finalized")
	}
	if d.OnlySendByOwner && aws.ToString(d.OwnerId) != c.Caller.Arn {
		return nil, apierror.New("InvalidInput", "Only the owner %s can send the token of delegation request %s.", aws.ToString(d.OwnerId), aws.ToString(d.DelegationRequestId))
	}
	d.State = types.StateTypeFinalized
	d.touch(c)
	// The delegated session's window starts now.
	d.ExpirationTime = aws.Time(d.UpdatedTime.Add(time.Duration(aws.ToInt32(d.SessionDuration)) * time.Second))
	d.TradeInToken = "dt-" + api.RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 96)
	return &iam.SendDelegationTokenOutput{}, putDelegation(c.Tx, d)
}

// DelegationTradeInToken returns the trade-in token of a finalized request
// ("" when it has none). AWS delivers it on the partner's notification channel;
// Longshore has none, so tools read it here.
func DelegationTradeInToken(tx *store.Tx, id string) (string, error) {
	d, err := Delegations.Get(tx, store.Scope{}, id)
	if err != nil || d == nil {
		return "", err
	}
	return d.TradeInToken, nil
}

// RedeemDelegationToken exchanges a trade-in token once, returning the request
// whose delegated identity the credentials carry; nil when the token is unknown,
// used or expired. STS's GetDelegatedAccessToken calls it.
func RedeemDelegationToken(tx *store.Tx, token string, now time.Time) (*Delegation, error) {
	if !strings.HasPrefix(token, "dt-") {
		return nil, nil
	}
	items, err := Delegations.List(tx, store.Scope{}, store.Query{Attr: tokenHash(token), Limit: 1})
	if err != nil || len(items) == 0 {
		return nil, err
	}
	d := items[0].Doc
	if d.TokenUsed || d.State != types.StateTypeFinalized || d.ExpirationTime == nil || !now.Before(*d.ExpirationTime) {
		return nil, nil
	}
	d.TokenUsed = true
	return d, putDelegation(tx, d)
}

func registerHumanReadableSummary(s *api.Service) {
	api.Handle(s, "GetHumanReadableSummary", getHumanReadableSummary)
}

// getHumanReadableSummary summarizes a delegation request, the one entity type
// AWS summarizes. The summary is built from the request's fields, in English.
func getHumanReadableSummary(c *api.Context, in *iam.GetHumanReadableSummaryInput) (*iam.GetHumanReadableSummaryOutput, error) {
	arn := aws.ToString(in.EntityArn)
	_, id, ok := strings.Cut(arn, ":delegation-request/")
	if !ok || !iamARNRE.MatchString(arn) {
		return nil, apierror.New("InvalidInput", "Entity %s is not supported. The only supported entity type is delegation-request.", arn)
	}
	d, err := loadDelegation(c, id)
	if err != nil {
		return nil, err
	}
	locale := aws.ToString(in.Locale)
	if locale == "" {
		locale = "en"
	}
	out := &iam.GetHumanReadableSummaryOutput{Locale: aws.String(locale)}
	if !strings.HasPrefix(strings.ToLower(locale), "en") {
		out.SummaryState = types.SummaryStateTypeNotSupported
		return out, nil
	}
	out.SummaryState, out.SummaryContent = types.SummaryStateTypeAvailable, aws.String(delegationSummary(d))
	return out, nil
}

func delegationSummary(d *Delegation) string {
	var b strings.Builder
	b.WriteString("Account " + aws.ToString(d.RequestorId) + " requests temporary access")
	if owner := aws.ToString(d.OwnerAccountId); owner != "" {
		b.WriteString(" to account " + owner)
	}
	b.WriteString(" for " + (time.Duration(aws.ToInt32(d.SessionDuration)) * time.Second).String() + ".")
	if desc := aws.ToString(d.Description); desc != "" {
		b.WriteString(" Purpose: " + desc + ".")
	}
	if p := d.Permissions; p != nil {
		b.WriteString(" Permissions follow the policy template " + aws.ToString(p.PolicyTemplateArn))
		for i, param := range p.Parameters {
			if i == 0 {
				b.WriteString(" with ")
			} else {
				b.WriteString(", ")
			}
			b.WriteString(aws.ToString(param.Name) + " = " + strings.Join(param.Values, ", "))
		}
		b.WriteString(".")
	}
	b.WriteString(" The request is " + strings.ToLower(strings.ReplaceAll(string(d.State), "_", " ")) + ".")
	return b.String()
}

// PrincipalUserID is the unique id GetCallerIdentity reports for a principal
// ARN of account: a user's AIDA id, "ROLEID:session" for a role session, the
// account id for the root user (the ARN itself when the principal is gone).
func PrincipalUserID(tx *store.Tx, account, arn string) string {
	name := arn[strings.LastIndex(arn, "/")+1:]
	switch {
	case strings.HasSuffix(arn, ":root"):
		return account
	case strings.Contains(arn, ":user/"):
		if u, err := getUser(tx, account, name); err == nil {
			return aws.ToString(u.UserId)
		}
	case strings.Contains(arn, ":assumed-role/"):
		parts := strings.Split(arn, "/")
		if len(parts) >= 3 {
			if r, err := getRole(tx, account, parts[len(parts)-2]); err == nil {
				return aws.ToString(r.RoleId) + ":" + name
			}
		}
	}
	return arn
}

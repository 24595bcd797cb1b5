package iam

import (
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/longshore/longshore/services/api"
	"github.com/longshore/longshore/store"
)

// keyUseGranularity is how precisely IAM dates a key's last use: to the
// minute ("LastUsedDate": "2015-06-16T22:45:00Z" in the awscli examples of
// iam get-access-key-last-used).
const keyUseGranularity = time.Minute

// keyUse is an access key's last use: when, with which service, in which
// region; dirty until the key's document holds it.
type keyUse struct {
	at              time.Time
	service, region string
	dirty           bool
}

// keyUseLog remembers each IAM user key's last use, one per server. A
// request costs a map lookup; the key's document is written only when what
// GetAccessKeyLastUsed shows changes (another minute, service or region),
// from the first write transaction that can, so that a restart keeps it.
type keyUseLog struct {
	mu   sync.Mutex
	uses map[string]keyUse
}

func newKeyUseLog() *keyUseLog { return &keyUseLog{uses: map[string]keyUse{}} }

// note records a request signed with an IAM user's key: service is its
// signing name (the namespace IAM reports, "iam", "ecs"). It reports
// whether the key's document is due a write.
func (l *keyUseLog) note(id, service, region string, now time.Time) (keyUse, bool) {
	u := keyUse{at: now.UTC().Truncate(keyUseGranularity), service: service, region: region}
	l.mu.Lock()
	defer l.mu.Unlock()
	old, ok := l.uses[id]
	if ok && old.at.Equal(u.at) && old.service == service && old.region == region {
		return old, old.dirty
	}
	if ok && old.at.After(u.at) {
		return old, old.dirty // a request older than the last one seen
	}
	u.dirty = true
	l.uses[id] = u
	return u, true
}

// saved marks a use as held by the key's document, unless a newer one came.
func (l *keyUseLog) saved(id string, u keyUse) {
	l.mu.Lock()
	if cur := l.uses[id]; cur.at.Equal(u.at) && cur.service == u.service && cur.region == u.region {
		cur.dirty = false
		l.uses[id] = cur
	}
	l.mu.Unlock()
}

// lastUsed is a key's last use, from its document or from memory, whichever
// is later; nil when never.
func (l *keyUseLog) lastUsed(k *AccessKey) *types.AccessKeyLastUsed {
	var out *types.AccessKeyLastUsed
	if lu := k.LastUsed; lu != nil && lu.LastUsedDate != nil {
		cp := *lu
		out = &cp
	}
	l.mu.Lock()
	u, ok := l.uses[aws.ToString(k.AccessKeyId)]
	l.mu.Unlock()
	if ok && (out == nil || u.at.After(*out.LastUsedDate)) {
		out = &types.AccessKeyLastUsed{LastUsedDate: aws.Time(u.at), ServiceName: aws.String(u.service), Region: aws.String(u.region)}
	}
	return out
}

// fill sets the keys' last use from lastUsed.
func (l *keyUseLog) fill(keys []*AccessKey) {
	for _, k := range keys {
		if lu := l.lastUsed(k); lu != nil {
			k.LastUsed = lu
		}
	}
}

// save writes a use into the key's document; a read transaction cannot, and
// the use stays due for the next write.
func (l *keyUseLog) save(tx *store.Tx, id string, u keyUse) {
	k, err := AccessKeys.Get(tx, store.Scope{}, id)
	if err != nil || k == nil {
		return
	}
	if lu := k.LastUsed; lu != nil && lu.LastUsedDate != nil && lu.LastUsedDate.After(u.at) {
		l.saved(id, u)
		return
	}
	k.LastUsed = &types.AccessKeyLastUsed{LastUsedDate: aws.Time(u.at), ServiceName: aws.String(u.service), Region: aws.String(u.region)}
	if putAccessKey(&api.Context{Tx: tx}, k) == nil {
		l.saved(id, u)
	}
}

// NoteKeyUses makes every handler of the services note the use of the IAM
// user access key that signed its request, with or without IAM
// enforcement. A key's document is written after a handler that succeeded,
// in its transaction, and only when its last use changed.
func (s *Service) NoteKeyUses(services []*api.Service) {
	for _, svc := range services {
		svcName, name := svc.Name, svc.Model.Metadata.SigningName
		if name == "" {
			name = svc.Model.Metadata.EndpointPrefix
		}
		for _, h := range svc.Handlers {
			call := h.Call
			h.Call = func(c *api.Context, in any) (any, error) {
				id := c.Caller.AccessKeyID
				// A handler another one calls (c.Service is the caller's) is no request.
				if !strings.HasPrefix(id, "AKIA") || c.Service != svcName {
					return call(c, in)
				}
				u, due := s.uses.note(id, name, c.Region, c.Now())
				out, err := call(c, in)
				if due && err == nil {
					s.uses.save(c.Tx, id, u)
				}
				return out, err
			}
		}
	}
}
